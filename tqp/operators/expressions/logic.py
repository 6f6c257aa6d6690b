"""Comparisons and boolean logic with SQL's three-valued NULL semantics."""

from __future__ import annotations

import operator

import torch
from sqlglot import exp

from tqp.errors import ProgrammingError
from tqp.operators.expressions import SqlText, evaluate, handles, may_raise
from tqp.operators.expressions.coerce import MICROS_PER_DAY, align
from tqp.operators.expressions.decimals import decimal_of
from tqp.operators.expressions.in_lists import constant_list, lookup, worth_lookup
from tqp.operators.keys import float_key
from tqp.storage import dictionary as dicts
from tqp.storage.column import Batch, Column, and_valid
from tqp.storage.masks import true_rows
from tqp.storage.narrow import compare_with
from tqp.types import FLOAT_TYPES, DataType

COMPARISONS = {
    exp.EQ: operator.eq, exp.NEQ: operator.ne, exp.GT: operator.gt,
    exp.GTE: operator.ge, exp.LT: operator.lt, exp.LTE: operator.le,
}


def boolean(values: torch.Tensor, valid: torch.Tensor | None) -> Column:
    return Column(values, DataType.BOOLEAN, valid)


def compare(op, left: Column, right: Column, what: str) -> Column:
    """`left op right` row by row; NULL where either side is NULL. DECIMALs compare exactly, as
    integers at their common scale."""
    if left.type is DataType.NULL or right.type is DataType.NULL:
        n = max(len(left), len(right))
        return boolean(torch.zeros(n, dtype=torch.bool, device=left.device),
                       torch.zeros(n, dtype=torch.bool, device=left.device))
    if right.is_broadcast and not left.is_broadcast:
        folded = _compare_constant(op, left, right)
    elif left.is_broadcast and not right.is_broadcast:
        folded = _compare_constant(_FLIPPED[op], right, left)
    else:
        folded = None
    if folded is not None:
        return folded
    rows = max(len(left), len(right))
    constant_right = right.is_broadcast and not left.is_broadcast
    constant_left = left.is_broadcast and not right.is_broadcast
    # A constant side takes part as its one value: converted as a column of the batch's length
    # it was copied (and a DECIMAL scaled) row by row before the comparison.
    left, right = align([_one_value(left), _one_value(right)], what)
    a, b = left.values, right.values
    if constant_right or constant_left:  # one integer: maybe on a narrow copy of the column
        column, value, as_left = (a, b, op) if constant_right else (b, a, _FLIPPED[op])
        if _integer_on_cpu(column) and value.dtype == column.dtype and value.numel() == 1:
            return boolean(compare_with(as_left, column, int(value[0])),
                           and_valid(_rows(left.valid, rows), _rows(right.valid, rows)))
    if left.type is DataType.INTERVAL:  # normalised: INTERVAL '1 month' = INTERVAL '30 days'
        from tqp.operators.expressions.intervals import compare as compare_intervals

        return boolean(compare_intervals(op, a, b).expand(rows),
                       and_valid(_rows(left.valid, rows), _rows(right.valid, rows)))
    if left.type in FLOAT_TYPES and (bool(a.isnan().any()) or bool(b.isnan().any())):
        # DuckDB orders NaN above every number and equal to itself: compare order-preserving
        # integer images of the doubles instead.
        a, b = float_key(a.double()), float_key(b.double())
    return boolean(op(a, b).expand(rows),
                   and_valid(_rows(left.valid, rows), _rows(right.valid, rows)))


def _integer_on_cpu(values: torch.Tensor) -> bool:
    """Are these the integer values of a column on a CPU (where a comparison with a constant
    may read a narrow copy, storage/narrow.py)?"""
    return values.device.type == "cpu" and values.dim() == 1 and \
        values.dtype in (torch.int32, torch.int64)


def _one_value(column: Column) -> Column:
    """A constant column (one value broadcast) as a column of that one row; others as they
    are."""
    return column.first_row() if column.is_broadcast else column


def _rows(valid: torch.Tensor | None, rows: int) -> torch.Tensor | None:
    """A validity mask broadcast to `rows` rows (a view)."""
    return None if valid is None else valid.expand(rows)


