"""String functions: computed once per dictionary entry with Arrow compute, then gathered by code.

A VARCHAR column has far fewer distinct values than rows, so LIKE, SUBSTRING, UPPER... run over
the sorted dictionary (host) and the per-row work is a single gather on the device.
"""

from __future__ import annotations


import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import torch
from sqlglot import exp

from tqp.errors import DataError, NotSupportedError, ProgrammingError
from tqp.storage import threads
from tqp.operators.expressions import MESSAGE_SQL_CHARS, evaluate, handles, user_sql
from tqp.operators.expressions.coerce import gather_map, to_type
from tqp.storage import dictionary as dicts
from tqp.storage.column import Batch, Column, and_valid, normalize_valid, null_column
from tqp.storage.gather import gather
from tqp.types import DataType


def as_string(column: Column) -> Column:
    return column if column.type is DataType.VARCHAR else to_type(column, DataType.VARCHAR)


def map_strings(column: Column, fn) -> Column:
    """Apply `fn` (Arrow string array -> Arrow string array) to each distinct value."""
    column = as_string(column)
    result = fn(column.dictionary.cast(dicts.STRING))
    codes, dictionary = dicts.encode(result)
    valid = column.valid
    if result.null_count:
        valid = and_valid(valid, gather_map(pc.is_valid(result).to_numpy(zero_copy_only=False), column.values))
    return Column(gather_map(codes, column.values), DataType.VARCHAR, valid, dictionary)


def map_values(column: Column, fn, type_: DataType) -> Column:
    """Apply `fn` (Arrow string array -> Arrow array of `type_`, element by element) to each
    distinct value."""
    column = as_string(column)
    result = _in_parallel(lambda part: fn(part.cast(dicts.STRING)), column.dictionary)
    valid = column.valid
    if result.null_count:
        valid = and_valid(valid, gather_map(pc.is_valid(result).to_numpy(zero_copy_only=False), column.values))
        result = result.fill_null(False if type_ is DataType.BOOLEAN else 0)
    values = np.asarray(result.to_numpy(zero_copy_only=False)).astype(
        torch.empty(0, dtype=type_.torch_dtype).numpy().dtype)
    return Column(gather_map(values, column.values), type_, valid)


# Arrow's string kernels run on one thread; a dictionary this long is split across torch's
# threads (Arrow releases the GIL), e.g. LIKE over 1.5M distinct comments.
PARALLEL_MIN_VALUES = 1 << 17


def _in_parallel(fn, values: pa.Array) -> pa.Array:
    """fn(values) for an element-wise `fn`, computed on slices in parallel when `values` is long."""
    parts = threads.slices(len(values), PARALLEL_MIN_VALUES)
    if len(parts) == 1:
        return fn(values)
    out = threads.run_slices(lambda start, length: fn(values.slice(start, length)), parts)
    return pa.concat_arrays([p.combine_chunks() if isinstance(p, pa.ChunkedArray) else p
                             for p in out])


def _constant_string(node: exp.Expression, what: str) -> str:
    if isinstance(node, exp.Literal) and node.is_string:
        return node.this
    raise NotSupportedError(f"{what} with a non-constant pattern")


def _constant_int(node: exp.Expression | None, what: str) -> int | None:
    if node is None:
        return None
    if isinstance(node, exp.Literal) and node.is_int:
        return int(node.this)
    if isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal) and node.this.is_int:
        return -int(node.this.this)
    raise NotSupportedError(f"{what} with non-constant positions")


@handles(exp.Like, exp.ILike)
def like(node: exp.Expression, batch: Batch, escape: str | None = None) -> Column:
    """[NOT] LIKE / ILIKE with a constant pattern. As in DuckDB, no character escapes unless
    `ESCAPE` names one (a backslash is an ordinary character)."""
    text = _constant_string(node.expression, "LIKE")
    ignore_case = isinstance(node, exp.ILike)
    regex = None if ignore_case else _unanchored_regex(text, escape)
    if regex is not None:
        match = lambda d: pc.match_substring_regex(d, regex)  # noqa: E731
    else:
        pattern = _arrow_like_pattern(text, escape)
        match = lambda d: pc.match_like(d, pattern, ignore_case=ignore_case)  # noqa: E731
    result = map_values(evaluate(node.this, batch), match, DataType.BOOLEAN)
    if node.args.get("negate"):
        return Column(~result.values, DataType.BOOLEAN, result.valid)
    return result


