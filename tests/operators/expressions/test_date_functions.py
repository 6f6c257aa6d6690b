"""STRFTIME, STRPTIME, EPOCH*, MAKE_TIMESTAMP, DATE_TRUNC with a unit column and TYPEOF of dates
agree with DuckDB over the `dates` and `strs` tables (leap days, dates before 1970, NULLs)."""

from __future__ import annotations

import pytest

import tqp

FORMATS = [
    "%Y-%m-%d", "%d/%m/%y %H:%M:%S.%f", "%A %a %B %b %h %j %-j %-d %-m %-y",
    "%I %-I %p %-H %-M %-S",
    "%w %u %U %W %V %G", "%c | %x | %X | %T", "%g %n %z [%Z] %%", "no codes",
]

EPOCHS = ["epoch(dt)", "epoch(ts)", "epoch_ms(dt)", "epoch_ms(ts)", "epoch_us(dt)", "epoch_us(ts)",
          "epoch_ns(ts)", "epoch_ms(n)", "epoch_ms(epoch_ms(ts))", "make_timestamp(epoch_us(ts))"]

TRUNC_UNITS = ["millennium", "century", "decade", "year", "quarter", "month", "week", "isoyear",
               "yearweek", "day", "dow", "doy", "hour", "minute", "second", "millisecond",
               "microsecond", "epoch", "Y", "mons", "w", "ms", "us", "julian"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("column", ["dt", "ts"])
def test_strftime(engines, column, fmt):
    engines.check_column("dates", f"strftime({column}, '{fmt}')")


@pytest.mark.parametrize("fmt", ["%Y-%m-%d %H:%M:%S.%f", "%d.%m.%Y %I:%M:%S %p", "%j %Y %H",
                                 "%a %d %B %Y, %-H:%M:%S.%g", "%Y%m%d%H%M%S"])
def test_strptime_reads_what_strftime_writes(engines, fmt):
    engines.check_column("dates", f"strptime(strftime(ts, '{fmt}'), '{fmt}')")
    engines.check_column("dates", f"try_strptime(strftime(dt, '{fmt}'), '{fmt}')")


@pytest.mark.parametrize("fmt", ["%Y", "%d", "%Y-%m-%d", "%b", "abc", "%Y%m%d"])
def test_try_strptime_of_text(engines, fmt):
    engines.check_column("strs", f"try_strptime(s, '{fmt}')")


@pytest.mark.parametrize("expression", EPOCHS)
def test_epoch(engines, expression):
    engines.check_column("dates", expression)


@pytest.mark.parametrize("unit", TRUNC_UNITS)
def test_date_trunc_units(engines, unit):
    engines.check_column("dates", f"date_trunc('{unit}', dt)")
    engines.check_column("dates", f"date_trunc('{unit}', ts)")


def test_date_trunc_unit_column(engines):
    """Each row truncated to its own unit; a NULL unit or date gives NULL."""
    units = ", ".join(f"('{u}')" for u in TRUNC_UNITS)
    engines.check(f"SELECT id, u, date_trunc(u, dt) AS a, date_trunc(u, ts) AS b FROM dates, "
                  f"(VALUES {units}, (NULL)) t(u) ORDER BY id, u")
    engines.check("SELECT id, date_trunc(CASE WHEN id % 2 = 0 THEN 'month' END, ts) AS v "
                  "FROM dates ORDER BY id")


def test_make_timestamp(engines):
    engines.check_column("dates", "make_timestamp(year(dt), month(dt), day(dt), hour(ts), "
                         "minute(ts), second(ts) + epoch_us(ts) % 1000000 / 1e6)")
    engines.check_column("dates", "make_timestamp(year(ts), month(ts), 1, 23, 59, 59.9999999)")
    engines.check_column("dates", "make_timestamp(2000, 2, 29, 24, 0, 0)")


ERRORS = [
    "SELECT strptime(s, '%Y') FROM strs",  # a string that is not a date
    "SELECT strptime('2019-02-29', '%Y-%m-%d')",
    "SELECT strptime('20201', '%Y%m%d')",  # DuckDB's scanner does not backtrack
    "SELECT strftime(dt, '%Q') FROM dates",
    "SELECT strftime(dt, '') FROM dates",
    "SELECT make_timestamp(2020, 2, 30, 0, 0, 0)",
    "SELECT make_timestamp(2020, 1, 1, 23, 59, 60.5)",
    "SELECT make_timestamp(year(dt), 1, 1, n, 0, 0) FROM dates",
    "SELECT date_trunc('fortnight', dt) FROM dates",
    "SELECT date_trunc(s, DATE '2020-01-01') FROM strs",
    "SELECT epoch_ns(DATE '1600-01-01')",
]


@pytest.mark.parametrize("sql", ERRORS)
def test_data_errors(engines, sql):
    engines.both_raise(sql, tqp.DataError)


REFUSED = [
    "SELECT make_time(1, 2, 3)", "SELECT strptime('x.1', 'x.%n')",
    "SELECT strptime('2020 +0100 CET', '%Y %z %Z')", "SELECT '2020-01-01 10:00 CET'::timestamptz",
    "SELECT strptime('2020 01', '%G %V')", "SELECT strptime('infinity', '%Y')",
]


@pytest.mark.parametrize("sql", REFUSED)
def test_refused(engines, sql):
    """Values of types tqp lacks (TIME, TIMESTAMP_NS, infinity), zones other than UTC."""
    engines.duck.sql(sql).fetchall()
    with pytest.raises(tqp.NotSupportedError):
        engines.tqp.execute(sql).fetchall()


@pytest.mark.parametrize("expression", ["hour(ts)", "minute(ts)", "second(ts)", "isodow(dt)",
                                        "week(dt)", "hour(dt)"])
def test_part_functions(engines, expression):
    engines.check_column("dates", expression)


def test_current_date(engines):
    engines.check("SELECT current_date = today() AS a, current_date - DATE '2020-01-01' > 0 AS b, "
                  "current_localtimestamp() > TIMESTAMP '2020-01-01 00:00:00' AS c")
