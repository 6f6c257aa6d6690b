"""DuckDB's FLOAT (REAL, FLOAT4): single precision values in float32 tensors.

DuckDB computes FLOAT op FLOAT, and FLOAT with any integer or DECIMAL, in FLOAT (the other side
converted to float32); FLOAT meeting DOUBLE is DOUBLE. A literal compared with a FLOAT is
converted to FLOAT first, so `1.1::REAL = 1.1` holds. SUM, AVG and the statistics of FLOATs are
DOUBLE; MIN, MAX, abs, round, floor, ceil and unary minus keep FLOAT.
"""

from __future__ import annotations

import numpy as np
import torch

from tqp.errors import DataError
from tqp.storage.column import Column, and_valid
from tqp.types import DataType

FLOAT_MAX = float(np.finfo(np.float32).max)


def to_float(column: Column) -> Column:
    """A numeric (or BOOLEAN) column as FLOAT: a finite DOUBLE past float32's range is DuckDB's
    conversion error; integers and DECIMALs round to the nearest float32."""
    if column.type is DataType.FLOAT:
        return column
    if column.type is DataType.DOUBLE:
        values = column.values
        bad = values.isfinite() & (values.abs() > FLOAT_MAX)
        if column.valid is not None:
            bad &= column.valid
        if bool(bad.any()):
            raise DataError("Conversion Error: a DOUBLE value is out of range for the "
                            "destination type FLOAT")
        return Column(values.float(), DataType.FLOAT, column.valid)
    if column.type is DataType.DECIMAL or column.holds_wide:  # nearest double, then float32
        return Column(column.as_double().float(), DataType.FLOAT, column.valid)
    return Column(column.values.float(), DataType.FLOAT, column.valid)


def shortest_floats(values: torch.Tensor) -> list[float]:
    """float32 values as the Python floats of their shortest digits (the float32 nearest 1.1
    gives 1.1, not 1.100000023841858): written as a DOUBLE is written, they read as DuckDB
    writes a FLOAT ('1.1', '16777216.0', '1e+20'). NaN and infinities stay as they are."""
    array = values.cpu().numpy()
    return [float(np.format_float_scientific(v, unique=True)) if np.isfinite(v) else float(v)
            for v in array]


def float_quotient(a: Column, b: Column) -> Column | None:
    """`a / b` in FLOAT where DuckDB divides in FLOAT (a FLOAT and no DOUBLE), else None."""
    types = {a.type, b.type}
    if DataType.FLOAT not in types or DataType.DOUBLE in types:
        return None
    return Column(to_float(a).values / to_float(b).values, DataType.FLOAT,
                  and_valid(a.valid, b.valid))
