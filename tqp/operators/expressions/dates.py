"""Dates and timestamps: EXTRACT, DATE_TRUNC, DATE_DIFF on day/microsecond integers (INTERVAL
values and their arithmetic are operators/expressions/intervals.py).

Calendar conversions are Howard Hinnant's branch-free civil-date algorithms, written as integer
tensor arithmetic so they run over whole columns on any device.
"""

from __future__ import annotations

import torch
from sqlglot import exp

from tqp.errors import DataError, NotSupportedError, ProgrammingError
from tqp.operators.expressions import SqlText, evaluate, handles, handles_anonymous, is_constant
from tqp.operators.expressions.coerce import MICROS_PER_DAY, align, date_micros
from tqp.storage.column import Batch, Column, and_valid, null_column
from tqp.types import TEMPORAL_TYPES, TIMESTAMP_TYPES, DataType

MICROS = {"hour": 3_600_000_000, "minute": 60_000_000, "second": 1_000_000,
          "millisecond": 1_000, "microsecond": 1}


def _floordiv(a: torch.Tensor, b: int) -> torch.Tensor:
    return torch.div(a, b, rounding_mode="floor")


def civil_from_days(days: torch.Tensor):
    """(year, month, day) int64 tensors of day numbers since 1970-01-01."""
    z = days.long() + 719468
    era = _floordiv(z, 146097)
    doe = z - era * 146097
    yoe = _floordiv(doe - _floordiv(doe, 1460) + _floordiv(doe, 36524) - _floordiv(doe, 146096), 365)
    doy = doe - (365 * yoe + _floordiv(yoe, 4) - _floordiv(yoe, 100))
    mp = _floordiv(5 * doy + 2, 153)
    day = doy - _floordiv(153 * mp + 2, 5) + 1
    month = torch.where(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + (month <= 2).long()
    return year, month, day


def date_strings(days: torch.Tensor) -> list[str]:
    """Day numbers as DuckDB prints dates: `2024-01-31`, `10000-01-01`, `0001-12-31 (BC)` for
    the year 0. For distinct values and result edges (a Python list), not for whole columns."""
    year, month, day = (part.tolist() for part in civil_from_days(days))
    return [f"{y:04d}-{m:02d}-{d:02d}" if y > 0 else f"{1 - y:04d}-{m:02d}-{d:02d} (BC)"
            for y, m, d in zip(year, month, day)]


def timestamp_strings(micros: torch.Tensor) -> list[str]:
    """Microseconds since 1970 as DuckDB prints timestamps: `2024-01-31 10:30:15.0005` (the
    fraction without trailing zeros), `0002-03-04 (BC) 01:02:03` before the year 1. For
    distinct values (a Python list), not for whole columns."""
    days = _floordiv(micros, MICROS_PER_DAY)
    times = (micros - days * MICROS_PER_DAY).tolist()
    text = []
    for date, time in zip(date_strings(days), times):
        seconds, fraction = divmod(time, 1_000_000)
        clock = f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
        text.append(f"{date} {clock}" + (f".{fraction:06d}".rstrip("0") if fraction else ""))
    return text


def days_from_civil(year: torch.Tensor, month: torch.Tensor, day: torch.Tensor) -> torch.Tensor:
    """Day numbers since 1970-01-01 of (year, month, day) int64 tensors."""
    y = year - (month <= 2).long()
    era = _floordiv(y, 400)
    yoe = y - era * 400
    mp = torch.where(month > 2, month - 3, month + 9)
    doy = _floordiv(153 * mp + 2, 5) + day - 1
    doe = yoe * 365 + _floordiv(yoe, 4) - _floordiv(yoe, 100) + doy
    return era * 146097 + doe - 719468


def days_in_month(year: torch.Tensor, month: torch.Tensor) -> torch.Tensor:
    next_year = year + (month == 12).long()
    next_month = torch.where(month == 12, torch.ones_like(month), month + 1)
    return days_from_civil(next_year, next_month, torch.ones_like(month)) - \
        days_from_civil(year, month, torch.ones_like(month))


def result_timestamp(column: Column) -> DataType:
    """The type of a timestamp computed from `column` (DATE_TRUNC, + INTERVAL): TIMESTAMPTZ
    from a TIMESTAMPTZ, as in DuckDB, else TIMESTAMP."""
    return DataType.TIMESTAMPTZ if column.type is DataType.TIMESTAMPTZ else DataType.TIMESTAMP


def _split(column: Column) -> tuple[torch.Tensor, torch.Tensor]:
    """(days, microseconds within the day) of a DATE, TIMESTAMP or TIMESTAMPTZ column (a
    TIMESTAMPTZ's in the session zone, UTC)."""
    if column.type is DataType.DATE:
        return column.values.long(), torch.zeros_like(column.values, dtype=torch.long)
    if column.type in TIMESTAMP_TYPES:
        days = _floordiv(column.values, MICROS_PER_DAY)
        return days, column.values - days * MICROS_PER_DAY
    if column.type is DataType.INTERVAL:  # DATE_TRUNC of an INTERVAL and the like
        raise NotSupportedError("this function of an INTERVAL (tqp reads it of a DATE or "
                                "TIMESTAMP only)")
    raise ProgrammingError(f"expected a DATE or TIMESTAMP, got {column.type.value}")


# -- EXTRACT and friends -------------------------------------------------------------------------

_PART_ALIASES = {"weekday": "dow", "yr": "year", "ms": "millisecond", "milliseconds": "millisecond",
                 "us": "microsecond", "microseconds": "microsecond", "centuries": "century",
                 "millennia": "millennium", "decades": "decade"}


# The Julian day number of 1970-01-01.
JULIAN_EPOCH_DAY = 2440588


def _iso_week(days: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(ISO year, ISO week) of day numbers: the week's Thursday decides the year."""
    thursday = days - (torch.remainder(days + 3, 7) + 1) + 4
    ty, _, _ = civil_from_days(thursday)
    one = torch.ones_like(ty)
    week = _floordiv(thursday - days_from_civil(ty, one, one), 7) + 1
    return ty, week


def _trunc_div(a: torch.Tensor, b: int) -> torch.Tensor:
    return torch.div(a, b, rounding_mode="trunc")


_ZONE_PARTS = ("timezone", "timezone_hour", "timezone_minute")


def extract_part(column: Column, part: str) -> Column:
    part = part.lower()
    part = _PART_ALIASES.get(part, part)
    if column.type is DataType.INTERVAL:
        from tqp.operators.expressions.intervals import interval_part, unit_of

        return interval_part(column, part if part == "epoch" else unit_of(part))
    days, micros = _split(column)
    year, month, day = civil_from_days(days)
    if part in ("year", "years", "y"):
        values = year
    elif part in ("month", "months", "mon"):
        values = month
    elif part in ("day", "days", "d", "dayofmonth"):
        values = day
    elif part == "quarter":
        values = _floordiv(month - 1, 3) + 1
    elif part in ("dow", "dayofweek"):
        values = torch.remainder(days + 4, 7)
    elif part == "isodow":
        values = torch.remainder(days + 3, 7) + 1
    elif part in ("doy", "dayofyear"):
        values = days - days_from_civil(year, torch.ones_like(year), torch.ones_like(year)) + 1
    elif part in ("week", "weeks", "weekofyear"):
        values = _iso_week(days)[1]
    elif part == "isoyear":
        values = _iso_week(days)[0]
    elif part == "yearweek":  # DuckDB: before the year 1 the week is negative (-147)
        iso_year, week = _iso_week(days)
        values = iso_year * 100 + torch.where(iso_year > 0, week, -week)
    elif part == "decade":  # DuckDB divides toward zero
        values = _trunc_div(year, 10)
    elif part == "era":  # 1 from the year 1 on, 0 before (the astronomical year 0 is 1 BC)
        values = (year > 0).long()
    elif part in ("julian", "jd"):  # the Julian day number, with the day's fraction: a DOUBLE
        return Column((days + JULIAN_EPOCH_DAY).double() + micros.double() / MICROS_PER_DAY,
                      DataType.DOUBLE, column.valid)
    elif part in ("century", "millennium"):
        # DuckDB: the 21st century starts in 2001; year 0 (1 BC) is in century -1.
        size = 100 if part == "century" else 1000
        values = torch.where(year > 0, _trunc_div(year - 1, size) + 1, _trunc_div(year, size) - 1)
    elif part in ("millisecond", "microsecond"):
        within_minute = torch.remainder(micros, MICROS["minute"])
        values = within_minute if part == "microsecond" else _floordiv(within_minute, 1000)
    elif part == "epoch":
        return Column((days * MICROS_PER_DAY + micros).double() / 1e6, DataType.DOUBLE, column.valid)
    elif part in _ZONE_PARTS:  # the offset from UTC: in tqp's session zone, UTC, none
        if column.type is DataType.DATE:
            raise NotSupportedError(f"EXTRACT({part.upper()}) of a DATE")
        values = torch.zeros_like(days)
    elif part in ("hour", "minute", "second"):
        unit = MICROS[part]
        modulo = {"hour": 24, "minute": 60, "second": 60}[part]
        values = torch.remainder(_floordiv(micros, unit), modulo)
    else:
        raise NotSupportedError(f"EXTRACT({part.upper()})")
    return Column(values.long(), DataType.BIGINT, column.valid)


@handles(exp.Extract)
def extract(node: exp.Extract, batch: Batch) -> Column:
    column = evaluate(node.expression, batch)
    if _constant_null(node, node.expression, column, batch):
        return null_column(len(column), DataType.DOUBLE, column.device)
    return extract_part(column, node.this.name)


# Set by the planner on an EXTRACT/DATE_PART whose argument, as written, reads no column.
CONSTANT_ARGUMENT = "constant_argument"


def _constant_null(node: exp.Expression, argument: exp.Expression, column: Column,
                   batch: Batch) -> bool:
    """A DATE or TIMESTAMP argument written without columns that is NULL (`CAST(NULL AS DATE)`):
    DuckDB folds EXTRACT/DATE_PART of it to a DOUBLE NULL, over any number of rows. A derived
    table's column merged into the query is not marked: DuckDB binds it as a column. Checked on
    the host, on one row, only for marked arguments, which are constant."""
    if (not node.meta.get(CONSTANT_ARGUMENT) or column.type not in TEMPORAL_TYPES
            or not is_constant(argument)):
        return False
    if len(column) == 0:
        column = evaluate(argument, batch.empty_like(1))
    return column.valid is not None and not bool(column.valid[0])


_PART_FUNCTIONS = {"Year": "year", "Month": "month", "Day": "day", "Quarter": "quarter",
                   "DayOfWeek": "dow", "DayOfYear": "doy", "WeekOfYear": "week",
                   "DayOfMonth": "day", "Hour": "hour", "Minute": "minute", "Second": "second",
                   "DayOfWeekIso": "isodow", "Week": "week"}
for _name, _part in _PART_FUNCTIONS.items():
    _cls = getattr(exp, _name, None)
    if _cls is not None:
        handles(_cls)(lambda node, batch, _p=_part: extract_part(evaluate(node.this, batch), _p))


# DuckDB's date part specifiers (TryGetDatePartSpecifier), by the part DATE_TRUNC truncates
# to: the parts below a day truncate to the day.
_TRUNC_UNITS = {
    **dict.fromkeys(("year", "yr", "y", "years", "yrs"), "year"),
    **dict.fromkeys(("month", "mon", "months", "mons"), "month"),
    **dict.fromkeys(("day", "days", "d", "dayofmonth", "dow", "dayofweek", "weekday", "isodow",
                     "doy", "dayofyear", "julian", "jd"), "day"),
    **dict.fromkeys(("decade", "dec", "decades", "decs"), "decade"),
    **dict.fromkeys(("century", "cent", "centuries", "c"), "century"),
    **dict.fromkeys(("millennium", "mil", "millenniums", "millennia", "mils", "millenium"),
                    "millennium"),
    **dict.fromkeys(("microseconds", "microsecond", "us", "usec", "usecs", "usecond",
                     "useconds"), "microsecond"),
    **dict.fromkeys(("milliseconds", "millisecond", "ms", "msec", "msecs", "msecond",
                     "mseconds"), "millisecond"),
    **dict.fromkeys(("second", "sec", "seconds", "secs", "s", "epoch"), "second"),
    **dict.fromkeys(("minute", "min", "minutes", "mins", "m"), "minute"),
    **dict.fromkeys(("hour", "hr", "hours", "hrs", "h"), "hour"),
    **dict.fromkeys(("week", "weeks", "w", "weekofyear", "yearweek"), "week"),
    **dict.fromkeys(("quarter", "quarters"), "quarter"),
    "isoyear": "isoyear",
}
# Specifiers DuckDB knows but does not truncate to.
_NO_TRUNC_UNITS = ("era", "timezone", "timezone_hour", "timezone_minute")
_YEAR_SIZES = {"year": 1, "decade": 10, "century": 100, "millennium": 1000}


def trunc_unit(text: str) -> str:
    """The part DATE_TRUNC(text, x) truncates to; DataError for a specifier DuckDB does not
    know (its ConversionException), NotSupportedError for one it knows but cannot truncate to."""
    unit = _TRUNC_UNITS.get(text.lower())
    if unit is None:
        if text.lower() in _NO_TRUNC_UNITS:
            raise NotSupportedError(f"DATE_TRUNC('{text}')")
        raise DataError(f'extract specifier "{text}" not recognized')
    return unit


def truncate(days: torch.Tensor, micros: torch.Tensor, unit: str) -> torch.Tensor:
    """Microseconds since 1970 of (days, microseconds within the day) truncated to `unit` (a
    value of `_TRUNC_UNITS`)."""
    if unit in MICROS:
        return days * MICROS_PER_DAY + _floordiv(micros, MICROS[unit]) * MICROS[unit]
    if unit == "week":
        days = days - torch.remainder(days + 3, 7)
    elif unit == "isoyear":  # the Monday of the ISO year's first week
        iso_year = _iso_week(days)[0]
        jan4 = days_from_civil(iso_year, torch.ones_like(days), torch.full_like(days, 4))
        days = jan4 - torch.remainder(jan4 + 3, 7)
    elif unit != "day":
        year, month, _ = civil_from_days(days)
        one = torch.ones_like(year)
        if unit in _YEAR_SIZES:  # DuckDB divides the year toward zero (year 0 is 1 BC)
            size = _YEAR_SIZES[unit]
            days = days_from_civil(_trunc_div(year, size) * size, one, one)
        elif unit == "quarter":
            days = days_from_civil(year, _floordiv(month - 1, 3) * 3 + 1, one)
        else:
            days = days_from_civil(year, month, one)
    return days * MICROS_PER_DAY


@handles(exp.TimestampTrunc, exp.DateTrunc)
def date_trunc(node: exp.Expression, batch: Batch) -> Column:
    """DATE_TRUNC('unit', x): a TIMESTAMP (a TIMESTAMPTZ's a TIMESTAMPTZ), as DuckDB returns."""
    column = evaluate(node.this, batch)
    unit = node.args["unit"]
    if isinstance(unit, exp.Null):
        return null_column(len(column), result_timestamp(column), column.device)
    if column.type is DataType.NULL or is_constant(node.this) and column.valid is not None \
            and len(column) and not bool(column.valid.any()):  # DuckDB folds it to NULL first
        return null_column(len(column), result_timestamp(column), column.device)
    part = trunc_unit(unit.name if isinstance(unit, (exp.Var, exp.Literal)) else unit.sql())
    days, micros = _split(column)
    return Column(truncate(days, micros, part), result_timestamp(column), column.valid)


def _date_trunc_call(node: exp.Anonymous, batch: Batch) -> Column:
    """DATE_TRUNC(u, x) with the unit an expression (a column): each row truncated to its own
    unit, by computing the truncation of each distinct unit present over the whole batch and
    choosing per row. A NULL unit gives NULL; an unknown unit on a row with a value raises."""
    if len(node.expressions) != 2:
        raise ProgrammingError(f"DATE_TRUNC takes 2 arguments: {SqlText(node)}")
    units, column = (evaluate(e, batch) for e in node.expressions)
    if units.type is DataType.NULL:
        return null_column(len(column), DataType.TIMESTAMP, column.device)
    if units.type is not DataType.VARCHAR:
        raise ProgrammingError(f"DATE_TRUNC unit of a {units.type.value} value: {SqlText(node)}")
    if column.type is DataType.NULL:
        return Column(column.values.long(), DataType.TIMESTAMP, column.validity())
    valid = and_valid(units.valid, column.valid)
    codes = units.values.long()
    used = codes if valid is None else codes[valid]
    entries = torch.unique(used).tolist()  # the distinct units of rows with values
    names = units.dictionary.take(entries).to_pylist() if entries else []
    days, micros = _split(column)
    values = torch.zeros(len(column), dtype=torch.long, device=column.device)
    by_unit: dict[str, list[int]] = {}
    for entry, name in zip(entries, names):
        by_unit.setdefault(trunc_unit(name), []).append(entry)
    for unit, unit_entries in by_unit.items():
        rows = torch.isin(codes, torch.tensor(unit_entries, device=codes.device))
        values = torch.where(rows, truncate(days, micros, unit), values)
    return Column(values, result_timestamp(column), valid)


# -- DATE_PART, DATE_DIFF, LAST_DAY, MAKE_DATE -----------------------------------------------------

def _date_part(node: exp.Anonymous, batch: Batch) -> Column:
    """DATE_PART('part', x): EXTRACT with the part as a (constant) string."""
    if len(node.expressions) != 2:
        raise ProgrammingError(f"DATE_PART takes 2 arguments: {node.sql(dialect='duckdb')[:80]}")
    part, value = node.expressions
    if isinstance(part, exp.Array):
        return _date_parts(part, value, batch)
    column = evaluate(value, batch)
    if isinstance(part, exp.Null):
        return null_column(len(column), DataType.DOUBLE, column.device)  # as DuckDB types it
    if not (isinstance(part, exp.Literal) and part.is_string):
        raise NotSupportedError("DATE_PART with a non-constant part")
    if _constant_null(node, value, column, batch):
        return null_column(len(column), DataType.DOUBLE, column.device)
    return extract_part(column, part.this)


def _date_parts(parts: exp.Array, value: exp.Expression, batch: Batch) -> Column:
    """DATE_PART(['part', ...], x): a STRUCT with one field per part, named as written; NULL
    where x is NULL."""
    from tqp.operators.structs import from_fields  # operators.structs imports storage only

    if not parts.expressions:
        raise ProgrammingError("DATE_PART needs a non-empty list of part names")
    if any(isinstance(p, exp.Null) for p in parts.expressions):
        raise ProgrammingError("DATE_PART: a NULL part name")
    if not all(isinstance(p, exp.Literal) and p.is_string for p in parts.expressions):
        raise NotSupportedError("DATE_PART with a list of parts that are not string literals")
    column = evaluate(value, batch)
    if column.type is DataType.NULL:
        raise NotSupportedError("DATE_PART with a list of parts of an untyped NULL")
    fields = [extract_part(column, p.this) for p in parts.expressions]
    return from_fields([p.this for p in parts.expressions], fields, column.valid)


handles_anonymous("date_part", "datepart")(_date_part)
handles_anonymous("date_trunc", "datetrunc")(_date_trunc_call)


# Plural and short unit names, as DATE_DIFF's and DATE_SUB's units may be written.
_UNIT_ALIASES = {"y": "year", "yr": "year", "years": "year", "mon": "month", "months": "month",
                 "d": "day", "days": "day", "weeks": "week", "quarters": "quarter",
                 "hours": "hour", "h": "hour", "minutes": "minute", "min": "minute",
                 "seconds": "second", "s": "second", "sec": "second"}


def _unit_name(text: str) -> str:
    unit = _UNIT_ALIASES.get(text.lower(), text.lower())
    return _PART_ALIASES.get(unit, unit)


_CALENDAR_DIFF_MONTHS = {"year": 12, "quarter": 3, "month": 1}
_YEAR_GROUPS = {"decade": 10, "century": 100, "millennium": 1000}


@handles(exp.DateDiff)
def date_diff(node: exp.DateDiff, batch: Batch) -> Column:
    """DATE_DIFF('unit', start, end) as DuckDB counts it: calendar units (year, quarter, month,
    decade...) and day and time units count the boundaries crossed between the two values; a
    week is the day difference divided by 7, truncated toward zero."""
    unit = node.args.get("unit")
    unit = _unit_name(unit.name if unit is not None else "day")
    end, start = evaluate(node.this, batch), evaluate(node.expression, batch)
    what = SqlText(node)
    if DataType.NULL in (start.type, end.type):
        return null_column(max(len(start), len(end)), DataType.BIGINT, start.device)
    for column in (start, end):
        if column.type not in TEMPORAL_TYPES:
            raise ProgrammingError(f"DATE_DIFF of a {column.type.value} value: {what}")
    start, end = align([start, end], what)
    (d0, u0), (d1, u1) = _split(start), _split(end)
    if unit in MICROS and start.type is DataType.DATE and unit in ("hour", "minute", "second"):
        values = (d1 - d0) * (MICROS_PER_DAY // MICROS[unit])  # DuckDB: exact past 294246
    elif unit in MICROS:
        if start.type is DataType.DATE:  # the midnights' microseconds, checked
            d0, d1 = (_floordiv(date_micros(c), MICROS_PER_DAY) for c in (start, end))
        step = MICROS[unit]
        values = _floordiv(d1 * MICROS_PER_DAY + u1, step) - \
            _floordiv(d0 * MICROS_PER_DAY + u0, step)
    elif unit == "day":
        values = d1 - d0
    elif unit == "week":
        values = _trunc_div(d1 - d0, 7)
    elif unit in _CALENDAR_DIFF_MONTHS or unit in _YEAR_GROUPS:
        (y0, m0, _), (y1, m1, _) = civil_from_days(d0), civil_from_days(d1)
        if unit in _YEAR_GROUPS:
            size = _YEAR_GROUPS[unit]
            values = _trunc_div(y1, size) - _trunc_div(y0, size)
        else:
            size = _CALENDAR_DIFF_MONTHS[unit]
            values = _floordiv(y1 * 12 + m1 - 1, size) - _floordiv(y0 * 12 + m0 - 1, size)
    else:
        raise NotSupportedError(f"DATE_DIFF('{unit}')")
    return Column(values.long(), DataType.BIGINT, and_valid(start.valid, end.valid))


@handles(exp.LastDay)
def last_day(node: exp.LastDay, batch: Batch) -> Column:
    """LAST_DAY(x): the last day of x's month, a DATE."""
    column = evaluate(node.this, batch)
    if column.type is DataType.NULL:
        return Column(column.values.int(), DataType.DATE, column.validity())
    year, month, _ = civil_from_days(_split(column)[0])
    days = days_from_civil(year, month, days_in_month(year, month))
    return Column(days.int(), DataType.DATE, column.valid)


@handles(exp.DateFromParts)
def make_date(node: exp.DateFromParts, batch: Batch) -> Column:
    """MAKE_DATE(year, month, day) from integers; a date that does not exist is a DataError."""
    what = SqlText(node)
    parts = [evaluate(node.args[name], batch) for name in ("year", "month", "day")]
    valid = None
    for part in parts:
        if not (part.type.is_integer or part.type is DataType.NULL):
            raise ProgrammingError(f"MAKE_DATE of a {part.type.value} value: {what}")
        valid = and_valid(valid, part.validity() if part.type is DataType.NULL else part.valid)
    year, month, day = (p.values.long() for p in parts)
    exists = (month >= 1) & (month <= 12) & (day >= 1) & \
        (day <= days_in_month(year, month.clamp(1, 12)))
    bad = ~exists if valid is None else valid & ~exists
    if bool(bad.any()):
        i = int(torch.nonzero(bad)[0])
        raise DataError(f"Date out of range: {int(year[i])}-{int(month[i])}-{int(day[i])}")
    return Column(days_from_civil(year, month, day).int(), DataType.DATE, valid)
