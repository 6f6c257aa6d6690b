"""Golden physical plans of the 22 TPC-H queries at SF 0.01: EXPLAIN names every join and
aggregate algorithm, and a change of plan shows up here as a diff.

Fresh-name counters are normalised (`a#12` -> `a#`). After an intended planner change,
regenerate with `TQP_UPDATE_PLANS=1 pytest tests/tpch/test_plans.py` and review the diff.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

import tqp
from tests.tpch.test_queries import QUERIES, QUERY_DIR

PLAN_DIR = Path(__file__).resolve().parent / "plans"
COUNTER = re.compile(r"#\d+")
JOIN = re.compile(r"^\s*(DirectJoin|BinarySearchJoin|NestedLoopJoin|KeySetMarkJoin|PairMarkJoin)\[")
AGGREGATE = re.compile(r"^\s*(DirectAggregate|SortAggregate|UngroupedAggregate) ")


@pytest.fixture(scope="module")
def con(tpch_tables):
    connection = tqp.connect()
    for name, table in tpch_tables.items():
        connection.register(name, table)
    yield connection
    connection.close()


def plan_of(con, query: str) -> str:
    sql = (QUERY_DIR / f"{query}.sql").read_text()
    return COUNTER.sub("#", con.execute(f"EXPLAIN {sql}").fetchall()[0][0]) + "\n"


@pytest.mark.parametrize("query", QUERIES)
def test_plan_is_the_golden_one(con, query):
    plan = plan_of(con, query)
    golden = PLAN_DIR / f"{query}.txt"
    if os.environ.get("TQP_UPDATE_PLANS"):
        PLAN_DIR.mkdir(exist_ok=True)
        golden.write_text(plan)
    assert plan == golden.read_text()


@pytest.mark.parametrize("query", QUERIES)
def test_every_join_and_aggregate_names_its_algorithm(con, query):
    lines = plan_of(con, query).splitlines()
    for line in lines:
        if "Join[" in line:
            assert JOIN.match(line), line
        if "Aggregate " in line:
            assert AGGREGATE.match(line), line
