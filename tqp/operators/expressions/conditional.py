"""CASE, IF, COALESCE and NULLIF.

Where every THEN/ELSE value is cheap (columns, constants, arithmetic), each condition and value
is evaluated over the whole column and the values are chosen row by row with torch.where. Should
that raise (`CASE WHEN z <> 0 THEN 10 // z END` divides by zero on a row it does not answer),
and where a value is costly, CASE is evaluated as SQL defines it (`lazy_case`): each branch only
on its rows, gathered and scattered back. The answer is the same; the eager form saves the
gathers and scatters, which cost more than the cheap values they spare."""

from __future__ import annotations

import operator

import torch
from sqlglot import exp

from tqp.errors import Error
from tqp.ml.calls import has_model_call
from tqp.operators.expressions import SqlText, evaluate, handles
from tqp.operators.expressions.coerce import align
from tqp.operators.expressions.literals import device_of
from tqp.operators.expressions.logic import compare, truth
from tqp.storage.column import Batch, Column, normalize_valid
from tqp.storage.gather import gather
from tqp.storage.masks import true_rows
from tqp.types import DataType


def choose(conditions: list[torch.Tensor], branches: list[Column], default: Column, what: str) -> Column:
    """For each row, the first branch whose condition holds, else the default."""
    columns = align(branches + [default], what, supertype=True)
    result = columns[-1]
    nullable = any(c.valid is not None for c in columns)  # else no validity to choose
    values, valid = result.values, result.validity() if nullable else None
    for condition, branch in zip(reversed(conditions), reversed(columns[:-1])):
        rows = condition if values.dim() == 1 else condition[:, None]  # intervals: (n, 3)
        values = torch.where(rows, branch.values, values)
        if nullable:
            valid = torch.where(condition, branch.validity(), valid)
    return Column(values, result.type, normalize_valid(valid), result.dictionary, result.decimal,
                  result.lists, result.struct)


def _rows_of(batch: Batch, rows: torch.Tensor, *expressions: exp.Expression) -> Batch:
    """The rows `rows` of just the columns the expressions read."""
    names = {c.name for e in expressions if e is not None for c in e.find_all(exp.Column)}
    return Batch({n: batch[n].take(rows) for n in names if n in batch},
                 int(rows.shape[0]), batch.device)


# The expressions a THEN/ELSE value may consist of to be evaluated on every row.
_CHEAP = (exp.Column, exp.Identifier, exp.Literal, exp.Null, exp.Boolean, exp.Paren, exp.Neg,
          exp.Add, exp.Sub, exp.Mul, exp.Div)


def _is_cheap(value: exp.Expression | None) -> bool:
    return value is None or all(isinstance(n, _CHEAP) for n in value.walk())


def case_when(batch: Batch, branches, default: exp.Expression | None, subject,
              what: str) -> Column:
    """CASE WHEN `branches` (condition, value) ELSE `default`, comparing `subject` when given
    with each condition: eagerly where it can, else lazily."""
    eager = eager_case(batch, branches, default, subject, what)
    return eager if eager is not None else lazy_case(batch, branches, default, subject, what)


def eager_case(batch: Batch, branches, default: exp.Expression | None, subject,
               what: str) -> Column | None:
    """CASE over every row with each condition and value evaluated whole (see the module
    docstring); None where a value is costly, a condition calls a model, or evaluating some
    part raised (the caller then evaluates it lazily)."""
    if not all(_is_cheap(v) for _, v in branches) or not _is_cheap(default) or any(
            has_model_call(c) for c, _ in branches):
        return None
    try:
        compared = evaluate(subject, batch) if subject is not None else None
        conditions = []
        for condition, _ in branches:
            if compared is not None:
                cond = compare(operator.eq, compared, evaluate(condition, batch), what)
            else:
                cond = truth(evaluate(condition, batch), what)
            conditions.append(cond.values if cond.valid is None else cond.values & cond.valid)
        values = [evaluate(v, batch) for _, v in branches]
        otherwise = evaluate(default if default is not None else exp.Null(), batch)
        return choose(conditions, values, otherwise, what)
    except Error:  # e.g. an overflow on a row another branch answers: evaluated lazily
        return None


