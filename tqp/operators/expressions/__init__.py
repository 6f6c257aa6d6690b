"""Evaluating scalar expressions over a Batch, one whole column at a time.

`evaluate(expression, batch)` dispatches on the sqlglot node type to the function registered for
it by the modules of this package (arithmetic, logic, strings, regex, formatting, dates, casts,
conditionals, lists).
"""

from __future__ import annotations

import re
from typing import Callable

from sqlglot import exp

from tqp.errors import NotSupportedError
from tqp.ml.calls import is_model_call
from tqp.storage.column import Batch, Column

_HANDLERS: dict[type, Callable[[exp.Expression, Batch], Column]] = {}


def handles(*node_types: type):
    """Register the decorated function as the evaluator of these sqlglot node types."""

    def register(fn):
        for t in node_types:
            _HANDLERS[t] = fn
        return fn

    return register


# Functions sqlglot does not know (exp.Anonymous), by lower-case name.
_ANONYMOUS: dict[str, Callable[[exp.Anonymous, Batch], Column]] = {}


def handles_anonymous(*names: str):
    """Register the decorated function as the evaluator of calls sqlglot does not know, by
    lower-case name (`list_extract(l, 1)`)."""

    def register(fn):
        for name in names:
            _ANONYMOUS[name] = fn
        return fn

    return register


def anonymous_names() -> frozenset[str]:
    """The lower-case names of the calls sqlglot does not know that tqp evaluates (the shell
    completes them)."""
    return frozenset(_ANONYMOUS)


@handles(exp.Anonymous)
def _anonymous(node: exp.Anonymous, batch: Batch) -> Column:
    function = _ANONYMOUS.get(node.name.lower())
    if function is None:
        raise NotSupportedError(f"function {node.name.upper()}()")
    return function(node, batch)


def evaluate(expression: exp.Expression, batch: Batch) -> Column:
    """The value of `expression` for every row of `batch`."""
    handler = _HANDLERS.get(type(expression))
    if handler is None:
        raise NotSupportedError(f"expression {_describe(expression)}")
    if batch.num_rows > 1 and is_constant(expression):
        # Computed once on one row, then broadcast: `DATE '1994-01-01' + INTERVAL 3 MONTH` must
        # not run date arithmetic over every row of the batch.
        return constant_row(expression, batch.device).broadcast(batch.num_rows)
    return handler(expression, batch)


# The parts of a constant that cannot change from one run to the next: literals, casts,
# intervals and arithmetic (not NOW(), CURRENT_DATE or RANDOM()).
LITERAL_PARTS = (exp.Literal, exp.Null, exp.Boolean, exp.Cast, exp.DataType, exp.DataTypeParam,
                 exp.Interval, exp.Var, exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Neg, exp.Paren)
# One-row values of such constants, by expression (sqlglot compares trees by structure) and
# device, at most ROWS_KEPT of them.
_ROWS: dict[tuple[exp.Expression, object], Column] = {}
ROWS_KEPT = 1024


def constant_row(expression: exp.Expression, device) -> Column:
    """The value of the constant `expression` as one row on `device`. One made only of
    LITERAL_PARTS is computed once per process and device: its kernels took 0.66 ms for
    `CAST('1994-01-01' AS DATE) + INTERVAL '1' YEAR` and 0.11 ms for `0.06 - 0.01` (2-core AMD
    VM), and every run of a query evaluates its constants again (the value is only ever read:
    callers broadcast it as a view)."""
    one_row = Batch({}, 1, device)
    if not is_literal_only(expression):
        return evaluate(expression, one_row)
    key = (expression, one_row.device)
    row = _ROWS.get(key)
    if row is None:
        row = evaluate(expression, one_row)
        if len(_ROWS) >= ROWS_KEPT:
            _ROWS.clear()
        _ROWS[(expression.copy(), one_row.device)] = row  # a copy: plans rewrite their nodes
    return row


