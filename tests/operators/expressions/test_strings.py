"""String functions, LIKE and string comparisons agree with DuckDB.

Strings live as codes into a sorted dictionary, and functions run once per dictionary entry; the
`strs` table mixes NULL, the empty string, padding, pattern characters (`_`, `%`) and non-ASCII
text, and its column `t` has a dictionary of its own, so comparing `s` with `t` needs a remap.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

import tqp

FUNCTIONS = [
    "upper(s)", "lower(s)", "length(s)", "reverse(s)", "trim(s)", "ltrim(s)", "rtrim(s)",
    "trim(s, 'a')", "upper(lower(s))", "length(trim(s))",
    "substring(s, 2)", "substring(s, 2, 3)", "substring(s, 0, 2)", "substring(s, -3)",
    "substring(s, -3, 2)", "substring(s, 5, 100)", "substr(s, 1, 1)",
    "left(s, 2)", "right(s, 2)", "left(s, 0)", "right(s, 0)", "left(s, -1)", "right(s, -1)",
    "replace(s, 'a', 'XY')", "replace(s, ' ', '')", "position('a' IN s)", "strpos(s, 'l')",
    "instr(s, 'é')", "instr(s, 'o')", "substring(s, 3, -2)", "substring(s, -2, -3)",
    "regexp_extract(s, '[a-zé]+')", "regexp_extract(s, '(.)(.)', 2)", "regexp_replace(s, '[aeé]', '_', 'g')",
    "regexp_full_match(s, '[a-z]*')", "printf('%5s|%d|%x', s, length(s), length(s))",
    "format('{:>6}|{:.1f}', s, length(s) / 3)",
]

CONCATENATION = [
    "s || 'x'", "'[' || s || ']'", "s || t", "s || s", "s || ''", "s || n", "concat(s, '-', n)",
    "concat(s, NULL)", "concat(NULL, s)", "concat(s, t)", "s || NULL", "NULL || s",
]

PATTERNS = [
    "s LIKE '%a%'", "s NOT LIKE 'a%'", "s ILIKE 'A%'", "s LIKE '_'", "s LIKE ''", "s LIKE '%'",
    "s LIKE '%é%'", "s LIKE 'a_b%'", "s LIKE '__'", "s ILIKE '%É%'", "s NOT ILIKE '%c'",
    # parts joined by %, matched as an unanchored expression (strings._unanchored_regex)
    "s LIKE '%a%c%'", "s NOT LIKE '%l%o%'", "s LIKE '%b%%c%'", "s LIKE '%c%a%'",
    "s LIKE '%_%%'", "s LIKE '%É%ß%'", "s LIKE '%a%b%c%'", "s ILIKE '%H%W%'",
]


# Strings with line breaks and RE2's operator characters, for LIKE patterns of several parts.
MULTI_PART_VALUES = ["special\nrequests", "a.b(c)d", "a+b|c", "x[y]{z}", "a\\b", "^a$b",
                     "requests special", "special requests requests", "spec", "a.bc(d"]
MULTI_PART_PATTERNS = ["%special%requests%", "%a.b%(d%", "%+b%|%", "%[y%{z}%", "%a\\%b%",
                       "%^%$%", "%requests%special%", "%re%re%", "%a!%b%c%"]


@pytest.mark.parametrize("pattern", MULTI_PART_PATTERNS)
def test_like_patterns_of_several_parts(engines, pattern):
    """A `%`-joined pattern matches its parts in order, over line breaks, with RE2's operator
    characters taken literally, and an escaped `%` is a literal part."""
    values = ", ".join(f"({i}, '" + v.replace("'", "''").replace("\n", "' || chr(10) || '")
                       + "')" for i, v in enumerate(MULTI_PART_VALUES))
    escape = " ESCAPE '!'" if "!" in pattern else ""
    engines.check(f"SELECT id, s LIKE '{pattern}'{escape} AS v, s NOT LIKE '{pattern}'{escape} "
                  f"AS w FROM (VALUES {values}) t(id, s) ORDER BY id")

COMPARISONS = [
    "s = 'abc'", "s <> 'abc'", "s < 'b'", "s >= 'Hello World'", "s > ''", "s <= 'zzz'",
    "'b' > s", "s = 'not there'", "s < 'not there'", "s > 'not there'",
    "s = t", "s < t", "s >= t", "s IN ('abc', 'café', NULL)", "s NOT IN ('abc', '')",
    "s BETWEEN 'a' AND 'c'", "s = upper(s)", "upper(s) = 'ABC'", "lower(s) < 'b'",
    "s IN (t, 'x')", "greatest(s, t)", "least(s, 'b')", "coalesce(s, t, 'none')",
    "nullif(s, '')", "s IS NULL",
]


@pytest.mark.parametrize("expression", FUNCTIONS)
def test_string_functions(engines, expression):
    engines.check_column("strs", expression)


@pytest.mark.parametrize("expression", CONCATENATION)
def test_concatenation(engines, expression):
    """`||` is NULL when either side is; concat() skips NULL arguments."""
    engines.check_column("strs", expression)


@pytest.mark.parametrize("expression", PATTERNS)
def test_like_patterns(engines, expression):
    engines.check_column("strs", expression)


@pytest.mark.parametrize("expression", COMPARISONS)
def test_string_comparisons(engines, expression):
    """Byte-wise (code point) order, as DuckDB compares strings, also across dictionaries."""
    engines.check_column("strs", expression)


def test_string_functions_in_where_group_and_order(engines):
    engines.check("SELECT upper(s) AS u, count(*) AS n FROM strs WHERE length(s) > 2 "
                  "GROUP BY upper(s) ORDER BY u")
    engines.check("SELECT id FROM strs ORDER BY reverse(s) NULLS FIRST, id")


def test_string_functions_of_an_all_null_column(engines):
    engines.check("SELECT id, upper(s) AS u, s || 'x' AS c, length(s) AS n, s < 'b' AS lt "
                  "FROM strs WHERE s IS NULL")
    engines.check("SELECT upper(s) AS u, s LIKE 'a%' AS l FROM strs WHERE id > 100")


def test_replace_with_an_empty_pattern_returns_the_string_unchanged():
    """DuckDB: replace(s, '', 'X') is s. Run in a child process whose address space is capped,
    because an Arrow call can grow without bound on an empty pattern and take the machine down."""
    script = textwrap.dedent("""
        import resource, pyarrow as pa, tqp
        con = tqp.connect()
        con.register("t", pa.table({"s": ["abc", "", None]}))
        con.execute("SELECT upper(s) FROM t").fetchall()  # warm up before capping memory
        size = next(int(line.split()[1]) * 1024 for line in open("/proc/self/status")
                    if line.startswith("VmSize"))
        resource.setrlimit(resource.RLIMIT_AS, (size + (64 << 20), size + (64 << 20)))
        print(con.execute("SELECT replace(s, '', 'X') FROM t").fetchall())
    """)
    env = dict(os.environ, ARROW_DEFAULT_MEMORY_POOL="system")  # malloc obeys the cap at once
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, env=env)
    assert done.returncode == 0, done.stderr.strip().splitlines()[-1:]
    assert done.stdout.strip() == "[('abc',), ('',), (None,)]"


@pytest.mark.parametrize("sql", [
    "SELECT s + 1 FROM strs",
    "SELECT sqrt(s) FROM strs",
    "SELECT coalesce(dt, 1) FROM dates",
])
def test_strings_where_numbers_belong_are_programming_errors(engines, sql):
    engines.both_raise(sql, tqp.ProgrammingError)


def test_comparing_a_string_that_is_not_a_number_with_a_number_is_an_error(engines):
    """DuckDB casts the string side and fails on 'abc'; tqp must fail too (never guess)."""
    with pytest.raises(tqp.Error):
        engines.tqp.execute("SELECT s = 1 FROM strs").fetchall()


@pytest.mark.parametrize("expression", PATTERNS[:4] + ["length(s)", "strpos(s, 'l')"])
def test_long_dictionaries_are_split_across_threads(engines, monkeypatch, expression):
    """A dictionary past PARALLEL_MIN_VALUES is evaluated in slices on several threads; the
    answer is the one-thread answer (forced here by lowering the threshold)."""
    from tqp.operators.expressions import strings

    monkeypatch.setattr(strings, "PARALLEL_MIN_VALUES", 2)
    monkeypatch.setattr(strings.torch, "get_num_threads", lambda: 3)
    engines.check_column("strs", expression)


@pytest.mark.parametrize("pattern, escape, regex", [
    ("%special%requests%", None, "(?s)special.*requests"),
    ("%a.b%c(d%", None, "(?s)a\\.b.*c\\(d"),
    ("%x!%y%z%", "!", "(?s)x%y.*z"),
    ("%a%", None, None),  # one part: Arrow searches for it without a regex
    ("a%b%", None, None), ("%a%b", None, None), ("%a_b%c%", None, None),
])
def test_which_like_patterns_run_as_unanchored_expressions(pattern, escape, regex):
    from tqp.operators.expressions.strings import _unanchored_regex

    assert _unanchored_regex(pattern, escape) == regex
