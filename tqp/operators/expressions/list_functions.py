"""DuckDB's list functions in expressions: list_sort, list_distinct, list_unique, list_aggregate
and its shorthands (list_sum, list_min, ...), list_concat/`||`, list_position, list_has_any/
list_has_all and array_to_string (operators/list_functions.py holds the kernels)."""

from __future__ import annotations

import torch
from sqlglot import exp

from tqp.errors import NotSupportedError, ProgrammingError
from tqp.operators import list_functions as kernels
from tqp.operators import lists
from tqp.operators.expressions import evaluate, handles
from tqp.operators.expressions import handles_anonymous
from tqp.operators.expressions.lists import arguments, list_argument, null_of
from tqp.operators.expressions.literals import device_of
from tqp.operators.expressions.strings import empty_where
from tqp.storage.column import Batch, Column, null_column
from tqp.storage.lists import spans
from tqp.types import DataType


@handles(exp.ArraySort)
def list_sort(node: exp.ArraySort, batch: Batch) -> Column:
    """list_sort(l [, 'ASC'|'DESC' [, 'NULLS FIRST'|'NULLS LAST']]), list_reverse_sort: NULL
    elements last unless told (DuckDB's default null order)."""
    if node.args.get("expression") is not None:
        raise NotSupportedError("LIST_SORT with a comparator")
    column = list_argument(node.this, batch, "LIST_SORT")
    if column is None:
        return null_of(batch)
    asc = node.args.get("asc")
    descending = asc is not None and not asc.this
    nulls = node.args.get("nulls_first")
    return kernels.sort(column, descending, nulls is not None and bool(nulls.this))


@handles(exp.ArrayDistinct)
def list_distinct(node: exp.ArrayDistinct, batch: Batch) -> Column:
    column = list_argument(node.this, batch, "LIST_DISTINCT")
    return null_of(batch) if column is None else kernels.distinct(column)


@handles_anonymous("list_unique", "array_unique")
def list_unique(node: exp.Anonymous, batch: Batch) -> Column:
    (target,) = arguments(node, 1)
    column = list_argument(target, batch, "LIST_UNIQUE")
    return null_of(batch, DataType.BIGINT) if column is None else kernels.unique(column)


def _aggregate(target: exp.Expression, name: str, batch: Batch, param=None) -> Column:
    func = kernels.aggregate_name(name)
    column = list_argument(target, batch, f"LIST_AGGREGATE(..., '{name}')")
    if column is None:
        return null_of(batch)
    if func == "string_agg" and param is None:
        param = ","
    return kernels.aggregate(column, func, param)


@handles_anonymous("list_aggregate", "list_aggr", "array_aggregate", "array_aggr")
def list_aggregate(node: exp.Anonymous, batch: Batch) -> Column:
    """list_aggregate(l, 'name' [, separator]): the named aggregate of each list's elements."""
    target, name, *rest = arguments(node, 2, 3)
    if not (isinstance(name, exp.Literal) and name.is_string):
        raise NotSupportedError("LIST_AGGREGATE with a non-constant aggregate name")
    func = kernels.aggregate_name(name.this)
    if rest and func != "string_agg":
        raise ProgrammingError(f"LIST_AGGREGATE: '{name.this}' takes no extra argument")
    return _aggregate(target, name.this, batch, _separator(rest[0]) if rest else None)


def _separator(node: exp.Expression) -> str | None:
    """A constant string separator; None (the default ',') for NULL."""
    if isinstance(node, exp.Null):
        return None
    if isinstance(node, exp.Literal) and node.is_string:
        return node.this
    raise NotSupportedError("a string_agg separator that is not a constant string")


def _shorthand(name: str):
    def evaluate_shorthand(node: exp.Anonymous, batch: Batch) -> Column:
        (target,) = arguments(node, 1)
        return _aggregate(target, name, batch)
    return evaluate_shorthand


