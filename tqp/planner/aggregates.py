"""Finding the aggregate calls of a query and rewriting expressions over the aggregate's output."""

from __future__ import annotations

from dataclasses import replace

from sqlglot import exp
from sqlglot.optimizer.scope import traverse_scope, walk_in_scope

from tqp.errors import NotSupportedError, ProgrammingError
from tqp.planner.logical import AggregateCall, SortKey
from tqp.planner.resolve import source_aliases
from tqp.planner.scope import as_written, ref

# sqlglot node -> tqp aggregate function name.
SUPPORTED = {
    exp.Sum: "sum", exp.Avg: "avg", exp.Min: "min", exp.Max: "max", exp.Count: "count",
    exp.StddevSamp: "stddev_samp", exp.Stddev: "stddev_samp", exp.StddevPop: "stddev_pop",
    exp.Variance: "var_samp", exp.VariancePop: "var_pop",
    exp.LogicalAnd: "bool_and", exp.LogicalOr: "bool_or",
    exp.First: "first", exp.Last: "last", exp.AnyValue: "any_value", exp.Median: "median",
    exp.Mode: "mode", exp.ArgMin: "arg_min", exp.ArgMax: "arg_max",
    exp.PercentileCont: "quantile_cont", exp.PercentileDisc: "quantile_disc",
    exp.Quantile: "quantile_disc", exp.GroupConcat: "string_agg", exp.ArrayAgg: "list",
}
# Aggregates whose result is a LIST (operators/list_aggregates.py).
LIST_RESULTS = frozenset({"list", "min_n", "max_n"})
# Aggregates whose second argument is a constant (the quantile fraction, the separator).
CONSTANT_SECOND = {"quantile_cont", "quantile_disc", "string_agg"}
# sqlglot names for the constant argument, by node type.
_SECOND_ARG = {exp.Quantile: "quantile", exp.GroupConcat: "separator"}
# The arguments of aggregate nodes `to_call` reads (or rejects itself); any other is refused.
_READ_ARGS = {"this", "expression", "quantile", "separator", "big_int", "count", "on_overflow",
              "nulls_excluded"}


def is_aggregate(node: exp.Expression) -> bool:
    return isinstance(node, exp.AggFunc)


def contains_aggregate(expression: exp.Expression) -> bool:
    """True if `expression` calls an aggregate outside any subquery (a window aggregate such
    as `sum(x) OVER ()` is not one; an aggregate inside its arguments is)."""
    return any(is_aggregate(n) for n in _outer_nodes(expression))


def _outer_nodes(expression: exp.Expression):
    stack = [expression]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (exp.Subquery, exp.Select, exp.Exists)) and node is not expression:
            continue
        if isinstance(node, exp.In) and node.args.get("query"):
            yield from _outer_nodes(node.this)
            continue
        if isinstance(node, exp.Window):
            stack.extend(_window_parts(node))
            continue
        stack.extend(node.iter_expressions())


def _window_parts(window: exp.Window) -> list[exp.Expression]:
    """What a window call evaluates per row: its function's arguments, partition and order
    (the function itself runs over the window, after any grouping)."""
    func = window.this
    if isinstance(func, (exp.IgnoreNulls, exp.RespectNulls)):
        func = func.this
    if isinstance(func, exp.Filter):
        raise NotSupportedError("FILTER clause in a window aggregate")
    return list(func.iter_expressions()) + [e for e in window.iter_expressions()
                                            if e is not window.this]


def _sort_keys(order: exp.Order) -> tuple[SortKey, ...]:
    return tuple(SortKey(o.this, bool(o.args.get("desc")), bool(o.args.get("nulls_first")))
                 for o in order.expressions)


def _constant(node: exp.Expression | None, func: str):
    """The value of a constant argument (a number or a string literal)."""
    negative = isinstance(node, exp.Neg)
    literal = node.this if negative else node
    if not isinstance(literal, exp.Literal):
        what = "a list of quantiles" if isinstance(node, (exp.Array, exp.Tuple)) else \
            (node.sql(dialect="duckdb") if node is not None else "nothing")
        raise NotSupportedError(f"{func.upper()} with {what} as its constant argument")
    if literal.is_string:
        return literal.this
    value = float(literal.this)
    return -value if negative else value


