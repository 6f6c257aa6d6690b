"""Error behaviour expected of tqp: the PEP 249 class that fits, and a message that helps.

* bad syntax: ProgrammingError with the line and column of the problem;
* unknown table or column: ProgrammingError naming it and suggesting the close name;
* type errors: ProgrammingError or DataError naming the expression;
* valid SQL that tqp does not run: NotSupportedError naming the construct.

`test_cases_agree_with_duckdb` checks the cases themselves against DuckDB (it needs no tqp):
what tqp must reject as wrong is wrong for DuckDB too, and what tqp may leave unsupported is SQL
DuckDB runs.
"""

from __future__ import annotations

import re

import pytest

SYNTAX_ERRORS = [
    # (sql, the line the reported position must name; a column must be named too)
    ("select * from lineitem where", 1),
    ("select (1 + 2 from nation", 1),
    ("select n_name from nation where n_name = = 'x'", 1),
    ("select n_name\nfrom nation\nwhere n_regionkey = 1 and and n_nationkey = 2", 3),
    ("select n_name\nfrom nation\nwhere n_regionkey = 1 and (n_nationkey = 2", 3),
]

UNKNOWN_TABLES = [
    # (sql, the unknown name, a regex the suggestion must match)
    ("select * from lineitems", "lineitems", r"\blineitem\b"),
    ("select count(*) from ordres", "ordres", r"\borders\b"),
    ("select n_name from nation join regoin on n_regionkey = r_regionkey", "regoin", r"\bregion\b"),
]

UNKNOWN_COLUMNS = [
    ("select l_quantiy from lineitem", "l_quantiy", r"\bl_quantity\b"),
    ("select count(*) from orders where o_orderdat > date '1995-01-01'", "o_orderdat", r"\bo_orderdate\b"),
    ("select n.n_nam from nation n", "n_nam", r"\bn_name\b"),
    ("select c_name from customer group by c_nme", "c_nme", r"\bc_name\b"),
]

AMBIGUOUS_COLUMNS = [
    # (sql, the ambiguous name, the qualified names the message must offer)
    ("select n_name from nation a, nation b", "n_name", ("a.n_name", "b.n_name")),
    ("select n_name from (select n_name from nation) d, nation", "n_name", ("d.n_name", "nation.n_name")),
    ("with c as (select 1 as n_name) select n_name from c, nation", "n_name", ("c.n_name", "nation.n_name")),
]

TYPE_ERRORS = [
    # (sql, a word the message must hold: the expression or its operand)
    ("select 'abc' + 1", "abc"),
    ("select l_shipdate * 2 from lineitem", "l_shipdate"),
    ("select l_comment + 1 from lineitem", "l_comment"),
    ("select sum(l_comment) from lineitem", "l_comment"),
    ("select -n_name from nation", "n_name"),
    ("select grouping(n_name) from nation", "grouping"),
    ("select n_regionkey from nation group by rollup (n_regionkey) having grouping(n_name) = 0",
     "n_name"),
    ("select quantile_cont(n_nationkey, 1.5) from nation", "1.5"),
    ("select chr(n_name) from nation", "chr"),
    ("select chr(n_nationkey - 1) from nation", "Codepoint -1"),
    ("select chr(55296 + n_nationkey) from nation", "Codepoint 55296"),
]

WINDOW_MISUSE = [
    # (sql, a word the message must hold): window functions where SQL does not allow them
    ("select n_name from nation where row_number() over (order by n_name) = 1", "where"),
    ("select n_regionkey, count(*) from nation group by n_regionkey "
     "having rank() over (order by n_regionkey) = 1", "having"),
    ("select sum(row_number() over (order by n_name)) from nation", "aggregate"),
    ("select rank() over (order by row_number() over (order by n_name)) from nation", "nested"),
    ("select row_number() over w from nation", "not defined"),
    ("select lag(n_name, 1) over (w partition by n_name) from nation "
     "window w as (partition by n_regionkey)", "partition by"),
    ("select sum(n_nationkey) over (order by n_regionkey, n_name range between 1 preceding "
     "and current row) from nation", "range"),
    ("select sum(n_nationkey) over (rows between unbounded following and current row) "
     "from nation", "unbounded following"),
    ("select ntile(0) over (order by n_name) from nation", "ntile"),
    ("select row_number() over (order by n_name range between 1 preceding and current row) "
     "from nation", "range"),
    ("select n_regionkey, sum(n_nationkey) over (partition by n_regionkey) from nation "
     "group by all", "group by"),
]

