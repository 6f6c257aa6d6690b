"""More of DuckDB's string functions, each run once per dictionary entry (strings.py): byte
lengths, GLOB and SIMILAR TO, TRANSLATE, STRIP_ACCENTS, NFC_NORMALIZE, ORD, PREFIX/SUFFIX,
HEX/BIN of strings and integers, `s[i]` and `s[a:b]` on strings, and MD5/SHA1/SHA256."""

from __future__ import annotations

import hashlib

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import torch
from sqlglot import exp

from tqp.errors import DataError, NotSupportedError, ProgrammingError
from tqp.operators.expressions import _ROW_DEPENDENT, evaluate, handles
from tqp.operators.expressions import handles_anonymous
from tqp.operators.expressions.formatting import _distinct, _hex
from tqp.operators.expressions.regex import _RE2_OPERATORS, _run
from tqp.operators.expressions.strings import (_constant_or_null, _first_code_points, as_string,
                                               _null_boolean, require_string, map_strings,
                                               map_values)
from tqp.storage import dictionary as dicts
from tqp.storage.column import Batch, Column, null_column
from tqp.storage.gather import gather
from tqp.types import DataType


def _string(node: exp.Expression, batch: Batch, call: exp.Expression) -> Column:
    """A string argument: VARCHAR (or an untyped NULL); anything else is DuckDB's binder error."""
    column = evaluate(node, batch)
    require_string(column, call)
    return column


def _arguments(node: exp.Anonymous, count: int) -> list[exp.Expression]:
    if len(node.expressions) != count:
        raise ProgrammingError(f"{node.name.upper()} takes {count} argument"
                               f"{'s' if count > 1 else ''}, not {len(node.expressions)}")
    return node.expressions


# -- byte lengths ----------------------------------------------------------------------------

@handles_anonymous("strlen")
def strlen(node: exp.Anonymous, batch: Batch) -> Column:
    """STRLEN(s): the number of bytes of `s` (UTF-8)."""
    (arg,) = _arguments(node, 1)
    column = _string(arg, batch, node)
    return map_values(column, pc.binary_length, DataType.BIGINT)


@handles(exp.BitLength)
def bit_length(node: exp.BitLength, batch: Batch) -> Column:
    """BIT_LENGTH(s): eight times the number of bytes of `s`."""
    column = _string(node.this, batch, node)
    return map_values(column, lambda d: pc.multiply(pc.binary_length(d).cast(pa.int64()), 8),
                      DataType.BIGINT)


@handles_anonymous("octet_length")
def octet_length(node: exp.Anonymous, batch: Batch) -> Column:
    """OCTET_LENGTH takes BLOB and BIT values, which tqp has no type for; of a string it is
    DuckDB's binder error."""
    (arg,) = _arguments(node, 1)
    column = evaluate(arg, batch)
    raise ProgrammingError(f"OCTET_LENGTH takes a BLOB or BIT value, not {column.type.value} (as "
                           "in DuckDB; STRLEN counts a string's bytes)")


# -- GLOB and SIMILAR TO -------------------------------------------------------------------------

@handles(exp.SimilarTo)
def similar_to(node: exp.SimilarTo, batch: Batch) -> Column:
    """`s SIMILAR TO pattern`: DuckDB's REGEXP_FULL_MATCH (RE2; `.` does not match a newline)."""
    pattern = _constant_or_null(node.expression, "SIMILAR TO")
    column = _string(node.this, batch, node)
    if pattern is None:
        return _null_boolean(column)
    full = rf"\A(?:{pattern})\z"
    return _run("SIMILAR TO", map_values, column, lambda d: pc.match_substring_regex(d, full),
                DataType.BOOLEAN)


@handles(exp.Glob)
def glob(node: exp.Glob, batch: Batch) -> Column:
    """`s GLOB pattern`: `*` any characters, `?` one character, `[abc]`/`[a-z]`/`[!a-z]` one of
    (or none of) a set, `\\` makes the next character literal; the whole string must match."""
    pattern = _constant_or_null(node.expression, "GLOB")
    column = _string(node.this, batch, node)
    if pattern is None:
        return _null_boolean(column)
    regex = glob_regex(pattern)
    if regex is None:  # a pattern that matches nothing
        return map_values(column, lambda d: pc.equal(pc.binary_length(d), -1), DataType.BOOLEAN)
    return map_values(column, lambda d: pc.match_substring_regex(d, regex), DataType.BOOLEAN)


