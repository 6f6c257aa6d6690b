"""STRFTIME and STRPTIME with DuckDB's format codes.

STRFTIME formats each distinct DATE/TIMESTAMP value once: the calendar parts are tensor arithmetic
over the distinct values, the text is assembled with Arrow compute, and the rows gather their
dictionary codes. STRPTIME parses each distinct string of the dictionary once: the format becomes
a regular expression (Arrow's `extract_regex`, RE2) whose groups are the fields, read as DuckDB's
scanner reads them (numbers of at most the code's width, names case-insensitively).
"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import torch
from sqlglot import exp

from tqp.errors import DataError, NotSupportedError, ProgrammingError
from tqp.operators.expressions import SqlText, evaluate, handles, handles_anonymous
from tqp.operators.expressions.coerce import MICROS_PER_DAY, gather_map
from tqp.operators.expressions.dates import (
    _iso_week, _split, civil_from_days, days_from_civil, days_in_month,
)
from tqp.storage import dictionary as dicts
from tqp.storage.column import Batch, Column, and_valid, null_column
from tqp.storage.gather import gather
from tqp.types import ARROW_TIME_ZONE, TEMPORAL_TYPES, DataType

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

# DuckDB's codes (StrTimeFormat::ParseFormatSpecifier); `%-x` is the unpadded form of x.
_CODES = set("aAwudbhBmyYGHIpMSnfgzZjUWV")
_UNPADDED = set("dmyHIMSj")
_LOCALE = {"c": "%Y-%m-%d %H:%M:%S", "x": "%Y-%m-%d", "X": "%H:%M:%S", "T": "%H:%M:%S"}


def parse_format(text: str) -> list[tuple[str, str | None]]:
    """(literal, code) pairs of a DuckDB format string, the last code None; `code` is the
    letter, or '-' and the letter. An invalid format is a DataError, as DuckDB's
    InvalidInputException."""
    if not text:
        raise DataError("Failed to parse format specifier : Empty format string")
    parts: list[tuple[str, str | None]] = []
    literal, i = "", 0
    while i < len(text):
        char = text[i]
        if char != "%":
            literal, i = literal + char, i + 1
            continue
        if i + 1 == len(text):
            raise DataError(f"Failed to parse format specifier {text}: Trailing format character %")
        code = text[i + 1]
        i += 2
        if code == "%":
            literal += "%"
        elif code in _LOCALE:
            sub = parse_format(_LOCALE[code])
            parts.append((literal + sub[0][0], sub[0][1]))
            parts.extend(sub[1:-1])
            literal = sub[-1][0]
        elif code == "-" and i < len(text) and text[i] in _UNPADDED:
            parts.append((literal, "-" + text[i]))
            literal, i = "", i + 1
        elif code in _CODES:
            parts.append((literal, code))
            literal = ""
        else:
            shown = "-" + text[i] if code == "-" and i < len(text) else code
            raise DataError(f"Failed to parse format specifier {text}: Unrecognized format for "
                            f"strftime/strptime: %{shown}")
    parts.append((literal, None))
    return parts


def _constant_format(node: exp.Expression, what: str) -> str | None:
    """The format string (None for NULL); a format that is not a constant string is refused."""
    if isinstance(node, exp.Null):
        return None
    if isinstance(node, exp.Literal) and node.is_string:
        return node.this
    raise ProgrammingError(f'The "format" argument of {what} must be a constant expression')


# -- STRFTIME ----------------------------------------------------------------------------------

def _text(values: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(values, pa.int64()), pa.string())


def _padded(values: np.ndarray, width: int) -> pa.Array:
    return pc.utf8_lpad(_text(values), width=width, padding="0")


def _names(names: list[str], index: np.ndarray) -> pa.Array:
    return pa.array(names, pa.string()).take(pa.array(index, pa.int64()))


def _year_text(year: np.ndarray) -> pa.Array:
    """%Y: four digits from 0 to 9999, otherwise the signed number."""
    inside = (year >= 0) & (year <= 9999)
    return pc.if_else(pa.array(inside), _padded(np.where(inside, year, 0), 4), _text(year))


def _week_number(doy0: np.ndarray, weekday: np.ndarray) -> np.ndarray:
    """Week of the year whose weeks start on `weekday` 0 (days before the first are week 0)."""
    return (doy0 + 7 - weekday) // 7


def _calendar(days: torch.Tensor, micros: torch.Tensor) -> dict[str, np.ndarray]:
    """The parts the format codes print, for each distinct value, on the host."""
    year, month, day = civil_from_days(days)
    one = torch.ones_like(days)
    iso_year, iso_week = _iso_week(days)
    parts = {"year": year, "month": month, "day": day, "iso_year": iso_year, "iso_week": iso_week,
             "doy": days - days_from_civil(year, one, one) + 1,
             "sunday0": torch.remainder(days + 4, 7), "micros": micros}
    parts = {name: values.cpu().numpy() for name, values in parts.items()}
    micros = parts["micros"]
    parts.update(hour=micros // 3_600_000_000, minute=micros // 60_000_000 % 60,
                 second=micros // 1_000_000 % 60, fraction=micros % 1_000_000)
    return parts


def _format_code(code: str, c: dict[str, np.ndarray]) -> pa.Array:
    """The text of one format code for each distinct value (the parts `_calendar` computed)."""
    letter, hour = code[-1], c["hour"]
    number = {"d": c["day"], "m": c["month"], "H": hour, "M": c["minute"], "S": c["second"],
              "j": c["doy"], "y": np.abs(c["year"]) % 100,
              "I": np.where(hour % 12 == 0, 12, hour % 12)}
    if letter in number:
        if code.startswith("-"):
            return _text(number[letter])
        return _padded(number[letter], 3 if letter == "j" else 2)
    if letter in "YG":
        return _year_text(c["year"] if letter == "Y" else c["iso_year"])
    sunday0 = c["sunday0"]
    if letter == "V":
        return _padded(c["iso_week"], 2)
    if letter in "UW":
        first = sunday0 if letter == "U" else (sunday0 + 6) % 7  # %W: weeks start on Monday
        return _padded(_week_number(c["doy"] - 1, first), 2)
    if letter == "w":
        return _text(sunday0)
    if letter == "u":
        return _text(np.where(sunday0 == 0, 7, sunday0))
    if letter in "aA":
        return _names([d[:3] for d in DAYS] if letter == "a" else DAYS, sunday0)
    if letter in "bhB":
        return _names([m[:3] for m in MONTHS] if letter != "B" else MONTHS, c["month"] - 1)
    if letter == "p":
        return pc.if_else(pa.array(hour >= 12), "PM", "AM")
    fraction = c["fraction"]
    if letter == "f":
        return _padded(fraction, 6)
    if letter == "g":
        return _padded(fraction // 1000, 3)
    if letter == "n":
        return _padded(fraction * 1000, 9)
    # The session zone, UTC: %z its offset, %Z its name (a TIMESTAMP's zone has none).
    return pa.array(["+00" if letter == "z" else c["zone"]] * len(hour), pa.string())


def format_values(column: Column, text: str) -> Column:
    """STRFTIME(x, text) of a DATE or TIMESTAMP column: each distinct value formatted once."""
    parts = parse_format(text)
    unique, inverse = torch.unique(column.values, return_inverse=True)
    calendar = _calendar(*_split(Column(unique, column.type)))
    calendar["zone"] = ARROW_TIME_ZONE if column.type is DataType.TIMESTAMPTZ else ""
    pieces = [pa.array([""] * len(unique), pa.string())]
    for literal, code in parts:
        if literal:
            pieces.append(pa.array([literal] * len(unique), pa.string()))
        if code is not None:
            pieces.append(_format_code(code, calendar))
    strings = pc.binary_join_element_wise(*pieces, "")
    codes, dictionary = dicts.encode(strings)
    values = gather(dicts.to_device_map(codes, column.device), inverse)
    return Column(values, DataType.VARCHAR, column.valid, dictionary)


@handles(exp.TimeToStr)
def strftime(node: exp.TimeToStr, batch: Batch) -> Column:
    """STRFTIME(x, format) (or DuckDB's STRFTIME(format, x)): VARCHAR."""
    value, fmt = node.this, node.args["format"]
    if isinstance(value, exp.Literal) and value.is_string and not (
            isinstance(fmt, exp.Literal) and fmt.is_string):
        value, fmt = fmt, value
    text = _constant_format(fmt, "STRFTIME")
    column = evaluate(value, batch)
    if column.type not in TEMPORAL_TYPES and column.type is not DataType.NULL:
        raise ProgrammingError(f"STRFTIME of a {column.type.value} value: {SqlText(node)}")
    if text is None or column.type is DataType.NULL:
        if text is not None:
            parse_format(text)
        return null_column(len(column), DataType.VARCHAR, column.device)
    return format_values(column, text)


# -- STRPTIME ----------------------------------------------------------------------------------

_SPACES = " \t\n\v\f\r"  # DuckDB's CharacterIsSpace
_SPACE = "[ \\t\\n\\v\\f\\r]"
# The digits each numeric code reads at most (StrpTimeFormat::NumericSpecifierWidth).
_WIDTHS = {"d": 2, "m": 2, "y": 2, "H": 2, "I": 2, "M": 2, "S": 2, "Y": 4, "j": 3, "f": 6, "g": 3}
# Codes STRPTIME does not read here: week-based dates, nanoseconds (DuckDB: TIMESTAMP_NS).
_UNREAD = set("wuUWVGn")
# The codes of a UTC offset (%z: +02, +0530, -05:30) and a zone name (%Z: UTC's names only):
# a format with one makes a TIMESTAMPTZ.
_ZONE_CODES = set("zZ")


def _alternatives(names: list[str]) -> str:
    return "(?i:" + "|".join(names) + ")"


def _pattern(parts: list[tuple[str, str | None]], text: str) -> tuple[str, list[tuple[str, bool]]]:
    """The RE2 pattern of a format, and for each of its groups the code and whether the number
    must have its full width: DuckDB's scanner never backtracks, so a number followed by a digit
    (`%Y%m`) reads all the digits it may, and a shorter match means DuckDB's parse failed."""
    regex, groups = f"^{_SPACE}*", []
    if parts[0][0] and parts[0][0][0] in _SPACES:  # DuckDB skipped the string's leading spaces
        regex += "[^\\s\\S]"
    for i, (literal, code) in enumerate(parts):
        for run in re.findall(f"{_SPACE}+|[^{_SPACES}]", literal):
            regex += f"{_SPACE}+" if run[0] in _SPACES else re.escape(run)
        if code is None:
            break
        letter = code[-1]
        group = f"g{len(groups)}"
        if letter in _WIDTHS:
            regex += f"(?P<{group}>[0-9]{{1,{_WIDTHS[letter]}}})"
            next_literal, next_code = parts[i + 1]
            digit_next = next_literal[:1].isdigit() or not next_literal and \
                next_code is not None and next_code[-1] in _WIDTHS
            groups.append((code, digit_next))
        elif letter in "bhB":
            names = [m[:3] for m in MONTHS] if letter != "B" else MONTHS
            regex += f"(?P<{group}>{_alternatives(names)})"
            groups.append((code, False))
        elif letter == "p":
            regex += f"(?P<{group}>[AaPp][Mm])"
            groups.append((code, False))
        elif letter == "z":
            regex += f"(?P<{group}>[+-][0-9]{{2}}(?::?[0-9]{{2}})?)"
            groups.append((code, False))
        elif letter == "Z":
            regex += f"(?P<{group}>[A-Za-z][A-Za-z0-9_/+-]*)"
            groups.append((code, False))
        else:  # %a, %A: read, not used
            regex += _alternatives([d[:3] for d in DAYS] if letter == "a" else DAYS)
    return regex + f"{_SPACE}*$", groups


# The field each numeric code sets and the values DuckDB accepts (%y, %f and %g are scaled).
_NUMBERS = {"Y": ("year", 0, 9999), "y": ("year", 0, 99), "m": ("month", 1, 12),
            "d": ("day", 1, 31), "H": ("hour", 0, 23), "I": ("hour", 1, 12),
            "M": ("minute", 0, 59), "S": ("second", 0, 59), "j": ("yearday", 1, 366),
            "f": ("fraction", 0, 999_999), "g": ("fraction", 0, 999)}


def _read_fields(strings: pa.Array, regex: str,
                 groups: list[tuple[str, bool]]) -> tuple[dict, np.ndarray]:
    """The fields (year, month, ... as int64 numpy) each string sets, DuckDB's defaults
    (1900-01-01 00:00:00) elsewhere, and whether the string matched with fields in range."""
    n = len(strings)
    ok = np.asarray(pc.match_substring_regex(strings, regex).fill_null(False).to_numpy(
        zero_copy_only=False), dtype=bool).copy()
    values = {"year": np.full(n, 1900), "month": np.ones(n, np.int64), "day": np.ones(n, np.int64),
              **{name: np.zeros(n, np.int64) for name in ("hour", "minute", "second", "fraction")}}
    found = pc.extract_regex(strings, regex) if groups else None
    for index, (code, full_width) in enumerate(groups):
        field, letter = pc.fill_null(pc.struct_field(found, index), ""), code[-1]
        if letter in "bhB":
            names = [m[:3] for m in MONTHS] if letter != "B" else MONTHS
            month = pc.index_in(pc.utf8_lower(field), pa.array([m.lower() for m in names]))
            values["month"] = month.fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64) + 1
            continue
        if letter == "p":
            values["pm"] = np.asarray(pc.equal(pc.utf8_lower(field), "pm").to_numpy(
                zero_copy_only=False), dtype=bool)
            continue
        if letter == "z":
            values["offset"] = _offset_seconds(field)
            continue
        if letter == "Z":
            _check_zone_names(field, ok)
            continue
        length = pc.utf8_length(field).to_numpy(zero_copy_only=False)
        number = pc.cast(pc.if_else(pc.equal(field, ""), "0", field), pa.int64()).to_numpy(
            zero_copy_only=False)
        name, low, high = _NUMBERS[letter]
        ok &= (number >= low) & (number <= high)
        if full_width:
            ok &= length == _WIDTHS[letter]
        if letter == "y":  # as Python: 69 to 99 are 1969 to 1999
            number = np.where(number >= 69, 1900 + number, 2000 + number)
        elif letter in "fg":  # a fraction of a second: '.5' is 500000 us
            number = number * 10 ** (_WIDTHS[letter] - np.clip(length, 1, None)) * (
                1000 if letter == "g" else 1)
        values[name] = number
    if "pm" in values:  # 12 AM is 0, 12 PM is 12
        hour = values["hour"]
        ok &= hour <= 12
        values["hour"] = np.where(values["pm"], np.where(hour == 12, 12, hour + 12),
                                  np.where(hour == 12, 0, hour))
    return values, ok