NOT_SUPPORTED = [
    # (sql, words of which the message must hold at least one, case-insensitive)
    ("select median(n_nationkey) over (order by n_name rows between 1 preceding and "
     "current row) from nation", ("median", "frame")),
    ("select median(n_nationkey) over (order by n_name) from nation", ("median",)),
    ("select count(distinct n_regionkey) over (order by n_name) from nation", ("distinct",)),
    ("select sum(n_nationkey) filter (where n_regionkey > 1) over (order by n_name) from nation",
     ("filter",)),
    # LATERAL (and correlated subqueries) planned as dependent joins: the shapes not planned
    # per outer tuple.
    ("select * from t_left l, lateral (select r.k, count(*) from t_right r where r.w > l.v "
     "group by rollup (r.k)) s", ("rollup",)),
    ("select l.lid, (select count(*) from t_right r where r.w > l.v group by cube (r.k, r.s) "
     "order by 1 limit 1) from t_left l", ("cube",)),
    ("select l.lid, s.y from t_left l, lateral (select l.k + 1 as y) s "
     "right join t_right r on r.k = s.y", ("lateral",)),
    ("select l.lid, s.c from t_left l, lateral (select count(*) as c from t_right r "
     "full join t_nulls n on n.a = r.k and r.w > l.v) s", ("lateral",)),
    # Syntax sqlglot parses and the builder would otherwise ignore (a wrong answer).
    ("select * from t_left asof right join t_right on t_left.k >= t_right.k", ("asof right",)),
    ("select * from t_left asof join t_right on t_left.k >= t_right.k and t_left.v > t_right.w + t_left.lid",
     ("asof",)),
    ("select * from t_left positional join t_right", ("positional",)),
    ("select * from t_left tablesample 50%", ("tablesample", "sample")),
    ("select * from t_left using sample 3", ("sample",)),
    ("select count(*) from t_left using sample 50% (bernoulli)", ("sample",)),
    ("select columns('k') from t_left", ("columns",)),
    ("select t_left.lid from t_left join t_right join t_keys on t_right.k = t_keys.k "
     "on t_left.k = t_right.k", ("nested join",)),
    ("select quantile_cont(k, [0.25, 0.75]) from t_left", ("quantile", "list")),
    ("select arg_min(k, lid, 2) from t_left", ("arg_min", "count", "list")),
    # LIST values are compared element by element only, never as whole values.
    ("select l, count(*) from t_lists group by l", ("list",)),
    ("select distinct l from t_lists", ("list",)),
    ("select id from t_lists order by l", ("list",)),
    ("select l from t_lists union select l from t_lists", ("list",)),
    ("select id from t_lists where l = [1, 2, 3]", ("list",)),
    ("select count(distinct l) from t_lists", ("list",)),
    ("select max(l) from t_lists", ("list",)),
    ("select list(distinct a) from t_nulls", ("list",)),
    ("select cast(l as varchar) from t_lists", ("list",)),
    ("select coalesce(l, [1]) from t_lists", ("list",)),
    ("select unnest(l, recursive := true) from t_lists", ("unnest",)),
    ("select json_extract('{\"a\": 1}', '$.a') as v", ("json",)),
    # A comma binds loosest: the RIGHT JOIN is planned alone, its ON cannot read `r`.
    ("select count(*) from region r, nation n right join supplier s "
     "on n.n_nationkey = s.s_nationkey and r.r_regionkey = 1", ("outside its join",)),
]


def _ids(cases) -> list[str]:
    return [re.sub(r"\s+", " ", case[0])[:60] for case in cases]


def _message(excinfo) -> str:
    return str(excinfo.value)


@pytest.fixture(scope="module")
def tqp():
    import tqp as module

    return module


@pytest.mark.parametrize("sql,line", SYNTAX_ERRORS, ids=_ids(SYNTAX_ERRORS))
def test_syntax_error_has_position(tqp, tqp_con, sql, line):
    with pytest.raises(tqp.ProgrammingError) as excinfo:
        tqp_con.execute(sql)
    message = _message(excinfo)
    assert re.search(rf"\bline\W{{0,3}}{line}\b", message, re.IGNORECASE), message
    assert re.search(r"\bcol(umn)?\W{0,3}\d+", message, re.IGNORECASE), message


