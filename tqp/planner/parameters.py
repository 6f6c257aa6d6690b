"""Bind DB-API parameters: replace the placeholders of a parsed statement with SQL literals.

tqp's paramstyle is `qmark` (`WHERE a > ?`); DuckDB's numbered `$1, $2` also work. Binding happens
on the sqlglot AST, before optimization, so a parameter is never spliced into SQL text and can
never change the shape of the query (no injection).

Example:
    >>> import sqlglot
    >>> tree = sqlglot.parse_one("select a from t where a > ? and b = ?", read="duckdb")
    >>> bind_parameters(tree, [3, "x"]).sql("duckdb")
    "SELECT a FROM t WHERE a > 3 AND b = 'x'"
"""

from __future__ import annotations

import datetime
import decimal
import math
import numbers
import re
from typing import Sequence

from sqlglot import exp

from tqp.errors import NotSupportedError, ProgrammingError

# A string that cannot occur by accident in a query; used to find placeholders in rendered SQL.
_MARKER = "__tqp_placeholder_{}__"
_MARKER_RE = re.compile(r"__tqp_placeholder_(\d+)__")


def count_parameters(statement: exp.Expression) -> int:
    """How many parameters `statement` expects: its `?` count, or the highest `$n`.

    Example:
        >>> import sqlglot
        >>> count_parameters(sqlglot.parse_one("select ? + ?", read="duckdb"))
        2
    """
    numbers_, anonymous = _split(statement)
    return max(numbers_, default=0) if numbers_ else len(anonymous)


def bind_parameters(statement: exp.Expression, parameters: Sequence | None) -> exp.Expression:
    """Return a copy of `statement` with every placeholder replaced by its parameter as a literal.

    Args:
        statement: a parsed statement (sqlglot, duckdb dialect) with `?` or `$n` placeholders.
        parameters: the values, in placeholder order (`?`) or by number (`$1` is the first).

    Returns:
        A new expression; `statement` itself is left untouched.

    Raises:
        ProgrammingError: the number of parameters does not match the placeholders.
        NotSupportedError: a parameter of a type tqp has no literal for.
    """
    parameters = list(parameters or ())
    statement = statement.copy()
    numbered, anonymous = _split(statement)
    expected = count_parameters(statement)
    if len(parameters) != expected:
        raise ProgrammingError(
            f"wrong number of parameters: the statement expects {expected}, "
            f"{len(parameters)} given"
        )
    if numbered:
        for placeholder in list(statement.find_all(exp.Placeholder)):
            number = int(placeholder.this)
            if number < 1:
                raise ProgrammingError(f"parameter numbers start at $1, got ${number}")
            placeholder.replace(to_literal(parameters[number - 1]))
    else:
        for placeholder, value in zip(_in_text_order(statement, anonymous), parameters):
            placeholder.replace(to_literal(value))
    return statement


def bind_statements(statements: Sequence[exp.Expression], parameters: Sequence | None) -> list:
    """Bind one parameter list across several statements (`select ?; select ?`), in order.

    Each statement takes the next `count_parameters(statement)` values; the total must match.
    """
    parameters = list(parameters or ())
    counts = [count_parameters(s) for s in statements]
    if sum(counts) != len(parameters):
        raise ProgrammingError(
            f"wrong number of parameters: the statements expect {sum(counts)}, "
            f"{len(parameters)} given"
        )
    bound, start = [], 0
    for statement, count in zip(statements, counts):
        bound.append(bind_parameters(statement, parameters[start:start + count]))
        start += count
    return bound


DECIMAL_MAX_PRECISION = 38


