"""`python -m bench.ml`: scoring rows with a model inside a query, tqp against the usual pipeline.

One query joins and filters TPC-H lineitem and orders, scores every surviving line with a model
and aggregates the predictions per order priority:

- tqp: one SQL statement, `sum(PREDICT('late_rf', ...))` / `avg(PREDICT('delay_mlp', ...))`; the
  model runs as a torch program (Hummingbird for the forest) on tqp's device.
- DuckDB + scikit-learn: DuckDB runs the join and filter, the rows go to pandas, `model.predict`
  (or the torch module) scores them, pandas aggregates.

Two models, trained here on a deterministic sample of the data (no downloads): a random forest
classifier (will the line arrive after its commit date?) and a small torch MLP regressor (by how
many days?). Both sides use the same thread count (torch.set_num_threads, DuckDB `SET threads`,
scikit-learn n_jobs), both answers are checked against each other, and each side's time is the
minimum of `--repeat` runs after a warm-up.

Example:
    python -m bench.ml --sf 1 --repeat 5 --json ml.json
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import torch

from bench.harness.measure import machine_description, timed
from bench.harness.report import number_cell
from bench.harness.runner import positive_int
from bench.tpch.compare import compare_tables
from bench.tpch.datagen import ensure_data, load_tables

FEATURES = {  # feature name -> SQL over lineitem JOIN orders
    "ship_days": "l_shipdate - o_orderdate",
    "commit_days": "l_commitdate - o_orderdate",
    "quantity": "l_quantity",
    "discount": "l_discount",
    "price": "l_extendedprice",
    "order_total": "o_totalprice",
}
JOIN = "FROM lineitem JOIN orders ON l_orderkey = o_orderkey"
FILTER = ("WHERE o_orderdate >= DATE '1995-01-01' AND o_orderdate < DATE '1997-01-01' "
          "AND l_shipmode IN ('MAIL', 'SHIP', 'TRUCK')")
# Training rows: every line of one order in TRAIN_STRIDE, then at most TRAIN_ROWS of them.
TRAIN_STRIDE = 50
TRAIN_ROWS = 20_000
SEED = 0
RF_TREES = 32
RF_DEPTH = 10
MLP_HIDDEN = 32
MLP_STEPS = 200


@dataclass
class Case:
    """One model's figures: times in milliseconds (all runs; the minimum is reported)."""

    model: str
    description: str
    rows_scored: int = 0
    correct: bool = False
    message: str = ""
    tqp_runs_ms: list[float] = field(default_factory=list)
    baseline_runs_ms: list[float] = field(default_factory=list)

    @property
    def tqp_ms(self) -> float | None:
        return min(self.tqp_runs_ms) if self.tqp_runs_ms else None

    @property
    def baseline_ms(self) -> float | None:
        return min(self.baseline_runs_ms) if self.baseline_runs_ms else None

    @property
    def ratio(self) -> float | None:
        if self.tqp_ms is None or not self.baseline_ms:
            return None
        return self.tqp_ms / self.baseline_ms

    def to_dict(self) -> dict:
        return {**asdict(self), "tqp_ms": self.tqp_ms, "baseline_ms": self.baseline_ms,
                "ratio": self.ratio}


# ---------------------------------------------------------------------------- the queries


def feature_list() -> str:
    return ", ".join(FEATURES.values())


def tqp_sql(model: str, aggregate: str, output: str) -> str:
    """The whole job as one tqp query."""
    return (f"SELECT o_orderpriority, count(*) AS lines, "
            f"{aggregate}(PREDICT('{model}', {feature_list()})) AS {output} "
            f"{JOIN} {FILTER} GROUP BY o_orderpriority ORDER BY o_orderpriority")


def baseline_sql() -> str:
    """The rows to score, as the usual pipeline fetches them from DuckDB."""
    columns = ", ".join(f"{sql} AS {name}" for name, sql in FEATURES.items())
    return f"SELECT o_orderpriority, {columns} {JOIN} {FILTER}"


