"""Timestamps made and taken apart: CURRENT_DATE, EPOCH and EPOCH_MS/US/NS, MAKE_TIMESTAMP.

Whole-column integer and float tensor arithmetic on DATE days and TIMESTAMP microseconds
(operators/expressions/dates.py holds the calendar conversions), checked as DuckDB checks.
"""

from __future__ import annotations

import torch
from sqlglot import exp

from tqp.errors import DataError, NotSupportedError, ProgrammingError
from tqp.operators.expressions import SqlText, evaluate, handles, handles_anonymous
from tqp.operators.expressions.coerce import MICROS_PER_DAY
from tqp.operators.expressions.dates import (
    MICROS, _floordiv, _split, days_from_civil, days_in_month, extract_part,
)
from tqp.operators.expressions.timestamptz import from_epoch_seconds, now_micros
from tqp.storage.column import Batch, Column, and_valid
from tqp.types import TEMPORAL_TYPES, DataType


@handles(exp.CurrentDate)
def current_date(node: exp.CurrentDate, batch: Batch) -> Column:
    """CURRENT_DATE/TODAY(): the DATE of the statement's instant in the session zone (UTC), as
    DuckDB's NOW()::DATE."""
    days = now_micros(node) // MICROS_PER_DAY
    return Column(torch.full((batch.num_rows,), days, dtype=torch.int32, device=batch.device),
                  DataType.DATE)


@handles(exp.Localtimestamp)
def current_localtimestamp(node: exp.Localtimestamp, batch: Batch) -> Column:
    """CURRENT_LOCALTIMESTAMP(): the statement's instant on the session zone's (UTC's) clock,
    a TIMESTAMP."""
    return Column(torch.full((batch.num_rows,), now_micros(node), dtype=torch.int64,
                             device=batch.device), DataType.TIMESTAMP)


@handles(exp.TimeFromParts)
def make_time(node, batch):
    """MAKE_TIME gives DuckDB's TIME type, which tqp does not have: refused."""
    raise NotSupportedError("MAKE_TIME (a TIME value; tqp has no TIME type)")


# DuckDB's finite timestamps: int64 microseconds but the two infinities.
TIMESTAMP_MICROS_LIMIT = 2**63 - 2
# The day numbers whose every microsecond fits int64 (DuckDB's edge days are refused).
TIMESTAMP_DAYS_LIMIT = (2**63 - 1) // MICROS_PER_DAY - 1


def _temporal(argument: exp.Expression, node: exp.Expression, batch: Batch, name: str) -> Column:
    column = evaluate(argument, batch)
    if column.type is DataType.INTERVAL:
        raise NotSupportedError(f"{name} of an INTERVAL: {SqlText(node)}")
    if column.type not in TEMPORAL_TYPES and column.type is not DataType.NULL:
        raise ProgrammingError(f"{name} of a {column.type.value} value: {SqlText(node)}")
    return column


def _micros(column: Column) -> torch.Tensor:
    """The microseconds since 1970 of a DATE or TIMESTAMP column (NULL: zeros)."""
    if column.type is DataType.NULL:
        return torch.zeros(len(column), dtype=torch.long, device=column.device)
    days, micros = _split(column)
    return days * MICROS_PER_DAY + micros


@handles(exp.TimeToUnix)
def epoch(node: exp.TimeToUnix, batch: Batch) -> Column:
    """EPOCH(x): the seconds since 1970-01-01 of a DATE, TIMESTAMP or TIMESTAMPTZ, or in an
    INTERVAL, a DOUBLE."""
    column = evaluate(node.this, batch)
    if column.type not in TEMPORAL_TYPES | {DataType.INTERVAL, DataType.NULL}:
        raise ProgrammingError(f"EPOCH of a {column.type.value} value: {SqlText(node)}")
    if column.type is DataType.NULL:
        raise ProgrammingError(f"EPOCH of an untyped NULL: {SqlText(node)}")
    return extract_part(column, "epoch")


