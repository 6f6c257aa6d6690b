"""Numeric functions beyond arithmetic, with DuckDB's values, types and errors: trigonometry,
ISINF/ISFINITE, GCD/LCM, FACTORIAL, EVEN, ROUND_EVEN, TRUNC to a number of digits, RANDOM,
TO_BASE.

The float functions compute in DOUBLE and follow IEEE as DuckDB does: asin(2) and sin('inf')
are NaN, cot(0) is inf. The integer ones are exact and raise a DataError where DuckDB raises an
OutOfRange error (gcd of the type's minimum with 0, an lcm or a factorial that does not fit).
HASH and SETSEED are refused: DuckDB's hash values and random sequence are its own.
"""

from __future__ import annotations

import math

import torch
from sqlglot import exp

from tqp.errors import DataError, NotSupportedError, ProgrammingError
from tqp.operators.expressions import SqlText, evaluate, handles
from tqp.operators.expressions.arithmetic import (
    INT64_MIN, _numeric, _product_error, _product_wrapped, _unary_float, ceil_floor_trunc,
)
from tqp.operators.expressions import handles_anonymous
from tqp.operators.expressions.decimals import truncate_down, widened
from tqp.operators.expressions.literals import device_of
from tqp.storage.column import Batch, Column, and_valid, null_column
from tqp.storage.gather import gather
from tqp.types import MAX_DECIMAL_PRECISION, DataType, DecimalType

INT64_MAX = 2**63 - 1
_TYPE_MAX = {DataType.INTEGER: 2**31 - 1, DataType.BIGINT: INT64_MAX, DataType.HUGEINT: INT64_MAX}


def _fails(bad: torch.Tensor, valid: torch.Tensor | None) -> bool:
    """Is `bad` true on a row that is not NULL (one host sync)?"""
    return bool((bad if valid is None else bad & valid).any())


def _does_not_fit(type_: DataType) -> str:
    return "64 bits (tqp's HUGEINT)" if type_ is DataType.HUGEINT else type_.value


# -- trigonometry ------------------------------------------------------------------------------

def _cot(values: torch.Tensor) -> torch.Tensor:
    return 1.0 / torch.tan(values)  # cot(0) is inf, as in DuckDB


def _degrees(values: torch.Tensor) -> torch.Tensor:
    return values * (180 / math.pi)  # DuckDB's factor, so the last bits agree


def _radians(values: torch.Tensor) -> torch.Tensor:
    return values * (math.pi / 180)


_FLOAT_FUNCTIONS = {
    exp.Sin: torch.sin, exp.Cos: torch.cos, exp.Tan: torch.tan, exp.Cot: _cot,
    exp.Asin: torch.asin, exp.Acos: torch.acos, exp.Atan: torch.atan,
    exp.Sinh: torch.sinh, exp.Cosh: torch.cosh, exp.Tanh: torch.tanh,
    exp.Asinh: torch.asinh, exp.Acosh: torch.acosh, exp.Atanh: torch.atanh,
    exp.Degrees: _degrees, exp.Radians: _radians,
}
for _node_type, _fn in _FLOAT_FUNCTIONS.items():
    handles(_node_type)(_unary_float(_fn))


@handles(exp.Atan2)
def atan2(node: exp.Atan2, batch: Batch) -> Column:
    """ATAN2(y, x): the angle of the point (x, y), a DOUBLE."""
    what = SqlText(node)
    y = _numeric(evaluate(node.this, batch), what)
    x = _numeric(evaluate(node.expression, batch), what)
    return Column(torch.atan2(y.as_double(), x.as_double()), DataType.DOUBLE,
                  and_valid(y.valid, x.valid))


# -- ISINF, ISFINITE ---------------------------------------------------------------------------

def sole_argument(node: exp.Expression) -> exp.Expression:
    """The one argument of a function, a known one or one sqlglot parses as exp.Anonymous."""
    if not isinstance(node, exp.Anonymous):
        return node.this
    if len(node.expressions) != 1:
        raise ProgrammingError(f"{node.name.upper()} takes 1 argument: {SqlText(node)}")
    return node.expressions[0]


