"""PRINTF(fmt, ...) and FORMAT(fmt, ...): a constant format string filled with whole columns.

The format is parsed once into literal text and fields. Each field formats its argument once
per distinct value (a string argument: per dictionary entry; numbers: per distinct number) and
pads it to its width with Arrow; the pieces are then joined row by row (`join_columns`),
once per distinct combination of codes. A NULL argument makes the row NULL, as in DuckDB.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import torch
from sqlglot import exp

from tqp.errors import NotSupportedError, ProgrammingError
from tqp.operators.expressions import evaluate, handles
from tqp.operators.expressions.coerce import to_type
from tqp.operators.expressions import handles_anonymous
from tqp.operators.expressions.strings import _fixed_choice, _with_entry, concat, map_strings
from tqp.storage import dictionary as dicts
from tqp.storage.column import Batch, Column, and_valid, null_column
from tqp.storage.gather import gather
from tqp.types import DataType


@dataclass(frozen=True)
class Field:
    """One placeholder: which argument, how to write it (conv: 'd', 'x', 'X', 'f', 's', or None
    for FORMAT's `{}`: the value as CAST to VARCHAR writes it) and how to pad it."""

    arg: int
    conv: str | None
    width: int = 0
    align: str | None = None  # '<', '>', '^'; None: numbers right, the rest left
    fill: str = " "
    zero: bool = False  # pad numbers with zeros after the sign
    precision: int | None = None
    twos_complement: bool = False  # printf's %x of a negative number


# printf: %[flags][width][.precision][length]conversion
_PRINTF = re.compile(r"%(?P<flags>[-+ #0]*)(?P<width>\d+|\*)?(?:\.(?P<precision>\d+|\*))?"
                     r"(?P<length>hh|h|ll|l|L|z|j|t)?(?P<conv>.?)", re.DOTALL)
_PRINTF_CONVERSIONS = {"d": "d", "i": "d", "x": "x", "X": "X", "f": "f", "s": "s"}

# fmt (FORMAT): {[arg_id][:[[fill]align][sign][#][0][width][.precision][type]]}
_FORMAT_SPEC = re.compile(r"(?:(?P<fill>.)?(?P<align>[<>^]))?(?P<sign>[-+ ])?(?P<alt>#)?"
                          r"(?P<zero>0)?(?P<width>\d+)?(?:\.(?P<precision>\d+))?(?P<type>.?)",
                          re.DOTALL)
_FORMAT_TYPES = {"": None, "d": "d", "x": "x", "X": "X", "f": "f", "s": "s"}


def parse_printf(text: str) -> list[str | Field]:
    """The literal pieces and fields of a printf format ('%%' is a literal '%')."""
    pieces: list[str | Field] = []
    position = arg = 0
    for match in _PRINTF.finditer(text):
        pieces.append(text[position:match.start()])
        position = match.end()
        flags, conv = match["flags"], match["conv"]
        if conv == "%" and match.group(0) == "%%":
            pieces.append("%")
            continue
        if conv == "" or conv == "%":
            raise ProgrammingError(f"PRINTF: invalid format specifier '{match.group(0)}'")
        if conv not in _PRINTF_CONVERSIONS:
            raise NotSupportedError(f"PRINTF conversion '%{conv}'")
        if "*" in (match["width"], match["precision"]) or set(flags) & set("+ #"):
            raise NotSupportedError(f"PRINTF format '{match.group(0)}' (only the flags '-' and "
                                    "'0', a width and a precision are supported)")
        conv = _PRINTF_CONVERSIONS[conv]
        if "-" in flags and "0" in flags:
            raise NotSupportedError(f"PRINTF format '{match.group(0)}' ('-' with '0')")
        precision = None if match["precision"] is None else int(match["precision"])
        pieces.append(_field(arg, conv, int(match["width"] or 0), "<" if "-" in flags else ">",
                             " ", "0" in flags, precision, "PRINTF", twos_complement=True))
        arg += 1
    pieces.append(text[position:])
    return _merged(pieces)


def parse_format(text: str) -> list[str | Field]:
    """The literal pieces and fields of an fmt format ('{{' and '}}' are literal braces)."""
    pieces: list[str | Field] = []
    literal: list[str] = []
    i, automatic, manual = 0, 0, False
    while i < len(text):
        char = text[i]
        if char in "{}" and text[i + 1:i + 2] == char:
            literal.append(char)
            i += 2
            continue
        if char == "}":
            raise ProgrammingError("FORMAT: unmatched '}' in the format string")
        if char != "{":
            literal.append(char)
            i += 1
            continue
        end = text.find("}", i)
        if end < 0:
            raise ProgrammingError("FORMAT: unmatched '{' in the format string")
        name, _, spec = text[i + 1:end].partition(":")
        if name == "":
            if manual:
                raise ProgrammingError("FORMAT: cannot switch from manual to automatic "
                                       "argument indexing")
            arg, automatic = automatic, automatic + 1
        elif name.isdigit():
            if automatic:
                raise ProgrammingError("FORMAT: cannot switch from automatic to manual "
                                       "argument indexing")
            arg, manual = int(name), True
        else:
            raise NotSupportedError(f"FORMAT with a named argument '{{{name}}}'")
        pieces.append("".join(literal))
        literal = []
        pieces.append(_format_field(arg, spec))
        i = end + 1
    pieces.append("".join(literal))
    return _merged(pieces)


def _merged(pieces: list[str | Field]) -> list[str | Field]:
    """The pieces with adjacent literal text joined and empty text dropped."""
    out: list[str | Field] = []
    for piece in pieces:
        if isinstance(piece, str) and out and isinstance(out[-1], str):
            out[-1] += piece
        elif piece != "":
            out.append(piece)
    return out


def _format_field(arg: int, spec: str) -> Field:
    match = _FORMAT_SPEC.fullmatch(spec)
    if match is None or match["type"] not in _FORMAT_TYPES:
        raise NotSupportedError(f"FORMAT specification '{{:{spec}}}'")
    if match["sign"] or match["alt"] or (match["zero"] and match["align"]):
        raise NotSupportedError(f"FORMAT specification '{{:{spec}}}' (only fill, alignment, "
                                "'0', width, precision and the types d, x, X, f, s)")
    precision = None if match["precision"] is None else int(match["precision"])
    return _field(arg, _FORMAT_TYPES[match["type"]], int(match["width"] or 0), match["align"],
                  match["fill"] or " ", bool(match["zero"]), precision, "FORMAT")


def _field(arg, conv, width, align, fill, zero, precision, what, twos_complement=False) -> Field:
    if precision is not None and conv not in ("f", "s"):
        raise NotSupportedError(f"{what}: a precision with {conv or 'the default'} formatting")
    if conv == "f" and precision is None:
        precision = 6
    return Field(arg, conv, width, align, fill, zero, precision, twos_complement)


@handles_anonymous("printf")
def printf(node: exp.Anonymous, batch: Batch) -> Column:
    """PRINTF(fmt, ...): C's printf conversions %d %i %x %X %f %s and %%, with the flags '-'
    and '0', a width and a precision."""
    if not node.expressions:
        raise ProgrammingError("PRINTF needs a format string")
    fmt, *args = node.expressions
    return _fill(fmt, args, batch, parse_printf, "PRINTF")


@handles(exp.Format)
def format_(node: exp.Format, batch: Batch) -> Column:
    """FORMAT(fmt, ...): fmt's `{}` and `{n}` fields with [[fill]align][0][width][.precision]
    and the types d, x, X, f, s."""
    return _fill(node.this, node.expressions, batch, parse_format, "FORMAT")


def _fill(fmt: exp.Expression, args: list[exp.Expression], batch: Batch, parse,
          what: str) -> Column:
    if isinstance(fmt, exp.Null):
        return null_column(batch.num_rows, DataType.VARCHAR, batch.device)
    if not (isinstance(fmt, exp.Literal) and fmt.is_string):
        raise NotSupportedError(f"{what} with a non-constant format string")
    pieces = parse(fmt.this)
    columns = {}
    parts = []
    for piece in pieces:
        if isinstance(piece, str):
            parts.append(piece)
            continue
        if piece.arg >= len(args):
            raise ProgrammingError(f"{what}: argument index {piece.arg} out of range (the format "
                                   f"needs more arguments than the {len(args)} given)")
        if piece.arg not in columns:
            columns[piece.arg] = evaluate(args[piece.arg], batch)
        parts.append(format_field(columns[piece.arg], piece, what))
    rows = batch.num_rows
    device = batch.device
    if any(isinstance(p, Column) and p.type is DataType.NULL for p in parts):
        return null_column(rows, DataType.VARCHAR, device)
    everywhere = torch.ones(rows, dtype=torch.bool, device=device)
    parts = [_fixed_choice(everywhere, p) if isinstance(p, str) else p for p in parts]
    if not parts:
        return _fixed_choice(everywhere, "")
    return join_columns(parts) if len(parts) > 1 else parts[0]


# The most distinct combinations of codes one int64 key may number.
MAX_COMBINATIONS = 1 << 62


def join_columns(columns: list[Column]) -> Column:
    """Row-wise concatenation of VARCHAR columns (NULL where any is NULL) in one step: each
    distinct combination of codes is joined once, by one Arrow call, and encoded once; the
    rows then gather their code. Pairwise `concat` is the fallback when the combinations
    do not fit one int64 key."""
    sizes = [max(len(c.dictionary), 1) for c in columns]
    if math.prod(sizes) >= MAX_COMBINATIONS:
        return concat(columns, skip_nulls=False)
    key = torch.zeros(len(columns[0]), dtype=torch.int64, device=columns[0].device)
    for column, size in zip(columns, sizes):
        if size > 1:
            key = key * size + column.values.long()
    unique, inverse = torch.unique(key, return_inverse=True)
    rest = unique.cpu().numpy()
    entries = [None] * len(columns)
    for i in reversed(range(len(columns))):  # the last column varies fastest in the key
        code = rest % sizes[i] if sizes[i] > 1 else np.zeros(len(rest), dtype=np.int64)
        rest = rest // sizes[i]
        entries[i] = _with_entry(columns[i].dictionary).take(pa.array(code)).cast(dicts.STRING)
    joined = pc.binary_join_element_wise(*entries, pa.scalar("", dicts.STRING))
    codes, dictionary = dicts.encode(joined)
    values = gather(dicts.to_device_map(codes, inverse.device), inverse)
    valid = None
    for column in columns:
        valid = and_valid(valid, column.valid)
    return Column(values, DataType.VARCHAR, valid, dictionary)


_INTEGERS = (DataType.INTEGER, DataType.BIGINT, DataType.HUGEINT)
_STRINGLIKE = (DataType.VARCHAR, DataType.BOOLEAN, DataType.DATE, DataType.TIMESTAMP,
               DataType.TIMESTAMPTZ)


def format_field(column: Column, field: Field, what: str) -> Column:
    """`column`'s values written as `field` asks, as a VARCHAR column (NULL where they are)."""
    kind = column.type
    if kind is DataType.NULL:
        return column
    conv = field.conv
    if conv in ("d", "x", "X") and kind is DataType.BOOLEAN:
        column, kind = to_type(column, DataType.INTEGER), DataType.INTEGER
    if kind in (DataType.DECIMAL, DataType.FLOAT):  # DuckDB passes them as DOUBLEs ('{}' of
        # 1.50 is 1.5, of 1.1::REAL 1.100000023841858)
        column, kind = to_type(column, DataType.DOUBLE), DataType.DOUBLE
    if kind in (DataType.LIST, DataType.STRUCT):
        raise NotSupportedError(f"{what} of a {kind.value} value")
    allowed = {"d": _INTEGERS, "x": _INTEGERS, "X": _INTEGERS, "f": (DataType.DOUBLE,),
               "s": _STRINGLIKE}.get(conv)
    if allowed is not None and kind not in allowed:
        raise ProgrammingError(f"{what}: invalid type specifier '{conv}' for a "
                               f"{kind.value} value")
    if conv in ("x", "X"):
        if column.holds_wide:
            raise NotSupportedError(f"{what}: hexadecimal of a HUGEINT past BIGINT's range")
        bits = 128 if kind is DataType.HUGEINT else 64
        text = _distinct(column, lambda v: _hex(v.numpy(), field.twos_complement and bits,
                                                conv == "X"))
    elif conv == "f":
        text = _distinct(column, lambda v: _fixed(v.numpy(), field.precision))
    else:
        text = to_type(column, DataType.VARCHAR)
        if conv == "s" and field.precision is not None:
            text = map_strings(text, lambda d: pc.utf8_slice_codeunits(d, 0, field.precision))
    numeric = kind in _INTEGERS or kind in (DataType.DOUBLE, DataType.DECIMAL)
    if field.zero and not numeric:
        raise NotSupportedError(f"{what}: zero padding of a {kind.value} value")
    if field.width == 0:
        return text
    align = field.align or (">" if numeric else "<")
    return map_strings(text, lambda d: _pad(d, field.width, align, field.fill, field.zero,
                                            field.align if kind is DataType.DOUBLE else align))


def _distinct(column: Column, write) -> Column:
    """A VARCHAR column of `write` (numpy values -> list or Arrow array of strings) applied to
    each distinct value of `column` once."""
    values = column.values
    if column.type is DataType.DOUBLE:  # by bits: -0.0 and 0.0 print differently
        bits, inverse = torch.unique(values.view(torch.int64), return_inverse=True)
        unique = bits.view(torch.float64)
    else:
        unique, inverse = torch.unique(values, return_inverse=True)
    text = write(unique.cpu())
    codes, dictionary = dicts.encode(pa.array(text, pa.string()))
    mapped = gather(dicts.to_device_map(codes, column.device), inverse)
    return Column(mapped, DataType.VARCHAR, column.valid, dictionary)


_HEX_DIGITS = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_HEX_WIDTH = 16  # nibbles of a 64-bit integer


def _hex(values: np.ndarray, twos_complement: int | bool, upper: bool) -> pa.Array:
    """Hexadecimal digits of int64 values, without leading zeros: printf writes a negative
    value's two's complement in `twos_complement` bits (64, or 128 for a HUGEINT), fmt its
    magnitude after a '-'."""
    values = values.astype(np.int64)
    negative = values < 0
    magnitude = values.view(np.uint64) if twos_complement else np.abs(values).view(np.uint64)
    shifts = np.arange(_HEX_WIDTH - 1, -1, -1, dtype=np.uint64) * np.uint64(4)
    nibbles = (magnitude[:, None] >> shifts[None, :]) & np.uint64(15)
    chars = _HEX_DIGITS[nibbles.astype(np.intp)]
    data = pa.py_buffer(np.ascontiguousarray(chars).tobytes())
    offsets = pa.py_buffer((np.arange(len(values) + 1, dtype=np.int32) * _HEX_WIDTH).tobytes())
    padded = pa.StringArray.from_buffers(len(values), offsets, data)
    digits = pc.utf8_ltrim(padded, "0")
    digits = pc.if_else(pc.equal(digits, ""), "0", digits)
    if negative.any() and twos_complement == 128:  # the high word: all ones
        digits = pc.if_else(pa.array(negative),
                            pc.binary_join_element_wise("f" * _HEX_WIDTH, padded, ""), digits)
    elif negative.any() and not twos_complement:
        digits = pc.if_else(pa.array(negative), pc.binary_join_element_wise("-", digits, ""),
                            digits)
    return pc.utf8_upper(digits) if upper else digits


# Above this a double's digits are no longer all held by an int64 of the scaled value.
_EXACT_SCALED = 2.0 ** 52


def _fixed(values: np.ndarray, precision: int) -> pa.Array:
    """Doubles written with `precision` decimals, rounding the exact binary value half to even
    as C's printf and fmt do: v * 10**precision rounded to an integer with numpy, then split
    into digits. Where that product lies within an ulp of a half (where the float product may
    round the other way), and for NaN, infinities and values too large, Python's formatting
    (exact) writes the value instead."""
    scale = 10.0 ** precision
    with np.errstate(all="ignore"):
        scaled = values * scale
        rounded = np.rint(scaled)
        near_half = np.abs(np.abs(scaled - rounded) - 0.5) <= np.abs(np.spacing(scaled))
    exact = np.isfinite(scaled) & (np.abs(scaled) < _EXACT_SCALED) & ~near_half \
        & (precision <= 22)
    digits = pa.array(np.abs(np.where(exact, rounded, 0)).astype(np.int64)).cast(pa.string())
    digits = pc.utf8_lpad(digits, precision + 1, "0")
    if precision:
        digits = pc.binary_join_element_wise(pc.utf8_slice_codeunits(digits, 0, -precision),
                                             pc.utf8_slice_codeunits(digits, -precision), ".")
    text = pc.if_else(pa.array(np.signbit(values)),
                      pc.binary_join_element_wise("-", digits, ""), digits)
    if exact.all():
        return text
    rest = np.flatnonzero(~exact)  # Python formats only these (rare) values
    written = pa.array([f"{v:.{precision}f}" for v in values[rest].tolist()], pa.string())
    position = np.full(len(values), -1, dtype=np.int64)
    position[rest] = np.arange(len(rest))
    return pc.if_else(pa.array(exact), text, written.take(pa.array(np.maximum(position, 0))))


# How a double's NaN and infinities are written: DuckDB (fmt) pads them as text.
_NOT_FINITE = pa.array(["nan", "-nan", "inf", "-inf"], dicts.STRING)


def _pad(strings: pa.Array, width: int, align: str, fill: str, zero: bool,
         not_finite_align: str | None) -> pa.Array:
    """Strings padded to `width` characters; numbers padded with zeros keep their sign first.
    A double's NaN and infinities take zeros after them and go left unless `not_finite_align`
    (the field's own alignment) says otherwise, as in DuckDB."""
    if zero:
        signed = pc.starts_with(strings, "-")
        digits = pc.utf8_slice_codeunits(strings, 1)
        with_sign = pc.binary_join_element_wise(pa.scalar("-", strings.type),
                                                pc.utf8_lpad(digits, width - 1, "0"),
                                                pa.scalar("", strings.type))
        padded = pc.if_else(signed, with_sign, pc.utf8_lpad(strings, width, "0"))
    else:
        padded = _PADS[align](strings, width, fill)
    if not_finite_align == align and not zero:
        return padded
    as_text = _PADS["<" if zero else (not_finite_align or "<")](strings, width,
                                                                "0" if zero else fill)
    return pc.if_else(pc.is_in(strings, _NOT_FINITE), as_text, padded)


_PADS = {"<": pc.utf8_rpad, ">": pc.utf8_lpad, "^": pc.utf8_center}
