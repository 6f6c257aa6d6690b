"""INTERVAL expressions (tqp/operators/expressions/intervals.py) agree with DuckDB over random
values: AGE and TIMESTAMP (and TIMESTAMPTZ) differences of random pairs, instants moved by
intervals, interval arithmetic, the products and
quotients DuckDB computes as Postgres' interval_mul, comparisons of equal intervals written
apart, parts, texts both ways; and the results leave as DuckDB returns them (Arrow's
month_day_nano_interval, datetime.timedelta from fetchall, DuckDB's text in the shell)."""

from __future__ import annotations

import datetime

import duckdb
import numpy as np
import pyarrow as pa
import pytest

import tqp
from tqp.format import format_table, interval_text
from tqp.operators.expressions.intervals import parse_interval

DAY = 86_400_000_000


def _table(rows: int = 2000, seed: int = 11) -> pa.Table:
    rng = np.random.default_rng(seed)
    base = rng.integers(-300_000, 300_000, rows)
    steps = [0, 1, 27, 28, 29, 30, 31, 59, 365, 366, -31, -29, -365, -1, 3650]
    times = np.where(rng.random(rows) < 0.3, 0, rng.integers(0, DAY, rows))
    other = np.where(rng.random(rows) < 0.3, 0, rng.integers(0, DAY, rows))
    b_days = base + rng.choice(steps, rows) + rng.integers(-2, 3, rows)
    months = rng.choice([0, 0, 1, -1, 12, 14, -13, 1000], rows)
    days = rng.choice([0, 0, 1, -1, 29, 30, 31, -30, 400], rows)
    micros = rng.choice([0, 0, 1, -1, DAY, -DAY, DAY // 2, 3_600_000_000, 123_456_789],
                        rows) + np.where(rng.random(rows) < 0.2, rng.integers(-DAY, DAY, rows), 0)
    nulls = rng.random(rows) < 0.05
    mdn = [None if null else pa.MonthDayNano([int(m), int(d), int(u) * 1000])
           for m, d, u, null in zip(months, days, micros, nulls)]
    return pa.table({
        "id": pa.array(np.arange(rows, dtype=np.int32)),
        "a": pa.array(base * DAY + times, pa.timestamp("us"), mask=nulls[::-1]),
        "b": pa.array(b_days * DAY + other, pa.timestamp("us")),
        "ta": pa.array(base * DAY + times, pa.timestamp("us", tz="UTC"), mask=nulls[::-1]),
        "tb": pa.array(b_days * DAY + other + rng.integers(-1, 2, rows) * 999,
                       pa.timestamp("us", tz="UTC")),
        "da": pa.array(base.astype(np.int32), pa.date32()),
        "iv": pa.array(mdn, pa.month_day_nano_interval()),
        "f": pa.array(rng.choice([0.5, 1.5, -2.25, 1 / 3, 7.0, 0.001, -0.1], rows)),
        "n": pa.array(rng.choice([1, 2, 3, 7, -4, 30], rows).astype(np.int32)),
    })


@pytest.fixture(scope="module")
def pairs(engines):
    return engines.register("ivs", _table())


@pytest.mark.parametrize("expression", [
    "age(a, b)", "age(b, a)", "age(da, b)", "age(a, da)",
    "a - b", "b - a", "da - b", "a - da",
])
def test_differences_of_random_pairs(pairs, expression):
    pairs.check_column("ivs", expression)


@pytest.mark.parametrize("expression", [
    "ta - tb", "tb - ta", "ta - b", "b - ta", "da - tb", "tb - da", "age(ta, tb)",
    "age(tb, ta)", "age(a, tb)", "age(tb, da)",
])
def test_differences_of_random_instants(pairs, expression):
    """TIMESTAMPTZ minus TIMESTAMPTZ, TIMESTAMP or DATE and AGE of them, in UTC."""
    pairs.check_column("ivs", expression)


@pytest.mark.parametrize("expression", [
    "ta + iv", "ta - iv", "iv + tb", "tb - iv", "ta - interval '1 month 1 second'",
    "tb + (iv - interval 1 millisecond)", "ta + (ta - tb)", "tb - age(a, b)",
])
def test_instants_moved_by_intervals(pairs, expression):
    """TIMESTAMPTZ +/- an interval as DuckDB's calendar moves it (time first where a part of
    the interval added is negative, else months first; sub-millisecond parts first)."""
    pairs.check_column("ivs", expression)


@pytest.mark.parametrize("expression", [
    "iv + interval 1 day", "iv - interval '1 month 2 hours'", "-iv", "iv + iv", "iv * n",
    "iv * f", "iv / f", "iv / n", "n * iv", "iv * 1.5", "iv / 3",
])
def test_interval_arithmetic(pairs, expression):
    pairs.check_column("ivs", expression)


@pytest.mark.parametrize("expression", ["a + iv", "a - iv", "da + iv", "da - iv", "iv + a"])
def test_timestamps_moved_by_interval_columns(pairs, expression):
    pairs.check_column("ivs", expression)


@pytest.mark.parametrize("op", ["=", "<>", "<", "<=", ">", ">="])
def test_comparisons_of_random_intervals(pairs, op):
    pairs.check("SELECT x.id, y.id AS other, x.iv " + op + " y.iv AS v FROM ivs x, ivs y "
                "WHERE x.id < 60 AND y.id < 60")


def test_order_and_groups_of_random_intervals(pairs):
    pairs.check("SELECT epoch(iv) AS e, count(*) AS n FROM ivs GROUP BY iv ORDER BY iv, n")
    pairs.check("SELECT id, iv FROM ivs ORDER BY iv, id")


@pytest.mark.parametrize("part", ["year", "month", "day", "hour", "minute", "second",
                                  "millisecond", "microsecond", "epoch", "quarter", "decade"])
def test_parts_of_random_intervals(pairs, part):
    pairs.check_column("ivs", f"date_part('{part}', iv)")


def test_texts_of_random_intervals_both_ways(pairs):
    pairs.check_column("ivs", "iv::varchar")
    pairs.check_column("ivs", "cast(iv::varchar as interval)")
    pairs.check_column("ivs", "(a - b)::varchar")


def test_average_of_random_intervals(pairs):
    pairs.check("SELECT n, avg(iv) AS v, min(iv) AS lo, max(iv) AS hi FROM ivs GROUP BY n "
                "ORDER BY n")


TEXTS = ["1 year 2 months 3 days 04:05:06.5", "3 days ago", "-1 day 2 hours ago", "1.5 days",
         "1.5 months", "1.5 years", "10:00", "1:2", "1:02:03.1234567", "1 h 2 m",
         "2 mons 3 hrs", "1 millennium", "1 decade 1 century", "2 weeks", "1 quarter",
         "1 day -2 hours", "1d", " 1 DAY ", "1 us", "1 ms", "-00:00:01", "1 day 1 day", "1.5",
         "0.0000005 seconds", "-0.5 days", "100 hours", "1days"]


@pytest.mark.parametrize("text", TEXTS)
def test_parsed_texts_are_duckdbs(text):
    want = duckdb.sql(f"SELECT '{text}'::INTERVAL::VARCHAR").fetchall()[0][0]
    assert interval_text(*parse_interval(text)) == want


@pytest.mark.parametrize("text", ["P1D", "+3 days", "- 1 day", "", "1 fortnight", "1:61",
                                  "day"])
def test_texts_duckdb_refuses_are_none(text):
    with pytest.raises(duckdb.Error):
        duckdb.sql(f"SELECT '{text}'::INTERVAL").fetchall()
    assert parse_interval(text) is None


def test_timedelta_parameters_are_intervals_of_days_and_microseconds():
    sql = "SELECT CAST(? AS VARCHAR) AS a, ? + INTERVAL 1 MONTH AS b, TYPEOF(?) AS c"
    for value in (datetime.timedelta(days=2, microseconds=5), datetime.timedelta(days=-1),
                  datetime.timedelta(hours=-1, seconds=1), datetime.timedelta(0)):
        parameters = [value, value, value]
        assert tqp.connect().execute(sql, parameters).fetchall() == \
            duckdb.execute(sql, parameters).fetchall()


def test_results_leave_as_duckdb_returns_them():
    sql = ("SELECT interval '1 year 2 months 3 days 04:05:06.5' AS i, "
           "CAST(NULL AS INTERVAL) AS n, timestamp '2020-01-02' - timestamp '2020-03-01' AS d")
    con = tqp.connect()
    cursor = con.execute(sql)
    table = cursor.fetch_arrow_table()
    expected = duckdb.sql(sql)
    assert table.schema.types == expected.to_arrow_table().schema.types
    assert con.execute(sql).fetchall() == expected.fetchall()
    assert [d[1] for d in con.execute(sql).description] == ["INTERVAL"] * 3
    text = format_table(table)
    assert "1 year 2 months 3 days 04:05:06.5 | NULL | -59 days" in text
    assert isinstance(con.execute(sql).fetchall()[0][0], datetime.timedelta)
    tensors = con.execute("SELECT INTERVAL '1 year 2 days 00:00:03' AS i").torch()
    assert tensors["i"].tolist() == [[12, 2, 3_000_000]]  # months, days, microseconds


def test_copy_writes_intervals_to_csv_as_duckdb_and_refuses_parquet(tmp_path):
    sql = ("SELECT * FROM (VALUES (1, INTERVAL '1 day 2 hours'), (2, NULL), "
           "(3, INTERVAL '-14 months 3 seconds')) t(k, i)")
    con = tqp.connect()
    con.execute(f"COPY ({sql}) TO '{tmp_path / 'tqp.csv'}'")
    duckdb.execute(f"COPY ({sql}) TO '{tmp_path / 'duck.csv'}'")
    mine = (tmp_path / "tqp.csv").read_text().replace('"', "").splitlines()
    assert mine == (tmp_path / "duck.csv").read_text().splitlines()
    with pytest.raises(tqp.NotSupportedError, match="INTERVAL"):
        con.execute(f"COPY ({sql}) TO '{tmp_path / 'x.parquet'}' (FORMAT PARQUET)")


def test_inserts_into_an_interval_column_store_what_duckdb_stores():
    """VALUES of intervals, texts, NULLs and datetime.timedelta parameters (whole days and the
    microseconds left, as DuckDB binds them) into a table made by CREATE TABLE AS."""
    sql = "SELECT CAST(i AS VARCHAR) AS i, n FROM t1 ORDER BY n"
    answers = []
    for con in (tqp.connect(), duckdb.connect()):
        con.execute("CREATE TABLE t1 AS SELECT INTERVAL 1 DAY AS i, 2 AS n")
        con.execute("INSERT INTO t1 VALUES (INTERVAL 3 HOUR, 1)")
        con.execute("INSERT INTO t1 VALUES (?, ?)", [datetime.timedelta(hours=-5), 7])
        con.execute("INSERT INTO t1 VALUES ('2 days 3 hours', 9), (NULL, 10)")
        con.executemany("INSERT INTO t1 VALUES (?, ?)",
                        [[datetime.timedelta(days=1, microseconds=3), 11], [None, 12]])
        answers.append(con.execute(sql).fetchall())
    assert answers[0] == answers[1]
    con = tqp.connect()
    con.execute("CREATE TABLE t1 AS SELECT INTERVAL 1 DAY AS i")
    with pytest.raises(tqp.DataError, match="zzz"):
        con.execute("INSERT INTO t1 VALUES ('zzz')")


def test_dataframes_hold_intervals_as_duckdb_does():
    sql = ("SELECT * FROM (VALUES (1, INTERVAL '1 month 2 days 03:00:00.5'), (2, NULL), "
           "(3, -INTERVAL 36 HOUR)) t(k, i) ORDER BY k")
    mine, theirs = tqp.connect().execute(sql).fetchdf(), duckdb.sql(sql).df()
    assert list(mine.dtypes) == list(theirs.dtypes)
    assert mine.equals(theirs)
