"""Ordering inner joins greedily: the largest input first, then, among the inputs connected to
what is joined so far, the most selective one (its pushed-down filters, and those of inputs
reachable only through it), the smaller on ties.

The accumulated result is the probe side of each join and the newly added input the build side,
so the fact table is probed and filtered dimensions cut it down early. Conditions on a single
input are pushed down onto it; an input connected to nothing is joined last, as a cross product.
"""

from __future__ import annotations

from sqlglot import exp

from tqp.planner.logical import Aggregate, Distinct, Filter, Join, Limit, Plan, Scan, Sort
from tqp.planner.resolve import resolve
from tqp.planner.scope import Scope, may_raise

FILTER_SELECTIVITY = 0.3  # guessed fraction of rows a pushed-down condition keeps
AGGREGATE_REDUCTION = 0.5


def estimate_rows(plan: Plan, catalog) -> float:
    """A rough row count used only to order joins."""
    if isinstance(plan, Scan):
        return float(catalog.table(plan.table).num_rows)
    if isinstance(plan, Filter):
        return estimate_rows(plan.input, catalog) * FILTER_SELECTIVITY
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
    for c in conditions:
        tables = {col.table for col in c.find_all(exp.Column) if col.table}
        if len(tables) == 1:
            alias = tables.pop()
            plans[alias] = Filter(plans[alias], resolve(c, scope))
            columns = {col.name for col in c.find_all(exp.Column)}
            if not columns <= filtered.setdefault(alias, set()):  # a range counts once
                rows[alias] *= FILTER_SELECTIVITY
            filtered[alias] |= columns
        elif not tables:
            constant.append(c)
        else:
            multi.append(c)

    base = {s.alias: max(s.rows, 1.0) for s in sources}
    selectivity = {a: rows[a] / base[a] for a in rows}
    remaining = [s.alias for s in sources]
    start = max(remaining, key=lambda a: (rows[a], -remaining.index(a)))
    remaining.remove(start)
    plan, joined = plans[start], {start}
    while remaining:
        connected = [a for a in remaining if any(_connects(c, joined, a) for c in multi)]

        def score(a):
            # One step of lookahead: inputs that only `a` connects to come with it.
            behind = [b for b in remaining if b != a and any(_connects(c, {a}, b) for c in multi)
                      and not any(_connects(c, joined, b) for c in multi)]
            reach = selectivity[a]
            for b in behind:
                reach *= selectivity[b]
            return (reach, rows[a], remaining.index(a))

        pick = min(connected or remaining, key=score)
        remaining.remove(pick)
        right = plans[pick]
        lkeys, rkeys, residual = [], [], []
        for c in list(multi):
            tables = {col.table for col in c.find_all(exp.Column) if col.table}
            if not tables <= joined | {pick}:
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
        plan = Join(plan, right, kind, tuple(lkeys), tuple(rkeys), cond)
        joined.add(pick)
    for c in multi + constant:
        plan = Filter(plan, resolve(c, scope))
    return plan


def _connects(condition: exp.Expression, joined: set[str], alias: str) -> bool:
    if not isinstance(condition, exp.EQ):
        return False
    left = {c.table for c in condition.this.find_all(exp.Column) if c.table}
    right = {c.table for c in condition.expression.find_all(exp.Column) if c.table}
    return bool(left and right) and (
        (left <= joined and right == {alias}) or (right <= joined and left == {alias}))
