"""`python -m bench.tpcds`: TPC-DS on tqp against DuckDB. See bench/tpcds/runner.py."""

from bench.tpcds.runner import main

raise SystemExit(main())
