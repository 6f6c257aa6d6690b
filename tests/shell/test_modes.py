"""Output modes: the layouts DuckDB's CLI prints (from sqlite3), and data that reads back as
DuckDB's answer to the same query."""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import json

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.oracle import assert_same_result
from tqp.shell.modes import MODES, OutputSettings, mode_name, render

TABLE = pa.table({
    "a": pa.array([42, 7], pa.int64()),
    "bb": ["hello", 'x,"y'],
    "c": pa.array([None, 3], pa.int64()),
    "dd": [1.5, -2.0],
})


def show(mode: str, **settings) -> list[str]:
    return render(TABLE, OutputSettings(mode=mode, **settings)).splitlines()


def test_box_centers_headers_and_left_aligns_values():
    assert show("box") == [
        "┌────┬───────┬──────┬──────┐",
        "│ a  │  bb   │  c   │  dd  │",
        "├────┼───────┼──────┼──────┤",
        "│ 42 │ hello │ NULL │ 1.5  │",
        '│ 7  │ x,"y  │ 3    │ -2.0 │',
        "└────┴───────┴──────┴──────┘",
    ]


def test_table_is_box_in_ascii():
    assert show("table") == [
        "+----+-------+------+------+",
        "| a  |  bb   |  c   |  dd  |",
        "+----+-------+------+------+",
        "| 42 | hello | NULL | 1.5  |",
        '| 7  | x,"y  | 3    | -2.0 |',
        "+----+-------+------+------+",
    ]


def test_markdown_marks_numeric_columns_right_aligned():
    assert show("markdown") == [
        "| a  |  bb   |  c   |  dd  |",
        "|---:|-------|-----:|-----:|",
        "| 42 | hello | NULL | 1.5  |",
        '| 7  | x,"y  | 3    | -2.0 |',
    ]


def test_line_mode_one_value_per_line():
    assert show("line") == [
        "    a = 42", "   bb = hello", "    c = NULL", "   dd = 1.5", "",
        "    a = 7", '   bb = x,"y', "    c = 3", "   dd = -2.0",
    ]


def test_csv_tsv_json_jsonlines():
    assert show("csv") == ["a,bb,c,dd", "42,hello,NULL,1.5", '7,"x,""y",3,-2.0']
    assert show("tsv") == ["a\tbb\tc\tdd", "42\thello\tNULL\t1.5", '7\tx,"y\t3\t-2.0']
    assert show("json") == ['[{"a":42,"bb":"hello","c":null,"dd":1.5},',
                            '{"a":7,"bb":"x,\\"y","c":3,"dd":-2.0}]']
    assert show("jsonlines") == ['{"a":42,"bb":"hello","c":null,"dd":1.5}',
                                 '{"a":7,"bb":"x,\\"y","c":3,"dd":-2.0}']


def test_headers_off_nullvalue_and_widths():
    assert show("csv", headers=False, null_text="") == ["42,hello,,1.5", '7,"x,""y",3,-2.0']
    assert show("box", headers=False)[:2] == ["┌────┬───────┬──────┬──────┐",
                                              "│ 42 │ hello │ NULL │ 1.5  │"]
    # .width: 0 fits, 3 cuts "hello", -4 right-aligns in 4 columns, a missing entry fits.
    assert show("table", widths=[0, 3, -4])[3:5] == ["| 42 | hel | NULL | 1.5  |",
                                                      '| 7  | x," |    3 | -2.0 |']
    assert show("aligned", widths=[4])[2] == "  42 | hello | NULL |  1.5"


def test_empty_results():
    empty = TABLE.slice(0, 0)
    assert render(empty, OutputSettings(mode="json")) == "[]"
    assert render(empty, OutputSettings(mode="jsonlines")) == ""
    assert render(empty, OutputSettings(mode="csv")) == "a,bb,c,dd"
    assert render(empty, OutputSettings(mode="box")).count("\n") == 3


def test_mode_names_and_aliases():
    assert [mode_name(m) for m in MODES] == list(MODES)
    assert mode_name("tabs") == "tsv" and mode_name("CSV") == "csv" and mode_name("x") is None


# -- the data modes read back as DuckDB's answer ----------------------------------------------

QUERY = "select k, s, n, m, d, x from v order by k"


