"""Small tables for the expression tests, and a tqp + DuckDB pair over them.

Each table holds the values that break expression code: NULLs, negatives, zero, large
BIGINTs, empty and unicode strings, leap days, month ends, year boundaries and dates before 1970.
Every test evaluates SQL on tqp (on each device of `devices()`) and on DuckDB, the oracle.
"""

from __future__ import annotations

import datetime
import decimal

import duckdb
import pyarrow as pa
import pytest

import tqp
from tests.conftest import devices
from tests.oracle import check_against_duckdb

D = decimal.Decimal


def _date(text: str | None) -> datetime.date | None:
    return None if text is None else datetime.date.fromisoformat(text)


def _ts(text: str | None) -> datetime.datetime | None:
    return None if text is None else datetime.datetime.fromisoformat(text)


def expression_tables() -> dict[str, pa.Table]:
    """nums, strs, dates and bools: one row per edge value, an `id` to line rows up."""
    nums = pa.table({
        "id": pa.array(range(1, 10), pa.int32()),
        "i": pa.array([1, -1, 0, None, 7, -7, 100, 2, 3], pa.int32()),
        "b": pa.array([2**40, -3, 0, None, 5, -5, 3, -(2**33), 1], pa.int64()),
        "f": pa.array([1.5, -2.5, 0.0, None, 0.5, -0.5, 2.675, 1e10, -1e-3], pa.float64()),
        "d": pa.array([D("1.25"), D("-3.50"), D("0.00"), None, D("99.99"), D("-0.01"),
                       D("2.50"), D("-2.50"), D("0.05")], pa.decimal128(10, 2)),
        "z": pa.array([3, 2, 0, 1, -2, 5, 0, 7, 1], pa.int32()),  # no NULLs, two zeros
    })
    strs = pa.table({
        "id": pa.array(range(1, 11), pa.int32()),
        "s": pa.array(["abc", "", "Hello World", None, "café", "  pad  ", "ÀÉÎ ß", "a_b%c",
                       "ABC", "日本語"], pa.string()),
        # A second column with its own dictionary: comparisons must remap one onto the other.
        "t": pa.array(["abc", "x", None, "abc", "Café", "pad", "àéî ß", "a_b%c", "abd", ""],
                      pa.string()),
        "n": pa.array([1, 2, 0, None, -1, 3, 10, 1, 2, 1], pa.int32()),
    })
    dates = pa.table({
        "id": pa.array(range(1, 11), pa.int32()),
        "dt": pa.array([_date(x) for x in [
            "2000-02-29", "1969-12-31", "1970-01-01", None, "2023-12-31", "1900-03-01",
            "2024-01-31", "1582-10-15", "2021-01-03", "2020-12-28"]], pa.date32()),
        "ts": pa.array([_ts(x) for x in [
            "2000-02-29 23:59:59.999999", "1969-12-31 12:00:00", "1970-01-01 00:00:00", None,
            "2023-12-31 00:00:01", "1900-03-01 06:30:00", "2024-01-31 13:45:10.000500",
            "1960-06-15 00:00:00", "2021-01-03 23:00:00", "1999-12-31 23:59:59"]],
            pa.timestamp("us")),
        "n": pa.array([1, -1, 0, None, 31, -365, 29, 1, 7, 3], pa.int32()),
    })
    truth = [True, False, None]
    bools = pa.table({
        "id": pa.array(range(1, 10), pa.int32()),
        "p": pa.array([p for p in truth for _ in truth], pa.bool_()),
        "q": pa.array([q for _ in truth for q in truth], pa.bool_()),
        "i": pa.array([1, 0, None, -1, 2, None, 0, 1, 5], pa.int32()),
    })
    return {"nums": nums, "strs": strs, "dates": dates, "bools": bools}


class Engines:
    """tqp on one device and DuckDB, over the same expression tables."""

    def __init__(self, device: str):
        self.device = device
        self.tqp = tqp.connect(device=device)
        self.duck = duckdb.connect()
        self.duck.execute("SET TimeZone = 'UTC'")  # tqp's session time zone
        for name, table in expression_tables().items():
            self.register(name, table)

    def register(self, name: str, table) -> "Engines":
        """Table `name` on both engines; the pair itself (for module fixtures)."""
        self.tqp.register(name, table)
        self.duck.register(name, table)
        return self

    def check(self, sql: str) -> None:
        """Assert tqp's answer to `sql` is DuckDB's."""
        check_against_duckdb(self.tqp, self.duck, sql)

    def check_column(self, table: str, expression: str) -> None:
        """`expression` evaluated for every row of `table` agrees with DuckDB."""
        self.check(f"SELECT id, {expression} AS v FROM {table}")

    def both_raise(self, sql: str, error: type) -> None:
        """DuckDB rejects `sql`, and tqp raises `error` for it."""
        with pytest.raises(duckdb.Error):
            self.duck.sql(sql).fetchall()
        with pytest.raises(error):
            self.tqp.execute(sql).fetchall()

    def close(self) -> None:
        self.tqp.close()
        self.duck.close()


@pytest.fixture(scope="package", params=devices())
def engines(request):
    pair = Engines(request.param)
    yield pair
    pair.close()
