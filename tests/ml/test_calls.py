"""Where PREDICT runs in a plan: after the joins and cheaper filters, on the surviving rows only.

A torch module that records how many rows it is given proves the model never scores a row the
query discards. Counts to compare with come from DuckDB (the same query without the model).
"""

from __future__ import annotations

import pytest
import torch

from tqp.ml.calls import MODEL, bind_models, has_model_call, is_model_call, is_proba
from tqp.planner.dialect import parse


class RowCounter(torch.nn.Module):
    """Returns its first feature, and counts the rows it is called on (in a class attribute, so
    the copy tqp registers counts into the same list)."""

    calls: list[int] = []

    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(2, 1)
        with torch.no_grad():
            self.linear.weight.copy_(torch.tensor([[1.0, 0.0]]))
            self.linear.bias.zero_()

    def forward(self, x):
        RowCounter.calls.append(x.shape[0])
        return self.linear(x)


@pytest.fixture
def counter(con):
    con.register_model("counter", RowCounter())
    RowCounter.calls.clear()  # registration tried the module on a couple of rows
    return RowCounter.calls


JOIN = "FROM lineitem JOIN orders ON l_orderkey = o_orderkey"


def count(duck_con, where: str) -> int:
    return duck_con.execute(f"SELECT count(*) {JOIN} WHERE {where}").fetchall()[0][0]


def test_select_list_scores_only_the_joined_and_filtered_rows(con, duck_con, counter):
    where = "o_orderdate < DATE '1994-01-01' AND l_shipmode = 'AIR'"
    got = con.execute(f"SELECT sum(PREDICT('counter', l_quantity, o_totalprice)) {JOIN} "
                      f"WHERE {where}").fetchone()[0]
    assert sum(counter) == count(duck_con, where)
    assert got == pytest.approx(duck_con.execute(f"SELECT sum(l_quantity) {JOIN} WHERE {where}")
                                .fetchall()[0][0])


def test_a_predict_condition_runs_after_the_joins_and_other_conditions(con, duck_con, counter):
    # The PREDICT condition reads lineitem only, yet it runs after the join with the filtered
    # orders and after the cheaper lineitem condition.
    got = con.execute(
        f"SELECT count(*) {JOIN} WHERE PREDICT('counter', l_quantity, l_discount) > 25 "
        "AND o_orderdate < DATE '1993-06-01' AND l_discount > 0.05").fetchone()[0]
    survivors = "o_orderdate < DATE '1993-06-01' AND l_discount > 0.05"
    assert sum(counter) == count(duck_con, survivors)
    assert got == count(duck_con, survivors + " AND l_quantity > 25")


def test_or_and_case_score_only_the_undecided_rows(con, duck_con, counter):
    con.execute("SELECT count(*) FROM lineitem "
                "WHERE l_quantity < 10 OR PREDICT('counter', l_quantity, l_tax) > 45").fetchone()
    assert sum(counter) == duck_con.execute(
        "SELECT count(*) FROM lineitem WHERE NOT l_quantity < 10").fetchall()[0][0]
    counter.clear()
    con.execute("SELECT sum(CASE WHEN l_returnflag = 'R' THEN PREDICT('counter', l_quantity, "
                "l_tax) END) FROM lineitem").fetchone()
    assert sum(counter) == duck_con.execute(
        "SELECT count(*) FROM lineitem WHERE l_returnflag = 'R'").fetchall()[0][0]


def test_explain_shows_the_model_call_last(con):
    con.register_model("counter", RowCounter())
    plan = con.execute(f"EXPLAIN SELECT count(*) {JOIN} WHERE PREDICT('counter', l_quantity, "
                       "l_discount) > 25 AND l_discount > 0.05").fetchone()[0]
    lines = [line.strip() for line in plan.splitlines()]
    predict = next(i for i, line in enumerate(lines) if "PREDICT('counter'" in line)
    join = next(i for i, line in enumerate(lines) if "Join" in line)
    discount = next(i for i, line in enumerate(lines) if "l_discount > 0.05" in line)
    # The model's condition is a filter of its own (here fused into the aggregate above it).
    assert "WHERE PREDICT" in lines[predict] or lines[predict].startswith("Filter")
    assert "l_discount > 0.05" not in lines[predict]
    assert predict < join < discount  # the model's filter sits above the join, the other below


class Registry:
    """A stand-in for the connection's registry: every name is a model taking 2 features."""

    class Model:
        def check_call(self, n_features, proba):
            assert n_features == 2

    def get(self, name):
        return self.Model()

    def names(self):
        return []


def test_binding_gives_every_call_its_model_nested_ones_too():
    [tree] = parse("SELECT PREDICT('a', PREDICT('b', x, y), z) FROM t WHERE "
                   "predict_proba('c', x, 1) > 0.5")
    assert has_model_call(tree)
    bound = bind_models(tree, Registry())
    calls = [n for n in bound.walk() if is_model_call(n)]
    assert sorted((c.expressions[0].name, is_proba(c)) for c in calls) == [
        ("a", False), ("b", False), ("c", True)]
    assert all(isinstance(c.args[MODEL], Registry.Model) for c in calls)
    assert bound.sql(dialect="duckdb") == (
        "SELECT PREDICT('a', PREDICT('b', x, y), z) FROM t WHERE PREDICT_PROBA('c', x, 1) > 0.5")
    copy = bound.copy()  # copies share the model object
    first = next(n for n in copy.walk() if is_model_call(n))
    assert first.args[MODEL] is calls[0].args[MODEL]


def test_predict_takes_any_number_of_features():
    # sqlglot knows PREDICT as BigQuery ML's, of at most three arguments.
    [tree] = parse("SELECT predict('m', a, b, c, d, e) FROM t")
    [call] = [n for n in tree.walk() if is_model_call(n)]
    assert call.name == "predict" and len(call.expressions) == 6


def test_queries_without_predict_are_left_alone():
    [tree] = parse("SELECT predicted FROM t")
    assert not has_model_call(tree)
    assert bind_models(tree, Registry()) is tree


def test_an_aggregate_over_a_filter_keeping_most_rows_scores_only_those(con, duck_con, counter):
    # The filter keeps nearly every row: the aggregate must still not read the dropped ones.
    where = "l_quantity > 2"
    got = con.execute("SELECT l_returnflag, sum(PREDICT('counter', l_quantity, l_tax)) "
                      f"FROM lineitem WHERE {where} GROUP BY l_returnflag").fetchall()
    assert sum(counter) == duck_con.execute(
        f"SELECT count(*) FROM lineitem WHERE {where}").fetchall()[0][0]
    assert len(got) == 3
