"""The catalog: named Arrow tables and views, their device columns, and the file readers.

Names are case-insensitive; a table column is converted to a tensor once and cached until the
table is replaced, dropped or the device changes; unknown names come with a suggestion; Parquet
files, folders of Parquet parts and CSV files read into Arrow tables.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
import sqlglot
import torch

import tqp
from tqp.engine import Engine
from tqp.storage import catalog as catalog_module
from tqp.storage import readers
from tqp.storage.catalog import Catalog

CPU = torch.device("cpu")
ORDERS = pa.table({"o_id": pa.array([1, 2, 3], pa.int32()), "o_note": ["a", None, "c"]})
ITEMS = pa.table({"i_id": pa.array([10, 20], pa.int64())})


def _view(sql: str):
    return sqlglot.parse_one(sql, read="duckdb")


@pytest.fixture
def catalog():
    cat = Catalog(CPU)
    cat.add_table("Orders", ORDERS)
    cat.add_table("items", ITEMS)
    return cat


@pytest.fixture
def con():
    connection = tqp.connect()
    connection.register("Orders", ORDERS)
    yield connection
    connection.close()


# -- the Catalog object --------------------------------------------------------------------------

def test_names_are_case_insensitive(catalog):
    assert "orders" in catalog and "ORDERS" in catalog and "Orders" in catalog
    assert catalog.table("oRdErS") is ORDERS
    assert catalog.names() == ["items", "orders"]


def test_add_table_replaces_by_default_and_refuses_when_asked(catalog):
    catalog.add_table("ORDERS", ITEMS)
    assert catalog.table("orders") is ITEMS
    with pytest.raises(tqp.IntegrityError):
        catalog.add_table("orders", ORDERS, replace=False)
    assert catalog.table("orders") is ITEMS


def test_views_and_tables_share_one_namespace(catalog):
    catalog.add_view("recent", _view("SELECT o_id FROM orders"))
    assert "RECENT" in catalog and catalog.names() == ["items", "orders", "recent"]
    with pytest.raises(tqp.IntegrityError):
        catalog.add_view("orders", _view("SELECT 1"))
    with pytest.raises(tqp.IntegrityError):
        catalog.add_table("recent", ITEMS, replace=False)
    catalog.add_view("orders", _view("SELECT 1"), replace=True)  # a view replaces the table
    assert "orders" in catalog.views and "orders" not in catalog.tables
    catalog.add_table("recent", ITEMS)  # and a table replaces the view
    assert "recent" in catalog.tables and "recent" not in catalog.views


def test_drop_removes_only_the_named_kind(catalog):
    catalog.add_view("v", _view("SELECT 1"))
    with pytest.raises(tqp.ProgrammingError):
        catalog.drop("v", "TABLE")
    assert "v" in catalog
    catalog.drop("V", "VIEW")
    catalog.drop("ORDERS", "TABLE")
    assert catalog.names() == ["items"]
    catalog.drop("orders", "TABLE", if_exists=True)  # no error
    with pytest.raises(tqp.ProgrammingError):
        catalog.drop("orders", "TABLE")


def test_unknown_names_suggest_the_closest_one(catalog):
    with pytest.raises(tqp.ProgrammingError, match=r"did you mean orders\?"):
        catalog.table("ordres")
    with pytest.raises(tqp.ProgrammingError, match=r"did you mean items\?"):
        catalog.drop("itemz", "TABLE")
    with pytest.raises(tqp.ProgrammingError) as raised:
        catalog.table("zzzzzz")
    assert "did you mean" not in str(raised.value)


def test_columns_are_converted_once_and_cached(catalog, monkeypatch):
    calls = []
    convert = catalog_module.arrow_to_column
    monkeypatch.setattr(catalog_module, "arrow_to_column",
                        lambda array, device, **kw: calls.append(1) or convert(array, device, **kw))
    first = catalog.column("orders", "o_id")
    again = catalog.column("ORDERS", "o_id")
    assert first is again and len(calls) == 1
    assert first.values.tolist() == [1, 2, 3] and first.device == CPU
    catalog.column("orders", "o_note")
    assert len(calls) == 2  # one conversion per column, on first use


def test_replacing_or_dropping_a_table_forgets_its_columns(catalog):
    old = catalog.column("orders", "o_id")
    other = catalog.column("items", "i_id")
    catalog.add_table("orders", pa.table({"o_id": pa.array([7], pa.int32())}))
    new = catalog.column("orders", "o_id")
    assert new is not old and new.values.tolist() == [7]
    assert catalog.column("items", "i_id") is other  # other tables keep their cache
    catalog.drop("orders", "TABLE")
    catalog.add_table("orders", ORDERS)
    assert catalog.column("orders", "o_id").values.tolist() == [1, 2, 3]


def test_changing_device_drops_cached_columns(catalog):
    old = catalog.column("orders", "o_id")
    catalog.set_device(CPU)
    assert catalog.column("orders", "o_id") is not old


# -- through SQL ---------------------------------------------------------------------------------

def test_queries_convert_each_column_once(monkeypatch):
    calls = []
    convert = catalog_module.arrow_to_column
    monkeypatch.setattr(catalog_module, "arrow_to_column",
                        lambda array, device, **kw: calls.append(1) or convert(array, device, **kw))
    engine = Engine()
    engine.register("orders", ORDERS)
    for _ in range(3):
        engine.execute("SELECT o_id, o_note FROM orders WHERE o_id > 1")
    engine.execute("SELECT count(*) FROM ORDERS WHERE o_id < 3")
    assert len(calls) == 2


def test_table_names_in_sql_are_case_insensitive(con):
    assert con.execute("SELECT count(*) FROM orders").fetchall() == [(3,)]
    assert con.execute('SELECT count(*) FROM "ORDERS"').fetchall() == [(3,)]
    assert con.table_names() == ["orders"]


def test_create_replace_and_drop_tables(con):
    with pytest.raises(tqp.IntegrityError):
        con.execute("CREATE TABLE orders AS SELECT 1 AS x")
    assert con.execute("CREATE TABLE IF NOT EXISTS ORDERS AS SELECT 1 AS x").rowcount == 0
    assert con.execute("SELECT count(*) FROM orders").fetchall() == [(3,)]
    assert con.execute("CREATE OR REPLACE TABLE orders AS SELECT 5 AS x").rowcount == 1
    assert con.execute("SELECT * FROM orders").fetchall() == [(5,)]
    con.execute("DROP TABLE Orders")
    with pytest.raises(tqp.ProgrammingError):
        con.execute("SELECT * FROM orders")
    con.execute("DROP TABLE IF EXISTS orders")


def test_registering_again_replaces_the_table(con):
    assert con.execute("SELECT count(*) FROM orders").fetchall() == [(3,)]
    con.register("ORDERS", ITEMS)
    assert con.execute("SELECT * FROM orders ORDER BY 1").fetchall() == [(10,), (20,)]


def test_views_are_expanded_and_see_the_current_tables(con):
    con.execute("CREATE VIEW big AS SELECT o_id FROM orders WHERE o_id > 1")
    assert con.execute("SELECT * FROM BIG ORDER BY 1").fetchall() == [(2,), (3,)]
    con.register("orders", pa.table({"o_id": pa.array([9], pa.int32())}))
    assert con.execute("SELECT * FROM big").fetchall() == [(9,)]
    with pytest.raises(tqp.IntegrityError):
        con.execute("CREATE VIEW big AS SELECT 1")
    con.execute("CREATE OR REPLACE VIEW big AS SELECT 2 AS two")
    assert con.execute("SELECT * FROM big").fetchall() == [(2,)]
    con.execute("CREATE VIEW bigger AS SELECT two + 1 AS three FROM big")
    assert con.execute("SELECT * FROM bigger").fetchall() == [(3,)]
    con.execute("DROP VIEW Big")
    with pytest.raises(tqp.ProgrammingError):
        con.execute("SELECT * FROM big")


def test_a_view_over_a_missing_table_is_refused_when_created(con):
    with pytest.raises(tqp.ProgrammingError, match="nope"):
        con.execute("CREATE VIEW v AS SELECT * FROM nope")
    assert "v" not in con.table_names()


def test_drop_table_on_a_view_is_an_error_that_names_no_look_alike(con):
    con.execute("CREATE VIEW v1 AS SELECT 1 AS one")
    with pytest.raises(tqp.ProgrammingError) as raised:
        con.execute("DROP TABLE v1")
    assert "did you mean v1" not in str(raised.value)  # v1 exists: suggesting it helps no one
    assert con.execute("SELECT * FROM v1").fetchall() == [(1,)]


def test_misspelled_table_names_get_a_suggestion(con):
    con.register("lineitem", ITEMS)
    with pytest.raises(tqp.ProgrammingError, match=r"lineitme.*did you mean lineitem\?"):
        con.execute("SELECT * FROM lineitme")
    with pytest.raises(tqp.ProgrammingError, match=r"did you mean orders\?"):
        con.execute("DROP TABLE ordres")


def test_show_tables_and_describe(con):
    con.execute("CREATE VIEW v AS SELECT o_id FROM orders")
    assert con.execute("SHOW TABLES").fetchall() == [("orders",), ("v",)]
    assert con.execute("DESCRIBE orders").fetchall() == [("o_id", "INTEGER"),
                                                         ("o_note", "VARCHAR")]


# -- readers -------------------------------------------------------------------------------------

def test_read_parquet_file(tmp_path):
    pq.write_table(ORDERS, tmp_path / "orders.parquet")
    assert readers.read_parquet(tmp_path / "orders.parquet").equals(ORDERS)


def test_read_parquet_folder_of_parts(tmp_path):
    folder = tmp_path / "parts"
    folder.mkdir()
    pq.write_table(ORDERS.slice(0, 2), folder / "part-0.parquet")
    pq.write_table(ORDERS.slice(2), folder / "part-1.parquet")
    table = readers.read_parquet(folder)
    assert table.num_rows == 3
    assert sorted(table.column("o_id").to_pylist()) == [1, 2, 3]


def test_read_csv_infers_types(tmp_path):
    (tmp_path / "people.csv").write_text(
        "id,name,score,born\n1,ann,1.5,2000-02-29\n2,bob,,1969-12-31\n")
    table = readers.read_csv(tmp_path / "people.csv")
    assert table.column_names == ["id", "name", "score", "born"]
    assert pa.types.is_integer(table.schema.field("id").type)
    assert pa.types.is_floating(table.schema.field("score").type)
    assert pa.types.is_date(table.schema.field("born").type)
    assert table.column("score").to_pylist() == [1.5, None]


def test_read_csv_empty_fields_are_null_as_in_duckdb(tmp_path):
    import duckdb

    path = tmp_path / "gaps.csv"
    path.write_text('id,name,note\n1,,x\n2,"",y\n3,c,\n')
    expected = duckdb.sql(f"select * from read_csv('{path}')").fetchall()
    assert [tuple(row.values()) for row in readers.read_csv(path).to_pylist()] == expected


def test_missing_or_unreadable_files_are_operational_errors(tmp_path):
    with pytest.raises(tqp.OperationalError):
        readers.read_parquet(tmp_path / "missing.parquet")
    with pytest.raises(tqp.OperationalError):
        readers.read_csv(tmp_path / "missing.csv")
    (tmp_path / "junk.parquet").write_text("not parquet")
    with pytest.raises(tqp.OperationalError):
        readers.read_parquet(tmp_path / "junk.parquet")


def test_to_source_accepts_tables_batches_frames_and_paths(tmp_path):
    import pandas as pd

    assert readers.to_source(ORDERS).to_arrow() is ORDERS  # zero-copy
    assert readers.to_source(ORDERS.to_batches()[0]).to_arrow().equals(ORDERS)
    frame = readers.to_source(pd.DataFrame({"k": [1, 2]})).to_arrow()
    assert frame.column("k").to_pylist() == [1, 2]
    pacsv.write_csv(ITEMS, tmp_path / "items.csv")
    csv = readers.to_source(tmp_path / "items.csv")
    assert csv.to_arrow().column("i_id").to_pylist() == [10, 20]
    pq.write_table(ITEMS, tmp_path / "items.parquet")
    parquet = readers.to_source(tmp_path / "items.parquet")
    assert parquet.num_rows == 2 and parquet.to_arrow().equals(ITEMS)
    with pytest.raises(tqp.ProgrammingError, match="cannot register"):
        readers.to_source([1, 2, 3])


def test_tables_in_a_folder(tmp_path):
    pq.write_table(ORDERS, tmp_path / "orders.parquet")
    pacsv.write_csv(ITEMS, tmp_path / "items.csv")
    (tmp_path / "notes.txt").write_text("ignored")
    (tmp_path / "lineitem").mkdir()
    pq.write_table(ITEMS, tmp_path / "lineitem" / "part-0.parquet")
    (tmp_path / "empty").mkdir()
    found = readers.tables_in(tmp_path)
    assert sorted(found) == ["items", "lineitem", "orders"]
    assert readers.tables_in(tmp_path / "orders.parquet") == {"orders": tmp_path / "orders.parquet"}


def test_files_through_sql(tmp_path):
    pq.write_table(ORDERS, tmp_path / "orders.parquet")
    (tmp_path / "parts").mkdir()
    pq.write_table(ITEMS, tmp_path / "parts" / "p0.parquet")
    pq.write_table(ITEMS, tmp_path / "parts" / "p1.parquet")
    pacsv.write_csv(ITEMS, tmp_path / "items.csv")
    con = tqp.connect(tmp_path)
    assert con.table_names() == ["items", "orders", "parts"]
    assert con.execute("SELECT count(*) FROM parts").fetchall() == [(4,)]
    path = (tmp_path / "orders.parquet").as_posix()
    assert con.execute(f"SELECT sum(o_id) FROM read_parquet('{path}')").fetchall() == [(6,)]
    csv = (tmp_path / "items.csv").as_posix()
    assert con.execute(f"SELECT max(i_id) FROM read_csv('{csv}') AS c").fetchall() == [(20,)]
    assert con.table_names() == ["items", "orders", "parts"]  # file reads stay hidden


def test_snapshot_and_restore_bring_back_tables_views_and_temporary_names():
    catalog = Catalog(CPU)
    first = pa.table({"a": [1, 2]})
    catalog.add_table("t", first)
    catalog.add_table("r", pa.table({"b": [1]}), temporary=True)
    state = catalog.snapshot()
    assert catalog.column("t", "a").values.tolist() == [1, 2]  # cached
    catalog.replace_table("t", pa.table({"a": [9]}))
    catalog.add_table("r", pa.table({"b": [2]}))  # now persistent
    catalog.drop("t", "TABLE")
    catalog.restore(state)
    assert catalog.table("t") is first and catalog.column("t", "a").values.tolist() == [1, 2]
    assert catalog.temporary == {"r"} and catalog.table("r").column("b").to_pylist() == [1]


@pytest.mark.parametrize("column", ["k", "d", "wide", "tiny", "small"])
def test_distinct_counts_are_duckdbs_with_or_without_a_presence_table(tmp_path, column):
    """Distinct counts for the planner are DuckDB's, for small and wide integer ranges, NULLs
    left out, over several segments, and narrow integer types over their whole range."""
    import datetime

    import duckdb

    rows = 5000
    table = pa.table({
        "k": pa.array([None if i % 7 == 0 else (i * 37) % 1300 - 400 for i in range(rows)],
                      pa.int64()),
        "d": pa.array([datetime.date(2000, 1, 1) + datetime.timedelta(days=i % 97)
                       for i in range(rows)], pa.date32()),
        "wide": pa.array([i * (1 << 40) for i in range(rows)], pa.int64()),
        "tiny": pa.array([i % 256 - 128 for i in range(rows)], pa.int8()),
        "small": pa.array([(i * 13) % 65536 - 32768 for i in range(rows)], pa.int16()),
    })
    path = tmp_path / "t.parquet"
    pq.write_table(table, path, row_group_size=700)
    engine = Engine(device="cpu", batch_rows=1500)
    engine.register("t", str(path))
    expected = duckdb.sql(f"SELECT count(DISTINCT {column}) FROM '{path}'").fetchall()[0][0]
    assert engine.catalog.distinct_count("t", column) == expected


def test_a_column_is_unique_only_when_every_row_holds_its_own_value(tmp_path):
    """Exact, over several segments: a NULL, a repeat, a float or a string dictionary with an
    entry no row uses (a filtered dictionary-typed column) is not unique."""
    rows = 3000
    names = pa.array([f"n{i}" for i in range(rows)]).dictionary_encode()
    unused = pa.DictionaryArray.from_arrays(pa.array(list(range(rows - 1)) + [0], pa.int32()),
                                            pa.array([f"s{i}" for i in range(rows)]))
    table = pa.table({
        "id": pa.array(range(rows), pa.int64()), "name": names, "unused": unused,
        "repeat": pa.array([i % (rows - 1) for i in range(rows)], pa.int64()),
        "null": pa.array([None] + list(range(1, rows)), pa.int64()),
        "real": pa.array([float(i) for i in range(rows)]),
    })
    path = tmp_path / "t.parquet"
    pq.write_table(table, path, row_group_size=700)
    engine = Engine(device="cpu", batch_rows=1000)
    engine.register("t", str(path))
    unique = {c: engine.catalog.is_unique("t", c) for c in table.column_names}
    assert unique == {"id": True, "name": True, "unused": False, "repeat": False,
                      "null": False, "real": False}


def test_a_column_with_fewer_possible_values_than_rows_is_not_unique_without_a_count(
        tmp_path, monkeypatch):
    """Its range (from the files' statistics) already says so: no pass over its values."""
    from tqp.storage import catalog as catalog_module

    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"k": pa.array([i % 10 for i in range(5000)], pa.int64())}), path)
    engine = Engine(device="cpu")
    engine.register("t", str(path))

    def no_count(values):
        raise AssertionError("counted")

    monkeypatch.setattr(catalog_module, "_count_distinct", no_count)
    assert engine.catalog.is_unique("t", "k") is False


