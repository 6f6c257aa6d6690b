"""Ordering inner joins greedily: the largest input first, then, among the inputs connected to
what is joined so far, the most selective one (its pushed-down filters, and those of inputs
reachable only through it, times how many of its rows each joined row matches), the smaller on
ties. An input joined on its own key counts as well as the best join it makes possible: when it
adds a second key to a many-to-many join (a date dimension whose week then also matches), it is
joined first, so that join matches each row with few rows rather than with every row of a key.

The accumulated result is the probe side of each join and the newly added input the build side,
so the fact table is probed and filtered dimensions cut it down early. When the filters have
cut the accumulated result far below a large new input's rows (estimated: each join multiplies the
rows by the input's selectivity and fanout), the sides swap: the few joined rows are built and
the large input probes them, rather than a table over the large input probed by a few rows.
An input connected to nothing is joined last, as a cross product. The `order_joins` pass
applies this to each join block (`MultiJoin`), after `pushdown_predicates` has put the conditions on a single input onto it.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

import pyarrow as pa
from sqlglot import exp

from tqp.operators.expressions.in_lists import item_count
from tqp.planner.logical import (Aggregate, Distinct, Filter, Join, Limit, MarkJoin, Plan, Project,
                                 Scan, Sort)
from tqp.planner.scope import and_all

FILTER_SELECTIVITY = 0.3  # guessed fraction of rows a pushed-down condition keeps
EQUALITY_SELECTIVITY = 0.1  # the guess for `x = constant` when x's distinct count is unknown
AGGREGATE_REDUCTION = 0.5
# An input of at least BUILD_SWAP_ROWS rows, estimated at more than BUILD_SMALLER times the rows
# joined so far, is probed and the joined rows are built: a table over a few rows, not over a
# large input that a few rows probe. (Below that size either table is cheap, and a build side
# with repeated keys, which the swapped one usually is, costs more per row.)
BUILD_SMALLER = 8.0
BUILD_SWAP_ROWS = 1 << 18


def estimate_rows(plan: Plan, catalog) -> float:
    """A rough row count used only to order joins. Each node is estimated once: a plan whose
    subplans are shared (a decorrelated subquery reads its outer plan again, and nested ones
    nest that) is walked in time linear in its nodes, not in its paths."""
    return _estimate(plan, catalog, {})


def _estimate(plan: Plan, catalog, memo: dict[int, float]) -> float:
    known = memo.get(id(plan))
    if known is not None:
        return known
    if isinstance(plan, Scan):
        rows = float(catalog.num_rows(plan.table))
    elif isinstance(plan, Filter):
        rows = _estimate(plan.input, catalog, memo) * _filter_selectivity(plan, catalog)
    elif isinstance(plan, Aggregate) and not plan.keys:
        rows = 1.0
    elif isinstance(plan, (Aggregate, Distinct)):
        rows = _estimate(plan.children[0], catalog, memo) * AGGREGATE_REDUCTION
    elif isinstance(plan, (Limit, Sort)) and plan.limit is not None:
        rows = float(plan.limit)
    elif isinstance(plan, Join):  # also a MultiJoin, by its children below
        rows = max(_estimate(plan.left, catalog, memo), _estimate(plan.right, catalog, memo))
    elif plan.children:
        rows = max(_estimate(c, catalog, memo) for c in plan.children)
    else:
        rows = 1.0
    memo[id(plan)] = rows
    return rows


def filtered_fraction(plan: Plan, catalog) -> float:
    """The fraction of its input's rows a chain of Filters and Projects over a Scan keeps."""
    fraction = 1.0
    while isinstance(plan, (Filter, Project)):
        if isinstance(plan, Filter):
            fraction *= _filter_selectivity(plan, catalog)
        plan = plan.input
    return fraction


def _filter_selectivity(plan: Filter, catalog) -> float:
    known = condition_selectivity(plan.condition, _scan_below(plan), catalog)
    return FILTER_SELECTIVITY if known is None else known


