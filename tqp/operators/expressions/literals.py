"""Column references and constants."""

from __future__ import annotations

import datetime

import pyarrow as pa
import torch
from sqlglot import exp

from tqp.errors import InternalError, NotSupportedError
from tqp.operators.expressions import handles
from tqp.storage.column import Batch, Column, null_column
from tqp.storage.wide import require_narrow
from tqp.types import INT64_DECIMAL_PRECISION, DataType, DecimalType


@handles(exp.Column)
def column(node: exp.Column, batch: Batch) -> Column:
    """The column itself; a 128-bit one (a SUM past int64) only where it is the whole
    expression (a projection, a sort key): no operator computes with its values."""
    try:
        found = batch[node.name]
    except KeyError:
        raise InternalError(f"column {node.name} is not in the batch ({batch.names})") from None
    if node.parent is not None and found.holds_wide:  # (a late column stays ungathered)
        require_narrow(found.values, node.parent.key.upper())
    return found


@handles(exp.Paren)
def paren(node: exp.Paren, batch: Batch) -> Column:
    from tqp.operators.expressions import evaluate

    return evaluate(node.this, batch)


def constant(value, type_: DataType, length: int, device: torch.device,
             decimal: DecimalType | None = None) -> Column:
    """A column holding `value` in every one of `length` rows (a broadcast view, no copy); a
    DECIMAL's `value` is its scaled integer."""
    if value is None:
        return null_column(length, type_, device, decimal)
    if type_ is DataType.VARCHAR:
        values = torch.zeros(1, dtype=torch.int32, device=device).expand(length)
        return Column(values, type_, None, pa.array([value], pa.large_string()))
    if type_ is DataType.DATE and isinstance(value, datetime.date):
        value = (value - datetime.date(1970, 1, 1)).days
    values = torch.tensor([value], dtype=type_.torch_dtype, device=device).expand(length)
    return Column(values, type_, None, None, decimal)


def device_of(batch: Batch) -> torch.device:
    """The device a batch's values live on (also known for batches with no columns)."""
    return batch.device


def literal_value(node: exp.Literal):
    """The Python value, type and decimal type of a SQL literal: DuckDB reads 0.06 as
    DECIMAL(3,2) (every digit written counts) and 1e3 as DOUBLE. A decimal past 18 digits does
    not fit tqp's int64 decimals and is read as DOUBLE."""
    if node.is_string:
        return node.this, DataType.VARCHAR, None
    text = node.this
    try:
        value = int(text)
    except ValueError:
        pass
    else:
        if not -2**63 <= value < 2**63:
            raise NotSupportedError(f"integer literal {text}: beyond BIGINT (HUGEINT is not supported)")
        return value, DataType.INTEGER if -2**31 <= value < 2**31 else DataType.BIGINT, None
    whole, point, fraction = text.partition(".")
    digits = whole + fraction
    if point and "e" not in text.lower() and digits.isdigit() and \
            len(digits) <= INT64_DECIMAL_PRECISION:
        return int(digits), DataType.DECIMAL, DecimalType(len(digits), len(fraction))
    try:
        return float(text), DataType.DOUBLE, None
    except ValueError:
        raise NotSupportedError(f"literal {text}") from None


@handles(exp.Literal)
def literal(node: exp.Literal, batch: Batch) -> Column:
    value, type_, decimal = literal_value(node)
    return constant(value, type_, batch.num_rows, device_of(batch), decimal)


@handles(exp.Boolean)
def boolean(node: exp.Boolean, batch: Batch) -> Column:
    return constant(bool(node.this), DataType.BOOLEAN, batch.num_rows, device_of(batch))


@handles(exp.Null)
def null(node: exp.Null, batch: Batch) -> Column:
    return null_column(batch.num_rows, DataType.NULL, device_of(batch))