@handles(exp.Escape)
def like_escape(node: exp.Escape, batch: Batch) -> Column:
    """`x LIKE pattern ESCAPE 'c'`: `c` makes the next pattern character literal."""
    if not isinstance(node.this, (exp.Like, exp.ILike)):
        inner = node.this.this if isinstance(node.this, exp.Not) else node.this
        if isinstance(inner, (exp.SimilarTo, exp.Glob)):  # as DuckDB's parser and binder
            raise ProgrammingError(f"ESCAPE is not allowed with {function_name(inner)}")
        raise NotSupportedError(f"ESCAPE after {node.this.key.upper()}")
    escape = _constant_string(node.expression, "LIKE ... ESCAPE")
    if len(escape) > 1:
        raise ProgrammingError("LIKE ... ESCAPE: the escape string must be empty or one character")
    return like(node.this, batch, escape or None)


# Characters RE2 reads as operators, escaped in a literal part of a pattern.
_RE2_SPECIAL = frozenset("\\.^$|?*+()[]{}")


def _unanchored_regex(pattern: str, escape: str | None) -> str | None:
    """A LIKE pattern of two or more literal parts joined by `%`, starting and ending with `%`
    and with no `_` ('%red%car%'), as an unanchored RE2 expression ('(?s)red.*car'), or None
    for other patterns. Arrow's `match_like` anchors such a pattern ('^.*red.*car.*$'), which
    RE2 runs at every position; unanchored, RE2 skips ahead to the first part's first byte (a
    NOT LIKE over 1.5M distinct comments, one thread: 117 -> 95 ms). Patterns Arrow matches
    without a regex (one part: '%x%', 'x%', '%x') keep `match_like`."""
    parts, part = [], []
    for char, literal in _like_characters(pattern, escape):
        if literal:
            part.append("\\" + char if char in _RE2_SPECIAL else char)
        elif char == "_":
            return None
        else:  # %
            parts.append("".join(part))
            part = []
    parts.append("".join(part))
    if len(parts) < 3 or parts[0] or parts[-1]:  # not '%...%...%'
        return None
    literals = [p for p in parts if p]
    if len(literals) < 2:
        return None
    return "(?s)" + ".*".join(literals)


def _arrow_like_pattern(pattern: str, escape: str | None) -> str:
    """A SQL LIKE pattern rewritten for Arrow's `match_like`, whose escape is a backslash."""
    return "".join("\\" + char if literal and char in "%_\\" else char
                   for char, literal in _like_characters(pattern, escape))


def _like_characters(pattern: str, escape: str | None):
    """(character, literal) for each character a LIKE pattern matches: literal unless it is an
    unescaped `%` or `_`; the `escape` character itself is dropped."""
    chars = iter(pattern)
    for char in chars:
        if char == escape:
            char = next(chars, None)
            if char is None:
                raise ProgrammingError("LIKE pattern must not end with the escape character")
            yield char, True
        else:
            yield char, char not in "%_"


def substring_bounds(start: int, length: int | None):
    """Arrow slice bounds (begin, stop; stop None: to the end) of DuckDB's SUBSTRING(s, start,
    length), in characters: start 1 is the first character, 0 the place before it and -k the
    k-th from the end; a negative length takes the characters before `start`. DuckDB computes
    the range first and clips it to the string after, as Arrow's negative bounds do."""
    if start == 0:  # the range starts one character before the first
        if length is None:
            return 0, None
        return 0, max(length - 1, 0)
    begin = start - 1 if start > 0 else start  # a negative begin counts from the end
    if length is None:
        return begin, None
    if length < 0:
        return (max(begin + length, 0) if begin >= 0 else begin + length), begin
    stop = begin + length
    if begin < 0 and stop >= 0:  # past the end of the string
        stop = None
    return begin, stop


def _slice(d: pa.Array, begin: int, stop: int | None) -> pa.Array:
    if stop is None:
        return pc.utf8_slice_codeunits(d, begin)
    if stop <= begin:
        return pc.utf8_slice_codeunits(d, 0, 0)
    return pc.utf8_slice_codeunits(d, begin, stop)


