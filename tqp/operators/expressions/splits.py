"""Splitting strings into lists: string_split/str_split/string_to_array, string_split_regex and
split_part.

Each distinct string is split once (Arrow compute over the dictionary, on the host) into a list
array with one list per dictionary entry; a row's list is then its code, as a LIST column's
values number its lists (storage/column.py): no elements are copied per row.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlglot import exp

from tqp.errors import NotSupportedError
from tqp.operators import lists
from tqp.operators.expressions import evaluate, handles
from tqp.operators.expressions import handles_anonymous
from tqp.operators.expressions.lists import _index
from tqp.operators.expressions.strings import as_string, empty_where, require_string
from tqp.storage import dictionary as dicts
from tqp.storage.arrow import arrow_to_column
from tqp.storage.column import Batch, Column, null_column
from tqp.types import DataType


def characters(strings: pa.Array) -> pa.Array:
    """Each string as the list of its characters (UTF-8 code points), '' as []: a character
    starts at every byte that is not a continuation byte (0b10xxxxxx)."""
    strings = strings.cast(dicts.STRING)
    _, offsets_buffer, data_buffer = strings.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int64)[
        strings.offset:strings.offset + len(strings) + 1]
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else \
        np.zeros(0, dtype=np.uint8)
    lo, hi = int(offsets[0]), int(offsets[-1])
    starts = np.flatnonzero((data[lo:hi] & 0xC0) != 0x80) + lo
    bounds = np.append(starts, hi).astype(np.int64)
    chars = pa.LargeStringArray.from_buffers(len(starts), pa.py_buffer(bounds), data_buffer)
    list_offsets = np.searchsorted(starts, offsets).astype(np.int64)
    return pa.LargeListArray.from_arrays(pa.array(list_offsets), chars)


def _pieces(strings: pa.Array, separator: str | None, regex: bool) -> pa.Array:
    """One list per string: its pieces between separators (a NULL separator: the whole string;
    '' splits into characters)."""
    strings = strings.cast(dicts.STRING)
    if separator is None:
        return pa.LargeListArray.from_arrays(pa.array(np.arange(len(strings) + 1)), strings)
    if separator == "":
        return characters(strings)
    if regex:
        return pc.split_pattern_regex(strings, separator)
    return pc.split_pattern(strings, separator)


def split(column: Column, separator: str | None, regex: bool = False) -> Column:
    """The LIST column of each row's pieces: the dictionary's entries split once, a row's list
    numbered by its code."""
    column = as_string(column)
    entries = arrow_to_column(_pieces(column.dictionary, separator, regex), column.device)
    return Column(column.values.long(), DataType.LIST, column.valid, lists=entries.lists)


def _string(node: exp.Expression, batch: Batch, call: exp.Expression) -> Column:
    column = evaluate(node, batch)
    require_string(column, call)
    if column.type is DataType.NULL:
        return null_column(len(column), DataType.VARCHAR, column.device)
    return column


def _separator(node: exp.Expression, what: str) -> str | None:
    if isinstance(node, exp.Null):
        return None
    if isinstance(node, exp.Literal) and node.is_string:
        return node.this
    raise NotSupportedError(f"{what} with a separator that is not a constant string")


@handles(exp.Split)
def string_split(node: exp.Split, batch: Batch) -> Column:
    """string_split(s, sep)/str_split/string_to_array/split: VARCHAR[]; NULL for a NULL s, the
    whole string for a NULL sep, characters for ''."""
    if node.args.get("limit") is not None:
        raise NotSupportedError("STRING_SPLIT with a limit")
    separator = _separator(node.expression, "STRING_SPLIT")
    return split(_string(node.this, batch, node), separator)


@handles(exp.RegexpSplit)
def string_split_regex(node: exp.RegexpSplit, batch: Batch) -> Column:
    """string_split_regex(s, pattern): the pieces between matches of a constant pattern that
    cannot match the empty string (one that can, or holds a word-boundary assertion, is
    refused: Arrow's split does not end on an empty match)."""
    if node.args.get("limit") is not None or node.args.get("mode") is not None:
        raise NotSupportedError("STRING_SPLIT_REGEX with options")
    return _split_regex(node, node.this, node.expression, batch)


@handles_anonymous("regexp_split_to_array")
def regexp_split_to_array(node: exp.Anonymous, batch: Batch) -> Column:
    if len(node.expressions) != 2:
        raise NotSupportedError(f"{node.name.upper()} with {len(node.expressions)} arguments")
    return _split_regex(node, *node.expressions, batch)


def _split_regex(call: exp.Expression, target: exp.Expression, pattern: exp.Expression,
                 batch: Batch) -> Column:
    separator = _separator(pattern, "STRING_SPLIT_REGEX")
    if separator is None:
        raise NotSupportedError("STRING_SPLIT_REGEX with a NULL pattern")
    try:
        matches_empty = pc.match_substring_regex(pa.array([""]), separator)[0].as_py()
    except pa.ArrowInvalid as error:
        raise NotSupportedError(f"STRING_SPLIT_REGEX pattern {separator!r}: {error}") from error
    if matches_empty or "\\b" in separator or "\\B" in separator:  # may match '' inside
        raise NotSupportedError(f"STRING_SPLIT_REGEX with a pattern matching '' ({separator!r})")
    return split(_string(target, batch, call), separator, regex=True)


@handles(exp.SplitPart)
def split_part(node: exp.SplitPart, batch: Batch) -> Column:
    """split_part(s, sep, n): the n-th piece (1-based; negative counts from the end), '' for
    n = 0 or past the end; NULL where an argument is NULL."""
    delimiter, index = node.args.get("delimiter"), node.args.get("part_index")
    if delimiter is None or index is None:
        raise NotSupportedError("SPLIT_PART without a separator and a part number")
    string = _string(node.this, batch, node)
    separator = _separator(delimiter, "SPLIT_PART")
    if separator is None:
        return null_column(len(string), DataType.VARCHAR, string.device)
    n = _index(index, batch, "SPLIT_PART")
    piece = lists.extract(split(string, separator), n)
    missing = ~piece.validity() & string.validity() & n.validity()
    return empty_where(piece, missing)
