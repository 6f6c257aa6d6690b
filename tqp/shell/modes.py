"""Output modes of tqp-shell (`.mode`): how a result table is printed.

The modes other than `aligned` (tqp's default) follow DuckDB's CLI, which inherits them from
sqlite3's: `box` and `table` draw a grid with centered headers and left-aligned values, `markdown`
marks numeric columns right-aligned (`---:`), `line` prints one `name = value` line per value
with a blank line between rows, `json` is an array with one row object per line.

Example:
    >>> import pyarrow as pa
    >>> print(render(pa.table({"a": [42], "bb": ["hello"]}), OutputSettings(mode="table")))
    +----+-------+
    | a  |  bb   |
    +----+-------+
    | 42 | hello |
    +----+-------+
"""

from __future__ import annotations

import csv
import decimal
import io
import json
import math
from dataclasses import dataclass, field

import pyarrow as pa

from tqp.format import (
    DEFAULT_MAX_ROWS, NULL_TEXT, cell_values, fit_widths, format_table, is_numeric, one_line,
    value_text,
)

# Modes that show a result to a person: the shell adds "N rows (time)" and "OK" lines. The
# others are data for another program, printed alone.
HUMAN_MODES = ("aligned", "box", "table")
DATA_MODES = ("markdown", "csv", "tsv", "json", "jsonlines", "line")
MODES = HUMAN_MODES + DATA_MODES
# Other names DuckDB and sqlite3 use for the same modes.
MODE_ALIASES = {"tabs": "tsv", "ndjson": "jsonlines"}
# A name `line` mode right-aligns its names to, at the least (as sqlite3 does).
LINE_NAME_WIDTH = 5


@dataclass
class OutputSettings:
    """What `.mode`, `.headers`, `.nullvalue`, `.width` and `.maxrows` have set."""

    mode: str = "aligned"
    headers: bool = True
    null_text: str = NULL_TEXT
    widths: list[int] = field(default_factory=list)
    max_rows: int | None = DEFAULT_MAX_ROWS  # aligned mode only: the other modes print all


def mode_name(name: str) -> str | None:
    """The mode called `name` (or an alias of it), or None."""
    name = MODE_ALIASES.get(name.lower(), name.lower())
    return name if name in MODES else None


def render(table: pa.Table, settings: OutputSettings) -> str:
    """`table` as text in the mode of `settings` (no final newline; may be empty)."""
    return _RENDERERS[settings.mode](table, settings)


def _aligned(table: pa.Table, settings: OutputSettings) -> str:
    return format_table(table, settings.max_rows, settings.headers, settings.null_text,
                        settings.widths)


def _cells(table: pa.Table, settings: OutputSettings, exact: bool = False) -> list[list[str]]:
    """The rows of `table` as texts; NULL as the null text."""
    columns = [cell_values(column) for column in table.columns]
    return [[settings.null_text if v is None else value_text(v, exact) for v in row]
            for row in zip(*columns)]


def _grid(table: pa.Table, settings: OutputSettings):
    """Header and rows as one-line cell texts, with the width of each column."""
    header = [one_line(name) for name in table.column_names]
    rows = [[one_line(cell) for cell in row] for row in _cells(table, settings)]
    widths = fit_widths([header] + rows, settings.widths)
    return header, rows, widths


def _center(text: str, width: int) -> str:
    left = (width - len(text)) // 2
    return " " * left + text + " " * (width - len(text) - left)


def _pad(text: str, width: int, fixed: int) -> str:
    return text[:width].rjust(width) if fixed < 0 else text[:width].ljust(width)


def _ruled(table: pa.Table, settings: OutputSettings, rules: tuple[str, str, str], bar: str,
           fill: str) -> str:
    """A grid: `rules` are the (top, below header, bottom) lines' corner/junction sets."""
    if table.num_columns == 0:
        return ""
    header, rows, widths = _grid(table, settings)
    fixed = list(settings.widths) + [0] * len(widths)

    def rule(chars: str) -> str:
        return chars[0] + chars[1].join(fill * (w + 2) for w in widths) + chars[2]

    def line(cells: list[str], centered: bool = False) -> str:
        texts = [_center(c[:w], w) if centered else _pad(c, w, f)
                 for c, w, f in zip(cells, widths, fixed)]
        return bar + bar.join(f" {t} " for t in texts) + bar

    lines = [rule(rules[0])]
    if settings.headers:
        lines += [line(header, centered=True), rule(rules[1])]
    lines += [line(row) for row in rows]
    lines.append(rule(rules[2]))
    return "\n".join(lines)


def _box(table: pa.Table, settings: OutputSettings) -> str:
    return _ruled(table, settings, ("┌┬┐", "├┼┤", "└┴┘"), "│", "─")


def _table(table: pa.Table, settings: OutputSettings) -> str:
    return _ruled(table, settings, ("+++", "+++", "+++"), "|", "-")


def _markdown(table: pa.Table, settings: OutputSettings) -> str:
    if table.num_columns == 0:
        return ""
    header, rows, widths = _grid(table, settings)
    fixed = list(settings.widths) + [0] * len(widths)
    right = [is_numeric(f.type) for f in table.schema]

    def line(texts: list[str]) -> str:
        return "|" + "|".join(f" {t} " for t in texts) + "|"

    lines = []
    if settings.headers:
        lines.append(line([_center(h[:w], w) for h, w in zip(header, widths)]))
        lines.append("|" + "|".join("-" * (w + 1) + (":" if r else "-")
                                    for w, r in zip(widths, right)) + "|")
    lines += [line([_pad(c, w, f) for c, w, f in zip(row, widths, fixed)]) for row in rows]
    return "\n".join(lines)


def _separated(table: pa.Table, settings: OutputSettings, delimiter: str) -> str:
    """CSV (quoted where needed) or TSV (DuckDB's `tabs`: values as they are)."""
    rows = _cells(table, settings, exact=True)
    if settings.headers:
        rows.insert(0, table.column_names)
    if delimiter == "\t":
        return "\n".join("\t".join(row) for row in rows)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().removesuffix("\n")


def _csv(table: pa.Table, settings: OutputSettings) -> str:
    return _separated(table, settings, ",")


def _tsv(table: pa.Table, settings: OutputSettings) -> str:
    return _separated(table, settings, "\t")


def _json_value(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
        return value_text(value, exact=True)
    if isinstance(value, decimal.Decimal) and value.is_finite():
        return str(value)
    return json.dumps(value_text(value, exact=True), ensure_ascii=False)


def _json_rows(table: pa.Table) -> list[str]:
    keys = [json.dumps(name, ensure_ascii=False) + ":" for name in table.column_names]
    columns = [cell_values(column) for column in table.columns]
    return ["{" + ",".join(k + _json_value(v) for k, v in zip(keys, row)) + "}"
            for row in zip(*columns)]


def _json(table: pa.Table, settings: OutputSettings) -> str:
    return "[" + ",\n".join(_json_rows(table)) + "]"


def _jsonlines(table: pa.Table, settings: OutputSettings) -> str:
    return "\n".join(_json_rows(table))


def _line(table: pa.Table, settings: OutputSettings) -> str:
    names = table.column_names
    width = max([LINE_NAME_WIDTH] + [len(n) for n in names])
    records = ["\n".join(f"{n.rjust(width)} = {cell}" for n, cell in zip(names, row))
               for row in _cells(table, settings)]
    return "\n\n".join(records)


_RENDERERS = {
    "aligned": _aligned, "box": _box, "table": _table, "markdown": _markdown, "csv": _csv,
    "tsv": _tsv, "json": _json, "jsonlines": _jsonlines, "line": _line,
}