def _offset_seconds(field: pa.Array) -> np.ndarray:
    """The seconds east of UTC of %z texts (`+02`, `-0530`, `+05:30`; '' is 0)."""
    digits = pc.replace_substring(field, ":", "")

    def number(start: int, stop: int) -> np.ndarray:
        text = pc.utf8_slice_codeunits(digits, start, stop)
        return pc.cast(pc.if_else(pc.equal(text, ""), "0", text), pa.int64()).to_numpy(
            zero_copy_only=False)

    seconds = number(1, 3) * 3600 + number(3, 5) * 60
    negative = np.asarray(pc.starts_with(field, "-").to_numpy(zero_copy_only=False), dtype=bool)
    return np.where(negative, -seconds, seconds)


def _check_zone_names(field: pa.Array, ok: np.ndarray) -> None:
    """%Z: a zone name other than UTC's, on a string that otherwise parses, is refused (tqp's
    only time zone is UTC)."""
    from tqp.operators.expressions.timestamptz import UTC_NAMES  # it imports dates.py

    known = np.asarray(pc.is_in(pc.utf8_lower(field), pa.array(sorted(UTC_NAMES))).to_numpy(
        zero_copy_only=False), dtype=bool)
    unknown = ok & ~known
    if unknown.any():
        raise NotSupportedError(f"STRPTIME of a time in the zone '{field[int(np.argmax(unknown))]}'"
                                " (tqp knows UTC's names)")


