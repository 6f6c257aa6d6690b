"""The range condition of a join without equality keys: what a RangeJoin sorts and searches.

Among the conjuncts of the join's condition, each comparison `a < b` (<, <=, >, >=, and each
half of `x BETWEEN lo AND hi`) between an expression of one input and an expression of the
other bounds either expression by the other. The condition chosen, in this order of
preference:
1. a band on a right-input expression: two conjuncts bounding it from below and above (the
   build side is sorted once, each probe row's matches are exactly one run);
2. a band on a left-input expression (each probe batch is sorted, each build row searched);
3. the first inequality, its right-input expression sorted.
The other conjuncts stay the join's residual, checked on the pairs.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from tqp.operators.range_join import RangeCondition
from tqp.planner.node_kinds import VOLATILE
from tqp.planner.scope import conjuncts as split_conjuncts

# `a OP b` makes `b` a bound of `a` (lower or upper, strict or not) and `a` one of `b`.
_AS_BOUND = {exp.LT: ("upper", True), exp.LTE: ("upper", False),
             exp.GT: ("lower", True), exp.GTE: ("lower", False)}
_OTHER = {"lower": "upper", "upper": "lower"}


@dataclass(frozen=True)
class _Fact:
    """Conjunct `conjunct` says `value` (over input `side`) has `bound` as its lower or upper
    bound; `key` names the conjunct (a BETWEEN gives two)."""

    key: tuple
    conjunct: exp.Expression
    side: str
    value: exp.Expression
    which: str
    bound: exp.Expression
    strict: bool


def range_condition(condition: exp.Expression | None, left_columns, right_columns):
    """(RangeCondition, the residual left) for a join condition holding an inequality between
    the two inputs, or None."""
    conjuncts = split_conjuncts(condition)
    sides = (frozenset(left_columns), frozenset(right_columns))
    facts = [f for key, c in _comparisons(conjuncts) for f in _facts(key, c, sides)]
    chosen = _band(facts, "right") or _band(facts, "left") or \
        next(([f] for f in facts if f.side == "right"), None)
    if chosen is None:
        return None
    lower = next((f for f in chosen if f.which == "lower"), None)
    upper = next((f for f in chosen if f.which == "upper"), None)
    used = {f.key for f in chosen}
    # The residual: the conjuncts as written, less those used (a BETWEEN half used: its other half).
    halves = dict(_comparisons(conjuncts))
    rest = []
    for i, c in enumerate(conjuncts):
        if not {(i,), (i, 0), (i, 1)} & used:
            rest.append(c)
        elif (i, 0) in used or (i, 1) in used:
            rest += [halves[(i, h)] for h in (0, 1) if (i, h) in halves and (i, h) not in used]
    found = RangeCondition(
        chosen[0].side, chosen[0].value,
        lower.bound if lower else None, bool(lower and lower.strict),
        upper.bound if upper else None, bool(upper and upper.strict),
        tuple(f.conjunct for f in (lower, upper) if f is not None))
    return found, (exp.and_(*rest) if len(rest) > 1 else rest[0] if rest else None)


def _comparisons(conjuncts):
    """(key, conjunct) for each conjunct: (i,) and the conjunct, a BETWEEN as its two halves
    `x >= lo` and `x <= hi`, keyed (i, 0) and (i, 1)."""
    for i, c in enumerate(conjuncts):
        if isinstance(c, exp.Between) and not c.args.get("symmetric"):
            yield (i, 0), exp.GTE(this=c.this.copy(), expression=c.args["low"].copy())
            yield (i, 1), exp.LTE(this=c.this.copy(), expression=c.args["high"].copy())
        else:
            yield (i,), c


def _side(expression: exp.Expression, sides) -> str | None:
    """"left" or "right": the one input whose columns `expression` reads (None for neither,
    both, or an expression that must not be evaluated once per row instead of once per pair)."""
    if expression.find(*VOLATILE, exp.Subquery, exp.Select, exp.AggFunc, exp.Window):
        return None
    names = {c.name for c in expression.find_all(exp.Column)}
    if not names:
        return None
    if names <= sides[0]:
        return "left"
    return "right" if names <= sides[1] else None


def _facts(key, conjunct: exp.Expression, sides) -> list[_Fact]:
    """What a comparison between the two inputs says of each side's expression."""
    if type(conjunct) not in _AS_BOUND:
        return []
    a, b = conjunct.this, conjunct.expression
    side_a, side_b = _side(a, sides), _side(b, sides)
    if side_a is None or side_b is None or side_a == side_b:
        return []
    which, strict = _AS_BOUND[type(conjunct)]
    return [_Fact(key, conjunct, side_a, a, which, b, strict),
            _Fact(key, conjunct, side_b, b, _OTHER[which], a, strict)]


def _band(facts: list[_Fact], side: str) -> list[_Fact] | None:
    """A lower and an upper bound of one expression over input `side`, from two conjuncts."""
    for f in facts:
        if f.side != side or f.which != "lower":
            continue
        for g in facts:
            if g.side == side and g.which == "upper" and g.key != f.key and g.value == f.value:
                return [f, g]
    return None
