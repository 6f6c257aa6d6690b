"""The fuzzer's three oracles: DuckDB differential, ternary logic partitioning, NoREC.

A case is a few named SQL parts (`Case.parts`) that an oracle turns into the queries it runs, so
the reducer (tests/fuzz/reduce.py) can shrink any part and ask the oracle again.

- differential: the same query on tqp and DuckDB, compared by tests/oracle.py (names, type
  kinds, values; multisets unless the query orders).
- tlp (ternary logic partitioning): for a predicate p, the rows of Q are the rows of Q WHERE p,
  Q WHERE NOT p and Q WHERE p IS NULL together (UNION ALL); likewise for DISTINCT (UNION),
  HAVING, and for COUNT/SUM/MIN/MAX re-aggregated over the three parts. tqp alone.
- norec: SELECT count(*) ... WHERE p, which the planner optimizes (pushdown, join keys), equals
  SELECT sum(CASE WHEN p THEN 1 ELSE 0 END) ..., which it cannot. tqp alone.

Outcomes: PASS; WRONG (a wrong answer); INTERNAL (tqp raised InternalError or a non-tqp
exception: always a bug); UNSUPPORTED (tqp raised a tqp.Error where DuckDB answers); BOTH_ERROR
(both engines refuse: not a failure); DUCKDB_ERROR (DuckDB refuses a query that tqp answers,
e.g. an overflow that tqp let pass: a failure).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import duckdb
import pyarrow as pa
import sqlglot
from sqlglot import exp

import tqp
from tests.fuzz.generator import KINDS, QueryGenerator, Scope
from tests.fuzz.tables import fuzz_tables
from bench.tpch.compare import compare_tables
from tests.oracle import is_ordered, result_problem

PASS, WRONG, INTERNAL, UNSUPPORTED, BOTH_ERROR, DUCKDB_ERROR = (
    "pass", "wrong", "internal", "unsupported", "both_error", "duckdb_error")
FAILURES = frozenset({WRONG, INTERNAL, DUCKDB_ERROR})


@dataclass(frozen=True)
class Case:
    oracle: str
    parts: dict[str, str]
    variant: str = ""  # which form of the oracle (tlp: where, distinct, aggregate, having)


@dataclass(frozen=True)
class Outcome:
    status: str
    detail: str = ""
    error: str = ""  # the exception class, for errors
    sql: str = ""  # the query that shows it

    def same_failure(self, other: Outcome) -> bool:
        """The reducer keeps a smaller case only when it fails the same way."""
        return self.status == other.status and self.error == other.error


class Engines:
    """tqp and DuckDB over the fuzz tables."""

    def __init__(self, device: str = "cpu"):
        tables = fuzz_tables()
        self.tqp = tqp.connect(device=device)
        self.duck = duckdb.connect()
        self.duck.execute("SET threads TO 1")
        self.duck.execute("SET TimeZone = 'UTC'")  # tqp's session time zone
        for name, table in tables.items():
            self.tqp.register(name, table)
            self.duck.register(name, table)

    def run_tqp(self, sql: str) -> pa.Table | BaseException:
        try:
            return self.tqp.execute(sql).fetch_arrow_table()
        except Exception as error:  # noqa: BLE001 - classified by the caller
            return error

    def run_duckdb(self, sql: str, division_by_zero_is_null: bool = False) -> pa.Table | BaseException:
        if division_by_zero_is_null:
            self.duck.execute("SET error_on_division_by_zero = false")
        try:
            return self.duck.sql(sql).to_arrow_table()
        except Exception as error:  # noqa: BLE001
            return error
        finally:
            if division_by_zero_is_null:
                self.duck.execute("RESET error_on_division_by_zero")

    def close(self):
        self.tqp.close()
        self.duck.close()


def is_internal(error: BaseException) -> bool:
    """A tqp bug: InternalError, or anything that is not a tqp.Error."""
    return isinstance(error, tqp.InternalError) or not isinstance(error, tqp.Error)


def _error_outcome(engines: Engines, error: BaseException, sql: str) -> Outcome:
    """What a tqp error means: INTERNAL, or UNSUPPORTED/BOTH_ERROR by DuckDB's answer."""
    name = type(error).__name__
    message = f"{name}: {str(error).splitlines()[0] if str(error) else ''}"[:300]
    if is_internal(error):
        return Outcome(INTERNAL, message, name, sql)
    duck = engines.run_duckdb(sql)
    status = BOTH_ERROR if isinstance(duck, BaseException) else UNSUPPORTED
    return Outcome(status, message, name, sql)