@pytest.mark.parametrize("sql,name,suggestion", UNKNOWN_TABLES, ids=[n for _, n, _ in UNKNOWN_TABLES])
def test_unknown_table_is_named_and_suggested(tqp, tqp_con, sql, name, suggestion):
    with pytest.raises(tqp.ProgrammingError) as excinfo:
        tqp_con.execute(sql)
    message = _message(excinfo)
    assert name in message, message
    assert re.search(suggestion, message), f"no suggestion {suggestion!r} in: {message}"


@pytest.mark.parametrize("sql,name,suggestion", UNKNOWN_COLUMNS, ids=[n for _, n, _ in UNKNOWN_COLUMNS])
def test_unknown_column_is_named_and_suggested(tqp, tqp_con, sql, name, suggestion):
    with pytest.raises(tqp.ProgrammingError) as excinfo:
        tqp_con.execute(sql)
    message = _message(excinfo)
    assert name in message, message
    assert re.search(suggestion, message), f"no suggestion {suggestion!r} in: {message}"


@pytest.mark.parametrize("sql,name,choices", AMBIGUOUS_COLUMNS, ids=_ids(AMBIGUOUS_COLUMNS))
def test_ambiguous_column_offers_each_source(tqp, tqp_con, sql, name, choices):
    """A name two FROM items hold (tables, derived tables, CTEs) is ambiguous, not unknown."""
    with pytest.raises(tqp.ProgrammingError) as excinfo:
        tqp_con.execute(sql)
    message = _message(excinfo)
    assert "mbiguous" in message and name in message, message
    assert all(choice in message for choice in choices), message


@pytest.mark.parametrize("sql,word", TYPE_ERRORS, ids=_ids(TYPE_ERRORS))
def test_type_error_names_the_expression(tqp, tqp_con, sql, word):
    with pytest.raises((tqp.ProgrammingError, tqp.DataError)) as excinfo:
        tqp_con.execute(sql)
    message = _message(excinfo)
    assert word.lower() in message.lower(), message


@pytest.mark.parametrize("sql,word", WINDOW_MISUSE, ids=_ids(WINDOW_MISUSE))
def test_misplaced_window_function_is_rejected(tqp, tqp_con, sql, word):
    with pytest.raises((tqp.ProgrammingError, tqp.DataError)) as excinfo:
        tqp_con.execute(sql)
    message = _message(excinfo)
    assert word.lower() in message.lower(), message


@pytest.mark.parametrize("sql,words", NOT_SUPPORTED, ids=_ids(NOT_SUPPORTED))
def test_unsupported_sql_names_the_construct(tqp, corpus_tqp_con, sql, words):
    with pytest.raises(tqp.NotSupportedError) as excinfo:
        corpus_tqp_con.execute(sql)
    message = _message(excinfo).lower()
    assert any(w in message for w in words), f"none of {words} in: {message}"


def test_errors_are_pep249_classes(tqp):
    for cls in ("ProgrammingError", "DataError", "NotSupportedError"):
        assert issubclass(getattr(tqp, cls), tqp.DatabaseError)
        assert issubclass(getattr(tqp, cls), tqp.Error)


def test_connection_still_works_after_errors(tqp, tqp_con):
    for sql, _ in SYNTAX_ERRORS[:1] + [(s, None) for s, _, _ in UNKNOWN_TABLES[:1]]:
        with pytest.raises(tqp.Error):
            tqp_con.execute(sql)
    table = tqp_con.execute("select count(*) as n from nation").fetch_arrow_table()
    assert table.column(0).to_pylist() == [25]


def test_cases_agree_with_duckdb(corpus_duck_con):
    duck_con = corpus_duck_con
    import duckdb

    wrong = ([s for s, _ in SYNTAX_ERRORS] + [s for s, _, _ in UNKNOWN_TABLES]
             + [s for s, _, _ in UNKNOWN_COLUMNS] + [s for s, _, _ in AMBIGUOUS_COLUMNS]
             + [s for s, _ in TYPE_ERRORS]
             + [s for s, _ in WINDOW_MISUSE])
    for sql in wrong:
        with pytest.raises(duckdb.Error):
            duck_con.execute(sql).fetchall()
    for sql, _ in NOT_SUPPORTED:
        duck_con.execute(sql).fetchall()