def to_call(node: exp.Expression) -> AggregateCall:
    """The call (expressions not yet resolved) of an aggregate node, with its FILTER clause,
    WITHIN GROUP / ORDER BY ordering and constant argument."""
    condition = None
    if isinstance(node, exp.Filter):
        condition, node = node.expression.this, node.this
    within = None
    if isinstance(node, exp.WithinGroup):
        within, node = node.expression, node.this
    func = next((name for cls, name in SUPPORTED.items() if type(node) is cls), None)
    if func is None:
        raise NotSupportedError(f"aggregate function {node.sql_name()}")
    arg, second = node.this, node.args.get(_SECOND_ARG.get(type(node), "expression"))
    unread = [k for k, v in node.args.items() if v not in (None, False, [])
              and k not in _READ_ARGS]
    if unread:
        raise NotSupportedError(f"{func.upper()} with {unread[0]} arguments")
    if node.args.get("nulls_excluded"):
        raise NotSupportedError(f"{func.upper()} ... IGNORE NULLS")
    param = None
    if node.args.get("count") is not None:  # DuckDB's top-n MIN(x, n) / MAX(x, n): a LIST
        param = _constant(node.args["count"], func)
        if not float(param).is_integer() or param < 1:
            raise ProgrammingError(f"{func.upper()}(x, n) takes a positive integer n")
        func, param = f"{func}_n", int(param)
    if node.args.get("on_overflow") is not None:
        raise NotSupportedError("LISTAGG ... ON OVERFLOW")
    if second is not None and func not in CONSTANT_SECOND | {"arg_min", "arg_max"}:
        raise NotSupportedError(f"{func.upper()} with a second argument")
    order: tuple[SortKey, ...] = ()
    for name, value in (("arg", arg), ("second", second)):
        if isinstance(value, exp.Order):  # agg(x ORDER BY y): the ordering wraps an argument
            order = _sort_keys(value)
            if name == "arg":
                arg = value.this
            else:
                second = value.this
    if within is not None:  # percentile_cont(q) WITHIN GROUP (ORDER BY x), mode() WITHIN ...
        keys = _sort_keys(within)
        if len(keys) != 1:
            raise NotSupportedError(f"{func.upper()} WITHIN GROUP over several keys")
        if func != "mode":
            param = (_constant(arg, func), keys[0].descending)
        arg = keys[0].expr
    elif func in ("quantile_cont", "quantile_disc"):
        param = (_constant(second, func), False)
    elif func == "string_agg":
        param = "," if second is None else _constant(second, func)
        if not isinstance(param, str):
            raise NotSupportedError("STRING_AGG with a separator that is not a string")
    if param is not None and func.startswith("quantile") and not 0 <= param[0] <= 1:
        raise ProgrammingError(f"{func.upper()} fraction {param[0]} is not between 0 and 1")
    distinct = False
    if isinstance(arg, exp.Distinct):
        if len(arg.expressions) != 1:
            raise NotSupportedError(f"{func.upper()}(DISTINCT ...) over several columns")
        if func in LIST_RESULTS:  # DuckDB orders the distinct elements by its hash table
            raise NotSupportedError(f"{func.upper()}(DISTINCT ...)")
        arg, distinct = arg.expressions[0], True
    by = second if func in ("arg_min", "arg_max") else None
    if func in ("arg_min", "arg_max") and by is None:
        raise ProgrammingError(f"{func.upper()} takes two arguments")
    if isinstance(arg, exp.Star) or arg is None:
        if func != "count":
            raise ProgrammingError(f"{func.upper()}(*) is not valid")
        func = "count_star"
        arg = None
    if any(contains_aggregate(e) for e in (arg, by, condition) if e is not None):
        raise ProgrammingError(f"aggregate function calls cannot be nested: {node.sql()}")
    return AggregateCall(func, arg, distinct, condition, by, order, param)