@pytest.fixture
def typed_data(tmp_path):
    """A Parquet file with the types a result carries: integers, text with separators and
    quotes, NULLs, DECIMAL, DATE, DOUBLE."""
    folder = tmp_path / "data"
    folder.mkdir()
    pq.write_table(pa.table({
        "k": pa.array([1, 2, 3], pa.int32()),
        "s": ["plain", 'comma, "quoted"', None],
        "n": pa.array([10, None, -3], pa.int64()),
        "m": pa.array([decimal.Decimal("1.50"), decimal.Decimal("-2.25"), None],
                      pa.decimal128(15, 2)),
        "d": pa.array([datetime.date(1998, 9, 2), None, datetime.date(1970, 1, 1)]),
        "x": [0.1 + 0.2, 1e20, None],
    }), folder / "v.parquet")
    return folder


def expected_rows(folder) -> pa.Table:
    con = duckdb.connect()
    con.execute(f"create view v as select * from '{folder / 'v.parquet'}'")
    return con.sql(QUERY).to_arrow_table()


def as_text_table(expected: pa.Table, rows: list[list]) -> tuple[pa.Table, pa.Table]:
    """What a text mode wrote (`rows` of texts, None for NULL) and what DuckDB answered, as
    tables of texts, but DOUBLE and DECIMAL columns as floats (compared with a tolerance: tqp
    computes decimals in float64)."""
    got, want = {}, {}
    for i, field in enumerate(expected.schema):
        cells = [row[i] for row in rows]
        values = expected[field.name].to_pylist()
        if pa.types.is_floating(field.type) or pa.types.is_decimal(field.type):
            got[field.name] = pa.array([None if c is None else float(c) for c in cells],
                                       pa.float64())
            want[field.name] = pa.array([None if v is None else float(v) for v in values],
                                        pa.float64())
        else:
            got[field.name] = pa.array(cells, pa.string())
            want[field.name] = pa.array([None if v is None else str(v) for v in values],
                                        pa.string())
    return pa.table(got), pa.table(want)


@pytest.mark.parametrize("mode", ["csv", "tsv"])
def test_separated_values_read_back(shell, typed_data, mode):
    status, out, err = shell(f".mode {mode}\n.nullvalue ''\n{QUERY};\n", str(typed_data))
    assert status == 0, err
    if mode == "csv":
        header, *rows = list(csv.reader(io.StringIO(out)))
    else:  # DuckDB's tabs mode writes values as they are: no quoting to undo
        header, *rows = [line.split("\t") for line in out.splitlines()]
    expected = expected_rows(typed_data)
    assert header == expected.column_names
    got, want = as_text_table(expected, [[c if c != "" else None for c in row] for row in rows])
    assert_same_result(got, want, ordered=True)


@pytest.mark.parametrize("mode", ["json", "jsonlines"])
def test_json_reads_back(shell, typed_data, mode):
    status, out, err = shell(f".mode {mode}\n{QUERY};\n", str(typed_data))
    assert status == 0, err
    if mode == "json":
        objects = json.loads(out)
    else:
        objects = [json.loads(line) for line in out.splitlines()]
    expected = expected_rows(typed_data)
    assert all(list(o) == expected.column_names for o in objects)
    # Numbers are JSON numbers (DECIMALs too), the rest strings, NULL null.
    assert objects[0]["k"] == 1 and objects[0]["m"] == 1.5 and objects[1]["n"] is None
    assert objects[0]["x"] == 0.1 + 0.2 and objects[0]["d"] == "1998-09-02"
    rows = [[v if v is None or isinstance(v, float) else str(v) for v in o.values()]
            for o in objects]
    got, want = as_text_table(expected, rows)
    assert_same_result(got, want, ordered=True)


def test_line_mode_reads_back(shell, typed_data):
    status, out, err = shell(f".mode line\n{QUERY};\n", str(typed_data))
    assert status == 0, err
    records = out.rstrip("\n").split("\n\n")
    expected = expected_rows(typed_data)
    rows = []
    for record in records:
        pairs = [line.split(" = ", 1) for line in record.splitlines()]
        assert [name.strip() for name, _ in pairs] == expected.column_names
        rows.append([None if v == "NULL" else v for _, v in pairs])
    got, want = as_text_table(expected, rows)
    assert_same_result(got, want, ordered=True)
