"""optimize: the sqlglot passes that rewrite derived tables and CTEs run for statements that hold
them, and for those only; results stay DuckDB's either way."""

from __future__ import annotations

import pytest
import sqlglot

from tests.oracle import check_against_duckdb
from tqp.planner.eliminate_subqueries import eliminate_subqueries
from tqp.planner.optimize import DIALECT, SUBQUERY_PASSES, _rules


def _rule_names(sql: str) -> set[str]:
    nodes = list(sqlglot.parse_one(sql, read=DIALECT).walk())
    return {r.__name__ for r in _rules(nodes, {type(n) for n in nodes})}


@pytest.mark.parametrize("sql", [
    "select * from (select a from t) d",
    "select * from t join (select a from u) d on t.a = d.a",
    "with c as (select a from t) select * from c",
    "(select a from t) union (select a from u)",
    "(select a from t) limit 1",
    "select * from t where a in (select a from (select a from u) d)",
])
def test_the_subquery_passes_run_for_derived_tables_ctes_and_bracketed_queries(sql):
    assert set(SUBQUERY_PASSES) <= _rule_names(sql)


@pytest.mark.parametrize("sql", [
    "select * from t where a in (select a from u)",
    "select * from t where exists (select 1 from u where u.a = t.a)",
    "select (select max(a) from u) from t",
    "select * from t where a > (select avg(a) from u)",
    "select a from t",
])
def test_subqueries_in_expressions_alone_skip_the_subquery_passes(sql):
    assert not set(SUBQUERY_PASSES) & _rule_names(sql)


def test_a_query_with_expression_subqueries_answers_as_duckdb(tqp_con, duck_con):
    sql = ("select n_name, (select count(*) from region where r_regionkey = n_regionkey) c "
           "from nation where n_nationkey in (select s_nationkey from supplier) "
           "and exists (select 1 from region where r_regionkey = n_regionkey) order by n_name")
    check_against_duckdb(tqp_con, duck_con, sql)


def test_equal_derived_tables_that_draw_random_values_stay_two():
    """sqlglot makes equal derived tables one CTE read twice; two draws of RANDOM() are not
    equal (DuckDB draws twice), and the statement still reads as written afterwards."""
    drawn = "(select random() as r from t)"
    tree = eliminate_subqueries(sqlglot.parse_one(
        f"select a.r, b.r from {drawn} a, {drawn} b", read=DIALECT))
    assert len(tree.find(sqlglot.exp.With).expressions) == 2
    assert "tqp_draw" not in repr(tree)
    plain = "(select a as r from t)"
    tree = eliminate_subqueries(sqlglot.parse_one(
        f"select a.r, b.r from {plain} a, {plain} b", read=DIALECT))
    assert len(tree.find(sqlglot.exp.With).expressions) == 1
