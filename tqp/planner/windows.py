"""Window functions in a SELECT: named windows inlined, calls collected from the select list,
ORDER BY and QUALIFY, and each turned into a `WindowCall` of the `Window` plan node.

The builder plans window functions after WHERE, GROUP BY and HAVING (their arguments may be
aggregates: `sum(sum(x)) OVER (PARTITION BY y)`) and before QUALIFY, DISTINCT, ORDER BY and
LIMIT, which read their results as plain columns.
"""

from __future__ import annotations

from sqlglot import exp

from tqp.errors import NotSupportedError, ProgrammingError
from tqp.planner.aggregates import to_call
from tqp.planner.logical import FrameBound, SortKey, WindowCall, WindowFrame
from tqp.planner.scope import ref

# sqlglot node -> window function name (functions that are not aggregates).
RANKING = {exp.RowNumber: "row_number", exp.Rank: "rank", exp.DenseRank: "dense_rank",
           exp.Ntile: "ntile", exp.PercentRank: "percent_rank", exp.CumeDist: "cume_dist"}
VALUES = {exp.Lag: "lag", exp.Lead: "lead", exp.FirstValue: "first_value",
          exp.LastValue: "last_value", exp.NthValue: "nth_value"}
# Aggregates computed over any frame; the others need the frame to be the whole partition.
FRAMED_AGGREGATES = frozenset({"count_star", "count", "sum", "avg", "min", "max", "bool_and",
                               "bool_or", "first", "any_value", "var_samp", "var_pop",
                               "stddev_samp", "stddev_pop"})

WHOLE_PARTITION = WindowFrame("rows", FrameBound("unbounded", True), FrameBound("unbounded", False))
RUNNING = WindowFrame("range", FrameBound("unbounded", True), FrameBound("current", False))


def window_function(window: exp.Window) -> exp.Expression:
    """The function a window applies, without an IGNORE/RESPECT NULLS wrapper."""
    func = window.this
    return func.this if isinstance(func, (exp.IgnoreNulls, exp.RespectNulls)) else func


def contains_window(expression: exp.Expression | None) -> bool:
    return expression is not None and expression.find(exp.Window) is not None


def named_windows(select: exp.Select) -> dict[str, exp.Window]:
    """The WINDOW clause's definitions by lower-case name, each with its base window inlined."""
    named: dict[str, exp.Window] = {}
    for definition in select.args.get("windows") or []:
        name = definition.this.name.lower()
        if name in named:
            raise ProgrammingError(f"window {name!r} is defined twice")
        named[name] = inline_named(definition, named)
    return named


def outer_windows(expression: exp.Expression) -> list[exp.Window]:
    """The window calls of `expression` itself: not those of its subqueries (planned with
    their own SELECT), nor windows nested in a window."""
    found, stack = [], [expression]
    while stack:
        node = stack.pop()
        if isinstance(node, exp.Window):
            found.append(node)
        elif isinstance(node, (exp.Subquery, exp.Select, exp.Exists)) and node is not expression:
            continue
        elif isinstance(node, exp.In) and node.args.get("query"):
            stack.append(node.this)
        else:
            stack.extend(node.iter_expressions())
    return found


def _replace_windows(expression: exp.Expression, replace) -> exp.Expression:
    """A copy of `expression` with each of its own window calls replaced by `replace(call)`."""
    copy = expression.copy()
    for window in outer_windows(copy):
        if window is copy:
            return replace(window)
        window.replace(replace(window))
    return copy


def inline_named(expression: exp.Expression, named: dict[str, exp.Window]) -> exp.Expression:
    """A copy of `expression` where each `OVER w` / `OVER (w ...)` carries w's definition."""

    def replace(node: exp.Window) -> exp.Window:
        if node.args.get("alias") is None:
            return node
        name = node.args["alias"].name.lower()
        if name not in named:
            raise ProgrammingError(f"window {name!r} is not defined")
        return _merge(named[name], node)

    return _replace_windows(expression, replace)


def _merge(base: exp.Window, window: exp.Window) -> exp.Window:
    """`window` refining the named window `base`: it inherits base's partition, order and frame;
    it may add an ORDER BY or a frame where base has none, never a PARTITION BY."""
    merged = window.copy()
    merged.set("alias", None)
    if base.args.get("partition_by"):
        if window.args.get("partition_by"):
            raise ProgrammingError("a window that names another cannot override its PARTITION BY")
        merged.set("partition_by", [p.copy() for p in base.args["partition_by"]])
    for arg in ("order", "spec"):
        if base.args.get(arg) is not None:
            if window.args.get(arg) is not None:
                raise ProgrammingError(f"a window that names another cannot override its "
                                       f"{'ORDER BY' if arg == 'order' else 'frame'}")
            merged.set(arg, base.args[arg].copy())
    return merged


class WindowExtractor:
    """Replaces each window function call by a reference to a fresh column, collecting the
    distinct calls (equal calls share one column)."""

    def __init__(self, fresh):
        self.windows: list[tuple[str, exp.Window]] = []
        self._fresh = fresh

    def extract(self, expression: exp.Expression) -> exp.Expression:
        """`expression` with its own window calls replaced by column references: a copy,
        or `expression` itself when it calls none (most expressions of most queries)."""
        if not outer_windows(expression):
            return expression

        def replace(node: exp.Window) -> exp.Expression:
            for key, known in self.windows:
                if known == node:
                    return ref(key)
            key = self._fresh("_w")
            self.windows.append((key, node))
            return ref(key)

        return _replace_windows(expression, replace)


