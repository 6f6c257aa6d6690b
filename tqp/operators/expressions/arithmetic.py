"""Arithmetic and numeric functions, with DuckDB's typing rules.

`/` is always floating division (x/0 is +-inf, as in DuckDB); `//` truncates for integers; `//`
and `%` by zero raise a DataError as DuckDB does. Integer results are int64. `+ - *` with a
DECIMAL (and no DOUBLE) run on the scaled integers and type the result as DuckDB does
(`DecimalType.add` / `multiply`); `/`, `//` and the float functions (SQRT, LN, POWER...)
compute a DECIMAL in DOUBLE, as DuckDB does. DATE +/- integer
days stays a DATE; DATE - DATE is a day count; INTERVAL arithmetic (DATE +/- INTERVAL is a
TIMESTAMP, TIMESTAMP - TIMESTAMP an INTERVAL) is operators/expressions/intervals.py.
"""

from __future__ import annotations

import math

import torch
from sqlglot import exp

from tqp.errors import DataError, NotSupportedError, ProgrammingError  # noqa: F401
from tqp.operators.expressions import SqlText, evaluate, handles, intervals
from tqp.operators.expressions.coerce import align, date_micros, to_type
from tqp.operators.expressions.decimals import (
    check_fits, decimal_of, known_magnitude, max_magnitude, remember_magnitude, round_down,
    scale_up, truncate_down, widened,
)
from tqp.operators.expressions.floats import float_quotient
from tqp.storage.column import Batch, Column, and_valid, null_column
from tqp.types import (
    FLOAT_TYPES, INT64_DECIMAL_PRECISION, TEMPORAL_TYPES, TIMESTAMP_TYPES, DataType, DecimalType,
)


def _numeric(column: Column, what: str) -> Column:
    if column.type is DataType.NULL:
        return to_type(column, DataType.INTEGER)
    if column.type is DataType.BOOLEAN:
        return to_type(column, DataType.INTEGER)
    if not column.type.is_numeric:
        raise ProgrammingError(f"cannot do arithmetic on {column.type.value} in {what}")
    return column


def _binary(node: exp.Expression, batch: Batch) -> tuple[Column, Column, str]:
    return evaluate(node.this, batch), evaluate(node.expression, batch), SqlText(node)


def _decimal_and_null(a: Column, b: Column) -> Column | None:
    """`+ - * %` of a DECIMAL and an untyped NULL: a NULL of no type, as DuckDB binds it (its
    decimal rules need both types), so `abs(1.5 - NULL)` is then an integer as in DuckDB."""
    if {a.type, b.type} != {DataType.DECIMAL, DataType.NULL}:
        return None
    return null_column(max(len(a), len(b)), DataType.NULL, a.device)


INT32_RANGE = (-2**31, 2**31 - 1)
INT64_MIN = -2**63


def _result(values: torch.Tensor, type_: DataType, a: Column, b: Column, what: str = "",
            wrapped: torch.Tensor | None = None) -> Column:
    """An integer result checked for overflow, as DuckDB checks it: INTEGER op INTEGER must fit
    in 32 bits, anything wider in 64 (`wrapped` marks the rows whose int64 result wrapped)."""
    valid = and_valid(a.valid, b.valid)
    if not type_.is_integer:
        return Column(values, type_, valid)
    values = values.long()
    wide = DataType.HUGEINT in (a.type, b.type)
    if wrapped is not None:
        if bool((wrapped if valid is None else wrapped & valid).any()):
            raise DataError(f"Overflow in {what}: the value does not fit in "
                            + ("64 bits (tqp's HUGEINT)" if wide else "BIGINT"))
    if wide:
        return Column(values, DataType.HUGEINT, valid)
    if a.type is DataType.INTEGER and b.type is DataType.INTEGER:
        # NULL slots read as 0, which fits: one pass, no compaction of the valid rows
        live = values if valid is None else torch.where(valid, values, 0)
        low, high = (torch.stack(torch.aminmax(live)).tolist() if live.numel() else (0, 0))
        if low < INT32_RANGE[0] or high > INT32_RANGE[1]:
            raise DataError(f"Overflow in {what}: the value does not fit in INTEGER")
        return Column(values.int(), DataType.INTEGER, valid)
    return Column(values, DataType.BIGINT, valid)


