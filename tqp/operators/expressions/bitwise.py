"""Bitwise operators on integers, as DuckDB types and checks them: `&`, `|`, XOR(a, b), `~a`,
`a << n`, `a >> n` and BIT_COUNT(a).

Both operands take their common integer type, which is the result's (INTEGER & BIGINT is
BIGINT). `a << n` raises DuckDB's errors (a negative `a` or `n`, `n` past the type's width, a
result that does not fit); `a >> n` is 0 for `n` outside [0, width). A HUGEINT is 128 bits wide
as in DuckDB, but tqp holds it in 64: a left shift past them is a DataError.
"""

from __future__ import annotations

import torch
from sqlglot import exp

from tqp.errors import DataError, ProgrammingError
from tqp.operators.expressions import SqlText, evaluate, handles
from tqp.operators.expressions.arithmetic import _numeric, _untyped_null_as_bigint
from tqp.operators.expressions.coerce import align
from tqp.operators.expressions import handles_anonymous
from tqp.storage.column import Batch, Column, and_valid
from tqp.types import DataType

_WIDTH = {DataType.INTEGER: 32, DataType.BIGINT: 64, DataType.HUGEINT: 128}


def _integer(column: Column, what) -> Column:
    """An integer operand (an untyped NULL as an INTEGER); anything else is DuckDB's binder
    error."""
    if not (column.type.is_integer or column.type is DataType.NULL):
        raise ProgrammingError(f"bitwise operators take integers, not {column.type.value}: {what}")
    return _numeric(column, what)


def _operands(node: exp.Binary, batch: Batch) -> tuple[Column, Column, str]:
    what = SqlText(node)
    a, b = align([_integer(evaluate(node.this, batch), what),
                  _integer(evaluate(node.expression, batch), what)], what)
    return a, b, what


_BITWISE = {exp.BitwiseAnd: torch.bitwise_and, exp.BitwiseOr: torch.bitwise_or,
            exp.BitwiseXor: torch.bitwise_xor}


@handles(*_BITWISE)
def bitwise(node: exp.Binary, batch: Batch) -> Column:
    """`a & b`, `a | b`, XOR(a, b) in the operands' common integer type."""
    a, b, _ = _operands(node, batch)
    return Column(_BITWISE[type(node)](a.values, b.values), a.type, and_valid(a.valid, b.valid))


@handles(exp.BitwiseNot)
def bitwise_not(node: exp.BitwiseNot, batch: Batch) -> Column:
    """`~a` keeps a's type; `~NULL` is a BIGINT NULL, as in DuckDB."""
    what = SqlText(node)
    a = _integer(_untyped_null_as_bigint(evaluate(node.this, batch)), what)
    return Column(torch.bitwise_not(a.values), a.type, a.valid)


@handles(exp.BitwiseLeftShift)
def left_shift(node: exp.BitwiseLeftShift, batch: Batch) -> Column:
    """`a << n`: errors as DuckDB's where a < 0, n < 0, n >= the type's width (unless a is 0) or
    the result does not fit; one host sync when no row fails."""
    a, n, what = _operands(node, batch)
    x, shift = a.values, n.values
    valid = and_valid(a.valid, n.valid)
    held = x.element_size() * 8  # the bits tqp holds: 64 for a HUGEINT
    clamped = shift.clamp(0, held - 1)
    top = torch.full_like(x, torch.iinfo(x.dtype).max)
    fits = (x <= torch.bitwise_right_shift(top, clamped)) & ((shift < held) | (x == 0))
    bad = (x < 0) | (shift < 0) | ~fits
    if bool((bad if valid is None else bad & valid).any()):
        _raise_left_shift(a, n, valid, what)
    return Column(torch.bitwise_left_shift(x, clamped), a.type, valid)


def _raise_left_shift(a: Column, n: Column, valid, what) -> None:
    """DuckDB's error for the first failing kind: a negative value, a negative shift, a shift
    past the width, then an overflow."""
    x, shift, live = a.values, n.values, a.validity() if valid is None else valid
    width = _WIDTH[a.type]
    if bool(((x < 0) & live).any()):
        raise DataError(f"Cannot left-shift a negative number in {what}")
    if bool(((shift < 0) & live).any()):
        raise DataError(f"Cannot left-shift by a negative number in {what}")
    if bool(((shift >= width) & (x != 0) & live).any()):
        raise DataError(f"Left-shift value out of range in {what}: {a.type.value} has {width} bits")
    held = "64 bits (tqp's HUGEINT)" if a.type is DataType.HUGEINT else a.type.value
    raise DataError(f"Overflow in left shift {what}: the value does not fit in {held}")


@handles(exp.BitwiseRightShift)
def right_shift(node: exp.BitwiseRightShift, batch: Batch) -> Column:
    """`a >> n`: arithmetic (a negative `a` stays negative), 0 where n < 0 or n >= the width."""
    a, n, _ = _operands(node, batch)
    x, shift = a.values, n.values
    held = x.element_size() * 8
    outside = (shift < 0) | (shift >= _WIDTH[a.type])
    shifted = torch.bitwise_right_shift(x, shift.clamp(0, held - 1))  # a HUGEINT's sign past 64
    return Column(torch.where(outside, 0, shifted), a.type, and_valid(a.valid, n.valid))


def popcount(values: torch.Tensor) -> torch.Tensor:
    """The set bits of each int64 (its two's complement), by the classic SWAR sums; int64 wraps
    where unsigned arithmetic would."""
    v = values - (torch.bitwise_right_shift(values, 1) & 0x5555555555555555)
    v = (v & 0x3333333333333333) + (torch.bitwise_right_shift(v, 2) & 0x3333333333333333)
    v = (v + torch.bitwise_right_shift(v, 4)) & 0x0F0F0F0F0F0F0F0F
    return torch.bitwise_right_shift(v * 0x0101010101010101, 56)


@handles_anonymous("bit_count")
def bit_count(node: exp.Anonymous, batch: Batch) -> Column:
    """BIT_COUNT(a): the set bits of a in its type's width (a negative HUGEINT's sign fills 128
    bits); DuckDB's TINYINT is an INTEGER here."""
    what = SqlText(node)
    if len(node.expressions) != 1:
        raise ProgrammingError(f"BIT_COUNT takes 1 argument: {what}")
    a = _integer(evaluate(node.expressions[0], batch), what)
    values = a.values.long()
    if a.type is DataType.INTEGER:
        values = values & 0xFFFFFFFF
    counts = popcount(values)
    if a.type is DataType.HUGEINT:
        counts = counts + torch.where(values < 0, 64, 0)
    return Column(counts.int(), DataType.INTEGER, a.valid)
