"""SQL data types as tqp sees them, and the tensor dtype each one lives in on the device.

See DESIGN.md: decimals are computed in float64, dates are int32 days since the epoch, timestamps
int64 microseconds, strings int32 codes into a sorted dictionary.
"""

from __future__ import annotations

import enum

import torch


class DataType(enum.Enum):
    """The logical type of a column or expression."""

    BOOLEAN = "BOOLEAN"
    INTEGER = "INTEGER"
    BIGINT = "BIGINT"
    DOUBLE = "DOUBLE"
    DECIMAL = "DECIMAL"
    DATE = "DATE"
    TIMESTAMP = "TIMESTAMP"
    VARCHAR = "VARCHAR"
    NULL = "NULL"

    @property
    def torch_dtype(self) -> torch.dtype:
        """The dtype of the values tensor of a column of this type."""
        return _TORCH_DTYPES[self]

    @property
    def is_numeric(self) -> bool:
        return self in NUMERIC_TYPES

    @property
    def is_integer(self) -> bool:
        return self in (DataType.INTEGER, DataType.BIGINT)


_TORCH_DTYPES = {
    DataType.BOOLEAN: torch.bool,
    DataType.INTEGER: torch.int32,
    DataType.BIGINT: torch.int64,
    DataType.DOUBLE: torch.float64,
    DataType.DECIMAL: torch.float64,
    DataType.DATE: torch.int32,
    DataType.TIMESTAMP: torch.int64,
    DataType.VARCHAR: torch.int32,
    DataType.NULL: torch.int32,
}

NUMERIC_TYPES = frozenset({DataType.INTEGER, DataType.BIGINT, DataType.DOUBLE, DataType.DECIMAL})

# Widening order for numeric arithmetic: the result type of `a op b` is the later of the two.
_NUMERIC_RANK = {DataType.INTEGER: 0, DataType.BIGINT: 1, DataType.DECIMAL: 2, DataType.DOUBLE: 3}


def common_numeric_type(a: DataType, b: DataType) -> DataType:
    """The type both operands of a numeric operation are widened to (NULL adopts the other)."""
    if a is DataType.NULL:
        return b if b is not DataType.NULL else DataType.INTEGER
    if b is DataType.NULL:
        return a
    return a if _NUMERIC_RANK[a] >= _NUMERIC_RANK[b] else b


# Integer types tqp widens to INTEGER: a CAST to them still checks their range.
NARROW_INTEGER_LIMITS = {"TINYINT": 2 ** 7, "INT1": 2 ** 7, "SMALLINT": 2 ** 15, "INT2": 2 ** 15,
                         "UTINYINT": (0, 2 ** 8), "USMALLINT": (0, 2 ** 16)}


def from_sql_name(name: str) -> DataType:
    """Map a SQL type name (as sqlglot prints it) to a DataType; unknown names return None."""
    name = name.upper().split("(")[0].strip()
    return _SQL_NAMES.get(name)


_SQL_NAMES = {
    "BOOLEAN": DataType.BOOLEAN, "BOOL": DataType.BOOLEAN,
    "TINYINT": DataType.INTEGER, "SMALLINT": DataType.INTEGER, "INT": DataType.INTEGER,
    "INTEGER": DataType.INTEGER, "INT4": DataType.INTEGER, "UTINYINT": DataType.INTEGER,
    "USMALLINT": DataType.INTEGER,
    "BIGINT": DataType.BIGINT, "INT8": DataType.BIGINT, "LONG": DataType.BIGINT,
    "UINT": DataType.BIGINT, "HUGEINT": DataType.BIGINT, "UBIGINT": DataType.BIGINT,
    "DOUBLE": DataType.DOUBLE, "FLOAT": DataType.DOUBLE, "REAL": DataType.DOUBLE,
    "FLOAT8": DataType.DOUBLE, "FLOAT4": DataType.DOUBLE, "DOUBLE PRECISION": DataType.DOUBLE,
    "DECIMAL": DataType.DECIMAL, "NUMERIC": DataType.DECIMAL,
    "DATE": DataType.DATE,
    "TIMESTAMP": DataType.TIMESTAMP, "DATETIME": DataType.TIMESTAMP,
    "TIMESTAMPNTZ": DataType.TIMESTAMP, "TIMESTAMP_US": DataType.TIMESTAMP,
    "VARCHAR": DataType.VARCHAR, "TEXT": DataType.VARCHAR, "STRING": DataType.VARCHAR,
    "CHAR": DataType.VARCHAR, "BPCHAR": DataType.VARCHAR, "NVARCHAR": DataType.VARCHAR,
}
