"""Database folders: tables and views kept across connections and processes, commit and
rollback, the writer's lock, and a process killed while it writes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import tqp
from tqp.storage.database import CATALOG_FILE, DATA_FOLDER

ROOT = Path(__file__).resolve().parents[2]


def _python(code: str, **kwargs) -> subprocess.Popen:
    """Start `code` in a new Python process that imports this checkout's tqp."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def _run(code: str) -> str:
    process = _python(code)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return out


def test_committed_tables_and_views_survive_in_another_process(tmp_path):
    db = tmp_path / "db"
    with tqp.connect(db) as con:
        con.execute("CREATE TABLE t (id INTEGER NOT NULL, price DECIMAL(10,2), name VARCHAR)")
        con.execute("INSERT INTO t VALUES (1, 2.5, 'a'), (2, NULL, 'b')")
        con.execute("CREATE VIEW v AS SELECT id * 10 AS x FROM t")
        con.commit()
    out = _run(f"""
        import tqp
        con = tqp.connect({str(db)!r})
        print(con.execute("SELECT * FROM t ORDER BY id").fetchall())
        print(con.execute("SELECT x FROM v ORDER BY x").fetchall())
        print(con.execute("DESCRIBE t").fetchall())
    """)
    assert out.splitlines() == [
        "[(1, Decimal('2.50'), 'a'), (2, None, 'b')]", "[(10,), (20,)]",
        "[('id', 'INTEGER'), ('price', 'DECIMAL(10,2)'), ('name', 'VARCHAR')]"]
    with tqp.connect(db) as con:  # NOT NULL is kept too
        with pytest.raises(tqp.IntegrityError):
            con.execute("INSERT INTO t (name) VALUES ('c')")


def test_uncommitted_changes_are_dropped_at_close_and_by_rollback(tmp_path):
    db = tmp_path / "db"
    with tqp.connect(db) as con:
        con.execute("CREATE TABLE t AS SELECT 1 AS x")
        con.commit()
        con.execute("INSERT INTO t VALUES (2)")
        con.rollback()
        assert con.execute("SELECT x FROM t").fetchall() == [(1,)]
        con.execute("INSERT INTO t VALUES (3)")
    with tqp.connect(db) as con:
        assert con.execute("SELECT x FROM t").fetchall() == [(1,)]


def test_autocommit_commits_each_statement(tmp_path):
    db = tmp_path / "db"
    with tqp.connect(db, autocommit=True) as con:
        con.execute("CREATE TABLE t (x INTEGER NOT NULL)")
        con.execute("INSERT INTO t VALUES (1)")
        with pytest.raises(tqp.IntegrityError):
            con.execute("INSERT INTO t VALUES (NULL)")
        assert con.autocommit
    with tqp.connect(db) as con:
        assert con.execute("SELECT x FROM t").fetchall() == [(1,)]


def test_a_second_writer_gets_a_clear_error(tmp_path):
    db = tmp_path / "db"
    with tqp.connect(db) as con:
        con.execute("CREATE TABLE t AS SELECT 1 AS x")
        con.commit()
        con.execute("INSERT INTO t VALUES (2)")  # holds the lock until commit
        other_process = _python(f"""
            import sys, tqp
            con = tqp.connect({str(db)!r})
            print(con.execute("SELECT count(*) FROM t").fetchone())  # reading is fine
            try:
                con.execute("INSERT INTO t VALUES (3)")
            except tqp.OperationalError as exc:
                print(exc, flush=True)
            sys.stdin.readline()  # the first writer has committed
            con.execute("INSERT INTO t VALUES (3)")
            con.commit()
        """, stdin=subprocess.PIPE)
        assert other_process.stdout.readline().strip() == "(1,)"
        refusal = other_process.stdout.readline()
        assert "is locked by another connection that is writing" in refusal
        assert str(os.getpid()) in refusal
        with tqp.connect(db) as other:  # a second connection in this process too
            with pytest.raises(tqp.OperationalError, match="locked"):
                other.execute("DROP TABLE t")
        con.commit()
        # Committed: the other process may write now, and sees this commit first.
        _, err = other_process.communicate("go\n", timeout=120)
        assert other_process.returncode == 0, err
    with tqp.connect(db) as con:
        assert con.execute("SELECT x FROM t ORDER BY x").fetchall() == [(1,), (2,), (3,)]


