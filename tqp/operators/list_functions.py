"""Kernels of DuckDB's list functions over whole LIST columns: sorting, distinct values, set
tests, concatenation, search and aggregation of each row's list.

Every kernel reads all rows' elements at once (`flatten`: the elements in row order with the
row each belongs to) and works on that flat column with the rows as segments: a list sort is
one sort by (row, value), distinct values are the runs of equal (row, value) pairs, an
aggregate of each list is a grouped aggregate with the row as the group. No loop runs over
rows or lists.
"""

from __future__ import annotations

import operator
from dataclasses import replace

import torch
from sqlglot import exp

from tqp.errors import NotSupportedError, ProgrammingError
from tqp.operators import lists  # a module: operators.lists imports the expressions
from tqp.operators.keys import float_key
from tqp.operators.sort import sort_indices
from tqp.storage.column import Batch, Column, normalize_valid
from tqp.storage.gather import gather
from tqp.storage.lists import element_rows, spans
from tqp.storage.wide import key_words
from tqp.types import DataType


def flatten(column: Column) -> tuple[torch.Tensor, Column, torch.Tensor]:
    """(row of each element, the elements of every row in row order, each row's length)."""
    starts, lengths = spans(column)
    rows, index, _ = element_rows(starts, lengths)
    return rows, column.lists.elements.take(index), lengths


def require_comparable(columns: list[Column], what: str) -> None:
    """Raise ProgrammingError where strings would meet other values (DuckDB's binder wants an
    explicit cast there, `list_concat([1], ['2'])`); lists of lists by their elements."""
    present = [c for c in columns if c.type is not DataType.NULL]
    if not present:
        return
    if len({c.type is DataType.VARCHAR for c in present}) > 1 or \
            len({c.type is DataType.LIST for c in present}) > 1:
        raise ProgrammingError(f"{what} of {' and '.join(c.type.value for c in present)} "
                               f"values (an explicit cast is required)")
    if present[0].type is DataType.LIST:
        require_comparable([c.lists.elements for c in present], what)


def require_element_type(elements: Column, needle: Column, literal: bool, what: str) -> None:
    """list_contains(T[], T) and list_position's binding, as DuckDB's: a string literal x is
    cast to the elements' type, but no T is found for VARCHAR elements and a value of another
    type, nor for other elements and a VARCHAR value that is not a literal (ProgrammingError:
    `list_contains(['1'], 1)` is no match, it is an error)."""
    if elements.type is DataType.NULL or needle.type is DataType.NULL:
        return
    if (elements.type is DataType.VARCHAR) == (needle.type is DataType.VARCHAR) or \
            (needle.type is DataType.VARCHAR and literal):
        return
    raise ProgrammingError(f"Cannot deduce template type 'T' in function: '{what}(T[], T)' "
                           f"from {elements.type.value}[] and {needle.type.value} (an explicit "
                           "cast is required)")


def sort(column: Column, descending: bool, nulls_first: bool) -> Column:
    """list_sort: each list's elements in order (NULL elements first or last); ties keep their
    order, which cannot be told apart."""
    rows, elements, lengths = flatten(column)
    if elements.type is DataType.NULL:
        return lists.from_lengths(elements, lengths, column.valid)
    lists.reject_list_keys([elements], "LIST_SORT")
    order = sort_indices([(rows, None, False, False),
                          (elements.values, elements.valid, descending, nulls_first)])
    return lists.from_lengths(elements.take(order), lengths, column.valid)


def _runs(rows: torch.Tensor, elements: Column, what: str,
          carried: torch.Tensor | None = None):
    """The non-NULL elements sorted by (row, value): (their rows, a mask of the first element
    of each run of equal values within a row, the sorted elements, `carried` in that order).
    Equal means equal as a GROUP BY key: -0.0 = 0.0, NaN = NaN, strings by code (a dictionary
    holds no duplicates)."""
    lists.reject_list_keys([elements], what)
    if elements.valid is not None:
        kept = elements.valid.nonzero().squeeze(1)
        rows, elements = gather(rows, kept), elements.take(kept).with_valid(None)
        carried = None if carried is None else gather(carried, kept)
    order = sort_indices([(rows, None, False, False), (elements.values, None, False, False)])
    rows, elements = gather(rows, order), elements.take(order)
    carried = None if carried is None else gather(carried, order)
    first = torch.ones(rows.shape[0], dtype=torch.bool, device=rows.device)
    if rows.shape[0] > 1:
        same = rows[1:] == rows[:-1]
        for key in key_words(elements.values):  # both words of 128-bit values
            if key.dtype.is_floating_point:
                key = float_key(key + 0.0)  # one key for -0.0 and 0.0, one for every NaN
            same &= key[1:] == key[:-1]
        first[1:] = ~same
    return rows, first, elements, carried


