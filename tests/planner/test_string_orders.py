"""How much order each scanned string column needs (planner/string_orders.py): sorted where
anything compares, orders or takes MIN/MAX of it, however it is renamed on the way; a
duplicate-free dictionary in any order where only equality matters; nothing where only LIKE or a
string function computed per dictionary entry (UPPER, SUBSTRING, ...) reads it, or where it is
only returned."""

from __future__ import annotations

import pyarrow as pa
import pytest

import tqp
from tqp.planner.string_orders import string_orders
from tqp.storage.dictionary import AS_READ, UNIQUE


STRINGS = {"s", "u", "w"}


@pytest.fixture(scope="module")
def con():
    con = tqp.connect()
    con.register("t", pa.table({"k": [1, 2, 3], "s": ["a", "b", "c"], "u": ["x", "y", "z"]}))
    con.register("v", pa.table({"j": [1, 2], "w": ["p", "q"]}))
    return con


def _orders(con, sql) -> dict[str, str]:
    from tqp.engine import _parse

    plan = con._engine._plan(_parse(sql)[0]).plan
    fields = {name.rsplit(".", 1)[1]: order for name, order in string_orders(plan).items()}
    return {f: order for f, order in fields.items() if f in STRINGS}  # numbers have no order


@pytest.mark.parametrize("sql, expected", [
    # LIKE alone: nothing; a comparison: sorted.
    ("SELECT k FROM t WHERE u LIKE '%y%' AND s > 'a'", {"u": AS_READ}),
    # Grouped, counted, made distinct: duplicate-free.
    ("SELECT u AS name, count(*) FROM t GROUP BY u", {"u": UNIQUE}),
    ("SELECT count(DISTINCT u), count(s) FROM t", {"u": UNIQUE, "s": UNIQUE}),
    ("SELECT DISTINCT u FROM t", {"u": UNIQUE}),
    ("SELECT g, count(*) FROM (SELECT k, any_value(u) AS g FROM t GROUP BY k) GROUP BY g",
     {"u": UNIQUE}),
    # Only returned, also through a filter, a sort on another column, a join or an aggregate
    # giving one row's value: nothing (the result is taken string by string).
    ("SELECT u FROM t WHERE u LIKE '%y%'", {"u": AS_READ}),
    ("SELECT k, any_value(u), first(s) FROM t GROUP BY k", {"u": AS_READ, "s": AS_READ}),
    ("SELECT u, k FROM t ORDER BY k LIMIT 2", {"u": AS_READ}),
    ("SELECT k, w FROM t JOIN v ON k = j", {"w": AS_READ}),
    ("SELECT k, u FROM t WHERE k IN (SELECT j FROM v)", {"u": AS_READ}),
    # Ordered, compared or MIN/MAX: sorted, also through a rename or a grouping.
    ("SELECT u FROM t ORDER BY u", {}),
    ("SELECT x FROM (SELECT u AS x FROM t) ORDER BY x", {}),
    ("SELECT g FROM (SELECT u AS g, count(*) AS n FROM t GROUP BY u) ORDER BY g", {}),
    ("SELECT g FROM (SELECT k, any_value(u) AS g FROM t GROUP BY k) ORDER BY g", {}),
    ("SELECT k, first(u) AS f FROM t GROUP BY k HAVING first(u) > 'a'", {}),
    ("SELECT max(u), min(s) FROM t", {}),
    ("SELECT count(*) FROM t WHERE u = 'y'", {}),
    # The operand of a function computed per dictionary entry: nothing (its result is a
    # column of its own).
    ("SELECT upper(u) FROM t", {"u": AS_READ}),
    ("SELECT substring(u, 1, 1) AS c, count(*) FROM t GROUP BY c ORDER BY c", {"u": AS_READ}),
    ("SELECT k FROM t WHERE substring(u, 1, 1) IN ('x', 'y') ORDER BY lower(s)",
     {"u": AS_READ, "s": AS_READ}),
    ("SELECT k FROM t WHERE length(trim(u)) > 0 ORDER BY reverse(u)", {"u": AS_READ}),
    ("SELECT u, upper(u) FROM t", {"u": AS_READ}),
    ("SELECT upper(u), count(DISTINCT u) FROM t GROUP BY 1", {"u": UNIQUE}),
    ("SELECT k FROM t WHERE upper(u) = 'X' AND u > 'a'", {}),
    # Through an EXISTS (a mark join) and beside a scalar subquery's value.
    ("SELECT upper(u) FROM t WHERE EXISTS (SELECT 1 FROM v WHERE j = k)", {"u": AS_READ}),
    ("SELECT upper(u) FROM t WHERE k > (SELECT avg(j) FROM v)", {"u": AS_READ}),
    ("SELECT k FROM t WHERE u = (SELECT max(w) FROM v)", {}),
    ("SELECT k FROM t WHERE EXISTS (SELECT 1 FROM v WHERE w = u)", {}),
    ("SELECT k FROM t JOIN v ON u = w", {}),
    ("SELECT u FROM t UNION SELECT w FROM v", {}),
    ("SELECT u, row_number() OVER (ORDER BY u) FROM t", {}),
])
def test_each_string_column_gets_the_least_order_its_uses_need(con, sql, expected):
    assert _orders(con, sql) == expected


@pytest.mark.parametrize("batch_rows", [None, 2])
def test_a_table_made_from_strings_read_as_they_came_groups_equal_strings_together(batch_rows):
    """A result column read AS_READ holds one dictionary entry per row, repeats and all; a
    table created from the result, and an INSERT from it, must still group equal strings as
    one (DuckDB's answers)."""
    import duckdb

    from tests.oracle import check_against_duckdb

    names = pa.table({"k": [1, 2, 3, 4, 5, 6], "s": ["a", "b", "a", None, "b", "a"]})
    con = tqp.connect(**({} if batch_rows is None else {"batch_rows": batch_rows}))
    duck = duckdb.connect()
    for engine in (con, duck):
        engine.register("names", names)
    assert _orders(con, "SELECT s FROM names ORDER BY k LIMIT 5") == {"s": AS_READ}
    for statement in ("CREATE TABLE r AS SELECT s FROM names ORDER BY k LIMIT 5",
                      "INSERT INTO r SELECT s FROM names ORDER BY k DESC LIMIT 2"):
        con.execute(statement)
        duck.execute(statement)
    check_against_duckdb(con, duck, "SELECT s, count(*) AS n FROM r GROUP BY s ORDER BY s")
    check_against_duckdb(con, duck, "SELECT count(DISTINCT s) AS d FROM r")