@handles(exp.Substring)
def substring(node: exp.Substring, batch: Batch) -> Column:
    column = evaluate(node.this, batch)
    start, length = node.args.get("start"), node.args.get("length")
    if any(isinstance(a, exp.Null) for a in (start, length)):
        return null_column(len(column), DataType.VARCHAR, column.device)
    start = _constant_int(start, "SUBSTRING")
    start = 1 if start is None else start
    begin, stop = substring_bounds(start, _constant_int(length, "SUBSTRING"))
    return map_strings(column, lambda d: _slice(d, begin, stop))


@handles(exp.Left, exp.Right)
def left_right(node: exp.Expression, batch: Batch) -> Column:
    n = _constant_int(node.expression, node.sql_name())
    column = evaluate(node.this, batch)
    if isinstance(node, exp.Left):  # LEFT(s, -k): all but the last k characters
        return map_strings(column, lambda d: pc.utf8_slice_codeunits(d, 0, n) if n >= 0 else
                           pc.utf8_slice_codeunits(d, 0, n))
    if n > 0:
        return map_strings(column, lambda d: pc.utf8_slice_codeunits(d, -n))
    # RIGHT(s, -k): all but the first k characters
    return map_strings(column, lambda d: pc.utf8_slice_codeunits(d, -n) if n < 0 else _slice(d, 0, 0))


@handles(exp.Upper)
def upper(node, batch):
    return map_strings(evaluate(node.this, batch), pc.utf8_upper)


@handles(exp.Lower)
def lower(node, batch):
    return map_strings(evaluate(node.this, batch), pc.utf8_lower)


@handles(exp.Length)
def length(node, batch):
    column = evaluate(node.this, batch)
    if column.type is DataType.LIST:  # len(list) and length(list) count elements
        from tqp.operators.lists import length as list_length

        return list_length(column)
    return map_values(column, pc.utf8_length, DataType.BIGINT)


@handles(exp.Reverse)
def reverse(node, batch):
    return map_strings(evaluate(node.this, batch), pc.utf8_reverse)


@handles(exp.Trim)
def trim(node: exp.Trim, batch: Batch) -> Column:
    position = (node.args.get("position") or "BOTH").upper()
    chars = node.args.get("expression")
    column = evaluate(node.this, batch)
    text = " " if chars is None else _constant_or_null(chars, "TRIM")  # DuckDB: spaces only
    if text is None:
        return null_column(len(column), DataType.VARCHAR, column.device)
    fn = {"BOTH": pc.utf8_trim, "LEADING": pc.utf8_ltrim, "TRAILING": pc.utf8_rtrim}[position]
    return map_strings(column, lambda d: fn(d, characters=text))


@handles(exp.Replace)
def replace(node: exp.Replace, batch: Batch) -> Column:
    old = _constant_string(node.expression, "REPLACE")
    new = _constant_string(node.args.get("replacement"), "REPLACE")
    if old == "":
        return as_string(evaluate(node.this, batch))  # DuckDB: nothing to replace
    return map_strings(evaluate(node.this, batch), lambda d: pc.replace_substring(d, old, new))


@handles(exp.StrPosition)
def strpos(node: exp.StrPosition, batch: Batch) -> Column:
    """STRPOS/INSTR/POSITION: the character (not byte) position of the first occurrence of a
    constant needle, counted from 1; 0 if there is none, 1 for an empty needle."""
    if node.args.get("position") is not None or node.args.get("occurrence") is not None:
        raise NotSupportedError("POSITION with a start position or occurrence")
    column = evaluate(node.this, batch)
    needle = _constant_or_null(node.args["substr"], "POSITION")
    if needle is None:
        return null_column(len(column), DataType.BIGINT, column.device)
    return map_values(column, lambda d: _char_positions(d, needle), DataType.BIGINT)


def _char_positions(strings: pa.Array, needle: str) -> pa.Array:
    if needle == "":
        return pa.array(np.ones(len(strings), dtype=np.int64))
    found = pc.find_substring(strings, needle)  # a byte offset, -1 if not found
    if pc.all(pc.string_is_ascii(strings)).as_py() is not False:
        return pc.add(found, 1)
    before = pc.list_element(pc.split_pattern(strings, needle, max_splits=1), 0)
    return pc.if_else(pc.equal(found, -1), 0, pc.add(pc.utf8_length(before), 1))