def _literal(char: str) -> str:
    return "\\" + char if char in _RE2_OPERATORS else char


def _class_member(char: str) -> str:
    return f"\\x{{{ord(char):x}}}"


def glob_regex(pattern: str) -> str | None:
    """The RE2 pattern of a DuckDB GLOB pattern; None if it can match no string (a trailing
    backslash, a bracket without its end, a set that holds no character)."""
    out, i, n = [], 0, len(pattern)
    while i < n:
        char = pattern[i]
        if char == "*":
            out.append(".*")
        elif char == "?":
            out.append(".")
        elif char == "\\":
            i += 1
            if i == n:
                return None
            out.append(_literal(pattern[i]))
        elif char == "[":
            i, members, invert = _glob_bracket(pattern, i + 1)
            if members is None:
                return None
            if not members:
                if not invert:
                    return None
                out.append(".")
            else:
                out.append(("[^" if invert else "[") + "".join(members) + "]")
            continue
        else:
            out.append(_literal(char))
        i += 1
    return r"(?s)\A" + "".join(out) + r"\z"


def _glob_bracket(pattern: str, i: int) -> tuple[int, list[str] | None, bool]:
    """(the position after the set, its members as RE2 class items (None: no closing bracket),
    whether it is inverted) of the set starting at `pattern[i]`, after its `[`. A `]` first
    is a member; `a-z` is a range unless `]` follows the dash."""
    n = len(pattern)
    invert = i < n and pattern[i] == "!"
    if invert:
        i += 1
    start, members = i, []
    while i < n:
        char = pattern[i]
        if char == "]" and i > start:
            return i + 1, members, invert
        if i + 1 == n:
            break
        if pattern[i + 1] == "-" and i + 2 < n and pattern[i + 2] != "]":
            high = pattern[i + 2]
            if char <= high:
                members.append(f"{_class_member(char)}-{_class_member(high)}")
            i += 3
        else:
            members.append(_class_member(char))
            i += 1
    return n, None, invert


# -- TRANSLATE, STRIP_ACCENTS, NFC_NORMALIZE, ORD, PREFIX, SUFFIX ------------------------------

@handles(exp.Translate)
def translate(node: exp.Translate, batch: Batch) -> Column:
    """TRANSLATE(s, from, to): each character of `s` found in `from` becomes the character at
    the same place in `to`, or is dropped when `to` is shorter (the first place counts)."""
    column = _string(node.this, batch, node)
    source = _constant_or_null(node.args["from_"], "TRANSLATE")
    target = _constant_or_null(node.args["to"], "TRANSLATE")
    if source is None or target is None:
        return null_column(len(column), DataType.VARCHAR, column.device)
    mapping: dict[str, str] = {}
    for k, char in enumerate(source):
        mapping.setdefault(char, target[k] if k < len(target) else "")
    mapping = {c: t for c, t in mapping.items() if c != t}
    if not mapping:
        return as_string(column)
    return map_strings(column, lambda d: _translate(d, mapping))


# Placeholders for TRANSLATE: characters of Unicode's private use planes.
_PRIVATE_USE = range(0x10FFFD, 0xF0000, -1)


def _translate(strings: pa.Array, mapping: dict[str, str]) -> pa.Array:
    """Every character replaced at once: each first becomes a placeholder no string holds, so
    that a replacement is never replaced again; then each placeholder its replacement."""
    free = (chr(c) for c in _PRIVATE_USE
            if not pc.any(pc.match_substring(strings, chr(c))).as_py())
    holders = {char: next(free) for char in mapping}
    for char, holder in holders.items():
        strings = pc.replace_substring(strings, char, holder)
    for char, holder in holders.items():
        strings = pc.replace_substring(strings, holder, mapping[char])
    return strings