def condition_selectivity(condition: exp.Expression, scan: Scan | None, catalog) -> float | None:
    """The fraction of `scan`'s rows that `column = constant` or `column IN (constants)` keeps,
    from the column's distinct count, or a range of an integer or date column
    (`_range_selectivity`); None for other conditions (callers guess)."""
    if isinstance(condition, exp.EQ):
        for column, value in ((condition.this, condition.expression),
                              (condition.expression, condition.this)):
            if _is_constant(value) and isinstance(column, exp.Column):
                distinct = _distinct_count(column, scan, catalog)
                return EQUALITY_SELECTIVITY if distinct is None else 1.0 / max(distinct, 1)
    if isinstance(condition, exp.In) and not condition.args.get("query") and \
            isinstance(condition.this, exp.Column) and \
            all(_is_constant(e) for e in condition.expressions):
        distinct = _distinct_count(condition.this, scan, catalog)
        if distinct is not None:
            return min(1.0, item_count(condition) / max(distinct, 1))
    return _range_selectivity(condition, scan, catalog)


_FLIPPED = {exp.GT: exp.LT, exp.GTE: exp.LTE, exp.LT: exp.GT, exp.LTE: exp.GTE}


def _range_selectivity(condition: exp.Expression, scan: Scan | None, catalog) -> float | None:
    """The fraction of an integer or date column's [min, max] that `column BETWEEN a AND b` or
    `column < constant` (>, <=, >=) keeps, the values taken as spread evenly; None for other
    conditions and columns."""
    if isinstance(condition, exp.Between):
        column, low, high = condition.this, condition.args["low"], condition.args["high"]
    elif type(condition) in _FLIPPED:
        kind, column, value = type(condition), condition.this, condition.expression
        if not isinstance(column, exp.Column):
            kind, column, value = _FLIPPED[kind], value, column
        low, high = (value, None) if kind in (exp.GT, exp.GTE) else (None, value)
    else:
        return None
    if scan is None or not isinstance(column, exp.Column):
        return None
    name = column.name.rsplit(".", 1)[-1]
    if name not in scan.fields:
        return None
    kind = catalog.schema(scan.table).field(name).type
    if not (pa.types.is_integer(kind) or pa.types.is_date32(kind)):
        return None
    bounds = catalog.value_range(scan.table, name, along=scan.fields)
    if bounds is None:
        return None
    lo, hi = bounds
    wanted = [lo if low is None else _ordinal(low, kind), hi if high is None else _ordinal(high, kind)]
    if None in wanted:
        return None
    kept = min(wanted[1], hi) - max(wanted[0], lo) + 1
    return min(1.0, max(kept, 1) / (hi - lo + 1))


def _ordinal(node: exp.Expression, kind: pa.DataType) -> int | None:
    """A constant as the column stores it: an integer, or a date as days since 1970-01-01;
    a sum or difference of integer constants (`1200 + 11`) is added up."""
    while isinstance(node, (exp.Cast, exp.Paren)):
        node = node.this
    if isinstance(node, (exp.Add, exp.Sub)) and pa.types.is_integer(kind):
        left, right = _ordinal(node.this, kind), _ordinal(node.expression, kind)
        if left is None or right is None:
            return None
        return left + right if isinstance(node, exp.Add) else left - right
    if not isinstance(node, exp.Literal):
        return None
    try:
        if pa.types.is_date32(kind):
            return (datetime.date.fromisoformat(node.this) - datetime.date(1970, 1, 1)).days
        return math.floor(float(node.this)) if node.is_number else None
    except ValueError:
        return None


def _is_constant(node: exp.Expression) -> bool:
    while isinstance(node, exp.Cast):
        node = node.this
    return isinstance(node, exp.Literal)


def _distinct_count(column: exp.Column, scan: Scan | None, catalog) -> int | None:
    """Distinct values of a column the scan reads (by its name, or its resolved `binding.name`)."""
    if scan is None:
        return None
    name = column.name.rsplit(".", 1)[-1]
    if name not in scan.fields:
        return None
    return catalog.distinct_count(scan.table, name, along=scan.fields)


