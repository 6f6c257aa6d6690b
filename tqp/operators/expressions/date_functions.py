"""DuckDB's everyday date functions beyond EXTRACT: DATE_ADD, DATE_SUB/DATESUB (whole parts
between two values), DAYNAME/MONTHNAME and the part functions (YEARWEEK, ERA, DECADE, JULIAN,
MICROSECOND...). INTERVAL values (AGE, TO_DAYS...) are operators/expressions/intervals.py.

Whole-column integer tensor arithmetic on DATE days and TIMESTAMP microseconds, with the
calendar conversions of operators/expressions/dates.py.
"""

from __future__ import annotations

import pyarrow as pa
import torch
from sqlglot import exp

from tqp.errors import NotSupportedError, ProgrammingError
from tqp.operators.expressions import SqlText, evaluate, handles, handles_anonymous
from tqp.operators.expressions.arithmetic import add_or_subtract
from tqp.operators.expressions.coerce import MICROS_PER_DAY, align, date_micros
from tqp.operators.expressions.date_formats import DAYS, MONTHS
from tqp.operators.expressions.dates import (
    MICROS, _split, _trunc_div, civil_from_days, days_from_civil, days_in_month, extract_part,
    trunc_unit,
)
from tqp.storage import dictionary as dicts
from tqp.storage.column import Batch, Column, and_valid, null_column
from tqp.types import TEMPORAL_TYPES, DataType


def _one_argument(node: exp.Expression, name: str) -> exp.Expression:
    arguments = node.expressions if isinstance(node, exp.Anonymous) else [node.this]
    if len(arguments) != 1:
        raise ProgrammingError(f"{name} takes 1 argument: {SqlText(node)}")
    return arguments[0]


# -- DATE_ADD ------------------------------------------------------------------------------------

@handles(exp.DateAdd)
def date_add(node: exp.DateAdd, batch: Batch) -> Column:
    """DATE_ADD(x, interval) is DuckDB's macro `x + interval` (a TIMESTAMP); DATE_ADD(d, n) of
    an integer is `d + n` (a DATE)."""
    unit = node.args.get("unit")
    if unit is not None:
        raise NotSupportedError(f"DATE_ADD with a unit argument: {SqlText(node)}")
    return add_or_subtract(node.this, node.expression, 1, batch, SqlText(node))


# -- DATE_SUB ------------------------------------------------------------------------------------

_MONTH_GROUPS = {"year": 12, "isoyear": 12, "quarter": 3, "month": 1, "decade": 120,
                 "century": 1200, "millennium": 12000}


def whole_months(start: torch.Tensor, end: torch.Tensor) -> torch.Tensor:
    """The complete months from `start` to `end` (microseconds since 1970), negative when
    `end` is earlier, as DuckDB's DATE_SUB counts them: a month is complete when the end's day
    and time reach the start's, and a start day past the end month's last day counts as that
    last day when the end is on it (Jan 31 to Feb 29 is one month)."""
    sign = torch.where(start > end, -1, 1)
    low, high = torch.minimum(start, end), torch.maximum(start, end)
    (d0, t0), (d1, t1) = _split(Column(low, DataType.TIMESTAMP)), \
        _split(Column(high, DataType.TIMESTAMP))
    (y0, m0, day0), (y1, m1, day1) = civil_from_days(d0), civil_from_days(d1)
    last = days_in_month(y1, m1)
    day0 = torch.where((day1 == last) & (day0 > last), last, day0)
    short = (day1 < day0) | ((day1 == day0) & (t1 < t0))
    return sign * ((y1 * 12 + m1) - (y0 * 12 + m0) - short.long())


