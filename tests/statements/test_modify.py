"""INSERT, UPDATE, DELETE, TRUNCATE and ALTER TABLE against DuckDB running the same script, and
the all-or-nothing rule: a statement that fails changes nothing."""

from __future__ import annotations

import duckdb
import pytest

import tqp
from tests.oracle import assert_same_result

CREATE = ("CREATE TABLE t (id INTEGER NOT NULL, qty SMALLINT, price DECIMAL(10,2), "
          "name VARCHAR(20), day DATE, seen TIMESTAMP, ok BOOLEAN, score DOUBLE)")

# Each statement runs on both engines; rowcounts and the table afterwards must agree.
SCRIPT = [
    "INSERT INTO t VALUES (1, 5, 9.99, 'apple', '2024-01-31', '2024-01-31 10:00:00', true, 1.5), "
    "(2, NULL, 0.005, 'pear', NULL, NULL, false, NULL), "
    "(3, -7, -12.345, NULL, '1999-12-31', '1999-12-31 23:59:59', NULL, -2.25)",
    "INSERT INTO t (id, name) VALUES (4, 'fig')",
    "INSERT INTO t (name, id) SELECT name || '2', id + 10 FROM t WHERE id <= 2",
    "INSERT INTO t SELECT id + 100, qty, price, name, day, seen, ok, score FROM t WHERE ok",
    "INSERT INTO t (id, qty, price, score) VALUES (20, 2.5, 7, 3), (21, -2.5, 1.234, 1e3)",
    "INSERT INTO t (id, day, seen) "
    "VALUES (30, CAST('2000-02-29' AS DATE), '2000-02-29 12:34:56.789')",
    "UPDATE t SET qty = qty * 2, name = upper(name) WHERE id > 2",
    "UPDATE t SET score = score + 1 WHERE ok IS NULL",
    "UPDATE t SET price = price / 3",
    "UPDATE t SET ok = NOT ok, name = name || '!' WHERE score > 0 OR name LIKE 'p%'",
    "UPDATE t SET qty = (SELECT max(qty) FROM t) WHERE id IN (SELECT id + 1 FROM t WHERE ok)",
    "DELETE FROM t WHERE qty < 0",
    "DELETE FROM t WHERE ok",
    "DELETE FROM t WHERE id = (SELECT min(id) FROM t)",
    "UPDATE t SET id = id + 1000",
    "INSERT INTO t (id) SELECT count(*) FROM t",
]


@pytest.fixture(params=[None, 2], ids=["whole", "2-row-batches"])
def both(request):
    tqp_con = tqp.connect(batch_rows=request.param)  # streamed too: row order must hold
    duck = duckdb.connect()
    tqp_con.execute(CREATE)
    duck.execute(CREATE)
    yield tqp_con, duck
    tqp_con.close()
    duck.close()


def _same_table(tqp_con, duck, context):
    sql = "SELECT * FROM t ORDER BY id"
    assert_same_result(tqp_con.execute(sql).fetch_arrow_table(), duck.sql(sql).to_arrow_table(),
                       ordered=True, context=context)


def test_script_matches_duckdb(both):
    tqp_con, duck = both
    for statement in SCRIPT:
        rowcount = tqp_con.execute(statement).rowcount
        assert rowcount == duck.execute(statement).fetchall()[0][0], statement
        _same_table(tqp_con, duck, statement)


def test_truncate_and_delete_everything(both):
    tqp_con, duck = both
    for statement in SCRIPT[:2] + ["TRUNCATE t"] + SCRIPT[:1] + ["DELETE FROM t"]:
        rowcount = tqp_con.execute(statement).rowcount
        expected = duck.execute(statement).fetchall()
        if not statement.startswith("TRUNCATE"):  # DuckDB's TRUNCATE returns no count
            assert rowcount == expected[0][0], statement
        _same_table(tqp_con, duck, statement)


