"""PREDICT gives each model family's own predictions, wherever an expression may stand.

Every expected value is the model's own `predict` / `predict_proba` (or the torch module's
output) on the same rows, computed outside tqp: classifier labels exactly, regression values
within 1e-4 relative.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tests.ml.conftest import column

pytest.importorskip("hummingbird.ml")
from sklearn import ensemble, linear_model, tree  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import MinMaxScaler, StandardScaler  # noqa: E402

FEATURES = "a, b, c"
REL_TOL = 1e-4

CLASSIFIERS = {
    "decision tree (deep: tree_trav)": lambda: tree.DecisionTreeClassifier(random_state=0),
    "random forest (perf_tree_trav)": lambda: ensemble.RandomForestClassifier(
        12, max_depth=8, random_state=0),
    "extra trees": lambda: ensemble.ExtraTreesClassifier(8, max_depth=6, random_state=0),
    "gradient boosting (gemm)": lambda: ensemble.GradientBoostingClassifier(
        n_estimators=15, random_state=0),
    "hist gradient boosting": lambda: ensemble.HistGradientBoostingClassifier(
        max_iter=15, random_state=0),
    "logistic regression": lambda: linear_model.LogisticRegression(max_iter=1000),
    "scaler + logistic regression": lambda: make_pipeline(
        StandardScaler(), linear_model.LogisticRegression()),
}
REGRESSORS = {
    "decision tree": lambda: tree.DecisionTreeRegressor(max_depth=12, random_state=0),
    "random forest": lambda: ensemble.RandomForestRegressor(8, max_depth=7, random_state=0),
    "gradient boosting": lambda: ensemble.GradientBoostingRegressor(
        n_estimators=15, random_state=0),
    "hist gradient boosting": lambda: ensemble.HistGradientBoostingRegressor(
        max_iter=15, random_state=0),
    "linear regression": linear_model.LinearRegression,
    "ridge": linear_model.Ridge,
    "lasso": lambda: linear_model.Lasso(alpha=0.01),
    "scaler + random forest": lambda: make_pipeline(
        MinMaxScaler(), ensemble.RandomForestRegressor(5, max_depth=5, random_state=0)),
}


def assert_close(got, want):
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    np.testing.assert_allclose(got, want, rtol=REL_TOL, atol=REL_TOL * np.abs(want).max())


@pytest.mark.parametrize("make", CLASSIFIERS.values(), ids=list(CLASSIFIERS))
def test_classifier_labels_and_probabilities(con, points, make):
    model = make().fit(points.X, points.label)
    con.register_model("clf", model)
    labels = column(con, f"SELECT PREDICT('clf', {FEATURES}) FROM points ORDER BY id")
    assert labels.tolist() == model.predict(points.X).tolist()
    proba = column(con, f"SELECT PREDICT_PROBA('clf', {FEATURES}) FROM points ORDER BY id")
    np.testing.assert_allclose(proba, model.predict_proba(points.X)[:, 1], atol=1e-6)


@pytest.mark.parametrize("make", REGRESSORS.values(), ids=list(REGRESSORS))
def test_regressor_values(con, points, make):
    model = make().fit(points.X, points.value)
    con.register_model("reg", model)
    assert_close(column(con, f"SELECT PREDICT('reg', {FEATURES}) FROM points ORDER BY id"),
                 model.predict(points.X))


@pytest.mark.parametrize("make", [
    lambda: ensemble.RandomForestClassifier(8, max_depth=6, random_state=0),
    lambda: ensemble.GradientBoostingClassifier(n_estimators=10, random_state=0),
    lambda: linear_model.LogisticRegression(max_iter=1000),
], ids=["random forest", "gradient boosting", "logistic regression"])
def test_string_labels_come_back_as_strings(con, points, make):
    model = make().fit(points.X, points.word)
    con.register_model("words", model)
    labels = column(con, f"SELECT PREDICT('words', {FEATURES}) FROM points ORDER BY id")
    assert labels.tolist() == model.predict(points.X).tolist()
    hi = column(con, f"SELECT count(*) FROM points WHERE PREDICT('words', {FEATURES}) = 'hi'")
    assert hi[0] == int((model.predict(points.X) == "hi").sum())


def test_boolean_labels(con, points):
    model = ensemble.RandomForestClassifier(5, max_depth=4, random_state=0)
    model.fit(points.X, points.label.astype(bool))
    con.register_model("flag", model)
    labels = column(con, f"SELECT PREDICT('flag', {FEATURES}) FROM points ORDER BY id")
    assert labels.tolist() == model.predict(points.X).tolist()


def test_large_integer_labels(con, points):
    classes = np.where(points.label == 1, 10**12, -7)  # beyond Hummingbird's int32 labels
    model = ensemble.RandomForestClassifier(5, max_depth=4, random_state=0)
    model.fit(points.X, classes)
    con.register_model("big", model)
    labels = column(con, f"SELECT PREDICT('big', {FEATURES}) FROM points ORDER BY id")
    assert labels.tolist() == model.predict(points.X).tolist()


@pytest.mark.parametrize("package, make", [
    ("lightgbm", lambda m: m.LGBMClassifier(n_estimators=15, verbose=-1)),
    ("xgboost", lambda m: m.XGBClassifier(n_estimators=15, max_depth=4)),
])
def test_lightgbm_and_xgboost_where_installed(con, points, package, make):
    module = pytest.importorskip(package)
    model = make(module).fit(points.X, points.label)
    con.register_model("boost", model)
    labels = column(con, f"SELECT PREDICT('boost', {FEATURES}) FROM points ORDER BY id")
    assert labels.tolist() == model.predict(points.X).tolist()
    proba = column(con, f"SELECT PREDICT_PROBA('boost', {FEATURES}) FROM points ORDER BY id")
    np.testing.assert_allclose(proba, model.predict_proba(points.X)[:, 1], atol=1e-5)


def small_mlp() -> torch.nn.Module:
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(3, 16), torch.nn.ReLU(), torch.nn.Linear(16, 1))


def torch_reference(module: torch.nn.Module, X: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        return module(torch.tensor(X, dtype=torch.float32)).numpy()[:, 0]


def test_torch_module(con, points):
    mlp = small_mlp()
    con.register_model("mlp", mlp)
    assert_close(column(con, f"SELECT PREDICT('mlp', {FEATURES}) FROM points ORDER BY id"),
                 torch_reference(mlp, points.X))


@pytest.mark.filterwarnings("ignore:`torch.jit:DeprecationWarning")
def test_torchscript_file(con, points, tmp_path):
    mlp = small_mlp()
    path = tmp_path / "mlp.pt"
    torch.jit.script(mlp).save(str(path))
    con.register_model("scripted", path)
    assert_close(column(con, f"SELECT PREDICT('scripted', {FEATURES}) FROM points ORDER BY id"),
                 torch_reference(mlp, points.X))


# -- anywhere an expression may stand ------------------------------------------------------------


@pytest.fixture(scope="module")
def forest(con, points):
    """A forest registered as 'rf', and its own labels for `points` (in id order)."""
    model = ensemble.RandomForestClassifier(10, max_depth=6, random_state=0)
    model.fit(points.X, points.label)
    con.register_model("rf", model)
    return model.predict(points.X)


def test_in_where(con, points, forest):
    ids = column(con, f"SELECT id FROM points WHERE PREDICT('rf', {FEATURES}) = 1 AND a > 10 "
                      "ORDER BY id")
    want = np.flatnonzero((forest == 1) & (points.X[:, 0] > 10))
    assert ids.tolist() == want.tolist()


def test_in_group_by_and_aggregates(con, points, forest):
    rows = con.execute(
        f"SELECT PREDICT('rf', {FEATURES}) AS p, count(*), sum(PREDICT('rf', {FEATURES})), "
        f"avg(b) FROM points GROUP BY p ORDER BY p").fetchall()
    want = [(p, int((forest == p).sum()), int(p * (forest == p).sum()),
             points.X[forest == p, 1].mean()) for p in (0, 1)]
    assert [r[:3] for r in rows] == [w[:3] for w in want]
    assert_close([r[3] for r in rows], [w[3] for w in want])


def test_in_order_by(con, points, forest):
    ids = column(con, f"SELECT id FROM points ORDER BY PREDICT('rf', {FEATURES}) DESC, id "
                      "LIMIT 50")
    want = sorted(range(len(forest)), key=lambda i: (-forest[i], i))[:50]
    assert ids.tolist() == want


def test_features_are_expressions(con, points, forest):
    model = ensemble.RandomForestRegressor(5, max_depth=5, random_state=0)
    derived = np.column_stack([points.X[:, 0] * 2 + 1, points.X[:, 2] > 0])
    model.fit(derived, points.value)
    con.register_model("derived", model)
    got = column(con, "SELECT PREDICT('derived', a * 2 + 1, c > 0) FROM points ORDER BY id")
    assert_close(got, model.predict(derived))


def test_null_features_give_null(con, points):
    mlp = small_mlp()
    con.register_model("mlp_nulls", mlp)
    got = con.execute(
        f"SELECT PREDICT('mlp_nulls', a, b, CASE WHEN id % 3 = 0 THEN NULL ELSE c END) "
        "FROM points ORDER BY id").fetch_arrow_table().column(0)
    null_rows = np.arange(len(points.X)) % 3 == 0
    assert got.is_null().to_numpy(zero_copy_only=False).tolist() == null_rows.tolist()
    assert_close(got.drop_null().to_numpy(), torch_reference(mlp, points.X[~null_rows]))


def test_over_a_join_and_filter(con, duck_con):
    """TPC-H SF 0.01: features from both sides of a join, rows filtered first, predictions
    aggregated per group; the expectation comes from DuckDB's rows and the model itself."""
    features = ("l_shipdate - o_orderdate AS ship_days", "l_quantity", "l_discount",
                "o_totalprice")
    rows = (f"SELECT o_orderpriority, {', '.join(features)} FROM lineitem JOIN orders "
            "ON l_orderkey = o_orderkey WHERE o_orderdate < DATE '1995-01-01' "
            "AND l_shipmode IN ('AIR', 'MAIL')")
    df = duck_con.sql(rows).df()
    train = duck_con.sql(
        f"SELECT {', '.join(features)}, l_receiptdate > l_commitdate AS late "
        "FROM lineitem JOIN orders ON l_orderkey = o_orderkey").df()
    columns = ["ship_days", "l_quantity", "l_discount", "o_totalprice"]
    model = ensemble.RandomForestClassifier(10, max_depth=7, random_state=0)
    model.fit(train[columns].to_numpy(dtype=np.float64), train["late"].astype(int))
    con.register_model("late", model)
    df["p"] = model.predict(df[columns].to_numpy(dtype=np.float64))
    want = df.groupby("o_orderpriority", sort=True)["p"].agg(["size", "sum"])

    got = con.execute(
        "SELECT o_orderpriority, count(*), sum(PREDICT('late', l_shipdate - o_orderdate, "
        "l_quantity, l_discount, o_totalprice)) FROM lineitem JOIN orders "
        "ON l_orderkey = o_orderkey WHERE o_orderdate < DATE '1995-01-01' "
        "AND l_shipmode IN ('AIR', 'MAIL') GROUP BY 1 ORDER BY 1").fetchall()
    assert got == [(k, int(r["size"]), int(r["sum"])) for k, r in want.iterrows()]


