"""Numeric functions whose answers the corpus cannot compare with DuckDB's: RANDOM() (its values
are its own: properties only) and the results past tqp's 64-bit HUGEINT (DuckDB's 128 bits hold
them, tqp raises rather than wrap). The rest is tests/sql/corpus/math_functions.sql."""

from __future__ import annotations

import pytest


def test_random_is_a_double_in_the_unit_interval_per_row(corpus_tqp_con):
    table = corpus_tqp_con.execute(
        "select id, random() as r, random() as s from t_nulls").fetch_arrow_table()
    assert str(table.schema.field("r").type) == "double"
    r, s = table.column("r").to_pylist(), table.column("s").to_pylist()
    assert len(r) == 10 and all(0.0 <= v < 1.0 for v in r + s)
    assert len(set(r)) == len(r)  # drawn for each row, not once and broadcast
    assert r != s  # two calls are two draws


def test_random_is_drawn_again_by_each_query(corpus_tqp_con):
    sql = "select random() as r"
    first, second = (corpus_tqp_con.execute(sql).fetchall() for _ in range(2))
    assert first != second


def test_random_in_a_filter_keeps_some_rows(corpus_tqp_con):
    """`where random() < 0.5` decides row by row (never constant-folded into all or none)."""
    kept = [corpus_tqp_con.execute(
        "select count(*) from lineitem where random() < 0.5").fetchall()[0][0]
        for _ in range(2)]
    total = corpus_tqp_con.execute("select count(*) from lineitem").fetchall()[0][0]
    assert all(0.4 * total < k < 0.6 * total for k in kept), (kept, total)


def test_random_mean_is_about_one_half(corpus_tqp_con):
    mean, low, high = corpus_tqp_con.execute(
        "select avg(random()), min(random()), max(random()) from lineitem").fetchall()[0]
    assert 0.45 < mean < 0.55 and 0.0 <= low < 0.01 and 0.99 < high < 1.0


@pytest.mark.parametrize("sql", [
    "select factorial(21)",
    "select factorial(n) from (values (20), (33)) v(n)",
    "select gcd(sum(b), 0) from t_edge where id = 1",
    "select sum(id) << 62 from t_nulls",
])
def test_results_past_64_bits_raise(corpus_tqp_con, corpus_duck_con, sql):
    """DuckDB answers these in HUGEINT's 128 bits; tqp holds 64 and says so."""
    import tqp

    corpus_duck_con.execute(sql).fetchall()
    with pytest.raises(tqp.DataError, match="64 bits"):
        corpus_tqp_con.execute(sql).fetchall()


def test_a_derived_random_column_is_one_draw(corpus_tqp_con):
    """A derived table's RANDOM() column is drawn once per row: the outer query's reads of it,
    and a filter on it, see that one value (the derived table is not merged into them)."""
    same = corpus_tqp_con.execute(
        "select bool_and(r = r2) from (select r, r * 1 as r2 from "
        "(select random() as r from lineitem) t) u").fetchall()[0][0]
    assert same
    n, top = corpus_tqp_con.execute(
        "select count(*), max(r) from (select l_orderkey, random() as r from lineitem) t "
        "where r < 0.5").fetchall()[0]
    total = corpus_tqp_con.execute("select count(*) from lineitem").fetchall()[0][0]
    assert top < 0.5 and 0.4 * total < n < 0.6 * total
    n, top = corpus_tqp_con.execute(
        "with x as (select o_orderkey, random() as r from orders) "
        "select count(*), max(r) from x join lineitem on o_orderkey = l_orderkey "
        "where r < 0.25").fetchall()[0]
    assert top < 0.25 and n > 0