def distinct(column: Column) -> Column:
    """list_distinct: each list's distinct non-NULL elements, in ascending order (DuckDB's own
    order comes from its hash table and is not specified)."""
    rows, elements, lengths = flatten(column)
    if elements.type is DataType.NULL:
        return lists.from_lengths(elements, torch.zeros_like(lengths), column.valid)
    rows, first, elements, _ = _runs(rows, elements, "LIST_DISTINCT")
    counts = torch.bincount(rows[first], minlength=len(column))
    return lists.from_lengths(elements.take(first.nonzero().squeeze(1)), counts, column.valid)


def unique(column: Column) -> Column:
    """list_unique: the number of distinct non-NULL elements of each list (BIGINT; DuckDB's is
    UBIGINT)."""
    rows, elements, lengths = flatten(column)
    if elements.type is DataType.NULL:
        return Column(torch.zeros_like(lengths), DataType.BIGINT, column.valid)
    rows, first, _, _ = _runs(rows, elements, "LIST_UNIQUE")
    return Column(torch.bincount(rows[first], minlength=len(column)), DataType.BIGINT,
                  column.valid)


def concat(columns: list[Column], strict: bool) -> Column:
    """list_concat(a, b, ...) (`strict` False: a NULL list counts as empty, the result is never
    NULL, as in DuckDB) and `a || b` (`strict`: NULL where either is). The elements meet in one
    type as in a list literal."""
    from tqp.operators.batches import concat_columns  # batches imports operators.lists

    n, device = len(columns[0]), columns[0].device
    flat = [flatten(c) for c in columns]  # a loop over the arguments
    require_comparable([f[1] for f in flat], "LIST_CONCAT")
    elements = concat_columns([f[1] for f in flat], "LIST_CONCAT")
    lengths = torch.stack([f[2] for f in flat]).sum(0)
    starts = torch.cumsum(lengths, 0) - lengths
    target, before = [], torch.zeros(n, dtype=torch.int64, device=device)
    for rows, _, part_lengths in flat:  # each argument's elements after the ones before it
        place = torch.arange(rows.shape[0], device=device) - \
            (torch.cumsum(part_lengths, 0) - part_lengths)[rows]
        target.append(starts[rows] + before[rows] + place)
        before = before + part_lengths
    order = torch.empty(len(elements), dtype=torch.int64, device=device)
    order[torch.cat(target)] = torch.arange(len(elements), device=device)
    valid = torch.stack([c.validity() for c in columns]).all(0) if strict else None
    return lists.from_lengths(elements.take(order), lengths, valid)


def reverse(column: Column) -> Column:
    """list_reverse: each list's elements last to first."""
    starts, lengths = spans(column)
    rows, _, place = element_rows(starts, lengths)
    index = starts[rows] + lengths[rows] - 1 - place
    return lists.from_lengths(column.lists.elements.take(index), lengths, column.valid)


def flatten_nested(column: Column) -> Column:
    """flatten: each row's inner lists end to end (a NULL inner list counts as empty)."""
    rows, inner, _ = flatten(column)
    if inner.type is DataType.NULL:  # [NULL]: lists of no element
        nothing = torch.zeros(len(column), dtype=torch.int64, device=rows.device)
        return lists.from_lengths(inner.take(nothing[:0]), nothing, column.valid)
    _, elements, inner_lengths = flatten(inner)
    totals = torch.zeros(len(column), dtype=torch.int64, device=rows.device)
    totals.index_add_(0, rows, inner_lengths)
    return lists.from_lengths(elements, totals, column.valid)


def position(column: Column, needle: Column, literal: bool = False) -> Column:
    """list_position(l, x): the 1-based position of the first element equal to x (a NULL x
    finds the first NULL element), INTEGER; NULL where not found or l is NULL. `literal`: x
    is a string literal (`require_element_type`)."""
    from tqp.operators.expressions.logic import compare  # expressions imports this package

    rows, elements, lengths = flatten(column)
    require_element_type(elements, needle, literal, "list_position")
    n, device = len(column), lengths.device
    _, _, place = element_rows(torch.zeros_like(lengths), lengths)
    both_null = ~elements.validity() & ~gather(needle.validity(), rows)
    if elements.type is DataType.NULL or needle.type is DataType.NULL:
        hits = both_null
    else:
        equal = compare(operator.eq, elements, needle.take(rows), "LIST_POSITION")
        hits = (equal.values & equal.validity()) | both_null
    none = torch.iinfo(torch.int64).max
    best = torch.full((n,), none, dtype=torch.int64, device=device)
    best.scatter_reduce_(0, rows[hits], place[hits], "amin")
    found = best != none
    values = torch.where(found, best + 1, torch.zeros_like(best)).to(torch.int32)
    return Column(values, DataType.INTEGER, normalize_valid(found & column.validity()))


