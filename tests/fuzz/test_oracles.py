"""Each oracle passes a right answer and catches a wrong one, and classifies errors."""

from __future__ import annotations

import pyarrow as pa
import pytest

import tqp
from tests.fuzz.oracles import (
    BOTH_ERROR, DUCKDB_ERROR, INTERNAL, PASS, UNSUPPORTED, WRONG, Case, Engines, check,
)
from tests.fuzz.reduce import reduce_case


class TamperedEngines(Engines):
    """tqp's answers altered by `tamper(sql, table)` (a table, or an exception to raise)."""

    def __init__(self, tamper):
        super().__init__()
        self.tamper = tamper

    def run_tqp(self, sql):
        result = super().run_tqp(sql)
        return result if isinstance(result, BaseException) else self.tamper(sql, result)


@pytest.fixture(scope="module")
def engines():
    engines = Engines()
    yield engines
    engines.close()


def drop_first_row_if(marker):
    return lambda sql, table: table.slice(1) if marker in sql and table.num_rows else table


DIFFERENTIAL = Case("differential", {"query": "SELECT a1.k AS c0, a1.s AS c1 FROM t1 AS a1 "
                                              "WHERE a1.k > 0"})
TLP = Case("tlp", {"query": "SELECT a1.k AS c0 FROM t1 AS a1 JOIN t2 AS a2 ON a1.k = a2.k",
                   "predicate": "a1.f"}, "where")
TLP_AGGREGATE = Case("tlp", {"query": "SELECT max(a1.x) AS c0 FROM t1 AS a1",
                             "predicate": "a1.i > 2"}, "aggregate")
TLP_HAVING = Case("tlp", {"query": "SELECT a1.k AS c0, count(*) AS c1 FROM t1 AS a1 GROUP BY a1.k",
                          "predicate": "count(*) > 1"}, "having")
TLP_DISTINCT = Case("tlp", {"query": "SELECT DISTINCT a1.k AS c0 FROM t1 AS a1",
                            "predicate": "a1.s LIKE 'a%'"}, "distinct")
NOREC = Case("norec", {"query": "SELECT count(*) AS n FROM t1 AS a1 JOIN t3 AS a2 ON a1.k = a2.k",
                       "predicate": "a1.x < a2.x OR a2.f"})
CASES = [DIFFERENTIAL, TLP, TLP_AGGREGATE, TLP_HAVING, TLP_DISTINCT, NOREC]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.oracle}-{c.variant}")
def test_right_answers_pass(case, engines):
    assert check(case, engines).status == PASS


@pytest.mark.parametrize("case, marker", [
    (DIFFERENTIAL, "a1.k > 0"), (TLP, "IS NULL"), (TLP_HAVING, "NOT"), (NOREC, "SUM("),
], ids=["differential", "tlp", "tlp-having", "norec"])
def test_wrong_answers_are_caught(case, marker):
    engines = TamperedEngines(drop_first_row_if(marker))
    try:
        assert check(case, engines).status == WRONG
    finally:
        engines.close()


def test_wrong_names_and_types_are_caught():
    renamed = TamperedEngines(lambda sql, t: t.rename_columns(["k", "c1"]))
    retyped = TamperedEngines(lambda sql, t: t.set_column(0, "c0", t.column(0).cast(pa.float64())))
    try:
        assert "names" in check(DIFFERENTIAL, renamed).detail
        assert "type" in check(DIFFERENTIAL, retyped).detail
    finally:
        renamed.close()
        retyped.close()


def raising(error):
    def tamper(sql, table):
        raise error
    return tamper


class RaisingEngines(TamperedEngines):
    def run_tqp(self, sql):
        try:
            return super().run_tqp(sql)
        except Exception as error:  # noqa: BLE001
            return error


@pytest.mark.parametrize("error, sql, status", [
    (RuntimeError("boom"), DIFFERENTIAL.parts["query"], INTERNAL),
    (tqp.InternalError("bad state"), DIFFERENTIAL.parts["query"], INTERNAL),
    (tqp.NotSupportedError("PIVOT"), DIFFERENTIAL.parts["query"], UNSUPPORTED),
    (tqp.ProgrammingError("no such table"), "SELECT * FROM nowhere", BOTH_ERROR),
])
def test_errors_are_classified(error, sql, status):
    engines = RaisingEngines(raising(error))
    try:
        outcome = check(Case("differential", {"query": sql}), engines)
        assert (outcome.status, outcome.error) == (status, type(error).__name__)
    finally:
        engines.close()


def test_duckdb_refusing_what_tqp_answers_is_a_failure():
    engines = RaisingEngines(lambda sql, t: t)
    engines.run_tqp = lambda sql: pa.table({"c0": [-2147483648]})  # tqp "answers" an overflow
    try:
        outcome = check(Case("differential", {"query": "SELECT 2147483647 + 1 AS c0"}), engines)
        assert (outcome.status, outcome.error) == (DUCKDB_ERROR, "OutOfRangeException")
        # A division by zero DuckDB meets is checked again with x/0 as NULL: tqp may have
        # pruned the column that divides.
        engines.run_tqp = lambda sql: pa.table({"c0": [None]}, schema=pa.schema([("c0", pa.int64())]))
        assert check(Case("differential", {"query": "SELECT 7 // 0 AS c0"}), engines).status == PASS
    finally:
        engines.close()


def test_reduction_keeps_the_failure_and_shrinks():
    engines = TamperedEngines(drop_first_row_if("a1.f"))
    case = Case("differential", {"query": (
        "SELECT a1.k AS c0, upper(a1.s) AS c1, (a1.i + 1) AS c2 FROM t1 AS a1 JOIN t2 AS a2 "
        "ON a1.k = a2.k WHERE (a1.f OR (a2.i > 3)) ORDER BY 1, 2, 3")})
    try:
        failure = check(case, engines)
        assert failure.status == WRONG
        small, outcome = reduce_case(case, failure, engines)
        assert outcome.status == WRONG and "a1.f" in small.parts["query"]
        assert len(small.parts["query"]) < len(case.parts["query"]) / 2
    finally:
        engines.close()
