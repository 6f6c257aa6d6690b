"""WITH RECURSIVE's operator: the iteration cap stops a recursion that never ends with a clear
error, and state a step's operators keep between runs (a join's build side) is rebuilt from
each iteration's work table."""

from __future__ import annotations

import pytest

import tqp
from tqp.physical import recursion


def test_a_recursion_past_the_cap_raises(monkeypatch):
    monkeypatch.setattr(recursion, "MAX_RECURSION_ITERATIONS", 50)
    con = tqp.connect()
    with pytest.raises(tqp.OperationalError, match="WITH RECURSIVE did not finish within 50"):
        con.execute("with recursive r(n) as (select 1 union all select n + 1 from r) "
                    "select count(*) from r")


def test_a_recursion_within_the_cap_finishes(monkeypatch):
    monkeypatch.setattr(recursion, "MAX_RECURSION_ITERATIONS", 50)
    con = tqp.connect()
    sql = "with recursive r(n) as (select 1 union all select n + 1 from r where n < 50) " \
          "select count(*) from r"
    assert con.execute(sql).fetchall() == [(50,)]


def test_join_build_side_follows_the_work_table():
    con = tqp.connect()
    con.execute("create table edge(a int, b int)")
    con.execute("insert into edge values (1, 2), (2, 3), (3, 4), (4, 2)")
    sql = """with recursive walk(node, steps) as (
                 select 1, 0
                 union
                 select edge.b, least(walk.steps + 1, 9) from edge join walk on edge.a = walk.node)
             select node, min(steps) from walk group by node order by node"""
    assert con.execute(sql).fetchall() == [(1, 0), (2, 1), (3, 2), (4, 3)]


def test_explain_names_the_recursion():
    con = tqp.connect()
    plan = con.execute("explain with recursive r(n) as (select 1 union all select n + 1 from r "
                       "where n < 3) select n from r").fetchall()[0][0]
    assert "RecursiveUnion ALL" in plan and "WorkTableScan" in plan
