"""Where TYPEOF(x) may answer: x's type in tqp must be the type DuckDB would give it.

tqp computes some types wider than DuckDB (TINYINT, SMALLINT and the unsigned integers as
INTEGER or BIGINT, timestamps of any unit as microseconds), so naming tqp's
type would sometimes name a type DuckDB would not. Each TYPEOF is checked once the plan is
built: every node of its argument must be of a kind whose tqp type is DuckDB's (checked against
DuckDB in tests/sql/corpus/typeof.sql), and every column it reads must come, through
projections, filters, joins and the usual aggregates, from a table column whose Arrow type is
read as exactly DuckDB's type, or from such an expression. The check marks the node; an
unmarked TYPEOF raises NotSupportedError with the reason (operators/expressions/typeof.py).
"""

from __future__ import annotations

import pyarrow as pa
from sqlglot import exp

from tqp.planner.logical import (
    Aggregate, AsofJoin, Distinct, Filter, Join, Limit, MarkJoin, MultiJoin, Plan, Project,
    RowNumber, ScalarApply, Scan, Sort, Unnest, Window,
)
from tqp.operators.expressions.intervals import TO_INTERVAL
from tqp.operators.expressions.typeof import EXACT, LEADING_POINT
from tqp.planner.passes.check import expression_reads
from tqp.storage.declared import QUERY_TYPE_KEY
from tqp.storage.sources import CsvSource
from tqp.types import INT64_DECIMAL_PRECISION, MAX_DECIMAL_PRECISION

# Node kinds whose result type tqp computes as DuckDB does, given arguments of DuckDB's types.
_EXACT_NODES = (
    exp.Column, exp.Literal, exp.Null, exp.Boolean, exp.Paren, exp.Neg, exp.Typeof,
    exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod,
    exp.EQ, exp.NEQ, exp.LT, exp.LTE, exp.GT, exp.GTE, exp.And, exp.Or, exp.Not, exp.Is,
    exp.Between, exp.In, exp.Like, exp.ILike, exp.NullSafeEQ, exp.NullSafeNEQ,
    exp.Case, exp.If, exp.Coalesce,
    exp.Upper, exp.Lower, exp.Length, exp.Substring, exp.Concat, exp.DPipe, exp.Trim,
    exp.Replace, exp.StrPosition, exp.Left, exp.Right,
    exp.Abs, exp.Round, exp.Sqrt, exp.Ln, exp.Exp, exp.Pow,
    exp.Extract, exp.Year, exp.Month, exp.Day, exp.Quarter, exp.DayOfWeek, exp.DayOfYear,
    exp.TimestampTrunc, exp.DateTrunc, exp.DateDiff, exp.LastDay, exp.DateFromParts,
    exp.TimestampFromParts, exp.TimeToUnix, exp.TimeToStr, exp.StrToTime, exp.CurrentDate,
    exp.Interval, exp.Var, exp.IntDiv, exp.Nullif, exp.Greatest, exp.Least, exp.Floor, exp.Ceil,
    exp.UnixToTime, exp.DateAdd, exp.Dayname, exp.Monthname, exp.ToDays, exp.CurrentTimestamp,
    exp.Localtimestamp,
)
# Functions sqlglot does not know (exp.Anonymous), by name, likewise checked.
_EXACT_ANONYMOUS = {"date_part", "datepart", "epoch_us", "epoch_ns", "try_strptime", "date_trunc",
                    "datetrunc", "date_sub", "datesub", "yearweek", "era", "decade", "century",
                    "millennium", "julian", "microsecond", "millisecond", "weekday", "isoyear",
                    "nanosecond", "age", "now", "get_current_timestamp",
                    "transaction_timestamp", *TO_INTERVAL}
# CAST targets whose tqp type is the type named.
_EXACT_CASTS = {
    exp.DataType.Type.BOOLEAN, exp.DataType.Type.INT, exp.DataType.Type.BIGINT,
    exp.DataType.Type.DOUBLE, exp.DataType.Type.FLOAT, exp.DataType.Type.DECIMAL,
    exp.DataType.Type.DATE,
    exp.DataType.Type.TIMESTAMP, exp.DataType.Type.TIMESTAMPNTZ, exp.DataType.Type.DATETIME,
    exp.DataType.Type.VARCHAR, exp.DataType.Type.TEXT, exp.DataType.Type.INT128,
    exp.DataType.Type.INTERVAL, exp.DataType.Type.TIMESTAMPTZ,
}
# Aggregates whose result type tqp computes as DuckDB does.
_EXACT_AGGREGATES = {"count", "count_star", "sum", "avg", "min", "max", "stddev_samp",
                     "stddev_pop", "var_samp", "var_pop", "median", "string_agg", "bool_and",
                     "bool_or"}


# Where a NULL literal takes the type of its neighbours in DuckDB as in tqp.
_NULL_PARENTS = (exp.Cast, exp.If, exp.Case, exp.Coalesce, exp.Is)


def _wide_decimal(literal: exp.Literal) -> bool:
    """A number with a point and more than 18 digits: DuckDB's DECIMAL, tqp's DOUBLE."""
    text = literal.this
    return not literal.is_string and "." in text and "e" not in text.lower() and \
        sum(c.isdigit() for c in text) > INT64_DECIMAL_PRECISION


