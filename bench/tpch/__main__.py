"""`python -m bench.tpch`: TPC-H on tqp against DuckDB. See bench/tpch/runner.py."""

from bench.tpch.runner import main

raise SystemExit(main())