def test_a_writer_killed_mid_write_leaves_the_last_commit(tmp_path):
    db = tmp_path / "db"
    writer = _python(f"""
        import tqp
        con = tqp.connect({str(db)!r})
        con.execute("CREATE TABLE t (i BIGINT NOT NULL)")
        con.commit()
        for i in range(100000):
            con.executemany("INSERT INTO t VALUES (?)", [(i * 1000 + j,) for j in range(1000)])
            con.execute("CREATE OR REPLACE TABLE total AS SELECT count(*) AS n FROM t")
            con.commit()  # both tables or neither
            print(i, flush=True)
    """)
    committed = -1
    deadline = time.monotonic() + 60
    while committed < 5 and time.monotonic() < deadline:
        committed = int(writer.stdout.readline())
    time.sleep(0.05)  # let it get into the middle of a later write
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    assert committed >= 5
    with tqp.connect(db) as con:
        count, low, high = con.execute("SELECT count(*), min(i), max(i) FROM t").fetchone()
        assert count % 1000 == 0 and count >= (committed + 1) * 1000
        assert (low, high) == (0, count - 1)
        assert con.execute("SELECT n FROM total").fetchone() == (count,)
        con.execute("INSERT INTO t VALUES (-1)")  # the dead writer's lock is gone
        con.commit()
    files = os.listdir(db / DATA_FOLDER)
    assert len(files) == 2, files  # older versions and half-written files are cleaned up
    assert sorted(os.listdir(db)) == [".tqp.lock", CATALOG_FILE, DATA_FOLDER]


def test_a_folder_of_parquet_files_opens_with_them_as_tables(tmp_path):
    pq.write_table(pa.table({"k": [1, 2, 3]}), tmp_path / "keys.parquet")
    original = (tmp_path / "keys.parquet").read_bytes()
    with tqp.connect(tmp_path) as con:
        assert con.table_names() == ["keys"]
        con.execute("SELECT * FROM keys")
        assert not (tmp_path / CATALOG_FILE).exists()  # reading writes nothing
        con.execute("DELETE FROM keys WHERE k = 2")
        con.execute("CREATE TABLE more AS SELECT k * 10 AS k FROM keys")
        con.commit()
    assert (tmp_path / "keys.parquet").read_bytes() == original  # the user's file is untouched
    catalog = json.loads((tmp_path / CATALOG_FILE).read_text())
    assert sorted(catalog["tables"]) == ["keys", "more"]
    with tqp.connect(tmp_path) as con:
        assert con.execute("SELECT k FROM keys ORDER BY k").fetchall() == [(1,), (3,)]
        assert con.execute("SELECT k FROM more ORDER BY k").fetchall() == [(10,), (30,)]


def test_registered_and_temporary_tables_are_not_written(tmp_path):
    db = tmp_path / "db"
    with tqp.connect(db) as con:
        con.register("df", pa.table({"a": [1]}))
        con.execute("CREATE TEMP TABLE scratch AS SELECT 1 AS a")
        con.execute("CREATE TABLE kept AS SELECT a FROM df")
        con.commit()
    with tqp.connect(db) as con:
        assert con.table_names() == ["kept"]


def test_a_newer_commit_is_read_before_writing(tmp_path):
    db = tmp_path / "db"
    first, second = tqp.connect(db), tqp.connect(db)
    first.execute("CREATE TABLE t AS SELECT 1 AS x")
    first.commit()
    second.execute("CREATE TABLE u AS SELECT 2 AS y")  # second opened before t existed
    second.commit()
    first.close()
    second.close()
    with tqp.connect(db) as con:
        assert con.table_names() == ["t", "u"]


def test_cannot_create_a_folder_inside_a_missing_one(tmp_path):
    with pytest.raises(tqp.OperationalError, match="no such folder"):
        tqp.connect(tmp_path / "missing" / "db")


def test_a_reader_sees_each_new_commit(tmp_path):
    db = tmp_path / "db"
    with tqp.connect(db) as writer, tqp.connect(db) as reader:
        writer.execute("CREATE TABLE t AS SELECT 1 AS x")
        assert reader.table_names() == []
        writer.execute("INSERT INTO t VALUES (2)")
        writer.commit()
        assert reader.execute("SELECT sum(x) FROM t").fetchone() == (3,)
        writer.execute("INSERT INTO t VALUES (3)")  # not committed: not seen
        assert reader.execute("SELECT sum(x) FROM t").fetchone() == (3,)
