"""String distances to a constant: LEVENSHTEIN, HAMMING/MISMATCHES and JACCARD, in characters,
computed for every distinct string at once with numpy over a matrix of code points (one row a
string, padded), a bounded number of cells at a time.

DAMERAU_LEVENSHTEIN (which tracks each character's last place) and JARO_SIMILARITY and
JARO_WINKLER_SIMILARITY (whose matching is greedy, character by character) are not supported,
nor is a distance between two columns."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlglot import exp

from tqp.errors import DataError, NotSupportedError
from tqp.operators.expressions import evaluate, handles
from tqp.operators.expressions.coerce import gather_map
from tqp.operators.expressions import handles_anonymous
from tqp.operators.expressions.strings import (require_string, as_string, function_name,
                                               map_values)
from tqp.storage import dictionary as dicts
from tqp.storage.column import Batch, Column, null_column
from tqp.types import DataType

# The most code points one matrix of strings holds (rows x the longest string).
MAX_CELLS = 1 << 24
_PAD = -1


def _string_and_constant(node: exp.Expression, batch: Batch,
                         args: list[exp.Expression]) -> tuple[Column, str | None]:
    """The column argument and the constant one (None: NULL), in either order."""
    if len(args) != 2:
        raise NotSupportedError(f"{function_name(node)} with {len(args)} arguments")
    constant = [isinstance(a, exp.Null) or (isinstance(a, exp.Literal) and a.is_string)
                for a in args]
    if not any(constant):
        raise NotSupportedError(f"{function_name(node)} of two non-constant strings (one must "
                                "be a literal)")
    column_node, value_node = (args[1], args[0]) if constant[0] and not constant[1] else args
    column = evaluate(column_node, batch)
    require_string(column, node)
    value = None if isinstance(value_node, exp.Null) else value_node.this
    return column, value


def _per_entry(column: Column, fn, type_: DataType) -> Column:
    """fn(code point matrix, lengths) -> one value per distinct string, gathered by the rows."""
    column = as_string(column)
    strings = column.dictionary.cast(dicts.STRING)
    results = [fn(*code_points(strings.slice(start, step)))
               for start, step in _chunks(strings)]
    values = np.concatenate(results) if results else np.zeros(0)
    values = values.astype(np.float64 if type_ is DataType.DOUBLE else np.int64)
    return Column(gather_map(values, column.values), type_, column.valid)


def _chunks(strings: pa.Array):
    """(start, length) slices of `strings` whose code point matrices stay under MAX_CELLS."""
    longest = max(pc.max(pc.utf8_length(strings)).as_py() or 0, 1) if len(strings) else 1
    step = max(MAX_CELLS // longest, 1)
    return [(start, step) for start in range(0, len(strings), step)]


def code_points(strings: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(an int32 matrix of each string's code points, padded with -1; each string's length in
    characters), decoded from the UTF-8 bytes with numpy."""
    strings = strings.cast(dicts.STRING)
    offsets = np.frombuffer(strings.buffers()[1], np.int64)[strings.offset:][:len(strings) + 1]
    data = strings.buffers()[2]
    data = np.frombuffer(data, np.uint8) if data is not None else np.zeros(0, np.uint8)
    data = data[offsets[0]:offsets[-1]]
    offsets = offsets - offsets[0]
    if not (data >= 0x80).any():  # ASCII: a byte a character
        starts, code = np.arange(len(data)), data.astype(np.int32)
    else:
        starts = np.flatnonzero((data & 0xC0) != 0x80)
        width = np.diff(np.append(starts, len(data)))
        padded = np.concatenate([data, np.zeros(4, np.uint8)]).astype(np.int32)
        b = [padded[starts + k] for k in range(4)]
        code = np.select([width == 1, width == 2, width == 3], [b[0], b[0] & 0x1F, b[0] & 0x0F],
                         b[0] & 0x07)
        for k in range(1, 4):
            code = np.where(width > k, (code << 6) | (b[k] & 0x3F), code)
    first = np.searchsorted(starts, offsets[:-1])
    lengths = np.diff(np.append(first, len(starts)))
    matrix = np.full((len(lengths), max(int(lengths.max(initial=0)), 1)), _PAD, np.int32)
    rows = np.repeat(np.arange(len(lengths)), lengths)
    matrix[rows, np.arange(len(starts)) - first[rows]] = code
    return matrix, lengths


