"""Evaluating scalar expressions over a Batch, one whole column at a time.

`evaluate(expression, batch)` dispatches on the sqlglot node type to the function registered for
it by the modules of this package (arithmetic, logic, strings, dates, casts, conditionals).
"""

from __future__ import annotations

from typing import Callable

from sqlglot import exp

from tqp.errors import NotSupportedError
from tqp.storage.column import Batch, Column

_HANDLERS: dict[type, Callable[[exp.Expression, Batch], Column]] = {}


def handles(*node_types: type):
    """Register the decorated function as the evaluator of these sqlglot node types."""

    def register(fn):
        for t in node_types:
            _HANDLERS[t] = fn
        return fn

    return register


def evaluate(expression: exp.Expression, batch: Batch) -> Column:
    """The value of `expression` for every row of `batch`."""
    handler = _HANDLERS.get(type(expression))
    if handler is None:
        raise NotSupportedError(f"expression {_describe(expression)}")
    return handler(expression, batch)


def _describe(expression: exp.Expression) -> str:
    if isinstance(expression, exp.Anonymous):
        return f"function {expression.name.upper()}()"
    if isinstance(expression, exp.Func):
        return f"function {expression.sql_name()}()"
    return f"{type(expression).__name__}: {expression.sql(dialect='duckdb')[:80]}"


# Importing the modules registers their handlers.
from tqp.operators.expressions import (  # noqa: E402,F401
    arithmetic, casts, conditional, dates, literals, logic, strings,
)
