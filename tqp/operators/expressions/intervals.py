"""INTERVAL values, as DuckDB has them: literals, TO_DAYS-like functions, AGE, arithmetic with
intervals, comparisons, parts (EXTRACT, EPOCH) and text.

An interval column's values are an int64 (n, 3) tensor of months, days and microseconds, not
normalised (storage/intervals.py); each operation here computes on the three parts as whole
columns. Texts (`'1 year 2 months'`) are read and written once per distinct value.
"""

from __future__ import annotations

import operator
import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

import pyarrow as pa
import torch
from sqlglot import exp

from tqp.errors import DataError, NotSupportedError, ProgrammingError
from tqp.format import interval_text
from tqp.operators.expressions import SqlText, evaluate, handles, handles_anonymous
from tqp.operators.expressions.coerce import MICROS_PER_DAY, date_micros
from tqp.operators.expressions.dates import (
    MICROS, _split, civil_from_days, days_from_civil, days_in_month, result_timestamp,
)
from tqp.operators.expressions.timestamptz import now_micros
from tqp.storage import dictionary as dicts
from tqp.storage.column import Batch, Column, and_valid, null_column
from tqp.storage.gather import gather
from tqp.storage.intervals import (
    DAYS_PER_MONTH, INT32_MAX, check_parts, make, normalized, parts,
)
from tqp.types import TEMPORAL_TYPES, DataType

# Each unit as (part, amount of that part per unit): part 0 months, 1 days, 2 microseconds.
UNITS = {"millennium": (0, 12000), "century": (0, 1200), "decade": (0, 120), "year": (0, 12),
         "quarter": (0, 3), "month": (0, 1), "week": (1, 7), "day": (1, 1),
         **{name: (2, micros) for name, micros in MICROS.items()}}

# DuckDB's names of the units (singular, plural and short), as intervals and texts write them.
_UNIT_NAMES = {
    **dict.fromkeys(("millennium", "millennia", "millenniums", "mil", "mils"), "millennium"),
    **dict.fromkeys(("century", "centuries", "c", "cent"), "century"),
    **dict.fromkeys(("decade", "decades", "dec", "decs"), "decade"),
    **dict.fromkeys(("year", "years", "y", "yr", "yrs"), "year"),
    **dict.fromkeys(("quarter", "quarters"), "quarter"),
    **dict.fromkeys(("month", "months", "mon", "mons"), "month"),
    **dict.fromkeys(("week", "weeks", "w"), "week"),
    **dict.fromkeys(("day", "days", "d"), "day"),
    **dict.fromkeys(("hour", "hours", "h", "hr", "hrs"), "hour"),
    **dict.fromkeys(("minute", "minutes", "m", "min", "mins"), "minute"),
    **dict.fromkeys(("second", "seconds", "s", "sec", "secs"), "second"),
    **dict.fromkeys(("millisecond", "milliseconds", "ms", "msec", "msecs"), "millisecond"),
    **dict.fromkeys(("microsecond", "microseconds", "us", "usec", "usecs"), "microsecond"),
}


def unit_of(name: str) -> str:
    """The unit a name stands for (`'days'` -> `'day'`); NotSupportedError for others."""
    unit = _UNIT_NAMES.get(name.lower())
    if unit is None:
        raise NotSupportedError(f"interval unit {name}")
    return unit


def interval_column(values: torch.Tensor, valid: torch.Tensor | None) -> Column:
    return Column(values, DataType.INTERVAL, valid)


# -- text ----------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<time>-?\d+:\d{1,2}(?::\d{1,2}(?:\.\d*)?)?)"
    r"|(?P<amount>-?(?:\d+(?:\.\d*)?|\.\d+))\s*(?P<unit>[a-z]+)?)")


