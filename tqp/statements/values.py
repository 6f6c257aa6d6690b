"""The rows of `INSERT ... VALUES` and of `executemany` parameters, as an Arrow table.

Literals (and bound parameters) become Python values and then one Arrow array per column, built
by pyarrow in one call; a row holding any other expression (`1 + 2`, `current_date`) is computed
by tqp's engine as `SELECT expr, ...`. The types are fitted to the table's declared types later
(`storage.declared.conform`), so here a column only needs one Arrow type: when its values mix
kinds (a number and a string), it is carried as text and parsed by the declared type.
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping
from operator import itemgetter
from typing import Sequence

import pyarrow as pa
from sqlglot import exp

from tqp.errors import ProgrammingError

_NOT_LITERAL = object()
_TEXT_CASTS = {exp.DataType.Type.DATE, exp.DataType.Type.TIMESTAMP,
               exp.DataType.Type.TIMESTAMPNTZ, exp.DataType.Type.DOUBLE}


def values_table(engine, rows: list[list[exp.Expression]]) -> pa.Table:
    """The rows of a VALUES list (all of one width) as a table with columns c0, c1, ..."""
    widths = {len(row) for row in rows}
    if len(widths) != 1:
        raise ProgrammingError("VALUES lists must all have the same number of values, got "
                               f"{sorted(widths)}")
    python_rows = []
    for row in rows:
        values = [python_value(e) for e in row]
        if any(v is _NOT_LITERAL for v in values):
            values = _computed_row(engine, row)
        python_rows.append(values)
    return pa.table({f"c{i}": column_array(list(values))
                     for i, values in enumerate(zip(*python_rows))})


def placeholder_rows(template: list[exp.Expression], parameter_rows) -> pa.Table:
    """One row per parameter sequence, the `?` of `template` filled in order; the other values
    of `template` are constants repeated on every row."""
    rows = list(parameter_rows)
    count = sum(isinstance(e, exp.Placeholder) for e in template)
    if any(issubclass(t, (str, bytes, Mapping)) for t in set(map(type, rows))):
        raise ProgrammingError("tqp's paramstyle is qmark: each parameter row must be a "
                               "sequence (list or tuple)")
    try:
        lengths = set(map(len, rows))
    except TypeError:
        raise ProgrammingError("each parameter row must be a sequence (list or tuple)") from None
    if lengths - {count}:
        given = " or ".join(str(n) for n in sorted(lengths - {count}))
        raise ProgrammingError(f"wrong number of parameters: the statement expects {count}, "
                               f"{given} given")
    arrays, position = {}, 0
    for index, expression in enumerate(template):
        if isinstance(expression, exp.Placeholder):
            arrays[f"c{index}"] = column_array(list(map(itemgetter(position), rows)))
            position += 1
        else:
            value = python_value(expression)
            if value is _NOT_LITERAL:
                raise ProgrammingError("executemany: VALUES may hold only ? and literals")
            arrays[f"c{index}"] = column_array([value] * len(rows))
    return pa.table(arrays) if arrays else pa.table({})


def column_array(values: list) -> pa.Array:
    """Python values as one Arrow array; mixed kinds are carried as text."""
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError,
            TypeError):
        return pa.array([None if v is None else _text(v) for v in values], pa.string())


def python_value(expression: exp.Expression):
    """The Python value of a literal (NULL, TRUE, 42, 1.5, 'x', -3, CAST('...' AS DATE)), or
    `_NOT_LITERAL`. Decimal literals stay exact (`decimal.Decimal`)."""
    if isinstance(expression, exp.Null):
        return None
    if isinstance(expression, exp.Boolean):
        return bool(expression.this)
    if isinstance(expression, exp.Literal):
        if expression.is_string:
            return expression.this
        return _number(expression.this)
    if isinstance(expression, exp.Neg) and isinstance(expression.this, exp.Literal) \
            and not expression.this.is_string:
        return -_number(expression.this.this)
    if isinstance(expression, exp.Paren):
        return python_value(expression.this)
    if isinstance(expression, exp.Cast) and isinstance(expression.this, exp.Literal) \
            and expression.this.is_string and expression.to.this in _TEXT_CASTS:
        return expression.this.this  # text, parsed by the column's declared type
    return _NOT_LITERAL


def _number(text: str):
    lowered = text.lower()
    if "e" in lowered or "inf" in lowered or "nan" in lowered:
        return float(text)
    if "." in text:
        return decimal.Decimal(text)
    return int(text)


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _computed_row(engine, row: list[exp.Expression]) -> list:
    select = exp.select(*(exp.alias_(e.copy(), f"c{i}") for i, e in enumerate(row)))
    table = engine.query(select)
    return [table.column(i)[0].as_py() for i in range(table.num_columns)]
