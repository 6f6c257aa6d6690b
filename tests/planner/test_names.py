"""Unaliased result columns are named as DuckDB names them (aggregates, operators, literals)."""

import duckdb
import pyarrow as pa
import pytest

import tqp

TABLE = pa.table({"a": [1, 2], "b": [2.5, 3.5], "s": ["x", "y"],
                  "d": pa.array([18000, 18400], pa.int32()).cast(pa.date32())})

QUERIES = [
    "select count(*), sum(a), count(distinct a), avg(b), min(s), max(a + 1) from t",
    "select a + 1, -a, a, t.a, 42, 'lit', a * 2 + 1, a = 1 and b > 2, not (a = 1), a // 2 from t",
    "select s || 'z', a % 2, a <> 1, b / 2 as half from t",
    # Calls sqlglot rebuilds under another name, with defaults and ORDER BY moved.
    "select string_agg(s, ','), STRING_AGG(s), group_concat(DISTINCT s), listagg(upper(s), '-'),"
    " string_agg(s, ',' ORDER BY a DESC), string_agg(s ORDER BY s NULLS FIRST) from t",
    # Date parts: EXTRACT is named as date_part, a part written as a string keeps its case.
    "select extract(year from d), EXTRACT(dow FROM d), extract('day' from d),"
    " date_part('month', d), date_trunc('month', d), DATE_TRUNC('Year', d) from t",
    # Date functions: EPOCH_MS without sqlglot's scale, CURRENT_DATE as the keyword written.
    "select strftime(d, '%Y'), strftime('%Y', d), strptime(s, '%Y') is null, epoch(d), epoch_ms(d),"
    " epoch_us(d), epoch_ms(a), make_timestamp(a), make_timestamp(a, a, a, a, a, b), typeof(a),"
    " date_trunc(s, d), current_date = today(), current_date(), hour(d) from t where a > 5",
    # CAST: the types of DuckDB's grammar canonical, others as typed; nested and TRY_CAST.
    "select a::int, cast(a as integer), a::decimal(10,2), a::Varchar, a::numeric(5,1), a::real,"
    " a::int8, a::double precision, CAST(a + 1 AS INT), a::varchar::int, TRY_CAST(b AS INTEGER),"
    " upper(s)::text, CAST(d AS TIMESTAMP), CAST(s AS VARCHAR(10)), b::Decimal(12, 3) from t",
    # Aggregates over calls sqlglot rebuilds (TRIM, SUBSTRING): named by their own name, not
    # the inner call's.
    "select min(trim(s)), max(substring(s, 1, 1)), count(trim(s, 'x')), min(trim(trim(s))),"
    " sum(length(trim(s))) from t",
    # A cast sqlglot makes of a typed literal, inside a written one.
    "select CAST(DATE '2020-01-01' AS VARCHAR), CAST('2020-01-02' AS DATE) from t",
    # CASE as DuckDB prints it: searched, simple (x = v) and without ELSE.
    "select case when a > 1 then 'big' when a = 1 then 'one' end,"
    " case a when 1 then 'one' else 'other' end, CASE WHEN b > 3 THEN b + 1 ELSE -b END from t",
]


@pytest.mark.parametrize("sql", QUERIES)
def test_names_match_duckdb(sql):
    con = tqp.connect()
    con.register("t", TABLE)
    duck = duckdb.connect()
    duck.register("t", TABLE)
    expected = duck.sql(sql).to_arrow_table().column_names
    assert con.execute(sql).fetch_arrow_table().column_names == expected