def test_a_statistics_read_takes_the_strings_that_come_as_dictionaries_along(tmp_path):
    """One pass over the files: a column read for statistics brings the scan's other numbers and
    its low-cardinality strings (read as the file's dictionaries) into the cache, but not a
    near-unique string, which the scan may want with an unsorted dictionary."""
    rows = 4000
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({
        "k": pa.array(range(rows), pa.int64()),
        "flag": pa.array(["ab"[i % 2] for i in range(rows)]),
        "note": pa.array([f"note {i}" for i in range(rows)]),
        "x": pa.array([i * 0.5 for i in range(rows)]),
    }), path)
    engine = Engine(device="cpu")
    engine.register("t", str(path))
    engine.catalog.column("t", "k", along=("flag", "note", "x"))
    cached = {f for f in ("k", "flag", "note", "x") for order in ("sorted", "unique")
              if engine.catalog.cache.get(("t", f, 0, None, order)) is not None}
    assert cached == {"k", "flag", "x"}


def test_a_string_read_for_statistics_is_sorted_from_the_cache_when_a_scan_orders_it(
        tmp_path, monkeypatch):
    """Statistics hash a string column (no sort); a query that orders it then sorts that
    cached column's dictionary instead of reading the file again, and answers as DuckDB."""
    import duckdb

    from tests.oracle import check_against_duckdb

    path = tmp_path / "t.parquet"
    words = [f"w{(i * 7919) % 500:03d}" for i in range(3000)]
    pq.write_table(pa.table({"w": words, "k": pa.array(range(3000), pa.int64())}), path)
    con = tqp.connect()
    con.register("t", str(path))
    catalog = con._engine.catalog
    assert catalog.distinct_count("t", "w") == 500
    reads = []
    original = catalog_module.Catalog._convert
    monkeypatch.setattr(catalog_module.Catalog, "_convert",
                        lambda self, *a: reads.append(a[2]) or original(self, *a))
    duck = duckdb.connect()
    duck.execute(f"CREATE VIEW t AS SELECT * FROM '{path}'")
    check_against_duckdb(con, duck, "SELECT w, count(*) AS n FROM t GROUP BY w ORDER BY w LIMIT 4")
    assert reads == []
    assert catalog.cache.get(("t", "w", 0, None, "unique")) is None  # replaced by the sorted one