def _scan_below(plan: Plan) -> Scan | None:
    while isinstance(plan, (Filter, Project)):
        plan = plan.input
    return plan if isinstance(plan, Scan) else None


def _keys(expression: exp.Expression) -> set[str]:
    return {c.name for c in expression.find_all(exp.Column)}


def key_pair(condition: exp.Expression, left: Plan, right: Plan):
    """(left expression, right expression) when the resolved `condition` equates something of
    `left` with something of `right`; None otherwise."""
    if not isinstance(condition, exp.EQ):
        return None
    a, b = condition.this, condition.expression
    ka, kb = _keys(a), _keys(b)
    if not ka or not kb:
        return None
    lcols, rcols = left.column_set, right.column_set
    if ka <= lcols and kb <= rcols:
        return a, b
    if kb <= lcols and ka <= rcols:
        return b, a
    return None


def order_inputs(inputs: tuple[Plan, ...], conditions, catalog, reads=None) -> Plan:
    """A tree of Joins over `inputs` (a join block, the pushed-down filters of each input
    included) under the resolved `conditions`, in the greedy order described above.
    `reads(expression)` gives the columns an expression reads (a cache, when given)."""
    reads = reads or _column_names
    block = _Block(inputs, conditions, reads)
    rows, base, derived = {}, {}, {}
    for i, plan in enumerate(inputs):
        rows[i], base[i], derived[i] = _input_estimate(plan, catalog, reads)
    start = max(rows, key=lambda a: (rows[a], -a))
    units = [_Unit(frozenset([a]), inputs[a], rows[a], rows[a] / base[a] * derived[a])
             for a in rows]
    multi = list(conditions)
    units = _merge_filtered_leaves(units, start, multi, block, catalog)
    first = next(u for u in units if start in u.aliases)
    remaining = [u for u in units if u is not first]
    plan, joined, so_far = first.plan, set(first.aliases), first.rows
    while remaining:
        connected = [u for u in remaining if any(block.connects(c, joined, u.aliases)
                                                 for c in multi)]

        def reach(u, joined):
            return u.selectivity * _fanout(u, joined, multi, block, catalog)

        alone = {id(u): reach(u, joined) for u in connected}

        def score(u):
            # One step of lookahead: inputs that only `u` connects to come with it.
            own = alone[id(u)] if id(u) in alone else reach(u, joined)
            for b in remaining:
                if b is not u and any(block.connects(c, u.aliases, b.aliases) for c in multi) \
                        and not any(block.connects(c, joined, b.aliases) for c in multi):
                    own *= b.selectivity
            return (bridged(u, own), own, u.rows, remaining.index(u))

        def bridged(u, own):
            # `u` as a bridge: joined first, it adds a key to another input's join and so
            # cuts the rows that join matches (a second equality on a many-to-many key).
            best, after = own, joined | u.aliases
            for v in connected:
                if v is not u and any(block.connects(c, u.aliases, v.aliases) for c in multi):
                    through = reach(v, after)
                    if through < alone[id(v)]:
                        best = min(best, own * through)
            return best

        pick = min(connected or remaining, key=score)
        remaining.remove(pick)
        joined_rows = max(1.0, so_far * pick.selectivity * _fanout(pick, joined, multi, block,
                                                                     catalog))
        plan = _join(plan, joined, pick, multi, block,
                     build_joined=pick.rows > max(BUILD_SMALLER * so_far, BUILD_SWAP_ROWS))
        so_far = joined_rows
        joined |= pick.aliases
    return _filter_rest(plan, multi)


def _fanout(unit: _Unit, joined: set, conditions, block: _Block, catalog) -> float:
    """How many rows of `unit` each joined row matches through the equalities that connect
    them: the unit's rows over the distinct combinations of its key columns (the product of
    their distinct counts, at most the rows), so 1 for a unique key. Joining on a many-to-many
    key (`s.zip = a.zip`) multiplies the rows, so a unit joined only that way waits for a
    better-keyed one. 1 when nothing is known (a merged unit, an expression key)."""
    known = _key_combinations(unit, joined, conditions, block, catalog)
    if known is None:
        return 1.0
    rows, combinations = known
    return max(1.0, rows / min(rows, combinations))


