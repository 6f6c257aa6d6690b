"""The SQL dialect tqp parses: DuckDB's, except that PREDICT is an ordinary function call.

sqlglot reads PREDICT as BigQuery ML's `ML.PREDICT(MODEL m, table)`, which takes at most three
arguments; tqp's `PREDICT('model', feature, ...)` (tqp/ml) takes any number, so the parser must
leave it as a plain call for `tqp.ml.calls.bind_models` to bind.
"""

from __future__ import annotations

from sqlglot.dialects.duckdb import DuckDB


class Tqp(DuckDB):
    """DuckDB SQL with PREDICT parsed as an anonymous function."""

    class Parser(DuckDB.Parser):
        FUNCTIONS = {k: v for k, v in DuckDB.Parser.FUNCTIONS.items() if k != "PREDICT"}


PARSE_DIALECT = Tqp
