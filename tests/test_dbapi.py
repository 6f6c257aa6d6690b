"""The DB-API 2.0 (PEP 249) interface, over the real engine and real SQL."""

from __future__ import annotations

import datetime
import decimal
import math
import time

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest

import tqp
from tqp.dbapi import Connection, type_code
from tqp.engine import Result

PEOPLE = pa.table({
    "id": pa.array([1, 2, 3, 4], pa.int64()),
    "name": ["ann", "bob", "cy", "dee"],
    "score": [1.5, None, 3.0, 4.5],
    "born": pa.array([datetime.date(1990, 1, d) for d in (1, 2, 3, 4)], pa.date32()),
})


@pytest.fixture
def con():
    connection = tqp.connect()
    connection.register("people", PEOPLE)
    yield connection
    connection.close()


# -- module ------------------------------------------------------------------------------------


def test_module_globals():
    assert tqp.apilevel == "2.0"
    assert tqp.threadsafety == 1
    assert tqp.paramstyle == "qmark"
    assert isinstance(tqp.__version__, str)


def test_exception_hierarchy():
    assert issubclass(tqp.Warning, Exception)
    assert issubclass(tqp.Error, Exception)
    assert not issubclass(tqp.Warning, tqp.Error)
    for cls in (tqp.InterfaceError, tqp.DatabaseError):
        assert issubclass(cls, tqp.Error)
    for cls in (tqp.DataError, tqp.OperationalError, tqp.IntegrityError, tqp.InternalError,
                tqp.ProgrammingError, tqp.NotSupportedError):
        assert issubclass(cls, tqp.DatabaseError)
    assert Connection.ProgrammingError is tqp.ProgrammingError


def test_type_objects_compare_equal_to_type_codes():
    assert tqp.STRING == "VARCHAR"
    assert tqp.NUMBER == "BIGINT" and tqp.NUMBER == "DOUBLE" and tqp.NUMBER == "DECIMAL(15,2)"
    assert tqp.DATETIME == "DATE" and tqp.DATETIME == "TIMESTAMP"
    assert tqp.BINARY == "BLOB"
    assert tqp.NUMBER != "VARCHAR" and tqp.STRING != "DATE"
    assert "INTEGER" == tqp.NUMBER


def test_type_codes_from_arrow_types():
    assert type_code(pa.int32()) == "INTEGER"
    assert type_code(pa.int64()) == "BIGINT"
    assert type_code(pa.float64()) == "DOUBLE"
    assert type_code(pa.string()) == "VARCHAR"
    assert type_code(pa.dictionary(pa.int32(), pa.string())) == "VARCHAR"
    assert type_code(pa.date32()) == "DATE"
    assert type_code(pa.timestamp("us")) == "TIMESTAMP"
    assert type_code(pa.timestamp("us", tz="UTC")) == "TIMESTAMP WITH TIME ZONE"
    assert type_code(pa.decimal128(15, 2)) == "DECIMAL(15,2)"
    assert type_code(pa.bool_()) == "BOOLEAN"


def test_constructors():
    assert tqp.Date(2020, 1, 2) == datetime.date(2020, 1, 2)
    assert tqp.Time(1, 2, 3) == datetime.time(1, 2, 3)
    assert tqp.Timestamp(2020, 1, 2, 3, 4, 5) == datetime.datetime(2020, 1, 2, 3, 4, 5)
    ticks = time.mktime((2020, 1, 2, 3, 4, 5, 0, 0, -1))
    assert tqp.DateFromTicks(ticks) == datetime.date(2020, 1, 2)
    assert tqp.TimeFromTicks(ticks) == datetime.time(3, 4, 5)
    assert tqp.TimestampFromTicks(ticks) == datetime.datetime(2020, 1, 2, 3, 4, 5)
    assert tqp.Binary(b"ab") == b"ab"


# -- connection --------------------------------------------------------------------------------


def test_connect_and_select_a_constant():
    with tqp.connect() as connection:
        assert connection.execute("select 42").fetchall() == [(42,)]
        assert connection.device == "cpu"


def test_context_manager_closes():
    with tqp.connect() as connection:
        pass
    assert connection.closed
    with pytest.raises(tqp.InterfaceError):
        connection.cursor()


def test_rollback_undoes_what_was_not_committed(con):
    con.execute("create table kept as select 1 as x")
    con.commit()
    con.execute("create table dropped as select 2 as x")
    con.execute("insert into kept values (3)")
    con.rollback()
    assert "dropped" not in con.table_names()
    assert con.execute("select x from kept").fetchall() == [(1,)]
    assert "people" in con.table_names()  # registered tables stay: they are outside transactions


