"""Constants: a constant expression is computed on one row and broadcast; one made only of
literals, casts, intervals and arithmetic is computed once per process and device
(`constant_row`), one that can change between runs (NOW(), CURRENT_DATE, RANDOM()) every time."""

from __future__ import annotations

import pytest
import torch
from sqlglot import exp

from tqp.operators.expressions import constant_row, evaluate, is_literal_only
from tqp.planner.dialect import parse
from tqp.storage.column import Batch

CPU = torch.device("cpu")


def _expression(text: str) -> exp.Expression:
    return parse(f"SELECT {text}")[0].expressions[0]


def test_a_literal_constant_is_computed_once_and_broadcast_as_a_view():
    text = "CAST('1994-01-01' AS DATE) + INTERVAL '1' YEAR"
    first = constant_row(_expression(text), CPU)
    assert constant_row(_expression(text), CPU) is first  # another tree, the same structure
    column = evaluate(_expression(text), Batch({}, 5, CPU))
    assert len(column) == 5 and column.values.stride(0) == 0
    assert column.values.data_ptr() == first.values.data_ptr()


def test_a_rewritten_node_does_not_change_the_remembered_value():
    original, rewritten = ("CAST('1994-01-01' AS DATE) + INTERVAL '1' YEAR",
                           "CAST('2001-03-04' AS DATE) + INTERVAL '1' YEAR")
    node = _expression(original)
    before = constant_row(node, CPU).values.clone()
    node.find(exp.Literal).replace(exp.Literal.string("2001-03-04"))  # a plan rewrites it
    after = constant_row(node, CPU).values
    assert not torch.equal(after, before)
    assert torch.equal(after, evaluate(_expression(rewritten), Batch({}, 1, CPU)).values)
    assert torch.equal(constant_row(_expression(original), CPU).values, before)


@pytest.mark.parametrize("text", ["CURRENT_DATE", "NOW()", "RANDOM()", "CURRENT_DATE + 1"])
def test_constants_that_can_change_are_computed_each_time(text):
    assert not is_literal_only(_expression(text))
    assert constant_row(_expression(text), CPU) is not constant_row(_expression(text), CPU)


@pytest.mark.parametrize("expression", [
    "CAST('1994-01-01' AS DATE) + INTERVAL '1' YEAR",
    "CAST('2000-02-29' AS DATE) - INTERVAL '1' YEAR",
    "0.06 - 0.01",
    "0.06 + 0.01 < 0.08",
    "CAST(NULL AS INTEGER) + 1",
    "-(2 * 3.5)",
])
def test_remembered_constants_give_duckdbs_values_every_time(engines, expression):
    for _ in range(2):  # computed, then remembered
        engines.check_column("nums", expression)
