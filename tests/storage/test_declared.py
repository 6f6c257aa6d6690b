"""Declared column types and the checked conversion of values into them (DuckDB's rules, the
expected values below are DuckDB's casts: a DOUBLE rounds to an integer with ties to even, a
DECIMAL with ties away from zero; never a silent wrap or truncation)."""

from __future__ import annotations

import datetime
import decimal

import pyarrow as pa
import pytest

import tqp
from tqp.storage.declared import conform, conform_array, declared_field, type_name


@pytest.mark.parametrize("sql, arrow_type, name", [
    ("INTEGER", pa.int32(), "INTEGER"), ("INT", pa.int32(), "INTEGER"),
    ("BIGINT", pa.int64(), "BIGINT"), ("SMALLINT", pa.int16(), "SMALLINT"),
    ("TINYINT", pa.int8(), "TINYINT"), ("DOUBLE", pa.float64(), "DOUBLE"),
    ("REAL", pa.float32(), "FLOAT"), ("FLOAT", pa.float32(), "FLOAT"),
    ("DECIMAL(12,2)", pa.decimal128(12, 2), "DECIMAL(12,2)"),
    ("DECIMAL", pa.decimal128(18, 3), "DECIMAL(18,3)"),
    ("NUMERIC(5)", pa.decimal128(5, 0), "DECIMAL(5,0)"),
    ("VARCHAR(10)", pa.string(), "VARCHAR"), ("TEXT", pa.string(), "VARCHAR"),
    ("DATE", pa.date32(), "DATE"), ("TIMESTAMP", pa.timestamp("us"), "TIMESTAMP"),
    ("BOOLEAN", pa.bool_(), "BOOLEAN"),
])
def test_declared_types(sql, arrow_type, name):
    field = declared_field("c", sql, not_null=True)
    assert field.type == arrow_type and not field.nullable and type_name(field) == name


@pytest.mark.parametrize("values, sql, expected", [
    ([1.5, 2.5, -2.5, 0.49, 0.5, 3.5], "INTEGER", [2, 2, -2, 0, 0, 4]),
    ([decimal.Decimal("1.5"), decimal.Decimal("2.5"), decimal.Decimal("-2.5")], "SMALLINT",
     [2, 3, -3]),
    (["12", None], "BIGINT", [12, None]),
    ([1.005, 2.675, 7], "DECIMAL(5,2)", [decimal.Decimal("1.00"), decimal.Decimal("2.68"),
                                         decimal.Decimal("7.00")]),
    ([decimal.Decimal("1.135")], "DECIMAL(4,2)", [decimal.Decimal("1.14")]),
    ([1.125], "DECIMAL(5,2)", [decimal.Decimal("1.13")]),
    ([1, 2], "DOUBLE", [1.0, 2.0]),
    ([1.5], "REAL", [1.5]),
    (["2024-02-29"], "DATE", [datetime.date(2024, 2, 29)]),
    ([datetime.datetime(2024, 2, 29, 13, 1)], "DATE", [datetime.date(2024, 2, 29)]),
    (["2024-02-29 13:01:02.5"], "TIMESTAMP", [datetime.datetime(2024, 2, 29, 13, 1, 2, 500000)]),
    ([1, None], "VARCHAR", ["1", None]),
    (["true", "false"], "BOOLEAN", [True, False]),
    ([None, None], "DATE", [None, None]),
])
def test_values_fit_the_declared_type(values, sql, expected):
    assert conform_array(pa.array(values), declared_field("c", sql)).to_pylist() == expected


@pytest.mark.parametrize("values, sql", [
    ([2 ** 31], "INTEGER"), ([128], "TINYINT"), ([1e19], "BIGINT"), ([float("nan")], "INTEGER"),
    ([float("inf")], "DECIMAL(5,2)"), ([1000], "DECIMAL(5,2)"), ([999.995], "DECIMAL(5,2)"),
    ([1e39], "FLOAT"), (["x"], "DOUBLE"), (["2024-02-30"], "DATE"), (["maybe"], "BOOLEAN"),
])
def test_values_that_do_not_fit_raise_data_error(values, sql):
    with pytest.raises(tqp.DataError, match=f"does not fit column c {sql.split('(')[0]}"):
        conform_array(pa.array(values), declared_field("c", sql))


def test_not_null_is_an_integrity_error():
    schema = pa.schema([declared_field("a", "INTEGER", not_null=True)])
    with pytest.raises(tqp.IntegrityError, match="column a"):
        conform(pa.table({"x": [1, None]}), schema)
    assert conform(pa.table({"x": [1]}), schema).schema == schema