def _key_combinations(unit: _Unit, joined: set, conditions, block: _Block,
                      catalog) -> tuple[float, float] | None:
    """(rows of `unit` before its filters, distinct combinations of its columns that the
    equalities to `joined` name); None when unknown (an expression key, no statistics). A
    merged unit's rows are those of the input it was built around (its dimensions joined on
    unique keys keep them), and each key column's distinct count is that of its own input's
    table. A column equated with several joined columns counts once."""
    if len(unit.aliases) == 1:
        scan = _scan_below(unit.plan)
        if scan is None:
            return None
        rows = float(catalog.num_rows(scan.table))
    else:
        rows = unit.rows / unit.selectivity if unit.selectivity > 0 else 0.0
    if rows == 0:
        return None
    combinations, seen = 1.0, set()
    for c in conditions:
        if not block.connects(c, joined, unit.aliases):
            continue
        side = c.this if block.inputs(c.this) <= unit.aliases else c.expression
        if not isinstance(side, exp.Column):
            return None
        if side.name in seen:
            continue
        seen.add(side.name)
        owners = block.inputs(side)
        scan = _scan_below(block.plans[next(iter(owners))]) if len(owners) == 1 else None
        distinct = _distinct_count(side, scan, catalog)
        if distinct is None:
            return None
        combinations *= max(distinct, 1)
    return rows, combinations


def _joins_on_unique_key(leaf: _Unit, host: _Unit, conditions, block: _Block, catalog) -> bool:
    """Does `host` join `leaf` through a key unique in `leaf` (each host row matches at most one
    leaf row, by the statistics)?"""
    known = _key_combinations(leaf, set(host.aliases), conditions, block, catalog)
    return known is not None and known[1] >= known[0]


def written_order(inputs: tuple[Plan, ...], conditions) -> Plan:
    """The join block joined left-deep in the order its inputs were written (what runs when
    the `order_joins` pass is switched off)."""
    block = _Block(inputs, conditions, _column_names)
    multi = list(conditions)
    plan, joined = inputs[0], {0}
    for i in range(1, len(inputs)):
        plan = _join(plan, joined, _Unit(frozenset([i]), inputs[i], 1.0, 1.0), multi, block)
        joined.add(i)
    return _filter_rest(plan, multi)


def _filter_rest(plan: Plan, conditions) -> Plan:
    """Conditions no join completed (constants) filter the joined rows."""
    for c in conditions:
        plan = Filter(plan, c)
    return plan


def _column_names(expression: exp.Expression) -> set[str]:
    return {c.name for c in expression.find_all(exp.Column)}


def _input_estimate(plan: Plan, catalog, reads) -> tuple[float, float, float]:
    """(estimated rows, rows before the block's filters, the fraction the input's own filters
    keep) of one input of a join block. The filters pushed onto it count as the order's
    selectivity: `column = constant` and `IN (constants)` from distinct counts, any other
    condition on a new column FILTER_SELECTIVITY (a range counts once). A semi-join reduction
    (a Filter on a null-aware MarkJoin) belongs to the input itself."""
    conditions = []
    while isinstance(plan, Filter) and not _is_semi_join(plan):
        conditions.append(plan.condition)
        plan = plan.input
    rows = _source_rows(plan, catalog)
    base = max(rows, 1.0)
    scan = _scan_below(plan)
    filtered: set = set()
    for c in reversed(conditions):  # in the order they apply
        known = condition_selectivity(c, scan, catalog)
        columns = reads(c)
        if known is not None:
            rows *= known
        elif not columns <= filtered:  # a range counts once
            rows *= FILTER_SELECTIVITY
        filtered |= columns
    return rows, base, filtered_fraction(plan, catalog)


def _is_semi_join(plan: Filter) -> bool:
    return isinstance(plan.input, MarkJoin) and plan.input.null_aware