def concat(columns: list[Column], skip_nulls: bool) -> Column:
    """Row-wise concatenation: distinct (code, code) pairs are joined once, then gathered."""
    if not skip_nulls and any(c.type is DataType.NULL for c in columns):
        return null_column(max(len(c) for c in columns), DataType.VARCHAR, columns[0].device)
    columns = [c for c in columns if c.type is not DataType.NULL] or columns[:1]
    if columns[0].type is DataType.NULL:  # every argument NULL: '' (DuckDB's concat)
        return _fixed_choice(torch.zeros(len(columns[0]), dtype=torch.bool,
                                         device=columns[0].device), "")
    result = as_string(columns[0])
    if skip_nulls:
        result = _empty_if_null(result)
    for column in columns[1:]:
        column = as_string(column)
        if skip_nulls:
            column = _empty_if_null(column)
        width = max(len(column.dictionary), 1)
        pairs = result.values.long() * width + column.values.long()
        unique, inverse = torch.unique(pairs, return_inverse=True)
        unique = unique.cpu().numpy()
        left = _with_entry(result.dictionary).take(pa.array(unique // width))
        right = _with_entry(column.dictionary).take(pa.array(unique % width))
        joined = pc.binary_join_element_wise(left.cast(dicts.STRING), right.cast(dicts.STRING),
                                             pa.scalar("", dicts.STRING))
        codes, dictionary = dicts.encode(joined)
        values = gather(dicts.to_device_map(codes, inverse.device), inverse)
        result = Column(values, DataType.VARCHAR, and_valid(result.valid, column.valid), dictionary)
    return result


def _with_entry(dictionary: pa.Array) -> pa.Array:
    """An all-NULL column's empty dictionary with one entry, for the code its NULL rows hold."""
    return dictionary if len(dictionary) else pa.array([""], dicts.STRING)


def _empty_if_null(column: Column) -> Column:
    if column.valid is None:
        return column
    return empty_where(column, ~column.valid)


def empty_where(column: Column, mask: torch.Tensor) -> Column:
    """A VARCHAR column with '' (not NULL) in the rows `mask` marks."""
    dictionary = dicts.union(column.dictionary, pa.array([""], dicts.STRING))
    mapping = dicts.to_device_map(dicts.remap(column.dictionary, dictionary), column.device)
    empty = int(dicts.lookup(dictionary, "")[0])
    values = mapping[column.values.long()] if len(column.dictionary) else torch.zeros_like(column.values)
    values = torch.where(mask, torch.full_like(values, empty), values)
    valid = None if column.valid is None else normalize_valid(column.valid | mask)
    return Column(values, DataType.VARCHAR, valid, dictionary)


@handles(exp.DPipe)
def dpipe(node: exp.DPipe, batch: Batch) -> Column:
    left, right = evaluate(node.this, batch), evaluate(node.expression, batch)
    if DataType.LIST in (left.type, right.type):
        from tqp.operators.expressions.list_functions import concat_operator
        return concat_operator(left, right)
    return concat([left, right], skip_nulls=False)


@handles(exp.Concat)
def concat_fn(node: exp.Concat, batch: Batch) -> Column:
    return concat([evaluate(e, batch) for e in node.expressions], skip_nulls=True)


def _fixed_choice(mask: torch.Tensor, text: str) -> Column:
    """A VARCHAR column holding `text` where `mask` is True and '' elsewhere (no NULLs)."""
    dictionary = pa.array(sorted({"", text}), dicts.STRING)
    code = int(dicts.lookup(dictionary, text)[0])
    values = torch.where(mask, torch.full_like(mask, code, dtype=torch.int32),
                         torch.zeros_like(mask, dtype=torch.int32))
    return Column(values, DataType.VARCHAR, None, dictionary)


@handles(exp.ConcatWs)
def concat_ws(node: exp.ConcatWs, batch: Batch) -> Column:
    """CONCAT_WS(sep, ...): the non-NULL arguments joined by `sep`; NULL only when `sep` is.

    The separator before an argument is a column of its own ('' or `sep`, by whether this row
    already holds a value and the argument is not NULL), so `concat` does all the joining."""
    separator, *args = node.expressions
    if not args:
        raise ProgrammingError("CONCAT_WS needs a separator and at least one value")
    columns = [evaluate(a, batch) for a in args]
    sep = _constant_or_null(separator, "CONCAT_WS")
    if sep is None:
        return null_column(batch.num_rows, DataType.VARCHAR, columns[0].device)
    seen = torch.zeros(batch.num_rows, dtype=torch.bool, device=columns[0].device)
    pieces = []
    for column in columns:
        valid = column.validity() if column.type is not DataType.NULL else torch.zeros_like(seen)
        if pieces:
            pieces.append(_fixed_choice(seen & valid, sep))
        pieces.append(column)
        seen = seen | valid
    return concat(pieces, skip_nulls=True)


def _constant_or_null(node: exp.Expression, what: str) -> str | None:
    """A constant string argument; None for a NULL literal (the function's result is NULL)."""
    if isinstance(node, exp.Null):
        return None
    return _constant_string(node, what)


def _null_boolean(column: Column) -> Column:
    return null_column(len(column), DataType.BOOLEAN, column.device)


_AFFIX_TESTS = {exp.StartsWith: pc.starts_with, exp.EndsWith: pc.ends_with,
                exp.Contains: pc.match_substring}


@handles(*_AFFIX_TESTS)
def affix_test(node: exp.Expression, batch: Batch) -> Column:
    """STARTS_WITH, ENDS_WITH, CONTAINS with a constant needle."""
    column = evaluate(node.this, batch)
    needle = _constant_or_null(node.expression, node.sql_name())
    if needle is None:
        return _null_boolean(column)
    require_string(column, node)
    test = _AFFIX_TESTS[type(node)]
    return map_values(column, lambda d: test(d, needle), DataType.BOOLEAN)


def require_string(column: Column, node: exp.Expression) -> None:
    """Raise ProgrammingError unless `column` is VARCHAR (or an untyped NULL), as DuckDB's binder
    refuses other types for string-only functions."""
    if column.type not in (DataType.VARCHAR, DataType.NULL):
        raise ProgrammingError(f"{function_name(node)} of a {column.type.value} value: "
                               f"{user_sql(node)[:MESSAGE_SQL_CHARS]}")


_OPERATOR_NAMES = {exp.SimilarTo: "SIMILAR TO", exp.Glob: "GLOB"}


def function_name(node: exp.Expression) -> str:
    """The name of the function (or operator) `node` calls, for messages."""
    if isinstance(node, exp.Anonymous):
        return node.name.upper()
    if isinstance(node, exp.Func):
        return node.sql_name()
    return _OPERATOR_NAMES.get(type(node), node.key.upper())


@handles(exp.Pad)
def pad(node: exp.Pad, batch: Batch) -> Column:
    """LPAD/RPAD(s, n, fill): `s` cut to n characters, or filled up to n with `fill` repeated."""
    column = evaluate(node.this, batch)
    what = "LPAD" if node.args.get("is_left") else "RPAD"
    fill_node = node.args.get("fill_pattern")
    if fill_node is None:
        raise ProgrammingError(f"{what} needs a fill string: {node.sql(dialect='duckdb')[:80]}")
    width = _constant_int_or_null(node.expression, what)
    fill = _constant_or_null(fill_node, what)
    if width is None or fill is None:
        return null_column(len(column), DataType.VARCHAR, column.device)
    width = max(width, 0)
    if fill == "":
        short = map_values(column, lambda d: pc.less(pc.utf8_length(d), width), DataType.BOOLEAN)
        if bool((short.values & short.validity()).any()):
            raise DataError(f"Insufficient padding in {what}")
    left = bool(node.args.get("is_left"))
    return map_strings(column, lambda d: _pad_entries(d, width, fill, left))


def _pad_entries(d: pa.Array, width: int, fill: str, left: bool) -> pa.Array:
    cut = pc.utf8_slice_codeunits(d, 0, width)
    missing = width - pc.utf8_length(cut).fill_null(width).to_numpy(zero_copy_only=False)
    if fill == "" or not missing.any():
        return cut
    # One padding string per distinct missing length, then a take: no loop over the entries.
    lengths, which = np.unique(missing, return_inverse=True)
    repeated = fill * (width // len(fill) + 1)
    pads = pa.array([repeated[:k] for k in lengths], dicts.STRING).take(pa.array(which))
    parts = (pads, cut) if left else (cut, pads)
    return pc.binary_join_element_wise(*parts, pa.scalar("", dicts.STRING))


def _constant_int_or_null(node: exp.Expression, what: str) -> int | None:
    if isinstance(node, exp.Null):
        return None
    if _is_int_literal(node):
        return _constant_int(node, what)
    raise NotSupportedError(f"{what} with a non-constant length")


def _is_int_literal(node: exp.Expression) -> bool:
    inner = node.this if isinstance(node, exp.Neg) else node
    return isinstance(inner, exp.Literal) and inner.is_int


@handles(exp.Repeat)
def repeat(node: exp.Repeat, batch: Batch) -> Column:
    column = evaluate(node.this, batch)
    times = _constant_int_or_null(node.args["times"], "REPEAT")
    if times is None:
        return null_column(len(column), DataType.VARCHAR, column.device)
    return map_strings(column, lambda d: pc.binary_repeat(d, max(times, 0)))


# The highest Unicode code point, and the surrogates, which no UTF-8 string may hold.
MAX_CODE_POINT = 0x10FFFF
SURROGATES = (0xD800, 0xDFFF)


@handles(exp.Chr)
def chr_(node: exp.Chr, batch: Batch) -> Column:
    """CHR(code): the one-character string of a Unicode code point (an error past Unicode or
    for a surrogate, as in DuckDB). Each distinct code is formatted once."""
    if len(node.expressions) != 1:
        raise NotSupportedError("CHR with more than one argument")
    argument = node.expressions[0]
    column = evaluate(argument, batch)
    if column.type is DataType.NULL:
        return null_column(len(column), DataType.VARCHAR, column.device)
    if column.type is DataType.VARCHAR and isinstance(argument, exp.Literal):
        column = to_type(column, DataType.INTEGER)  # a string constant casts, as in DuckDB
    if not column.type.is_integer:
        raise ProgrammingError(f"no function matches chr({column.type.value}): it takes an "
                               "INTEGER code point")
    points = column.values.long()
    if column.valid is not None:  # NULL rows hold any value: never an error
        points = torch.where(column.valid, points, torch.zeros_like(points))
    unique, inverse = torch.unique(points, return_inverse=True)
    bad = (unique < 0) | (unique > MAX_CODE_POINT) | \
        ((unique >= SURROGATES[0]) & (unique <= SURROGATES[1]))
    if bool(bad.any()):
        raise DataError(f"Invalid UTF8 Codepoint {int(unique[bad][0])}")
    text = pa.array([chr(c) for c in unique.tolist()], pa.string())  # distinct codes only
    codes, dictionary = dicts.encode(text)
    values = gather(dicts.to_device_map(codes, column.device), inverse)
    return Column(values, DataType.VARCHAR, column.valid, dictionary)


@handles(exp.Ascii, exp.Unicode)
def first_code_point(node: exp.Expression, batch: Batch) -> Column:
    """ASCII(s) / UNICODE(s): the code point of the first character of `s`; for '' ASCII
    gives 0 and UNICODE -1, as in DuckDB."""
    empty = 0 if isinstance(node, exp.Ascii) else -1
    return map_values(evaluate(node.this, batch), lambda d: _first_code_points(d, empty),
                      DataType.INTEGER)


def _first_code_points(strings: pa.Array, empty: int) -> pa.Array:
    """The code point of each string's first character (`empty` for ''), decoded from its
    UTF-8 bytes."""
    first = pc.utf8_slice_codeunits(strings, 0, 1).cast(pa.large_string())
    offsets = np.frombuffer(first.buffers()[1], dtype=np.int64)[first.offset:][:len(first) + 1]
    data = first.buffers()[2]
    data = np.concatenate([np.frombuffer(data, dtype=np.uint8) if data is not None
                           else np.zeros(0, np.uint8), np.zeros(4, np.uint8)]).astype(np.int64)
    start, width = offsets[:-1], np.diff(offsets)
    b = [data[start + k] for k in range(4)]
    lead_bits = np.select([width == 1, width == 2, width == 3], [b[0], b[0] & 0x1F, b[0] & 0x0F],
                          b[0] & 0x07)
    code = lead_bits
    for k in range(1, 4):
        code = np.where(width > k, (code << 6) | (b[k] & 0x3F), code)
    code = np.where(width == 0, empty, code)
    mask = None if not strings.null_count else ~pc.is_valid(strings).to_numpy(zero_copy_only=False)
    return pa.array(code.astype(np.int32), mask=mask)