def is_literal_only(expression: exp.Expression) -> bool:
    """Is `expression` made only of LITERAL_PARTS? Remembered on the node."""
    known = expression.meta.get("tqp_literal_only")
    if known is None:
        known = all(isinstance(node, LITERAL_PARTS) for node in expression.walk())
        expression.meta["tqp_literal_only"] = known
    return known


# Nodes whose value depends on the rows (or on more than one row).
# RANDOM() is one: it draws a value for each row.
_ROW_DEPENDENT = (exp.Column, exp.Star, exp.AggFunc, exp.Subquery, exp.Query, exp.Rand)


def is_constant(expression: exp.Expression) -> bool:
    """Does `expression` compute the same value for every row (and is worth computing once)?
    Remembered on the node, which lives as long as its plan."""
    known = expression.meta.get("tqp_constant")
    if known is None:
        known = not isinstance(expression, exp.Literal) and not any(
            isinstance(node, _ROW_DEPENDENT) for node in expression.walk())
        expression.meta["tqp_constant"] = known
    return known


def may_raise(expression: exp.Expression) -> bool:
    """True if evaluating `expression` can fail on some rows (x // 0, x % 0, a failing CAST) or
    calls a model (PREDICT: costly, and it must score only the rows the query keeps): such
    conditions are evaluated last, on the rows the others let through."""
    return any(isinstance(n, (exp.IntDiv, exp.Mod)) or is_model_call(n)
               or (isinstance(n, exp.Cast) and not isinstance(n.this, exp.Literal))
               for n in expression.walk())


def column_ref(name: str) -> exp.Column:
    """A reference to the batch column `name` (a plan column key), as evaluate reads it."""
    return exp.Column(this=exp.Identifier(this=name, quoted=True))


class SqlText:
    """An expression's SQL text for error messages, generated only when a message is formatted:
    generating it up front for every evaluated node cost a copy of each subtree (quadratic in
    the nesting depth). Several nodes fill the `{}` of `template` in order."""

    __slots__ = ("nodes", "template")

    def __init__(self, *nodes: exp.Expression, template: str = "{}"):
        self.nodes, self.template = nodes, template

    def __str__(self) -> str:
        return self.template.format(*(user_sql(n)[:MESSAGE_SQL_CHARS] for n in self.nodes))


# The meta entry of a plan column reference holding the user's SQL it stands for.
SHOWN_AS = "tqp_shown_as"


def user_sql(node: exp.Expression) -> str:
    """`node`'s SQL as the user wrote it: plan column keys as their names, an aggregate's or a
    group key's output column as the expression it stands for (`planner.scope.ref`)."""
    if any(isinstance(n, exp.Column) and n.meta.get(SHOWN_AS) for n in node.walk()):
        node = node.transform(
            lambda n: exp.column(exp.Identifier(this=str(n.meta[SHOWN_AS]), quoted=False))
            if isinstance(n, exp.Column) and n.meta.get(SHOWN_AS) else n)
    return user_names(node.sql(dialect="duckdb"))


MESSAGE_SQL_CHARS = 200
_PLAN_KEY = re.compile(r'"([^"#]+)#\d+\.([^"]+)"')


def user_names(text: str) -> str:
    """SQL text with the plan's column keys (`"t#0.i"`) written as the user wrote them (`t.i`)."""
    return _PLAN_KEY.sub(r"\1.\2", text)


def _describe(expression: exp.Expression) -> str:
    if isinstance(expression, exp.Anonymous):
        return f"function {expression.name.upper()}()"
    if isinstance(expression, exp.Func):
        return f"function {expression.sql_name()}()"
    return f"{type(expression).__name__}: {expression.sql(dialect='duckdb')[:80]}"


# Importing the modules registers their handlers.
from tqp.operators.expressions import (  # noqa: E402,F401
    arithmetic, bitwise, casts, conditional, date_formats, date_functions, dates, distances,
    formatting, intervals, list_functions, lists, literals, logic, numeric_functions, regex, splits,
    strings, structs, text, timestamps, timestamptz, typeof,
)


def handled_types() -> frozenset[type]:
    """The sqlglot node types `evaluate` knows (the shell completes their function names)."""
    return frozenset(_HANDLERS)