@pytest.mark.parametrize("dictionary", [False, True])
def test_a_string_cached_as_read_is_hashed_or_sorted_in_place_when_a_query_needs_it(
        tmp_path, monkeypatch, dictionary):
    """A string column a query only returned is cached as read (entries may repeat); a later
    query that groups it, then one that orders it, re-code that cached column instead of reading
    the file again, and one copy stays cached. Answers as DuckDB's, NULLs included, for plain
    strings and for the file's own dictionaries."""
    import duckdb

    from tests.oracle import check_against_duckdb

    path = tmp_path / "t.parquet"
    words = [None if i % 11 == 0 else f"w{(i * 7919) % 300:03d}" for i in range(3000)]
    pq.write_table(pa.table({"w": words, "k": pa.array(range(3000), pa.int64())}), path,
                   use_dictionary=dictionary, row_group_size=1000)
    con = tqp.connect()
    con.register("t", str(path))
    catalog = con._engine.catalog
    duck = duckdb.connect()
    duck.execute(f"CREATE VIEW t AS SELECT * FROM '{path}'")
    check_against_duckdb(con, duck, "SELECT k, w FROM t WHERE k % 97 = 3 ORDER BY k")

    def cached_orders():
        return [order for order in ("as read", "unique", "sorted")
                if catalog.cache.get(("t", "w", 0, None, order)) is not None]

    assert cached_orders() == ["as read"]
    reads = []
    original = catalog_module.Catalog._convert
    monkeypatch.setattr(catalog_module.Catalog, "_convert",
                        lambda self, *a: reads.append(a[2]) or original(self, *a))
    check_against_duckdb(con, duck, "SELECT w, count(*) AS n FROM t GROUP BY w")
    assert cached_orders() == ["unique"]
    check_against_duckdb(con, duck, "SELECT w, min(k) AS m FROM t GROUP BY w ORDER BY w")
    assert cached_orders() == ["sorted"]
    check_against_duckdb(con, duck, "SELECT count(DISTINCT w) AS d, max(w) AS top FROM t")
    assert reads == []