def test_nested_calls_and_views(con, points, forest):
    con.execute(f"CREATE OR REPLACE VIEW scored AS "
                f"SELECT id, PREDICT('rf', {FEATURES}) AS p FROM points")
    got = column(con, "SELECT count(*) FROM scored WHERE p = 1")
    assert got[0] == int((forest == 1).sum())
    mlp = torch.nn.Linear(1, 1)
    with torch.no_grad():
        mlp.weight.fill_(2.0)
        mlp.bias.fill_(0.5)
    con.register_model("double", mlp)
    got = column(con, f"SELECT PREDICT('double', PREDICT('rf', {FEATURES})) FROM points "
                      "ORDER BY id")
    assert_close(got, forest * 2.0 + 0.5)


@pytest.mark.parametrize("labels", ["int", "str"])
def test_forest_tie_takes_the_first_class(con, labels):
    """A forest whose mean probability is exactly (0.5, 0.5) on a row predicts the first class,
    as scikit-learn's argmax does, although the compiled program sums the trees in another
    order and lands an ulp off the tie."""
    import pyarrow as pa

    rng = np.random.default_rng(363)  # a small forest that ties on one grid point
    m = int(rng.integers(8, 30))
    X = rng.integers(0, 4, size=(m, 2)).astype(float)
    y = rng.integers(0, 2, size=m)
    if labels == "str":
        y = np.where(y == 1, "yes", "no")
    n_trees, depth = int(rng.integers(3, 13)), int(rng.integers(1, 4))
    forest = ensemble.RandomForestClassifier(n_trees, max_depth=depth, random_state=363).fit(X, y)
    grid = np.array([[a, b] for a in range(4) for b in range(4)], dtype=float)
    proba = forest.predict_proba(grid)
    assert (proba[:, 0] == proba[:, 1]).any()  # the tie this test is about
    con.register_model("tied", forest)
    con.register("grid", pa.table({"id": np.arange(len(grid)), "a": grid[:, 0], "b": grid[:, 1]}))
    got = column(con, "select predict('tied', a, b) from grid order by id")
    assert list(got) == list(forest.predict(grid))


