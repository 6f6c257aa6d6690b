"""Bounds for row-group pruning: the conditions of a filter that a scan can check against the
statistics of its files.

A conjunct `column op constant` (op one of = < <= > >=, or BETWEEN, an IN list of constants,
IS [NOT] NULL) over a column of the scanned table becomes a `Bound`; its constant side is
computed here, once, with the engine's own expression kernels. Other conjuncts are left to the
filter, which always still runs: bounds only let the scan skip row groups that cannot match.
"""

from __future__ import annotations

import torch
from sqlglot import exp

from tqp.errors import Error
from tqp.operators.expressions import constant_row, is_literal_only
from tqp.planner import logical as L
from tqp.planner.scope import conjuncts
from tqp.storage.arrow import column_to_arrow
from tqp.storage.pruning import Bound
from tqp.types import DataType

MAX_IN_VALUES = 64  # longer IN lists are left to the filter (each constant is computed here)
_OPS = {exp.EQ: "=", exp.LT: "<", exp.LTE: "<=", exp.GT: ">", exp.GTE: ">="}
_FLIPPED = {"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_NOT_CONSTANT = (exp.Column, exp.Star, exp.AggFunc, exp.Subquery, exp.Query, exp.Placeholder,
                 exp.Parameter, exp.Rand)


def scan_bounds(condition: exp.Expression | None, scan: L.Scan) -> tuple[Bound, ...]:
    """The bounds among `condition`'s conjuncts on the columns of `scan`."""
    bounds: list[Bound] = []
    for part in conjuncts(condition):
        bounds.extend(_bounds(part, scan))
    return tuple(bounds)


def _bounds(part: exp.Expression, scan: L.Scan) -> list[Bound]:
    if type(part) in _OPS:
        op = _OPS[type(part)]
        field, other = _field(part.this, scan), part.expression
        if field is None:
            field, other, op = _field(part.expression, scan), part.this, _FLIPPED[op]
        value = _constant(other)
        return [] if field is None or value is None else [Bound(field, op, (value,))]
    if isinstance(part, exp.Between):
        field = _field(part.this, scan)
        low, high = _constant(part.args.get("low")), _constant(part.args.get("high"))
        found = []
        if field is not None and low is not None:
            found.append(Bound(field, ">=", (low,)))
        if field is not None and high is not None:
            found.append(Bound(field, "<=", (high,)))
        return found
    if isinstance(part, exp.In) and not part.args.get("query") and \
            0 < len(part.expressions) <= MAX_IN_VALUES:
        field = _field(part.this, scan)
        values = [_constant(e) for e in part.expressions]
        if field is None or any(v is None for v in values):
            return []
        return [Bound(field, "in", tuple(values))]
    if isinstance(part, exp.Is) and isinstance(part.expression, exp.Null):
        field = _field(part.this, scan)
        return [] if field is None else [Bound(field, "is_null")]
    if isinstance(part, exp.Not) and isinstance(part.this, exp.Is) and \
            isinstance(part.this.expression, exp.Null):
        field = _field(part.this.this, scan)
        return [] if field is None else [Bound(field, "not_null")]
    return []


def _field(expression: exp.Expression | None, scan: L.Scan) -> str | None:
    """The scanned field `expression` reads, if it is a plain column of `scan`."""
    if not isinstance(expression, exp.Column):
        return None
    binding, _, name = expression.name.rpartition(".")
    return name if binding == scan.binding and name in scan.fields else None


def _constant(expression: exp.Expression | None):
    """The Python value of a constant expression; None when it is not constant, is NULL, or
    cannot be computed here (then the bound is simply not used)."""
    if expression is None:
        return None
    if any(isinstance(n, _NOT_CONSTANT) for n in expression.walk()):
        return None
    known = is_literal_only(expression)
    if known and expression in _KNOWN:
        return _KNOWN[expression]
    try:
        column = constant_row(expression, torch.device("cpu"))
        # An INTERVAL is no bound: file statistics order intervals by their raw parts, not as
        # they compare ('1 month' = '30 days')
        value = None if column.type is DataType.INTERVAL else column_to_arrow(column)[0].as_py()
    except (Error, ArithmeticError, ValueError, TypeError, IndexError):
        value = None
    if known:
        if len(_KNOWN) >= KNOWN_KEPT:
            _KNOWN.clear()
        _KNOWN[expression.copy()] = value
    return value


# The Python values of constants made only of literals, casts, intervals and arithmetic, which
# cannot change, by expression (sqlglot compares trees by structure): queries repeat their
# constants, and converting one from its row (expressions.constant_row) takes tens of µs.
_KNOWN: dict[exp.Expression, object] = {}
KNOWN_KEPT = 1024
