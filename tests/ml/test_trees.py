"""The lean perfect-tree traversal gives what Hummingbird's own operator gives."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tqp.ml.trees import LeanPerfectTraversal, _thresholds, lean_forests

hb = pytest.importorskip("hummingbird.ml")
from sklearn import ensemble  # noqa: E402


def compiled(model, X):
    container = hb.convert(model, "torch", X[:2].astype(np.float32),
                           extra_config={"tree_implementation": "perf_tree_trav",
                                         "tree_op_precision_dtype": "float64"})
    return container.model


@pytest.mark.parametrize("make, target", [
    (lambda: ensemble.RandomForestClassifier(10, max_depth=7, random_state=0), "label"),
    (lambda: ensemble.RandomForestClassifier(6, max_depth=5, random_state=0), "word"),
    (lambda: ensemble.RandomForestRegressor(6, max_depth=6, random_state=0), "value"),
    (lambda: ensemble.GradientBoostingClassifier(n_estimators=8, random_state=0), "label"),
], ids=["forest", "forest, 3 classes", "forest regressor", "boosting"])
def test_same_output_as_hummingbird(points, make, target):
    y = getattr(points, target)
    if target == "word":
        y = np.unique(y, return_inverse=True)[1]
    executor = compiled(make().fit(points.X, y), points.X)
    x = torch.tensor(points.X, dtype=torch.float32)
    with torch.no_grad():
        want = executor(x)
        assert lean_forests(executor, float32_input=True) == 1
        assert isinstance(executor._operators[0], LeanPerfectTraversal)
        got = executor(x)
    for g, w in zip(got if isinstance(got, tuple) else [got], want if isinstance(want, tuple)
                    else [want]):
        assert torch.equal(g, w)


def test_thresholds_round_down_so_float32_decisions_are_exact():
    thresholds = torch.tensor([0.1, 1e5 + 0.005, 3.0, -2.7, 123456.789], dtype=torch.float64)
    rounded = _thresholds(thresholds, lean=True)
    assert rounded.dtype == torch.float32
    assert bool((rounded.double() <= thresholds).all())
    # the next float32 up is above the threshold: no float32 value lies between the two
    up = torch.nextafter(rounded, torch.full_like(rounded, float("inf")))
    assert bool((up.double() > thresholds).all())