def parse_strings(strings: pa.Array, text: str) -> tuple[np.ndarray, np.ndarray]:
    """(microseconds since 1970, parsed) for each string, as DuckDB's STRPTIME reads it; a
    string that does not parse is not `parsed` (its value is 0)."""
    parts = parse_format(text)
    codes = [code[-1] for _, code in parts if code is not None]
    if codes.count("j") > 1:
        raise NotSupportedError(f"STRPTIME format '{text}' with %j twice")
    if len(strings) == 0:
        return np.zeros(0, np.int64), np.zeros(0, bool)
    values, ok = _read_fields(strings, *_pattern(parts, text))
    y, m, d = (torch.from_numpy(np.array(values[k], dtype=np.int64))
               for k in ("year", "month", "day"))
    if "yearday" in values and not any(c in "dmbhB" for c in codes):
        # The day of the year counts from January 1st; a month or day in the format wins.
        jan1 = days_from_civil(y, torch.ones_like(y), torch.ones_like(y))
        days = jan1 + torch.from_numpy(np.array(values["yearday"], np.int64)) - 1
        ok &= (days < days_from_civil(y + 1, torch.ones_like(y), torch.ones_like(y))).numpy()
    else:
        exists = (m >= 1) & (m <= 12) & (d >= 1) & (d <= days_in_month(y, m.clamp(1, 12)))
        ok &= exists.numpy()
        days = days_from_civil(y, m.clamp(1, 12), d)
    micros = days.numpy() * MICROS_PER_DAY + values["hour"] * 3_600_000_000 + \
        values["minute"] * 60_000_000 + values["second"] * 1_000_000 + values["fraction"] - \
        values.get("offset", 0) * 1_000_000
    return np.where(ok, micros, 0), ok