def parse_interval(text: str) -> tuple[int, int, int] | None:
    """(months, days, microseconds) of an interval text as DuckDB reads it (`1 year 2 months
    3 days 04:05:06`, `1.5 days`, `3 days ago`, `-00:00:01`); None where it reads none.
    Fractions cascade down: half a month is 15 days, half a day 12 hours."""
    text = text.strip().lower()
    negate = text.endswith("ago") and (len(text) == 3 or not text[-4].isalpha())
    if negate:
        text = text[:-3].rstrip()
    total = [Decimal(0), Decimal(0), Decimal(0)]
    position, seen = 0, False
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            return None
        position, seen = match.end(), True
        if match.group("time"):
            clock = match.group("time")
            sign = -1 if clock.startswith("-") else 1
            fields = clock.lstrip("-").split(":")
            hours, minutes = int(fields[0]), int(fields[1])
            seconds = Decimal(fields[2]) if len(fields) > 2 else Decimal(0)
            if minutes > 59 or seconds >= 60:
                return None
            seconds = seconds.quantize(Decimal("0.000001"), rounding=ROUND_DOWN)  # as DuckDB
            total[2] += sign * ((hours * 60 + minutes) * 60 + seconds) * 1_000_000
            continue
        unit = _UNIT_NAMES.get(match.group("unit") or "second")
        if unit is None:
            return None
        part, per = UNITS[unit]
        total[part] += Decimal(match.group("amount")) * per
    if not seen:
        return None
    months, days, micros = total
    whole_months = int(months)  # toward zero; the rest cascades down
    days += (months - whole_months) * DAYS_PER_MONTH
    whole_days = int(days)
    micros += (days - whole_days) * MICROS_PER_DAY
    micros = int(micros.quantize(Decimal(1), rounding=ROUND_HALF_UP))  # halves away from 0
    result = (whole_months, whole_days, micros)
    if negate:
        result = tuple(-x for x in result)
    if abs(result[0]) > INT32_MAX or abs(result[1]) > INT32_MAX or abs(result[2]) >= 2**63:
        return None
    return result


def from_strings(column: Column, what) -> Column:
    """A VARCHAR column read as intervals: each distinct text its rows use, once; a text that
    is not an interval is a DataError."""
    codes = column.values.long()
    used = torch.unique(codes[column.valid] if column.valid is not None else codes)
    table = [(0, 0, 0)] * max(len(column.dictionary), 1)
    for code, text in zip(used.tolist(), column.dictionary.take(used.cpu().numpy()).to_pylist()):
        value = parse_interval(text)  # a loop over the distinct texts, not the rows
        if value is None:
            raise DataError(f"Could not convert string '{text}' to INTERVAL in {what}")
        table[code] = value
    rows = torch.tensor(table, dtype=torch.long, device=column.device)
    return interval_column(gather(rows, codes), column.valid)


def to_strings(column: Column) -> Column:
    """An INTERVAL column as DuckDB's texts of its values (each distinct value written once)."""
    if len(column) == 0:
        return Column(column.values[:, 0].int(), DataType.VARCHAR, column.valid,
                      pa.array([], dicts.STRING))
    unique, inverse = torch.unique(column.values, dim=0, return_inverse=True)
    text = pa.array([interval_text(*row) for row in unique.tolist()], pa.string())
    codes, dictionary = dicts.encode(text)
    values = gather(dicts.to_device_map(codes, column.device), inverse)
    return Column(values, DataType.VARCHAR, column.valid, dictionary)


# -- literals and TO_* ---------------------------------------------------------------------------

