"""Planning WITH RECURSIVE: what is refused (with the construct named), and the RECURSIVE
keyword kept when sqlglot moves a CTE out of a derived table."""

from __future__ import annotations

import pytest

import tqp


@pytest.fixture(scope="module")
def con():
    return tqp.connect()


@pytest.mark.parametrize("sql,words", [
    ("with recursive r(n) as (select 1 union all select n + 1 from r where n < 5 "
     "order by 1 limit 2) select * from r", "ORDER"),
    ("with recursive r(n) as (select 1 intersect select n + 1 from r where n < 5) "
     "select * from r", "anchor UNION"),
    ("with recursive r(n) as (select 1 from r union all select 2) select * from r", "anchor"),
    ("with recursive r(n) as (select 1 union all by name select n + 1 as n from r "
     "where n < 5) select * from r", "BY NAME"),
])
def test_refused_shapes_name_the_construct(con, sql, words):
    with pytest.raises(tqp.NotSupportedError, match=words):
        con.execute(sql)


def test_without_recursive_a_cte_cannot_read_itself(con):
    with pytest.raises(tqp.ProgrammingError):
        con.execute("with r(n) as (select 1 union all select n + 1 from r where n < 5) "
                    "select * from r")


def test_recursive_cte_inside_a_derived_table(con):
    sql = "select sum(x) from (with recursive r(x) as (select 1 union all select x + 1 " \
          "from r where x < 4) select x from r) d"
    assert con.execute(sql).fetchall() == [(10,)]