_INFINITIES = ("infinity", "-infinity")


def check_format(text: str) -> None:
    """Raise for a format DuckDB refuses (DataError) or whose codes STRPTIME does not read here
    (NotSupportedError), before any string is parsed."""
    for _, code in parse_format(text):
        if code is not None and code[-1] in _UNREAD:
            raise NotSupportedError(f"STRPTIME format code %{code[-1]} (in '{text}')")


def _parse_formats(strings: pa.Array, formats: list[str]) -> tuple[np.ndarray, ...]:
    """(microseconds, parsed, infinite) per string: the first format that parses it wins
    (DuckDB's list of formats); DuckDB's special 'epoch' is 1970-01-01, 'infinity' is marked."""
    values, ok = np.zeros(len(strings), np.int64), np.zeros(len(strings), bool)
    for text in formats:
        parsed, parsed_ok = parse_strings(strings, text)
        take = parsed_ok & ~ok
        values, ok = np.where(take, parsed, values), ok | parsed_ok
    special = pc.utf8_lower(pc.utf8_trim(strings, _SPACES))
    infinite = np.asarray(pc.is_in(special, pa.array(_INFINITIES)).to_numpy(zero_copy_only=False),
                          dtype=bool)
    epoch = np.asarray(pc.equal(special, "epoch").fill_null(False).to_numpy(zero_copy_only=False),
                       dtype=bool)
    return np.where(epoch, 0, values), ok | epoch, infinite