def _float_test(test, exact_answer: bool):
    """A BOOLEAN test of a DOUBLE's values; integers, DECIMALs, dates and timestamps (finite in
    tqp) get `exact_answer`."""

    def handler(node: exp.Expression, batch: Batch) -> Column:
        a = evaluate(sole_argument(node), batch)
        if a.type not in (DataType.DATE, DataType.TIMESTAMP, DataType.TIMESTAMPTZ):
            a = _numeric(a, SqlText(node))
        if a.values.is_floating_point():
            return Column(test(a.values), DataType.BOOLEAN, a.valid)
        answer = torch.full((len(a),), exact_answer, dtype=torch.bool, device=a.device)
        return Column(answer, DataType.BOOLEAN, a.valid)

    return handler


handles(exp.IsInf)(_float_test(torch.isinf, False))
handles_anonymous("isfinite")(_float_test(torch.isfinite, True))


# -- GCD, LCM ----------------------------------------------------------------------------------

def _integer_pair(node: exp.Anonymous, batch: Batch, name: str):
    """The two integer arguments of GCD or LCM as int64, their validity and the result type
    (BIGINT, or HUGEINT with a HUGEINT argument, as DuckDB binds them)."""
    what = SqlText(node)
    if len(node.expressions) != 2:
        raise ProgrammingError(f"{name} takes 2 arguments: {what}")
    columns = [evaluate(e, batch) for e in node.expressions]
    for column in columns:
        if not (column.type.is_integer or column.type is DataType.NULL):
            raise ProgrammingError(f"{name} of a {column.type.value} value: {what}")
    wide = any(c.type is DataType.HUGEINT for c in columns)
    x, y = (widened(_numeric(c, what).values) for c in columns)
    valid = and_valid(columns[0].valid, columns[1].valid)
    return x, y, valid, DataType.HUGEINT if wide else DataType.BIGINT, what


