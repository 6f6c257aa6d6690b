"""TIMESTAMP WITH TIME ZONE: instants as int64 microseconds since 1970-01-01 UTC.

DuckDB shows and converts a TIMESTAMPTZ in its `TimeZone` setting. tqp's session time zone is
UTC (`SET TimeZone` accepts only UTC's names, see `session_time_zone`), so a TIMESTAMPTZ's
calendar parts are its UTC parts and converting to or from TIMESTAMP keeps the microseconds.
NOW() and its synonyms are one instant per statement: the engine stamps it on each call when
it plans the statement (`stamp_now`), so every row, batch and worker sees the same value.
"""

from __future__ import annotations

import datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import torch
from sqlglot import exp

from tqp.errors import DataError, NotSupportedError, ProgrammingError
from tqp.operators.expressions import SqlText, evaluate, handles, handles_anonymous
from tqp.operators.expressions.coerce import MICROS_PER_DAY, date_micros
from tqp.operators.expressions.dates import timestamp_strings
from tqp.storage import dictionary as dicts
from tqp.storage.column import Batch, Column
from tqp.types import ARROW_TIME_ZONE, DataType

# The names of UTC that `SET TimeZone` accepts (lower case), and that a TIMESTAMPTZ string may
# end with ('2020-01-01 10:00:00 UTC').
UTC_NAMES = frozenset({"utc", "etc/utc", "gmt", "etc/gmt", "z", "zulu", "etc/zulu", "uct",
                       "etc/uct", "universal", "etc/universal", "gmt0", "etc/gmt0", "gmt+0",
                       "gmt-0", "etc/gmt+0", "etc/gmt-0", "greenwich", "etc/greenwich"})

# The meta entry of a NOW()-like call or CURRENT_DATE: its statement's instant (microseconds).
NOW = "tqp_now"
NOW_NAMES = ("now", "get_current_timestamp", "transaction_timestamp")
# The node classes such calls are (the engine stamps a statement holding one).
NOW_KINDS = (exp.CurrentTimestamp, exp.CurrentDate, exp.Localtimestamp, exp.Anonymous)
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def session_time_zone(name: str) -> str:
    """The session time zone `SET TimeZone = name` asks for: UTC's names are accepted (as
    'UTC'); any other zone raises NotSupportedError."""
    if name.strip().lower() not in UTC_NAMES:
        raise NotSupportedError(f"time zone '{name}' (tqp's session time zone is UTC; SET "
                                "TimeZone accepts 'UTC', 'Etc/UTC' or 'GMT')")
    return ARROW_TIME_ZONE


def instant() -> int:
    """The current instant, microseconds since 1970 UTC."""
    return (datetime.datetime.now(datetime.timezone.utc) - _EPOCH) // datetime.timedelta(
        microseconds=1)


def is_now_call(node: exp.Expression) -> bool:
    """NOW(), CURRENT_TIMESTAMP, GET_CURRENT_TIMESTAMP(), TRANSACTION_TIMESTAMP(), CURRENT_DATE,
    CURRENT_LOCALTIMESTAMP and AGE(x) of one argument (from CURRENT_DATE): the calls whose
    value is the statement's instant, or counts from it."""
    if isinstance(node, NOW_KINDS[:-1]):
        return True
    if not isinstance(node, exp.Anonymous):
        return False
    name = node.name.lower()
    return name in NOW_NAMES or name == "age" and len(node.expressions) == 1


def stamp_now(statement: exp.Expression, micros: int) -> None:
    """Mark each NOW()-like call of `statement` with the statement's instant `micros`."""
    for node in statement.walk():
        if is_now_call(node):
            node.meta[NOW] = micros


def now_micros(node: exp.Expression) -> int:
    """The instant of a NOW()-like call: its statement's, or the current one if not stamped."""
    stamped = node.meta.get(NOW)
    return instant() if stamped is None else stamped


@handles(exp.CurrentTimestamp)
@handles_anonymous(*NOW_NAMES)
def current_timestamp(node: exp.Expression, batch: Batch) -> Column:
    """NOW()/CURRENT_TIMESTAMP/GET_CURRENT_TIMESTAMP()/TRANSACTION_TIMESTAMP(): the statement's
    start as a TIMESTAMPTZ, the same on every row."""
    if isinstance(node, exp.Anonymous) and node.expressions:
        raise ProgrammingError(f"{node.name.upper()}() takes no arguments: {SqlText(node)}")
    return Column(torch.full((batch.num_rows,), now_micros(node), dtype=torch.int64,
                             device=batch.device), DataType.TIMESTAMPTZ)


# -- conversions -------------------------------------------------------------------------------

def to_timestamptz(column: Column) -> Column:
    """A DATE (its midnight) or TIMESTAMP (its wall clock) in the session zone as TIMESTAMPTZ:
    in UTC, the same microseconds."""
    if column.type is DataType.DATE:
        return Column(date_micros(column), DataType.TIMESTAMPTZ, column.valid)
    if column.type in (DataType.TIMESTAMP, DataType.TIMESTAMPTZ):
        return Column(column.values, DataType.TIMESTAMPTZ, column.valid)
    raise ProgrammingError(f"cannot convert {column.type.value} to TIMESTAMP WITH TIME ZONE")