def test_a_string_read_as_the_files_dictionaries_is_cached_sorted_by_a_statistics_read(
        tmp_path, monkeypatch):
    """Sorting a file's few dictionary entries costs nothing, so a statistics read caches such
    a column sorted at once: a query that groups and orders by it re-codes no row (no sort of
    the cached column), and answers as DuckDB."""
    import duckdb

    from tests.oracle import check_against_duckdb

    path = tmp_path / "t.parquet"
    flags = ["NRA"[(i * 7) % 3] for i in range(4000)]
    pq.write_table(pa.table({"f": flags, "k": pa.array(range(4000), pa.int64())}), path)
    con = tqp.connect()
    con.register("t", str(path))
    catalog = con._engine.catalog
    assert catalog.source("t").codes_come_ready("f")
    assert catalog.distinct_count("t", "f") == 3
    assert catalog.cache.get(("t", "f", 0, None, "sorted")) is not None
    assert catalog.cache.get(("t", "f", 0, None, "unique")) is None
    monkeypatch.setattr(catalog_module, "_ordered_strings",
                        lambda *_: pytest.fail("re-coded a cached column"))
    duck = duckdb.connect()
    duck.execute(f"CREATE VIEW t AS SELECT * FROM '{path}'")
    check_against_duckdb(con, duck, "SELECT f, count(*) AS n FROM t GROUP BY f ORDER BY f")


