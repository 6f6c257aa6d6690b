"""The range join kernel against a nested loop: random values with NULLs and ties, every
comparison, bands on either input, doubles with NaN and -0.0, the residual checked a chunk at a
time, the candidate-pair limit; and which condition the planner makes the range."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pytest
import sqlglot
import torch

import tqp

from tests.conftest import devices
from tqp.errors import NotSupportedError
from tqp.operators import range_join
from tqp.operators.range_join import RangeCondition, range_pairs
from tqp.planner.range_conditions import range_condition
from tqp.planner.scope import ref
from tqp.storage.column import Batch, Column
from tqp.types import DataType


def _batch(rng, n, prefix, device, double=False):
    columns = {}
    for name in ("x", "y"):
        if double:
            values = torch.tensor(rng.choice([-1.5, -0.0, 0.0, 2.0, 3.5, math.nan], n),
                                  dtype=torch.float64, device=device)
            kind = DataType.DOUBLE
        else:
            values = torch.tensor(rng.integers(0, 8, n), dtype=torch.int64, device=device)
            kind = DataType.BIGINT
        valid = torch.tensor(rng.random(n) > 0.15, device=device)
        columns[f"{prefix}.{name}"] = Column(values, kind, valid)
    return Batch(columns, n)


def _values(batch, name):
    column = batch[name]
    return [v if ok else None for v, ok in zip(column.values.tolist(), column.validity().tolist())]


def _sql_lt(a, b, strict):
    """a < b (or <=) as SQL compares doubles: NaN above every number and equal to itself."""
    if a is None or b is None:
        return False
    key = lambda v: (1, 0.0) if isinstance(v, float) and math.isnan(v) else (0, v)  # noqa: E731
    return key(a) < key(b) if strict else key(a) <= key(b)


def _reference(left, right, lower, upper, sorted_side, residual=None):
    """The pairs a nested loop finds: lower <(=) value <(=) upper, value over `sorted_side`."""
    lx, ly = _values(left, "l.x"), _values(left, "l.y")
    rx, ry = _values(right, "r.x"), _values(right, "r.y")
    pairs = []
    for i in range(left.num_rows):
        for j in range(right.num_rows):
            value, lo, hi = (lx[i], rx[j], ry[j]) if sorted_side == "left" else \
                (rx[j], lx[i], ly[i])
            ok = (lower is None or _sql_lt(lo, value, lower)) and \
                (upper is None or _sql_lt(value, hi, upper))
            if ok and residual is not None:
                ok = ly[i] is not None and ry[j] is not None and ly[i] != ry[j]
            if ok:
                pairs.append((i, j))
    return pairs


def _condition(sorted_side, lower, upper):
    value, bounds = ("l.x", ("r.x", "r.y")) if sorted_side == "left" else ("r.x", ("l.x", "l.y"))
    return RangeCondition(sorted_side, ref(value),
                          None if lower is None else ref(bounds[0]), bool(lower),
                          None if upper is None else ref(bounds[1]), bool(upper))


BOUNDS = [(True, None), (False, None), (None, True), (None, False), (True, False), (False, True),
          (False, False), (True, True)]  # (lower strict?, upper strict?), None: no such bound


@pytest.mark.parametrize("device", devices())
@pytest.mark.parametrize("sorted_side", ["left", "right"])
@pytest.mark.parametrize("bounds", BOUNDS, ids=str)
@pytest.mark.parametrize("double", [False, True], ids=["ints", "doubles"])
def test_range_pairs_match_a_nested_loop(device, sorted_side, bounds, double):
    rng = np.random.default_rng(2 * BOUNDS.index(bounds) + double)
    left, right = _batch(rng, 50, "l", device, double), _batch(rng, 40, "r", device, double)
    condition = _condition(sorted_side, *bounds)
    li, ri = range_pairs(left, right, condition, None)
    got = list(zip(li.tolist(), ri.tolist()))
    assert sorted(got) == _reference(left, right, *bounds, sorted_side)
    assert li.tolist() == sorted(li.tolist())  # by left row
    assert li.device == left["l.x"].values.device


@pytest.mark.parametrize("sorted_side", ["left", "right"])
def test_residual_is_checked_a_chunk_at_a_time(monkeypatch, sorted_side):
    monkeypatch.setattr(range_join, "RESIDUAL_CHUNK_PAIRS", 7)
    rng = np.random.default_rng(5)
    left, right = _batch(rng, 60, "l", "cpu"), _batch(rng, 30, "r", "cpu")
    residual = sqlglot.parse_one('"l.y" <> "r.y"')
    li, ri = range_pairs(left, right, _condition(sorted_side, False, None), residual)
    assert sorted(zip(li.tolist(), ri.tolist())) == \
        _reference(left, right, False, None, sorted_side, residual)


def test_the_sorted_build_side_is_kept_between_batches():
    rng = np.random.default_rng(9)
    right = _batch(rng, 30, "r", "cpu")
    cache: list = []
    for seed in range(3):
        left = _batch(np.random.default_rng(seed), 20, "l", "cpu")
        li, ri = range_pairs(left, right, _condition("right", True, None), None, sorted_cache=cache)
        assert sorted(zip(li.tolist(), ri.tolist())) == \
            _reference(left, right, True, None, "right")
    assert len(cache) == 1


def test_too_many_candidate_pairs_are_refused(monkeypatch):
    monkeypatch.setattr(range_join, "MAX_CROSS_PAIRS", 10)
    rng = np.random.default_rng(1)
    left, right = _batch(rng, 20, "l", "cpu"), _batch(rng, 20, "r", "cpu")
    with pytest.raises(NotSupportedError, match="candidate pairs"):
        range_pairs(left, right, _condition("right", False, None), None)


def _plan(sql: str):
    found = range_condition(sqlglot.parse_one(sql), ["l.x", "l.y"], ["r.x", "r.y"])
    if found is None:
        return None
    condition, rest = found
    return (condition.sorted_side, condition.describe(lambda e: e.sql()),
            None if rest is None else rest.sql())


def test_the_planner_prefers_a_band_on_the_build_side():
    assert _plan('"l.x" < "r.x" AND "l.y" > "r.x"') == ('right', '"l.x" < "r.x" < "l.y"', None)
    assert _plan('"r.x" BETWEEN "l.x" AND "l.y" AND "l.x" <> "r.y"') == \
        ('right', '"l.x" <= "r.x" <= "l.y"', '"l.x" <> "r.y"')
    # A band on the probe side's expression: each probe batch sorted.
    assert _plan('"l.x" BETWEEN "r.x" AND "r.y"') == ('left', '"r.x" <= "l.x" <= "r.y"', None)
    # One inequality: the build side's expression sorted; the other stays a residual.
    assert _plan('"l.x" < "r.x" AND "l.y" > "r.y"') == ('right', '"l.x" < "r.x"', '"l.y" > "r.y"')
    # Half of a BETWEEN used, the other half kept.
    assert _plan('"l.x" BETWEEN "r.x" AND 5 AND "l.y" > "r.y"') == \
        ('right', '"r.x" <= "l.x"', '"l.x" <= 5 AND "l.y" > "r.y"')


def test_no_range_without_an_inequality_between_the_inputs():
    assert _plan('"l.x" <> "r.x"') is None
    assert _plan('"l.x" < "l.y" OR "l.x" < "r.x"') is None
    assert _plan('"l.x" + "r.x" < 5') is None
    assert _plan('"l.x" < RANDOM() + "r.x"') is None


def test_a_query_over_the_pair_limit_is_refused_before_forming_pairs():
    con = tqp.connect()
    con.register("z", pa.table({"x": pa.array(np.zeros(20_000), pa.float64())}))
    with pytest.raises(tqp.NotSupportedError, match="400000000 candidate pairs"):
        con.execute("SELECT count(*) FROM z z1 JOIN z z2 ON z1.x <= z2.x").fetchall()
    assert con.execute("SELECT count(*) FROM z z1 JOIN z z2 ON z1.x < z2.x").fetchall() == [(0,)]
