"""Errors at the edges of the types (t_edge): where DuckDB raises, tqp raises the fitting
`tqp.Error` subclass, never a wrong answer, a raw exception or a crash of the process."""

from __future__ import annotations

import re

import duckdb
import pytest

ERRORS = [
    # (sql, the tqp.Error subclass, a regex the message must match, case-insensitive)
    ("select b // -1 from t_edge", "DataError", r"overflow"),
    ("select i // -1 from t_edge", "DataError", r"overflow"),
    ("select i // (-1)::int from t_edge where id = 1", "DataError", r"overflow"),
    ("select abs(i) from t_edge", "DataError", r"overflow"),
    ("select abs(b) from t_edge", "DataError", r"overflow"),
    ("select dt + 2147483647 < dt from t_edge", "DataError", r"date out of range"),
    ("select dt - 2147483647 from t_edge where id = 2", "DataError", r"date out of range"),
    ("select s like 'ab' escape '!!' from t_edge", "ProgrammingError", r"escape"),
    ("select s like 'ab!' escape '!' from t_edge", "ProgrammingError", r"escape"),
    # messages that name the user's construct
    ("select id from t_edge a, t_edge b", "ProgrammingError",
     r"ambiguous reference to column name \"id\" \(use: 'a.id' or 'b.id'\)"),
    ("select count(*) from t_edge group by 1", "ProgrammingError", r"GROUP BY clause cannot contain aggregates"),
    ("select count(*) from t_edge group by count(*)", "ProgrammingError", r"cannot contain aggregates"),
    ("select id from t_edge group by -3", "ProgrammingError", r"GROUP BY term out of range"),
    ("select id, count(*) from t_edge group by 0", "ProgrammingError", r"GROUP BY term out of range"),
    ("select id from t_edge order by -1", "ProgrammingError", r"ORDER BY term out of range"),
    ("select id, count(*) from t_edge group by id order by 0", "ProgrammingError", r"ORDER BY term out of range"),
    ("select id, count(*) from t_edge group by 3", "ProgrammingError", r"term out of range"),
    ("select id is (id + 1) from t_edge group by id", "ProgrammingError", r"^syntax error: IS must"),
    ("select * from t_edge wher id = 1", "ProgrammingError", r'^syntax error at line 1, column \d+ at or near "id"$'),
    ("select id from t_edge order by", "ProgrammingError", r"line 1, column \d+ .*end of query$"),
    ("selec 1", "ProgrammingError", r'^syntax error at line 1, column \d+ at or near "1"$'),
    ("select 'abc from t_edge", "ProgrammingError", r"^syntax error: unterminated string"),
    # an aggregate's or a group key's output written as the user wrote it, not as a plan key
    ("select -max(s) from t_edge", "ProgrammingError", r"VARCHAR in -MAX\(t_edge\.s\)$"),
    ("select s + 1 from t_edge group by s", "ProgrammingError", r"VARCHAR in t_edge\.s \+ 1$"),
    ("select case when max(s) then 1 end from t_edge", "ProgrammingError",
     r"^CASE WHEN MAX\(t_edge\.s\) THEN 1 END must be a BOOLEAN"),
    ("select id from t_edge o where exists (select 1 from t_edge where id > min(o.id))",
     "ProgrammingError", r"aggregate functions are not allowed in WHERE.*: MIN\(o\.id\)$"),
]


def _ids(cases) -> list[str]:
    return [re.sub(r"\s+", " ", case[0])[:60] for case in cases]


@pytest.mark.parametrize("sql,cls,pattern", ERRORS, ids=_ids(ERRORS))
def test_edge_error(corpus_tqp_con, corpus_duck_con, sql, cls, pattern):
    import tqp

    with pytest.raises(duckdb.Error):
        corpus_duck_con.execute(sql).fetchall()
    with pytest.raises(getattr(tqp, cls)) as excinfo:
        corpus_tqp_con.execute(sql).fetchall()
    assert re.search(pattern, str(excinfo.value), re.IGNORECASE), str(excinfo.value)
    assert "#" not in str(excinfo.value) and "<class" not in str(excinfo.value), str(excinfo.value)


def test_dates_past_year_9999_cast_to_varchar_as_duckdb(corpus_tqp_con, corpus_duck_con):
    """Fetching such a date as a Python value is a DataError (see tests/test_dbapi.py); cast to
    VARCHAR it prints as DuckDB prints it, BC years included."""
    sql = ("select cast(dt + 1 as varchar) as a, cast(dt - 3652060 as varchar) as b, "
           "cast(dt + 2000000000 as varchar) as c from t_edge order by id")
    assert corpus_tqp_con.execute(sql).fetchall() == corpus_duck_con.execute(sql).fetchall()


NOT_SUPPORTED = [
    # (sql or (sql, parameters), a word the message must hold) that DuckDB runs
    ("select 9223372036854775808 as h", "hugeint"),
    (("select ? as h", [2**70]), "hugeint"),
]


@pytest.mark.parametrize("case,word", NOT_SUPPORTED, ids=[str(c)[:60] for c, _ in NOT_SUPPORTED])
def test_not_supported_names_the_construct(corpus_tqp_con, corpus_duck_con, case, word):
    import tqp

    sql, parameters = case if isinstance(case, tuple) else (case, None)
    corpus_duck_con.execute(sql, parameters).fetchall()
    with pytest.raises(tqp.NotSupportedError) as excinfo:
        corpus_tqp_con.execute(sql, parameters).fetchall()
    assert word in str(excinfo.value).lower(), str(excinfo.value)


