"""LIST values in expressions: `[a, b, ...]` literals, `l[i]`, `l[a:b]`, `len`, `list_contains`,
`list_extract` and `list_slice`, over whole columns (operators/lists.py holds the kernels)."""

from __future__ import annotations

import operator

import torch
from sqlglot import exp

from tqp.errors import NotSupportedError, ProgrammingError
from tqp.operators import lists
from tqp.operators.list_functions import require_element_type
from tqp.operators.expressions import evaluate, handles, text
from tqp.operators.expressions import handles_anonymous
from tqp.operators.expressions.literals import constant, device_of
from tqp.operators.expressions.logic import compare
from tqp.operators.expressions.structs import field
from tqp.storage.column import Batch, Column, null_column
from tqp.storage.lists import element_rows, spans
from tqp.types import DataType

# Set by the parser (planner/dialect.py) on `l[i]` when sqlglot stored i - 1 for DuckDB's 1-based i.
INDEX_SHIFTED = "tqp_index_shifted"


@handles(exp.Array)
def list_value(node: exp.Array, batch: Batch) -> Column:
    """`[a, b, c]`: one list per row of the elements' values in that row."""
    from tqp.operators.batches import concat_columns  # batches imports this package

    n, device = batch.num_rows, device_of(batch)
    parts = [evaluate(e, batch) for e in node.expressions]
    if not parts:
        elements = null_column(0, DataType.NULL, device)
        return lists.from_lengths(elements, torch.zeros(n, dtype=torch.int64, device=device))
    stacked = concat_columns(parts, "a list literal")  # element j of every row, then j + 1
    k = len(parts)
    rows = torch.arange(n, device=device)
    row_major = (rows[:, None] + torch.arange(k, device=device)[None, :] * n).flatten()
    return lists.from_lengths(stacked.take(row_major), torch.full((n,), k, device=device))


def list_argument(node: exp.Expression, batch: Batch, what: str) -> Column | None:
    """A list argument, or None when it is an untyped NULL (the result is then NULL)."""
    return _checked_list(evaluate(node, batch), what)


def _checked_list(column: Column, what: str) -> Column | None:
    if column.type is DataType.NULL:
        return None
    lists.require_list(column, what)
    return column


def _index(node: exp.Expression, batch: Batch, what: str) -> Column:
    column = evaluate(node, batch)
    if column.type is DataType.NULL:
        return constant(0, DataType.BIGINT, len(column), column.device).with_valid(
            torch.zeros(len(column), dtype=torch.bool, device=column.device))
    if not (column.type.is_integer or column.type is DataType.BOOLEAN):
        raise ProgrammingError(f"{what} takes an integer index, not {column.type.value}")
    return column


def null_of(batch: Batch, type_: DataType = DataType.NULL) -> Column:
    """A column of NULLs of `type_`, one per row of `batch`."""
    return null_column(batch.num_rows, type_, device_of(batch))


def _extract(target: exp.Expression, index: Column, batch: Batch,
             index_node: exp.Expression) -> Column:
    column = evaluate(target, batch)
    if column.type is DataType.VARCHAR:  # a string's character
        return text.string_element(column, index, index_node)
    column = _checked_list(column, "list_extract")
    return null_of(batch) if column is None else lists.extract(column, index)


def _slice(target: exp.Expression, begin: exp.Expression | None, end: exp.Expression | None,
           batch: Batch) -> Column:
    column = evaluate(target, batch)
    if column.type is DataType.VARCHAR:  # a string's characters
        first = _index(begin, batch, "a string slice") if begin is not None else None
        last = _index(end, batch, "a string slice") if end is not None else None
        return text.string_slice(column, first, last, (begin, end))
    column = _checked_list(column, "list_slice")
    if column is None:
        return null_of(batch)
    n = len(column)
    first = _index(begin, batch, "list_slice") if begin is not None else \
        constant(1, DataType.BIGINT, n, column.device)
    last = _index(end, batch, "list_slice") if end is not None else \
        constant(2 ** 62, DataType.BIGINT, n, column.device)
    return lists.slice_(column, first, last)


@handles(exp.Bracket)
def bracket(node: exp.Bracket, batch: Batch) -> Column:
    """`l[i]` and `l[a:b]` (DuckDB's 1-based positions)."""
    if len(node.expressions) != 1 or node.args.get("safe"):
        raise NotSupportedError(f"subscript {node.sql(dialect='duckdb')[:80]}")
    key = node.expressions[0]
    if isinstance(key, exp.Literal) and key.is_string:  # s['a']: a struct's field
        return field(node.this, key, batch)
    if isinstance(key, exp.Slice):
        if key.args.get("step") is not None:
            raise NotSupportedError("a list slice with a step")
        return _slice(node.this, key.this, key.expression, batch)
    index = _index(key, batch, "a list subscript")
    if node.meta.get(INDEX_SHIFTED):
        index = Column(index.values.long() + 1, DataType.BIGINT, index.valid)
    return _extract(node.this, index, batch, key)


