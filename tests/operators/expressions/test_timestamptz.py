"""TIMESTAMP WITH TIME ZONE (operators/expressions/timestamptz.py): the session time zone, the
text of offsets, NOW() as one instant per statement, TO_TIMESTAMP; on each device, checked
against DuckDB (run in UTC by the `engines` fixture)."""

from __future__ import annotations

import datetime

import numpy as np
import pyarrow as pa
import pytest
import torch

import tqp
from tqp.operators.expressions.timestamptz import (
    session_time_zone, split_offsets, timestamptz_strings,
)

UTC = datetime.timezone.utc


@pytest.mark.parametrize("name", ["UTC", "utc", "Etc/UTC", "GMT", " Zulu "])
def test_utc_names_are_the_session_zone(name):
    assert session_time_zone(name) == "UTC"


@pytest.mark.parametrize("name", ["America/New_York", "Europe/Paris", "+02", "CET", ""])
def test_other_zones_are_refused(name):
    with pytest.raises(tqp.NotSupportedError, match="time zone"):
        session_time_zone(name)


def test_split_offsets_reads_each_form():
    texts = pa.array(["2020-01-01 10:00:00+02", "2020-01-01 10:00:00.5-0130", " 2020-01-01T10:00Z ",
                      "2020-01-01", "2020-01-01 10:00:00 UTC", "2020-01-01 10:00:00+01:30:15",
                      "0045-03-15 (BC) 10:00:00+00", None, "2020-01-01 10:00:00-05:30"])
    bodies, offsets = split_offsets(texts)
    assert bodies.to_pylist() == [
        "2020-01-01 10:00:00", "2020-01-01 10:00:00.5", "2020-01-01T10:00", "2020-01-01",
        "2020-01-01 10:00:00", "2020-01-01 10:00:00", "0045-03-15 (BC) 10:00:00", None,
        "2020-01-01 10:00:00"]
    hour = 3_600_000_000
    assert offsets.tolist() == [2 * hour, -90 * 60_000_000, 0, 0, 0, 5_415_000_000, 0, 0,
                                -330 * 60_000_000]


def test_split_offsets_of_nothing():
    bodies, offsets = split_offsets(pa.array([], pa.string()))
    assert len(bodies) == 0 and offsets.dtype == np.int64 and len(offsets) == 0


def test_split_offsets_refuses_other_zone_names():
    with pytest.raises(tqp.NotSupportedError, match="Asia/Tokyo"):
        split_offsets(pa.array(["2020-01-01 10:00:00", "2020-01-01 10:00:00 Asia/Tokyo"]))


def test_timestamptz_text_is_utc_with_its_offset():
    micros = torch.tensor([0, 1_500_000, -1, 1_577_872_800_000_000])
    assert timestamptz_strings(micros) == [
        "1970-01-01 00:00:00+00", "1970-01-01 00:00:01.5+00", "1969-12-31 23:59:59.999999+00",
        "2020-01-01 10:00:00+00"]


@pytest.mark.parametrize("expression", [
    "s::timestamptz", "cast(s as timestamptz)::varchar", "(s::timestamptz)::timestamp",
    "(s::timestamptz)::date", "date_trunc('hour', s::timestamptz)",
    "s::timestamptz + interval 1 month", "year(s::timestamptz)",
    "strftime(s::timestamptz, '%Y-%m-%dT%H:%M:%S%z %Z')", "epoch_ms(s::timestamptz)",
    "s::timestamptz > timestamp '2000-01-01'",
])
def test_offset_texts_as_duckdb(engines, expression):
    engines.check(f"SELECT id, {expression} AS v FROM (VALUES (1, '2020-02-29 23:30:00-01'), "
                  "(2, '1969-12-31 23:59:59.25+05:30'), (3, NULL), (4, '2024-01-01 00:00:00Z'), "
                  "(5, '1999-12-31 22:00:00 UTC')) t(id, s)")


@pytest.mark.parametrize("expression", [
    "ts::timestamptz", "dt::timestamptz", "ts::timestamptz = ts", "dt::timestamptz < ts",
    "date_trunc('month', ts::timestamptz)", "dayname(ts::timestamptz)",
    "greatest(ts::timestamptz, dt)", "date_diff('minute', ts::timestamptz, dt)",
    "to_timestamp(epoch(ts))",
])
def test_columns_as_duckdb(engines, expression):
    engines.check_column("dates", expression)