@handles_anonymous("strip_accents")
def strip_accents(node: exp.Anonymous, batch: Batch) -> Column:
    """STRIP_ACCENTS(s): `s` decomposed, without its combining marks, recomposed (utf8proc's
    STRIPMARK, as in DuckDB: ligatures and letters such as ø stay)."""
    (arg,) = _arguments(node, 1)
    return map_strings(_string(arg, batch, node), lambda d: pc.utf8_normalize(
        pc.replace_substring_regex(pc.utf8_normalize(d, "NFD"), r"\p{M}+", ""), "NFC"))


@handles_anonymous("nfc_normalize")
def nfc_normalize(node: exp.Anonymous, batch: Batch) -> Column:
    """NFC_NORMALIZE(s): `s` in Unicode's normalization form C."""
    (arg,) = _arguments(node, 1)
    return map_strings(_string(arg, batch, node), lambda d: pc.utf8_normalize(d, "NFC"))


@handles_anonymous("ord")
def ord_(node: exp.Anonymous, batch: Batch) -> Column:
    """ORD(s): UNICODE(s), the first character's code point (-1 for '')."""
    (arg,) = _arguments(node, 1)
    column = _string(arg, batch, node)
    return map_values(column, lambda d: _first_code_points(d, -1), DataType.INTEGER)


_AFFIXES = {"prefix": pc.starts_with, "suffix": pc.ends_with}


@handles_anonymous(*_AFFIXES)
def prefix_suffix(node: exp.Anonymous, batch: Batch) -> Column:
    """PREFIX(s, p) / SUFFIX(s, p): does `s` start (end) with the constant `p`."""
    arg, needle_node = _arguments(node, 2)
    name = node.name.upper()
    needle = _constant_or_null(needle_node, name)
    column = _string(arg, batch, node)
    if needle is None:
        return _null_boolean(column)
    test = _AFFIXES[node.name.lower()]
    return map_values(column, lambda d: test(d, needle), DataType.BOOLEAN)


# -- HEX and BIN ------------------------------------------------------------------------------

_HEX_TABLE = np.frombuffer(b"".join(f"{b:02X}".encode() for b in range(256)),
                           np.uint8).reshape(256, 2)
_BIN_TABLE = np.frombuffer(b"".join(f"{b:08b}".encode() for b in range(256)),
                           np.uint8).reshape(256, 8)


@handles(exp.Hex)
def hex_(node: exp.Hex, batch: Batch) -> Column:
    """HEX/TO_HEX: a string's bytes as upper-case hexadecimal digits, two a byte; an integer's
    digits without leading zeros (a negative one as its two's complement in 64 bits, 128 for
    a HUGEINT)."""
    return _digits(node, batch, "HEX", _HEX_TABLE,
                   lambda v, bits: pc.utf8_upper(_hex(v, bits, upper=False)))


@handles(exp.ToBinary)
def to_binary(node: exp.ToBinary, batch: Batch) -> Column:
    """BIN/TO_BINARY: a string's bytes as binary digits, eight a byte; an integer's digits
    without leading zeros (two's complement, as HEX)."""
    if node.args.get("format") is not None:
        raise NotSupportedError("TO_BINARY with a format")
    return _digits(node, batch, "BIN", _BIN_TABLE, _binary)


@handles_anonymous("bin")
def bin_(node: exp.Anonymous, batch: Batch) -> Column:
    (arg,) = _arguments(node, 1)
    return _digits(exp.ToBinary(this=arg), batch, "BIN", _BIN_TABLE, _binary)


def _digits(node: exp.Expression, batch: Batch, what: str, table: np.ndarray, integers) -> Column:
    column = evaluate(node.this, batch)
    if column.type is DataType.NULL:
        return null_column(len(column), DataType.VARCHAR, column.device)
    if column.type is DataType.VARCHAR:
        return map_strings(column, lambda d: _byte_digits(d, table))
    if column.type is DataType.FLOAT:  # as DuckDB: through a DOUBLE
        column = Column(column.as_double(), DataType.DOUBLE, column.valid)
    if column.type is DataType.DOUBLE:  # rounded to an integer, written with a sign
        return _distinct(_rounded(column, what), lambda v: integers(v.numpy(), 0))
    if not column.type.is_integer:
        raise ProgrammingError(f"no function matches {what.lower()}({column.type.value}): it "
                               "takes a VARCHAR or an integer")
    if column.holds_wide:
        raise NotSupportedError(f"{what} of a HUGEINT past BIGINT's range")
    bits = 128 if column.type is DataType.HUGEINT else 64
    return _distinct(column, lambda v: integers(v.numpy(), bits))


