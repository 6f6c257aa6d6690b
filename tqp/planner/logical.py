"""The logical plan: small frozen dataclasses, one per relational operator.

Expressions inside the plan are sqlglot expressions whose column references have been resolved
to the unique names of the columns of the node's input (see `planner/scope.py`), so every node can
be evaluated against the Batch its child produces.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from sqlglot import exp

JOIN_KINDS = ("inner", "left", "right", "full", "cross")
SET_KINDS = ("union", "intersect", "except")


@dataclass(frozen=True)
class Plan:
    """Base of every plan node; `columns` are the names of the output columns, in order
    (computed once per node: nodes are immutable, and the passes ask again and again)."""

    @property
    def children(self) -> tuple["Plan", ...]:
        return ()

    @cached_property
    def columns(self) -> tuple[str, ...]:
        raise NotImplementedError

    @cached_property
    def column_set(self) -> frozenset[str]:
        """`columns` as a set, made once (the passes intersect wide nodes' columns often)."""
        return frozenset(self.columns)


@dataclass(frozen=True)
class Unary(Plan):
    """A node over one input whose rows it keeps, drops or reorders: same columns as its input."""

    input: Plan

    @property
    def children(self):
        return (self.input,)

    @cached_property
    def columns(self):
        return self.input.columns


@dataclass(frozen=True)
class Scan(Plan):
    """Read `fields` of catalog table `table`; output columns are named `binding.field`."""

    table: str
    binding: str
    fields: tuple[str, ...]

    @cached_property
    def columns(self):
        return tuple(f"{self.binding}.{f}" for f in self.fields)


@dataclass(frozen=True)
class OneRow(Plan):
    """A single row with no columns: the input of SELECT without FROM."""

    @cached_property
    def columns(self):
        return ()


@dataclass(frozen=True)
class Filter(Unary):
    """The rows of the input where `condition` is TRUE."""

    condition: exp.Expression


@dataclass(frozen=True)
class Project(Plan):
    """Compute `exprs` (name, expression) over the input; output exactly those columns."""

    input: Plan
    exprs: tuple[tuple[str, exp.Expression], ...]

    def __post_init__(self):
        names = [n for n, _ in self.exprs]
        assert len(names) == len(set(names)), f"duplicate output names {names}"

    @property
    def children(self):
        return (self.input,)

    @cached_property
    def columns(self):
        return tuple(n for n, _ in self.exprs)


@dataclass(frozen=True)
class Join(Plan):
    """Join on equal keys (left_keys[i] = right_keys[i]) plus an optional residual condition.

    With no keys it is a nested-loop (cross) join filtered by the residual."""

    left: Plan
    right: Plan
    kind: str
    left_keys: tuple[exp.Expression, ...] = ()
    right_keys: tuple[exp.Expression, ...] = ()
    residual: exp.Expression | None = None

    def __post_init__(self):
        assert self.kind in JOIN_KINDS, self.kind
        assert len(self.left_keys) == len(self.right_keys)
        clash = set(self.left.columns) & set(self.right.columns)
        assert not clash, f"join inputs share column names {clash}"

    @property
    def children(self):
        return (self.left, self.right)

    @cached_property
    def columns(self):
        return self.left.columns + self.right.columns


@dataclass(frozen=True)
class MultiJoin(Plan):
    """An unordered block of inner (and cross) joins: the rows of the product of `inputs` where
    every one of `conditions` is TRUE. The builder emits it for a FROM clause; the `order_joins`
    pass turns it into a tree of Joins."""

    inputs: tuple[Plan, ...]
    conditions: tuple[exp.Expression, ...] = ()

    def __post_init__(self):
        assert len(self.inputs) >= 2, "a join block has at least two inputs"
        names = [c for p in self.inputs for c in p.columns]
        assert len(names) == len(set(names)), "join inputs share column names"

    @property
    def children(self):
        return self.inputs

    @cached_property
    def columns(self):
        return tuple(c for p in self.inputs for c in p.columns)


@dataclass(frozen=True)
class AsofJoin(Plan):
    """ASOF JOIN: each left row with the right row of equal keys whose `right_on` is nearest
    to its `left_on` among those where `left_on op right_on` holds (op one of >=, >, <=, <).
    `kind` "inner" drops left rows without one; "left" keeps them, padded with NULLs."""

    left: Plan
    right: Plan
    kind: str
    left_keys: tuple[exp.Expression, ...]
    right_keys: tuple[exp.Expression, ...]
    left_on: exp.Expression
    right_on: exp.Expression
    op: str

    def __post_init__(self):
        assert self.kind in ("inner", "left") and self.op in (">=", ">", "<=", "<")
        assert len(self.left_keys) == len(self.right_keys)

    @property
    def children(self):
        return (self.left, self.right)

    @cached_property
    def columns(self):
        return self.left.columns + self.right.columns


@dataclass(frozen=True)
class MarkJoin(Plan):
    """The left input plus a bool column `mark`: does the row have a match on the right?

    The building block of EXISTS / IN (subquery) / semi and anti joins. With `null_aware` the mark
    follows IN's three-valued logic: NULL instead of FALSE when the probe key is NULL or the right
    side holds a NULL key."""

    left: Plan
    right: Plan
    mark: str
    left_keys: tuple[exp.Expression, ...] = ()
    right_keys: tuple[exp.Expression, ...] = ()
    residual: exp.Expression | None = None
    null_aware: bool = False

    @property
    def children(self):
        return (self.left, self.right)

    @cached_property
    def columns(self):
        return self.left.columns + (self.mark,)


@dataclass(frozen=True)
class ScalarApply(Plan):
    """The input plus column `name`: the single value of the uncorrelated `subquery`, broadcast."""

    input: Plan
    subquery: Plan
    name: str

    @property
    def children(self):
        return (self.input, self.subquery)

    @cached_property
    def columns(self):
        return self.input.columns + (self.name,)


@dataclass(frozen=True)
class RowNumber(Plan):
    """The input plus column `name` numbering its rows 0..n-1 (identifies outer rows when a
    correlated subquery is decorrelated by pairs)."""

    input: Plan
    name: str

    @property
    def children(self):
        return (self.input,)

    @cached_property
    def columns(self):
        return self.input.columns + (self.name,)


@dataclass(frozen=True)
class Unnest(Plan):
    """UNNEST in the select list: each input row repeated once per element of the longest of
    its lists `lists` (name, LIST expression), plus one column per list holding the element at
    that position (NULL past the end of a shorter list). A row whose lists are all empty or
    NULL yields no row, as in DuckDB."""

    input: Plan
    lists: tuple[tuple[str, exp.Expression], ...]

    @property
    def children(self):
        return (self.input,)

    @cached_property
    def columns(self):
        return self.input.columns + tuple(n for n, _ in self.lists)


@dataclass(frozen=True)
class AggregateCall:
    """One aggregate: a function name from `planner/aggregates.py` (sum, count, avg, min, max,
    count_star, stddev_samp, var_pop, bool_and, median, quantile_cont, arg_min, string_agg,
    grouping, ...) and its argument.

    `single` is the value of a group that must hold at most one row (a scalar subquery without
    an aggregate); `group_value` the value every row of a group holds (a column that depends
    on a unique key, see passes/group_by_unique_keys.py), read from any one of its rows. `filter` keeps only the rows where it is TRUE (`FILTER (WHERE ...)`); `by` is
    the second argument of ARG_MIN/ARG_MAX; `order` the ORDER BY inside the call (STRING_AGG);
    `param` a constant: the fraction of a quantile, the separator of STRING_AGG, the key
    positions of GROUPING (bit order: the first key is the highest bit)."""

    func: str
    arg: exp.Expression | None
    distinct: bool = False
    filter: exp.Expression | None = None
    by: exp.Expression | None = None
    order: tuple["SortKey", ...] = ()
    param: object = None

    def expressions(self) -> tuple[exp.Expression, ...]:
        """Every expression the call reads from its input."""
        found = (self.arg, self.filter, self.by) + tuple(k.expr for k in self.order)
        return tuple(e for e in found if e is not None)

    def sql(self) -> str:
        inner = "*" if self.arg is None else self.arg.sql(dialect="duckdb")
        if self.by is not None:
            inner += ", " + self.by.sql(dialect="duckdb")
        if self.param is not None:
            inner += f", {self.param!r}"
        if self.order:
            inner += " ORDER BY " + ", ".join(
                k.expr.sql(dialect="duckdb") + (" DESC" if k.descending else "")
                for k in self.order)
        text = f"{self.func}({'DISTINCT ' if self.distinct else ''}{inner})"
        if self.filter is not None:
            text += f" FILTER (WHERE {self.filter.sql(dialect='duckdb')})"
        return text


@dataclass(frozen=True)
class Aggregate(Plan):
    """Group by `keys` (name, expression) and compute `aggregates` (name, call) per group.

    With no keys there is exactly one output row, even for an empty input. With `sets`
    (GROUPING SETS, ROLLUP, CUBE) the input is grouped once per set, by the keys at the set's
    positions, the other keys being NULL in that set's rows; the results are concatenated in
    the order of the sets."""

    input: Plan
    keys: tuple[tuple[str, exp.Expression], ...]
    aggregates: tuple[tuple[str, AggregateCall], ...]
    sets: tuple[tuple[int, ...], ...] | None = None

    def __post_init__(self):
        assert self.sets is None or all(0 <= i < len(self.keys) for s in self.sets for i in s)

    @property
    def children(self):
        return (self.input,)

    @cached_property
    def columns(self):
        return tuple(n for n, _ in self.keys) + tuple(n for n, _ in self.aggregates)


@dataclass(frozen=True)
class Distinct(Unary):
    """One row per distinct tuple of the input (NULLs equal)."""


@dataclass(frozen=True)
class SortKey:
    expr: exp.Expression
    descending: bool
    nulls_first: bool


@dataclass(frozen=True)
class Sort(Unary):
    """The input ordered by `keys`; a top-k sort when `limit` is set (offset already added in)."""

    keys: tuple[SortKey, ...] = ()
    limit: int | None = None


@dataclass(frozen=True)
class Limit(Unary):
    """At most `limit` rows of the input after skipping `offset`; with `percent`, the limit is
    that share of the input's rows, rounded down (`LIMIT 50%`)."""

    limit: int | None = None
    offset: int = 0
    percent: float | None = None


@dataclass(frozen=True)
class SetOp(Plan):
    """UNION / INTERSECT / EXCEPT [ALL]; output columns take the left input's names."""

    kind: str
    all: bool
    left: Plan
    right: Plan

    def __post_init__(self):
        assert self.kind in SET_KINDS, self.kind

    @property
    def children(self):
        return (self.left, self.right)

    @cached_property
    def columns(self):
        return self.left.columns


@dataclass(frozen=True)
class WorkTable(Plan):
    """Inside the recursive step of a RecursiveUnion: the rows its last iteration added."""

    name: str
    fields: tuple[str, ...]

    @cached_property
    def columns(self):
        return self.fields


@dataclass(frozen=True)
class RecursiveUnion(Plan):
    """WITH RECURSIVE: the rows of `anchor`, then of `step` run again and again over the rows
    the previous run added (read through `work`), until a run adds none. With `distinct`
    (UNION) a row already produced is not added again. Output columns `fields`, by position."""

    anchor: Plan
    step: Plan
    work: WorkTable
    distinct: bool
    fields: tuple[str, ...]

    def __post_init__(self):
        widths = {len(self.anchor.columns), len(self.step.columns), len(self.work.columns),
                  len(self.fields)}
        assert len(widths) == 1, f"recursive union of widths {widths}"

    @property
    def children(self):
        return (self.anchor, self.step)

    @cached_property
    def columns(self):
        return self.fields


@dataclass(frozen=True)
class Query:
    """A planned SELECT: the plan and the user-facing names of its output columns."""

    plan: Plan
    names: tuple[str, ...]


FRAME_KINDS = ("rows", "range", "groups")
FRAME_EXCLUDES = ("no others", "current row", "group", "ties")


@dataclass(frozen=True)
class FrameBound:
    """One end of a window frame: "unbounded", "current" or "offset" (`offset` rows, peer
    groups or order-key distance); `preceding` tells the direction."""

    kind: str
    preceding: bool
    offset: exp.Expression | None = None

    def sql(self) -> str:
        side = "PRECEDING" if self.preceding else "FOLLOWING"
        if self.kind == "current":
            return "CURRENT ROW"
        if self.kind == "unbounded":
            return f"UNBOUNDED {side}"
        return f"{self.offset.sql(dialect='duckdb')} {side}"


@dataclass(frozen=True)
class WindowFrame:
    """ROWS / RANGE / GROUPS BETWEEN `start` AND `end` EXCLUDE `exclude`."""

    kind: str
    start: FrameBound
    end: FrameBound
    exclude: str = "no others"

    def __post_init__(self):
        assert self.kind in FRAME_KINDS, self.kind
        assert self.exclude in FRAME_EXCLUDES, self.exclude

    def whole_partition(self, ordered: bool) -> bool:
        """Does the frame hold every row of the partition, for every row? (Without ORDER BY
        all rows are peers, so a RANGE or GROUPS frame bounded by CURRENT ROW covers them.)"""
        if self.exclude != "no others":
            return False
        if self.start.kind == "unbounded" and self.end.kind == "unbounded":
            return True
        peers_all = not ordered and self.kind != "rows"
        return peers_all and self.start.kind in ("unbounded", "current") and \
            self.end.kind in ("unbounded", "current")

    def sql(self) -> str:
        text = f"{self.kind.upper()} BETWEEN {self.start.sql()} AND {self.end.sql()}"
        return text + (f" EXCLUDE {self.exclude.upper()}" if self.exclude != "no others" else "")


@dataclass(frozen=True)
class WindowCall:
    """One window function: `func` (row_number, rank, lag, first_value, sum, ...) over `args`,
    computed per partition (rows equal on `partition`) in the order of `order`, over `frame`.

    Aggregates carry their AggregateCall name (count_star, sum, ...) and `distinct`;
    `ignore_nulls` applies to lag, lead, first_value, last_value and nth_value."""

    func: str
    args: tuple[exp.Expression, ...]
    partition: tuple[exp.Expression, ...]
    order: tuple[SortKey, ...]
    frame: WindowFrame
    ignore_nulls: bool = False
    distinct: bool = False

    def spec_sql(self) -> tuple[str, str]:
        """(partition keys, order keys) as text: one sort serves every call with the same."""
        partition = ", ".join(e.sql(dialect="duckdb") for e in self.partition)
        order = ", ".join(f"{k.expr.sql(dialect='duckdb')} {'DESC' if k.descending else 'ASC'}"
                          f"{' NULLS FIRST' if k.nulls_first else ''}" for k in self.order)
        return partition, order

    def sql(self) -> str:
        args = ", ".join(a.sql(dialect="duckdb") for a in self.args)
        args = "*" if self.func == "count_star" else ("DISTINCT " if self.distinct else "") + args
        func = "count" if self.func == "count_star" else self.func
        text = f"{func}({args}{' IGNORE NULLS' if self.ignore_nulls else ''})"
        framed = func not in ("row_number", "rank", "dense_rank", "ntile", "percent_rank",
                              "cume_dist", "lag", "lead")
        return f"{text} {self.frame.sql()}" if framed else text


@dataclass(frozen=True)
class Window(Plan):
    """The input plus one column per window function (name, call), in input row order."""

    input: Plan
    functions: tuple[tuple[str, WindowCall], ...]

    def __post_init__(self):
        names = [n for n, _ in self.functions]
        assert len(names) == len(set(names)), f"duplicate window columns {names}"
        clash = set(names) & set(self.input.columns)
        assert not clash, f"window columns shadow input columns {clash}"

    @property
    def children(self):
        return (self.input,)

    @cached_property
    def columns(self):
        return self.input.columns + tuple(n for n, _ in self.functions)
