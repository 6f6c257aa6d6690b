"""The text of result values, and the aligned text table tqp-shell prints by default.

Example:
    >>> import pyarrow as pa
    >>> print(format_table(pa.table({"n": [1, 20, None], "name": ["a", "bb", "c"]})))
       n | name
    -----+-----
       1 | a
      20 | bb
    NULL | c
"""

from __future__ import annotations

import datetime
import decimal
from typing import Sequence

import pyarrow as pa

# Rows shown before the rest are summarized as "... N more rows".
DEFAULT_MAX_ROWS = 40
# Longer cell texts are cut to this many characters (ending in "...").
MAX_CELL_WIDTH = 60
# Significant digits of a DOUBLE: enough for real answers (cents of a 10^11 sum), few enough to
# hide float noise (0.1 + 0.2 prints 0.3; a float64 SUM over DECIMALs prints 532348211.65, not
# 532348211.649998). The DB-API returns the exact values.
FLOAT_DIGITS = 14
NULL_TEXT = "NULL"


def format_table(table: pa.Table, max_rows: int | None = DEFAULT_MAX_ROWS, headers: bool = True,
                 null_text: str = NULL_TEXT, widths: Sequence[int] = ()) -> str:
    """The first `max_rows` rows of `table` (all when None) under a header and a separator line.

    Numbers are right-aligned, everything else left-aligned; NULL shows as `null_text`. When rows
    are left out, a last line says how many. `widths` fixes the width of the first columns
    (see `fit_widths`).
    """
    if table.num_columns == 0:
        return f"(no columns, {rows_text(table.num_rows)})"
    shown = table if max_rows is None else table.slice(0, max_rows)
    right = [is_numeric(field.type) for field in table.schema]
    header = [_clip(name) for name in table.column_names]
    columns = [[format_value(v, null_text) for v in cell_values(column)]
               for column in shown.columns]
    sizes = fit_widths([header] + [list(row) for row in zip(*columns)], widths)
    right = [r if w >= 0 else True for r, w in zip(right, list(widths) + [0] * len(right))]

    def line(cells: list[str]) -> str:
        padded = [c[:w].rjust(w) if r else c[:w].ljust(w) for c, w, r in zip(cells, sizes, right)]
        return " | ".join(padded).rstrip()

    lines = [line(header), "-+-".join("-" * w for w in sizes)] if headers else []
    lines += [line(list(row)) for row in zip(*columns)]
    hidden = table.num_rows - shown.num_rows
    if hidden > 0:
        lines.append(f"... {hidden} more {'row' if hidden == 1 else 'rows'}")
    return "\n".join(lines)


def fit_widths(rows: list[list[str]], widths: Sequence[int] = ()) -> list[int]:
    """The width of each column of `rows` (lists of cell texts): the longest cell, unless
    `widths` (sqlite3's `.width`) fixes it: N > 0 is N characters (longer cells are cut), -N is
    N characters right-aligned, 0 or a missing entry is the longest cell."""
    longest = [max(len(cell) for cell in column) for column in zip(*rows)]
    fixed = list(widths) + [0] * len(longest)
    return [abs(w) if w else n for n, w in zip(longest, fixed)]


def cell_values(column: pa.ChunkedArray | pa.Array) -> list:
    """A result column's values as Python objects to show: a FLOAT (float32) value as the float
    of its shortest digits, so that 1.1::REAL shows as 1.1, as DuckDB prints it, and not as the
    1.100000023841858 its exact value is as a double."""
    if not pa.types.is_float32(column.type):
        return column.to_pylist()
    return [None if s is None else float(s) for s in column.cast(pa.string()).to_pylist()]


def format_value(value, null_text: str = NULL_TEXT) -> str:
    """The text of one cell of a grid: one line, at most MAX_CELL_WIDTH characters."""
    return null_text if value is None else _clip(value_text(value))


def value_text(value, exact: bool = False) -> str:
    """The text of one non-NULL value. DOUBLEs show FLOAT_DIGITS significant digits, or when
    `exact` (data exported as CSV or JSON) the shortest text that reads back as the same
    number."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        text = repr(value) if exact else f"{value:.{FLOAT_DIGITS}g}"
        # Keep a DOUBLE recognizable as one: 3.0 prints "3.0", not "3".
        return text if any(c in text for c in ".enai") else text + ".0"
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:  # a TIMESTAMPTZ: in UTC, as DuckDB's CLI shows it there
            utc = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
            return utc.isoformat(sep=" ") + "+00"
        return value.isoformat(sep=" ")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, bytes):
        return "\\x" + value.hex()
    if isinstance(value, pa.MonthDayNano):
        return interval_text(value.months, value.days, int(value.nanoseconds) // 1000
                             if value.nanoseconds >= 0 else -(-value.nanoseconds // 1000))
    return str(value)


def interval_text(months: int, days: int, micros: int) -> str:
    """An INTERVAL as DuckDB writes it: `1 year 2 months 3 days 04:05:06.5`, each part with
    its own sign (`1 day -00:00:01`), the time part when there are microseconds (hours past
    24 as they are: `100:00:00`), `00:00:00` for nothing at all."""
    words = []
    years, months = _truncated_divmod(months, 12)
    for amount, unit in ((years, "year"), (months, "month"), (days, "day")):
        if amount:
            words.append(f"{amount} {unit}" + ("s" if amount not in (1, -1) else ""))
    if micros or not words:
        sign = "-" if micros < 0 else ""
        seconds, fraction = divmod(abs(micros), 1_000_000)
        clock = f"{sign}{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
        words.append(clock + (f".{fraction:06d}".rstrip("0") if fraction else ""))
    return " ".join(words)


def _truncated_divmod(a: int, b: int) -> tuple[int, int]:
    """divmod rounding toward zero, as C++ divides."""
    q = abs(a) // b * (1 if a >= 0 else -1)
    return q, a - q * b


def one_line(text: str) -> str:
    """`text` with the characters that would break a grid's lines escaped."""
    return text.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


def _clip(text: str) -> str:
    text = one_line(text)
    if len(text) > MAX_CELL_WIDTH:
        return text[:MAX_CELL_WIDTH - 3] + "..."
    return text


def is_numeric(arrow_type: pa.DataType) -> bool:
    if pa.types.is_dictionary(arrow_type):
        arrow_type = arrow_type.value_type
    return (
        pa.types.is_integer(arrow_type)
        or pa.types.is_floating(arrow_type)
        or pa.types.is_decimal(arrow_type)
    )


def rows_text(n: int) -> str:
    """"1 row", "2 rows"."""
    return f"{n} row" if n == 1 else f"{n} rows"