def _mixed_parquet(path, rows: int = 3000):
    """Columns of every kind a scan converts, in several row groups, some with NULLs."""
    import datetime
    import decimal

    table = pa.table({
        "i": pa.array([i if i % 7 else None for i in range(rows)], pa.int32()),
        "b": pa.array([i * 10**10 for i in range(rows)], pa.int64()),
        "d": pa.array([decimal.Decimal(i) / 100 for i in range(rows)], pa.decimal128(15, 2)),
        "t": pa.array([datetime.date(1990, 1, 1) + datetime.timedelta(days=i)
                       for i in range(rows)]),
        "few": pa.array([["x", "y", None, "z"][i % 4] for i in range(rows)]),
        "own": pa.array([f"row {i}" for i in range(rows)]),
        "f": pa.array([i / 3 for i in range(rows)]),
    })
    pq.write_table(table, path, row_group_size=700)
    return table


def _read_with_one_and_two_threads(path, fields, **read) -> list[dict[str, list]]:
    """The first segment's `fields` of the Parquet file at `path` read by a fresh catalog with
    one torch thread, then with two (`read`: Catalog.read's keywords), as Python values."""
    from tqp.storage.arrow import column_to_arrow

    previous = torch.get_num_threads()
    answers = []
    try:
        for threads in (1, 2):
            torch.set_num_threads(threads)
            cat = Catalog(CPU)
            cat.add_table("t", readers.to_source(path))
            columns = cat.read("t", cat.segments("t")[0], fields, **read)
            answers.append({f: column_to_arrow(c).to_pylist() for f, c in columns.items()})
    finally:
        torch.set_num_threads(previous)
    return answers