def _gcd(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """torch.gcd, made non-negative (Euclid's remainders of the type's minimum are negative),
    with -1 read as 1 (same divisors: the minimum % -1 traps on the CPU). A result of 2**63
    (the minimum with 0 or itself) stays negative: the caller's overflow."""
    return torch.gcd(torch.where(x == -1, 1, x), torch.where(y == -1, 1, y)).abs()


@handles_anonymous("gcd", "greatest_common_divisor")
def gcd(node: exp.Anonymous, batch: Batch) -> Column:
    """GCD(x, y): never negative; gcd(0, 0) is 0."""
    x, y, valid, type_, what = _integer_pair(node, batch, "GCD")
    values = _gcd(x, y)
    if _fails(values < 0, valid):
        raise DataError(f"Overflow in {what}: the value does not fit in {_does_not_fit(type_)}")
    return Column(values, type_, valid)


@handles_anonymous("lcm", "least_common_multiple")
def lcm(node: exp.Anonymous, batch: Batch) -> Column:
    """LCM(x, y) = |x * (y / gcd(x, y))|, 0 when either is 0."""
    x, y, valid, type_, what = _integer_pair(node, batch, "LCM")
    zero = (x == 0) | (y == 0)
    divisor = _gcd(x, y)
    divisor_too_big = divisor < 0
    divisor = torch.where(zero | divisor_too_big, 1, divisor)
    quotient = torch.div(y, divisor, rounding_mode="trunc")
    product = x * quotient
    over = divisor_too_big | _product_wrapped(x, quotient, product) | (product == INT64_MIN)
    if _fails(over & ~zero, valid):
        raise DataError(f"Overflow in {what}: the value does not fit in {_does_not_fit(type_)}")
    return Column(torch.where(zero, 0, product.abs()), type_, valid)


# -- FACTORIAL ---------------------------------------------------------------------------------

INT64_FACTORIALS = 21  # 0! to 20!: 21! passes int64
DUCKDB_FACTORIALS = 34  # 0! to 33!: 34! passes DuckDB's HUGEINT (its OutOfRange error)


@handles(exp.Factorial)
def factorial(node: exp.Factorial, batch: Batch) -> Column:
    """FACTORIAL(n) of an INTEGER, a HUGEINT as in DuckDB; 21! to 33! pass tqp's 64 bits."""
    what = SqlText(node)
    a = evaluate(node.this, batch)
    if a.type is DataType.NULL:
        return null_column(len(a), DataType.HUGEINT, a.device)
    if a.type is not DataType.INTEGER:
        raise ProgrammingError(f"FACTORIAL takes an INTEGER, not {a.type.value}: {what}")
    n = a.values.long()
    live = n if a.valid is None else torch.where(a.valid, n, 0)
    low, high = torch.stack(torch.aminmax(live)).tolist() if len(live) else (0, 0)
    if low < 0:
        raise DataError(f"factorial of a negative number is undefined: {what}")
    if high >= DUCKDB_FACTORIALS:
        raise DataError(f"Value out of range in {what}")
    if high >= INT64_FACTORIALS:
        raise DataError(f"Overflow in {what}: {high}! does not fit in "
                        f"{_does_not_fit(DataType.HUGEINT)}")
    table = torch.tensor([math.factorial(i) for i in range(INT64_FACTORIALS)], device=n.device)
    return Column(gather(table, live), DataType.HUGEINT, a.valid)


# -- EVEN --------------------------------------------------------------------------------------

def _even(values: torch.Tensor) -> torch.Tensor:
    """Away from zero to the next even integer, as DuckDB's EVEN computes it."""
    positive = values >= 0
    whole = torch.where(positive, torch.ceil(values), -torch.ceil(-values))
    odd = torch.floor(whole / 2) * 2 != whole
    return torch.where(odd, whole + torch.where(positive, 1.0, -1.0), whole)


@handles_anonymous("even")
def even(node: exp.Anonymous, batch: Batch) -> Column:
    """EVEN(x): a DOUBLE, as in DuckDB."""
    a = _numeric(evaluate(sole_argument(node), batch), SqlText(node))
    return Column(_even(a.as_double()), DataType.DOUBLE, a.valid)


# -- ROUND_EVEN and TRUNC to digits ------------------------------------------------------------

def constant_digits(node: exp.Expression, name: str) -> int | None:
    """The number of digits of ROUND_EVEN or TRUNC: a constant integer, None for NULL."""
    if isinstance(node, exp.Null):
        return None
    text = node.sql()
    if (isinstance(node, exp.Literal) and node.is_int) or (
            isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal) and node.this.is_int):
        return int(text)
    raise NotSupportedError(f"{name} with a non-constant number of digits")


def _pow10(digits: int) -> float:
    """10.0 ** digits as C's pow gives it: inf past DOUBLE's range."""
    return math.inf if digits > 308 else 10.0 ** digits


def divide_half_even(values: torch.Tensor, digits: int) -> torch.Tensor:
    """int64 values divided by 10**digits, rounded half to even (exact)."""
    if digits <= 0:
        return values
    if digits > 19:
        return torch.zeros_like(values)
    if digits == 19:  # 10**19 passes int64: only values past half of it round to +-1
        half = 5 * 10**18
        return (values > half).long() - (values < -half).long()
    factor = 10 ** digits
    quotient = torch.div(values, factor, rounding_mode="trunc")
    twice = 2 * (values - quotient * factor).abs()
    up = (twice > factor) | ((twice == factor) & (quotient % 2 != 0))
    return quotient + torch.where(values < 0, -up.long(), up.long())


def _shifted_digits(node: exp.Anonymous | exp.Trunc, name: str, batch: Batch):
    value, digits_node = (node.expressions if isinstance(node, exp.Anonymous)
                          else (node.this, node.args["decimals"]))
    return (_numeric(evaluate(value, batch), SqlText(node)),
            constant_digits(digits_node, name))


