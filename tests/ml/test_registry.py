"""Registering models: what is accepted, the errors for what is not, files, devices."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import torch

import tqp
from tests.conftest import devices
from tests.ml.conftest import column

pytest.importorskip("hummingbird.ml")
from sklearn import ensemble, linear_model  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402


@pytest.fixture(scope="module")
def logistic(points):
    return linear_model.LogisticRegression(max_iter=1000).fit(points.X, points.label)


def test_models_lists_what_is_registered(con, points, logistic):
    con.register_model("Listed_LR", logistic)
    rows = {r["name"]: r for r in con.models().to_pylist()}
    assert rows["Listed_LR"]["features"] == 3
    assert rows["Listed_LR"]["model"].startswith("LogisticRegression")
    # names are case-insensitive in SQL, as table names are
    assert column(con, "SELECT PREDICT('listed_lr', a, b, c) FROM points LIMIT 1").size == 1


def test_registering_again_replaces(con, points, logistic):
    con.register_model("again", torch.nn.Linear(3, 1))
    con.register_model("again", logistic)
    got = column(con, "SELECT PREDICT('again', a, b, c) FROM points ORDER BY id")
    assert got.tolist() == logistic.predict(points.X).tolist()


def test_the_callers_module_is_not_changed(con):
    module = torch.nn.Sequential(torch.nn.Dropout(0.5), torch.nn.Linear(3, 1)).train()
    con.register_model("copy", module)
    assert module.training  # registration evaluates a copy in eval mode
    first = column(con, "SELECT PREDICT('copy', a, b, c) FROM points ORDER BY id")
    again = column(con, "SELECT PREDICT('copy', a, b, c) FROM points ORDER BY id")
    assert first.tolist() == again.tolist()  # no dropout at prediction time


def test_pickled_estimator_file(con, points, logistic, tmp_path):
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps(logistic))
    con.register_model("from_pickle", str(path))
    got = column(con, "SELECT PREDICT('from_pickle', a, b, c) FROM points ORDER BY id")
    assert got.tolist() == logistic.predict(points.X).tolist()


@pytest.mark.parametrize("obj, error, message", [
    (lambda X, y: linear_model.SGDRegressor(random_state=0).fit(X, y), tqp.NotSupportedError,
     "Hummingbird cannot compile it"),
    (lambda X, y: ensemble.RandomForestClassifier(), tqp.ProgrammingError, "not fitted"),
    (lambda X, y: StandardScaler().fit(X), tqp.NotSupportedError, "does not predict"),
    (lambda X, y: {"weights": [1, 2]}, tqp.NotSupportedError, "cannot register a dict"),
    (lambda X, y: torch.nn.Linear(3, 2), tqp.NotSupportedError, "one value per row"),
], ids=["unsupported estimator", "unfitted", "transformer only", "not a model",
        "several outputs"])
def test_unsupported_models_fail_at_registration(con, points, obj, error, message):
    with pytest.raises(error, match=message):
        con.register_model("bad", obj(points.X, points.label))
    assert "bad" not in con.models().column("name").to_pylist()


def test_bad_files(con, tmp_path):
    with pytest.raises(tqp.OperationalError, match="no such model file"):
        con.register_model("missing", str(tmp_path / "missing.pt"))
    junk = tmp_path / "junk.bin"
    junk.write_text("neither TorchScript nor a pickle")
    with pytest.raises(tqp.OperationalError, match="cannot load model file"):
        con.register_model("junk", junk)


@pytest.mark.parametrize("name", ["", "  ", None])
def test_bad_names(con, logistic, name):
    with pytest.raises(tqp.ProgrammingError, match="model name"):
        con.register_model(name, logistic)


@pytest.fixture(scope="module")
def call_models(con, points, logistic):
    """Models of every kind, for the calls below to get wrong."""
    from sklearn.svm import LinearSVC

    con.register_model("lr", logistic)
    con.register_model("reg", linear_model.LinearRegression().fit(points.X, points.value))
    three = np.minimum(points.X[:, 0] // 17, 2).astype(int)
    con.register_model("three", linear_model.LogisticRegression(max_iter=1000).fit(points.X, three))
    con.register_model("svc", LinearSVC().fit(points.X, points.label))
    con.register_model("net", torch.nn.Linear(3, 1))


@pytest.mark.parametrize("sql, error, message", [
    ("SELECT PREDICT('lr', a, b) FROM points", tqp.ProgrammingError,
     "model 'lr' expects 3 features, PREDICT gave it 2"),
    ("SELECT PREDICT('nope', a, b, c) FROM points", tqp.ProgrammingError, "not registered"),
    ("SELECT PREDICT('Lr2', a, b, c) FROM points", tqp.ProgrammingError, "did you mean lr"),
    ("SELECT PREDICT(a, b, c) FROM points", tqp.ProgrammingError, "string literal"),
    ("SELECT PREDICT('lr') FROM points", tqp.ProgrammingError, "at least one feature"),
    ("SELECT PREDICT_PROBA('reg', a, b, c) FROM points", tqp.ProgrammingError,
     "needs a classifier"),
    ("SELECT PREDICT_PROBA('three', a, b, c) FROM points", tqp.ProgrammingError,
     "binary classifier; model 'three' has 3 classes"),
    ("SELECT PREDICT_PROBA('net', a, b, c) FROM points", tqp.NotSupportedError,
     "torch module"),
    ("SELECT PREDICT_PROBA('svc', a, b, c) FROM points", tqp.ProgrammingError,
     "has no predict_proba"),
    ("SELECT PREDICT('lr', a, b, DATE '2020-01-01') FROM points", tqp.NotSupportedError,
     "feature 3 .* is DATE"),
    ("SELECT PREDICT('lr', a, b, 'text') FROM points", tqp.NotSupportedError, "is VARCHAR"),
])
def test_bad_calls(con, call_models, sql, error, message):
    with pytest.raises(error, match=message):
        con.execute(sql)


def test_a_torch_modules_width_is_found_by_trying(con):
    class NoLayers(torch.nn.Module):
        def forward(self, x):
            return x @ torch.ones(3, dtype=x.dtype, device=x.device)  # takes 3, says nothing

    con.register_model("nolayers", NoLayers())
    assert column(con, "SELECT PREDICT('nolayers', 1, 2, 3)").tolist() == [6.0]
    with pytest.raises(tqp.ProgrammingError, match="model 'nolayers' expects 3 features"):
        con.execute("SELECT PREDICT('nolayers', 1, 2)")


def test_a_failing_torch_module_is_reported_with_its_name(con):
    class UpToThree(torch.nn.Module):
        def forward(self, x):
            if x.shape[1] > 3:
                raise RuntimeError("at most 3 features")
            return x.sum(1)

    con.register_model("uptothree", UpToThree())  # several widths work: none is assumed
    assert column(con, "SELECT PREDICT('uptothree', 1, 2)").tolist() == [3.0]
    with pytest.raises(tqp.ProgrammingError,
                       match="model 'uptothree' failed on 4 features per row: at most 3"):
        con.execute("SELECT PREDICT('uptothree', 1, 2, 3, 4)")


@pytest.mark.parametrize("device", devices())
def test_models_follow_the_connection_device(points, logistic, device):
    with tqp.connect() as con:
        con.register("points", points.table)
        con.register_model("lr", logistic)
        con.register_model("net", torch.nn.Linear(3, 1))
        con.set_device(device)
        for model in con._engine.models.models():
            assert {p.device.type for p in model.program.parameters()} == {device}
        got = column(con, "SELECT PREDICT('lr', a, b, c) FROM points ORDER BY id")
        assert got.tolist() == logistic.predict(points.X).tolist()
        assert column(con, "SELECT PREDICT('net', a, b, c) FROM points").size == len(points.X)
