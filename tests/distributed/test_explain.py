"""EXPLAIN on Ray prints the stages; EXPLAIN ANALYZE adds tasks, rows, bytes (shuffled, for a
stage split by a hash of keys) and time per stage, and each operator's figures summed over its
tasks."""

from __future__ import annotations

import re

import pytest


SQL = ("SELECT l_returnflag, count(*) AS n FROM lineitem WHERE l_quantity > 10 "
       "GROUP BY l_returnflag ORDER BY l_returnflag")


def test_explain_prints_the_stages(ray_con):
    text = ray_con.execute("EXPLAIN " + SQL).fetchall()[0][0]
    assert re.search(r"^Stage 1: 4 tasks, hash-split into 4 parts\n  PartialAggregate", text,
                     re.M)
    assert re.search(r"^Stage 2: 4 tasks\n  MergeAggregate", text, re.M)
    assert "StageInput[hash] from stage 1 (4 hash partitions of 4)" in text
    assert re.search(r"^Stage 3: 1 task\n", text, re.M)
    assert "StageInput[gather] from stage 2 (4 partitions)" in text


def test_explain_analyze_adds_tasks_bytes_and_time_per_stage(ray_con):
    text = ray_con.execute("EXPLAIN ANALYZE " + SQL).fetchall()[0][0]
    shuffle = re.search(r"^Stage 1: 4 tasks, hash-split into 4 parts, (\d+) rows, "
                        r"([\d.]+ \w+) shuffled, ([\d.]+) ms in tasks "
                        r"\(slowest ([\d.]+) ms\), done at ([\d.]+) ms$", text, re.M)
    assert shuffle is not None, text
    groups = len(ray_con.execute(SQL).fetchall())
    merge = re.search(r"^Stage 2: 4 tasks, (\d+) rows, ([\d.]+ \w+) out", text, re.M)
    assert merge is not None and int(merge.group(1)) == groups
    final = re.search(r"^Stage 3: 1 task, (\d+) rows", text, re.M)
    assert int(final.group(1)) == groups
    scan = re.search(r"TableScan lineitem .*\(rows=(\d+), batches=4", text)
    rows = ray_con.execute("SELECT count(*) FROM lineitem").fetchall()[0][0]
    assert scan is not None and int(scan.group(1)) == rows