@handles_anonymous("round_even", "roundbankers")
def round_even(node: exp.Anonymous, batch: Batch) -> Column:
    """ROUND_EVEN(x, digits): halves to the even neighbour. Integers and DECIMALs exactly (an
    integer result past its type is an overflow), a DECIMAL to the scale rounded to (one more
    digit of precision where its scale was already 0), a DOUBLE as DuckDB's float formula."""
    what = SqlText(node)
    if len(node.expressions) != 2:
        raise ProgrammingError(f"ROUND_EVEN takes 2 arguments, a value and its digits: {what}")
    a, digits = _shifted_digits(node, "ROUND_EVEN", batch)
    if digits is None:
        return null_column(len(a), a.type, a.device, a.decimal)
    if a.type.is_integer:
        if digits >= 0:
            return a
        return _integer_round_even(a, -digits, what)
    if a.type is DataType.DECIMAL:
        precision, scale = a.decimal.precision, a.decimal.scale
        if digits >= scale:
            return a
        values = divide_half_even(widened(a.values), scale - digits)
        if digits < 0:
            values = _scaled_back(values, -digits, a.valid, INT64_MAX,
                                  f"Overflow in {what}: tqp holds decimals in 64 bits")
            if scale == 0:
                precision = min(precision + 1, MAX_DECIMAL_PRECISION)
        return Column(values, DataType.DECIMAL, a.valid, None,
                      DecimalType(precision, max(digits, 0)))
    if a.type is DataType.FLOAT:  # in double, then back to FLOAT, DuckDB's type
        return Column(_round_even_double(a.values.double(), digits).float(), a.type, a.valid)
    return Column(_round_even_double(a.values, digits), DataType.DOUBLE, a.valid)


def _integer_round_even(a: Column, digits: int, what) -> Column:
    quotient = divide_half_even(widened(a.values), digits)
    values = _scaled_back(quotient, digits, a.valid, _TYPE_MAX[a.type],
                          f"Overflow in {what}: the value does not fit in {_does_not_fit(a.type)}")
    return Column(values.to(a.values.dtype), a.type, a.valid)


def _scaled_back(quotient: torch.Tensor, digits: int, valid, limit: int,
                 message: str) -> torch.Tensor:
    """quotient * 10**digits, a DataError (`message`) where that passes +-`limit`."""
    bound = limit // 10 ** digits
    if _fails((quotient > bound) | (quotient < -bound), valid):
        raise DataError(message)
    return quotient * 10 ** digits if bound else torch.zeros_like(quotient)


EXACT_POWERS_OF_TEN = 22  # 10.0 ** 22 is the last power of ten a DOUBLE holds exactly


def _round_even_double(values: torch.Tensor, digits: int) -> torch.Tensor:
    """A DOUBLE rounded half to even as the exact binary value it is (DuckDB's values, those of
    Python's round: 2.675 is 2.67499999..., so 2.67; 0.125 is a true tie, so 0.12). The product
    by 10**digits is made exact with its rounding error (Dekker); to the left of the point the
    remainder (fmod) is exact. Past 10**22 (inexact), DuckDB's float formula."""
    if abs(digits) > EXACT_POWERS_OF_TEN:
        return _round_even_float_formula(values, digits)
    magnitude = values.abs()
    if digits >= 0:
        scale = 10.0 ** digits
        scaled = magnitude * scale
        whole = torch.floor(scaled)
        above_half = (scaled - whole - 0.5) + _product_error(magnitude, scale, scaled)
        up = (above_half > 0) | ((above_half == 0) & (torch.fmod(whole, 2) == 1))
        rounded = (whole + up) / scale
        keep = ~(scaled < 2.0 ** 52)  # within an ulp of x from here on: x; inf and NaN
    else:
        scale = 10.0 ** -digits
        rest = torch.fmod(magnitude, scale)
        whole = (magnitude - rest) / scale
        up = (2 * rest > scale) | ((2 * rest == scale) & (torch.fmod(whole, 2) == 1))
        rounded = (whole + up) * scale
        keep = ~torch.isfinite(values)
    return torch.where(keep, values, torch.copysign(rounded, values))