# DuckDB turns a DOUBLE into a BIGNUM; below this magnitude an int64 holds it.
_INT64_DOUBLES = 2.0 ** 63


def _rounded(column: Column, what: str) -> Column:
    """A DOUBLE column rounded half to even into BIGINT, as DuckDB's cast to BIGNUM rounds."""
    values = column.values
    if column.valid is not None:
        values = torch.where(column.valid, values, torch.zeros_like(values))
    if not bool((values.abs() < _INT64_DOUBLES).all()):  # NaN and infinities too
        raise NotSupportedError(f"{what} of a DOUBLE that is not finite or past BIGINT's range")
    return Column(torch.round(values).long(), DataType.BIGINT, column.valid)


def _byte_digits(strings: pa.Array, table: np.ndarray) -> pa.Array:
    """Each string's bytes written as the rows of `table` (256 rows of digits), with numpy
    over the whole data buffer."""
    b = strings.cast(pa.large_binary())
    width = table.shape[1]
    offsets = np.frombuffer(b.buffers()[1], np.int64)[:b.offset + len(b) + 1]
    data = b.buffers()[2]
    data = np.frombuffer(data, np.uint8)[:offsets[-1]] if data is not None else \
        np.zeros(0, np.uint8)
    chars = np.ascontiguousarray(table[data]).tobytes()
    return pa.LargeStringArray.from_buffers(len(b), pa.py_buffer((offsets * width).tobytes()),
                                            pa.py_buffer(chars), b.buffers()[0],
                                            offset=b.offset)


_BITS = 64


def _binary(values: np.ndarray, bits: int) -> pa.Array:
    """Binary digits of int64 values without leading zeros; a negative value's two's
    complement in `bits` bits (64, or 128 for a HUGEINT), or with bits 0 `-` and its
    magnitude."""
    values = values.astype(np.int64)
    negative = values < 0
    magnitude = values.view(np.uint64) if bits else np.abs(values).view(np.uint64)
    shifts = np.arange(_BITS - 1, -1, -1, dtype=np.uint64)
    digits = ((magnitude[:, None] >> shifts[None, :]) & np.uint64(1)).astype(np.uint8)
    data = pa.py_buffer(np.ascontiguousarray(digits + ord("0")).tobytes())
    offsets = pa.py_buffer((np.arange(len(values) + 1, dtype=np.int32) * _BITS).tobytes())
    padded = pa.StringArray.from_buffers(len(values), offsets, data)
    text = pc.utf8_ltrim(padded, "0")
    text = pc.if_else(pc.equal(text, ""), "0", text)
    if bits == 128 and negative.any():  # the high word: all ones
        text = pc.if_else(pa.array(negative),
                          pc.binary_join_element_wise("1" * _BITS, padded, ""), text)
    elif not bits and negative.any():
        text = pc.if_else(pa.array(negative), pc.binary_join_element_wise("-", text, ""), text)
    return text


# -- s[i], s[a:b] ----------------------------------------------------------------------------

def string_element(column: Column, index: Column, index_node: exp.Expression) -> Column:
    """`s[i]` / ARRAY_EXTRACT(s, i) of a VARCHAR: the i-th character (1-based; negative from the
    end), '' past either end or for 0; NULL for a NULL index."""
    if _varies(index_node):
        i = index.values.long()
        _check_offset(column, i, index.valid)
        begin = torch.where(i > 0, i - 1, torch.where(i == 0, 0, i))
        stop = torch.where(i > 0, i, torch.where(i == 0, 0,
                                                 torch.where(i == -1, _END, i + 1)))
        return _slice_rows(column, begin, stop, index.valid)
    position = _position(index)
    if position is None:
        return null_column(len(column), DataType.VARCHAR, column.device)
    _check_offset(column, torch.tensor([position]), None)
    if position == 0:
        begin, stop = 0, 0
    elif position > 0:
        begin, stop = position - 1, position
    else:
        begin, stop = position, (position + 1 if position < -1 else None)
    return map_strings(column, lambda d: _slice(d, begin, stop))