def test_closed_connection_refuses_everything(con):
    cursor = con.cursor()
    con.close()
    con.close()  # closing twice is fine
    for call in (con.cursor, lambda: con.execute("select 1"), con.commit, con.table_names,
                 lambda: con.register("t", PEOPLE), lambda: cursor.execute("select 1")):
        with pytest.raises(tqp.InterfaceError):
            call()


def test_closed_cursor_refuses_everything(con):
    cursor = con.execute("select 1")
    cursor.close()
    assert cursor.closed
    for call in (cursor.fetchone, cursor.fetchall, lambda: cursor.execute("select 1")):
        with pytest.raises(tqp.InterfaceError):
            call()


def test_table_names_and_schema(con):
    con.register("other", pa.table({"x": [1]}))
    assert con.table_names() == ["other", "people"]
    assert con.schema("people").names == ["id", "name", "score", "born"]


def test_set_device_cpu(con):
    con.set_device("cpu")
    assert con.device == "cpu"
    assert con.execute("select count(*) from people").fetchone() == (4,)


def test_register_pandas_dataframe(con):
    con.register("frame", pd.DataFrame({"k": [1, 2, 3], "v": ["a", "b", "c"]}))
    assert con.execute("select v from frame where k >= 2 order by k").fetchall() == [("b",), ("c",)]


def test_register_parquet_and_csv_paths(con, tmp_path):
    pq.write_table(PEOPLE, tmp_path / "p.parquet")
    pcsv.write_csv(pa.table({"k": [1, 2], "v": ["x", "y"]}), tmp_path / "c.csv")
    con.register("from_parquet", str(tmp_path / "p.parquet"))
    con.register("from_csv", tmp_path / "c.csv")  # a pathlib.Path works too
    assert con.execute("select count(*) from from_parquet").fetchone() == (4,)
    assert con.execute("select v from from_csv where k = 2").fetchall() == [("y",)]


def test_result_names_keep_the_files_spelling(con, tmp_path):
    """A mixed-case header names the result columns as spelled, in every result form, however
    the query writes the name (as DuckDB does)."""
    table = pa.table({"MyCol": [1, 2], "Other_V": ["x", "y"]})
    pq.write_table(table, tmp_path / "m.parquet")
    pcsv.write_csv(table, tmp_path / "m.csv")
    con.register("mixed_parquet", str(tmp_path / "m.parquet"))
    con.register("mixed_csv", tmp_path / "m.csv")
    paths = {"parquet": f"read_parquet('{tmp_path / 'm.parquet'}')",
             "csv": f"read_csv('{tmp_path / 'm.csv'}')"}
    for source in ("mixed_parquet", "mixed_csv", paths["parquet"], paths["csv"]):
        cursor = con.execute(f"select mycol, * exclude (mycol) from {source} order by 1")
        assert [d[0] for d in cursor.description] == ["MyCol", "Other_V"]
        assert cursor.fetch_arrow_table().column_names == ["MyCol", "Other_V"]
        frame = con.execute(f"select * from (select MYCOL, other_v from {source})").fetchdf()
        assert list(frame.columns) == ["MyCol", "Other_V"]


def test_connect_to_a_folder_registers_its_files(tmp_path):
    pq.write_table(PEOPLE, tmp_path / "people.parquet")
    pcsv.write_csv(pa.table({"k": [1, 2]}), tmp_path / "keys.csv")
    (tmp_path / "parts").mkdir()  # a folder of Parquet files is one table
    pq.write_table(PEOPLE.slice(0, 2), tmp_path / "parts" / "part-0.parquet")
    pq.write_table(PEOPLE.slice(2), tmp_path / "parts" / "part-1.parquet")
    (tmp_path / "notes.txt").write_text("not a table")
    with tqp.connect(tmp_path) as connection:
        assert connection.table_names() == ["keys", "parts", "people"]
        assert connection.execute("select count(*) from parts").fetchone() == (4,)
        assert connection.execute("select sum(k) from keys").fetchone() == (3,)


def test_connect_to_a_file(tmp_path):
    pq.write_table(PEOPLE, tmp_path / "folks.parquet")
    with tqp.connect(str(tmp_path / "folks.parquet")) as connection:
        assert connection.table_names() == ["folks"]


def test_connect_to_a_missing_file_is_an_operational_error(tmp_path):
    with pytest.raises(tqp.OperationalError, match="no such file"):
        tqp.connect(tmp_path / "missing.parquet")
    with pytest.raises(tqp.OperationalError, match="no such folder"):
        tqp.connect(tmp_path / "nowhere" / "db")