def _source_rows(plan: Plan, catalog) -> float:
    if isinstance(plan, Filter) and _is_semi_join(plan):
        return _source_rows(plan.input.left, catalog) * FILTER_SELECTIVITY
    return estimate_rows(plan, catalog)


class _Block:
    """Which inputs of a join block each condition names (by the columns it reads)."""

    def __init__(self, inputs, conditions, reads):
        self.reads = reads
        self.plans = inputs
        self.owner = {c: i for i, p in enumerate(inputs) for c in p.columns}
        self._sides = {}
        for c in conditions:
            sides = None
            if isinstance(c, exp.EQ):
                left, right = self.inputs(c.this), self.inputs(c.expression)
                sides = (left, right) if left and right else None
            self._sides[id(c)] = sides

    def inputs(self, expression: exp.Expression) -> frozenset:
        return frozenset(self.owner[c] for c in self.reads(expression) if c in self.owner)

    def connects(self, condition, joined: set, aliases) -> bool:
        """Does `condition` equate something of the inputs `joined` with something of
        `aliases`?"""
        sides = self._sides[id(condition)]
        if sides is None:
            return False
        left, right = sides
        return (left <= joined and right <= aliases) or (right <= joined and left <= aliases)


@dataclass(frozen=True)
class _Unit:
    """Inputs already joined together, with their estimated rows and the fraction their filters
    keep."""

    aliases: frozenset
    plan: Plan
    rows: float
    selectivity: float


def _merge_filtered_leaves(units: list[_Unit], start: int, multi: list,
                           block: _Block, catalog) -> list[_Unit]:
    """Join each filtered input that is connected to only one other input into that input first
    (a snowflake dimension: `supplier JOIN (nation WHERE n_name = ...)`), so that the largest
    input later probes the already reduced pair instead of carrying every row through two joins.
    A filtered input connected to several is merged the same way into the one neighbour that
    joins it on its unique key (each of that neighbour's rows keeps at most one match, so the
    filter only cuts it down; the other connections stay conditions of the merged pair).
    Inputs are never merged into the one holding `start`, which the greedy order handles."""
    changed = True
    while changed:
        changed = False
        for leaf in units:
            if leaf.selectivity >= 1.0 or start in leaf.aliases:
                continue
            neighbours = [u for u in units if u is not leaf and any(
                block.connects(c, u.aliases, leaf.aliases) for c in multi)]
            if len(neighbours) > 1:
                neighbours = [u for u in neighbours
                              if _joins_on_unique_key(leaf, u, multi, block, catalog)]
            if len(neighbours) != 1 or start in neighbours[0].aliases:
                continue
            host = neighbours[0]
            plan = _join(host.plan, set(host.aliases), leaf, multi, block)
            merged = _Unit(host.aliases | leaf.aliases, plan, host.rows * leaf.selectivity,
                           host.selectivity * leaf.selectivity)
            units = [merged if u is host else u for u in units if u is not leaf]
            changed = True
            break
    return units


def _join(plan: Plan, joined: set, pick: _Unit, multi: list, block: _Block,
          build_joined: bool = False) -> Plan:
    """`plan` (holding the inputs `joined`) joined with `pick` on every condition the two sides
    complete; the conditions used are removed from `multi`. `pick` is the build (right) side,
    unless `build_joined` asks for `plan` there (an inner join with keys only)."""
    right = pick.plan
    lkeys, rkeys, residual = [], [], []
    for c in list(multi):
        if not block.inputs(c) <= joined | pick.aliases:
            continue
        multi.remove(c)
        pair = key_pair(c, plan, right)
        if pair is not None:
            lkeys.append(pair[0])
            rkeys.append(pair[1])
        else:
            residual.append(c)
    if not lkeys:
        return Join(plan, right, "cross", (), (), and_all(residual))
    if build_joined:
        return Join(right, plan, "inner", tuple(rkeys), tuple(lkeys), and_all(residual))
    return Join(plan, right, "inner", tuple(lkeys), tuple(rkeys), and_all(residual))
