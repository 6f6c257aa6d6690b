"""bind_parameters / count_parameters: qmark placeholders become SQL literals on the AST."""

from __future__ import annotations

import datetime
import decimal

import pytest
import sqlglot
from sqlglot import exp

import tqp
from tqp.planner.parameters import bind_parameters, bind_statements, count_parameters, to_literal


def parse(sql: str) -> exp.Expression:
    return sqlglot.parse_one(sql, read="duckdb")


def bound(sql: str, parameters) -> str:
    return bind_parameters(parse(sql), parameters).sql(dialect="duckdb")


@pytest.mark.parametrize(
    "value, sql",
    [
        (None, "NULL"),
        (True, "TRUE"),
        (False, "FALSE"),
        (0, "0"),
        (42, "42"),
        (-7, "-7"),
        (2**40, "1099511627776"),
        (1.5, "1.5"),
        (-0.25, "-0.25"),
        (1e-20, "1e-20"),
        ("x", "'x'"),
        ("it's", "'it''s'"),
        ("", "''"),
        (datetime.date(1998, 12, 1), "CAST('1998-12-01' AS DATE)"),
        (datetime.datetime(2020, 1, 2, 3, 4, 5), "CAST('2020-01-02 03:04:05' AS TIMESTAMP)"),
        (
            datetime.datetime(2020, 1, 2, 3, 4, 5, 6),
            "CAST('2020-01-02 03:04:05.000006' AS TIMESTAMP)",
        ),
        (decimal.Decimal("0.06"), "0.06"),
        (decimal.Decimal("-1.50"), "-1.50"),
        (decimal.Decimal("1E+3"), "1000"),
        (float("nan"), "CAST('nan' AS DOUBLE)"),
        (float("-inf"), "CAST('-inf' AS DOUBLE)"),
    ],
)
def test_literal_of_each_type(value, sql):
    assert bound("select ?", [value]) == f"SELECT {sql}"


def test_literal_values_round_trip_through_the_ast():
    assert isinstance(to_literal(None), exp.Null)
    assert to_literal(True) == exp.Boolean(this=True)
    assert isinstance(to_literal(-3), exp.Neg)  # negative numbers are Neg(literal), as parsed
    assert to_literal("a").is_string
    assert to_literal(2).is_int


def test_numpy_scalars_are_numbers():
    numpy = pytest.importorskip("numpy")
    assert bound("select ?, ?, ?", [numpy.int64(3), numpy.float64(0.5), numpy.bool_(True)]) == (
        "SELECT 3, 0.5, TRUE"
    )


def test_placeholders_bind_in_text_order():
    # The tree keeps LIMIT before WHERE; binding must follow the SQL text, not the tree.
    sql = "select a, ? from t where a > ? and b in (?, ?) group by a having count(*) > ? limit ?"
    assert bound(sql, [0, 1, 2, 3, 4, 5]) == (
        "SELECT a, 0 FROM t WHERE a > 1 AND b IN (2, 3) GROUP BY a HAVING COUNT(*) > 4 LIMIT 5"
    )


def test_placeholders_in_subqueries_and_ctes_bind_in_text_order():
    sql = "with c as (select ? as x) select x, ? from c where x in (select ? from t) order by ?"
    assert bound(sql, [1, 2, 3, 4]) == (
        "WITH c AS (SELECT 1 AS x) SELECT x, 2 FROM c WHERE x IN (SELECT 3 FROM t) ORDER BY 4"
    )


def test_string_parameter_cannot_inject_sql():
    sql = bound("select * from t where name = ?", ["x' or 1=1 --"])
    assert sql == "SELECT * FROM t WHERE name = 'x'' or 1=1 --'"


def test_parameter_that_looks_like_the_internal_marker_is_still_a_value():
    assert bound("select ?, ?", ["__tqp_placeholder_1__", 2]) == "SELECT '__tqp_placeholder_1__', 2"


def test_statement_is_not_modified():
    tree = parse("select ? + 1")
    bind_parameters(tree, [1])
    assert tree.sql() == "SELECT ? + 1"


def test_numbered_parameters():
    assert bound("select $2, $1, $2", ["a", "b"]) == "SELECT 'b', 'a', 'b'"


def test_no_placeholders_no_parameters():
    assert bound("select 1", None) == "SELECT 1"
    assert bound("select 1", []) == "SELECT 1"


@pytest.mark.parametrize(
    "sql, expected",
    [("select 1", 0), ("select ?", 1), ("select ? from t where a = ? limit ?", 3),
     ("select $1 + $3", 3)],
)
def test_count_parameters(sql, expected):
    assert count_parameters(parse(sql)) == expected


@pytest.mark.parametrize("parameters, given", [([], 0), ([1], 1), ([1, 2, 3], 3), (None, 0)])
def test_wrong_count_is_a_programming_error(parameters, given):
    with pytest.raises(tqp.ProgrammingError, match=f"expects 2, {given} given"):
        bind_parameters(parse("select ?, ?"), parameters)


def test_mixing_qmark_and_numbered_is_an_error():
    with pytest.raises(tqp.ProgrammingError):
        bind_parameters(parse("select ?, $1"), [1, 2])


@pytest.mark.parametrize(
    "value, name",
    [(b"bytes", "bytes"), (object(), "object"), ([1, 2], "list"), (datetime.time(1, 2), "time"),
     (1 + 2j, "complex")],
)
def test_unsupported_type_is_named(value, name):
    with pytest.raises(tqp.NotSupportedError, match=name):
        bind_parameters(parse("select ?"), [value])


def test_timezone_aware_datetime_binds_as_timestamptz():
    """DuckDB binds a datetime with a zone as a TIMESTAMP WITH TIME ZONE: the same instant."""
    aware = datetime.datetime(2020, 1, 1, 12, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))
    assert bind_parameters(parse("select ?"), [aware]).sql(dialect="duckdb") == \
        "SELECT CAST('2020-01-01 12:00:00+02:00' AS TIMESTAMPTZ)"
    con = tqp.connect()
    assert con.execute("select ?, typeof(?)", [aware, aware]).fetchall() == [
        (datetime.datetime(2020, 1, 1, 10, tzinfo=datetime.timezone.utc),
         "TIMESTAMP WITH TIME ZONE")]


def test_bind_statements_spreads_parameters_over_statements():
    statements = sqlglot.parse("select ?; select 1; select ?, ?", read="duckdb")
    assert [s.sql() for s in bind_statements(statements, [1, 2, 3])] == [
        "SELECT 1", "SELECT 1", "SELECT 2, 3"
    ]
    with pytest.raises(tqp.ProgrammingError, match="expect 3, 2 given"):
        bind_statements(statements, [1, 2])