# -- executing ---------------------------------------------------------------------------------


def test_execute_returns_the_cursor(con):
    cursor = con.cursor()
    assert cursor.execute("select 1") is cursor


def test_execute_with_parameters(con):
    rows = con.execute("select id, name from people where id > ? order by id", [2]).fetchall()
    assert rows == [(3, "cy"), (4, "dee")]
    rows = con.execute("select name from people where name = ? or born = ?",
                       ("ann", datetime.date(1990, 1, 4))).fetchall()
    assert sorted(rows) == [("ann",), ("dee",)]


def test_parameters_of_each_type(con):
    row = con.execute("select ? as i, ? as f, ? as s, ? as d, ? as b",
                      [7, 2.5, "x", datetime.date(2020, 2, 29), True]).fetchone()
    assert row == (7, 2.5, "x", datetime.date(2020, 2, 29), True)
    assert con.execute("select ? is null", [None]).fetchone() == (True,)


def test_parameter_in_limit(con):
    assert con.execute("select id from people order by id limit ?", [2]).fetchall() == [(1,), (2,)]


def test_wrong_number_of_parameters(con):
    with pytest.raises(tqp.ProgrammingError, match="expect"):
        con.execute("select id from people where id > ?", [])
    with pytest.raises(tqp.ProgrammingError):
        con.execute("select id from people where id > ?")
    with pytest.raises(tqp.ProgrammingError):
        con.execute("select 1", [1])


def test_unsupported_parameter_type(con):
    with pytest.raises(tqp.NotSupportedError, match="bytes"):
        con.execute("select ?", [b"raw"])


def test_parameters_must_be_a_sequence(con):
    with pytest.raises(tqp.ProgrammingError, match="qmark"):
        con.execute("select ?", {"a": 1})
    with pytest.raises(tqp.ProgrammingError):
        con.execute("select ?", "abc")


def test_bad_sql_is_a_programming_error(con):
    with pytest.raises(tqp.ProgrammingError):
        con.execute("selec 1")
    with pytest.raises(tqp.ProgrammingError):
        con.execute("select * from no_such_table")
    with pytest.raises(tqp.ProgrammingError):
        con.execute("select no_such_column from people")


def test_several_statements_return_the_last_result(con):
    assert con.execute("select 1; select 2 as two").fetchall() == [(2,)]


def test_executemany(con):
    cursor = con.cursor()
    assert cursor.executemany("select name from people where id = ?", [[1], [2], (3,)]) is cursor
    assert cursor.rowcount == 3  # one row from each run
    assert cursor.fetchall() == [("cy",)]  # the last run's result


def test_sql_must_be_a_string(con):
    with pytest.raises(tqp.ProgrammingError):
        con.execute(42)


# -- results -----------------------------------------------------------------------------------


def test_python_values(con):
    rows = con.execute("select id, name, score, born from people order by id").fetchall()
    assert rows[0] == (1, "ann", 1.5, datetime.date(1990, 1, 1))
    assert rows[1] == (2, "bob", None, datetime.date(1990, 1, 2))
    assert all(type(row) is tuple for row in rows)
    assert type(rows[0][2]) is float and type(rows[0][0]) is int


def test_description(con):
    cursor = con.cursor()
    assert cursor.description is None
    cursor.execute("select id, name, score, born from people")
    description = cursor.description
    assert [d[0] for d in description] == ["id", "name", "score", "born"]
    assert [d[1] for d in description] == ["BIGINT", "VARCHAR", "DOUBLE", "DATE"]
    assert all(len(d) == 7 and d[2:6] == (None,) * 4 for d in description)
    assert all(isinstance(d[6], bool) for d in description)
    assert description[0][1] == tqp.NUMBER
    assert description[1][1] == tqp.STRING
    assert description[3][1] == tqp.DATETIME


@pytest.mark.parametrize("sql", [
    "select sum(id) as s from people",
    "select sum(b) as s from (select 4611686018427387904 + id as b from people) t",
    "select sum(id) as s from people where id > 100",
])
def test_integer_sums_are_hugeint_fetched_as_int_as_duckdb_does(con, sql):
    import duckdb

    duck = duckdb.connect()
    duck.register("people", PEOPLE)
    expected = duck.execute(sql)
    cursor = con.execute(sql)
    assert [d[:2] for d in cursor.description] == [d[:2] for d in expected.description]
    rows, duck_rows = cursor.fetchall(), expected.fetchall()
    assert rows == duck_rows
    assert [type(v) for row in rows for v in row] == [type(v) for row in duck_rows for v in row]
    assert cursor.fetch_arrow_table().schema.types == [pa.decimal128(38, 0)]
    described = con.execute(f"describe {sql}").fetchall()
    assert described == [(d[0], d[1]) for d in expected.description]


