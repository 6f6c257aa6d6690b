"""The benchmark harness every suite shares: tqp against DuckDB, warm and cold.

A suite (bench/tpch, bench/tpcds) describes itself with a `Suite` (its query folder, its table
names, how to get the Parquet files of a scale factor) and hands it to `runner.main`:

    from bench.harness.runner import main
    from bench.harness.suite import Suite

    TPCH = Suite(name="TPC-H", module="bench.tpch", query_dir=..., queries=tuple(range(1, 23)),
                 tables=("customer", ...), ensure_data=ensure_data)
    raise SystemExit(main(TPCH))

Modules, each usable on its own:
- suite: `Suite`, the query list syntax (`parse_queries`), the columns queries name.
- measure: wall time (`timed`), peak memory, the geometric mean, the machine's description.
- engines: each engine's warm setup (DuckDB over native tables or Arrow, tqp over Arrow tables
  converted to tensors) and one run of a query to an Arrow table.
- cold: one query in a fresh process per engine, from connect to the Arrow answer.
- report: the per-query figures (`QueryRun`), the printed table, the summary, JSON and plot.
- runner: the command line and the loop over queries.
Answers are checked with bench.tpch.compare (suite-independent despite its home).
"""
