"""Pivoted aggregates: `sum(CASE WHEN k = 'a' THEN x END)`, `sum(CASE WHEN k = 'b' THEN x
END)`, ... over one key `k` and one argument `x` reduce in one pass. Each row's position among
the constants (or none) extends its group id, `x` is reduced once over groups x positions, and
each aggregate reads the column of its position: one reduction in all rather than a CASE column
and a reduction per aggregate. `CASE k WHEN 'a' THEN x END` is the same pivot."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

import torch
from sqlglot import exp

from tqp.operators.expressions import column_ref, evaluate, is_constant
from tqp.planner.logical import AggregateCall
from tqp.storage.column import Batch, Column
from tqp.storage.gather import gather
from tqp.types import DataType

# The aggregates a pivot computes: those that skip NULL inputs, so that a row of another
# position (NULL in this aggregate's CASE) is one it skips.
PIVOTED = frozenset({"sum", "count", "min", "max", "avg"})
_KEY, _ARG = "$pivot_key", "$pivot_arg"


@dataclass(frozen=True)
class Pivot:
    """Aggregates over one key and argument: per call, the position of its constant."""

    key: exp.Expression
    arg: exp.Expression
    constants: tuple[exp.Literal, ...]
    calls: tuple[tuple[AggregateCall, int], ...]


def find_pivots(aggregates) -> list[Pivot]:
    """The pivots among `aggregates` (name, AggregateCall): calls of two constants or more over
    one key and argument."""
    found: dict[tuple, dict] = {}
    for _, call in aggregates:
        parts = _parts(call)
        if parts is None:
            continue
        key, constant, arg = parts
        entry = found.setdefault((key, arg), {"constants": {}, "calls": {}})
        position = entry["constants"].setdefault(constant, len(entry["constants"]))
        entry["calls"][call] = position
    return [Pivot(key, arg, tuple(e["constants"]), tuple(e["calls"].items()))
            for (key, arg), e in found.items()
            if len(e["constants"]) > 1 and _distinct(tuple(e["constants"]))]


def _parts(call: AggregateCall):
    """(key, constant, argument) of `func(CASE WHEN key = constant THEN argument [ELSE NULL]
    END)`, or None."""
    case = call.arg
    if call.func not in PIVOTED or call.distinct or call.filter is not None or call.order or \
            call.by is not None or not isinstance(case, exp.Case):
        return None
    ifs = case.args.get("ifs") or []
    default = case.args.get("default")
    if len(ifs) != 1 or not (default is None or isinstance(default, exp.Null)):
        return None
    condition, arg = ifs[0].this.unnest(), ifs[0].args.get("true")
    if case.this is not None:
        key, constant = case.this, condition
    elif isinstance(condition, exp.EQ):
        key, constant = condition.this, condition.expression
        if isinstance(key, exp.Literal):
            key, constant = constant, key
    else:
        return None
    if arg is None or not isinstance(constant, exp.Literal) or is_constant(key) or \
            isinstance(key, exp.Literal):
        return None
    return key, constant, arg


def _distinct(constants: tuple[exp.Literal, ...]) -> bool:
    """Are the constants all strings, or all integers that a DOUBLE holds exactly, so that
    distinct literals are distinct values of a key of that kind (see `_key_fits`)?"""
    if all(c.is_string for c in constants):
        return True
    if any(c.is_string for c in constants) or \
            not all(c.this.lstrip("-").isdigit() for c in constants):
        return False
    numbers = {int(c.this) for c in constants}
    return len(numbers) == len(constants) and all(abs(n) < 2 ** 53 for n in numbers)


def _key_fits(key: Column, constants: tuple[exp.Literal, ...]) -> bool:
    """Does each row of `key` equal at most one constant? Strings compare as they are with a
    VARCHAR key, integers by value with a numeric one (with a DATE key, '2000-01-01' and
    '2000-1-1' would be one value)."""
    if constants[0].is_string:
        return key.type is DataType.VARCHAR
    return key.type.is_numeric


def reduce_pivot(pivot: Pivot, of: Callable[[exp.Expression], Column], ids: torch.Tensor,
                 groups: int, reduce: Callable) -> dict[AggregateCall, Column] | None:
    """Each call of `pivot` per group of `ids` (0..groups-1). `of` evaluates an input
    expression; `reduce(funcs, argument, ids, groups)` computes the aggregates `funcs` (names,
    SUM before AVG) of the argument column per group, by name. None when the key or the
    argument is of a kind the pivot does not cover (then each call is computed alone)."""
    key, arg = of(pivot.key), of(pivot.arg)
    if not _key_fits(key, pivot.constants) or not _same_type(pivot, key, arg):
        return None
    width = len(pivot.constants) + 1  # the last position: rows of no constant
    position = _positions(pivot, key, width)
    # An explicit mask: a group with no row of a position must read NULL there.
    arg = replace(arg, valid=arg.validity())
    funcs = sorted({call.func for call, _ in pivot.calls}, key=lambda f: f == "avg")
    by_func = reduce(funcs, arg, ids * width + position, groups * width)
    starts = torch.arange(groups, device=ids.device) * width
    return {call: by_func[call.func].take(starts + i) for call, i in pivot.calls}


def _positions(pivot: Pivot, key: Column, width: int) -> torch.Tensor:
    """Each row's position among the pivot's constants, `width - 1` for none. A key that is
    rows of a smaller base not gathered yet (a dimension's column joined to a fact table) is
    compared on the base, and the positions gathered: a comparison per constant over the
    base's rows, not over every joined row."""
    deferred = key.deferred
    rows = None
    if deferred is not None and len(deferred[0]) < len(key):
        key, rows = deferred[0], deferred[1].indices
    small = torch.int8 if width <= 127 else torch.int64  # less to write per constant
    position = torch.full((len(key),), width - 1, dtype=small, device=key.device)
    keyed = Batch({_KEY: key}, len(key), key.device)
    for i, constant in enumerate(pivot.constants):
        equal = evaluate(exp.EQ(this=column_ref(_KEY), expression=constant), keyed)
        hit = equal.values.bool() if equal.valid is None else equal.values.bool() & equal.valid
        position.masked_fill_(hit, i)
    return position if rows is None else gather(position, rows)


def _same_type(pivot: Pivot, key: Column, arg: Column) -> bool:
    """Is the CASE's value a number of the argument's type (no cast on the way)? Its type is
    read from the CASE over no rows."""
    if not arg.type.is_numeric:
        return False
    none = torch.empty(0, dtype=torch.long, device=arg.device)
    names = {pivot.key: column_ref(_KEY), pivot.arg: column_ref(_ARG)}
    case = pivot.calls[0][0].arg.transform(lambda n: names.get(n, n))
    value = evaluate(case, Batch({_KEY: key.take(none), _ARG: arg.take(none)}, 0, arg.device))
    return value.type is arg.type and value.decimal == arg.decimal