def lazy_case(batch: Batch, branches, default: exp.Expression | None, subject, what: str) -> Column:
    """CASE evaluated as SQL defines it: each WHEN only on the rows no earlier WHEN took, each
    THEN only on the rows it answers (so `CASE WHEN z <> 0 THEN 10 // z END` never divides by
    zero). Every step is whole-column over its subset; the parts are scattered back."""
    device = device_of(batch)
    remaining = torch.arange(batch.num_rows, device=device)
    parts = []
    for condition, value in branches:
        sub = _rows_of(batch, remaining, condition, subject)
        if subject is not None:
            cond = compare(operator.eq, evaluate(subject, sub), evaluate(condition, sub), what)
        else:
            cond = truth(evaluate(condition, sub), what)
        hit = cond.values & cond.validity()
        taken = gather(remaining, true_rows(hit))
        remaining = gather(remaining, true_rows(~hit))
        parts.append((taken, evaluate(value, _rows_of(batch, taken, value))))
    default = default if default is not None else exp.Null()
    parts.append((remaining, evaluate(default, _rows_of(batch, remaining, default))))
    return _scatter(parts, batch.num_rows, device, what)


def _scatter(parts: list[tuple[torch.Tensor, Column]], num_rows: int, device, what) -> Column:
    """One column of `num_rows` rows from (rows, column) parts that together cover every row
    once, the parts aligned to their common type."""
    columns = align([c for _, c in parts], what, supertype=True)
    type_ = columns[0].type
    values = torch.zeros((num_rows, *columns[0].values.shape[1:]), dtype=columns[0].values.dtype,
                         device=device)
    valid = torch.zeros(num_rows, dtype=torch.bool, device=device)
    for (rows, _), column in zip(parts, columns):
        values.index_copy_(0, rows, column.values.to(values.dtype))
        valid.index_copy_(0, rows, column.validity())
    return Column(values, type_, normalize_valid(valid), columns[0].dictionary, columns[0].decimal,
                  columns[0].lists, columns[0].struct)


@handles(exp.Case)
def case(node: exp.Case, batch: Batch) -> Column:
    what = SqlText(node)
    branches = [(b.this, b.args["true"]) for b in node.args.get("ifs") or []]
    return case_when(batch, branches, node.args.get("default"), node.this, what)


@handles(exp.If)
def if_(node: exp.If, batch: Batch) -> Column:
    what = SqlText(node)
    return case_when(batch, [(node.this, node.args["true"])], node.args.get("false"), None, what)


@handles(exp.Coalesce)
def coalesce(node: exp.Coalesce, batch: Batch) -> Column:
    """The first non-NULL argument. Each argument is evaluated once: over every row where all
    are cheap, else each only on the rows the earlier ones left NULL. (Spelled as CASE WHEN a IS
    NOT NULL THEN a, the lazy form evaluated `a` twice, so nested COALESCE cost 2^depth.)"""
    what = SqlText(node)
    args = [node.this, *node.expressions]
    if all(_is_cheap(a) for a in args) and not any(has_model_call(a) for a in args):
        try:
            columns = [evaluate(a, batch) for a in args]
            return choose([c.validity() for c in columns[:-1]], columns[:-1], columns[-1], what)
        except Error:  # e.g. an overflow on a row an earlier argument answers: evaluated lazily
            pass
    device = device_of(batch)
    remaining = torch.arange(batch.num_rows, device=device)
    parts = []
    for argument in args[:-1]:
        column = evaluate(argument, _rows_of(batch, remaining, argument))
        present = column.validity()
        answered = true_rows(present)
        parts.append((gather(remaining, answered), column.take(answered)))
        remaining = gather(remaining, true_rows(~present))
    parts.append((remaining, evaluate(args[-1], _rows_of(batch, remaining, args[-1]))))
    return _scatter(parts, batch.num_rows, device, what)


@handles(exp.Nullif)
def nullif(node: exp.Nullif, batch: Batch) -> Column:
    what = SqlText(node)
    value = evaluate(node.this, batch)
    equal = compare(operator.eq, value, evaluate(node.expression, batch), what)
    same = equal.values & equal.validity()
    value = align([value], what)[0] if value.type is not DataType.NULL else value
    return Column(value.values, value.type, normalize_valid(value.validity() & ~same), value.dictionary,
                  value.decimal)
