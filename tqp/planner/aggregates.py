"""Finding the aggregate calls of a query and rewriting expressions over the aggregate's output."""

from __future__ import annotations

from sqlglot import exp
from sqlglot.optimizer.scope import traverse_scope, walk_in_scope

from tqp.errors import NotSupportedError, ProgrammingError
from tqp.planner.logical import AggregateCall
from tqp.planner.scope import ref

# sqlglot node -> tqp aggregate function name.
SUPPORTED = {
    exp.Sum: "sum", exp.Avg: "avg", exp.Min: "min", exp.Max: "max", exp.Count: "count",
    exp.StddevSamp: "stddev_samp", exp.Stddev: "stddev_samp", exp.StddevPop: "stddev_pop",
    exp.Variance: "var_samp", exp.VariancePop: "var_pop",
    exp.LogicalAnd: "bool_and", exp.LogicalOr: "bool_or",
    exp.First: "first", exp.AnyValue: "any_value", exp.Median: "median",
}


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


def to_call(node: exp.AggFunc) -> tuple[str, exp.Expression | None, bool]:
    """(function, unresolved argument or None for COUNT(*), distinct) of an aggregate node."""
    func = next((name for cls, name in SUPPORTED.items() if type(node) is cls), None)
    if func is None:
        raise NotSupportedError(f"aggregate function {node.sql_name()}")
    if node.args.get("filter") is not None:
        raise NotSupportedError("aggregate FILTER clause")
    extra = [k for k, v in node.args.items() if k not in ("this", "filter") and v not in (None, [])
             and isinstance(v, (exp.Expression, list))]
    if extra:  # e.g. DuckDB's MIN(x, n): the n smallest values, as a LIST
        raise NotSupportedError(f"{func.upper()} with a second argument (a LIST result)"
                                if func in ("min", "max") else
                                f"{func.upper()} with several arguments")
    arg = node.this
    distinct = False
    if isinstance(arg, exp.Distinct):
        if len(arg.expressions) != 1:
            raise NotSupportedError(f"{func.upper()}(DISTINCT ...) over several columns")
        arg, distinct = arg.expressions[0], True
    if isinstance(arg, exp.Star) or arg is None:
        if func != "count":
            raise ProgrammingError(f"{func.upper()}(*) is not valid")
        return "count_star", None, False
    if contains_aggregate(arg):
        raise ProgrammingError(f"aggregate function calls cannot be nested: {node.sql()}")
    return func, arg, distinct


class AggregateRewriter:
    """Collects aggregate calls and group keys, and rewrites expressions to refer to the
    Aggregate node's output columns instead."""

    def __init__(self, group_exprs: list[exp.Expression], fresh):
        self.groups = [(fresh("_g"), g) for g in group_exprs]
        self.calls: list[tuple[str, tuple]] = []  # (key, (func, arg, distinct))
        self._fresh = fresh

    def rewrite(self, expression: exp.Expression) -> exp.Expression:
        """`expression` over the aggregate output; raises if it uses a column not grouped."""
        return self._replace(expression.copy())

    def _replace(self, node: exp.Expression) -> exp.Expression:
        for key, group in self.groups:
            if node == group:
                return ref(key)
        if isinstance(node, exp.Filter) and is_aggregate(node.this):
            raise NotSupportedError("aggregate FILTER clause")
        if isinstance(node, (exp.IgnoreNulls, exp.RespectNulls)) and is_aggregate(node.this):
            # sqlglot reads DuckDB's any_value(x) as any_value(x) IGNORE NULLS, which it is.
            if not (isinstance(node, exp.IgnoreNulls) and isinstance(node.this, exp.AnyValue)):
                words = "IGNORE NULLS" if isinstance(node, exp.IgnoreNulls) else "RESPECT NULLS"
                raise NotSupportedError(f"{words} in an aggregate")
            node = node.this
        if is_aggregate(node):
            call = to_call(node)
            for key, existing in self.calls:
                if existing == call:
                    return ref(key)
            key = self._fresh("_a")
            self.calls.append((key, call))
            return ref(key)
        if isinstance(node, exp.Column) and node.table:
            raise ProgrammingError(
                f'column "{node.sql(dialect="duckdb")}" must appear in the GROUP BY clause or '
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

    def aggregate_calls(self, resolve) -> tuple[tuple[str, AggregateCall], ...]:
        """The collected calls with their arguments resolved by `resolve`."""
        return tuple(
            (key, AggregateCall(func, None if arg is None else resolve(arg), distinct))
            for key, (func, arg, distinct) in self.calls)


def reject_outer_aggregates(statement: exp.Expression) -> None:
    """An aggregate inside a subquery over only the outer query's columns belongs to the outer
    query (`SELECT EXISTS (SELECT ... WHERE i > min(o.i)) FROM t o` is one row in DuckDB);
    tqp does not plan that, so it refuses rather than aggregate per outer row."""
    for scope in traverse_scope(statement):
        if scope.parent is None:
            continue
        for node in walk_in_scope(scope.expression):
            if not is_aggregate(node):
                continue
            tables = {c.table for c in node.find_all(exp.Column)}
            if tables and not tables & set(scope.sources):
                raise NotSupportedError(
                    f"an aggregate of the outer query's columns inside a subquery: "
                    f"{node.sql(dialect='duckdb')}")
