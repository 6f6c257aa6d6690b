"""Parsing tqp's SQL: DuckDB's dialect with PREDICT a plain call, subscripts marked with
whether sqlglot shifted them, and a cap on nesting (tqp/planner/dialect.py). Each holds with
sqlglot pure and compiled (`sqlglotc`) alike."""

import pytest
from sqlglot import exp

import tqp
from tqp.operators.expressions.lists import INDEX_SHIFTED
from tqp.planner.dialect import MAX_NESTING, parse


def test_predict_stays_a_plain_call_of_any_arity_and_keeps_its_spelling():
    [tree] = parse("SELECT Predict('m', a, b, c, d), x.predict(1) FROM t")
    call = tree.expressions[0]
    assert isinstance(call, exp.Anonymous) and call.name == "Predict"
    assert len(call.expressions) == 5
    assert tree.sql(dialect="duckdb").startswith("SELECT PREDICT('m', a, b, c, d)")


def test_predict_in_a_string_or_as_a_name_is_left_alone():
    [tree] = parse("SELECT 'predict(' AS predict FROM t")
    assert tree.expressions[0].alias == "predict"
    assert tree.expressions[0].this.this == "predict("


@pytest.mark.parametrize("sql, shifted", [
    ("SELECT l[1] FROM t", True),       # a literal integer index: stored 0-based
    ("SELECT l[i] FROM t", False),      # an untyped index: stored as written
    ("SELECT l[1:2] FROM t", False),    # a slice
])
def test_subscripts_are_marked_with_whether_sqlglot_shifted_them(sql, shifted):
    [tree] = parse(sql)
    bracket = tree.find(exp.Bracket)
    assert bracket.meta[INDEX_SHIFTED] is shifted


@pytest.mark.parametrize("opening, closing", [("(", ")"), ("abs(", ")"), ("[", "]"),
                                              ("CASE WHEN TRUE THEN ", " END")])
def test_nesting_past_the_cap_is_refused_not_a_crash(opening, closing):
    depth = MAX_NESTING + 1
    with pytest.raises(tqp.NotSupportedError, match="too deeply nested"):
        parse("SELECT " + opening * depth + "1" + closing * depth)
