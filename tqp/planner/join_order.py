"""Ordering inner joins greedily: the largest input first, then, among the inputs connected to
what is joined so far, the most selective one (its pushed-down filters, and those of inputs
reachable only through it), the smaller on ties.

The accumulated result is the probe side of each join and the newly added input the build side,
so the fact table is probed and filtered dimensions cut it down early. Conditions on a single
input are pushed down onto it; an input connected to nothing is joined last, as a cross product.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from tqp.planner.logical import (Aggregate, Distinct, Filter, Join, Limit, Plan, Project, Scan,
                                 Sort)
from tqp.planner.resolve import resolve
from tqp.planner.scope import Scope, may_raise

FILTER_SELECTIVITY = 0.3  # guessed fraction of rows a pushed-down condition keeps
EQUALITY_SELECTIVITY = 0.1  # the guess for `x = constant` when x's distinct count is unknown
AGGREGATE_REDUCTION = 0.5


def estimate_rows(plan: Plan, catalog) -> float:
    """A rough row count used only to order joins."""
    if isinstance(plan, Scan):
        return float(catalog.table(plan.table).num_rows)
    if isinstance(plan, Filter):
        return estimate_rows(plan.input, catalog) * _filter_selectivity(plan, catalog)
    if isinstance(plan, (Aggregate, Distinct)):
        if isinstance(plan, Aggregate) and not plan.keys:
            return 1.0
        return estimate_rows(plan.children[0], catalog) * AGGREGATE_REDUCTION
    if isinstance(plan, Limit) and plan.limit is not None:
        return float(plan.limit)
    if isinstance(plan, Join):
        return max(estimate_rows(plan.left, catalog), estimate_rows(plan.right, catalog))
    if isinstance(plan, Sort) and plan.limit is not None:
        return float(plan.limit)
    if plan.children:
        return max(estimate_rows(c, catalog) for c in plan.children)
    return 1.0


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
    from the column's distinct count; None for other conditions (callers guess)."""
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
            return min(1.0, len(condition.expressions) / max(distinct, 1))
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
    return catalog.distinct_count(scan.table, name)


def _scan_below(plan: Plan) -> Scan | None:
    while isinstance(plan, (Filter, Project)):
        plan = plan.input
    return plan if isinstance(plan, Scan) else None


def _keys(expression: exp.Expression) -> set[str]:
    return {c.name for c in expression.find_all(exp.Column)}


def key_pair(condition: exp.Expression, left: Plan, right: Plan, scope: Scope):
    """(left expression, right expression) when `condition` equates something of `left` with
    something of `right`, both resolved; None otherwise."""
    if not isinstance(condition, exp.EQ):
        return None
    a, b = resolve(condition.this, scope), resolve(condition.expression, scope)
    ka, kb = _keys(a), _keys(b)
    if not ka or not kb:
        return None
    lcols, rcols = set(left.columns), set(right.columns)
    if ka <= lcols and kb <= rcols:
        return a, b
    if kb <= lcols and ka <= rcols:
        return b, a
    return None


def join_inner(builder, sources, conditions: list[exp.Expression], scope: Scope) -> Plan:
    """Join `sources` (all inner or cross) under `conditions` (each naming only these sources)."""
    plans = {s.alias: s.plan for s in sources}
    rows = {s.alias: s.rows for s in sources}
    multi, constant = [], []
    # Conditions that can raise (x // y, CAST) run after the others, on the rows that are left:
    # `z <> 0 AND 10 // z > 1` must not divide by zero.
    conditions = sorted(conditions, key=may_raise)
    filtered: dict[str, set] = {}
    # Derived inputs (subqueries, CTEs) come with their own filters.
    derived = {a: filtered_fraction(p, builder.catalog) for a, p in plans.items()}
    for c in conditions:
        tables = {col.table for col in c.find_all(exp.Column) if col.table}
        if len(tables) == 1:
            alias = tables.pop()
            known = condition_selectivity(c, _scan_below(plans[alias]), builder.catalog)
            plans[alias] = Filter(plans[alias], resolve(c, scope))
            columns = {col.name for col in c.find_all(exp.Column)}
            if known is not None:
                rows[alias] *= known
            elif not columns <= filtered.setdefault(alias, set()):  # a range counts once
                rows[alias] *= FILTER_SELECTIVITY
            filtered.setdefault(alias, set()).update(columns)
        elif not tables:
            constant.append(c)
        else:
            multi.append(c)

    base = {s.alias: max(s.rows, 1.0) for s in sources}
    start = max(rows, key=lambda a: (rows[a], -list(rows).index(a)))
    units = [_Unit(frozenset([a]), plans[a], rows[a], rows[a] / base[a] * derived[a]) for a in rows]
    units = _merge_filtered_leaves(units, start, multi, scope)
    first = next(u for u in units if start in u.aliases)
    remaining = [u for u in units if u is not first]
    plan, joined = first.plan, set(first.aliases)
    while remaining:
        connected = [u for u in remaining if any(_connects(c, joined, u.aliases) for c in multi)]

        def score(u):
            # One step of lookahead: inputs that only `u` connects to come with it.
            reach = u.selectivity
            for b in remaining:
                if b is not u and any(_connects(c, u.aliases, b.aliases) for c in multi) and \
                        not any(_connects(c, joined, b.aliases) for c in multi):
                    reach *= b.selectivity
            return (reach, u.rows, remaining.index(u))

        pick = min(connected or remaining, key=score)
        remaining.remove(pick)
        plan = _join(plan, joined, pick, multi, scope)
        joined |= pick.aliases
    for c in multi + constant:
        plan = Filter(plan, resolve(c, scope))
    return plan


