"""Small tables and helpers for the rewrite-pass tests: a query's plan as the builder emits it,
a pass (or a prefix of the pass tuple) run over it, and the result as indented text with the
fresh-name counters normalised (`l#3` -> `l#`)."""

from __future__ import annotations

import re
import textwrap

import duckdb
import pyarrow as pa
import pytest

import tqp
from tqp.planner.explain import explain
from tqp.planner.passes import PASSES
from tqp.planner.passes.context import PassContext

COUNTER = re.compile(r"#\d+")


def _ints(values) -> pa.Array:
    return pa.array(values, pa.int32())


def tables() -> dict[str, pa.Table]:
    """The small tables the pass tests plan against."""
    columns = {
        "fact": {"id": _ints(range(1, 101)), "did": _ints([i % 10 for i in range(100)]),
                 "eid": _ints([i % 4 for i in range(100)]), "v": [float(i) for i in range(100)]},
        "dim": {"did": _ints(range(10)), "name": [f"n{i}" for i in range(10)],
                "gid": _ints([i % 2 for i in range(10)])},
        "grp": {"gid": _ints([0, 1]), "label": ["even", "odd"]},
        "ext": {"eid": _ints(range(4)), "w": _ints([5, 6, 7, 8])},
        "l": {"k": _ints([1, 2]), "x": ["p", "q"]},
        "r": {"k": _ints([1, 3]), "y": ["r", "s"]},
    }
    return {name: pa.table(c) for name, c in columns.items()}


def connect():
    """A connection over `tables()`."""
    connection = tqp.connect()
    for name, table in tables().items():
        connection.register(name, table)
    return connection


@pytest.fixture(scope="module")
def con():
    connection = connect()
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def duck():
    """DuckDB over `tables()`: the oracle."""
    connection = duckdb.connect()
    for name, table in tables().items():
        connection.register(name, table)
    yield connection
    connection.close()


def engine(con):
    return con._engine


def built(con, sql: str):
    """(the builder's plan of `sql`, a PassContext for it)."""
    query, options = engine(con).build(sql)
    return query.plan, PassContext(options.catalog, options.fresh)


def passes_before(name: str):
    """The passes that run before the one called `name`, in order."""
    names = [p.__name__ for p in PASSES]
    return PASSES[:names.index(name)]


def rewritten(con, sql: str, rule) -> str:
    """The text of `sql`'s plan after the passes before `rule`, then `rule`."""
    plan, context = built(con, sql)
    plan = run(plan, context, *passes_before(rule.__name__))
    return text(rule(plan, context))


def run(plan, context, *rules):
    for rule in rules:
        plan = rule(plan, context)
    return plan


def text(plan) -> str:
    return COUNTER.sub("#", explain(plan))


def golden(expected: str) -> str:
    return textwrap.dedent(expected).strip("\n")