def _instants(rows: int = 1500, seed: int = 5) -> pa.Table:
    """Random instant pairs: month ends, times near midnight, sub-millisecond parts, before
    and after 1970 (where DuckDB's ICU calendar reads an instant's milliseconds toward zero)."""
    rng = np.random.default_rng(seed)
    day = 86_400_000_000
    days = rng.integers(-200_000, 120_000, rows)
    other = days + rng.choice([0, 1, -1, 28, 29, 30, 31, -30, -31, 365, -366, 59], rows) \
        + rng.integers(-1, 2, rows)
    near = rng.choice([0, 1, 999, day - 1, day - 500, day // 2], rows)
    times = np.where(rng.random(rows) < 0.5, near, rng.integers(0, day, rows))
    others = np.where(rng.random(rows) < 0.5, rng.choice([0, 999, day - 1, day - 999], rows),
                      rng.integers(0, day, rows))
    utc = pa.timestamp("us", tz="UTC")
    return pa.table({"id": pa.array(np.arange(rows, dtype=np.int32)),
                     "a": pa.array(days * day + times, utc),
                     "b": pa.array(other * day + others, utc)})


@pytest.fixture(scope="module")
def instants(engines):
    return engines.register("instants", _instants())


@pytest.mark.parametrize("part", ["microsecond", "millisecond", "second", "minute", "hour",
                                  "day", "week", "month", "quarter", "year", "decade",
                                  "century", "millennium"])
def test_date_sub_of_random_instants(instants, part):
    """DATE_SUB of TIMESTAMPTZs counts as DuckDB's ICU calendar: months and years from the
    start toward the end (so not symmetric), hours and longer between milliseconds."""
    instants.check(f"SELECT id, date_sub('{part}', a, b) AS x, date_sub('{part}', b, a) AS y, "
                   f"date_sub('{part}', a::timestamp, b) AS z FROM instants")


def test_date_sub_isoyear_of_instants_is_refused(instants):
    with pytest.raises(tqp.NotSupportedError, match="isoyear"):
        instants.tqp.execute("SELECT date_sub('isoyear', a, b) FROM instants").fetchall()


def test_to_timestamp_rounds_to_microseconds(engines):
    engines.check("SELECT to_timestamp(1.0000005) AS a, to_timestamp(-1.0000005) AS b, "
                  "to_timestamp(1.0000004) AS c, to_timestamp(n) AS d FROM dates")


@pytest.mark.parametrize("sql", ["SELECT to_timestamp(1e20)", "SELECT to_timestamp('nan'::double)",
                                 "SELECT '2020-01-01 10:00:00+1'::timestamptz"])
def test_data_errors(engines, sql):
    engines.both_raise(sql, tqp.DataError)


def test_now_is_one_instant_per_statement():
    """Every row, batch and call of one statement sees the same NOW(); the next statement a
    later one."""
    con = tqp.connect(batch_rows=2)
    con.register("t", pa.table({"x": list(range(50))}))
    query = ("SELECT count(DISTINCT now()) AS a, count(DISTINCT current_timestamp) AS b, "
             "min(now()) = max(get_current_timestamp()) AS c, "
             "bool_and(transaction_timestamp() = now()) AS d, "
             "min(current_date) = max(now()::date) AS e FROM t, (SELECT now() AS n) s "
             "WHERE s.n = now()")
    assert con.execute(query).fetchall() == [(1, 1, True, True, True)]
    first = con.execute("SELECT now()").fetchall()[0][0]
    second = con.execute("SELECT now()").fetchall()[0][0]
    assert first.tzinfo is not None and first <= second
    assert abs(first - datetime.datetime.now(UTC)) < datetime.timedelta(minutes=5)


def test_now_is_the_transaction_start_inside_one():
    con = tqp.connect()
    con.execute("BEGIN")
    first = con.execute("SELECT now()").fetchall()[0][0]
    second = con.execute("SELECT now()").fetchall()[0][0]
    con.execute("COMMIT")
    assert first == second
    assert con.execute("SELECT now()").fetchall()[0][0] >= first


def test_now_in_a_view_is_the_statement_instant():
    con = tqp.connect()
    con.execute("CREATE VIEW v AS SELECT now() AS n")
    assert con.execute("SELECT n = now() FROM v").fetchall() == [(True,)]


def test_set_time_zone():
    con = tqp.connect()
    con.execute("SET TimeZone = 'Etc/UTC'")
    con.execute("SET timezone TO 'UTC'")
    con.execute("RESET TimeZone")
    with pytest.raises(tqp.NotSupportedError, match="America/New_York"):
        con.execute("SET TimeZone = 'America/New_York'")
    assert con.execute("SELECT timestamptz '2020-01-01 10:00+02'::varchar").fetchall() == [
        ("2020-01-01 08:00:00+00",)]


def test_arrow_out_is_utc_microseconds():
    con = tqp.connect()
    table = con.execute("SELECT timestamptz '2020-01-01 10:00+02' AS t, "
                        "NULL::timestamptz AS n").fetch_arrow_table()
    assert table.schema.types == [pa.timestamp("us", tz="UTC")] * 2
    assert table.to_pylist() == [{"t": datetime.datetime(2020, 1, 1, 8, tzinfo=UTC), "n": None}]
