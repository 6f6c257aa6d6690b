"""The differential SQL corpus: its small NULL-bearing tables and the loader of `corpus/*.sql`.

Corpus format: each query is introduced by a `-- name: <short_id>` line (unique within its file)
and ends with a `;` at the end of a line. An entry may hold several statements (e.g.
`create or replace view ...;` then a `select`): every statement but the last is setup run on both
engines, the last one is the query whose answer is compared with DuckDB's.
"""

from __future__ import annotations

import datetime
import decimal
import re
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"

_NAME_LINE = re.compile(r"^--\s*name:\s*(\S+)\s*$", re.MULTILINE)
_STATEMENT_END = re.compile(r";[ \t]*(?:\n|$)")


def _d(text: str | None) -> datetime.date | None:
    return None if text is None else datetime.date.fromisoformat(text)


def extra_tables() -> dict[str, pa.Table]:
    """Small tables with NULLs in every column, duplicate and NULL join keys, and an empty table."""
    nulls_schema = pa.schema([
        ("id", pa.int32()),
        ("a", pa.int32()),
        ("b", pa.string()),
        ("c", pa.float64()),
        ("d", pa.date32()),
    ])
    t_nulls = pa.table({
        "id": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        "a": [1, 2, None, 3, 2, None, -7, 5, 1, 6],
        "b": ["alpha", "beta", "gamma", None, "beta", None, "Alpha", "", "delta", "epsilon"],
        "c": [1.5, None, 2.5, -0.5, 4.0, None, 0.0, 2.5, None, -3.25],
        "d": [_d(x) for x in ["1995-01-31", "1996-02-29", "1995-03-15", None, "1995-01-31", None,
                              "1969-12-31", "1998-12-01", "1992-01-01", "1970-01-01"]],
    }, schema=nulls_schema)
    t_empty = nulls_schema.empty_table()
    t_left = pa.table({
        "lid": [1, 2, 3, 4, 5, 6, 7],
        "k": [1, 2, 2, 3, None, None, 5],
        "s": ["x", "y", "y2", None, "n", "n2", "z"],
        "v": [10.0, 20.0, 21.0, 30.0, 40.0, None, 50.0],
    }, schema=pa.schema([("lid", pa.int32()), ("k", pa.int32()), ("s", pa.string()),
                         ("v", pa.float64())]))
    t_right = pa.table({
        "rid": [1, 2, 3, 4, 5, 6],
        "k": [2, 2, 3, 4, None, 6],
        "s": ["y", "yy", "c", "d", "n", None],
        "w": [200, 201, 300, None, 999, 600],
    }, schema=pa.schema([("rid", pa.int32()), ("k", pa.int32()), ("s", pa.string()),
                         ("w", pa.int32())]))
    # Keys into nation (BIGINT like n_nationkey): matches, duplicates, misses, a NULL.
    t_keys = pa.table({
        "kid": [1, 2, 3, 4, 5, 6, 7],
        "k": [0, 5, 5, 24, 25, None, -1],
        "label": ["zero", "five", "five-b", "last", "missing", "null", "neg"],
    }, schema=pa.schema([("kid", pa.int32()), ("k", pa.int64()), ("label", pa.string())]))
    # String keys into nation.n_name (a dictionary other than nation's): case matters.
    t_names = pa.table({
        "nid": [1, 2, 3, 4, 5, 6],
        "name": ["FRANCE", "GERMANY", "france", "ATLANTIS", None, "GERMANY"],
        "tag": ["fr", "de", "lower", "myth", "none", "de2"],
    }, schema=pa.schema([("nid", pa.int32()), ("name", pa.string()), ("tag", pa.string())]))
    t_str = pa.table({
        "id": list(range(1, 11)),
        "s": ["hello", "  padded  ", "MiXeD Case", "a_b", "a%b", "", None, "café", "abc", "ABC"],
    }, schema=pa.schema([("id", pa.int32()), ("s", pa.string())]))
    # Text for positions, regular expressions and printf/format: characters of 1 to 4 UTF-8
    # bytes, '', NULL, a newline, pattern characters; beside integers and doubles with NULLs.
    t_text = pa.table({
        "id": list(range(1, 10)),
        "s": ["ñab", "hello world", "abc123def456", "", None, "héllo wörld 7", "a.b|c\nd",
              "Ünïcödé 42 ünï", "😀x😀y"],
        "i": [42, -7, 0, None, 255, 2**40, -2**31, 1, 9],
        "f": [3.14159, -2.5, 0.125, 2.675, None, -0.0, 1e10, 0.5, 1.5],
    }, schema=pa.schema([("id", pa.int32()), ("s", pa.string()), ("i", pa.int64()),
                         ("f", pa.float64())]))
    # The outer-join predicate cases: two rows a side, one key matching.
    int32 = pa.int32()
    oj_l = pa.table({"k": pa.array([1, 2], int32), "x": ["p", "q"]})
    oj_r = pa.table({"k": pa.array([1, 3], int32), "y": ["r", "s"]})
    oj_a = pa.table({"i": pa.array([1, 2, 3], int32)})
    oj_b = pa.table({"k": pa.array([1, 2], int32)})
    # Values at the edges of their types: integer minimums, signed zeros, NaN, the last date,
    # backslashes and control characters, and a string column that is NULL throughout.
    t_edge = pa.table({
        "id": [1, 2, 3, 4, 5],
        "i": [-2**31, -1, 0, 7, None],
        "b": [-2**63, -1, 0, 7, None],
        "f": [-0.0, 0.0, 1.5, None, float("nan")],
        "s": ["ab%", "a\\b", " \ta\n ", "  b  ", None],
        "dt": [_d(x) for x in ["9999-12-31", "1970-01-01", "0001-01-01", None, "2000-02-29"]],
        "n": [None] * 5,
    }, schema=pa.schema([("id", pa.int32()), ("i", pa.int32()), ("b", pa.int64()),
                         ("f", pa.float64()), ("s", pa.string()), ("dt", pa.date32()),
                         ("n", pa.string())]))
    # Decimals of three widths (one past int64's 18 digits) beside integers and doubles: NULLs,
    # negatives, zeros, halves for rounding and values at DECIMAL(15,2)'s limit.
    dec = decimal.Decimal
    t_dec = pa.table({
        "id": [1, 2, 3, 4, 5, 6, 7, 8],
        "d": [dec(x) if x else None for x in ["1.50", "-2.25", None, "9999999999999.99", "0.01",
                                              "-0.05", "12.35", "0.00"]],
        "e": [dec(x) if x else None for x in ["0.06", "0.10", "0.05", None, "-1.00", "99.99",
                                              "0.00", "0.07"]],
        "w": [dec(x) if x else None for x in ["1.0001", None, "-123456789.1234", "0.5000",
                                              "2.2500", "0.0000", "7.7777", "-0.0001"]],
        "i": [1, 2, 3, None, -4, 5, 6, 7],
        "f": [0.5, None, 1.25, -2.0, 3.0, 0.1, 1e10, -0.0],
    }, schema=pa.schema([("id", pa.int32()), ("d", pa.decimal128(15, 2)),
                         ("e", pa.decimal128(4, 2)), ("w", pa.decimal128(38, 4)),
                         ("i", pa.int32()), ("f", pa.float64())]))
    # Lists: NULL lists, empty lists, NULL elements, repeated values and a group key with NULLs.
    t_lists = pa.table({
        "id": [1, 2, 3, 4, 5, 6],
        "g": [1, 1, 2, None, 2, 3],
        "l": [[1, 2, 3], None, [], [None, 4], [2, 2], [5]],
        "s": [["a", "b"], ["b"], None, [], [None, "c"], ["a"]],
    }, schema=pa.schema([("id", pa.int32()), ("g", pa.int32()), ("l", pa.list_(pa.int64())),
                         ("s", pa.list_(pa.string()))]))
    # Structs: a NULL struct, NULL fields, a nested struct, a list field, non-ASCII strings.
    inner = pa.struct([("d", pa.date32()), ("l", pa.list_(pa.int32()))])
    t_structs = pa.table({
        "id": [1, 2, 3, 4, 5],
        "s": [{"a": 1, "b": "x", "c": {"d": _d("1995-01-31"), "l": [1, 2]}}, None,
              {"a": None, "b": "héllo", "c": None},
              {"a": -4, "b": None, "c": {"d": None, "l": []}},
              {"a": 5, "b": "", "c": {"d": _d("2000-02-29"), "l": None}}],
    }, schema=pa.schema([("id", pa.int32()),
                         ("s", pa.struct([("a", pa.int64()), ("b", pa.string()), ("c", inner)]))]))
    # Intervals (Arrow's month_day_nano_interval, as DuckDB returns them) beside timestamps:
    # '1 month' and '30 days' (equal, not the same), mixed signs, a NULL, sub-second parts.
    mdn = pa.MonthDayNano
    t_iv = pa.table({
        "id": [1, 2, 3, 4, 5, 6, 7, 8],
        "g": ["a", "a", "b", "b", None, "c", "c", "é"],
        "iv": [mdn([1, 0, 0]), mdn([0, 30, 0]), mdn([0, 29, 86_400_000_000_000]), None,
               mdn([14, 3, 14_706_500_000_000]), mdn([-1, 2, -1_000]), mdn([0, 0, 0]),
               mdn([0, 1, -3_600_000_000_000])],
        "ts": [datetime.datetime(2020, 1, 31, 10, 30), datetime.datetime(2020, 2, 29),
               None, datetime.datetime(1969, 12, 31, 23, 59, 59, 999_999),
               datetime.datetime(2000, 3, 31, 0, 0, 0, 500_000), datetime.datetime(2021, 12, 31),
               datetime.datetime(1900, 1, 1), datetime.datetime(2024, 2, 29, 12)],
        "n": [3, -2, None, 0, 1, 2, 7, 1],
    }, schema=pa.schema([("id", pa.int32()), ("g", pa.string()),
                         ("iv", pa.month_day_nano_interval()), ("ts", pa.timestamp("us")),
                         ("n", pa.int32())]))
    # Instants (TIMESTAMPTZ): Arrow timestamps with a zone, in UTC and in another zone (the
    # values are UTC instants either way), a NULL, a duplicate instant, the same wall clock in
    # two zones; beside them wall-clock TIMESTAMPs and texts with UTC offsets.
    utc, kolkata = datetime.timezone.utc, datetime.timezone(datetime.timedelta(hours=5, minutes=30))
    instants = [datetime.datetime(2020, 1, 1, 10, 0, tzinfo=utc),
                datetime.datetime(2020, 1, 1, 15, 30, tzinfo=kolkata),
                None,
                datetime.datetime(1969, 12, 31, 23, 59, 59, 500000, tzinfo=utc),
                datetime.datetime(2024, 2, 29, 23, 59, 59, 999999, tzinfo=utc),
                datetime.datetime(1900, 3, 1, 0, 0, 0, 1, tzinfo=utc)]
    t_tz = pa.table({
        "id": [1, 2, 3, 4, 5, 6],
        "tz": instants,
        "kz": [None if v is None else v.replace(microsecond=v.microsecond // 1000 * 1000)
               for v in instants],
        "ts": [None if v is None else v.astimezone(utc).replace(tzinfo=None)
               + datetime.timedelta(hours=1) for v in instants],
        "s": ["2020-01-01 10:00:00+00", "2020-01-01 12:00:00+02", None, "1969-12-31 23:59:59.5Z",
              "2024-03-01 05:29:59.999999+05:30", "1900-03-01 00:00:00.000001-00"],
    }, schema=pa.schema([("id", pa.int32()), ("tz", pa.timestamp("us", tz="UTC")),
                         ("kz", pa.timestamp("ms", tz="Asia/Kolkata")),
                         ("ts", pa.timestamp("us")), ("s", pa.string())]))
    # Mixed-case column names (DuckDB names a result column as its definition spells it),
    # with NULLs, '' and non-ASCII strings; t_case2 shares "Id" spelled another way.
    t_case = pa.table({
        "Id": [1, 2, 3, 4],
        "MixedName": ["Äpfel", None, "", "b"],
        "UPPER_V": [1.5, None, -2.0, 0.0],
    }, schema=pa.schema([("Id", pa.int32()), ("MixedName", pa.string()),
                         ("UPPER_V", pa.float64())]))
    t_case2 = pa.table({
        "ID": [2, 3, 5],
        "Other": ["x", None, "ü"],
    }, schema=pa.schema([("ID", pa.int32()), ("Other", pa.string())]))
    # Single precision (DuckDB's FLOAT): values no float32 holds exactly (1.1, 0.1, 16777217
    # reads as 16777216), signed zeros, NaN, infinities, NULLs, a group key and a DOUBLE beside.
    t_float = pa.table({
        "id": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        "g": [1, 1, 2, 2, None, 3, 3, 1, 2, 3],
        "r": [1.1, -0.0, 0.0, None, float("nan"), 16777217.0, float("inf"), 0.1, -2.5,
              float("-inf")],
        "d": [1.1, 0.0, -0.0, 2.5, None, 16777217.0, 1e300, 0.1, -2.5, 3.0],
        "s": ["1.1", "x", None, "ü", "nan", "16777217", "inf", "0.1", "-2.5", "é"],
    }, schema=pa.schema([("id", pa.int32()), ("g", pa.int32()), ("r", pa.float32()),
                         ("d", pa.float64()), ("s", pa.string())]))
    return {
        "t_float": t_float,
        "t_iv": t_iv,
        "t_tz": t_tz,
        "t_case": t_case,
        "t_case2": t_case2,
        "t_structs": t_structs,
        "t_lists": t_lists,
        "t_dec": t_dec,
        "t_edge": t_edge,
        "oj_l": oj_l,
        "oj_r": oj_r,
        "oj_a": oj_a,
        "oj_b": oj_b,
        "t_nulls": t_nulls,
        "t_empty": t_empty,
        "t_left": t_left,
        "t_right": t_right,
        "t_keys": t_keys,
        "t_names": t_names,
        "t_str": t_str,
        "t_text": t_text,
    }


@dataclass(frozen=True)
class CorpusQuery:
    file: str  # the file's stem, e.g. "subqueries"
    name: str
    setup: tuple[str, ...]  # statements run first on both engines (views)
    sql: str  # the query compared with DuckDB

    @property
    def id(self) -> str:
        return f"{self.file}::{self.name}"


def split_statements(text: str) -> list[str]:
    """Statements of one entry: split at `;` ending a line (the corpus puts none inside strings)."""
    parts = [p.strip() for p in _STATEMENT_END.split(text)]
    return [p for p in parts if p and not all(
        line.strip().startswith("--") or not line.strip() for line in p.splitlines())]


def parse_corpus_file(path: Path) -> list[CorpusQuery]:
    text = Path(path).read_text()
    marks = list(_NAME_LINE.finditer(text))
    queries = []
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        statements = split_statements(text[mark.end():end])
        if not statements:
            raise ValueError(f"{path.name}: entry {mark.group(1)!r} holds no statement")
        queries.append(CorpusQuery(Path(path).stem, mark.group(1), tuple(statements[:-1]),
                                   statements[-1]))
    return queries


def load_corpus(directory: Path = CORPUS_DIR) -> list[CorpusQuery]:
    """Every corpus query, file by file in name order, in file order within a file."""
    queries = []
    for path in sorted(Path(directory).glob("*.sql")):
        queries.extend(parse_corpus_file(path))
    return queries