for _name in ("sum", "avg", "count", "first", "last", "any_value", "string_agg", "bool_and",
              "bool_or", "median", "mode", "var_samp", "var_pop", "stddev_samp", "stddev_pop"):
    handles_anonymous(f"list_{_name}")(_shorthand(_name))


@handles(exp.ArrayMin, exp.ArrayMax)
def list_min_max(node: exp.Expression, batch: Batch) -> Column:
    """list_min(l), list_max(l)."""
    return _aggregate(node.this, "min" if isinstance(node, exp.ArrayMin) else "max", batch)


def _lists(nodes, batch: Batch, what: str) -> list[Column | None]:
    return [list_argument(n, batch, what) for n in nodes]


@handles(exp.ArrayConcat)
def list_concat(node: exp.ArrayConcat, batch: Batch) -> Column:
    """list_concat(a, b, ...)/array_concat/list_cat/array_cat: a NULL list counts as empty (the
    result is NULL only when every argument is an untyped NULL)."""
    if node.args.get("null_propagation"):  # another dialect's reading: NULL if any is NULL
        raise NotSupportedError(f"{node.sql_name()} propagating NULLs")
    return _concat([node.this, *node.expressions], batch, strict=False)


@handles_anonymous("list_cat")
def list_cat(node: exp.Anonymous, batch: Batch) -> Column:
    return _concat(node.expressions, batch, strict=False)


def _concat(nodes, batch: Batch, strict: bool) -> Column:
    columns = _lists(nodes, batch, "LIST_CONCAT")
    present = [c for c in columns if c is not None]
    if not present or (strict and len(present) < len(columns)):
        return null_of(batch)
    return kernels.concat(present, strict)


def concat_operator(left: Column, right: Column) -> Column:
    """`a || b` where a or b is a LIST: their lists end to end, NULL where either is NULL."""
    for column in (left, right):
        if column.type not in (DataType.LIST, DataType.NULL):
            raise ProgrammingError(f"|| of a LIST and a {column.type.value} value")
    if DataType.NULL in (left.type, right.type):
        return null_column(len(left), DataType.NULL, left.device)
    return kernels.concat([left, right], strict=True)


@handles(exp.ArrayAppend, exp.ArrayPrepend)
def list_append(node: exp.Expression, batch: Batch) -> Column:
    """list_append(l, x)/array_append and list_prepend(x, l)/array_prepend: `l` with `x` added
    at the end (the front); a NULL `l` counts as `[]`."""
    if node.args.get("null_propagation"):
        raise NotSupportedError(f"{node.sql_name()} propagating NULLs")
    return _add(node.this, node.expression, batch, front=isinstance(node, exp.ArrayPrepend))


@handles_anonymous("array_push_back", "array_push_front")
def array_push(node: exp.Anonymous, batch: Batch) -> Column:
    """array_push_back(l, x), array_push_front(l, x)."""
    target, value = arguments(node, 2)
    return _add(target, value, batch, front=node.name.lower() == "array_push_front")


def _add(target: exp.Expression, value: exp.Expression, batch: Batch, front: bool) -> Column:
    column = list_argument(target, batch, "LIST_APPEND")
    element = evaluate(value, batch)
    ones = torch.ones(len(element), dtype=torch.int64, device=element.device)
    single = lists.from_lengths(element, ones)
    if column is None:
        return single
    return kernels.concat([single, column] if front else [column, single], strict=False)


@handles(exp.ArrayReverse)
def array_reverse(node: exp.ArrayReverse, batch: Batch) -> Column:
    column = list_argument(node.this, batch, "LIST_REVERSE")
    return null_of(batch) if column is None else kernels.reverse(column)


@handles_anonymous("list_reverse")
def list_reverse(node: exp.Anonymous, batch: Batch) -> Column:
    (target,) = arguments(node, 1)
    column = list_argument(target, batch, "LIST_REVERSE")
    return null_of(batch) if column is None else kernels.reverse(column)