def to_window_call(window: exp.Window, resolve) -> WindowCall:
    """The plan's description of one window function; `resolve` maps its expressions to plan
    columns."""
    func = window_function(window)
    ignore_nulls = isinstance(window.this, exp.IgnoreNulls)
    inner = [*func.iter_expressions(), *(window.args.get("partition_by") or []),
             window.args.get("order")]
    if any(contains_window(n) for n in inner):
        raise ProgrammingError(f"window functions cannot be nested: {window.sql()[:80]}")
    partition = tuple(resolve(p) for p in window.args.get("partition_by") or [])
    order_node = window.args.get("order")
    order = tuple(SortKey(resolve(o.this), bool(o.args.get("desc")),
                          bool(o.args.get("nulls_first")))
                  for o in (order_node.expressions if order_node is not None else []))
    frame = _frame(window.args.get("spec"), order, resolve)
    name, args, distinct = _function(func, resolve)
    if name == "any_value":  # sqlglot reads DuckDB's any_value(x) as any_value(x) IGNORE NULLS
        ignore_nulls = False
    if ignore_nulls and name not in ("lag", "lead", "first_value", "last_value", "nth_value"):
        raise NotSupportedError(f"IGNORE NULLS in {name}")
    aggregate = name not in RANKING.values() and name not in VALUES.values()
    whole_only = distinct or name not in FRAMED_AGGREGATES
    if aggregate and whole_only and not frame.whole_partition(bool(order)):
        raise NotSupportedError(
            f"{name.upper()}{'(DISTINCT)' if distinct else ''} over a window frame smaller than "
            "the partition (it is computed over whole partitions only)")
    return WindowCall(name, args, partition, order, frame, ignore_nulls, distinct)


# The aggregates that run over windows (the others, e.g. QUANTILE_CONT, STRING_AGG, only in
# GROUP BY).
WINDOW_AGGREGATES = frozenset({
    "sum", "avg", "min", "max", "count", "count_star", "stddev_samp", "stddev_pop", "var_samp",
    "var_pop", "bool_and", "bool_or", "first", "any_value", "median"})


def _function(func: exp.Expression, resolve) -> tuple[str, tuple[exp.Expression, ...], bool]:
    """(name, resolved arguments, distinct) of a window function node."""
    if isinstance(func, exp.Filter):
        raise NotSupportedError("FILTER clause in a window aggregate")
    name = RANKING.get(type(func)) or VALUES.get(type(func))
    if name is None and isinstance(func, exp.AggFunc):
        call = to_call(func)
        if call.func not in WINDOW_AGGREGATES or call.order or call.by is not None or \
                call.param is not None:
            raise NotSupportedError(f"{call.func.upper()} as a window function")
        return call.func, () if call.arg is None else (resolve(call.arg),), call.distinct
    if name is None:
        raise NotSupportedError(f"window function {func.sql_name()}")
    if name == "ntile":
        if func.this is None:
            raise ProgrammingError("NTILE needs the number of buckets")
        return name, (resolve(func.this),), False
    if name in ("lag", "lead"):
        offset = func.args.get("offset") or exp.Literal.number(1)
        default = func.args.get("default") or exp.Null()
        return name, (resolve(func.this), resolve(offset), resolve(default)), False
    if name == "nth_value":
        return name, (resolve(func.this), resolve(func.args["offset"])), False
    if name in ("first_value", "last_value"):
        return name, (resolve(func.this),), False
    if any(True for _ in func.iter_expressions()):
        raise NotSupportedError(f"{name.upper()} with arguments")
    return name, (), False


def _frame(spec: exp.WindowSpec | None, order: tuple[SortKey, ...], resolve) -> WindowFrame:
    """The frame of a window: its spec, or SQL's default (with ORDER BY: from the partition
    start to the current row's last peer; without: the whole partition)."""
    if spec is None:
        return RUNNING if order else WHOLE_PARTITION
    kind = str(spec.args.get("kind") or "").lower()
    if kind not in ("rows", "range", "groups"):
        raise NotSupportedError(f"window frame kind {kind.upper()}")
    start = _bound(spec.args.get("start"), spec.args.get("start_side"), resolve)
    if spec.args.get("end") is None:  # `ROWS 2 PRECEDING` ends at the current row
        end = FrameBound("current", False)
    else:
        end = _bound(spec.args["end"], spec.args.get("end_side"), resolve)
    if start.kind == "unbounded" and not start.preceding:
        raise ProgrammingError("a window frame cannot start at UNBOUNDED FOLLOWING")
    if end.kind == "unbounded" and end.preceding:
        raise ProgrammingError("a window frame cannot end at UNBOUNDED PRECEDING")
    exclude = spec.args.get("exclude")
    exclude = " ".join(exclude.name.lower().split()) if exclude is not None else "no others"
    if exclude not in ("no others", "current row", "group", "ties"):
        raise NotSupportedError(f"EXCLUDE {exclude.upper()}")
    if kind == "range" and "offset" in (start.kind, end.kind) and len(order) != 1:
        raise ProgrammingError("a RANGE frame with an offset needs exactly one ORDER BY key")
    return WindowFrame(kind, start, end, exclude)


def _bound(value, side, resolve) -> FrameBound:
    preceding = str(side or "").lower() == "preceding"
    if isinstance(value, str):
        text = " ".join(value.upper().split())
        if text == "UNBOUNDED":
            return FrameBound("unbounded", preceding)
        if text == "CURRENT ROW":
            return FrameBound("current", False)
        raise NotSupportedError(f"window frame bound {value}")
    if contains_window(value):
        raise ProgrammingError("window functions cannot be nested in a frame offset")
    return FrameBound("offset", preceding, resolve(value))