@handles(exp.Add, exp.Sub)
def add_sub(node: exp.Expression, batch: Batch) -> Column:
    sign = 1 if isinstance(node, exp.Add) else -1
    return add_or_subtract(node.this, node.expression, sign, batch, SqlText(node))


def add_or_subtract(left: exp.Expression, right: exp.Expression, sign: int, batch: Batch,
                    what) -> Column:
    """`left + right` (sign 1) or `left - right` (sign -1); `what` names it in errors."""
    a, b = evaluate(left, batch), evaluate(right, batch)
    result = intervals.add_or_subtract(a, b, sign, what)
    if result is not None:
        return result
    temporal = TEMPORAL_TYPES
    if (a.type in temporal and b.type is DataType.NULL) or (b.type in temporal and a.type is DataType.NULL):
        kind = a.type if a.type in temporal else b.type
        if sign == -1 and a.type is DataType.NULL:  # NULL - x reads as x - x, as in DuckDB
            kind = DataType.INTERVAL if kind in TIMESTAMP_TYPES else DataType.BIGINT
        return null_column(max(len(a), len(b)), kind, a.device)
    if a.type in temporal or b.type in temporal:
        return _date_arithmetic(a, b, sign, what)
    null = _decimal_and_null(a, b)
    if null is not None:
        return null
    types = (a.type, b.type)
    a, b = _numeric(a, what), _numeric(b, what)
    if _exact_decimal(a, b):
        return _decimal_add_sub(a, b, sign, what)
    a, b = align([a, b], what)
    if a.type.is_integer:
        # Operands narrower than 64 bits cannot wrap an int64 sum: only a 64-bit one is
        # checked, and the other is widened as it is read (no int64 copy of it).
        narrow = a.values.dtype != torch.int64 and b.values.dtype != torch.int64
        x = widened(a.values)
        y = b.values if narrow else widened(b.values)
        values = x + y if sign == 1 else x - y
        wrapped = None
        if DataType.HUGEINT in types:
            wrapped = _sum_wrapped(x, y, values, sign)
        elif not narrow:
            # Operands' magnitudes (one pass each at most, none for a constant or a column
            # seen before) that cannot reach 2**63 together rule out wrapping, with no
            # four-pass check; the bound then serves a SUM over the result too.
            bound = max_magnitude(x) + max_magnitude(y)
            if bound < 2.0 ** 62:
                remember_magnitude(values, bound)
            else:
                wrapped = _sum_wrapped(x, y, values, sign)
        return _result(values, a.type, _typed(a, types[0]), _typed(b, types[1]), what,
                       wrapped)
    values = a.values + b.values if sign == 1 else a.values - b.values
    return _result(values, a.type, a, b)


def _sum_wrapped(x: torch.Tensor, y: torch.Tensor, values: torch.Tensor, sign: int) -> torch.Tensor:
    """Two's complement: x + y (or x - y) wrapped when both operands have the sign the result
    lacks."""
    return ((x ^ values) & ((y if sign == 1 else ~y) ^ values)) < 0


def _exact_decimal(a: Column, b: Column) -> bool:
    """Does `a op b` compute on scaled integers: a DECIMAL with a DECIMAL or an integer?"""
    return DataType.DECIMAL in (a.type, b.type) and not FLOAT_TYPES & {a.type, b.type}