@handles(exp.Flatten)
def flatten(node: exp.Flatten, batch: Batch) -> Column:
    """flatten(l): a list of lists' inner lists end to end."""
    column = list_argument(node.this, batch, "FLATTEN")
    if column is None:
        return null_of(batch)
    if column.lists.element_type not in (DataType.LIST, DataType.NULL):
        raise ProgrammingError(f"FLATTEN of a list of {column.lists.element_type.value} values")
    return kernels.flatten_nested(column)


@handles(exp.ArrayPosition)
def array_position(node: exp.ArrayPosition, batch: Batch) -> Column:
    if node.args.get("zero_based"):
        raise NotSupportedError("ARRAY_POSITION counting from 0")
    return _position(node.this, node.expression, batch)


@handles_anonymous("list_position", "list_indexof", "array_indexof")
def list_position(node: exp.Anonymous, batch: Batch) -> Column:
    """list_position(l, x)/list_indexof/array_position: where x first occurs (1-based)."""
    target, needle = arguments(node, 2)
    return _position(target, needle, batch)


def _position(target: exp.Expression, needle: exp.Expression, batch: Batch) -> Column:
    column = list_argument(target, batch, "LIST_POSITION")
    value = evaluate(needle, batch)
    if column is None:
        return null_of(batch, DataType.INTEGER)
    literal = isinstance(needle, exp.Literal) and needle.is_string
    return kernels.position(column, value, literal)


def _has(a: exp.Expression, b: exp.Expression, batch: Batch, every: bool) -> Column:
    left, right = _lists((a, b), batch, "LIST_HAS_ALL" if every else "LIST_HAS_ANY")
    if left is None or right is None:
        return null_of(batch, DataType.BOOLEAN)
    return kernels.has_any_all(left, right, every)


@handles(exp.ArrayOverlaps)
def list_has_any(node: exp.ArrayOverlaps, batch: Batch) -> Column:
    """list_has_any(a, b)/`a && b`: do a and b share a non-NULL element?"""
    if node.args.get("null_safe"):
        raise NotSupportedError("a NULL-safe ARRAY_OVERLAPS")
    return _has(node.this, node.expression, batch, every=False)


@handles(exp.ArrayContainsAll)
def list_has_all(node: exp.ArrayContainsAll, batch: Batch) -> Column:
    """list_has_all(a, b)/`a @> b`: is every non-NULL element of b in a?"""
    return _has(node.this, node.expression, batch, every=True)


@handles(exp.ArrayContainedBy)
def contained_by(node: exp.ArrayContainedBy, batch: Batch) -> Column:
    """`a <@ b`: list_has_all(b, a)."""
    return _has(node.expression, node.this, batch, every=True)


@handles_anonymous("list_has_any", "array_has_any")
def list_has_any_call(node: exp.Anonymous, batch: Batch) -> Column:
    return _has(*arguments(node, 2), batch, every=False)


@handles_anonymous("list_has_all", "array_has_all")
def list_has_all_call(node: exp.Anonymous, batch: Batch) -> Column:
    return _has(*arguments(node, 2), batch, every=True)


@handles(exp.ArrayToString)
def array_to_string(node: exp.ArrayToString, batch: Batch) -> Column:
    """array_to_string(l, sep): the non-NULL elements as text joined by sep; '' for an empty
    list, NULL for a NULL list or one of only NULLs (DuckDB's macro over string_agg)."""
    if node.args.get("null") is not None:
        raise NotSupportedError("ARRAY_TO_STRING with a NULL replacement")
    column = list_argument(node.this, batch, "ARRAY_TO_STRING")
    if column is None:
        return null_of(batch, DataType.VARCHAR)
    separator = _separator(node.expression)
    joined = kernels.aggregate(column, "string_agg", "," if separator is None else separator)
    _, lengths = spans(column)
    return empty_where(joined, column.validity() & (lengths == 0))
