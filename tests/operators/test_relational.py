"""Joins, aggregates, set operations, DISTINCT, ORDER BY and LIMIT agree with DuckDB.

Small tables built to hit the edges: NULL and duplicate join keys on both sides, keys of
different integer widths (int32 against int64), string keys with different dictionaries, empty
inputs, all-NULL columns, NaN and -0.0, and every column type under ORDER BY. Queries with a
LIMIT order by a unique key, so the answer is one list of rows.
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
day = datetime.date
ts = datetime.datetime


def relational_tables() -> dict[str, pa.Table]:
    left = pa.table({
        "lid": pa.array([1, 2, 3, 4, 5, 6, 7, 8], pa.int32()),
        "k": pa.array([1, 2, 2, 3, None, None, 5, -1], pa.int32()),
        "k2": pa.array([10, 20, 20, 30, 40, None, 50, 60], pa.int64()),
        "s": pa.array(["x", "y", "y", "z", None, "n", "é", "x"]),
        "v": pa.array([1.0, 2.0, 2.5, None, 4.0, 5.0, -1.0, 0.0]),
        "d": pa.array([day(2000, 1, 1), None, day(1969, 7, 20), day(2000, 1, 1),
                       day(2024, 2, 29), None, day(1900, 1, 1), day(1999, 12, 31)]),
    })
    right = pa.table({
        "rid": pa.array([1, 2, 3, 4, 5, 6], pa.int32()),
        "k": pa.array([2, 2, 3, 4, None, -1], pa.int64()),  # int64 against left.k int32
        "k2": pa.array([20, 21, 30, 40, None, 60], pa.int32()),
        "s": pa.array(["y", "yy", "z", "w", None, "x"]),  # a dictionary other than left.s
        "w": pa.array([200, 201, 300, None, 999, 600], pa.int32()),
    })
    empty = pa.table({"k": pa.array([], pa.int32()), "s": pa.array([], pa.string()),
                      "v": pa.array([], pa.float64())})
    nulls = pa.table({"id": pa.array([1, 2, 3], pa.int32()),
                      "s": pa.array([None, None, None], pa.string()),
                      "k": pa.array([None, None, None], pa.int32())})
    sparse = pa.table({  # keys far apart (no dense lookup table), NaN and -0.0
        "id": pa.array(range(6), pa.int32()),
        "k": pa.array([10**12, -(10**12), 7, 7, None, 10**12], pa.int64()),
        "f": pa.array([1.5, -0.0, 0.0, float("nan"), None, 1.5]),
    })
    typed = pa.table({  # one column of every type, with NULLs and ties
        "id": pa.array(range(9), pa.int32()),
        "b": pa.array([True, None, False, True, None, False, True, False, True]),
        "i": pa.array([3, None, -2, 0, 3, 7, None, -2, 1], pa.int32()),
        "bi": pa.array([2**40, None, -(2**40), 0, 5, -5, None, 1, 5], pa.int64()),
        "f": pa.array([1.5, None, float("-inf"), -0.5, 1.5, float("inf"), 0.0, None, -2.0]),
        "dc": pa.array([D("1.10"), D("-1.10"), None, D("0.00"), D("1.10"), D("99.99"), None,
                        D("-0.01"), D("5.00")], pa.decimal128(6, 2)),
        "s": pa.array(["b", None, "", "B", "b", "á", "a", None, "ab"]),
        "dt": pa.array([day(2000, 1, 1), None, day(1960, 1, 1), day(2000, 1, 1), day(1969, 12, 31),
                        day(2030, 5, 5), None, day(1970, 1, 1), day(1582, 10, 15)]),
        "t": pa.array([ts(2000, 1, 1, 0, 0, 1), None, ts(1960, 1, 1), ts(2000, 1, 1), None,
                       ts(2030, 5, 5, 5, 5, 5), ts(1970, 1, 1),
                       ts(1969, 12, 31, 23, 59, 59, 999999), ts(2000, 1, 1)], pa.timestamp("us")),
    })
    return {"l": left, "r": right, "e": empty, "n": nulls, "sp": sparse, "ty": typed}


@pytest.fixture(scope="module", params=devices())
def engines(request):
    con = tqp.connect(device=request.param)
    duck = duckdb.connect()
    for name, table in relational_tables().items():
        con.register(name, table)
        duck.register(name, table)
    yield con, duck
    con.close()
    duck.close()


def check(engines, sql: str) -> None:
    check_against_duckdb(*engines, sql)


# -- joins ---------------------------------------------------------------------------------------

JOINS = [
    # NULL keys never match; duplicate keys on both sides multiply
    "SELECT * FROM l JOIN r ON l.k = r.k",
    "SELECT * FROM l LEFT JOIN r ON l.k = r.k",
    "SELECT * FROM l RIGHT JOIN r ON l.k = r.k",
    "SELECT * FROM l FULL JOIN r ON l.k = r.k",
    "SELECT * FROM l a JOIN l b ON a.k = b.k",
    "SELECT * FROM l a FULL JOIN l b ON a.s = b.s",
    # residual conditions filter matched pairs; outer joins keep the unmatched rows
    "SELECT * FROM l JOIN r ON l.k = r.k AND l.v < r.w",
    "SELECT * FROM l LEFT JOIN r ON l.k = r.k AND r.w > 250",
    "SELECT * FROM l RIGHT JOIN r ON l.k = r.k AND l.v > 2",
    "SELECT * FROM l FULL JOIN r ON l.k = r.k AND l.v > 2",
    "SELECT * FROM l LEFT JOIN r ON l.k = r.k AND l.v > 2",  # a left-side condition keeps rows
    "SELECT * FROM l JOIN r ON l.k = r.k WHERE r.w > 200 OR l.v IS NULL",
    "SELECT * FROM l LEFT JOIN r ON l.k = r.k WHERE r.rid IS NULL",
    "SELECT * FROM l FULL JOIN r ON l.k = r.k WHERE l.lid IS NULL OR r.rid IS NULL",
    # string keys with different dictionaries; multi-key joins mixing int32 and int64
    "SELECT * FROM l JOIN r ON l.s = r.s",
    "SELECT * FROM l FULL JOIN r ON l.s = r.s",
    "SELECT * FROM l JOIN r ON l.k = r.k AND l.k2 = r.k2",
    "SELECT * FROM l LEFT JOIN r ON l.k = r.k AND l.k2 = r.k2",
    "SELECT * FROM l FULL JOIN r ON l.k2 = r.k2 AND l.s = r.s",
    "SELECT * FROM l JOIN r ON l.k2 = r.k2 AND l.k = r.k AND l.s = r.s",
    # expressions as keys, USING and NATURAL
    "SELECT * FROM l JOIN r ON l.k + 1 = r.k",
    "SELECT * FROM l JOIN r ON l.v = r.w / 100",
    "SELECT * FROM l JOIN r USING (k)",
    "SELECT * FROM l NATURAL JOIN r",
    "SELECT * FROM l a JOIN l b ON a.d = b.d",
    # no equality at all: a nested loop
    "SELECT * FROM l JOIN r ON l.k < r.k",
    "SELECT * FROM l LEFT JOIN r ON l.k < r.k AND r.w > 250",
    "SELECT * FROM l FULL JOIN r ON l.v > r.w / 100",
    "SELECT * FROM l JOIN r ON l.k = r.k OR l.s = r.s",
    "SELECT * FROM l CROSS JOIN r",
    # three inputs, outer after inner
    "SELECT * FROM l JOIN r ON l.k = r.k JOIN l l2 ON l2.s = r.s",
    "SELECT * FROM l LEFT JOIN r ON l.k = r.k LEFT JOIN ty ON ty.id = r.rid",
    "SELECT l.k, count(r.rid) AS n, sum(r.w) AS w FROM l LEFT JOIN r ON l.k = r.k GROUP BY l.k",
    # sparse BIGINT keys, float keys with NaN and -0.0
    "SELECT * FROM sp a JOIN sp b ON a.k = b.k",
    "SELECT * FROM sp a FULL JOIN sp b ON a.k = b.k",
    "SELECT * FROM sp a JOIN sp b ON a.f = b.f",
    "SELECT * FROM sp LEFT JOIN l ON sp.k = l.k2",
]

EMPTY_AND_NULL_INPUTS = [
    "SELECT * FROM l JOIN e ON l.k = e.k",
    "SELECT * FROM l LEFT JOIN e ON l.k = e.k",
    "SELECT * FROM e LEFT JOIN l ON l.k = e.k",
    "SELECT * FROM e RIGHT JOIN l ON l.k = e.k",
    "SELECT * FROM l FULL JOIN e ON l.k = e.k",
    "SELECT * FROM e FULL JOIN l ON l.k = e.k",
    "SELECT * FROM l, e",
    "SELECT * FROM l JOIN e ON l.s = e.s",
    "SELECT * FROM l LEFT JOIN e ON l.k < e.k",
    "SELECT * FROM l JOIN n ON l.s = n.s",
    "SELECT * FROM l LEFT JOIN n ON l.s = n.s",
    "SELECT * FROM n FULL JOIN l ON l.k = n.k",
    "SELECT * FROM l LEFT JOIN n ON l.k = n.k",
    "SELECT * FROM l JOIN r ON l.k = r.k WHERE l.k > 100",
    "SELECT * FROM (SELECT * FROM l WHERE lid > 100) x FULL JOIN r ON x.k = r.k",
]

SEMI_JOINS = [
    "SELECT * FROM l WHERE EXISTS (SELECT 1 FROM r WHERE r.k = l.k)",
    "SELECT * FROM l WHERE NOT EXISTS (SELECT 1 FROM r WHERE r.k = l.k)",
    "SELECT * FROM l WHERE k IN (SELECT k FROM r)",
    "SELECT * FROM l WHERE k NOT IN (SELECT k FROM r)",  # r.k holds a NULL: no rows
    "SELECT * FROM l WHERE k NOT IN (SELECT k FROM r WHERE k IS NOT NULL)",
    "SELECT * FROM l WHERE s IN (SELECT s FROM r)",
    "SELECT * FROM l WHERE s NOT IN (SELECT s FROM n)",
    "SELECT * FROM l WHERE k NOT IN (SELECT k FROM e)",
    "SELECT * FROM l WHERE EXISTS (SELECT 1 FROM r WHERE r.k = l.k AND r.w > l.v * 100)",
    "SELECT lid, (SELECT max(w) FROM r WHERE r.k = l.k) AS m FROM l",
    "SELECT lid, (SELECT count(*) FROM r WHERE r.k = l.k) AS m FROM l",
]


@pytest.mark.parametrize("sql", JOINS)
def test_joins(engines, sql):
    check(engines, sql)


@pytest.mark.parametrize("sql", EMPTY_AND_NULL_INPUTS)
def test_joins_with_empty_or_all_null_inputs(engines, sql):
    check(engines, sql)


@pytest.mark.parametrize("sql", SEMI_JOINS)
def test_semi_and_anti_joins_from_subqueries(engines, sql):
    check(engines, sql)


# -- aggregates ----------------------------------------------------------------------------------

AGGREGATES = [
    # empty input: one row for a global aggregate, no rows per group
    "SELECT count(*), count(v), sum(v), avg(v), min(v), max(v) FROM e",
    "SELECT count(*), sum(k), min(s), max(s), count(DISTINCT k) FROM l WHERE k > 100",
    "SELECT k, sum(v) FROM e GROUP BY k",
    "SELECT s, count(*) FROM l WHERE lid > 100 GROUP BY s",
    # NULL keys form one group; NULLs are skipped by every aggregate but count(*)
    "SELECT k, count(*), sum(v), count(v), avg(v), min(v), max(v) FROM l GROUP BY k",
    "SELECT s, count(*) FROM l GROUP BY s",
    "SELECT s, k, count(*) FROM l GROUP BY s, k",
    "SELECT k, sum(v) FROM l WHERE k IS NULL GROUP BY k",
    "SELECT count(s), count(DISTINCT s), min(s), max(s), sum(k), avg(k), max(k) FROM n",
    "SELECT s, count(*), count(s) FROM n GROUP BY s",
    "SELECT k, count(*), sum(id), min(id) FROM n GROUP BY k",
    "SELECT sum(w), avg(w), min(w), count(w) FROM r WHERE w IS NULL",
    # COUNT DISTINCT with NULLs
    "SELECT count(DISTINCT k), count(DISTINCT s), count(DISTINCT d), count(DISTINCT v) FROM l",
    "SELECT k, count(DISTINCT s) FROM l GROUP BY k",
    "SELECT s, count(DISTINCT k2) FROM l GROUP BY s",
    "SELECT count(DISTINCT k) FROM e",
    "SELECT sum(DISTINCT k), avg(DISTINCT k) FROM l",
    # MIN / MAX of strings and dates, per group and overall
    "SELECT min(s), max(s), min(d), max(d) FROM l",
    "SELECT k2, min(s), max(s), min(d), max(d) FROM l GROUP BY k2",
    "SELECT b, min(s), max(s), min(dt), max(dt), min(t), max(t) FROM ty GROUP BY b",
    # every key type; aggregates over every value type
    "SELECT b, count(*), sum(bi) FROM ty GROUP BY b",
    "SELECT dc, count(*) FROM ty GROUP BY dc",
    "SELECT t, count(*) FROM ty GROUP BY t",
    "SELECT dt, s, count(*) FROM ty GROUP BY dt, s",
    "SELECT sum(dc), avg(dc), min(dc), max(dc) FROM ty",
    "SELECT sum(bi), avg(bi), sum(i), avg(i), min(b), max(b) FROM ty",
    "SELECT sum(b), count(b) FROM ty",
    "SELECT f, count(*) FROM sp GROUP BY f ORDER BY f NULLS FIRST",
    "SELECT min(f), max(f), count(DISTINCT f) FROM sp",
    # HAVING
    "SELECT k, max(v) FROM l GROUP BY k HAVING count(*) > 1",
    "SELECT k, count(*) FROM l GROUP BY k HAVING sum(v) IS NULL",
    "SELECT s, sum(v) FROM l GROUP BY s HAVING min(d) < DATE '2000-01-01' OR s IS NULL",
    "SELECT count(*) FROM l HAVING count(*) > 100",
]


@pytest.mark.parametrize("sql", AGGREGATES)
def test_aggregates(engines, sql):
    check(engines, sql)


# -- set operations and DISTINCT -----------------------------------------------------------------

SET_OPERATIONS = [
    "SELECT k FROM l UNION SELECT k FROM r",
    "SELECT k FROM l UNION ALL SELECT k FROM r",
    "SELECT k FROM l INTERSECT SELECT k FROM r",
    "SELECT k FROM l INTERSECT ALL SELECT k FROM r",
    "SELECT k FROM l EXCEPT SELECT k FROM r",
    "SELECT k FROM l EXCEPT ALL SELECT k FROM r",
    "SELECT k FROM r EXCEPT ALL SELECT k FROM l",
    "SELECT s FROM l UNION SELECT s FROM r",
    "SELECT s FROM l INTERSECT ALL SELECT s FROM r",
    "SELECT s FROM l EXCEPT ALL SELECT s FROM r",
    "SELECT s FROM l UNION SELECT s FROM n",
    "SELECT s FROM n EXCEPT SELECT s FROM l",
    "SELECT k, s FROM l INTERSECT SELECT k, s FROM r",
    "SELECT k, s FROM l UNION ALL SELECT k2, s FROM r",
    "SELECT k FROM l UNION SELECT k2 FROM l",
    "SELECT v FROM l UNION ALL SELECT w FROM r",
    "SELECT s FROM l UNION ALL SELECT NULL",
    "SELECT d FROM l EXCEPT SELECT dt FROM ty",
    "SELECT k FROM l UNION ALL SELECT k FROM e",
    "SELECT k FROM e EXCEPT SELECT k FROM l",
    "SELECT k FROM l INTERSECT SELECT k FROM e",
    "SELECT k FROM l UNION SELECT k FROM r UNION ALL SELECT k FROM l",
    "SELECT k FROM l EXCEPT (SELECT k FROM r INTERSECT SELECT k FROM l)",
    "SELECT s, count(*) FROM (SELECT s FROM l UNION ALL SELECT s FROM r) u GROUP BY s",
]

DISTINCT = [
    "SELECT DISTINCT k FROM l",
    "SELECT DISTINCT s FROM l",
    "SELECT DISTINCT k, s FROM l",
    "SELECT DISTINCT d FROM l",
    "SELECT DISTINCT v FROM l",
    "SELECT DISTINCT s FROM n",
    "SELECT DISTINCT * FROM e",
    "SELECT DISTINCT b, dc FROM ty",
    "SELECT DISTINCT t FROM ty",
    "SELECT DISTINCT f FROM sp ORDER BY f NULLS FIRST",
    "SELECT count(*) FROM (SELECT DISTINCT k, k2 FROM l) x",
]


@pytest.mark.parametrize("sql", SET_OPERATIONS)
def test_set_operations(engines, sql):
    check(engines, sql)


@pytest.mark.parametrize("sql", DISTINCT)
def test_distinct(engines, sql):
    check(engines, sql)


# -- ORDER BY, LIMIT, OFFSET ---------------------------------------------------------------------

SORT_COLUMNS = ["b", "i", "bi", "f", "dc", "s", "dt", "t"]
DIRECTIONS = ["", " ASC", " DESC", " NULLS FIRST", " NULLS LAST", " ASC NULLS FIRST",
              " DESC NULLS FIRST", " DESC NULLS LAST"]


@pytest.mark.parametrize("column", SORT_COLUMNS)
def test_order_by_every_type_and_direction(engines, column):
    """Ties are broken by id, so each query has one right answer."""
    for direction in DIRECTIONS:
        check(engines, f"SELECT {column}, id FROM ty ORDER BY {column}{direction}, id")


ORDERING = [
    "SELECT * FROM l ORDER BY s DESC, k ASC NULLS FIRST, lid",
    "SELECT * FROM l ORDER BY k DESC NULLS LAST, s NULLS FIRST, lid",
    "SELECT * FROM ty ORDER BY b DESC, s NULLS FIRST, f DESC, id",
    "SELECT lid FROM l ORDER BY upper(s), lid",
    "SELECT lid, k FROM l ORDER BY 2 DESC, 1",
    "SELECT k, count(*) AS c FROM l GROUP BY k ORDER BY c DESC, k NULLS FIRST",
    "SELECT s, max(v) FROM l GROUP BY s ORDER BY max(v) DESC NULLS LAST, s",
    "SELECT k FROM l UNION ALL SELECT k FROM r ORDER BY 1 NULLS FIRST",
    "SELECT DISTINCT s FROM l ORDER BY s DESC",
    "SELECT id, f FROM sp ORDER BY f, id",
    "SELECT id, f FROM sp ORDER BY f DESC, id",
    "SELECT * FROM e ORDER BY k",
]

LIMITS = [
    "SELECT lid FROM l ORDER BY v DESC, lid LIMIT 3",
    "SELECT lid FROM l ORDER BY v DESC NULLS LAST, lid LIMIT 3",
    "SELECT lid FROM l ORDER BY s, lid LIMIT 2 OFFSET 1",
    "SELECT lid FROM l ORDER BY lid LIMIT 0",
    "SELECT lid FROM l ORDER BY lid LIMIT 100",
    "SELECT lid FROM l ORDER BY lid LIMIT 3 OFFSET 7",
    "SELECT lid FROM l ORDER BY lid LIMIT 3 OFFSET 8",
    "SELECT lid FROM l ORDER BY lid LIMIT 3 OFFSET 100",
    "SELECT lid FROM l ORDER BY lid OFFSET 5",
    "SELECT lid FROM l ORDER BY lid OFFSET 0",
    "SELECT lid FROM l ORDER BY k NULLS FIRST, lid LIMIT 3",
    "SELECT lid FROM l ORDER BY d DESC NULLS FIRST, lid LIMIT 4",
    "SELECT lid FROM l ORDER BY v NULLS FIRST, lid LIMIT 1 OFFSET 1",
    "SELECT id FROM ty ORDER BY s DESC, id LIMIT 4",
    "SELECT id FROM ty ORDER BY t NULLS FIRST, id LIMIT 5 OFFSET 2",
    "SELECT k FROM e ORDER BY k LIMIT 1",
    "SELECT k FROM l UNION SELECT k FROM r ORDER BY k DESC LIMIT 2",
    "SELECT lid FROM (SELECT * FROM l ORDER BY lid LIMIT 5) x ORDER BY lid DESC LIMIT 2",
    "SELECT lid FROM l LIMIT 0",
    "SELECT count(*) FROM (SELECT lid FROM l LIMIT 3) x",
    "SELECT count(*) FROM (SELECT lid FROM l LIMIT 3 OFFSET 6) x",
    "SELECT count(*) FROM (SELECT lid FROM l OFFSET 20) x",
]


@pytest.mark.parametrize("sql", ORDERING)
def test_order_by(engines, sql):
    check(engines, sql)


@pytest.mark.parametrize("sql", LIMITS)
def test_limit_and_offset(engines, sql):
    check(engines, sql)


def test_negative_limit_is_refused(engines):
    con, duck = engines
    with pytest.raises(duckdb.Error):
        duck.sql("SELECT lid FROM l LIMIT -1").fetchall()
    with pytest.raises(tqp.Error):
        con.execute("SELECT lid FROM l LIMIT -1").fetchall()