def test_rowcount(con):
    cursor = con.cursor()
    assert cursor.rowcount == -1
    cursor.execute("select * from people where id <= 3")
    assert cursor.rowcount == 3
    cursor.execute("select * from people where id > 100")
    assert cursor.rowcount == 0


def test_fetch_before_execute_is_an_error(con):
    cursor = con.cursor()
    for call in (cursor.fetchone, cursor.fetchall, cursor.fetchmany, cursor.fetch_arrow_table):
        with pytest.raises(tqp.ProgrammingError):
            call()


def test_fetchone_fetchmany_fetchall(con):
    cursor = con.execute("select id from people order by id")
    assert cursor.arraysize == 1
    assert cursor.fetchone() == (1,)
    assert cursor.fetchmany() == [(2,)]
    assert cursor.fetchmany(5) == [(3,), (4,)]
    assert cursor.fetchone() is None
    assert cursor.fetchmany(2) == []
    assert cursor.fetchall() == []


def test_arraysize_sets_fetchmany_default(con):
    cursor = con.execute("select id from people order by id")
    cursor.arraysize = 3
    assert cursor.fetchmany() == [(1,), (2,), (3,)]
    assert cursor.fetchall() == [(4,)]


def test_iteration(con):
    cursor = con.execute("select id from people order by id")
    assert cursor.fetchone() == (1,)
    assert [row for row in cursor] == [(2,), (3,), (4,)]


def test_fetching_across_conversion_chunks(con):
    n = 2500  # more than one FETCH_CHUNK_ROWS chunk
    con.register("numbers", pa.table({"n": pa.array(range(n), pa.int64())}))
    cursor = con.execute("select n from numbers order by n")
    rows = [cursor.fetchone()] + cursor.fetchmany(1500) + cursor.fetchall()
    assert rows == [(i,) for i in range(n)]


def test_fetch_arrow_table_returns_the_remaining_rows(con):
    cursor = con.execute("select id, name from people order by id")
    cursor.fetchone()
    table = cursor.fetch_arrow_table()
    assert isinstance(table, pa.Table)
    assert table.column_names == ["id", "name"]
    assert table.column("id").to_pylist() == [2, 3, 4]
    assert cursor.fetchall() == []


def test_fetchdf(con):
    frame = con.execute("select id, score from people order by id").fetchdf()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == ["id", "score"]
    assert frame["id"].tolist() == [1, 2, 3, 4]


def test_setinputsizes_and_setoutputsize_are_accepted(con):
    cursor = con.cursor()
    cursor.setinputsizes([None])
    cursor.setoutputsize(10)
    cursor.setoutputsize(10, 0)


# -- the interface itself, over stand-in engines -----------------------------------------------


class _FailingEngine:
    def execute(self, sql, parameters=None, **options):
        raise RuntimeError("boom in the engine")

    def close(self):
        pass


class _NoResultEngine:
    def execute(self, sql, parameters=None, **options):
        return Result(None, 5)

    def close(self):
        pass


def test_stray_exceptions_become_internal_errors():
    connection = Connection(engine=_FailingEngine())
    with pytest.raises(tqp.InternalError, match="boom in the engine") as info:
        connection.execute("select 1")
    assert isinstance(info.value.__cause__, RuntimeError)


def test_statement_without_result_set():
    cursor = Connection(engine=_NoResultEngine()).execute("create view v as select 1")
    assert cursor.description is None
    assert cursor.rowcount == 5
    with pytest.raises(tqp.ProgrammingError, match="no result set"):
        cursor.fetchall()


def test_view_sql_and_string_view_type_codes():
    con = tqp.connect()
    con.register("t", pa.table({"a": [1, 2]}))
    con.execute("create view big as select a from t where a > 1")
    assert con.view_sql("BIG") == "SELECT a FROM t WHERE a > 1"
    assert con.view_sql("t") is None and con.view_sql("nowhere") is None
    assert type_code(pa.string_view()) == "VARCHAR" and type_code(pa.binary_view()) == "BLOB"


# -- every type at its extremes ------------------------------------------------------------------