def _decimal_add_sub(a: Column, b: Column, sign: int, what) -> Column:
    """`a + b` or `a - b` at the larger scale; only a result wider than 18 digits can leave int64
    (narrower operands cannot reach it)."""
    da, db = decimal_of(a), decimal_of(b)
    result = da.add(db)
    x = scale_up(a, result.scale - da.scale, result, what)
    y = scale_up(b, result.scale - db.scale, result, what)
    values = x + y if sign == 1 else x - y
    valid = and_valid(a.valid, b.valid)
    bounds = known_magnitude(x), known_magnitude(y)
    if None not in bounds:  # a SUM over the result needs no pass to bound it
        remember_magnitude(values, bounds[0] + bounds[1])
    if result.precision > INT64_DECIMAL_PRECISION:
        check_fits(_sum_wrapped(x, y, values, sign), valid, result, what)
    return Column(values, DataType.DECIMAL, valid, None, result)


def _decimal_multiply(a: Column, b: Column, what) -> Column:
    """`a * b`: the product of the scaled integers at the sum of the scales, checked against the
    result's precision where the operands' digits could pass it (float64 estimates first, one
    exact look at the rows near the limit)."""
    da, db = decimal_of(a), decimal_of(b)
    result = da.multiply(db)
    x, y = widened(a.values), widened(b.values)
    values = x * y
    valid = and_valid(a.valid, b.valid)
    limit = 10 ** min(result.precision, INT64_DECIMAL_PRECISION)
    if da.precision + db.precision > INT64_DECIMAL_PRECISION:
        bound = max_magnitude(x) * max_magnitude(y)
        if bound >= limit * (1 - 1e-9):
            near = (x.double() * y.double()).abs() >= limit * (1 - 1e-9)
            if bool((near if valid is None else near & valid).any()):
                over = _product_wrapped(x, y, values) | (values.abs() >= limit) \
                    if result.precision <= INT64_DECIMAL_PRECISION else \
                    _product_wrapped(x, y, values)
                check_fits(near & over, valid, result, what)
        remember_magnitude(values, min(bound, float(limit)))
    return Column(values, DataType.DECIMAL, valid, None, result)


def _typed(column: Column, type_: DataType) -> Column:
    """`column` labelled with the type it had before widening (for the overflow rule)."""
    return Column(column.values, type_ if type_.is_integer else column.type, column.valid)


DATE_DAYS_LIMIT = 2**31 - 2  # DuckDB's finite dates: 5877642-06-25 (BC) to 5881580-07-10


def _date_arithmetic(a: Column, b: Column, sign: int, what: str) -> Column:
    if a.type is DataType.DATE and b.type.is_integer:
        days = widened(a.values) + sign * widened(b.values)
        valid = and_valid(a.valid, b.valid)
        outside = days.abs() > DATE_DAYS_LIMIT
        if bool((outside if valid is None else outside & valid).any()):
            raise DataError(f"Date out of range in {what}")
        return Column(days.int(), DataType.DATE, valid)
    if sign == 1 and b.type is DataType.DATE and a.type.is_integer:
        return _date_arithmetic(b, a, 1, what)
    if sign == -1 and a.type == b.type == DataType.DATE:
        diff = widened(a.values) - widened(b.values)
        return Column(diff, DataType.BIGINT, and_valid(a.valid, b.valid))
    raise ProgrammingError(f"cannot add or subtract {a.type.value} and {b.type.value} in {what}")


@handles(exp.Mul)
def mul(node: exp.Mul, batch: Batch) -> Column:
    a, b, what = _binary(node, batch)
    if DataType.INTERVAL in (a.type, b.type):
        return intervals.multiply(a, b, what)
    null = _decimal_and_null(a, b)
    if null is not None:
        return null
    types = (a.type, b.type)
    a, b = _numeric(a, what), _numeric(b, what)
    if _exact_decimal(a, b):
        return _decimal_multiply(a, b, what)
    a, b = align([a, b], what)
    if a.type.is_integer:
        x, y = widened(a.values), widened(b.values)
        values = x * y
        return _result(values, a.type, _typed(a, types[0]), _typed(b, types[1]), what,
                       _product_wrapped(x, y, values))
    return _result(a.values * b.values, a.type, a, b)


