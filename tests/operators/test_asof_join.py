"""The ASOF JOIN operator against a brute-force search (random keys and values with NULLs and
ties: among tied right rows the first in input order is taken)."""

from __future__ import annotations

import operator

import numpy as np
import pytest
import torch

from tests.conftest import devices
from tqp.operators.asof_join import asof_join
from tqp.planner.scope import ref
from tqp.storage.column import Batch, Column
from tqp.types import DataType

OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}


def _side(rng, n, prefix, device):
    columns = {}
    for name, high in (("k", 3), ("t", 8)):
        values = torch.tensor(rng.integers(0, high, n), dtype=torch.int64, device=device)
        valid = torch.tensor(rng.random(n) > 0.15, device=device)
        columns[f"{prefix}.{name}"] = Column(values, DataType.BIGINT, valid)
    return Batch(columns, n)


def _values(column):
    return [v if ok else None for v, ok in zip(column.values.tolist(), column.validity().tolist())]


@pytest.mark.parametrize("device", devices())
@pytest.mark.parametrize("op", list(OPS))
@pytest.mark.parametrize("kind", ["inner", "left"])
def test_asof_join_matches_brute_force(device, op, kind):
    rng = np.random.default_rng(len(op) + len(kind))
    left, right = _side(rng, 60, "l", device), _side(rng, 40, "r", device)
    result = asof_join(kind, (ref("l.k"),), (ref("r.k"),), ref("l.t"), ref("r.t"), op, left,
                       right)
    lk, lt = _values(left["l.k"]), _values(left["l.t"])
    rk, rt = _values(right["r.k"]), _values(right["r.t"])
    expected = []
    for i in range(left.num_rows):
        candidates = [j for j in range(right.num_rows) if None not in (lk[i], lt[i], rk[j], rt[j])
                      and lk[i] == rk[j] and OPS[op](lt[i], rt[j])]
        if candidates:
            pick = max if op in (">=", ">") else min
            best = pick(rt[j] for j in candidates)
            j = next(j for j in candidates if rt[j] == best)
            expected.append((lk[i], lt[i], rk[j], rt[j]))
        elif kind == "left":
            expected.append((lk[i], lt[i], None, None))
    got = list(zip(*(_values(result[c]) for c in ("l.k", "l.t", "r.k", "r.t"))))
    assert got == expected
