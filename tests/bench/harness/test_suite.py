"""A suite's description, its query-list syntax, and the columns its queries name."""

from __future__ import annotations

import argparse

import pytest

from bench.harness.suite import Suite, needed_columns, parse_queries
from bench.tpch.runner import TPCH

TPCH_QUERIES = TPCH.queries


@pytest.mark.parametrize("spec, expected", [
    ("1", [1]),
    ("1,3,5-7", [1, 3, 5, 6, 7]),
    ("7,1,1-2", [1, 2, 7]),
    ("q05, q07-q08", [5, 7, 8]),
    ("20-22", [20, 21, 22]),
    ("all", list(range(1, 23))),
])
def test_parse_queries(spec, expected):
    assert parse_queries(spec, TPCH_QUERIES) == expected


@pytest.mark.parametrize("spec", ["0", "23", "1,,2", "7-3", "5-", "-5", "x", "1.5", ""])
def test_parse_queries_rejects(spec):
    with pytest.raises(argparse.ArgumentTypeError):
        parse_queries(spec, TPCH_QUERIES)


def test_query_numbers_are_the_suites():
    known = tuple(range(1, 100))
    assert parse_queries("98-99", known) == [98, 99]
    assert parse_queries("all", known) == list(known)
    with pytest.raises(argparse.ArgumentTypeError):
        parse_queries("100", known)


def test_suite_finds_queries_and_table_files(tmp_path):
    (tmp_path / "q07.sql").write_text("select 7")
    suite = Suite("S", "bench.s", tmp_path, (7,), ("a", "b"), ensure_data=lambda sf: tmp_path)
    assert suite.query_sql(7) == "select 7"
    assert suite.table_files(tmp_path / "sf1") == {"a": tmp_path / "sf1" / "a.parquet",
                                                   "b": tmp_path / "sf1" / "b.parquet"}


def test_tpch_schemas_cover_every_table(tpch_dir):
    assert set(TPCH.schemas(tpch_dir)) == set(TPCH.tables)


def test_needed_columns_are_the_ones_the_query_names(tpch_dir):
    columns = needed_columns([TPCH.query_sql(6)], TPCH.schemas(tpch_dir))
    assert columns == {"lineitem": ["l_quantity", "l_extendedprice", "l_discount", "l_shipdate"]}


def test_needed_columns_ignore_the_star_of_exists(tpch_dir):
    columns = needed_columns([TPCH.query_sql(4)], TPCH.schemas(tpch_dir))
    assert columns == {"lineitem": ["l_orderkey", "l_commitdate", "l_receiptdate"],
                       "orders": ["o_orderkey", "o_orderdate", "o_orderpriority"]}


def test_needed_columns_keep_every_column_of_a_star_and_skip_ctes(tpch_dir):
    sql = "with n as (select * from nation) select * from n, region where n_regionkey = r_regionkey"
    schemas = TPCH.schemas(tpch_dir)
    assert needed_columns([sql], schemas) == {"nation": schemas["nation"].names,
                                              "region": schemas["region"].names}