def _epoch_units(argument: exp.Expression, node: exp.Expression, batch: Batch, name: str,
                 per_micro: int, micros_per: int) -> Column:
    """EPOCH_MS/US/NS of a DATE or TIMESTAMP: BIGINT units since 1970."""
    column = _temporal(argument, node, batch, name)
    micros = _micros(column)
    if per_micro > 1:
        limit = (2**63 - 1) // per_micro
        bad = micros.abs() > limit
        if column.valid is not None:
            bad &= column.valid
        if bool(bad.any()):
            raise DataError(f"{name}: the value does not fit in BIGINT nanoseconds")
        values = micros * per_micro
    else:  # rounded half away from zero, as DuckDB rounds
        values = torch.sign(micros) * _floordiv(micros.abs() + micros_per // 2, micros_per)
    return Column(values, DataType.BIGINT, column.validity() if column.type is DataType.NULL
                  else column.valid)


def _timestamp_from_units(column: Column, micros_per: int, what: SqlText) -> Column:
    """A TIMESTAMP from integer units since 1970 (EPOCH_MS(ms), MAKE_TIMESTAMP(us))."""
    if column.type is DataType.NULL:
        return Column(column.values.long(), DataType.TIMESTAMP, column.validity())
    if column.type not in (DataType.INTEGER, DataType.BIGINT):
        raise ProgrammingError(f"{what}: expected a BIGINT, got {column.type.value}")
    values = column.values.long()
    bad = values.abs() > TIMESTAMP_MICROS_LIMIT // micros_per
    if column.valid is not None:
        bad &= column.valid
    if bool(bad.any()):
        raise DataError(f"Timestamp out of range in {what}")
    return Column(values * micros_per, DataType.TIMESTAMP, column.valid)


@handles(exp.UnixToTime)
def unix_to_time(node: exp.UnixToTime, batch: Batch) -> Column:
    """EPOCH_MS(x) (sqlglot's UnixToTime with scale 3): BIGINT milliseconds of a DATE or
    TIMESTAMP, or the TIMESTAMP of integer milliseconds; MAKE_TIMESTAMP(us) (scale 6)."""
    scale = node.args.get("scale")
    scale = int(scale.this) if isinstance(scale, exp.Literal) and scale.is_int else None
    if scale is None and node.args.get("scale") is None:  # TO_TIMESTAMP(seconds)
        return from_epoch_seconds(node, batch)
    if scale not in (3, 6):
        raise NotSupportedError(f"function {node.sql(dialect='duckdb')[:60]}")
    column = evaluate(node.this, batch)
    if column.type is DataType.INTERVAL:
        raise NotSupportedError(f"EPOCH_MS of an INTERVAL: {SqlText(node)}")
    if scale == 3 and column.type in TEMPORAL_TYPES:
        return _epoch_units(node.this, node, batch, "EPOCH_MS", 1, 1000)
    return _timestamp_from_units(column, 1000 if scale == 3 else 1, SqlText(node))


@handles_anonymous("epoch_us")
def _epoch_us(node: exp.Anonymous, batch: Batch) -> Column:
    return _epoch_call(node, batch, "EPOCH_US", 1, 1)


@handles_anonymous("epoch_ns")
def _epoch_ns(node: exp.Anonymous, batch: Batch) -> Column:
    return _epoch_call(node, batch, "EPOCH_NS", 1000, 1)


def _epoch_call(node: exp.Anonymous, batch: Batch, name: str, per_micro: int,
                micros_per: int) -> Column:
    if len(node.expressions) != 1:
        raise ProgrammingError(f"{name} takes 1 argument: {SqlText(node)}")
    return _epoch_units(node.expressions[0], node, batch, name, per_micro, micros_per)


def _round_half_away(values: torch.Tensor) -> torch.Tensor:
    """C's round(): to the nearest integer, halves away from zero."""
    whole = torch.trunc(values)
    return whole + torch.where((values - whole).abs() >= 0.5, torch.sign(values), 0.0)


@handles(exp.TimestampFromParts)
def make_timestamp(node: exp.TimestampFromParts, batch: Batch) -> Column:
    """MAKE_TIMESTAMP(year, month, day, hour, minute, seconds) as DuckDB builds it: the date
    must exist; the seconds are a DOUBLE whose fraction is rounded to microseconds; 24:00:00
    and a 60th second are allowed (they roll over)."""
    what = SqlText(node)
    names = ("year", "month", "day", "hour", "min", "sec")
    if any(node.args.get(n) is None for n in names) or node.args.get("milli") is not None:
        raise NotSupportedError(f"MAKE_TIMESTAMP with these arguments: {what}")
    parts = [evaluate(node.args[n], batch) for n in names]
    valid = None
    for part in parts:
        if not (part.type.is_numeric or part.type is DataType.NULL):
            raise ProgrammingError(f"MAKE_TIMESTAMP of a {part.type.value} value: {what}")
        valid = and_valid(valid, part.validity() if part.type is DataType.NULL else part.valid)
    for part in parts[:5]:
        if part.type not in (DataType.INTEGER, DataType.BIGINT, DataType.NULL):
            raise ProgrammingError(f"MAKE_TIMESTAMP of a {part.type.value} value: {what} "
                                   "(the parts but the seconds are BIGINT)")
    year, month, day, hour, minute = (p.values.long() for p in parts[:5])
    seconds = parts[5].as_double() if parts[5].type is not DataType.NULL else \
        torch.zeros(len(parts[5]), dtype=torch.float64, device=parts[5].device)

    def check(bad: torch.Tensor, message: str) -> None:
        if valid is not None:
            bad = bad & valid
        if bool(bad.any()):
            raise DataError(f"{message} in {what}")

    int32 = 2**31
    check((year.abs() >= int32) | (month.abs() >= int32) | (day.abs() >= int32),
          "value out of range")
    exists = (month >= 1) & (month <= 12) & (day >= 1) & \
        (day <= days_in_month(year, month.clamp(1, 12)))
    check(~exists, "Date out of range")
    check(~torch.isfinite(seconds) | (seconds.abs() >= float(int32)), "seconds out of range")
    whole = torch.trunc(seconds)
    micros = _round_half_away((seconds - whole) * 1e6).long()
    whole = whole.long()
    in_day = (hour >= 0) & (hour < 24) & (minute >= 0) & (minute < 60) & (whole >= 0) & \
        (whole <= 60) & (micros >= 0) & (micros <= 1_000_000) & ((whole < 60) | (micros == 0))
    midnight = (hour == 24) & (minute == 0) & (whole == 0) & (micros == 0)
    check(~(in_day | midnight), "Time out of range")
    days = days_from_civil(year, month.clamp(1, 12), day)
    check(days.abs() > TIMESTAMP_DAYS_LIMIT, "Date and time not in timestamp range")
    time = hour * MICROS["hour"] + minute * MICROS["minute"] + whole * MICROS["second"] + micros
    values = torch.where(days.abs() > TIMESTAMP_DAYS_LIMIT, torch.zeros_like(days), days) * \
        MICROS_PER_DAY + time
    return Column(values, DataType.TIMESTAMP, valid)