def from_timestamptz(column: Column, target: DataType) -> Column:
    """A TIMESTAMPTZ as the TIMESTAMP (wall clock) or DATE it is in the session zone (UTC)."""
    if target is DataType.TIMESTAMP:
        return Column(column.values, target, column.valid)
    if target is DataType.DATE:
        days = torch.div(column.values, MICROS_PER_DAY, rounding_mode="floor")
        return Column(days.int(), target, column.valid)
    raise NotSupportedError(f"CAST from TIMESTAMP WITH TIME ZONE to {target.value}")


def timestamptz_strings(micros: torch.Tensor) -> list[str]:
    """Instants as DuckDB prints a TIMESTAMPTZ in UTC: `2020-01-01 10:00:00.5+00`. For distinct
    values (a Python list)."""
    return [text + "+00" for text in timestamp_strings(micros)]


# A timestamp's text, then its UTC offset (`+02`, `-05:30`, `+0530`, `+01:30:15`, `Z`) right
# after the time, or a zone name after a space: DuckDB's `YYYY-MM-DD HH:MM[:SS[.US]][±HH[:MM[:SS]]
# | ZONE]`.
_ZONED = (r"^\s*(?P<body>.*[0-9]:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]*)?)?)"
          r"(?:(?P<sign>[+-])(?P<hours>[0-9]{2})(?::?(?P<minutes>[0-9]{2})"
          r"(?::?(?P<seconds>[0-9]{2}))?)?|(?P<z>[zZ])|\s+(?P<name>[A-Za-z][A-Za-z0-9_/+-]*))"
          r"\s*$")


def split_offsets(strings: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """(the strings without their UTC offset or zone name, each offset in microseconds) of
    TIMESTAMPTZ texts; a string without one keeps its text and a zero offset (it is in the
    session zone, UTC). A zone name other than UTC's raises NotSupportedError."""
    strings = strings.cast(dicts.STRING)
    if len(strings) == 0:
        return strings, np.zeros(0, np.int64)
    found = pc.extract_regex(strings, _ZONED)
    matched = np.asarray(pc.is_valid(found).to_numpy(zero_copy_only=False), dtype=bool)

    def field(name: str) -> pa.Array:
        return pc.fill_null(pc.struct_field(found, name), "")

    names = pc.utf8_lower(field("name"))
    named = np.asarray(pc.not_equal(names, "").fill_null(False).to_numpy(zero_copy_only=False),
                       dtype=bool) & matched
    if named.any():
        unknown = pc.invert(pc.is_in(names, pa.array(sorted(UTC_NAMES) + [""])))
        if pc.any(pc.and_(pa.array(named), unknown)).as_py():
            zone = pc.filter(field("name"), pc.and_(pa.array(named), unknown))[0].as_py()
            raise NotSupportedError(f"a TIMESTAMP WITH TIME ZONE string in the time zone "
                                    f"'{zone}' (tqp knows UTC and numeric offsets)")
    seconds = np.zeros(len(strings), np.int64)
    for part, per in (("hours", 3600), ("minutes", 60), ("seconds", 1)):
        text = field(part)
        number = pc.cast(pc.if_else(pc.equal(text, ""), "0", text), pa.int64())
        seconds += number.to_numpy(zero_copy_only=False) * per
    negative = np.asarray(pc.equal(field("sign"), "-").to_numpy(zero_copy_only=False), dtype=bool)
    seconds = np.where(negative, -seconds, seconds)
    bodies = pc.if_else(pa.array(matched), field("body"), strings)
    return bodies, np.where(matched, seconds * 1_000_000, 0)


# -- TO_TIMESTAMP(seconds) ---------------------------------------------------------------------

def from_epoch_seconds(node: exp.Expression, batch: Batch) -> Column:
    """TO_TIMESTAMP(seconds): the TIMESTAMPTZ that many seconds (a DOUBLE, its fraction rounded
    to microseconds, halves away from zero) after 1970-01-01 UTC, as DuckDB computes it."""
    from tqp.operators.expressions.casts import cast_column  # casts imports this module

    column = evaluate(node.this, batch)
    if column.type is DataType.NULL:
        return Column(column.values.long(), DataType.TIMESTAMPTZ, column.validity())
    if not (column.type.is_numeric or column.type is DataType.VARCHAR):
        raise ProgrammingError(f"TO_TIMESTAMP of a {column.type.value} value: {SqlText(node)}")
    seconds = cast_column(column, DataType.DOUBLE).values
    scaled = seconds * 1e6
    whole = torch.trunc(scaled)
    micros = whole + torch.where((scaled - whole).abs() >= 0.5, torch.sign(scaled), 0.0)
    bad = ~torch.isfinite(micros) | (micros.abs() >= 2.0**63)
    if column.valid is not None:
        bad &= column.valid
    if bool(bad.any()):
        raise DataError(f"Epoch seconds out of range for TIMESTAMP WITH TIME ZONE in "
                        f"{SqlText(node)}")
    values = torch.where(torch.isfinite(micros) & (micros.abs() < 2.0**63), micros, 0.0)
    return Column(values.long(), DataType.TIMESTAMPTZ, column.valid)
