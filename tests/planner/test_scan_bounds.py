"""Which conjuncts of a filter become bounds a scan can check against file statistics."""

from __future__ import annotations

import pyarrow as pa
import pytest

import tqp
from tqp.planner.logical import Scan
from tqp.planner.scan_bounds import scan_bounds
from tqp.storage.pruning import Bound


@pytest.fixture(scope="module")
def con():
    con = tqp.connect()
    con.register("t", pa.table({"k": [1, 2, 3], "s": ["a", "b", "c"], "u": ["x", "y", "z"]}))
    return con


def _plan(con, sql):
    engine = con._engine
    from tqp.engine import _parse

    return engine._plan(_parse(sql)[0]).plan


def _bounds(con, where):
    plan = _plan(con, f"SELECT k FROM t WHERE {where}")
    node = plan
    while not hasattr(node, "condition"):
        node = node.children[0]
    scan = node.input
    assert isinstance(scan, Scan)
    return scan_bounds(node.condition, scan)


def test_comparisons_between_and_in_lists_become_bounds(con):
    bounds = _bounds(con, "k >= 2 AND 3 > k AND s IN ('a', 'b') AND k BETWEEN 1 AND 1 + 1")
    assert Bound("k", ">=", (2,)) in bounds
    assert Bound("k", "<", (3,)) in bounds  # the constant on the left: the op is flipped
    assert Bound("s", "in", ("a", "b")) in bounds
    assert Bound("k", "<=", (2,)) in bounds  # constants are computed


def test_conditions_a_scan_cannot_check_are_left_to_the_filter(con):
    assert _bounds(con, "k < 2 OR k > 2") == ()
    assert _bounds(con, "k + 1 > 2") == ()
    assert _bounds(con, "s LIKE 'a%'") == ()


def test_constants_computed_before_are_remembered_by_structure(con):
    assert _bounds(con, "k < 2 + 1") == (Bound("k", "<", (3,)),)
    assert _bounds(con, "k < 2 + 1") == (Bound("k", "<", (3,)),)  # the remembered value
    assert _bounds(con, "k < 2 + 2") == (Bound("k", "<", (4,)),)
    decimal = _bounds(con, "k < 2.0 + 1")[0].values[0]  # another literal: its own value
    assert type(decimal).__name__ == "Decimal" and decimal == 3