def _round_even_float_formula(values: torch.Tensor, digits: int) -> torch.Tensor:
    """x * 10**d rounded half to even and divided back; a result that is not finite gives x
    back (0 for d < 0); infinities and NaN stay."""
    if digits >= 0:
        scale = _pow10(digits)
        rounded = torch.round(values * scale) / scale
        rounded = torch.where(torch.isfinite(rounded), rounded, values)
    else:
        scale = _pow10(-digits)
        rounded = torch.round(values / scale) * scale
        rounded = torch.where(torch.isfinite(rounded), rounded, 0.0)
    return torch.where(torch.isfinite(values), rounded, values)


def _truncate_double(values: torch.Tensor, digits: int) -> torch.Tensor:
    """DuckDB's formula: toward zero at 10**-digits, x itself where that is not finite."""
    if digits >= 0:
        scale = _pow10(digits)
        truncated = torch.trunc(values * scale) / scale
    else:
        scale = _pow10(-digits)
        truncated = torch.trunc(values / scale) * scale
    return torch.where(torch.isfinite(truncated), truncated, values)


@handles(exp.Trunc)
def trunc(node: exp.Trunc, batch: Batch) -> Column:
    """TRUNC(x) keeps x's type (arithmetic.ceil_floor_trunc); TRUNC(x, digits) cuts toward zero
    at 10**-digits: integers exactly (their type kept), a DECIMAL to the scale cut to."""
    if node.args.get("decimals") is None:
        return ceil_floor_trunc(node, batch)
    a, digits = _shifted_digits(node, "TRUNC", batch)
    if digits is None:
        return null_column(len(a), a.type, a.device, a.decimal)
    if a.type.is_integer:
        if digits >= 0:
            return a
        return Column(_truncate_integers(widened(a.values), -digits).to(a.values.dtype),
                      a.type, a.valid)
    if a.type is DataType.DECIMAL:
        scale = a.decimal.scale
        if digits >= scale:
            return a
        values = truncate_down(widened(a.values), scale - digits)
        if digits < 0:
            values = values * 10 ** -digits if scale - digits <= 18 else torch.zeros_like(values)
        return Column(values, DataType.DECIMAL, a.valid, None,
                      DecimalType(a.decimal.precision, max(digits, 0)))
    if a.type is DataType.FLOAT:  # in double, then back to FLOAT, DuckDB's type
        return Column(_truncate_double(a.values.double(), digits).float(), a.type, a.valid)
    return Column(_truncate_double(a.values, digits), DataType.DOUBLE, a.valid)


def _truncate_integers(values: torch.Tensor, digits: int) -> torch.Tensor:
    if digits > 18:  # 10**19 passes every int64
        return torch.zeros_like(values)
    factor = 10 ** digits
    return torch.div(values, factor, rounding_mode="trunc") * factor


# -- RANDOM, SETSEED, HASH ---------------------------------------------------------------------

@handles(exp.Rand)
def random(node: exp.Rand, batch: Batch) -> Column:
    """RANDOM(): a DOUBLE in [0, 1), drawn for each row (never computed once and broadcast: the
    evaluator counts it row dependent)."""
    if any(node.args.get(k) is not None for k in ("this", "lower", "upper")):
        raise NotSupportedError("RANDOM with arguments")
    return Column(torch.rand(batch.num_rows, dtype=torch.float64, device=device_of(batch)),
                  DataType.DOUBLE)


