"""CASE, IF, COALESCE and NULLIF: evaluated over whole columns, then chosen row by row with
torch.where (every branch is computed for every row; the chosen value is kept)."""

from __future__ import annotations

import operator

import torch
from sqlglot import exp

from tqp.operators.expressions import evaluate, handles
from tqp.operators.expressions.coerce import align
from tqp.operators.expressions.logic import compare, truth
from tqp.storage.column import Batch, Column, normalize_valid
from tqp.types import DataType


def choose(conditions: list[torch.Tensor], branches: list[Column], default: Column, what: str) -> Column:
    """For each row, the first branch whose condition holds, else the default."""
    columns = align(branches + [default], what)
    result = columns[-1]
    values, valid = result.values, result.validity()
    for condition, branch in zip(reversed(conditions), reversed(columns[:-1])):
        values = torch.where(condition, branch.values, values)
        valid = torch.where(condition, branch.validity(), valid)
    return Column(values, result.type, normalize_valid(valid), result.dictionary)


@handles(exp.Case)
def case(node: exp.Case, batch: Batch) -> Column:
    what = node.sql(dialect="duckdb")[:80]
    subject = node.this
    conditions, branches = [], []
    for branch in node.args.get("ifs") or []:
        if subject is not None:
            cond = compare(operator.eq, evaluate(subject, batch), evaluate(branch.this, batch), what)
        else:
            cond = truth(evaluate(branch.this, batch), what)
        conditions.append(cond.values & cond.validity())
        branches.append(evaluate(branch.args["true"], batch))
    default = node.args.get("default")
    default = evaluate(default if default is not None else exp.Null(), batch)
    return choose(conditions, branches, default, what)


@handles(exp.If)
def if_(node: exp.If, batch: Batch) -> Column:
    what = node.sql(dialect="duckdb")[:80]
    cond = truth(evaluate(node.this, batch), what)
    false = node.args.get("false")
    default = evaluate(false if false is not None else exp.Null(), batch)
    return choose([cond.values & cond.validity()], [evaluate(node.args["true"], batch)], default, what)


@handles(exp.Coalesce)
def coalesce(node: exp.Coalesce, batch: Batch) -> Column:
    what = node.sql(dialect="duckdb")[:80]
    args = [evaluate(e, batch) for e in [node.this, *node.expressions]]
    args = align(args, what)
    conditions = [a.validity() for a in args[:-1]]
    return choose(conditions, args[:-1], args[-1], what)


@handles(exp.Nullif)
def nullif(node: exp.Nullif, batch: Batch) -> Column:
    what = node.sql(dialect="duckdb")[:80]
    value = evaluate(node.this, batch)
    equal = compare(operator.eq, value, evaluate(node.expression, batch), what)
    same = equal.values & equal.validity()
    value = align([value], what)[0] if value.type is not DataType.NULL else value
    return Column(value.values, value.type, normalize_valid(value.validity() & ~same), value.dictionary)
