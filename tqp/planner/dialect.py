"""The SQL dialect tqp parses: DuckDB's, except that PREDICT is an ordinary function call.

sqlglot reads PREDICT as BigQuery ML's `ML.PREDICT(MODEL m, table)`, which takes at most three
arguments; tqp's `PREDICT('model', feature, ...)` (tqp/ml) takes any number, so the parser must
leave it as a plain call for `tqp.ml.calls.bind_models` to bind.

A subscript `l[i]` is stored by sqlglot 0-based (i - 1) when it can tell that i is an integer
(a literal) and as written otherwise; the parser marks the subscripts it shifted, so that the
list kernels read DuckDB's 1-based position either way.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.dialects.duckdb import DuckDB

from tqp.operators.expressions.lists import INDEX_SHIFTED


class Tqp(DuckDB):
    """DuckDB SQL with PREDICT parsed as an anonymous function."""

    class Parser(DuckDB.Parser):
        FUNCTIONS = {k: v for k, v in DuckDB.Parser.FUNCTIONS.items() if k != "PREDICT"}

        def _parse_bracket(self, this=None):
            result = super()._parse_bracket(this)
            if isinstance(result, exp.Bracket) and INDEX_SHIFTED not in result.meta:
                result.meta[INDEX_SHIFTED] = _shifted(result)
            return result


def _shifted(bracket: exp.Bracket) -> bool:
    """Did sqlglot's `apply_index_offset` subtract 1 from this subscript? It does when the
    subscripted value is untyped or an array and the index types as an integer."""
    from sqlglot.optimizer.annotate_types import annotate_types

    if len(bracket.expressions) != 1 or isinstance(bracket.expressions[0], exp.Slice):
        return False
    this, index = bracket.this, bracket.expressions[0]
    if this.type is None:
        annotate_types(this, dialect=DuckDB)
    if this.type.this not in (exp.DataType.Type.UNKNOWN, exp.DataType.Type.ARRAY):
        return False
    if index.type is None:
        annotate_types(index, dialect=DuckDB)
    return index.type.this in exp.DataType.INTEGER_TYPES


PARSE_DIALECT = Tqp