def string_slice(column: Column, first: Column | None, last: Column | None,
                 nodes: tuple[exp.Expression | None, exp.Expression | None]) -> Column:
    """`s[a:b]` / ARRAY_SLICE(s, a, b) of a VARCHAR: characters a to b, 1-based and inclusive,
    negative from the end, clamped to the string; NULL for a NULL bound."""
    if any(node is not None and _varies(node) for node in nodes):
        n, device = len(column), column.device
        a = first.values.long() if first is not None else torch.zeros(n, dtype=torch.long,
                                                                       device=device)
        b = last.values.long() if last is not None else torch.full((n,), -1, device=device)
        begin = torch.where(a > 0, a - 1, torch.where(a == 0, 0, a))
        stop = torch.where(b == -1, _END, torch.where(b < -1, b + 1, b))
        valid = None
        for bound in (first, last):
            if bound is not None and bound.valid is not None:
                valid = bound.valid if valid is None else valid & bound.valid
        return _slice_rows(column, begin, stop, valid)
    a = None if first is None else _position(first)
    b = None if last is None else _position(last)
    if (first is not None and a is None) or (last is not None and b is None):
        return null_column(len(column), DataType.VARCHAR, column.device)
    begin = 0 if a is None or a == 0 else (a - 1 if a > 0 else a)
    if b is None or b == -1:
        stop = None
    else:
        stop = b if b >= 0 else b + 1
    return map_strings(column, lambda d: _slice(d, begin, stop))


# The character positions `s[i]` takes, as in DuckDB.
MIN_OFFSET, MAX_OFFSET = -(1 << 32), (1 << 32) - 1


def _check_offset(column: Column, index: torch.Tensor, valid: torch.Tensor | None) -> None:
    """DuckDB's error for `s[i]` outside MIN_OFFSET..MAX_OFFSET, on a row where neither is
    NULL."""
    index = index.to(column.device)
    for past, text in ((index > MAX_OFFSET, f"> {MAX_OFFSET}"), (index < MIN_OFFSET,
                                                                f"< {MIN_OFFSET}")):
        if not bool(past.any()):
            continue
        if len(past) == 1:  # a constant position
            past = past.expand(len(column))
        rows = column.validity() & past
        if valid is not None:
            rows &= valid
        if bool(rows.any()):
            raise DataError(f"Substring offset outside of supported range ({text})")


def _varies(node: exp.Expression) -> bool:
    """Can a subscript position differ from row to row?"""
    return any(isinstance(n, _ROW_DEPENDENT) for n in node.walk())


def _position(index: Column) -> int | None:
    """A constant subscript position (None: NULL)."""
    if len(index) == 0:
        return 0
    if not bool(index.validity()[0]):
        return None
    return int(index.values[0])


def _slice(d: pa.Array, begin: int, stop: int | None) -> pa.Array:
    return pc.utf8_slice_codeunits(d, begin) if stop is None else \
        pc.utf8_slice_codeunits(d, begin, stop)


# A slice stop past any string's end.
_END = 1 << 62