def has_any_all(left: Column, right: Column, every: bool) -> Column:
    """list_has_any(a, b) (some non-NULL element of b is in a) and list_has_all(a, b) (every
    non-NULL element of b is in a); NULL where a or b is NULL. Both lists' elements are sorted
    together by (row, value): each run of equal values tells whether a and b hold it."""
    from tqp.operators.batches import concat_columns

    n = len(left)
    rows_a, elements_a, _ = flatten(left)
    rows_b, elements_b, _ = flatten(right)
    require_comparable([elements_a, elements_b], "LIST_HAS_ALL" if every else "LIST_HAS_ANY")
    device = rows_a.device
    valid = normalize_valid(left.validity() & right.validity())
    if elements_b.type is DataType.NULL:  # b holds no value: nothing to find
        return Column(torch.full((n,), every, device=device), DataType.BOOLEAN, valid)
    if elements_a.type is DataType.NULL:  # a holds no value: b's values are all missing
        missing = torch.bincount(rows_b[elements_b.validity()], minlength=n) > 0
        return Column(~missing if every else torch.zeros_like(missing), DataType.BOOLEAN, valid)
    elements = concat_columns([elements_a, elements_b], "LIST_HAS_ALL" if every else "LIST_HAS_ANY")
    from_b = torch.cat([torch.zeros(len(elements_a), dtype=torch.bool, device=device),
                        torch.ones(len(elements_b), dtype=torch.bool, device=device)])
    rows, first, _, from_b = _runs(torch.cat([rows_a, rows_b]), elements,
                                   "LIST_HAS_ALL" if every else "LIST_HAS_ANY", from_b)
    run = torch.cumsum(first.long(), 0) - 1
    runs = int(first.sum())
    in_a = torch.zeros(runs, dtype=torch.bool, device=device)
    in_b = torch.zeros(runs, dtype=torch.bool, device=device)
    in_a[run[~from_b]] = True
    in_b[run[from_b]] = True
    run_rows = rows[first]
    if every:
        found = torch.bincount(run_rows[in_b & ~in_a], minlength=n) == 0
    else:
        found = torch.bincount(run_rows[in_b & in_a], minlength=n) > 0
    return Column(found, DataType.BOOLEAN, valid)


def aggregate(column: Column, func: str, param=None) -> Column:
    """list_aggregate(l, name): the aggregate `func` (a tqp aggregate name) of each list's
    elements, as the aggregate computes it over a group; NULL where l is NULL."""
    from tqp.operators.aggregation import reduce_groups
    from tqp.planner.logical import AggregateCall

    rows, elements, lengths = flatten(column)
    n = len(column)
    # An explicit mask: the aggregate kernels tell a group without rows (an empty list) by it.
    elements = replace(elements, valid=elements.validity())
    batch = Batch({"x": elements}, len(elements), lengths.device)
    call = AggregateCall(func, exp.column("x"), param=param)
    try:
        result = reduce_groups(call, batch, rows, n, lengths.device)
    except ProgrammingError as error:  # name the list function, not the aggregate inside it
        raise ProgrammingError(f"LIST_AGGREGATE(..., '{func}') of {elements.type.value} "
                               f"elements") from error
    return result.with_valid(result.validity() & column.validity())


# DuckDB's aggregate names list_aggregate takes -> tqp's aggregate functions.
AGGREGATES = {
    "sum": "sum", "min": "min", "max": "max", "avg": "avg", "mean": "avg", "count": "count",
    "first": "first", "arbitrary": "first", "last": "last", "any_value": "any_value",
    "string_agg": "string_agg", "listagg": "string_agg", "group_concat": "string_agg",
    "bool_and": "bool_and", "bool_or": "bool_or", "median": "median", "mode": "mode",
    "var_samp": "var_samp", "variance": "var_samp", "var_pop": "var_pop",
    "stddev_samp": "stddev_samp", "stddev": "stddev_samp", "stddev_pop": "stddev_pop",
}


def aggregate_name(name: str) -> str:
    func = AGGREGATES.get(name.lower())
    if func is None:
        raise NotSupportedError(f"LIST_AGGREGATE with the aggregate '{name}'")
    return func