def _parse(sql: str) -> exp.Expression:
    return sqlglot.parse_one(sql, read="duckdb")


# -- differential ----------------------------------------------------------------------------

def differential_case(gen: QueryGenerator) -> Case:
    return Case("differential", {"query": gen.query()})


def differential_check(case: Case, engines: Engines) -> Outcome:
    sql = case.parts["query"]
    got = engines.run_tqp(sql)
    if isinstance(got, BaseException):
        return _error_outcome(engines, got, sql)
    want = engines.run_duckdb(sql)
    if isinstance(want, BaseException) and "Division by zero" in str(want):
        # DuckDB divides in columns that no output needs; tqp prunes them first. Where tqp
        # answered, it divided by no zero it kept, so DuckDB's answer with x/0 as NULL is due.
        want = engines.run_duckdb(sql, division_by_zero_is_null=True)
    if isinstance(want, BaseException):
        message = str(want).splitlines()[0][:300] if str(want) else ""
        name = type(want).__name__  # DuckDB's class, so a reduction keeps the same refusal
        return Outcome(DUCKDB_ERROR, f"{name}: {message}", name, sql)
    problem = result_problem(got, want, is_ordered(sql))
    return Outcome(WRONG, problem, "", sql) if problem else Outcome(PASS)


# -- TLP -------------------------------------------------------------------------------------

TLP_VARIANTS = ("where", "distinct", "aggregate", "having")
# How the aggregate of each part combines into the aggregate of the whole.
_COMBINE = {"count": "sum", "sum": "sum", "min": "min", "max": "max"}


def tlp_case(gen: QueryGenerator) -> Case:
    variant = gen.rng.choice(TLP_VARIANTS)
    from_sql, columns = gen.from_clause(0, filtered=True)
    scope = Scope(columns)
    where = f" WHERE {gen.expr('bool', scope)}" if gen.rng.random() < 0.3 else ""
    if variant == "having":
        keys = gen.group_keys(scope) or [gen.rng.choice(columns)]
        grouped = Scope(keys, rows=scope)
        items = [k for k, _ in keys] + [gen.expr(gen.rng.choice(KINDS), grouped)]
        listed = ", ".join(f"{e} AS c{i}" for i, e in enumerate(items))
        query = (f"SELECT {listed} FROM {from_sql}{where} GROUP BY "
                 + ", ".join(k for k, _ in keys))
        return Case("tlp", {"query": query, "predicate": gen.expr("bool", grouped)}, variant)
    if variant == "aggregate":
        fn = gen.rng.choice(sorted(_COMBINE))
        kind = "int" if fn in ("count", "sum") else gen.rng.choice(["int", "double", "varchar",
                                                                    "date"])
        arg = "*" if fn == "count" and gen.rng.random() < 0.5 else gen.expr(kind, scope)
        listed = f"{fn}({arg}) AS c0"
    else:
        listed = ", ".join(f"{gen.expr(gen.rng.choice(KINDS), scope)} AS c{i}"
                           for i in range(gen.rng.randint(1, 3)))
    distinct = "DISTINCT " if variant == "distinct" else ""
    query = f"SELECT {distinct}{listed} FROM {from_sql}{where}"
    return Case("tlp", {"query": query, "predicate": gen.expr("bool", scope)}, variant)