def _slice_rows(column: Column, begin: torch.Tensor, stop: torch.Tensor,
                valid: torch.Tensor | None) -> Column:
    """Per row, the characters begin..stop of its string as Python slices them (negative
    counts from the end): each distinct (string, begin, stop) is cut once, with numpy over
    the dictionary's bytes, and the rows gather the results."""
    column = _string_column(column)
    if valid is not None:
        valid = valid if column.valid is None else valid & column.valid
    else:
        valid = column.valid
    if len(column) == 0:
        return Column(column.values, DataType.VARCHAR, valid, column.dictionary)
    # Bounds past the longest string cut as its length does: clamped, each triple is one key.
    longest = pc.max(pc.utf8_length(column.dictionary)).as_py() + 1
    width = 2 * longest + 1
    begin, stop = begin.clamp(-longest, longest), stop.clamp(-longest, longest)
    codes = column.values.long()
    if len(column.dictionary) * width * width < 1 << 62:
        key = (codes * width + begin + longest) * width + stop + longest
        unique, inverse = torch.unique(key, return_inverse=True)
        unique = unique.cpu().numpy()
        unique = np.stack([unique // (width * width), unique // width % width - longest,
                           unique % width - longest], axis=1)
    else:
        unique, inverse = torch.unique(torch.stack([codes, begin, stop], dim=1), dim=0,
                                       return_inverse=True)
        unique = unique.cpu().numpy()
    pieces = _cut(column.dictionary, unique[:, 0], unique[:, 1], unique[:, 2])
    codes, dictionary = dicts.encode(pieces)
    values = gather(dicts.to_device_map(codes, column.device), inverse)
    return Column(values, DataType.VARCHAR, valid, dictionary)


def _string_column(column: Column) -> Column:
    if len(column.dictionary) == 0:  # NULL throughout: one entry for the codes to name
        return Column(torch.zeros_like(column.values), DataType.VARCHAR, column.valid,
                      pa.array([""], dicts.STRING))
    return column


def _cut(dictionary: pa.Array, entry: np.ndarray, begin: np.ndarray,
         stop: np.ndarray) -> pa.Array:
    """dictionary[entry[k]][begin[k]:stop[k]] for every k, in characters (UTF-8 decoded by
    the positions of the bytes that start a character)."""
    strings = dictionary.cast(dicts.STRING)
    offsets = np.frombuffer(strings.buffers()[1], np.int64)[strings.offset:][:len(strings) + 1]
    data = strings.buffers()[2]
    data = np.frombuffer(data, np.uint8) if data is not None else np.zeros(0, np.uint8)
    data = data[:offsets[-1]]
    starts = np.flatnonzero((data & 0xC0) != 0x80)  # the byte where each character starts
    starts = np.append(starts, offsets[-1]).astype(np.int64)
    first_char = np.searchsorted(starts, offsets)  # each string's first character
    length = np.diff(first_char)[entry]
    lo = np.clip(np.where(begin < 0, begin + length, begin), 0, length)
    hi = np.clip(np.where(stop < 0, stop + length, stop), 0, length)
    hi = np.maximum(hi, lo)
    byte_lo = starts[first_char[entry] + lo]
    byte_hi = starts[first_char[entry] + hi]
    sizes = byte_hi - byte_lo
    out_offsets = np.zeros(len(entry) + 1, np.int64)
    np.cumsum(sizes, out=out_offsets[1:])
    at = np.repeat(byte_lo - out_offsets[:-1], sizes) + np.arange(out_offsets[-1])
    return pa.LargeStringArray.from_buffers(len(entry), pa.py_buffer(out_offsets.tobytes()),
                                            pa.py_buffer(data[at].tobytes()))


# -- MD5, SHA1, SHA256 ----------------------------------------------------------------------

@handles(exp.MD5, exp.SHA, exp.SHA2)
def digest(node: exp.Expression, batch: Batch) -> Column:
    """MD5(s), SHA1(s), SHA256(s): the hash of the string's bytes as lower-case hexadecimal."""
    if isinstance(node, exp.SHA2):
        length = node.args.get("length")
        if length is not None and length.sql() != "256":
            raise NotSupportedError(f"SHA2 with {length.sql()} bits (DuckDB has SHA256)")
        name = "sha256"
    else:
        name = "md5" if isinstance(node, exp.MD5) else "sha1"
    column = _string(node.this, batch, node)
    return map_strings(column, lambda d: _hash_entries(d, name))


def _hash_entries(strings: pa.Array, name: str) -> pa.Array:
    """hashlib over each distinct string (a loop over the dictionary's entries, not the rows:
    Arrow has no digest kernel)."""
    return pa.array([None if v is None else hashlib.new(name, v).hexdigest()
                     for v in strings.cast(pa.large_binary()).to_pylist()], dicts.STRING)
