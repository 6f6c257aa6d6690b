"""SQL data types as tqp sees them, and the tensor dtype each one lives in on the device.

See DESIGN.md: a DECIMAL(p,s) is an int64 tensor of its values scaled by 10**s (its precision and
scale ride on the Column as a `DecimalType`), a FLOAT (DuckDB's single precision REAL) is a
float32 tensor and a DOUBLE float64, dates are int32 days since the epoch, timestamps
int64 microseconds, strings int32 codes into a sorted dictionary. An INTERVAL is an int64
tensor of shape (n, 3): months, days and microseconds a row, as DuckDB stores them and not
normalised (INTERVAL '30 days' and INTERVAL '1 month' are two values that compare equal; see
storage/intervals.py). HUGEINT, DuckDB's type of an
integer SUM, is an int64 tensor too: a value past int64 is an error, never a wrap.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import torch


class DataType(enum.Enum):
    """The logical type of a column or expression."""

    BOOLEAN = "BOOLEAN"
    INTEGER = "INTEGER"
    BIGINT = "BIGINT"
    HUGEINT = "HUGEINT"
    FLOAT = "FLOAT"  # DuckDB's single precision REAL, a float32 tensor
    DOUBLE = "DOUBLE"
    DECIMAL = "DECIMAL"
    DATE = "DATE"
    TIMESTAMP = "TIMESTAMP"
    INTERVAL = "INTERVAL"
    TIMESTAMPTZ = "TIMESTAMP WITH TIME ZONE"  # int64 microseconds since 1970 UTC
    VARCHAR = "VARCHAR"
    LIST = "LIST"
    STRUCT = "STRUCT"
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
        return self in (DataType.INTEGER, DataType.BIGINT, DataType.HUGEINT)


_TORCH_DTYPES = {
    DataType.BOOLEAN: torch.bool,
    DataType.INTEGER: torch.int32,
    DataType.BIGINT: torch.int64,
    DataType.HUGEINT: torch.int64,
    DataType.FLOAT: torch.float32,
    DataType.DOUBLE: torch.float64,
    DataType.DECIMAL: torch.int64,
    DataType.DATE: torch.int32,
    DataType.TIMESTAMP: torch.int64,
    DataType.INTERVAL: torch.int64,  # (n, 3): months, days, microseconds
    DataType.TIMESTAMPTZ: torch.int64,
    DataType.VARCHAR: torch.int32,
    DataType.LIST: torch.int64,
    DataType.STRUCT: torch.int64,
    DataType.NULL: torch.int32,
}

# The types whose values are int64 microseconds since 1970 (a TIMESTAMPTZ's in UTC).
TIMESTAMP_TYPES = frozenset({DataType.TIMESTAMP, DataType.TIMESTAMPTZ})
# The date and time types: DATE days, TIMESTAMP and TIMESTAMPTZ microseconds.
TEMPORAL_TYPES = frozenset({DataType.DATE, DataType.TIMESTAMP, DataType.TIMESTAMPTZ})

# The zone TIMESTAMPTZ values are shown and converted in: tqp's session time zone is UTC.
ARROW_TIME_ZONE = "UTC"

NUMERIC_TYPES = frozenset({DataType.INTEGER, DataType.BIGINT, DataType.HUGEINT, DataType.DOUBLE,
                           DataType.DECIMAL, DataType.FLOAT})
# The floating point types: IEEE values (NaN, -0.0, inf), computed in their own precision.
FLOAT_TYPES = frozenset({DataType.FLOAT, DataType.DOUBLE})

# Widening order for numeric arithmetic: the result type of `a op b` is the later of the two.
# DuckDB: a FLOAT meeting any integer or DECIMAL stays FLOAT, and becomes DOUBLE with a DOUBLE.
_NUMERIC_RANK = {DataType.INTEGER: 0, DataType.BIGINT: 1, DataType.HUGEINT: 2, DataType.DECIMAL: 3,
                 DataType.FLOAT: 4, DataType.DOUBLE: 5}

MAX_DECIMAL_PRECISION = 38  # DuckDB's widest DECIMAL (an int128)
INT64_DECIMAL_PRECISION = 18  # the widest DECIMAL whose every value fits in int64
DEFAULT_DECIMAL = (18, 3)  # DuckDB's DECIMAL without arguments


@dataclass(frozen=True)
class DecimalType:
    """The precision (total digits) and scale (digits after the point) of a DECIMAL.

    The result types follow DuckDB's binder (checked against `typeof` in
    tests/operators/expressions/test_decimal_types.py)."""

    precision: int
    scale: int

    @property
    def unit(self) -> int:
        """10**scale: the stored integer of the value 1."""
        return 10 ** self.scale

    @property
    def integral(self) -> int:
        return self.precision - self.scale

    def add(self, other: "DecimalType") -> "DecimalType":
        """The type of `a + b` and `a - b`: one more integral digit than the wider side."""
        scale = max(self.scale, other.scale)
        return DecimalType(min(max(self.integral, other.integral) + scale + 1,
                               MAX_DECIMAL_PRECISION), scale)

    def multiply(self, other: "DecimalType") -> "DecimalType":
        """The type of `a * b`: the digits add up; DuckDB keeps a product of two int64 decimals
        at 18 digits (and checks it fits) rather than widening past int64."""
        scale = self.scale + other.scale
        precision = self.precision + other.precision
        if precision > INT64_DECIMAL_PRECISION and scale <= INT64_DECIMAL_PRECISION and max(
                self.precision, other.precision) <= INT64_DECIMAL_PRECISION:
            precision = INT64_DECIMAL_PRECISION
        return DecimalType(min(precision, MAX_DECIMAL_PRECISION), scale)

    def common(self, other: "DecimalType") -> "DecimalType":
        """The type both meet in to be compared (and in `%`): past 38 digits the precision is
        capped and the scale kept, as in DuckDB's comparisons."""
        scale = max(self.scale, other.scale)
        return DecimalType(min(max(self.integral, other.integral) + scale, MAX_DECIMAL_PRECISION),
                           scale)

    def supertype(self, other: "DecimalType") -> "DecimalType":
        """The type values of both take in one column (CASE, COALESCE, GREATEST, UNION). Unlike
        `common`, past 38 digits the integral digits are kept and the scale gives way, as in
        DuckDB: DECIMAL(38,1) and DECIMAL(3,2) make DECIMAL(38,1)."""
        integral = max(self.integral, other.integral)
        scale = min(max(self.scale, other.scale), max(MAX_DECIMAL_PRECISION - integral, 0))
        return DecimalType(min(integral + scale, MAX_DECIMAL_PRECISION), scale)

    def sql(self) -> str:
        return f"DECIMAL({self.precision},{self.scale})"


