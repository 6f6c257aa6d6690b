"""CAST between SQL types, following DuckDB (DOUBLE -> INTEGER rounds, strings are parsed)."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import torch
from sqlglot import exp

from tqp.errors import DataError, NotSupportedError, ProgrammingError
from tqp.operators.expressions import evaluate, handles
from tqp.operators.expressions.arithmetic import round_half_away
from tqp.operators.expressions.dates import date_strings, timestamp_strings
from tqp.operators.expressions.coerce import MICROS_PER_DAY, date_micros, gather_map
from tqp.operators.expressions.floats import shortest_floats, to_float
from tqp.operators.expressions.decimals import (
    check_fits, check_precision, decimal_of, round_down, scale_up,
)
from tqp.operators.expressions.timestamptz import (
    from_timestamptz, split_offsets, timestamptz_strings, to_timestamptz,
)
from tqp.storage import dictionary as dicts
from tqp.storage.arrow import column_to_arrow, sql_type_to_arrow
from tqp.storage.column import Column
from tqp.storage.gather import gather
from tqp.types import (
    DEFAULT_DECIMAL, FLOAT_TYPES, MAX_DECIMAL_PRECISION, NARROW_INTEGER_LIMITS, TEMPORAL_TYPES,
    DataType, DecimalType, from_sql_name,
)


_INTEGER_LIMITS = {DataType.INTEGER: 2.0 ** 31, DataType.BIGINT: 2.0 ** 63,
                   DataType.HUGEINT: 2.0 ** 63}


def _check_integer_range(column: Column, values: torch.Tensor, target: DataType) -> None:
    """Values that do not fit the target integer type are a DataError, as in DuckDB (`values`:
    the column's values, rounded to integers where they were not)."""
    if column.type.is_integer and target is not DataType.INTEGER:
        return
    limit = _INTEGER_LIMITS[target]
    values = values.double()
    if column.valid is not None:
        values = values[column.valid]
    if values.numel() and bool(((values >= limit) | (values < -limit) | values.isnan()).any()):
        raise DataError(f"value out of range for {target.value}")


def _check_narrow(column: Column, name: str, limits) -> None:
    low, high = (-limits, limits) if isinstance(limits, int) else limits
    if not column.type.is_numeric:
        return
    values = column.as_double()
    if column.valid is not None:
        values = values[column.valid]
    values = torch.round(values)
    if values.numel() and bool(((values >= high) | (values < low)).any()):
        raise DataError(f"value out of range for {name}")


def cast_column(column: Column, target: DataType, decimal: DecimalType | None = None) -> Column:
    """`column` as `target`; a DECIMAL target takes `decimal` (by default the column's own, or
    the one its integer type converts to), rounding half away from zero, as DuckDB does."""
    source = column.type
    if DataType.LIST in (source, target):
        raise NotSupportedError(f"conversion of {source.value} to {target.value} (LIST values)")
    if DataType.STRUCT in (source, target):
        raise NotSupportedError(f"conversion of {source.value} to {target.value} (STRUCT values)")
    if source is DataType.NULL:
        from tqp.operators.expressions.coerce import to_type

        return to_type(column, target, decimal=decimal)
    if DataType.INTERVAL in (source, target) and source is not target:
        from tqp.operators.expressions.intervals import from_strings, to_strings

        if target is DataType.VARCHAR:
            return to_strings(column)
        if source is DataType.VARCHAR:
            return from_strings(column, f"CAST to {target.value}")
        raise DataError(f"Unimplemented type for cast ({source.value} -> {target.value})")
    if target is DataType.VARCHAR:
        return _to_string(column) if source is not DataType.VARCHAR else column
    if source is DataType.VARCHAR:
        return _parse(column, target, decimal)
    values = column.values
    if target.is_numeric:
        if source in TEMPORAL_TYPES:
            raise DataError(f"cannot cast {source.value} to {target.value}")
        if target is DataType.DECIMAL:
            return _to_decimal(column, decimal or decimal_of(column))
        if target is DataType.DOUBLE:
            return Column(column.as_double() + 0.0, target, column.valid)  # no negative zero
        if target is DataType.FLOAT:
            return to_float(column)
        if source is DataType.DECIMAL:  # DuckDB: DECIMAL -> integer rounds halves away from zero
            values = round_down(values, column.decimal.scale)
        elif values.is_floating_point():  # and DOUBLE -> integer to even
            values = torch.round(values)
        _check_integer_range(column, values, target)
        return Column(values.to(target.torch_dtype), target, column.valid)
    if target is DataType.BOOLEAN:
        if source.is_numeric or source is DataType.BOOLEAN:
            return Column(values != 0, target, column.valid)
    if target is DataType.TIMESTAMPTZ and source in TEMPORAL_TYPES:
        return to_timestamptz(column)
    if source is DataType.TIMESTAMPTZ and target in TEMPORAL_TYPES:
        return from_timestamptz(column, target)
    if target is DataType.TIMESTAMP and source is DataType.DATE:
        return Column(date_micros(column), target, column.valid)
    if target is DataType.DATE and source is DataType.TIMESTAMP:
        days = torch.div(values, MICROS_PER_DAY, rounding_mode="floor")
        return Column(days.int(), target, column.valid)
    if target is source:
        return column
    raise NotSupportedError(f"CAST from {source.value} to {target.value}")


def _to_decimal(column: Column, decimal: DecimalType) -> Column:
    """A number as `decimal`: integers and decimals rescaled exactly (rounded half away from
    zero when the scale shrinks), doubles rounded at the scale; then checked against the
    precision."""
    what = f"CAST to {decimal.sql()}"
    if column.type in FLOAT_TYPES:
        scaled = round_half_away(column.values.double(), decimal.scale)
        limit = min(10.0 ** decimal.integral, 2.0 ** 63 / decimal.unit)  # and int64's range
        bad = (scaled >= limit) | (scaled <= -limit) | scaled.isnan()
        check_fits(bad, column.valid, decimal, what)
        values = torch.round(scaled * decimal.unit).long()
    else:
        source = decimal_of(column)
        if decimal.scale >= source.scale:
            values = scale_up(column, decimal.scale - source.scale, decimal, what)
        else:
            values = round_down(column.values.long(), source.scale - decimal.scale)
    check_precision(values, column.valid, decimal, what)
    return Column(values, DataType.DECIMAL, column.valid, None, decimal)


def _parse(column: Column, target: DataType, decimal: DecimalType | None = None) -> Column:
    if target is DataType.TIMESTAMPTZ:  # the text before the offset, then shifted to UTC
        bodies, offsets = split_offsets(column.dictionary)
        try:
            local = _parse(Column(column.values, DataType.VARCHAR, column.valid, bodies),
                           DataType.TIMESTAMP)
        except DataError as exc:
            if pc.any(pc.is_in(pc.utf8_lower(pc.utf8_trim_whitespace(bodies)),
                               pa.array(["infinity", "-infinity"]))).as_py():
                raise NotSupportedError("TIMESTAMP WITH TIME ZONE 'infinity' (tqp has no "
                                        "infinite timestamps)") from None
            raise DataError(str(exc).replace("TIMESTAMP", target.value, 1)) from None
        shift = gather_map(offsets, column.values.long())
        return Column(local.values - shift, target, local.valid)
    if target is DataType.DECIMAL:  # through the double nearest each text, rounded at the scale
        return _to_decimal(_parse(column, DataType.DOUBLE), decimal or DecimalType(*DEFAULT_DECIMAL))
    arrow_target = pa.int64() if target.is_integer else sql_type_to_arrow(target)
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
    if column.type in FLOAT_TYPES:  # by bits: -0.0 and 0.0 print differently
        bits_dtype = torch.int64 if column.type is DataType.DOUBLE else torch.int32
        bits, inverse = torch.unique(column.values.view(bits_dtype), return_inverse=True)
        unique = bits.view(column.values.dtype)
    else:
        unique, inverse = torch.unique(column.values, return_inverse=True)
    distinct = Column(unique, column.type, None, None, column.decimal)
    text = column_to_arrow(distinct)
    if column.type is DataType.BOOLEAN:
        text = pc.if_else(text, "true", "false")
    elif column.type is DataType.DOUBLE:
        text = pa.array([_format_double(v) for v in text.to_pylist()], pa.string())  # distinct values only
    elif column.type is DataType.FLOAT:
        text = pa.array([_format_double(v) for v in shortest_floats(unique)], pa.string())
    elif column.type is DataType.DATE:
        text = pa.array(date_strings(unique), pa.string())
    elif column.type is DataType.TIMESTAMP:
        text = pa.array(timestamp_strings(unique), pa.string())
    elif column.type is DataType.TIMESTAMPTZ:
        text = pa.array(timestamptz_strings(unique), pa.string())
    elif column.type in (DataType.DECIMAL, DataType.HUGEINT):  # Arrow prints them exactly
        text = text.cast(pa.string())
    else:
        text = text.cast(pa.string())
    codes, dictionary = dicts.encode(text)
    values = gather(dicts.to_device_map(codes, column.device), inverse)
    return Column(values, DataType.VARCHAR, column.valid, dictionary)


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
    decimal = None
    if target is DataType.DECIMAL:
        params = [int(p.name) for p in to.expressions]
        precision, scale = (params + [0])[:2] if params else DEFAULT_DECIMAL
        if not 1 <= precision <= MAX_DECIMAL_PRECISION or not 0 <= scale <= precision:
            raise ProgrammingError(f"DECIMAL({precision},{scale}): the width must be 1 to 38 "
                                   "and the scale 0 to the width")
        decimal = DecimalType(precision, scale)
    column = evaluate(node.this, batch)
    narrow = NARROW_INTEGER_LIMITS.get(name.upper())
    if narrow is not None:
        _check_narrow(column, name.upper(), narrow)
    try:
        return cast_column(column, target, decimal)
    except DataError:
        if isinstance(node, exp.TryCast):
            raise NotSupportedError("TRY_CAST of values that do not convert") from None
        raise