@pytest.mark.parametrize("strings", [{}, {"own": "as read", "few": "unique"}])
def test_columns_converted_each_on_its_own_thread_equal_those_converted_batch_by_batch(
        tmp_path, strings):
    """With two threads a scan's columns are decoded and converted one column per task; the
    columns are those the single-threaded path builds a batch at a time, value for value."""
    path = tmp_path / "mixed.parquet"
    table = _mixed_parquet(path)
    answers = _read_with_one_and_two_threads(path, table.column_names, strings=strings)
    assert answers[0] == answers[1]
    assert answers[1]["d"] == table.column("d").to_pylist()
    assert answers[1]["own"] == table.column("own").to_pylist()


@pytest.mark.parametrize("fields", [["heavy", "light"], ["heavy"], ["text"]],
                         ids=["beside", "alone", "strings"])
@pytest.mark.parametrize("part", [None, (1, 2, 4, 5)], ids=["all", "some"])
def test_a_column_costing_more_than_a_threads_share_is_read_in_runs_of_row_groups(
        tmp_path, monkeypatch, part, fields):
    """A column read alone, or outweighing the other columns read with it, is cut into one run
    of row groups per thread, each written into its own rows of one column (strings: joined in
    row order): the values, NULLs among them, are those of the single-threaded read, for all
    the row groups or some of them."""
    from tqp.storage.arrow import ColumnBuilder

    rows = 6000
    path = tmp_path / "heavy.parquet"
    table = pa.table({
        "heavy": pa.array([None if i % 11 == 0 else i * 7919 + 10**12 for i in range(rows)],
                          pa.int64()),
        "light": pa.array([i % 3 for i in range(rows)], pa.int8()),
        "text": pa.array([None if i % 13 == 0 else f"comment {i * 7919}" for i in range(rows)]),
    })
    pq.write_table(table, path, row_group_size=1000, use_dictionary=["light"])
    written = []
    write_at = ColumnBuilder.write_at
    monkeypatch.setattr(ColumnBuilder, "write_at",
                        lambda self, lo, array: written.append(lo) or write_at(self, lo, array))
    answers = _read_with_one_and_two_threads(path, fields, row_groups=part)
    assert 0 in written and len(set(written)) >= 2  # two runs: from row 0 and further on
    assert answers[0] == answers[1]
    groups = range(6) if part is None else part
    first = fields[0]
    values = table.column(first).to_pylist()
    assert answers[1][first] == [v for g in groups for v in values[g * 1000:(g + 1) * 1000]]