def test_alter_table(both):
    tqp_con, duck = both
    for statement in SCRIPT[:2] + [
            "ALTER TABLE t ADD COLUMN extra BIGINT",
            "UPDATE t SET extra = id * 10",
            "ALTER TABLE t DROP COLUMN seen",
            "ALTER TABLE t RENAME COLUMN qty TO quantity",
            "INSERT INTO t (id, quantity, extra) VALUES (9, 1, 2)"]:
        tqp_con.execute(statement)
        duck.execute(statement)
        _same_table(tqp_con, duck, statement)
    described = tqp_con.execute("DESCRIBE t").fetchall()
    assert [name for name, _ in described] == [r[0] for r in duck.execute("DESCRIBE t").fetchall()]
    assert dict(described)["price"] == "DECIMAL(10,2)"
    tqp_con.execute("ALTER TABLE t RENAME TO t2")
    assert "t2" in tqp_con.table_names() and "t" not in tqp_con.table_names()


def test_create_table_declares_types(both):
    tqp_con, duck = both
    tqp_con.execute("INSERT INTO t (id) VALUES (1)")
    described = dict(tqp_con.execute("DESCRIBE t").fetchall())
    assert described == {"id": "INTEGER", "qty": "SMALLINT", "price": "DECIMAL(10,2)",
                         "name": "VARCHAR", "day": "DATE", "seen": "TIMESTAMP", "ok": "BOOLEAN",
                         "score": "DOUBLE"}
    tqp_con.execute("CREATE TABLE IF NOT EXISTS t (x INTEGER)")  # exists: nothing happens
    with pytest.raises(tqp.IntegrityError, match="already exists"):
        tqp_con.execute("CREATE TABLE t (x INTEGER)")
    tqp_con.execute("CREATE OR REPLACE TABLE t (x REAL, y NUMERIC)")
    assert dict(tqp_con.execute("DESCRIBE t").fetchall()) == {"x": "FLOAT", "y": "DECIMAL(18,3)"}


@pytest.mark.parametrize("sql, error, message", [
    ("CREATE TABLE u (a INTEGER PRIMARY KEY)", tqp.NotSupportedError, "constraint"),
    ("CREATE TABLE u (a BLOB)", tqp.NotSupportedError, "column type"),
    ("CREATE TABLE u (a INTEGER, A BIGINT)", tqp.ProgrammingError, "declared twice"),
    ("INSERT INTO t (nope) VALUES (1)", tqp.ProgrammingError, "no column nope"),
    ("INSERT INTO t VALUES (1, 2)", tqp.ProgrammingError, "8 column"),
    ("INSERT INTO t (id) VALUES (1), (2, 3)", tqp.ProgrammingError, "same number"),
    ("INSERT INTO t (id) VALUES (NULL)", tqp.IntegrityError, "NOT NULL"),
    ("INSERT INTO t (id, qty) VALUES (1, 40000)", tqp.DataError, "qty SMALLINT"),
    ("INSERT INTO t (id, price) VALUES (1, 123456789.5)", tqp.DataError, r"price DECIMAL\(10,2\)"),
    ("INSERT INTO t (id, day) VALUES (1, 'not a date')", tqp.DataError, "day DATE"),
    ("INSERT INTO t (id) VALUES ('x')", tqp.DataError, "id INTEGER"),
    ("INSERT INTO t (id, score) VALUES (1, 'NaN'), (1e10, 1)", tqp.DataError, "id INTEGER"),
    ("INSERT INTO nowhere VALUES (1)", tqp.ProgrammingError, "does not exist"),
    ("UPDATE t SET nope = 1", tqp.ProgrammingError, "no column nope"),
    ("UPDATE t SET id = NULL WHERE id = 1", tqp.IntegrityError, "NOT NULL"),
    ("UPDATE t SET qty = 100000 WHERE id = 1", tqp.DataError, "qty SMALLINT"),
    ("UPDATE t SET qty = 1, qty = 2", tqp.ProgrammingError, "twice"),
    ("UPDATE t SET qty = DEFAULT", tqp.NotSupportedError, "DEFAULT"),
    ("UPDATE t SET qty = 1 FROM t AS u", tqp.NotSupportedError, "FROM"),
    ("INSERT INTO t (id) VALUES (1) RETURNING id", tqp.NotSupportedError, "RETURNING"),
    ("ALTER TABLE t ADD COLUMN z INTEGER NOT NULL", tqp.IntegrityError, "NOT NULL"),
    ("ALTER TABLE t DROP COLUMN nope", tqp.ProgrammingError, "no column"),
    ("ALTER TABLE t RENAME COLUMN qty TO price", tqp.IntegrityError, "exists"),
    ("DELETE FROM t WHERE nope = 1", tqp.ProgrammingError, "nope"),
])
def test_a_failing_statement_changes_nothing(both, sql, error, message):
    tqp_con, _ = both
    tqp_con.execute(SCRIPT[0])
    before = tqp_con.execute("SELECT * FROM t").fetch_arrow_table()
    with pytest.raises(error, match=message):
        tqp_con.execute(sql)
    assert tqp_con.execute("SELECT * FROM t").fetch_arrow_table().equals(before)