def _formats(node: exp.Expression, what: str) -> list[str] | None:
    if isinstance(node, exp.Array):
        formats = [_constant_format(e, what) for e in node.expressions]
        return None if any(f is None for f in formats) else formats
    text = _constant_format(node, what)
    return None if text is None else [text]


def parse_column(column: Column, formats: list[str], strict: bool, what: SqlText) -> Column:
    """STRPTIME/TRY_STRPTIME of a VARCHAR column: each dictionary entry parsed once."""
    dictionary = column.dictionary.cast(dicts.STRING)
    values, ok, infinite = _parse_formats(dictionary, formats)
    valid = column.valid
    if infinite.any():
        used = gather_map(infinite, column.values)
        if bool((used if valid is None else used & valid).any()):
            raise NotSupportedError("STRPTIME of 'infinity' (tqp has no infinite timestamps)")
    parsed = gather_map(ok, column.values)
    if strict:
        bad = ~parsed if valid is None else valid & ~parsed
        if bool(bad.any()):
            entry = int(column.values[torch.nonzero(bad)[0]])
            raise DataError(f"Could not parse string \"{dictionary[entry].as_py()}\" according to "
                            f"format specifier \"{formats[-1]}\" in {what}")
    else:
        valid = and_valid(valid, parsed)
    return Column(gather_map(values, column.values), _parsed_type(formats), valid)


def _parsed_type(formats: list[str]) -> DataType:
    """STRPTIME's type: TIMESTAMPTZ where a format reads a zone (%z, %Z), as in DuckDB."""
    zoned = any(code is not None and code[-1] in _ZONE_CODES
                for text in formats for _, code in parse_format(text))
    return DataType.TIMESTAMPTZ if zoned else DataType.TIMESTAMP


def _strptime(value: exp.Expression, fmt: exp.Expression, batch: Batch, strict: bool,
              what: SqlText) -> Column:
    name = "STRPTIME" if strict else "TRY_STRPTIME"
    formats = _formats(fmt, name)
    for text in formats or ():
        check_format(text)
    column = evaluate(value, batch)
    if column.type not in (DataType.VARCHAR, DataType.NULL):
        raise ProgrammingError(f"{name} of a {column.type.value} value: {what}")
    if formats is None or column.type is DataType.NULL:
        return null_column(len(column), _parsed_type(formats or []), column.device)
    return parse_column(column, formats, strict, what)


@handles(exp.StrToTime)
def strptime(node: exp.StrToTime, batch: Batch) -> Column:
    """STRPTIME(s, format or [formats]): a TIMESTAMP; a string that does not parse raises."""
    return _strptime(node.this, node.args["format"], batch, True, SqlText(node))


@handles_anonymous("try_strptime")
def try_strptime(node: exp.Anonymous, batch: Batch) -> Column:
    """TRY_STRPTIME(s, format): as STRPTIME, NULL where the string does not parse."""
    if len(node.expressions) != 2:
        raise ProgrammingError(f"TRY_STRPTIME takes 2 arguments: {SqlText(node)}")
    return _strptime(*node.expressions, batch, False, SqlText(node))