def test_runs_cover_the_row_groups_in_order():
    """`_runs` cuts row groups into consecutive runs of about equal rows, one per thread, each
    starting at the row where the previous one ends; a column within its share or with one
    row group is read whole."""
    from tqp.storage.catalog import _runs

    previous = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        runs = _runs(900, 1000, (3, 4, 5, 6, 7), [2, 2, 2, 2, 2])
        assert [(groups, first) for groups, first, _ in runs] == [((3, 4, 5), 0), ((6, 7), 6)]
        assert _runs(400, 1000, (3, 4, 5), [1, 1, 1]) is None  # within its share
        assert _runs(900, 1000, (3,), [5]) is None  # one row group
    finally:
        torch.set_num_threads(previous)


def test_builders_say_which_columns_fill_rows_in_any_order():
    """Numbers and strings read as plain values may be written in runs; strings read as Arrow
    dictionaries may not (their codes follow the order pieces come in)."""
    from tqp.storage.arrow import ColumnBuilder

    assert ColumnBuilder(pa.int64(), 10, CPU).fills_at_rows()
    assert ColumnBuilder(pa.string_view(), 10, CPU, "as read").fills_at_rows()
    assert not ColumnBuilder(pa.dictionary(pa.int32(), pa.string()), 10, CPU).fills_at_rows()


def test_a_column_that_fails_to_convert_stops_the_read_with_its_error(tmp_path):
    """A column whose values cannot be held (a decimal beyond 64 bits) fails the read with a
    DataError from its task, whatever the other column's task was doing; the catalog still
    reads the other column afterwards."""
    import decimal

    path = tmp_path / "wide.parquet"
    pq.write_table(pa.table({
        "ok": pa.array(range(2000), pa.int64()),
        "wide": pa.array([decimal.Decimal(10**30)] * 2000, pa.decimal128(38, 0)),
    }), path, row_group_size=500)
    previous = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        cat = Catalog(CPU)
        cat.add_table("w", readers.to_source(path))
        segment = cat.segments("w")[0]
        with pytest.raises(tqp.DataError, match="beyond the 64-bit"):
            cat.read("w", segment, ["ok", "wide"])
        assert cat.read("w", segment, ["ok"])["ok"].values.tolist() == list(range(2000))
    finally:
        torch.set_num_threads(previous)