def test_statements_of_one_execute_commit_one_by_one(both):
    tqp_con, _ = both
    with pytest.raises(tqp.IntegrityError):
        tqp_con.execute("INSERT INTO t (id) VALUES (1); INSERT INTO t (id) VALUES (NULL)")
    assert tqp_con.execute("SELECT count(*) FROM t").fetchone() == (1,)


def test_views_and_registered_tables(both):
    tqp_con, _ = both
    tqp_con.execute("CREATE VIEW v AS SELECT id FROM t")
    with pytest.raises(tqp.ProgrammingError, match="view"):
        tqp_con.execute("INSERT INTO v VALUES (1)")
    import pyarrow as pa

    tqp_con.register("r", pa.table({"a": [1, 2, 3]}))
    assert tqp_con.execute("DELETE FROM r WHERE a >= 2").rowcount == 2
    assert tqp_con.execute("INSERT INTO r VALUES (7)").rowcount == 1
    assert tqp_con.execute("SELECT a FROM r ORDER BY a").fetchall() == [(1,), (7,)]


def test_insert_default_values_and_begin_commit(both):
    tqp_con, _ = both
    tqp_con.execute("CREATE TABLE n (a INTEGER, b VARCHAR); COMMIT")
    tqp_con.execute("BEGIN")
    assert tqp_con.execute("INSERT INTO n DEFAULT VALUES").rowcount == 1
    tqp_con.execute("ROLLBACK")
    assert tqp_con.execute("SELECT count(*) FROM n").fetchone() == (0,)
    tqp_con.execute("INSERT INTO n DEFAULT VALUES; COMMIT")
    assert tqp_con.execute("SELECT * FROM n").fetchall() == [(None, None)]


def test_parameter_rows_convert_like_duckdb(both):
    tqp_con, duck = both
    import datetime
    import decimal

    rows = [(1, 2.5, 1.125, "a", "2024-01-01", datetime.datetime(2024, 1, 1, 5), True, 1),
            (2, -2.5, decimal.Decimal("2.675"), None, datetime.date(2000, 1, 1), None, None, 2.5),
            (3, 3.5, 7, "c", None, "2001-02-03 04:05:06", False, None)]
    sql = "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    assert tqp_con.executemany(sql, rows).rowcount == 3
    duck.executemany(sql, rows)
    _same_table(tqp_con, duck, sql)
    sql = "INSERT INTO t (id, qty, score) VALUES (?, ?, 0.5)"  # execute: the same conversions
    for row in [(4, 4.5), (5, -0.5)]:
        assert tqp_con.execute(sql, row).rowcount == 1
        duck.execute(sql, row)
    _same_table(tqp_con, duck, sql)