def _product_wrapped(x: torch.Tensor, y: torch.Tensor, product: torch.Tensor) -> torch.Tensor:
    """Rows where the int64 product x * y wrapped: the float64 product says so far from the
    limits; near them, dividing back decides exactly."""
    approx = (x.double() * y.double()).abs()
    near = approx >= 2.0 ** 62
    if not bool(near.any()):
        return near
    divisor = torch.where((x == 0) | (x == -1), torch.ones_like(x), x)  # no trap on 0 or -1
    exact = torch.where(x == -1, y == INT64_MIN, torch.div(product, divisor, rounding_mode="trunc") != y)
    return near & (x != 0) & exact


@handles(exp.Div)
def div(node: exp.Div, batch: Batch) -> Column:
    a, b, what = _binary(node, batch)
    if a.type is DataType.INTERVAL:
        return intervals.divide(a, b, what)
    a, b = _numeric(a, what), _numeric(b, what)
    quotient = float_quotient(a, b)
    if quotient is not None:
        return quotient
    return Column(a.as_double() / b.as_double(), DataType.DOUBLE, and_valid(a.valid, b.valid))


def _check_nonzero(a: Column, b: Column, what: str) -> None:
    """Dividing by zero is DuckDB's error, but only on rows where the dividend is not NULL."""
    zero = b.values == 0
    valid = and_valid(a.valid, b.valid)
    if valid is not None:
        zero = zero & valid
    if bool(zero.any()):
        raise DataError(f"Division by zero in expression {what}")


def _safe_divisor(b: torch.Tensor) -> torch.Tensor:
    """`b` with 0 and -1 replaced by 1: integer division by 0, and of the type's minimum by -1,
    traps (SIGFPE) in the CPU kernels, even on rows that are NULL or never used."""
    return torch.where((b == 0) | (b == -1), torch.ones_like(b), b)


def _check_min_by_minus_one(a: Column, b: Column, what: str) -> None:
    """The type's minimum // -1 does not fit the type: DuckDB's overflow error."""
    bad = (a.values == torch.iinfo(a.values.dtype).min) & (b.values == -1)
    valid = and_valid(a.valid, b.valid)
    if valid is not None:
        bad = bad & valid
    if bool(bad.any()):
        raise DataError(f"Overflow in division {what}: the value does not fit in {a.type.value}")


@handles(exp.IntDiv)
def int_div(node: exp.IntDiv, batch: Batch) -> Column:
    a, b, what = _binary(node, batch)
    a, b = align([_numeric(a, what), _numeric(b, what)], what)
    _check_nonzero(a, b, what)
    if a.type.is_integer:
        _check_min_by_minus_one(a, b, what)
        quotient = torch.div(a.values, _safe_divisor(b.values), rounding_mode="trunc")
        quotient = torch.where(b.values == -1, -a.values, quotient)
        return _result(quotient, a.type, a, b)
    # DuckDB's // of a FLOAT, DOUBLE or DECIMAL is the floating quotient.
    quotient = float_quotient(a, b)
    if quotient is not None:
        return quotient
    return Column(a.as_double() / b.as_double(), DataType.DOUBLE, and_valid(a.valid, b.valid))


@handles(exp.Mod)
def mod(node: exp.Mod, batch: Batch) -> Column:
    a, b, what = _binary(node, batch)
    null = _decimal_and_null(a, b)
    if null is not None:
        return null
    a, b = align([_numeric(a, what), _numeric(b, what)], what)
    if a.type in FLOAT_TYPES:  # IEEE: x % 0.0 is NaN, as in DuckDB
        return _result(torch.fmod(a.values, b.values), a.type, a, b)
    _check_nonzero(a, b, what)
    remainder = torch.fmod(a.values, _safe_divisor(b.values))  # x % -1 = 0
    if a.type is DataType.DECIMAL:  # both at their common scale: the remainder is exact
        return Column(remainder, a.type, and_valid(a.valid, b.valid), None, a.decimal)
    return _result(remainder, a.type, a, b)


