"""Long IN lists: lifted out of the SQL text before parsing, then matched by a sorted lookup."""

from __future__ import annotations

from tqp.operators.expressions.in_lists import (
    COMPACT_MIN_ITEMS, LIFT_MIN_CHARS, PLACEHOLDER, ConstantList, lift_in_lists,
)


def _list(items) -> str:
    return ", ".join(items)


def test_lifts_integer_and_string_lists_with_null():
    ints = _list([str(k - 500) for k in range(1000)] + ["NULL"])
    strs = _list([f"'it''s {k}'" for k in range(1000)])
    sql = f"select a in ({ints}) as x from t where b not in ({strs})"
    text, lists = lift_in_lists(sql)
    assert text == f"select a in ({PLACEHOLDER}0) as x from t where b not in ({PLACEHOLDER}1)"
    assert lists[f"{PLACEHOLDER}0"] == ConstantList(tuple(range(-500, 500)), False, True)
    assert lists[f"{PLACEHOLDER}1"].values[:2] == ("it's 0", "it's 1")


def test_leaves_strings_comments_and_mixed_lists_alone():
    ints = _list(str(k) for k in range(COMPACT_MIN_ITEMS))
    mixed = _list([str(k) for k in range(COMPACT_MIN_ITEMS)] + ["'x'"])
    quoted = f"select 'a in ({ints})' as s, \"in ({ints})\" -- in ({ints})\n"
    sql = quoted + f"/* in ({ints}) */ from t where a in ({mixed}) or a in (1.5, {ints})"
    sql += " " * LIFT_MIN_CHARS
    assert lift_in_lists(sql) == (sql, {})


def test_short_texts_are_not_scanned():
    sql = f"select 1 in ({_list(str(k) for k in range(COMPACT_MIN_ITEMS))})"
    assert len(sql) < LIFT_MIN_CHARS
    assert lift_in_lists(sql) == (sql, {})