@handles(exp.Interval)
def interval_value(node: exp.Interval, batch: Batch) -> Column:
    """INTERVAL '1 year 2 months', INTERVAL 3 DAY, INTERVAL '3' DAY, INTERVAL (n) HOUR, as
    DuckDB reads them: a text's fractions cascade down (`INTERVAL '1.5 days'` is a day and 12
    hours), while an amount apart from its unit, written (`INTERVAL '1.5' DAY`) or computed per
    row, is cut to whole units, but for seconds and milliseconds."""
    what = SqlText(node)
    unit = node.args.get("unit")
    amount = node.this
    if unit is not None and not isinstance(unit, exp.Var):
        raise NotSupportedError(f"interval {what}")
    if isinstance(amount, exp.Literal) and amount.is_string:
        text = amount.this if unit is None else f"{amount.this} {unit.name}"
        if unit is None or node.args.get("fraction_in_string"):  # `INTERVAL '1.5 days'`
            value = parse_interval(text)
        else:  # `INTERVAL '1.5' DAY`: a whole number of days, but for (milli)seconds
            value = _written_amount(amount.this, unit_of(unit.name))
        if value is None:
            raise DataError(f"Could not convert string '{text}' to INTERVAL in {what}")
        return interval_column(torch.tensor([value], dtype=torch.long, device=batch.device)
                               .expand(batch.num_rows, 3), None)
    if unit is None:
        raise NotSupportedError(f"interval {what}")
    return unit_amounts(evaluate(amount, batch), unit_of(unit.name), 1, what,
                        fraction=unit_of(unit.name) in ("second", "millisecond"))