@handles(exp.Levenshtein)
def levenshtein(node: exp.Levenshtein, batch: Batch) -> Column:
    """LEVENSHTEIN(s, t) (EDITDIST3): the fewest insertions, deletions and substitutions of
    characters turning one into the other; one of the two must be a constant."""
    for arg in ("ins_cost", "del_cost", "sub_cost", "max_dist"):
        if node.args.get(arg) is not None:
            raise NotSupportedError("LEVENSHTEIN with costs or a maximum")
    column, value = _string_and_constant(node, batch, [node.this, node.expression])
    if value is None:
        return null_column(len(column), DataType.BIGINT, column.device)
    target = np.array([ord(c) for c in value], np.int32)
    return _per_entry(column, lambda m, lengths: _levenshtein(m, lengths, target),
                      DataType.BIGINT)


def _levenshtein(matrix: np.ndarray, lengths: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The edit distance of each row's string to `target`: the classic table, one row per
    character of `target`, each computed for all strings at once. Within a row the insertion
    chain d[k] = min(x[k], d[k-1] + 1) is a running minimum of x[k] - k, plus k."""
    columns = np.ascontiguousarray(matrix.T)  # a string a column: each step runs across them
    k = np.arange(len(columns) + 1, dtype=np.int32)[:, None]
    row = np.broadcast_to(k, (len(k), len(matrix))).copy()
    x = np.empty_like(row)
    for i, char in enumerate(target, start=1):
        x[0] = i
        np.minimum(row[1:] + 1, row[:-1] + (columns != char), out=x[1:])
        row = np.minimum.accumulate(x - k, axis=0) + k
    return row[lengths, np.arange(len(matrix))]


@handles_anonymous("hamming", "mismatches")
def hamming(node: exp.Anonymous, batch: Batch) -> Column:
    """HAMMING(s, t) / MISMATCHES: the number of places where two strings of the same length
    differ; an error for strings of different lengths or empty ones, as in DuckDB."""
    column, value = _string_and_constant(node, batch, node.expressions)
    if value is None:
        return null_column(len(column), DataType.BIGINT, column.device)
    target = np.array([ord(c) for c in value], np.int32)
    lengths = map_values(column, pc.utf8_length, DataType.BIGINT)
    present = lengths.validity()
    if bool((present & (lengths.values != len(target))).any()):
        raise DataError("Mismatch Function: Strings must be of equal length!")
    if not len(target) and bool(present.any()):
        raise DataError("Mismatch Function: Strings must be of length > 0!")
    return _per_entry(column, lambda m, n: _mismatches(m, target), DataType.BIGINT)


def _mismatches(matrix: np.ndarray, target: np.ndarray) -> np.ndarray:
    padded = np.full(matrix.shape[1], _PAD, np.int32)
    padded[:min(len(target), len(padded))] = target[:len(padded)]
    return (matrix != padded).sum(axis=1) if len(target) else np.zeros(len(matrix))


@handles_anonymous("jaccard")
def jaccard(node: exp.Anonymous, batch: Batch) -> Column:
    """JACCARD(s, t): |A ∩ B| / |A ∪ B| of the two strings' sets of characters; an error for
    an empty string, as in DuckDB."""
    column, value = _string_and_constant(node, batch, node.expressions)
    if value is None:
        return null_column(len(column), DataType.DOUBLE, column.device)
    lengths = map_values(column, pc.utf8_length, DataType.BIGINT)
    if bool((lengths.validity() & ((lengths.values == 0) | (not value))).any()):
        raise DataError("Jaccard Function: An argument too short!")
    target = np.unique(np.array([ord(c) for c in value], np.int32))
    return _per_entry(column, lambda m, n: _jaccard(m, target), DataType.DOUBLE)


def _jaccard(matrix: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Each row's share of characters with the set `target`: the rows are sorted, and each
    character counted at its first place."""
    ordered = np.sort(matrix, axis=1)
    first = np.ones(ordered.shape, bool)
    first[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    first &= ordered != _PAD
    distinct = first.sum(axis=1)
    shared = (first & np.isin(ordered, target)).sum(axis=1)
    union = distinct + len(target) - shared
    return shared / np.maximum(union, 1)


@handles_anonymous("damerau_levenshtein", "jaro_similarity")
@handles(exp.JarowinklerSimilarity)
def unsupported_distance(node: exp.Expression, batch: Batch) -> Column:
    raise NotSupportedError(f"{function_name(node)} (of the string distances tqp computes "
                            "LEVENSHTEIN, HAMMING and JACCARD)")

