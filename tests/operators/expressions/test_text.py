"""The string functions of text.py and distances.py agree with DuckDB: over the `strs` table,
and over seeded random patterns, strings and positions (GLOB's sets and escapes, per-row
subscripts, edit distances cut into small chunks)."""

from __future__ import annotations

import random

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pytest

import tqp
from tqp.operators.expressions import distances
from tqp.operators.expressions.text import glob_regex

FUNCTIONS = [
    "strlen(s)", "bit_length(s)", "s SIMILAR TO '[a-z]+'", "s NOT SIMILAR TO '.*é'",
    "s GLOB '*a*'", "s NOT GLOB '?b*'", "s GLOB '[!a-c]*'", "translate(s, 'aéb', 'xe')",
    "strip_accents(s)", "nfc_normalize(s)", "ord(s)", "prefix(s, 'a')", "suffix(s, 'é')",
    "hex(s)", "bin(s)", "hex(n)", "bin(n)", "to_hex(-n)", "s[1]", "s[-2]", "s[2:3]", "s[n]",
    "s[n:]", "s[-n:-1]", "array_extract(s, n)", "md5(s)", "sha256(s)", "sha1(s)",
    "levenshtein(s, 'abc')", "levenshtein('日本', s)", "jaccard(nullif(s, ''), 'a b')",
]


@pytest.mark.parametrize("expression", FUNCTIONS)
def test_string_functions(engines, expression):
    engines.check_column("strs", expression)


def test_in_where_and_group_by(engines):
    engines.check("SELECT s[1] AS c, count(*) AS n FROM strs WHERE s GLOB '*[a-z]*' "
                  "GROUP BY s[1] ORDER BY c")
    engines.check("SELECT id FROM strs WHERE prefix(s, 'a') OR s SIMILAR TO '.*ß' ORDER BY id")


def _pairs(seed: int, alphabet: str, n: int, longest: int) -> list[str]:
    rng = random.Random(seed)
    return sorted({"".join(rng.choice(alphabet) for _ in range(rng.randint(0, longest)))
                   for _ in range(n)})


def test_glob_patterns_match_as_duckdb():
    """Random patterns of GLOB's special characters (`*?[]!-\\`) and non-ASCII ones, each
    against every random string: DuckDB's answer, or no match where the pattern can match
    nothing."""
    strings = _pairs(1, "ab-]![ñ\\^*?\n", 80, 4)
    patterns = _pairs(2, "ab-]![*?\\ñ^", 400, 6)
    con = duckdb.connect()
    con.execute("CREATE TABLE s AS SELECT unnest(?) AS s", [strings])
    con.execute("CREATE TABLE p AS SELECT unnest(?) AS p", [patterns])
    expected = {}
    for s, p, r in con.execute("SELECT s, p, s GLOB p FROM s, p").fetchall():
        expected.setdefault(p, {})[s] = r
    column = pa.array(strings)
    for pattern, answers in expected.items():
        regex = glob_regex(pattern)
        got = [False] * len(strings) if regex is None else \
            pc.match_substring_regex(column, regex).to_pylist()
        assert got == [answers[s] for s in strings], pattern


@pytest.fixture(scope="module")
def random_strings():
    rng = random.Random(3)
    n = 600
    table = pa.table({
        "id": list(range(n)),
        "s": [rng.choice(["héllo", "", None, "a😀", "abcdefgh", "x", "ñéü b"]) for _ in range(n)],
        "a": [rng.choice([None, *range(-9, 10)]) for _ in range(n)],
        "b": [rng.choice([None, *range(-9, 10)]) for _ in range(n)],
    })
    tqp_con, duck = tqp.connect(batch_rows=100), duckdb.connect()
    tqp_con.register("t", table)
    duck.register("t", table)
    yield tqp_con, duck
    tqp_con.close()


def test_subscripts_at_positions_from_columns(random_strings):
    tqp_con, duck = random_strings
    sql = ("SELECT id, s[a], s[a:b], s[a:], s[1:b], array_slice(s, a, 3), s[-2:b], "
           "list_extract(s, b) FROM t ORDER BY id")
    assert tqp_con.execute(sql).fetchall() == duck.execute(sql).fetchall()


@pytest.mark.parametrize("constant", ["", "a", "ñé😀a", "cabbage"])
def test_distances_in_small_chunks(random_strings, monkeypatch, constant):
    """Edit distances over code point matrices of a few cells each: the chunks' answers join
    up in dictionary order."""
    monkeypatch.setattr(distances, "MAX_CELLS", 7)
    tqp_con, duck = random_strings
    queries = [f"SELECT id, levenshtein(s, '{constant}'), levenshtein('{constant}', s) "
               "FROM t ORDER BY id"]
    if constant:
        queries += [f"SELECT id, jaccard(s, '{constant}') FROM t WHERE s <> '' ORDER BY id",
                    f"SELECT id, hamming(s, '{constant}') FROM t "
                    f"WHERE length(s) = {len(constant)} ORDER BY id"]
    for sql in queries:
        assert tqp_con.execute(sql).fetchall() == duck.execute(sql).fetchall(), sql


@pytest.mark.parametrize("sql", [
    "SELECT hamming(s, 'abc') FROM strs",
    "SELECT jaccard(s, 'a') FROM strs",
    "SELECT s[5000000000] FROM strs",
])
def test_value_errors_as_duckdb(engines, sql):
    engines.both_raise(sql, tqp.DataError)


@pytest.mark.parametrize("sql", [
    "SELECT strlen(n) FROM strs",
    "SELECT hex(id = 1) FROM strs",
    "SELECT octet_length(s) FROM strs",
    "SELECT s SIMILAR TO '(' FROM strs",
])
def test_type_errors_as_duckdb(engines, sql):
    engines.both_raise(sql, tqp.ProgrammingError)
