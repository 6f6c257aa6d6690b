"""The fuzzer's tables: a few small tables with NULLs and duplicates in every column, one empty.

The rows are drawn from a fixed seed, so every run (and every reproducer) sees the same data.
Values come from small domains (a handful of integers, strings and dates) so that joins match,
groups collide and duplicates are common.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

import pyarrow as pa

DATA_SEED = 20240601
NULL_SHARE = 0.2
DUPLICATE_SHARE = 5  # one row in this many repeats an earlier one

# (SQL type, Arrow type) of the column kinds every table holds.
COLUMN_TYPES = {
    "int": ("INTEGER", pa.int32()),
    "bigint": ("BIGINT", pa.int64()),
    "double": ("DOUBLE", pa.float64()),
    "varchar": ("VARCHAR", pa.string()),
    "date": ("DATE", pa.date32()),
    "bool": ("BOOLEAN", pa.bool_()),
}

_INTS = [-3, -1, 0, 1, 2, 3, 5, 7, 10, 42]
_BIGINTS = [-5_000_000_000, -2, 0, 1, 3, 100, 3_000_000_000, 9_000_000_000]
_DOUBLES = [-2.5, -1.0, -0.0, 0.0, 0.5, 1.0, 1.25, 3.75, 10.0, 1e10, -7.125]
_STRINGS = ["", "a", "A", "ab", "abc", "b", "B", "ba", "a%b", "a_c", " x ", "x", "xyz", "Zed",
            "a\\b", "é"]
_DATES = [datetime.date(1970, 1, 1), datetime.date(1992, 2, 29), datetime.date(1995, 6, 15),
          datetime.date(1995, 12, 31), datetime.date(1996, 1, 1), datetime.date(2000, 3, 1),
          datetime.date(1969, 12, 31), datetime.date(2024, 1, 31)]
_DOMAINS = {
    "int": _INTS, "bigint": _BIGINTS, "double": _DOUBLES, "varchar": _STRINGS, "date": _DATES,
    "bool": [True, False],
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # a key of COLUMN_TYPES


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[Column, ...]
    rows: int


# Every table has a small-domain join key `k` (INTEGER) and one column of each kind; t3 has two
# of some kinds, so that expressions over one table mix columns of the same type.
TABLES = (
    TableSpec("t1", (Column("k", "int"), Column("i", "int"), Column("b", "bigint"),
                     Column("x", "double"), Column("s", "varchar"), Column("d", "date"),
                     Column("f", "bool")), 30),
    TableSpec("t2", (Column("k", "int"), Column("i", "int"), Column("b", "bigint"),
                     Column("x", "double"), Column("s", "varchar"), Column("d", "date"),
                     Column("f", "bool")), 12),
    TableSpec("t3", (Column("k", "int"), Column("i", "int"), Column("j", "int"),
                     Column("x", "double"), Column("y", "double"), Column("s", "varchar"),
                     Column("u", "varchar"), Column("d", "date"), Column("f", "bool"),
                     Column("b", "bigint")), 7),
    TableSpec("t0", (Column("k", "int"), Column("i", "int"), Column("x", "double"),
                     Column("s", "varchar"), Column("d", "date"), Column("f", "bool")), 0),
)


def _values(rng: random.Random, kind: str, n: int, key: bool) -> list:
    domain = list(range(-1, 6)) if key else _DOMAINS[kind]
    values = [None if rng.random() < NULL_SHARE else rng.choice(domain) for _ in range(n)]
    if n and None not in values:  # every column of a non-empty table holds a NULL
        values[rng.randrange(n)] = None
    return values


def fuzz_tables(seed: int = DATA_SEED) -> dict[str, pa.Table]:
    """The tables of TABLES as Arrow tables, their rows drawn from `seed`."""
    rng = random.Random(seed)
    tables = {}
    for spec in TABLES:
        distinct = spec.rows - spec.rows // DUPLICATE_SHARE
        arrays = {c.name: pa.array(_values(rng, c.kind, distinct, c.name == "k"),
                                   type=COLUMN_TYPES[c.kind][1]) for c in spec.columns}
        table = pa.table(arrays)
        # Whole rows repeated, so that DISTINCT, UNION and INTERSECT/EXCEPT have work to do.
        order = list(range(distinct)) + [rng.randrange(distinct) for _ in range(spec.rows - distinct)]
        rng.shuffle(order)
        tables[spec.name] = table.take(pa.array(order, type=pa.int64()))
    return tables