TIED_CLASSIFIERS = {  # each scores (0.5, 0.5) on the rows where a == 0
    "gradient_boosting": lambda: ensemble.GradientBoostingClassifier(
        n_estimators=1, init="zero", max_depth=2),
    "hist_gradient_boosting": lambda: ensemble.HistGradientBoostingClassifier(
        max_iter=1, min_samples_leaf=1),
    "decision_tree": lambda: tree.DecisionTreeClassifier(),
    "random_forest": lambda: ensemble.RandomForestClassifier(
        n_estimators=4, bootstrap=False, random_state=0),
}


@pytest.mark.parametrize("kind", sorted(TIED_CLASSIFIERS))
def test_exact_ties_follow_each_models_own_rule(con, kind):
    """On a row whose probabilities tie exactly, PREDICT gives the class the estimator's own
    predict() gives: the first class for the argmax rule (trees, forests, histogram boosting),
    class 1 for a binary gradient boosting classifier (its decision function >= 0)."""
    import pyarrow as pa

    a = np.array([0, 0, 0, 0, 1, 1, 2, 2], dtype=float)  # a == 0: both classes, as many of each
    y = np.array([0, 1, 0, 1, 1, 1, 0, 0])
    model = TIED_CLASSIFIERS[kind]().fit(a.reshape(-1, 1), y)
    proba = model.predict_proba(a.reshape(-1, 1))
    assert (proba[:4, 0] == proba[:4, 1]).all()  # the ties this test is about
    con.register_model("tied", model)
    con.register("tied_rows", pa.table({"id": np.arange(len(a)), "a": a}))
    got = column(con, "select predict('tied', a) from tied_rows order by id")
    assert list(got) == list(model.predict(a.reshape(-1, 1)))


def test_float_features(con):
    """A FLOAT (float32) feature goes in as the model's float type, as a DOUBLE does."""
    mlp = torch.nn.Linear(1, 1)
    with torch.no_grad():
        mlp.weight.fill_(2.0)
        mlp.bias.fill_(0.5)
    con.register_model("affine", mlp)
    got = column(con, "SELECT PREDICT('affine', x::REAL) FROM (VALUES (1.5), (NULL), (-2.0)) "
                      "t(x) ORDER BY x NULLS LAST")
    assert list(got[:2]) == [-3.5, 3.5] and np.isnan(got[2])
