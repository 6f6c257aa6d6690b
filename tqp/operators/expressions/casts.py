"""CAST between SQL types, following DuckDB (DOUBLE -> INTEGER rounds, strings are parsed)."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import torch
from sqlglot import exp

from tqp.errors import DataError, NotSupportedError
from tqp.operators.expressions import evaluate, handles
from tqp.operators.expressions.arithmetic import round_half_away
from tqp.operators.expressions.dates import date_strings
from tqp.operators.expressions.coerce import MICROS_PER_DAY
from tqp.storage import dictionary as dicts
from tqp.storage.arrow import column_to_arrow, sql_type_to_arrow
from tqp.storage.column import Column
from tqp.types import NARROW_INTEGER_LIMITS, DataType, from_sql_name


_INTEGER_LIMITS = {DataType.INTEGER: 2.0 ** 31, DataType.BIGINT: 2.0 ** 63}


def _check_range(column: Column, target: DataType, precision: int | None, scale: int | None):
    """Values that do not fit the target type are a DataError, as in DuckDB."""
    if target.is_integer:
        limit = _INTEGER_LIMITS[target]
        if column.type.is_integer and target is DataType.BIGINT:
            return
    elif target is DataType.DECIMAL and precision is not None:
        limit = 10.0 ** (precision - (scale or 0))
    else:
        return
    values = column.values.double()
    if column.valid is not None:
        values = values[column.valid]
    if values.numel() and bool(((values >= limit) | (values < -limit) | values.isnan()).any()):
        raise DataError(f"value out of range for {target.value}")


def _check_narrow(column: Column, name: str, limits) -> None:
    low, high = (-limits, limits) if isinstance(limits, int) else limits
    if not column.type.is_numeric:
        return
    values = column.values.double()
    if column.valid is not None:
        values = values[column.valid]
    values = torch.round(values)
    if values.numel() and bool(((values >= high) | (values < low)).any()):
        raise DataError(f"value out of range for {name}")


def cast_column(column: Column, target: DataType, scale: int | None = None,
                precision: int | None = None) -> Column:
    """`column` as `target`; `scale` rounds DECIMAL targets to that many digits."""
    source = column.type
    if source is DataType.NULL:
        from tqp.operators.expressions.coerce import to_type

        return to_type(column, target)
    if target is DataType.VARCHAR:
        return _to_string(column) if source is not DataType.VARCHAR else column
    if source is DataType.VARCHAR:
        return _parse(column, target)
    values = column.values
    if target.is_numeric:
        if source in (DataType.DATE, DataType.TIMESTAMP):
            raise DataError(f"cannot cast {source.value} to {target.value}")
        _check_range(column, target, precision, scale)
        if target.is_integer and values.is_floating_point():
            # DuckDB: DECIMAL -> INTEGER rounds halves away from zero, DOUBLE -> INTEGER to even.
            values = round_half_away(values, 0) if source is DataType.DECIMAL else torch.round(values)
        if target is DataType.DECIMAL and scale is not None:
            values = round_half_away(values.double(), scale)
        elif target is DataType.DECIMAL:
            scale = column.scale if source is DataType.DECIMAL else 0
        if source is DataType.DECIMAL and target is DataType.DOUBLE:
            values = values + 0.0  # a DECIMAL has no negative zero
        return Column(values.to(target.torch_dtype), target, column.valid, None,
                      scale if target is DataType.DECIMAL else None)
    if target is DataType.BOOLEAN:
        if source.is_numeric or source is DataType.BOOLEAN:
            return Column(values != 0, target, column.valid)
    if target is DataType.TIMESTAMP and source is DataType.DATE:
        return Column(values.long() * MICROS_PER_DAY, target, column.valid)
    if target is DataType.DATE and source is DataType.TIMESTAMP:
        days = torch.div(values, MICROS_PER_DAY, rounding_mode="floor")
        return Column(days.int(), target, column.valid)
    if target is source:
        return column
    raise NotSupportedError(f"CAST from {source.value} to {target.value}")


def _parse(column: Column, target: DataType) -> Column:
    arrow_target = pa.int64() if target.is_integer else sql_type_to_arrow(target)
    if target is DataType.DECIMAL:
        arrow_target = pa.float64()
    dictionary = column.dictionary.cast(dicts.STRING)
    try:
        parsed = _parse_strings(dictionary, target, arrow_target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        # The dictionary may hold strings no row uses (rows a filter dropped): only the used
        # ones must convert, as in DuckDB.
        used = torch.unique(column.values[column.valid] if column.valid is not None
                            else column.values).cpu().numpy()
        try:
            parsed_used = _parse_strings(dictionary.take(pa.array(used)), target, arrow_target)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as used_exc:
            raise DataError(f"could not convert string to {target.value}: {used_exc}") from None
        # Unused entries parse as NULL (no row reads them).
        codes = np.full(len(dictionary), -1, dtype=np.int64)
        codes[used] = np.arange(len(used))
        parsed = parsed_used.take(pa.array(codes, mask=codes < 0))
    if target is DataType.DATE:
        parsed = parsed.cast(pa.int32())
    elif target is DataType.TIMESTAMP:
        parsed = parsed.cast(pa.int64())
    values = parsed.fill_null(False if target is DataType.BOOLEAN else 0).to_numpy(
        zero_copy_only=False)
    table = torch.from_numpy(np.array(values)).to(column.device).to(target.torch_dtype)
    gathered = table[column.values.long()] if len(table) else torch.zeros(
        len(column), dtype=target.torch_dtype, device=column.device)
    return Column(gathered, target, column.valid)


def _parse_strings(strings: pa.Array, target: DataType, arrow_target: pa.DataType) -> pa.Array:
    if target is DataType.BOOLEAN:
        return pc.cast(pc.utf8_lower(pc.utf8_trim_whitespace(strings)), pa.bool_())
    return pc.cast(pc.utf8_trim_whitespace(strings), arrow_target)


def _to_string(column: Column) -> Column:
    """Format each distinct value once, then re-encode as a sorted dictionary."""
    if column.type is DataType.DOUBLE:  # by bits: -0.0 and 0.0 print differently
        bits, inverse = torch.unique(column.values.view(torch.int64), return_inverse=True)
        unique = bits.view(torch.float64)
    else:
        unique, inverse = torch.unique(column.values, return_inverse=True)
    distinct = Column(unique, column.type, None)
    text = column_to_arrow(distinct)
    if column.type is DataType.BOOLEAN:
        text = pc.if_else(text, "true", "false")
    elif column.type is DataType.DOUBLE:
        text = pa.array([_format_double(v) for v in text.to_pylist()], pa.string())  # distinct values only
    elif column.type is DataType.DATE:
        text = pa.array(date_strings(unique), pa.string())
    elif column.type is DataType.TIMESTAMP:
        text = pa.array([None if v is None else _format_timestamp(v) for v in text.to_pylist()],
                        pa.string())
    elif column.type is DataType.DECIMAL and column.scale is not None:
        text = pa.array([f"{v + 0.0:.{column.scale}f}" for v in text.to_pylist()], pa.string())
    else:
        text = text.cast(pa.string())
    codes, dictionary = dicts.encode(text)
    values = dicts.to_device_map(codes, column.device)[inverse]
    return Column(values, DataType.VARCHAR, column.valid, dictionary)


def _format_timestamp(value) -> str:
    text = value.isoformat(sep=" ")
    return text.rstrip("0") if "." in text else text


def _format_double(value: float) -> str:
    if value != value:
        return "-nan" if math.copysign(1.0, value) < 0 else "nan"  # DuckDB prints the sign
    if value in (float("inf"), float("-inf")):
        return repr(value)
    if value == int(value) and abs(value) < 1e15:
        return f"{value:.1f}"
    return repr(value)


@handles(exp.Cast, exp.TryCast)
def cast(node: exp.Cast, batch) -> Column:
    to = node.args["to"]
    name = to.this.name if hasattr(to.this, "name") else str(to.this)
    target = from_sql_name(name)
    if target is None:
        raise NotSupportedError(f"CAST to {to.sql(dialect='duckdb')}")
    scale = precision = None
    if target is DataType.DECIMAL:
        params = to.expressions
        precision = int(params[0].name) if params else 18
        scale = int(params[1].name) if len(params) > 1 else (0 if params else 3)
    column = evaluate(node.this, batch)
    narrow = NARROW_INTEGER_LIMITS.get(name.upper())
    if narrow is not None:
        _check_narrow(column, name.upper(), narrow)
    try:
        return cast_column(column, target, scale, precision)
    except DataError:
        if isinstance(node, exp.TryCast):
            raise NotSupportedError("TRY_CAST of values that do not convert") from None
        raise