@dataclass(frozen=True)
class _Unit:
    """Inputs already joined together, with their estimated rows and the fraction their filters
    keep."""

    aliases: frozenset
    plan: Plan
    rows: float
    selectivity: float


def _merge_filtered_leaves(units: list[_Unit], start: str, multi: list, scope: Scope) -> list[_Unit]:
    """Join each filtered input that is connected to only one other input into that input first
    (a snowflake dimension: `supplier JOIN (nation WHERE n_name = ...)`), so that the largest
    input later probes the already reduced pair instead of carrying every row through two joins.
    Inputs are never merged into the one holding `start`, which the greedy order handles."""
    changed = True
    while changed:
        changed = False
        for leaf in units:
            if leaf.selectivity >= 1.0 or start in leaf.aliases:
                continue
            neighbours = [u for u in units if u is not leaf and any(
                _connects(c, u.aliases, leaf.aliases) for c in multi)]
            if len(neighbours) != 1 or start in neighbours[0].aliases:
                continue
            host = neighbours[0]
            plan = _join(host.plan, set(host.aliases), leaf, multi, scope)
            merged = _Unit(host.aliases | leaf.aliases, plan, host.rows * leaf.selectivity,
                           host.selectivity * leaf.selectivity)
            units = [merged if u is host else u for u in units if u is not leaf]
            changed = True
            break
    return units


def _join(plan: Plan, joined: set, pick: _Unit, multi: list, scope: Scope) -> Plan:
    """`plan` (holding the inputs `joined`) joined with `pick` on every condition the two sides
    complete; the conditions used are removed from `multi`."""
    right = pick.plan
    lkeys, rkeys, residual = [], [], []
    for c in list(multi):
        tables = {col.table for col in c.find_all(exp.Column) if col.table}
        if not tables <= joined | pick.aliases:
            continue
        multi.remove(c)
        pair = key_pair(c, plan, right, scope)
        if pair is not None:
            lkeys.append(pair[0])
            rkeys.append(pair[1])
        else:
            residual.append(resolve(c, scope))
    cond = None
    for r in residual:
        cond = r if cond is None else exp.And(this=cond, expression=r)
    kind = "inner" if lkeys else "cross"
    return Join(plan, right, kind, tuple(lkeys), tuple(rkeys), cond)


def _connects(condition: exp.Expression, joined: set, aliases) -> bool:
    """Does `condition` equate something of the inputs `joined` with something of `aliases`?"""
    sides = _equality_sides(condition)
    if sides is None:
        return False
    left, right = sides
    return (left <= joined and right <= aliases) or (right <= joined and left <= aliases)


def _equality_sides(condition: exp.Expression):
    """The input aliases on each side of an equality (both non-empty), else None; remembered
    on the node, as the greedy order asks for it many times."""
    if "tqp_sides" not in condition.meta:
        sides = None
        if isinstance(condition, exp.EQ):
            left = frozenset(c.table for c in condition.this.find_all(exp.Column) if c.table)
            right = frozenset(c.table for c in condition.expression.find_all(exp.Column) if c.table)
            sides = (left, right) if left and right else None
        condition.meta["tqp_sides"] = sides
    return condition.meta["tqp_sides"]