def _unit_ratio(column: Column, constant: Column) -> int | None:
    """How many of the constant's units make one of the column's, where the column's values
    compare with the constant's as integers counted in those units (a DATE's days against a
    TIMESTAMP's microseconds, a DECIMAL's or integer's against a DECIMAL of larger scale, an
    integer against a wider integer); None otherwise."""
    if column.values.dim() != 1 or constant.values.dim() != 1:
        return None  # 128-bit values
    if column.type is DataType.DATE and constant.type in (DataType.TIMESTAMP,
                                                         DataType.TIMESTAMPTZ):
        return MICROS_PER_DAY
    exact = (DataType.INTEGER, DataType.BIGINT, DataType.DECIMAL)
    if column.type not in exact or constant.type not in exact:
        return None
    digits = decimal_of(constant).scale - decimal_of(column).scale
    if digits < 0 or digits == 0 and (column.values.dtype == torch.int64
                                      or constant.values.dtype == column.values.dtype):
        return None  # the types align by converting the constant alone, or not at all
    return 10 ** digits


def _compare_constant(op, column: Column, constant: Column) -> Column | None:
    """`column op constant` for a constant in finer units than the column (see `_unit_ratio`),
    with the constant rounded to the column's units, exactly: no row is converted to the
    constant's type. None where that does not apply (the caller then aligns the types)."""
    ratio = _unit_ratio(column, constant)
    if ratio is None or constant.valid is not None:
        return None
    value = int(constant.values[0])  # one host read of the constant
    below, remainder = divmod(value, ratio)  # value / ratio lies in [below, below + 1)
    above = below + (remainder != 0)
    n, device = len(column), column.device
    if op in (operator.eq, operator.ne) and remainder:  # no row equals it
        values = torch.full((n,), op is operator.ne, dtype=torch.bool, device=device)
        return boolean(values, column.valid)
    bound = above if op in (operator.lt, operator.ge) else below
    limits = torch.iinfo(column.values.dtype)
    if not limits.min <= bound <= limits.max:
        return None
    return boolean(compare_with(op, column.values, bound), column.valid)


def _string_constant_compare(op, column: Column, value: str) -> Column:
    """`column op 'value'` on the codes: one binary search in the dictionary, no remapping."""
    position, found = dicts.lookup(column.dictionary, value)
    codes = column.values
    if op in (operator.eq, operator.ne) and not found:  # no row holds it
        result = torch.full_like(codes, op is operator.ne, dtype=torch.bool)
    elif op in (operator.le, operator.gt):  # <= value is < the code after it, > is >= that
        after = operator.lt if op is operator.le else operator.ge
        result = compare_with(after, codes, position + int(found))
    else:
        result = compare_with(op, codes, position)
    return boolean(result, column.valid)


_FLIPPED = {operator.lt: operator.gt, operator.gt: operator.lt, operator.le: operator.ge,
            operator.ge: operator.le, operator.eq: operator.eq, operator.ne: operator.ne}


@handles(*COMPARISONS)
def comparison(node: exp.Expression, batch: Batch) -> Column:
    op = COMPARISONS[type(node)]
    lnode, rnode = node.this, node.expression
    if isinstance(rnode, exp.Literal) and rnode.is_string:
        left = evaluate(lnode, batch)
        if left.type is DataType.VARCHAR:
            return _string_constant_compare(op, left, rnode.this)
    if isinstance(lnode, exp.Literal) and lnode.is_string:
        right = evaluate(rnode, batch)
        if right.type is DataType.VARCHAR:
            return _string_constant_compare(_FLIPPED[op], right, lnode.this)
    return compare(op, evaluate(lnode, batch), evaluate(rnode, batch), SqlText(node))


def truth(column: Column, what: str) -> Column:
    if column.type is DataType.NULL:
        return boolean(torch.zeros(len(column), dtype=torch.bool, device=column.device),
                       column.validity())
    if column.type.is_numeric:  # a number is TRUE unless 0, as DuckDB casts it
        return boolean(column.values != 0, column.valid)
    if column.type is not DataType.BOOLEAN:
        raise ProgrammingError(f"{what} must be a BOOLEAN, not {column.type.value}")
    return column


def and_(a: Column, b: Column) -> Column:
    """Three-valued AND: FALSE wins over NULL."""
    if a.valid is None and b.valid is None:
        return boolean(a.values & b.values, None)
    va, vb = a.validity(), b.validity()
    valid = (va & vb) | (va & ~a.values) | (vb & ~b.values)
    return boolean(a.values & b.values & valid, valid)


def or_(a: Column, b: Column) -> Column:
    """Three-valued OR: TRUE wins over NULL."""
    if a.valid is None and b.valid is None:
        return boolean(a.values | b.values, None)
    va, vb = a.validity(), b.validity()
    valid = (va & vb) | (va & a.values) | (vb & b.values)
    return boolean((a.values & va) | (b.values & vb), valid)