@handles_anonymous("list_extract", "list_element", "array_extract")
def list_extract(node: exp.Anonymous, batch: Batch) -> Column:
    target, index = arguments(node, 2)
    return _extract(target, _index(index, batch, "list_extract"), batch, index)


@handles_anonymous("list_slice")
def list_slice(node: exp.Anonymous, batch: Batch) -> Column:
    if len(node.expressions) != 3:
        raise NotSupportedError(f"{node.name.upper()} with {len(node.expressions)} arguments")
    return _slice(*node.expressions, batch)


@handles(exp.ArraySlice)
def array_slice(node: exp.ArraySlice, batch: Batch) -> Column:
    if node.args.get("step") is not None or node.args.get("is_length"):
        raise NotSupportedError(f"{node.sql(dialect='duckdb')[:80]}")
    return _slice(node.this, node.args.get("start"), node.args.get("end"), batch)


@handles(exp.ArraySize)
def array_length(node: exp.ArraySize, batch: Batch) -> Column:
    if node.args.get("expression") is not None:
        raise NotSupportedError("ARRAY_LENGTH with a dimension")
    column = list_argument(node.this, batch, "array_length")
    return null_of(batch, DataType.BIGINT) if column is None else lists.length(column)


@handles(exp.ArrayContains)
def list_contains(node: exp.ArrayContains, batch: Batch) -> Column:
    """list_contains(l, x): TRUE if an element equals x (a NULL element matches nothing); NULL
    if l is NULL, or x is NULL and l not empty (an empty list contains nothing, as in DuckDB)."""
    column = list_argument(node.this, batch, "list_contains")
    needle = evaluate(node.expression, batch)
    if column is None:
        return null_of(batch, DataType.BOOLEAN)
    literal = isinstance(node.expression, exp.Literal) and node.expression.is_string
    require_element_type(column.lists.elements, needle, literal, "list_contains")
    starts, lengths = spans(column)
    rows, index, _ = element_rows(starts, lengths)
    elements = column.lists.elements.take(index)
    if elements.type is DataType.NULL or needle.type is DataType.NULL:
        hits = torch.zeros(len(elements), dtype=torch.bool, device=elements.device)
    else:
        equal = compare(operator.eq, elements, needle.take(rows), "list_contains")
        hits = equal.values & equal.validity()
    found = lists.any_per_row(hits, rows, len(column))
    valid = column.validity() & (needle.validity() | (lengths == 0))
    return Column(found, DataType.BOOLEAN).with_valid(valid)


def arguments(node: exp.Anonymous, *counts: int) -> list[exp.Expression]:
    """The arguments of a call sqlglot does not know, when there are as many as one of
    `counts` allows (NotSupportedError otherwise)."""
    if len(node.expressions) not in counts:
        raise NotSupportedError(f"{node.name.upper()} with {len(node.expressions)} arguments")
    return node.expressions


@handles(exp.GenerateSeries)
def series(node: exp.GenerateSeries, batch: Batch) -> Column:
    """range(start, stop[, step]) (stop excluded) and generate_series(...) (stop included):
    BIGINT lists, one per row; a step of 0 or one pointing away from stop gives `[]`, a NULL
    argument NULL."""
    n, device = batch.num_rows, device_of(batch)
    bounds = []
    for key, default in (("start", 0), ("end", None), ("step", 1)):
        value = node.args.get(key)
        if value is None and default is not None:
            bounds.append(constant(default, DataType.BIGINT, n, device))
            continue
        column = evaluate(value, batch)
        if column.type is DataType.NULL:  # a NULL list of BIGINT
            nothing = torch.zeros(n, dtype=torch.int64, device=device)
            return lists.from_lengths(Column(nothing[:0], DataType.BIGINT), nothing,
                                      torch.zeros(n, dtype=torch.bool, device=device))
        if not column.type.is_integer:
            raise NotSupportedError(f"RANGE/GENERATE_SERIES of {column.type.value} values")
        bounds.append(column)
    start, stop, step = (b.values.long() for b in bounds)
    span = stop - start
    safe = torch.where(step == 0, torch.ones_like(step), step)
    if node.args.get("is_end_exclusive"):  # ceil(span / step), by floor division
        count = -torch.div(-span, safe, rounding_mode="floor")
    else:
        count = torch.div(span, safe, rounding_mode="floor") + 1
    valid = bounds[0].validity() & bounds[1].validity() & bounds[2].validity()
    count = torch.where((step == 0) | ~valid, torch.zeros_like(count), count.clamp(min=0))
    rows, _, position = element_rows(torch.zeros_like(count), count)
    elements = Column(start[rows] + position * step[rows], DataType.BIGINT)
    return lists.from_lengths(elements, count, valid)