def _untyped_null_as_bigint(column: Column) -> Column:
    """`-NULL` and `abs(NULL)` are BIGINT NULLs in DuckDB (its first integer overload)."""
    if column.type is not DataType.NULL:
        return column
    return null_column(len(column), DataType.BIGINT, column.device)


@handles(exp.Neg)
def neg(node: exp.Neg, batch: Batch) -> Column:
    if isinstance(node.this, exp.Literal) and node.this.is_int and int(node.this.this) == 2**63:
        from tqp.operators.expressions.literals import constant, device_of

        return constant(-2**63, DataType.BIGINT, batch.num_rows, device_of(batch))  # BIGINT's min
    a = evaluate(node.this, batch)
    if a.type is DataType.INTERVAL:
        return intervals.negate(a, SqlText(node))
    a = _numeric(_untyped_null_as_bigint(a), SqlText(node))
    if a.type.is_integer:  # -x keeps x's type (and can overflow it: -(-2**31))
        zero = Column(torch.zeros_like(a.values), a.type, None)
        return _result(-a.values.long(), a.type, zero, a, SqlText(node), a.values.long() == INT64_MIN)
    return Column(-a.values, a.type, a.valid, None, a.decimal)  # DOUBLE or DECIMAL


@handles(exp.Abs)
def abs_(node: exp.Abs, batch: Batch) -> Column:
    a = evaluate(node.this, batch)
    if a.type is DataType.INTERVAL:
        return intervals.negate(a, SqlText(node))
    a = _numeric(_untyped_null_as_bigint(a), SqlText(node))
    if a.type.is_integer:  # abs of the type's minimum does not fit: DuckDB's overflow error
        at_min = a.values == torch.iinfo(a.values.dtype).min
        if bool((at_min if a.valid is None else at_min & a.valid).any()):
            raise DataError(f"Overflow in {SqlText(node)}: the value does not fit in {a.type.value}")
    return Column(a.values.abs(), a.type, a.valid, None, a.decimal)


def round_half_away(values: torch.Tensor, digits: int, decimal: bool = True) -> torch.Tensor:
    """Round half away from zero, as DuckDB does (torch.round rounds half to even).

    A decimal such as 0.125 is exact in DuckDB but 0.12499999... in float64, so decimals are
    nudged by a few ulps first. A DOUBLE is rounded as the exact binary value it is: 2.675 is
    2.67499999..., so it rounds to 2.67 although 2.675 * 100 gives 267.5 in float64."""
    if decimal or digits < 0:
        scale = 10.0 ** digits
        scaled = values * scale
        magnitude = scaled.abs()
        if decimal:
            magnitude = magnitude * (1 + 4 * torch.finfo(torch.float64).eps)
        return torch.copysign(torch.floor(magnitude + 0.5) / scale, scaled)
    scale = 10.0 ** digits  # exact in float64 for the digits a DOUBLE can hold
    magnitude = values.abs()
    scaled = magnitude * scale
    whole = torch.floor(scaled)
    # Round up when the exact product's fraction reaches one half: the product's rounding error
    # decides the ties that the float64 product creates.
    up = (scaled - whole - 0.5) + _product_error(magnitude, scale, scaled) >= 0
    rounded = (whole + up) / scale
    # copysign, not sign(values) * rounded: -0.0 keeps its sign (sign(-0.0) is +0.0).
    return torch.where(torch.isfinite(scaled), torch.copysign(rounded, values), values)


