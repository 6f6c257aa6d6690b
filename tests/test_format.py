"""format_table: aligned text tables for tqp-shell."""

from __future__ import annotations

import datetime
import decimal

import pyarrow as pa

from tqp.format import MAX_CELL_WIDTH, format_table, format_value, rows_text, value_text


def test_header_separator_and_alignment():
    table = pa.table({"id": [1, 200], "name": ["ab", "c"], "price": [1.5, 20.25]})
    assert format_table(table).splitlines() == [
        " id | name | price",
        "----+------+------",
        "  1 | ab   |   1.5",
        "200 | c    | 20.25",
    ]


def test_null_shows_as_null():
    table = pa.table({"a": pa.array([None, 1], pa.int64()), "s": ["x", None]})
    assert format_table(table).splitlines() == [
        "   a | s",
        "-----+-----",
        "NULL | x",
        "   1 | NULL",
    ]


def test_empty_result_has_header_only():
    table = pa.table({"a": pa.array([], pa.int32())})
    assert format_table(table).splitlines() == ["a", "-"]


def test_long_results_are_truncated_with_a_count():
    table = pa.table({"n": list(range(100))})
    lines = format_table(table, max_rows=40).splitlines()
    assert len(lines) == 2 + 40 + 1
    assert lines[-2].strip() == "39"
    assert lines[-1] == "... 60 more rows"
    assert format_table(pa.table({"n": [1, 2]}), max_rows=1).splitlines()[-1] == "... 1 more row"


def test_max_rows_none_shows_everything():
    assert len(format_table(pa.table({"n": list(range(100))}), max_rows=None).splitlines()) == 102


def test_default_limit_is_40_rows():
    lines = format_table(pa.table({"n": list(range(41))})).splitlines()
    assert lines[-1] == "... 1 more row"


def test_values_of_each_type():
    assert format_value(None) == "NULL"
    assert format_value(True) == "true"
    assert format_value(3) == "3"
    assert format_value(3.0) == "3.0"
    assert format_value(0.1 + 0.2) == "0.3"  # float noise hidden
    assert format_value(38250854.6263) == "38250854.6263"
    assert format_value(532348211.649998) == "532348211.65"  # float64 sum noise hidden
    assert format_value(decimal.Decimal("1.50")) == "1.50"
    assert format_value(datetime.date(1998, 9, 2)) == "1998-09-02"
    assert format_value(datetime.datetime(1998, 9, 2, 10, 30)) == "1998-09-02 10:30:00"
    plus_two = datetime.timezone(datetime.timedelta(hours=2))  # a TIMESTAMPTZ: shown in UTC
    assert format_value(datetime.datetime(1998, 9, 2, 10, 30, tzinfo=plus_two)) == \
        "1998-09-02 08:30:00+00"
    assert format_value("two\nlines") == "two\\nlines"


def test_dates_dictionaries_and_decimals_align():
    table = pa.table({
        "d": pa.array([datetime.date(1998, 1, 1)], pa.date32()),
        "s": pa.array(["a"]).dictionary_encode(),
        "m": pa.array([decimal.Decimal("12.50")], pa.decimal128(10, 2)),
    })
    assert format_table(table).splitlines() == [
        "d          | s |     m",
        "-----------+---+------",
        "1998-01-01 | a | 12.50",
    ]


def test_long_cells_are_clipped():
    cell = format_table(pa.table({"s": ["x" * 500]})).splitlines()[2]
    assert len(cell) == MAX_CELL_WIDTH
    assert cell.endswith("...")


def test_rows_text():
    assert rows_text(0) == "0 rows"
    assert rows_text(1) == "1 row"
    assert rows_text(2) == "2 rows"


def test_exact_value_text_for_data_exports():
    assert value_text(0.1 + 0.2, exact=True) == "0.30000000000000004"
    assert value_text(0.1 + 0.2) == "0.3"
    assert value_text(3.0, exact=True) == "3.0"
    assert value_text("two\nlines") == "two\nlines"  # only grid cells are kept to one line
    assert format_value(None, null_text="-") == "-"


def test_headers_off_and_fixed_widths():
    table = pa.table({"id": [1, 200], "name": ["abcdef", "c"]})
    assert format_table(table, headers=False, widths=[-5, 3]).splitlines() == [
        "    1 | abc",
        "  200 | c",
    ]
