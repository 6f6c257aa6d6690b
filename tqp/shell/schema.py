"""`.schema`: tables and views as the CREATE statements DuckDB's `.schema` prints."""

from __future__ import annotations

import re

import pyarrow as pa
from sqlglot.dialects.duckdb import DuckDB

from tqp.dbapi import type_code

_PLAIN_NAME = re.compile(r"[a-z_][a-z0-9_]*")


def quote_name(name: str) -> str:
    """`name` as a SQL identifier: bare when it is lower-case letters, digits and '_' and not a
    reserved word."""
    if _PLAIN_NAME.fullmatch(name) and name not in DuckDB.Generator.RESERVED_KEYWORDS:
        return name
    return '"' + name.replace('"', '""') + '"'


def create_table(name: str, schema: pa.Schema) -> str:
    """`CREATE TABLE name(a BIGINT, b VARCHAR NOT NULL, ...);` with SQL type names."""
    columns = ", ".join(
        f"{quote_name(f.name)} {type_code(f.type)}{'' if f.nullable else ' NOT NULL'}"
        for f in schema)
    return f"CREATE TABLE {quote_name(name)}({columns});"


def create_view(name: str, sql: str) -> str:
    """`CREATE VIEW name AS SELECT ...;`"""
    return f"CREATE VIEW {quote_name(name)} AS {sql};"
