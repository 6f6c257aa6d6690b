"""Tab completion (what SqlCompleter offers for the text before the cursor) and highlighting."""

from __future__ import annotations

import pyarrow as pa
import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

import tqp
from tqp.shell.completion import SqlCompleter, function_names


@pytest.fixture
def completer():
    con = tqp.connect()
    con.register("lineitem", pa.table({"l_quantity": [1], "l_tax": [0.1]}))
    con.register("line_notes", pa.table({"note": ["x"]}))
    con.register("orders", pa.table({"o_orderkey": [1], "o_total": [2.0]}))
    con.execute("create view late as select o_orderkey from orders")
    completer = SqlCompleter(con)
    completer.refresh()
    yield completer
    con.close()


def offered(completer: SqlCompleter, text: str, cursor: int | None = None) -> list[str]:
    """The completion texts with the cursor at `cursor` (the end of `text` by default)."""
    document = Document(text, len(text) if cursor is None else cursor)
    found = completer.get_completions(document, CompleteEvent(completion_requested=True))
    return [c.text for c in found]


def test_tables_after_from_and_join(completer):
    assert offered(completer, "select * from li") == ["line_notes", "lineitem"]
    assert offered(completer, "select * from lineitem join o") == ["orders"]
    assert offered(completer, "SELECT * FROM l") == ["late", "line_notes", "lineitem"]
    assert offered(completer, "select * from orders o, li") == ["line_notes", "lineitem"]
    assert "limit" in offered(completer, "select * from orders li")  # an alias, or a keyword


def test_columns_of_the_tables_in_the_statement_first(completer):
    # Columns of the tables the statement names, then functions and keywords.
    assert offered(completer, "select o_ from orders", cursor=9) == ["o_orderkey", "o_total"]
    offered_n = offered(completer, "select n from orders", cursor=8)
    assert "note" not in offered_n  # line_notes.note: not in the statement
    assert {"nullif", "nvl", "not", "null", "nulls"} <= set(offered_n)
    assert offered_n.index("nullif") < offered_n.index("not")  # functions, then keywords
    # No table named yet: the columns of every table, then functions and keywords.
    offered_no = offered(completer, "select a, no")
    assert offered_no[0] == "note" and "not" in offered_no
    assert offered(completer, "select lineitem.l_t") == ["l_tax"]
    assert offered(completer, "select o. from orders as o", cursor=9) == ["o_orderkey", "o_total"]
    assert offered(completer, "select x.n from line_notes x", cursor=10) == ["note"]


def test_keywords_and_functions_take_the_typed_case(completer):
    assert "substring" in offered(completer, "select subs")
    assert "SUBSTRING" in offered(completer, "select SUBS")
    assert offered(completer, "select 1 gro") == ["group_concat", "group"]
    assert "WHERE" in offered(completer, "select a from t WH")


def test_function_names_are_those_tqp_runs():
    names = function_names()
    for name in ("SUM", "COUNT", "UPPER", "SUBSTRING", "DATE_TRUNC", "COALESCE", "PREDICT"):
        assert name in names
    for name in ("PRINTF", "DATE_PART", "GCD", "SPLIT_PART"):  # calls sqlglot does not know
        assert name in names
    assert "ST_AREA" not in names  # DuckDB parses it; tqp does not run it


def test_dot_commands_and_their_arguments(completer, tmp_path, monkeypatch):
    assert offered(completer, ".sc") == [".schema"]
    assert offered(completer, ".mode j") == ["json", "jsonlines"]
    assert offered(completer, ".schema or") == ["orders"]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "items.csv").write_text("a\n1\n")
    assert offered(completer, ".import it") == ["ems.csv"]


def test_sql_is_highlighted_by_token_kind():
    from tqp.shell.repl import sql_lexer

    fragments = sql_lexer().lex_document(Document("select x from t where s = 'a'"))(0)
    styles = {text: style for style, text in fragments if text.strip()}
    assert styles["select"] == styles["from"] == styles["where"] == "class:pygments.keyword"
    assert styles["x"] == "class:pygments.name"
    assert styles["'a'"].startswith("class:pygments.literal.string")