def _guarded(node: exp.Expression, batch: Batch, decided_value: bool) -> Column:
    """`left op right` where rows whose left side is `decided_value` skip the right side."""
    what = SqlText(node)
    left = truth(evaluate(node.this, batch), what)
    combine = and_ if decided_value is False else or_
    right_node = node.expression
    # A right side that can raise runs only on the rows the left side leaves undecided, as in
    # DuckDB (`z <> 0 AND 10 // z > 1`); anything else runs over the whole column.
    if not may_raise(right_node):
        return combine(left, truth(evaluate(right_node, batch), what))
    decided = left.validity() & (left.values == decided_value)
    rows = true_rows(~decided)
    names = {c.name for c in right_node.find_all(exp.Column)}
    sub = Batch({n: batch[n].take(rows) for n in names if n in batch},
                 int(rows.shape[0]), batch.device)
    part = truth(evaluate(right_node, sub), what)
    values = torch.full((batch.num_rows,), decided_value, dtype=torch.bool, device=left.values.device)
    valid = torch.ones(batch.num_rows, dtype=torch.bool, device=left.values.device)
    values.index_copy_(0, rows, part.values)
    valid.index_copy_(0, rows, part.validity())
    return combine(left, boolean(values, valid))


@handles(exp.And)
def and_node(node: exp.And, batch: Batch) -> Column:
    return _guarded(node, batch, False)


@handles(exp.Or)
def or_node(node: exp.Or, batch: Batch) -> Column:
    return _guarded(node, batch, True)


@handles(exp.Not)
def not_node(node: exp.Not, batch: Batch) -> Column:
    value = truth(evaluate(node.this, batch), SqlText(node))
    return boolean(~value.values, value.valid)


@handles(exp.Is)
def is_node(node: exp.Is, batch: Batch) -> Column:
    value = evaluate(node.this, batch)
    target = node.expression
    if isinstance(target, exp.Null):
        return boolean(~value.validity(), None)
    if isinstance(target, exp.Boolean):
        truthy = truth(value, SqlText(node))
        result = truthy.validity() & (truthy.values == bool(target.this))
        return boolean(result, None)
    # DuckDB's parser rejects the rest; the target's text here would hold tqp's internal names.
    raise ProgrammingError("syntax error: IS must be followed by [NOT] NULL, TRUE, FALSE or "
                           "DISTINCT FROM")


@handles(exp.Between)
def between(node: exp.Between, batch: Batch) -> Column:
    value = evaluate(node.this, batch)
    what = SqlText(node)
    low = compare(operator.ge, value, evaluate(node.args["low"], batch), what)
    high = compare(operator.le, value, evaluate(node.args["high"], batch), what)
    result = and_(low, high)
    return boolean(~result.values, result.valid) if node.args.get("negate") else result


@handles(exp.In)
def in_list(node: exp.In, batch: Batch) -> Column:
    """x IN (a, b, ...): TRUE if equal to one; NULL if not and x or some item is NULL."""
    value = evaluate(node.this, batch)
    what = SqlText(node)
    constants = constant_list(node)
    if constants is not None and worth_lookup(value, constants):
        result = lookup(value, constants, what)
        if result is not None:
            return boolean(~result.values, result.valid) if node.args.get("negate") else result
        if node.args.get("constants") is not None:  # compacted: compare item by item
            node = node.copy()
            node.set("expressions", [exp.Literal.string(v) if constants.is_string else
                                     exp.Literal.number(v) for v in constants.values]
                     + [exp.Null()] * constants.has_null)
    result = None
    for item in node.expressions:
        if isinstance(item, exp.Literal) and item.is_string and value.type is DataType.VARCHAR:
            match = _string_constant_compare(operator.eq, value, item.this)
        else:
            match = compare(operator.eq, value, evaluate(item, batch), what)
        result = match if result is None else or_(result, match)
    if result is None:
        result = boolean(torch.zeros(len(value), dtype=torch.bool, device=value.device), None)
    return boolean(~result.values, result.valid) if node.args.get("negate") else result


@handles(exp.NullSafeEQ, exp.NullSafeNEQ)
def is_distinct(node: exp.Expression, batch: Batch) -> Column:
    """a IS [NOT] DISTINCT FROM b: equality where NULL equals NULL; never NULL itself."""
    left, right = evaluate(node.this, batch), evaluate(node.expression, batch)
    lv, rv = left.validity(), right.validity()
    if DataType.NULL in (left.type, right.type):
        same = ~lv & ~rv
    else:
        equal = compare(operator.eq, left, right, SqlText(node))
        same = (equal.values & lv & rv) | (~lv & ~rv)
    return boolean(same if isinstance(node, exp.NullSafeEQ) else ~same, None)