def sum_type(type_: DataType, decimal: DecimalType | None) -> tuple[DataType, DecimalType | None]:
    """The type of SUM over values of this type: DuckDB sums integers into a HUGEINT and a
    DECIMAL(p,s) into a DECIMAL(38,s)."""
    if type_.is_integer or type_ is DataType.BOOLEAN:
        return DataType.HUGEINT, None
    if type_ is DataType.DECIMAL:
        return type_, DecimalType(MAX_DECIMAL_PRECISION, decimal.scale)
    if type_ is DataType.FLOAT:  # DuckDB sums FLOATs into a DOUBLE
        return DataType.DOUBLE, None
    return type_, None


# The DECIMAL each integer type converts to when it meets a DECIMAL.
INTEGER_DECIMALS = {DataType.BOOLEAN: DecimalType(1, 0), DataType.INTEGER: DecimalType(10, 0),
                    DataType.BIGINT: DecimalType(19, 0), DataType.HUGEINT: DecimalType(38, 0),
                    DataType.NULL: DecimalType(1, 0)}


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
    "UINT": DataType.BIGINT, "HUGEINT": DataType.HUGEINT, "INT128": DataType.HUGEINT,
    "UBIGINT": DataType.BIGINT,
    "DOUBLE": DataType.DOUBLE, "FLOAT": DataType.FLOAT, "REAL": DataType.FLOAT,
    "FLOAT8": DataType.DOUBLE, "FLOAT4": DataType.FLOAT, "DOUBLE PRECISION": DataType.DOUBLE,
    "DECIMAL": DataType.DECIMAL, "NUMERIC": DataType.DECIMAL,
    "DATE": DataType.DATE,
    "TIMESTAMP": DataType.TIMESTAMP, "DATETIME": DataType.TIMESTAMP,
    "TIMESTAMPNTZ": DataType.TIMESTAMP, "TIMESTAMP_US": DataType.TIMESTAMP,
    "INTERVAL": DataType.INTERVAL,
    "TIMESTAMPTZ": DataType.TIMESTAMPTZ, "TIMESTAMP WITH TIME ZONE": DataType.TIMESTAMPTZ,
    "VARCHAR": DataType.VARCHAR, "TEXT": DataType.VARCHAR, "STRING": DataType.VARCHAR,
    "CHAR": DataType.VARCHAR, "BPCHAR": DataType.VARCHAR, "NVARCHAR": DataType.VARCHAR,
}