EXTREMES = {
    "i32": (pa.int32(), [-(2 ** 31), 2 ** 31 - 1, 0]),
    "i64": (pa.int64(), [-(2 ** 63), 2 ** 63 - 1, 0]),
    "f64": (pa.float64(), [-1.7976931348623157e308, 5e-324, float("inf")]),
    "dec": (pa.decimal128(15, 2), [decimal.Decimal("-9999999999999.99"),
                                   decimal.Decimal("9999999999999.99"), decimal.Decimal("0.01")]),
    "d": (pa.date32(), [datetime.date(1, 1, 1), datetime.date(9999, 12, 31),
                        datetime.date(1970, 1, 1)]),
    "ts": (pa.timestamp("us"), [datetime.datetime(1, 1, 1),
                                datetime.datetime(9999, 12, 31, 23, 59, 59, 999999),
                                datetime.datetime(1970, 1, 1)]),
    "i16": (pa.int16(), [-(2 ** 15), 2 ** 15 - 1, 0]),
    "f32": (pa.float32(), [-3.4028234663852886e38, 1.401298464324817e-45, float("-inf")]),
    "s": (pa.string(), ["", "ünïcødé ✓ " * 100, "x"]),
    "b": (pa.bool_(), [True, False, None]),
}


def _expected_python(name, values):
    return values


@pytest.mark.parametrize("name", list(EXTREMES))
def test_fetching_every_type_at_its_extremes(name):
    arrow_type, values = EXTREMES[name]
    with tqp.connect() as connection:
        connection.register("x", pa.table({"v": pa.array(values, arrow_type)}))
        fetched = [row[0] for row in connection.execute("select v from x").fetchall()]
        assert fetched == _expected_python(name, values)
        # The same values written by INSERT into a declared column come back the same.
        sql_type = {"i32": "INTEGER", "i64": "BIGINT", "f64": "DOUBLE", "dec": "DECIMAL(15,2)",
                    "i16": "SMALLINT", "f32": "REAL",
                    "d": "DATE", "ts": "TIMESTAMP", "s": "VARCHAR", "b": "BOOLEAN"}[name]
        connection.execute(f"create table y (v {sql_type})")
        connection.executemany("insert into y values (?)", [(v,) for v in values])
        connection.execute("insert into y select v from x")
        fetched = [row[0] for row in connection.execute("select v from y").fetchall()]
        assert fetched == _expected_python(name, values) * 2


def test_nan_round_trips():
    with tqp.connect() as connection:
        connection.execute("create table n (v DOUBLE)")
        connection.execute("insert into n values (?)", [float("nan")])
        assert math.isnan(connection.execute("select v from n").fetchone()[0])


@pytest.mark.parametrize("arrow_type, value", [
    (pa.date32(), 2_932_897),  # 10000-01-01
    (pa.date32(), -719_163),  # year 0
    (pa.timestamp("us"), 253_402_300_800_000_000),  # 10000-01-01 00:00
])
def test_a_value_outside_pythons_range_is_a_data_error(arrow_type, value):
    with tqp.connect() as connection:
        storage = pa.int32() if arrow_type == pa.date32() else pa.int64()
        connection.register("x", pa.table({"v": pa.array([value], storage).cast(arrow_type)}))
        cursor = connection.execute("select v from x")
        with pytest.raises(tqp.DataError, match="column v holds a .* Python cannot represent"):
            cursor.fetchall()
        assert connection.execute("select v from x").fetch_arrow_table().num_rows == 1


def test_executemany_inserts_all_rows_as_one_statement(con):
    con.execute("create table m (id integer not null, name varchar, d date, p decimal(12,2))")
    rows = [(i, f"n{i}", datetime.date(2020, 1, 1), decimal.Decimal("1.25")) for i in range(5000)]
    cursor = con.executemany("insert into m values (?, ?, ?, ?)", rows)
    assert cursor.rowcount == 5000
    assert con.execute("select count(*), sum(id), min(d), max(p) from m").fetchone() == (
        5000, sum(range(5000)), datetime.date(2020, 1, 1), decimal.Decimal("1.25"))
    with pytest.raises(tqp.IntegrityError):  # one NULL id: none of the rows goes in
        con.executemany("insert into m (id, name) values (?, 'x')", [(1,), (None,), (3,)])
    with pytest.raises(tqp.ProgrammingError, match="expects 2"):
        con.executemany("insert into m (id, name) values (?, ?)", [(1, "a"), (2,)])
    assert con.execute("select count(*) from m").fetchone() == (5000,)
    assert con.executemany("insert into m (id) values (?)", []).rowcount == 0
    for not_rows in (None, 5, "12"):
        with pytest.raises(tqp.ProgrammingError, match="sequence of parameter sequences"):
            con.executemany("insert into m (id) values (?)", not_rows)
