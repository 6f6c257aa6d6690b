"""normalize: conjunctive normal form only for the conditions that span tables."""

import sqlglot
from sqlglot.optimizer.qualify import qualify

from tqp.planner.normalize import normalize

SCHEMA = {"a": {"x": "INT", "y": "INT"}, "b": {"x": "INT", "z": "INT"}}


def normalized(sql: str) -> str:
    tree = qualify(sqlglot.parse_one(sql, read="duckdb"), schema=SCHEMA, dialect="duckdb")
    return normalize(tree).find(sqlglot.exp.Where).this.sql()


def test_an_or_over_one_table_stays_as_written():
    assert normalized("select * from a, b where a.x = b.x and "
                      "((a.y = 1 and a.x > 2) or (a.y = 2 and a.x < 0))") == \
        '"a"."x" = "b"."x" AND (("a"."y" = 1 AND "a"."x" > 2) OR ("a"."y" = 2 AND "a"."x" < 0))'


def test_an_or_over_two_tables_gains_a_conjunct_per_table():
    where = normalized("select * from a, b where (a.y = 1 and b.z = 2) or (a.y = 3 and b.z = 4)")
    assert '("a"."y" = 1 OR "a"."y" = 3)' in where
    assert '("b"."z" = 2 OR "b"."z" = 4)' in where


def test_an_or_over_a_derived_tables_columns_is_normalized():
    # The derived table's columns come from two tables once it is merged.
    where = normalized("select * from (select a.y, b.z from a, b where a.x = b.x) t "
                       "where (t.y = 1 and t.z = 2) or (t.y = 3 and t.z = 4)")
    assert '("t"."y" = 1 OR "t"."y" = 3)' in where