def test_wide_decimal_parameters_as_duckdb(corpus_tqp_con, corpus_duck_con):
    """Past DECIMAL(38) a parameter is a DOUBLE, as in DuckDB; a DECIMAL(38,0) past int64 (where
    tqp holds decimals) is an error, never a wrapped value."""
    from decimal import Decimal

    import tqp

    for value in (Decimal("1e40"), Decimal("-1e38")):
        expected = corpus_duck_con.execute("select ? as v", [value]).fetchall()
        assert corpus_tqp_con.execute("select ? as v", [value]).fetchall() == expected
    with pytest.raises(tqp.DataError, match="64 bits"):
        corpus_tqp_con.execute("select ? as v", [Decimal("1e20")]).fetchall()


def _nested(kind: str, depth: int) -> str:
    text = "id"
    for k in range(depth):
        text = {"paren": f"({text} + 1)", "abs": f"abs({text})",
                "case": f"case when id > {k % 5} then {text} else 0 end"}[kind]
    return f"select id, {text} as x from t_edge order by id"


@pytest.mark.parametrize("kind", ["paren", "abs", "case"])
def test_deeply_nested_expressions(corpus_tqp_con, corpus_duck_con, kind):
    sql = _nested(kind, 120)  # the oracle's own sqlglot parse would hit Python's recursion limit
    assert corpus_tqp_con.execute(sql).fetchall() == corpus_duck_con.execute(sql).fetchall()


def test_absurdly_nested_expression_is_refused(corpus_tqp_con):
    import tqp

    with pytest.raises(tqp.NotSupportedError, match="nested"):
        corpus_tqp_con.execute(_nested("abs", 3000))


def test_a_list_nested_too_deep_to_convert_is_refused_not_an_internal_error(corpus_tqp_con):
    import tqp

    depth = 1000  # parses (the nesting cap) but is too deep to turn into Arrow by recursion
    with pytest.raises(tqp.NotSupportedError, match="nested"):
        corpus_tqp_con.execute("select " + "[" * depth + "1" + "]" * depth).fetchall()


def _in_list(items, null: bool = False) -> str:
    return ", ".join([str(v) for v in items] + (["NULL"] if null else []))


IN_LISTS = [
    # lifted from the text (long), compacted after parsing (64+ items), or kept (short)
    f"select id, i in ({_in_list(range(-3000, 3000, 3))}) as x from t_edge order by id",
    f"select id, b not in ({_in_list(range(-5000, 5000), null=True)}) as x from t_edge order by id",
    f"select id, f in ({_in_list(range(-100, 100))}) as x, i in ({_in_list(range(-100, 100))}, -2147483648) as y"
    " from t_edge order by id",
    f"select id, s in ({_in_list(repr(str(k)) for k in range(3000))}, 'ab%', '  b  ') as x from t_edge order by id",
    f"select id, cast(dt as varchar) in ({_in_list(repr(str(k)) for k in range(100))}, '2000-02-29') as x"
    " from t_edge order by id",
    f"select id, n in ({_in_list(repr(str(k)) for k in range(100))}) as x from t_edge order by id",
    f"select count(*) as n from lineitem where l_orderkey in ({_in_list(range(0, 60000, 7))})",
    f"select count(*) as n from lineitem where l_shipmode not in ({_in_list(repr(str(k)) for k in range(2000))}, 'AIR')",
]


@pytest.mark.parametrize("sql", IN_LISTS, ids=[s[:40] for s in IN_LISTS])
def test_long_in_lists(corpus_tqp_con, corpus_duck_con, sql):
    from tests.oracle import check_against_duckdb

    check_against_duckdb(corpus_tqp_con, corpus_duck_con, sql)


def test_integer_sums_past_bigint_are_hugeints(corpus_tqp_con, corpus_duck_con):
    """DuckDB sums BIGINTs in HUGEINT; so does tqp, exactly, however far past BIGINT."""
    from tests.oracle import check_against_duckdb

    sql = ("select sum(x) as s from (select b as x from t_edge where id = 1 union all "
           "select b from t_edge where id = 1)")
    assert corpus_tqp_con.execute(sql).fetchall() == corpus_duck_con.execute(sql).fetchall()
    grouped = ("select id % 2 as g, sum(b) as s from (select id, b from t_edge union all "
               "select id, -(b + 1) from t_edge) group by g")
    check_against_duckdb(corpus_tqp_con, corpus_duck_con, grouped + " order by g")
    check_against_duckdb(corpus_tqp_con, corpus_duck_con,
                         grouped.replace("-(b + 1)", "b") + " order by g")


ARITHMETIC_OVERFLOWS = [
    "select b - 1 from t_edge", "select b + -1 from t_edge", "select b * 2 from t_edge",
    "select b * -1 from t_edge", "select -b from t_edge", "select i * i from t_edge",
    "select 3037000500 * 3037000500", "select 4611686018427387904 * 2",
    "select 9223372036854775807 + b from t_edge where id = 4",
]


@pytest.mark.parametrize("sql", ARITHMETIC_OVERFLOWS)
def test_integer_arithmetic_overflow(corpus_tqp_con, corpus_duck_con, sql):
    import tqp

    with pytest.raises(duckdb.Error):
        corpus_duck_con.execute(sql).fetchall()
    with pytest.raises(tqp.DataError, match="(?i)overflow"):
        corpus_tqp_con.execute(sql).fetchall()


def test_limit_evaluates_only_the_rows_it_keeps(corpus_tqp_con, corpus_duck_con):
    """LIMIT over a projection computes the projection for the kept rows only: the overflow
    of -i on the first row is never computed (DuckDB agrees)."""
    sql = "select -i as neg, abs(b) as mag from (select * from t_edge where id > 1) as kept limit 2"
    assert sorted(corpus_tqp_con.execute(sql).fetchall()) == \
        sorted(corpus_duck_con.execute(sql).fetchall())