def to_literal(value) -> exp.Expression:
    """The SQL literal for one Python value (None -> NULL, date -> CAST('...' AS DATE), ...)."""
    # bool before int (bool is an int); datetime before date (datetime is a date).
    if value is None:
        return exp.Null()
    if isinstance(value, bool) or _is_numpy_bool(value):
        return exp.Boolean(this=bool(value))
    if isinstance(value, numbers.Integral):
        if not -2**63 <= int(value) < 2**63:
            raise NotSupportedError(f"integer parameter {int(value)}: beyond BIGINT "
                                    "(HUGEINT is not supported)")
        return exp.Literal.number(int(value))
    if isinstance(value, decimal.Decimal):
        if not value.is_finite() or value.adjusted() >= DECIMAL_MAX_PRECISION:
            return _cast(str(value).lower(), "DOUBLE")  # DuckDB: DOUBLE past DECIMAL(38)
        text = format(value, "f")
        if "." not in text and not -2**63 <= int(text) < 2**63:
            return _cast(text, f"DECIMAL({DECIMAL_MAX_PRECISION}, 0)")
        return _number(text)
    if isinstance(value, numbers.Real):
        # A DOUBLE, as DuckDB binds a Python float ('nan', 'inf' and '-inf' included).
        value = float(value)
        return _cast(repr(value) if math.isfinite(value) else str(value), "DOUBLE")
    if isinstance(value, str):
        return exp.Literal.string(value)
    if isinstance(value, datetime.datetime):
        if value.utcoffset() is not None:  # an instant, as DuckDB binds it
            return _cast(value.isoformat(sep=" "), "TIMESTAMPTZ")
        return _cast(value.isoformat(sep=" "), "TIMESTAMP")
    if isinstance(value, datetime.date):
        return _cast(value.isoformat(), "DATE")
    if isinstance(value, datetime.timedelta):  # an INTERVAL of days and microseconds, as DuckDB
        micros = value.seconds * 1_000_000 + value.microseconds
        return _cast(f"{value.days} days {micros} microseconds", "INTERVAL")
    raise NotSupportedError(f"parameter of type {type(value).__name__} is not supported: {value!r}")


def _split(statement: exp.Expression) -> tuple[list[int], list[exp.Placeholder]]:
    """The numbers of the `$n` placeholders, and the anonymous `?` ones; both kinds is an error."""
    numbered, anonymous = [], []
    for placeholder in statement.find_all(exp.Placeholder):
        name = placeholder.this
        if name is None:
            anonymous.append(placeholder)
        elif str(name).isdigit():
            numbered.append(int(name))
        else:
            raise NotSupportedError(f"named parameter :{name} is not supported; use ? placeholders")
    if numbered and anonymous:
        raise ProgrammingError("a statement cannot mix ? and $n placeholders")
    return numbered, anonymous


def _in_text_order(statement: exp.Expression, placeholders: list) -> list:
    """`placeholders` in the order they appear in the statement's SQL.

    Neither a breadth- nor a depth-first walk follows the text (the LIMIT argument is stored
    before WHERE), so render a copy with a numbered marker in place of each placeholder and read
    the markers back. The generator writes clauses in canonical order, which is the text order
    except for `OFFSET ? LIMIT ?` (rendered LIMIT first).
    """
    if len(placeholders) <= 1:
        return placeholders
    marked = statement.copy()
    copies = [p for p in marked.find_all(exp.Placeholder) if p.this is None]
    for i, placeholder in enumerate(copies):
        placeholder.replace(exp.Literal.string(_MARKER.format(i)))
    order = []
    for match in _MARKER_RE.finditer(marked.sql(dialect="duckdb")):
        i = int(match.group(1))
        if i not in order:
            order.append(i)
    # Anything the generator did not print keeps its tree order, after the rest.
    order += [i for i in range(len(placeholders)) if i not in order]
    return [placeholders[i] for i in order]


def _number(text: str) -> exp.Expression:
    if text.startswith("-"):
        return exp.Neg(this=exp.Literal.number(text[1:]))
    return exp.Literal.number(text)


def _cast(text: str, type_name: str) -> exp.Expression:
    return exp.Cast(this=exp.Literal.string(text), to=exp.DataType.build(type_name))


def _is_numpy_bool(value) -> bool:
    # numpy.bool_ is neither a bool nor a numbers.Integral (named "bool" since numpy 2).
    return type(value).__module__ == "numpy" and type(value).__name__ in ("bool", "bool_")