def training_sql() -> str:
    columns = ", ".join(f"{sql} AS {name}" for name, sql in FEATURES.items())
    return (f"SELECT {columns}, CAST(l_receiptdate > l_commitdate AS INTEGER) AS late, "
            f"l_receiptdate - l_commitdate AS delay {JOIN} "
            f"WHERE l_orderkey % {TRAIN_STRIDE} = 0 ORDER BY l_orderkey, l_linenumber")


# ---------------------------------------------------------------------------- the models


def training_data(duck) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(features, late, delay) for a deterministic sample of lines."""
    df = duck.sql(training_sql()).df()
    rng = np.random.default_rng(SEED)
    if len(df) > TRAIN_ROWS:
        df = df.iloc[np.sort(rng.choice(len(df), TRAIN_ROWS, replace=False))]
    x = df[list(FEATURES)].to_numpy(dtype=np.float64)
    return x, df["late"].to_numpy(), df["delay"].to_numpy(dtype=np.float64)


def train_forest(x: np.ndarray, late: np.ndarray, threads: int, trees: int, depth: int):
    from sklearn.ensemble import RandomForestClassifier

    forest = RandomForestClassifier(n_estimators=trees, max_depth=depth, random_state=SEED,
                                    n_jobs=threads)
    return forest.fit(x, late)


def train_mlp(x: np.ndarray, delay: np.ndarray):
    """A small MLP regressor (features standardised inside the module), trained full-batch."""
    torch.manual_seed(SEED)
    features = torch.tensor(x, dtype=torch.float32)
    target = torch.tensor(delay, dtype=torch.float32)[:, None]
    mlp = torch.nn.Sequential(
        Standardize(features.mean(0), features.std(0).clamp(min=1e-6)),
        torch.nn.Linear(features.shape[1], MLP_HIDDEN), torch.nn.ReLU(),
        torch.nn.Linear(MLP_HIDDEN, MLP_HIDDEN), torch.nn.ReLU(),
        torch.nn.Linear(MLP_HIDDEN, 1))
    optimizer = torch.optim.Adam(mlp.parameters(), lr=1e-2)
    for _ in range(MLP_STEPS):
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(mlp(features), target)
        loss.backward()
        optimizer.step()
    return mlp.eval()


class Standardize(torch.nn.Module):
    """(x - mean) / std with the training sample's statistics: the MLP's first layer."""

    def __init__(self, mean: torch.Tensor, std: torch.Tensor):
        super().__init__()
        self.register_buffer("mean", mean)
        self.register_buffer("std", std)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.mean) / self.std


# ---------------------------------------------------------------------------- the two pipelines


def baseline_forest(duck, forest) -> pa.Table:
    """DuckDB query -> pandas -> forest.predict -> pandas aggregate."""
    df = duck.sql(baseline_sql()).df()
    df["predicted"] = forest.predict(df[list(FEATURES)].to_numpy(dtype=np.float64))
    return _aggregate(df, "sum", "predicted_late")


def baseline_mlp(duck, mlp) -> pa.Table:
    """DuckDB query -> pandas -> the torch module -> pandas aggregate."""
    df = duck.sql(baseline_sql()).df()
    with torch.no_grad():
        x = torch.from_numpy(df[list(FEATURES)].to_numpy(dtype=np.float32))
        df["predicted"] = mlp(x).numpy()[:, 0].astype(np.float64)
    return _aggregate(df, "mean", "predicted_delay")


def _aggregate(df, how: str, output: str) -> pa.Table:
    grouped = df.groupby("o_orderpriority", sort=True)["predicted"]
    result = grouped.agg(["size", how]).reset_index()
    result.columns = ["o_orderpriority", "lines", output]
    return pa.Table.from_pandas(result, preserve_index=False)


def run_tqp(con, sql: str) -> pa.Table:
    return con.execute(sql).fetch_arrow_table()


def run_case(case: Case, tqp_fn, baseline_fn, repeat: int) -> Case:
    """Warm up and check both sides, then time `repeat` runs of each."""
    expected, _ = timed(baseline_fn)
    actual, _ = timed(tqp_fn)
    case.rows_scored = int(sum(expected.column("lines").to_pylist()))
    mismatch = compare_tables(actual, expected, ordered=True)
    case.correct, case.message = mismatch is None, mismatch or ""
    for _ in range(repeat):
        case.tqp_runs_ms.append(timed(tqp_fn)[1])
        case.baseline_runs_ms.append(timed(baseline_fn)[1])
    return case


# ---------------------------------------------------------------------------- report and main

HEADER = (f"{'model':<16}{'rows scored':>12}{'tqp ms':>10}{'duckdb+sklearn ms':>19}"
          f"{'ratio':>8}  correct")


def format_row(case: Case) -> str:
    line = (f"{case.model:<16}{case.rows_scored:>12}{number_cell(case.tqp_ms, 10)}"
            f"{number_cell(case.baseline_ms, 19)}{number_cell(case.ratio, 8, 2)}  "
            f"{'yes' if case.correct else 'NO'}")
    if case.message:
        line += "\n" + "\n".join("      " + m for m in case.message.splitlines())
    return line


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.ml",
        description="Score TPC-H rows with a random forest and a torch MLP inside a tqp query "
                    "(PREDICT) and with DuckDB + pandas + the model; check and time both.")
    parser.add_argument("--sf", type=float, default=1.0, help="scale factor (default 1)")
    parser.add_argument("--repeat", type=positive_int, default=3,
                        help="timed runs per side after one warm-up; the minimum is kept "
                             "(default 3)")
    parser.add_argument("--threads", type=positive_int, default=None,
                        help="CPU threads for every engine (default: torch.get_num_threads())")
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu",
                        help="device tqp runs on (default cpu)")
    parser.add_argument("--trees", type=positive_int, default=RF_TREES,
                        help=f"trees in the forest (default {RF_TREES})")
    parser.add_argument("--depth", type=positive_int, default=RF_DEPTH,
                        help=f"maximum tree depth (default {RF_DEPTH})")
    parser.add_argument("--json", type=Path, default=None, metavar="PATH",
                        help="also write every figure to this JSON file")
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> tuple[list[Case], dict]:
    """Train both models, run both cases; (cases, config)."""
    import duckdb
    import sklearn

    import tqp

    threads = args.threads or torch.get_num_threads()
    torch.set_num_threads(threads)
    tables = load_tables(ensure_data(args.sf))
    duck = duckdb.connect()
    duck.execute(f"SET threads TO {threads}")
    con = tqp.connect(device=args.device)
    for name in ("lineitem", "orders"):
        duck.register(name, tables[name])
        con.register(name, tables[name])

    x, late, delay = training_data(duck)
    forest = train_forest(x, late, threads, args.trees, args.depth)
    mlp = train_mlp(x, delay)
    con.register_model("late_rf", forest)
    con.register_model("delay_mlp", mlp)
    described = {row["name"]: row["model"] for row in con.models().to_pylist()}

    forest_sql = tqp_sql("late_rf", "sum", "predicted_late")
    mlp_sql = tqp_sql("delay_mlp", "avg", "predicted_delay")
    cases = [
        run_case(Case("random forest", described["late_rf"]),
                 lambda: run_tqp(con, forest_sql), lambda: baseline_forest(duck, forest),
                 args.repeat),
        run_case(Case("torch MLP", described["delay_mlp"]),
                 lambda: run_tqp(con, mlp_sql), lambda: baseline_mlp(duck, mlp), args.repeat),
    ]
    config = {"sf": args.sf, "threads": threads, "repeat": args.repeat, "timing": "min",
              "device": args.device, "machine": machine_description(),
              "trees": args.trees, "max_depth": args.depth, "training_rows": int(len(x)),
              "torch": torch.__version__, "duckdb": duckdb.__version__,
              "sklearn": sklearn.__version__, "tqp_sql": {"random forest": forest_sql,
                                                         "torch MLP": mlp_sql}}
    con.close()
    duck.close()
    return cases, config


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    cases, config = run(args)
    print(f"TPC-H SF {config['sf']:g}, {config['threads']} threads, tqp on {config['device']}, "
          f"min of {config['repeat']} runs, {config['machine']}")
    print(HEADER)
    for case in cases:
        print(format_row(case))
    if args.json:
        payload = {"config": config, "cases": [c.to_dict() for c in cases]}
        args.json.write_text(json.dumps(payload, indent=2) + "\n")
    return 0 if all(c.correct for c in cases) else 1


if __name__ == "__main__":
    raise SystemExit(main())