def _written_amount(text: str, unit: str) -> tuple[int, int, int] | None:
    """The interval of a number written apart from its unit (`INTERVAL '2.5' HOUR`): cut to
    a whole number of units, but for seconds and milliseconds, as DuckDB."""
    try:
        amount = Decimal(text.strip())
    except InvalidOperation:
        return None
    if not amount.is_finite():
        return None
    part, per = UNITS[unit]
    if unit in ("second", "millisecond"):
        value = int((amount * per).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    else:
        value = int(amount) * per
    result = [0, 0, 0]
    result[part] = value
    if abs(result[0]) > INT32_MAX or abs(result[1]) > INT32_MAX or abs(result[2]) >= 2**63:
        return None
    return tuple(result)


def unit_amounts(column: Column, unit: str, per: int, what, fraction: bool) -> Column:
    """`column` (numbers) as intervals of `per` `unit`s each: integers exactly; a DOUBLE or
    DECIMAL cut to a whole number, or with `fraction` rounded to the microsecond. Months and
    days must fit in 32 bits, microseconds in 64 (a DataError otherwise)."""
    part, scale = UNITS[unit]
    scale *= per
    if column.type is DataType.NULL:
        return null_column(len(column), DataType.INTERVAL, column.device)
    if column.type.is_integer or column.type is DataType.BOOLEAN:
        values, estimate = column.values.long(), column.values.double() * scale
    elif column.type in (DataType.DOUBLE, DataType.FLOAT, DataType.DECIMAL):
        x = column.as_double()
        estimate = torch.round(x * scale) if fraction and part == 2 else torch.trunc(x) * scale
        values = None
    else:
        raise ProgrammingError(f"an interval of {column.type.value} values in {what}")
    limit = INT32_MAX if part < 2 else 2.0**63
    outside = ~torch.isfinite(estimate) | (estimate.abs() >= limit if part == 2
                                           else estimate.abs() > limit)
    if column.valid is not None:
        outside &= column.valid
    if bool(outside.any()):
        raise DataError(f"Interval value out of range in {what}")
    if values is None:
        amount = torch.where(torch.isfinite(estimate) & (estimate.abs() < limit), estimate, 0.0)
        amount = amount.long()
    else:
        amount = values * scale
    zero = torch.zeros_like(amount)
    fields = [zero, zero, zero]
    fields[part] = amount
    return interval_column(make(*fields), column.valid)


# DuckDB's functions that make an interval of one unit (TO_DAYS(n)...): (unit, units per one).
TO_INTERVAL = {"to_years": ("year", 1), "to_quarters": ("quarter", 1), "to_months": ("month", 1),
               "to_weeks": ("week", 1), "to_days": ("day", 1), "to_hours": ("hour", 1),
               "to_minutes": ("minute", 1), "to_seconds": ("second", 1),
               "to_milliseconds": ("millisecond", 1), "to_microseconds": ("microsecond", 1),
               "to_decades": ("year", 10), "to_centuries": ("year", 100),
               "to_millennia": ("year", 1000)}


def _to_unit(node: exp.Expression, batch: Batch) -> Column:
    """TO_YEARS(n), TO_DAYS(n), TO_SECONDS(x)...: an interval of n units (seconds,
    milliseconds and microseconds of a DOUBLE or DECIMAL keep their fraction)."""
    if isinstance(node, exp.ToDays):
        name, arguments = "to_days", [node.this]
    else:
        name, arguments = node.name.lower(), node.expressions
    if len(arguments) != 1:
        raise ProgrammingError(f"{name.upper()} takes 1 argument: {SqlText(node)}")
    argument = arguments[0]
    unit, per = TO_INTERVAL[name]
    column = evaluate(argument, batch)
    fractional = unit in ("second", "millisecond", "microsecond")
    if column.type in (DataType.DOUBLE, DataType.FLOAT, DataType.DECIMAL) and not fractional:
        raise ProgrammingError(f"{name.upper()} of a {column.type.value} value: {SqlText(node)}")
    if not (column.type.is_numeric or column.type is DataType.NULL):
        raise ProgrammingError(f"{name.upper()} of a {column.type.value} value: {SqlText(node)}")
    return unit_amounts(column, unit, per, SqlText(node), fraction=True)


handles_anonymous(*TO_INTERVAL)(_to_unit)
handles(exp.ToDays)(_to_unit)


# -- arithmetic ----------------------------------------------------------------------------------

def add_or_subtract(a: Column, b: Column, sign: int, what) -> Column | None:
    """`a + b` or `a - b` (sign -1) where an INTERVAL results: intervals part by part, a DATE,
    TIMESTAMP or TIMESTAMPTZ moved by an interval (a TIMESTAMP, a TIMESTAMPTZ from one), or
    the difference of two TIMESTAMPs or TIMESTAMPTZs (or of one and a DATE, or a TIMESTAMP and
    a TIMESTAMPTZ: days and microseconds, as DuckDB in UTC). None where no INTERVAL is
    involved."""
    types = {a.type, b.type}
    if DataType.INTERVAL not in types:
        if sign == -1 and types <= TEMPORAL_TYPES and types != {DataType.DATE}:
            if DataType.TIMESTAMPTZ in types:
                return _instant_difference(a, b)
            return _difference(a, b)
        return None
    if a.type is DataType.INTERVAL and b.type is DataType.INTERVAL:
        return _add_parts(a, b, sign, what)
    if a.type is DataType.INTERVAL and b.type is DataType.NULL or \
            b.type is DataType.INTERVAL and a.type is DataType.NULL:
        return null_column(max(len(a), len(b)), DataType.INTERVAL, a.device)
    if b.type is DataType.INTERVAL and a.type in TEMPORAL_TYPES:
        return shift(a, b, sign, what)
    if a.type is DataType.INTERVAL and b.type in TEMPORAL_TYPES and sign == 1:
        return shift(b, a, 1, what)
    op = "+" if sign == 1 else "-"
    raise ProgrammingError(f"cannot compute {a.type.value} {op} {b.type.value} in {what}")


def _add_parts(a: Column, b: Column, sign: int, what) -> Column:
    x, y = a.values, b.values
    values = x + y if sign == 1 else x - y
    valid = and_valid(a.valid, b.valid)
    wrapped = ((x[:, 2] ^ values[:, 2]) & ((y[:, 2] if sign == 1 else ~y[:, 2]) ^ values[:, 2])) < 0
    if valid is not None:
        wrapped &= valid
    if bool(wrapped.any()):
        raise DataError(f"Interval value out of range in {what}")
    return interval_column(check_parts(values, valid, what), valid)


def _micros(column: Column) -> torch.Tensor:
    return date_micros(column) if column.type is DataType.DATE else column.values


def _difference(a: Column, b: Column) -> Column:
    """TIMESTAMP - TIMESTAMP (or a DATE, its midnight): whole days and the microseconds left,
    both toward zero."""
    delta = _micros(a) - _micros(b)
    days = torch.div(delta, MICROS_PER_DAY, rounding_mode="trunc")
    return interval_column(make(torch.zeros_like(days), days, delta - days * MICROS_PER_DAY),
                           and_valid(a.valid, b.valid))


def _instant_difference(a: Column, b: Column) -> Column:
    """a - b where either is a TIMESTAMPTZ (the other read in UTC), as DuckDB's ICU calendar
    counts it: the whole days and the time between the two instants' milliseconds, then the
    microseconds below them, from the earlier instant to the later (negated where a is
    earlier). The later instant's milliseconds are its microseconds divided toward zero, as
    C++ divides, so before 1970 a sub-millisecond part can give a day more and a negative
    time (`TIMESTAMPTZ '1969-12-30 23:59:59.9995+00' - TIMESTAMPTZ '1969-12-30 00:00+00'` is
    `1 day -00:00:00.0005`, where TIMESTAMPs give `23:59:59.9995`)."""
    x, y = _micros(a), _micros(b)
    flipped = y > x
    late, early = torch.where(flipped, y, x), torch.where(flipped, x, y)
    early_ms = torch.div(early, 1000, rounding_mode="floor")
    early_us = early - early_ms * 1000
    late_rest = torch.fmod(late, 1000)
    borrow = ((late_rest >= 0) & (early_us > late_rest)).long()
    late_ms = torch.div(late - borrow * 1000, 1000, rounding_mode="trunc")
    elapsed = late_ms - early_ms
    days = torch.div(elapsed, MICROS_PER_DAY // 1000, rounding_mode="floor")
    micros = (elapsed - days * (MICROS_PER_DAY // 1000)) * 1000 + late_rest + borrow * 1000 \
        - early_us
    sign = torch.where(flipped, -1, 1)
    return interval_column(make(torch.zeros_like(days), days * sign, micros * sign),
                           and_valid(a.valid, b.valid))


def shift(column: Column, interval: Column, sign: int, what) -> Column:
    """A DATE, TIMESTAMP or TIMESTAMPTZ plus (sign 1) or minus each row's interval. A DATE or
    TIMESTAMP moves by the months first (a day past the new month's end becomes its last day),
    then the days and microseconds; a TIMESTAMPTZ as DuckDB's calendar moves it (see
    `_shift_instants`). A TIMESTAMP (a TIMESTAMPTZ from one), as in DuckDB; a result out of
    range is a DataError."""
    valid = and_valid(column.valid, interval.valid)
    months, days_moved, micros_moved = (sign * p for p in parts(interval.values))
    if column.type is DataType.TIMESTAMPTZ:
        values = _shift_instants(column.values, months, days_moved, micros_moved, valid, what)
        return Column(values, DataType.TIMESTAMPTZ, valid)
    days, micros = _split(column)
    days = _add_months(days, months, valid)
    days = days + days_moved
    micros = micros + micros_moved
    _check_range(days, micros, valid, what)
    return Column(days * MICROS_PER_DAY + micros, DataType.TIMESTAMP, valid)


def _add_months(days: torch.Tensor, months: torch.Tensor, valid) -> torch.Tensor:
    """Day numbers moved by whole months (a day past the new month's end: its last day)."""
    if not _any(months != 0, valid):
        return days
    year, month, day = civil_from_days(days)
    total = year * 12 + (month - 1) + months
    year = torch.div(total, 12, rounding_mode="floor")
    month = total - year * 12 + 1
    return days_from_civil(year, month, torch.minimum(day, days_in_month(year, month)))


def _check_range(days: torch.Tensor, micros: torch.Tensor, valid, what) -> None:
    outside = (days.double() * MICROS_PER_DAY + micros.double()).abs() >= 2.0**63 - 2**10
    if _any(outside, valid):
        raise DataError(f"Timestamp out of range in {what}")


def _shift_instants(values: torch.Tensor, months: torch.Tensor, days_moved: torch.Tensor,
                    micros_moved: torch.Tensor, valid, what) -> torch.Tensor:
    """TIMESTAMPTZ + interval (already signed) as DuckDB's ICU calendar adds it in UTC: the
    interval's microseconds below a millisecond first (carried into the instant's
    milliseconds, each part truncated toward zero as C++ divides), then, where any part is
    negative, the rest of its time, the months, the days; else the months, the days, the
    time. So `TIMESTAMPTZ '2000-03-01' - INTERVAL '1 month 1 second'` is 2000-01-29 23:59:59,
    where a TIMESTAMP gives 2000-01-31 23:59:59."""
    millis = torch.div(values, 1000, rounding_mode="trunc")
    rest = values - millis * 1000 + torch.fmod(micros_moved, 1000)
    carry = (rest >= 1000).long() - (rest < 0).long()
    millis, rest = millis + carry, rest - carry * 1000
    time = torch.div(micros_moved, 1000, rounding_mode="trunc") * 1000
    backward = (months < 0) | (days_moved < 0) | (micros_moved < 0)
    instant = millis * 1000 + torch.where(backward, time, 0)
    days = _floordiv_day(instant)
    micros = instant - days * MICROS_PER_DAY
    days = _add_months(days, months, valid) + days_moved
    micros = micros + torch.where(backward, 0, time) + rest
    _check_range(days, micros, valid, what)
    return days * MICROS_PER_DAY + micros


def _floordiv_day(micros: torch.Tensor) -> torch.Tensor:
    return torch.div(micros, MICROS_PER_DAY, rounding_mode="floor")


def _any(mask: torch.Tensor, valid: torch.Tensor | None) -> bool:
    return bool((mask if valid is None else mask & valid).any())


def negate(column: Column, what) -> Column:
    """-interval: every part negated."""
    months, days, micros = parts(column.values)
    lowest = (months == -INT32_MAX - 1) | (days == -INT32_MAX - 1) | (micros == -2**63)
    if _any(lowest, column.valid):
        raise DataError(f"Overflow in negation of {what}")
    return interval_column(-column.values, column.valid)


def multiply(a: Column, b: Column, what) -> Column:
    """An interval times a number (either side): an integer multiplies each part exactly; a
    DOUBLE or DECIMAL as DuckDB's (Postgres') interval_mul, the fractions of months and days
    cascading down to days and microseconds."""
    interval, factor = (a, b) if a.type is DataType.INTERVAL else (b, a)
    if factor.type is DataType.INTERVAL:
        raise ProgrammingError(f"cannot multiply INTERVAL by INTERVAL in {what}")
    if factor.type is DataType.NULL:
        return null_column(max(len(a), len(b)), DataType.INTERVAL, a.device)
    valid = and_valid(interval.valid, factor.valid)
    if factor.type.is_integer or factor.type is DataType.BOOLEAN:
        n = factor.values.long()
        if _any(n.abs() > INT32_MAX, factor.valid):
            raise DataError(f"Interval factor out of range for INTEGER in {what}")
        x = interval.values
        estimate = x.double() * n.double()[:, None]
        bad = (estimate[:, :2].abs() > INT32_MAX).any(dim=1) | (estimate[:, 2].abs() >= 2.0**63)
        if _any(bad, valid):
            raise DataError(f"Interval value out of range in {what}")
        return interval_column(x * n[:, None], valid)
    if factor.type not in (DataType.DOUBLE, DataType.FLOAT, DataType.DECIMAL):
        raise ProgrammingError(f"cannot multiply INTERVAL by {factor.type.value} in {what}")
    return interval_column(_scaled(interval.values, factor.as_double(), valid, what), valid)


def _round_micro(x: torch.Tensor) -> torch.Tensor:
    """Postgres' TSROUND: to the nearest microsecond (of seconds or days), ties to even."""
    return torch.round(x * 1_000_000) / 1_000_000


def _scaled(values: torch.Tensor, factor: torch.Tensor, valid, what) -> torch.Tensor:
    """The intervals times a float64 factor per row (interval_mul)."""
    months, days, micros = (p.double() for p in parts(values))
    m, d = months * factor, days * factor
    bad = (m.isnan() | (m.abs() > INT32_MAX) | d.isnan() | (d.abs() > INT32_MAX))
    if _any(bad, valid):
        raise DataError(f"Overflow in multiplication of INTERVAL in {what}")
    m, d = torch.where(bad, 0.0, m), torch.where(bad, 0.0, d)
    result_months, result_days = torch.trunc(m), torch.trunc(d)
    month_remainder = _round_micro((m - result_months) * DAYS_PER_MONTH)
    day_remainder = torch.trunc(month_remainder)
    seconds = _round_micro((d - result_days + month_remainder - day_remainder) * 86400)
    carry = torch.where(seconds.abs() >= 86400, torch.trunc(seconds / 86400), 0.0)
    result_days = result_days + carry + day_remainder
    seconds = seconds - carry * 86400
    out = torch.round(micros * factor + seconds * 1_000_000)
    if _any(~torch.isfinite(out) | (out.abs() >= 2.0**63), valid):
        raise DataError(f"Overflow in multiplication of INTERVAL in {what}")
    out = torch.where(torch.isfinite(out) & (out.abs() < 2.0**63), out, 0.0)
    return make(result_months.long(), result_days.long(), out.long())


def divide(a: Column, b: Column, what) -> Column:
    """interval / number: the interval times 1.0 / number; dividing by zero is a DataError."""
    if b.type is DataType.INTERVAL:
        raise ProgrammingError(f"cannot divide by an INTERVAL in {what}")
    if b.type is DataType.NULL:
        return null_column(max(len(a), len(b)), DataType.INTERVAL, a.device)
    if not (b.type.is_numeric or b.type is DataType.BOOLEAN):
        raise ProgrammingError(f"cannot divide INTERVAL by {b.type.value} in {what}")
    divisor = b.as_double()
    valid = and_valid(a.valid, b.valid)
    if _any(divisor == 0, valid):
        raise DataError(f"Division by zero in {what}")
    return interval_column(_scaled(a.values, 1.0 / divisor, valid, what), valid)


# -- AGE -----------------------------------------------------------------------------------------

def _age(node: exp.Anonymous, batch: Batch) -> Column:
    """AGE(a, b): a - b in years, months, days and time as Postgres counts it (each field's
    difference, a negative field borrowing from the next: a month borrows the days of the
    earlier value's month). AGE(b) counts from the midnight (UTC) that starts the statement's
    CURRENT_DATE, as DuckDB."""
    what = SqlText(node)
    if len(node.expressions) not in (1, 2):
        raise ProgrammingError(f"AGE takes 1 or 2 arguments: {what}")
    if len(node.expressions) == 1:
        midnight = now_micros(node) // MICROS_PER_DAY * MICROS_PER_DAY
        a = Column(torch.full((batch.num_rows,), midnight, dtype=torch.int64,
                              device=batch.device), DataType.TIMESTAMP)
        b = evaluate(node.expressions[0], batch)
    else:
        a, b = (evaluate(e, batch) for e in node.expressions)
    if DataType.NULL in (a.type, b.type):
        return null_column(max(len(a), len(b)), DataType.INTERVAL, a.device)
    for column in (a, b):
        if column.type not in TEMPORAL_TYPES:  # a TIMESTAMPTZ's fields in UTC, as DuckDB's
            raise ProgrammingError(f"AGE of a {column.type.value} value: {what}")
    x, y = _micros(a), _micros(b)
    x, y = torch.broadcast_tensors(x, y)
    flipped = x < y
    (d1, t1), (d2, t2) = (_split(Column(v, DataType.TIMESTAMP)) for v in (x, y))
    (y1, m1, day1), (y2, m2, day2) = civil_from_days(d1), civil_from_days(d2)
    flip = torch.where(flipped, -1, 1)
    years, months, days, time = ((p - q) * flip for p, q in
                                 ((y1, y2), (m1, m2), (day1, day2), (t1, t2)))
    borrow = time < 0
    time = torch.where(borrow, time + MICROS_PER_DAY, time)
    days = days - borrow.long()
    # the month whose days a negative day count borrows: the earlier value's
    month_days = torch.where(flipped, days_in_month(y1, m1), days_in_month(y2, m2))
    for _ in range(2):
        short = days < 0
        days = torch.where(short, days + month_days, days)
        months = months - short.long()
    short = months < 0
    months = torch.where(short, months + 12, months)
    years = years - short.long()
    return interval_column(make((years * 12 + months) * flip, days * flip, time * flip),
                           and_valid(a.valid, b.valid))


handles_anonymous("age")(_age)


# -- comparison ----------------------------------------------------------------------------------

def compare(op, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """`a op b` of two interval tensors (one may be a single row), on their normalised parts:
    DuckDB's order, in which `INTERVAL '1 month' = INTERVAL '30 days'`."""
    x, y = normalized(a), normalized(b)
    equal = (x == y).all(dim=1)
    if op is operator.eq:
        return equal
    if op is operator.ne:
        return ~equal
    less = (x[:, 0] < y[:, 0]) | (x[:, 0] == y[:, 0]) & (
        (x[:, 1] < y[:, 1]) | (x[:, 1] == y[:, 1]) & (x[:, 2] < y[:, 2]))
    return {operator.lt: less, operator.le: less | equal, operator.gt: ~(less | equal),
            operator.ge: ~less}[op]


# -- parts ---------------------------------------------------------------------------------------

def _trunc_div(a: torch.Tensor, b: int) -> torch.Tensor:
    return torch.div(a, b, rounding_mode="trunc")


_SECONDS_PER_YEAR = 365.25 * 86400


def interval_part(column: Column, part: str) -> Column:
    """EXTRACT(part FROM interval) as DuckDB: years, months (of the year), days, hours (all of
    them), minutes and seconds within, epoch (a DOUBLE; a month as 30 days)..."""
    months, days, micros = parts(column.values)
    if part == "epoch":  # DuckDB: a year is 365.25 days, a month of the rest 30
        years = _trunc_div(months, 12)
        days = (months - years * 12) * DAYS_PER_MONTH + days
        seconds = years.double() * _SECONDS_PER_YEAR + days.double() * 86400 + \
            micros.double() / 1e6
        return Column(seconds, DataType.DOUBLE, column.valid)
    minute = MICROS["minute"]
    values = {
        "year": lambda: _trunc_div(months, 12),
        "month": lambda: months - _trunc_div(months, 12) * 12,
        "quarter": lambda: _trunc_div(months - _trunc_div(months, 12) * 12, 3) + 1,
        "decade": lambda: _trunc_div(months, 120),
        "century": lambda: _trunc_div(months, 1200),
        "millennium": lambda: _trunc_div(months, 12000),
        "day": lambda: days,
        "hour": lambda: _trunc_div(micros, MICROS["hour"]),
        "minute": lambda: _trunc_div(micros - _trunc_div(micros, MICROS["hour"]) * MICROS["hour"],
                                     minute),
        "second": lambda: _trunc_div(micros - _trunc_div(micros, minute) * minute, 1_000_000),
        "millisecond": lambda: _trunc_div(micros - _trunc_div(micros, minute) * minute, 1000),
        "microsecond": lambda: micros - _trunc_div(micros, minute) * minute,
    }.get(part)
    if values is None:
        raise NotSupportedError(f"EXTRACT({part.upper()}) of an INTERVAL")
    return Column(values(), DataType.BIGINT, column.valid)