def tlp_queries(case: Case) -> tuple[str, str]:
    """The query and its partitioned form."""
    query, predicate = _parse(case.parts["query"]), _parse(case.parts["predicate"])
    if case.variant == "distinct":  # kept through reduction: the UNION below relies on it
        query = query.distinct(copy=False)
    conditions = [exp.paren(predicate.copy()), exp.not_(exp.paren(predicate.copy())),
                  exp.Is(this=exp.paren(predicate.copy()), expression=exp.Null())]
    if case.variant == "having":
        parts = [query.copy().having(c, copy=False) for c in conditions]
    else:
        parts = [query.copy().where(c, copy=False) for c in conditions]
    parts_sql = [p.sql(dialect="duckdb") for p in parts]
    if case.variant == "aggregate":
        fn = query.expressions[0].this.key  # count, sum, min or max (an alias's target)
        union = " UNION ALL ".join(parts_sql)
        combined = f"SELECT {_COMBINE.get(fn, fn)}(c0) AS c0 FROM ({union}) AS tlp"
    else:
        combined = (" UNION " if case.variant == "distinct" else " UNION ALL ").join(parts_sql)
    return query.sql(dialect="duckdb"), combined


def tlp_check(case: Case, engines: Engines) -> Outcome:
    return _self_check(engines, *tlp_queries(case), zero_null=False)


# -- NoREC -----------------------------------------------------------------------------------

def norec_case(gen: QueryGenerator) -> Case:
    from_sql, columns = gen.from_clause(0, filtered=True)
    return Case("norec", {"query": f"SELECT count(*) AS n FROM {from_sql}",
                          "predicate": gen.expr("bool", Scope(columns))})


def norec_queries(case: Case) -> tuple[str, str]:
    """The optimizable count and the unoptimizable sum over the same rows."""
    query, predicate = _parse(case.parts["query"]), case.parts["predicate"]
    counted = query.copy().where(exp.paren(_parse(predicate)), copy=False)
    summed = query.copy().select(f"sum(CASE WHEN {predicate} THEN 1 ELSE 0 END) AS n",
                                 append=False, dialect="duckdb", copy=False)
    return counted.sql(dialect="duckdb"), summed.sql(dialect="duckdb")


def norec_check(case: Case, engines: Engines) -> Outcome:
    return _self_check(engines, *norec_queries(case), zero_null=True)


# -- shared ----------------------------------------------------------------------------------

def _self_check(engines: Engines, first: str, second: str, zero_null: bool) -> Outcome:
    """tqp's answers to two queries that must agree (values only, as multisets)."""
    results = []
    for sql in (first, second):
        got = engines.run_tqp(sql)
        if isinstance(got, BaseException):
            return _error_outcome(engines, got, sql)
        results.append(got)
    a, b = results
    if zero_null:  # a SUM over no rows is NULL where the COUNT is 0
        a, b = _nulls_to_zero(a), _nulls_to_zero(b)
    # Values only: re-aggregating the parts changes kinds legitimately (a SUM of COUNTs is a
    # HUGEINT, a decimal); names and kinds are the differential oracle's to check.
    problem = compare_tables(a.rename_columns(b.column_names), b, ordered=False)
    if problem:
        return Outcome(WRONG, problem, "", f"{first};\n{second}")
    return Outcome(PASS)


def _nulls_to_zero(table: pa.Table) -> pa.Table:
    if table.num_rows != 1 or table.num_columns != 1 or table.column(0)[0].is_valid:
        return table
    if not (pa.types.is_integer(table.schema.types[0]) or pa.types.is_decimal(table.schema.types[0])):
        return table
    return pa.table({table.column_names[0]: pa.array([0], type=table.schema.types[0])})


@dataclass(frozen=True)
class Oracle:
    name: str
    make_case: Callable[[QueryGenerator], Case]
    check: Callable[[Case, Engines], Outcome]
    weight: int  # how often the runner picks it


ORACLES = {
    "differential": Oracle("differential", differential_case, differential_check, 3),
    "tlp": Oracle("tlp", tlp_case, tlp_check, 2),
    "norec": Oracle("norec", norec_case, norec_check, 1),
}


def check(case: Case, engines: Engines) -> Outcome:
    try:
        return ORACLES[case.oracle].check(case, engines)
    except sqlglot.errors.ParseError as error:  # a part the oracle cannot build upon
        return Outcome(BOTH_ERROR, f"unparsable part: {str(error).splitlines()[0]}", "ParseError")
