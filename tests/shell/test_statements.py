"""Splitting input into statements; telling queries and EXPLAIN apart."""

from tqp.shell.statements import has_content, is_complete, is_explain, is_query, split_statements


def test_split_statements():
    assert split_statements("select 1; select 2;") == (["select 1", "select 2"], "")
    assert split_statements("select 1; select") == (["select 1"], " select")
    assert split_statements("select ';' as s; ") == (["select ';' as s"], " ")
    assert split_statements("select 'it''s;'; x") == (["select 'it''s;'"], " x")
    assert split_statements('select 1 as "a;b";') == (['select 1 as "a;b"'], "")
    assert split_statements("select 1 -- no; end\n;") == (["select 1 -- no; end"], "")
    assert split_statements("select /* ; */ 1;") == (["select /* ; */ 1"], "")
    assert split_statements("select 'open; string") == ([], "select 'open; string")
    assert split_statements(";; -- only a comment\n;") == ([], "")


def test_is_complete():
    assert is_complete("select 1;")
    assert is_complete("select 1;  -- trailing comment")
    assert is_complete(".tables")
    assert is_complete("   ")
    assert not is_complete("select 1")
    assert not is_complete("select ';'")
    assert not is_complete("select 1; select 2")
    assert not has_content(" -- x\n /* y */ ")


def test_queries_and_explain():
    for sql in ("select 1", "  WITH x AS (select 1) select * from x", "(select 1)",
                "-- c\nfrom t", "values (1)"):
        assert is_query(sql), sql
    for sql in ("create view v as select 1", "drop table t", "explain select 1", "selected"):
        assert not is_query(sql), sql
    assert is_explain("/* c */ explain select 1") and not is_explain("select 1")
