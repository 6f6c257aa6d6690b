"""TYPEOF(x): the name of x's type, as DuckDB prints it, where tqp's type is DuckDB's.

The planner marks each TYPEOF whose argument has DuckDB's type in tqp (planner/typeof.py); any
other raises NotSupportedError with the reason, never a type DuckDB would not name.
"""

from __future__ import annotations

import pyarrow as pa
import torch
from sqlglot import exp

from tqp.errors import NotSupportedError
from tqp.operators.expressions import SqlText, evaluate, handles
from tqp.storage.column import Batch, Column
from tqp.types import DataType

# The meta entry of a TYPEOF node: True where its answer is DuckDB's, else why it is not.
EXACT = "tqp_typeof_exact"
# Set by the parser on each TYPEOF of a statement holding a number written with a leading point
# (`.5`): sqlglot reads it as `0.5`, one digit more than DuckDB's DECIMAL(1,1).
LEADING_POINT = "tqp_typeof_leading_point"


def type_name(column: Column) -> str:
    """The type of `column` as DuckDB's TYPEOF writes it."""
    if column.type is DataType.DECIMAL:
        return f"DECIMAL({column.decimal.precision},{column.decimal.scale})"
    if column.type is DataType.NULL:
        return '"NULL"'
    if column.type in (DataType.LIST, DataType.STRUCT):
        raise NotSupportedError(f"TYPEOF of a {column.type.value} value")
    return column.type.value


@handles(exp.Typeof)
def typeof(node: exp.Typeof, batch: Batch) -> Column:
    exact = node.meta.get(EXACT)
    if exact is not True:
        reason = exact if isinstance(exact, str) else "an argument not checked by the planner"
        raise NotSupportedError(f"TYPEOF of {reason}: tqp's type may not be DuckDB's (it is "
                                f"known only where checked against DuckDB), in {SqlText(node)}")
    # Typed on no rows: DuckDB folds TYPEOF when binding, so no value can fail (`i + b`).
    name = type_name(evaluate(node.this, batch.take(torch.zeros(0, dtype=torch.long,
                                                                device=batch.device))))
    return Column(torch.zeros(batch.num_rows, dtype=torch.int32, device=batch.device),
                  DataType.VARCHAR, None, pa.array([name], pa.large_string()))
