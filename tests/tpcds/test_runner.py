"""`python -m bench.tpcds`: the suite's 99 queries and tables, and a tiny run end to end."""

from __future__ import annotations

import json

import sqlglot

from bench.harness.suite import needed_columns
from bench.tpcds.datagen import TABLES
from bench.tpcds.runner import TPCDS, main


def test_the_suite_has_the_99_queries_and_they_parse():
    assert TPCDS.queries == tuple(range(1, 100))
    for number in TPCDS.queries:
        sqlglot.parse_one(TPCDS.query_sql(number), read="duckdb")


def test_the_generated_folder_holds_every_table(tpcds_dir):
    assert sorted(TPCDS.table_files(tpcds_dir)) == sorted(TABLES)
    assert all(path.exists() for path in TPCDS.table_files(tpcds_dir).values())


def test_queries_read_only_the_columns_they_name(tpcds_dir):
    columns = needed_columns([TPCDS.query_sql(3)], TPCDS.schemas(tpcds_dir))
    assert columns == {
        "date_dim": ["d_date_sk", "d_year", "d_moy"],
        "item": ["i_item_sk", "i_brand_id", "i_brand", "i_manufact_id"],
        "store_sales": ["ss_sold_date_sk", "ss_item_sk", "ss_ext_sales_price"],
    }


def test_tiny_run_end_to_end(tpcds_dir, tmp_path, capsys):
    out = tmp_path / "out.json"
    assert main(["--sf", "0.01", "--queries", "3,41", "--repeat", "1", "--threads", "1",
                 "--json", str(out)]) == 0
    assert "warm: queries correct 2/2" in capsys.readouterr().out
    payload = json.loads(out.read_text())
    assert [q["query"] for q in payload["queries"]] == [3, 41]
    assert all(q["status"] == "yes" for q in payload["queries"])
    assert payload["summary"]["sf"] == 0.01