@handles_anonymous("setseed")
def setseed(node: exp.Anonymous, batch: Batch) -> Column:
    raise NotSupportedError("SETSEED(): tqp's RANDOM() draws from torch's generator, which SQL "
                            "cannot seed, and never repeats DuckDB's sequence")


@handles_anonymous("hash")
def hash_(node: exp.Anonymous, batch: Batch) -> Column:
    raise NotSupportedError("HASH(): its values are those of DuckDB's own hash function, which "
                            "tqp does not reproduce")


# -- TO_BASE -----------------------------------------------------------------------------------

BASE_DIGITS = 64  # BIGINT's largest value in base 2


@handles_anonymous("to_base")
def to_base(node: exp.Anonymous, batch: Batch) -> Column:
    """TO_BASE(n, radix [, min_length]): n >= 0 written in base 2 to 36 (digits 0-9 then A-Z),
    left-padded with zeros to min_length (0 to 64). Each distinct (n, radix, min_length) is
    written once, all at a time: one pass per digit position."""
    what = SqlText(node)
    if len(node.expressions) not in (2, 3):
        raise ProgrammingError(f"TO_BASE takes 2 or 3 arguments: {what}")
    columns = [evaluate(e, batch) for e in node.expressions]
    allowed = [(DataType.INTEGER, DataType.BIGINT)] + [(DataType.INTEGER,)] * 2
    for column, types in zip(columns, allowed):
        if column.type not in types and column.type is not DataType.NULL:
            raise ProgrammingError(f"TO_BASE of a {column.type.value} argument: {what}")
    valid = None
    for column in columns:
        valid = and_valid(valid, column.valid)
    live = (lambda v: v) if valid is None else (lambda v: torch.where(valid, v, 0))
    number, radix = live(widened(columns[0].values)), live(widened(columns[1].values))
    padded = live(widened(columns[2].values)) if len(columns) == 3 else torch.zeros_like(number)
    for bad, message in (((number < 0), "number must be greater than or equal to 0"),
                         ((radix < 2) | (radix > 36), "radix must be between 2 and 36"),
                         ((padded < 0) | (padded > BASE_DIGITS),
                          "min_length must be between 0 and 64")):
        if _fails(bad, valid):
            raise DataError(f"'to_base' {message}: {what}")
    radix = torch.where(radix == 0, 10, radix)  # a NULL row's (no division by zero)
    keys, inverse = torch.unique(torch.stack([number, radix, padded], 1), dim=0,
                                 return_inverse=True)
    text = _base_strings(*keys.unbind(1))
    from tqp.storage import dictionary as dicts

    codes, dictionary = dicts.encode(text)
    values = gather(dicts.to_device_map(codes, number.device), inverse)
    return Column(values, DataType.VARCHAR, valid, dictionary)


def _base_strings(number: torch.Tensor, radix: torch.Tensor, padded: torch.Tensor):
    """The strings of `number` in `radix`, at least `padded` characters, as an Arrow array
    built from one buffer of characters (no Python loop over the values)."""
    import numpy as np
    import pyarrow as pa

    digits = torch.empty(len(number), BASE_DIGITS, dtype=torch.int64, device=number.device)
    length = torch.ones_like(number)
    rest = number
    for position in range(BASE_DIGITS):  # the last column holds the units
        digits[:, BASE_DIGITS - 1 - position] = rest % radix
        rest = torch.div(rest, radix, rounding_mode="floor")
        length = torch.where(rest > 0, position + 2, length)
    length = torch.maximum(length, padded)
    characters = torch.where(digits < 10, digits + ord("0"), digits + ord("A") - 10)
    shown = torch.arange(BASE_DIGITS, device=number.device) >= BASE_DIGITS - length[:, None]
    data = characters[shown].to(torch.uint8).cpu().numpy()
    offsets = np.zeros(len(number) + 1, dtype=np.int32)
    np.cumsum(length.cpu().numpy(), out=offsets[1:])
    return pa.StringArray.from_buffers(len(number), pa.py_buffer(offsets), pa.py_buffer(data))