def _product_error(a: torch.Tensor, b: float, product: torch.Tensor) -> torch.Tensor:
    """a * b - product, exactly, where product is the float64 a * b (Dekker's two-product)."""
    split = 134217729.0  # 2**27 + 1
    c = a * split
    a_hi = c - (c - a)
    a_lo = a - a_hi
    d = b * split
    b_hi = d - (d - b)
    b_lo = b - b_hi
    return ((a_hi * b_hi - product) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo


@handles(exp.Round)
def round_(node: exp.Round, batch: Batch) -> Column:
    """ROUND half away from zero; a DECIMAL keeps its precision and takes the scale rounded to
    (at most its own, 0 for negative digits), as DuckDB types it."""
    a = _numeric(evaluate(node.this, batch), SqlText(node))
    digits_node = node.args.get("decimals")
    digits = 0
    if digits_node is not None:
        if not (isinstance(digits_node, exp.Literal) and digits_node.is_int) and not (
                isinstance(digits_node, exp.Neg) and digits_node.this.is_int):
            raise NotSupportedError("ROUND with a non-constant number of digits")
        digits = int(digits_node.sql())
    if a.type.is_integer:
        if digits >= 0:
            return a
        return Column(round_half_away(a.values.double(), digits).long(), a.type, a.valid)
    if a.type is DataType.DECIMAL:
        scale = a.decimal.scale
        if digits >= scale:
            return a
        values = round_down(a.values, scale - digits)
        if digits < 0:
            values = values * 10 ** -digits
        return Column(values, a.type, a.valid, None, DecimalType(a.decimal.precision, max(digits, 0)))
    if a.type is DataType.FLOAT:  # rounded as the double it is exactly, then back to float32
        return Column(round_half_away(a.values.double(), digits, False).float(), a.type, a.valid)
    return Column(round_half_away(a.values, digits, False), a.type, a.valid)


def _unary_float(fn):
    def handler(node, batch):
        a = _numeric(evaluate(node.this, batch), SqlText(node))
        return Column(fn(a.as_double()), DataType.DOUBLE, a.valid)

    return handler


def _cbrt(values: torch.Tensor) -> torch.Tensor:
    # pow(|x|, 1/3) with the sign put back: DuckDB's values (cbrt(27) = 3.0000000000000004);
    # copied, so that cbrt(-0.0) is -0.0.
    return torch.copysign(values.abs().pow(1.0 / 3.0), values)


handles(exp.Sqrt)(_unary_float(torch.sqrt))
handles(exp.Ln)(_unary_float(torch.log))
handles(exp.Exp)(_unary_float(torch.exp))
handles(exp.Cbrt)(_unary_float(_cbrt))


@handles(exp.Log)
def log(node: exp.Log, batch: Batch) -> Column:
    """LOG(x) and LOG10(x) are base 10 in DuckDB; LOG(b, x) is base b (ln x / ln b)."""
    base, x = (None, node.this) if node.expression is None else (node.this, node.expression)
    what = SqlText(node)
    value = _numeric(evaluate(x, batch), what)
    if base is None or (isinstance(base, exp.Literal) and base.this in ("10", "10.0")):
        return Column(torch.log10(value.as_double()), DataType.DOUBLE, value.valid)
    b = _numeric(evaluate(base, batch), what)
    fn = torch.log2 if isinstance(base, exp.Literal) and base.this in ("2", "2.0") else None
    values = fn(value.as_double()) if fn else torch.log(value.as_double()) / torch.log(b.as_double())
    return Column(values, DataType.DOUBLE, and_valid(value.valid, b.valid))


@handles(exp.Pi)
def pi(node: exp.Pi, batch: Batch) -> Column:
    from tqp.operators.expressions.literals import constant, device_of

    return constant(math.pi, DataType.DOUBLE, batch.num_rows, device_of(batch))


@handles(exp.IsNan)
def isnan(node: exp.IsNan, batch: Batch) -> Column:
    a = _numeric(evaluate(node.this, batch), SqlText(node))
    if not a.values.is_floating_point():  # integers and DECIMALs are never NaN
        return Column(torch.zeros_like(a.values, dtype=torch.bool), DataType.BOOLEAN, a.valid)
    return Column(a.values.isnan(), DataType.BOOLEAN, a.valid)


_ROUNDINGS = {exp.Ceil: torch.ceil, exp.Floor: torch.floor, exp.Trunc: torch.trunc}
_DECIMAL_ROUNDINGS = {exp.Ceil: "ceil", exp.Floor: "floor", exp.Trunc: "trunc"}


@handles(exp.Ceil, exp.Floor)  # TRUNC: numeric_functions.trunc, which also takes digits
def ceil_floor_trunc(node: exp.Expression, batch: Batch) -> Column:
    """CEIL, FLOOR and TRUNC (toward zero) keep the argument's type, as in DuckDB, except that
    CEIL and FLOOR of an integer (or an untyped NULL) are DOUBLE (DuckDB 2)."""
    a = _numeric(evaluate(node.this, batch), SqlText(node))
    if node.args.get("decimals") is not None:
        raise NotSupportedError(f"{node.sql_name()} with digits")
    if a.type.is_integer:
        if isinstance(node, exp.Trunc):
            return a
        return Column(a.values.double(), DataType.DOUBLE, a.valid)
    if a.type is DataType.DECIMAL:  # to scale 0, the precision kept
        mode, scale = _DECIMAL_ROUNDINGS[type(node)], a.decimal.scale
        values = -truncate_down(-a.values, scale, "floor") if mode == "ceil" else \
            truncate_down(a.values, scale, mode)
        return Column(values, a.type, a.valid, None, DecimalType(a.decimal.precision, 0))
    return Column(_ROUNDINGS[type(node)](a.values), a.type, a.valid)


@handles(exp.Pow)
def power(node: exp.Pow, batch: Batch) -> Column:
    a, b, what = _binary(node, batch)
    a, b = _numeric(a, what), _numeric(b, what)
    return Column(torch.pow(a.as_double(), b.as_double()), DataType.DOUBLE,
                  and_valid(a.valid, b.valid))


@handles(exp.Sign)
def sign(node: exp.Sign, batch: Batch) -> Column:
    a = _numeric(evaluate(node.this, batch), SqlText(node))
    return Column(torch.sign(a.values).long(), DataType.BIGINT, a.valid)


def _above(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """x > y, with NaN above every number (and equal to NaN)."""
    if not x.is_floating_point():
        return x > y
    return (x > y) | (x.isnan() & ~y.isnan())


@handles(exp.Greatest, exp.Least)
def greatest_least(node: exp.Expression, batch: Batch) -> Column:
    """GREATEST/LEAST skip NULLs (NULL only when every argument is NULL) and order NaN above
    every number, as in DuckDB."""
    what = SqlText(node)
    columns = [evaluate(e, batch) for e in [node.this, *node.expressions]]
    for c in columns:
        if c.type in (DataType.LIST, DataType.STRUCT):
            raise NotSupportedError(f"{c.type.value} values in {what} (comparing whole values)")
        if c.type is DataType.INTERVAL:  # DuckDB 2.0 orders them by their raw parts here
            raise NotSupportedError(f"INTERVAL values in {what} (DuckDB's GREATEST/LEAST order "
                                    "intervals by their months, days and microseconds as "
                                    "stored, not as they compare)")
    columns = align(columns, what, supertype=True)
    pick_greater = isinstance(node, exp.Greatest)
    result = columns[0]
    for c in columns[1:]:
        better = (_above(c.values, result.values) if pick_greater
                  else _above(result.values, c.values))
        rv, cv = result.validity(), c.validity()
        take = cv & (~rv | better)
        result = Column(torch.where(take, c.values, result.values), result.type,
                        rv | cv, result.dictionary, result.decimal)
    return result.with_valid(result.valid)


def micros(column: Column) -> Column:
    """A DATE or TIMESTAMP column as int64 microseconds."""
    if column.type is DataType.DATE:
        return Column(date_micros(column), DataType.TIMESTAMP, column.valid)
    return column