def _whole_parts(unit: str, a: torch.Tensor, b: torch.Tensor,
                 instants: bool = False) -> torch.Tensor:
    """The whole `unit`s (a value of dates.trunc_unit) from a to b, in microseconds since 1970
    (`instants`: two TIMESTAMPTZs, months and years counted as DuckDB's ICU calendar does)."""
    if instants and unit in _MONTH_GROUPS and unit != "isoyear":
        months = 1 if _MONTH_GROUPS[unit] < 12 else 12
        return _trunc_div(_calendar_steps(a, b, months), _MONTH_GROUPS[unit] // months)
    if unit in _MONTH_GROUPS:
        return _trunc_div(whole_months(a, b), _MONTH_GROUPS[unit])
    step = {"day": MICROS_PER_DAY, "week": 7 * MICROS_PER_DAY}.get(unit) or MICROS[unit]
    return _trunc_div(b - a, step)


# DATE_SUB parts DuckDB counts from the microseconds between two TIMESTAMPTZs; the others its
# ICU calendar counts between their milliseconds.
_ELAPSED_UNITS = ("minute", "second", "millisecond", "microsecond")


def _calendar_steps(start: torch.Tensor, end: torch.Tensor, step: int) -> torch.Tensor:
    """The whole steps of `step` months DuckDB's ICU calendar counts from `start` to `end`
    (microseconds since 1970; negative toward an earlier end): the most steps that moved from
    the start (a day past the month's end: its last day, the time kept) do not pass the end.
    Unlike `whole_months`, this depends on the direction: back from Mar 29 to Feb 28 10:00
    (Mar 29 05:00 moved back a month is Feb 28 05:00, past it) is no month."""
    backward = end < start
    sign = torch.where(backward, -1, 1)
    (d0, t0), (d1, _) = _split(Column(start, DataType.TIMESTAMP)), \
        _split(Column(end, DataType.TIMESTAMP))
    (y0, m0, day0), (y1, m1, _) = civil_from_days(d0), civil_from_days(d1)
    steps = _trunc_div((y1 * 12 + m1) - (y0 * 12 + m0), step)  # lands in the end's month at most
    total = y0 * 12 + (m0 - 1) + steps * step
    year = torch.div(total, 12, rounding_mode="floor")
    month = total - year * 12 + 1
    moved = days_from_civil(year, month, torch.minimum(day0, days_in_month(year, month))) \
        * MICROS_PER_DAY + t0
    past = torch.where(backward, moved < end, moved > end)
    return steps - sign * past.long()


def _calendar_millis(start: torch.Tensor, end: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The instants DuckDB's ICU calendar counts DATE_SUB's hours, days, months... between (as
    microseconds): the start's millisecond (floored), the end's divided toward zero as C++
    does, so before 1970 an end with a sub-millisecond part reads a millisecond later."""
    return (torch.div(start, 1000, rounding_mode="floor") * 1000,
            torch.div(end, 1000, rounding_mode="trunc") * 1000)


def _date_sub(node: exp.Anonymous, batch: Batch) -> Column:
    """DATE_SUB('part', start, end): the whole parts from start to end, a BIGINT (DATE_DIFF
    counts the boundaries crossed instead). The part may be a column: each distinct part of the
    batch is computed over the whole batch and chosen per row."""
    what = SqlText(node)
    if len(node.expressions) != 3:
        raise ProgrammingError(f"DATE_SUB takes 3 arguments (part, start, end): {what}")
    part, start, end = (evaluate(e, batch) for e in node.expressions)
    rows = max(len(part), len(start), len(end))
    if DataType.NULL in (part.type, start.type, end.type):
        return null_column(rows, DataType.BIGINT, start.device)
    if part.type is not DataType.VARCHAR:
        raise ProgrammingError(f"DATE_SUB part of a {part.type.value} value: {what}")
    for column in (start, end):
        if column.type not in TEMPORAL_TYPES:
            raise ProgrammingError(f"DATE_SUB of a {column.type.value} value: {what}")
    start, end = align([start, end], what)  # DuckDB: as TIMESTAMPs, checked
    a, b = (date_micros(c) if c.type is DataType.DATE else c.values for c in (start, end))
    calendar, instants = (a, b), start.type is DataType.TIMESTAMPTZ
    if instants:  # DuckDB's ICU calendar: see _calendar_millis
        calendar = _calendar_millis(a, b)
    valid = and_valid(part.valid, and_valid(start.valid, end.valid))
    codes = part.values.long()
    if part.valid is None and codes.numel() and bool((codes == codes[0]).all()):
        entries = [int(codes[0])]  # one part (a constant)
    else:  # the distinct parts of the rows that have one
        entries = torch.unique(codes if part.valid is None else codes[part.valid]).tolist()
    by_unit: dict[str, list[int]] = {}
    for entry, name in zip(entries, part.dictionary.take(entries).to_pylist() if entries else []):
        by_unit.setdefault(trunc_unit(name), []).append(entry)
    if instants and "isoyear" in by_unit:
        raise NotSupportedError(f"DATE_SUB('isoyear') of TIMESTAMPTZ values (DuckDB's ICU "
                                f"calendar counts ISO years its own way): {what}")
    values = torch.zeros(rows, dtype=torch.long, device=start.device)
    for unit, unit_entries in by_unit.items():
        x, y = (a, b) if unit in _ELAPSED_UNITS else calendar
        counted = _whole_parts(unit, x, y, instants)
        if len(by_unit) == 1:
            return Column(counted, DataType.BIGINT, valid)
        chosen = torch.isin(codes, torch.tensor(unit_entries, device=codes.device))
        values = torch.where(chosen, counted, values)
    return Column(values, DataType.BIGINT, valid)


handles_anonymous("date_sub", "datesub")(_date_sub)


# -- DAYNAME, MONTHNAME ----------------------------------------------------------------------------

def _named(column: Column, index: torch.Tensor, names: list[str]) -> Column:
    """A VARCHAR column holding names[index] per row (codes into the sorted names)."""
    ordered = sorted(names)
    ranks = torch.tensor([ordered.index(n) for n in names], dtype=torch.int32,
                         device=column.device)
    return Column(ranks[index], DataType.VARCHAR, column.valid, pa.array(ordered, dicts.STRING))


def _temporal_or_null(node: exp.Expression, name: str, batch: Batch) -> Column:
    column = evaluate(_one_argument(node, name), batch)
    if column.type not in TEMPORAL_TYPES and column.type is not DataType.NULL:
        raise ProgrammingError(f"{name} of a {column.type.value} value: {SqlText(node)}")
    return column


@handles(exp.Dayname)
def dayname(node: exp.Dayname, batch: Batch) -> Column:
    """DAYNAME(x): the English name of the day of the week, a VARCHAR."""
    column = _temporal_or_null(node, "DAYNAME", batch)
    if column.type is DataType.NULL:
        return null_column(len(column), DataType.VARCHAR, column.device)
    return _named(column, torch.remainder(_split(column)[0] + 4, 7), DAYS)


@handles(exp.Monthname)
def monthname(node: exp.Monthname, batch: Batch) -> Column:
    """MONTHNAME(x): the English name of the month, a VARCHAR."""
    column = _temporal_or_null(node, "MONTHNAME", batch)
    if column.type is DataType.NULL:
        return null_column(len(column), DataType.VARCHAR, column.device)
    return _named(column, civil_from_days(_split(column)[0])[1] - 1, MONTHS)


# -- part functions --------------------------------------------------------------------------------

# DuckDB's functions that are EXTRACT of one part (those sqlglot does not know by name).
_PART_FUNCTIONS = {"yearweek": "yearweek", "era": "era", "decade": "decade",
                   "century": "century", "millennium": "millennium", "julian": "julian",
                   "microsecond": "microsecond", "millisecond": "millisecond",
                   "weekday": "dow", "isoyear": "isoyear", "nanosecond": "microsecond"}


def _part_function(node: exp.Anonymous, batch: Batch) -> Column:
    name = node.name.lower()
    column = evaluate(_one_argument(node, name.upper()), batch)
    if column.type is DataType.NULL and name == "julian":  # DuckDB: a DOUBLE NULL
        return null_column(len(column), DataType.DOUBLE, column.device)
    if column.type not in TEMPORAL_TYPES:
        raise ProgrammingError(f"{name.upper()} of a {column.type.value} value: "
                               f"{SqlText(node)}")
    part = extract_part(column, _PART_FUNCTIONS[name])
    if name == "nanosecond":  # the microseconds' nanoseconds (not an EXTRACT part in DuckDB)
        return Column(part.values * 1000, DataType.BIGINT, part.valid)
    return part


handles_anonymous(*_PART_FUNCTIONS)(_part_function)