class AggregateRewriter:
    """Collects aggregate calls and group keys, and rewrites expressions to refer to the
    Aggregate node's output columns instead."""

    def __init__(self, group_exprs: list[exp.Expression], fresh):
        self.groups = [(fresh("_g"), g) for g in group_exprs]
        self.calls: list[tuple[str, AggregateCall]] = []  # (key, call, expressions unresolved)
        self._fresh = fresh

    def rewrite(self, expression: exp.Expression) -> exp.Expression:
        """`expression` over the aggregate output; raises if it uses a column not grouped."""
        return self._replace(expression.copy())

    def _replace(self, node: exp.Expression) -> exp.Expression:
        for key, group in self.groups:
            if node == group:
                return ref(key, group)
        if isinstance(node, (exp.IgnoreNulls, exp.RespectNulls)) and is_aggregate(node.this):
            # sqlglot reads DuckDB's any_value(x) as any_value(x) IGNORE NULLS, which it is.
            if not (isinstance(node, exp.IgnoreNulls) and isinstance(node.this, exp.AnyValue)):
                words = "IGNORE NULLS" if isinstance(node, exp.IgnoreNulls) else "RESPECT NULLS"
                raise NotSupportedError(f"{words} in an aggregate")
            node = node.this
        if isinstance(node, exp.Grouping):
            return self._register(AggregateCall("grouping", None, param=self._positions(node)),
                                  node)
        if is_aggregate(node) or (isinstance(node, (exp.Filter, exp.WithinGroup))
                                  and is_aggregate(node.this)):
            return self._register(to_call(node), node)
        if isinstance(node, exp.Column) and node.table:
            raise ProgrammingError(
                f'column "{as_written(node)}" must appear in the GROUP BY clause or '
                "be used in an aggregate function")
        if isinstance(node, (exp.Subquery, exp.Exists, exp.Select)):
            return node
        if isinstance(node, exp.Window):  # the window's function runs after the grouping
            func = node.this.this if isinstance(node.this, (exp.IgnoreNulls, exp.RespectNulls)) \
                else node.this
            self._replace_args(func)
            self._replace_args(node, skip="this")
            return node
        self._replace_args(node)
        return node

    def _replace_args(self, node: exp.Expression, skip: str | None = None) -> None:
        for name, value in list(node.args.items()):
            if name == skip:
                continue
            if isinstance(value, exp.Expression):
                node.set(name, self._replace(value))
            elif isinstance(value, list):
                node.set(name, [self._replace(v) if isinstance(v, exp.Expression) else v
                                for v in value])

    def _register(self, call: AggregateCall, node: exp.Expression) -> exp.Expression:
        """A reference to `call`'s output column (calls written twice are computed once);
        `node` is the call as written."""
        for key, existing in self.calls:
            if existing == call:
                return ref(key, node)
        key = self._fresh("_a")
        self.calls.append((key, call))
        return ref(key, node)

    def _positions(self, node: exp.Grouping) -> tuple[int, ...]:
        """GROUPING(a, b): the positions of its arguments among the group keys."""
        positions = []
        for argument in node.expressions:
            found = [i for i, (_, group) in enumerate(self.groups) if group == argument]
            if not found:
                raise ProgrammingError(
                    f"GROUPING argument {argument.sql(dialect='duckdb')} is not a GROUP BY key")
            positions.append(found[0])
        return tuple(positions)

    def aggregate_calls(self, resolve) -> tuple[tuple[str, AggregateCall], ...]:
        """The collected calls with their expressions resolved by `resolve`."""
        return tuple((key, resolve_call(call, resolve)) for key, call in self.calls)


def resolve_call(call: AggregateCall, resolve) -> AggregateCall:
    """`call` with every expression it reads passed through `resolve`."""
    def fix(e):
        return None if e is None else resolve(e)

    order = tuple(SortKey(resolve(k.expr), k.descending, k.nulls_first) for k in call.order)
    return replace(call, arg=fix(call.arg), filter=fix(call.filter), by=fix(call.by), order=order)


def owned_outer_aggregates(select: exp.Select, parts) -> list[exp.Expression]:
    """The aggregate calls inside the subqueries of `parts` (expressions of `select`) that
    belong to `select`: every column they read is bound by its FROM clause and by no query in
    between. SQL aggregates them in `select`, which makes it an aggregate query
    (`SELECT EXISTS (SELECT ... WHERE i > min(o.i)) FROM t o` is one row)."""
    own = source_aliases(select)
    found = []
    for part in parts:
        if part is None:
            continue
        nodes = list(part.find_all(exp.AggFunc, exp.Select))  # one walk for both
        if not any(isinstance(n, exp.Select) for n in nodes):
            continue  # no subquery in this part: no aggregate can sit inside one
        for node in (n for n in nodes if isinstance(n, exp.AggFunc)):
            tables = {c.table for c in node.find_all(exp.Column)}
            if not tables or not tables <= own:
                continue
            inside, between = False, node.parent
            while between is not None and between is not part:
                if isinstance(between, exp.Select):
                    inside = True
                    if tables & source_aliases(between):  # an inner query's own alias
                        inside = False
                        break
                between = between.parent
            if inside:
                wrapped = node.parent  # FILTER (...), WITHIN GROUP (...) belong to the call
                found.append(wrapped if isinstance(wrapped, (exp.Filter, exp.WithinGroup))
                             else node)
    return found