def exact_arrow_type(t: pa.DataType) -> bool:
    """Is a table column of Arrow type `t` read as exactly the type DuckDB reads it as?"""
    return (pa.types.is_boolean(t) or pa.types.is_int32(t) or pa.types.is_int64(t)
            or pa.types.is_float64(t) or pa.types.is_float32(t) or pa.types.is_date32(t)
            or pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t)
            or pa.types.is_timestamp(t) and (t.unit == "us"  # DuckDB: zoned s/ms are TIMESTAMPTZ
                                             or t.tz is not None and t.unit != "ns")
            or pa.types.is_decimal128(t) and t.precision <= MAX_DECIMAL_PRECISION
            or t == pa.month_day_nano_interval() or pa.types.is_duration(t))


def mark_typeofs(plan: Plan, catalog) -> None:
    """Mark each TYPEOF in `plan` exact (True) or with the reason it is not."""
    checker = _Checker(catalog)
    seen: set[int] = set()

    def visit(node: Plan) -> None:
        if id(node) in seen:
            return
        seen.add(id(node))
        for child in node.children:
            visit(child)
        for expressions, _ in expression_reads(node):
            for expression in expressions:
                if expression is None:
                    continue
                for call in expression.find_all(exp.Typeof):
                    reason = "a query with a number written as .5" if call.meta.get(
                        LEADING_POINT) else checker.expression(call.this, node.children)
                    call.meta[EXACT] = True if reason is None else reason

    visit(plan)


class _Checker:
    def __init__(self, catalog):
        self.catalog = catalog
        self.columns: dict[tuple[int, str], str | None] = {}

    def expression(self, expression: exp.Expression, inputs: tuple[Plan, ...]) -> str | None:
        """None if `expression`, over `inputs`, has DuckDB's type in tqp; else the reason."""
        for node in expression.walk():
            if isinstance(node, exp.Column):
                reason = self.column(node.name, inputs)
                if reason is not None:
                    return reason
            elif isinstance(node, exp.Cast):
                if node.to.this not in _EXACT_CASTS:
                    return f"a CAST to {node.to.sql(dialect='duckdb')}"
            elif isinstance(node, (exp.DataType, exp.DataTypeParam, exp.Identifier)):
                continue
            elif isinstance(node, exp.Null) and node is not expression and not isinstance(
                    node.parent, _NULL_PARENTS):
                return "a NULL literal in an expression (DuckDB types some of them as NULL)"
            elif isinstance(node, exp.Literal) and _wide_decimal(node):
                return f"the literal {node.this} (more than 18 digits: DOUBLE in tqp)"
            elif isinstance(node, exp.Anonymous):
                if node.name.lower() not in _EXACT_ANONYMOUS:
                    return f"{node.name.upper()}()"
            elif not isinstance(node, _EXACT_NODES):
                return f"{node.sql_name()}()" if isinstance(node, exp.Func) else \
                    type(node).__name__.upper()
        return None

    def column(self, name: str, inputs: tuple[Plan, ...]) -> str | None:
        for plan in inputs:
            if name in plan.columns:
                key = (id(plan), name)
                if key not in self.columns:
                    self.columns[key] = self._column(plan, name)
                return self.columns[key]
        return f"column {name}"

    def _column(self, plan: Plan, name: str) -> str | None:
        if isinstance(plan, Scan):
            if isinstance(self.catalog.source(plan.table), CsvSource):
                return "a column read from CSV (Arrow infers its type, DuckDB's sniffer may differ)"
            field = self.catalog.schema(plan.table).field(name[len(plan.binding) + 1:])
            if field.metadata and QUERY_TYPE_KEY in field.metadata:
                return "a column of a table made by CREATE TABLE AS (its types are tqp's)"
            arrow_type = field.type
            if exact_arrow_type(arrow_type):
                return None
            return f"a column of Arrow type {arrow_type} (tqp widens it)"
        if isinstance(plan, Project):
            return self.expression(dict(plan.exprs)[name], (plan.input,))
        if isinstance(plan, (Filter, Distinct, Sort, Limit)):
            return self._column(plan.input, name)
        if isinstance(plan, MarkJoin) and name == plan.mark:
            return None  # IN / EXISTS: BOOLEAN
        if isinstance(plan, (Join, AsofJoin, MultiJoin, MarkJoin)):
            return self.column(name, plan.children)
        if isinstance(plan, ScalarApply):
            if name == plan.name:  # a scalar subquery: its one column's type
                return self.column(plan.subquery.columns[0], (plan.subquery,))
            return self.column(name, (plan.input,))
        if isinstance(plan, Aggregate):
            keys = dict(plan.keys)
            if name in keys:
                return self.expression(keys[name], (plan.input,))
            call = dict(plan.aggregates)[name]
            if call.func not in _EXACT_AGGREGATES or plan.sets is not None:
                return f"the aggregate {call.func.upper()}"
            return None if call.arg is None else self.expression(call.arg, (plan.input,))
        if isinstance(plan, (Window, RowNumber, Unnest)) and name in plan.input.columns:
            return self._column(plan.input, name)  # passed through
        return f"a column of {type(plan).__name__}"
