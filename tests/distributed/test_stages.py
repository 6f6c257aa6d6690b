"""Cutting physical plans into stages (no Ray needed): Exchanges become stage boundaries,
mergeable aggregates split into partial and merge stages, join build sides and scalar
subqueries beside a partitioned input become broadcast stages of their own, joins of two
partitioned sides hash-partition both, and a subplan read twice is one stage."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import tqp
from tqp.distributed.plan import distribute
from tqp.distributed.stages import StageInput, cut, operators
from tests.oracle import result_problem
from tqp.engine import _parse
from tqp.execution import local
from tqp.execution.context import ExecutionContext
from tqp.execution.memory import MemoryPool
from tqp.storage.arrow import batch_to_arrow
from tqp.physical.aggregate import MergeAggregate, PartialAggregate
from tqp.physical.exchange import Exchange
from tqp.planner.lower import lower


f_arrow = pa.table({"k": list(range(20)), "v": [float(i) for i in range(20)]})
g_arrow = pa.table({"k": [None] + list(range(0, 22, 2)), "w": [i * 0.5 for i in range(12)]})


@pytest.fixture(scope="module")
def engine():
    con = tqp.connect(batch_rows=4)
    con.register("f", f_arrow)
    con.register("d", pa.table({"k": list(range(4)), "name": list("abcd")}))  # 1 partition
    con.register("g", g_arrow)
    return con._engine


def stages_of(engine, sql: str):
    plan = lower(engine._plan(_parse(sql)[0]), engine.catalog)
    return cut(distribute(plan, engine.catalog))


def test_a_grouped_aggregate_merges_its_partial_states_by_a_hash_of_the_keys(engine):
    partial, merge, final = stages_of(engine, "SELECT k % 2 AS g, avg(v) FROM f GROUP BY g")
    assert isinstance(partial.root, PartialAggregate) and partial.partitions == 5
    assert partial.split is not None and partial.split.buckets == 5
    assert isinstance(merge.root, MergeAggregate) and merge.partitions == 5
    (shuffled,) = [op for op in operators(merge.root) if isinstance(op, StageInput)]
    assert (shuffled.stage, shuffled.kind, shuffled.buckets) == (1, "hash", 5)
    (gathered,) = [op for op in operators(final.root) if isinstance(op, StageInput)]
    assert (gathered.stage, gathered.kind, gathered.source_partitions) == (2, "gather", 5)
    assert final.partitions == 1 and final.inputs == (merge,) and merge.inputs == (partial,)


def test_an_aggregate_without_keys_merges_in_one_task(engine):
    partial, final = stages_of(engine, "SELECT avg(v), count(*) FROM f")
    assert isinstance(partial.root, PartialAggregate) and partial.split is None
    merge = [op for op in operators(final.root) if isinstance(op, MergeAggregate)]
    assert len(merge) == 1 and final.partitions == 1


def test_a_grouped_aggregate_that_does_not_merge_hashes_its_rows_by_the_keys(engine):
    rows, grouped, final = stages_of(engine, "SELECT k % 3 AS g, count(DISTINCT v) FROM f "
                                             "GROUP BY g")
    assert not any(isinstance(op, PartialAggregate) for op in operators(rows.root))
    assert rows.split is not None and grouped.partitions == 5 and final.partitions == 1


def test_a_join_build_side_is_a_broadcast_stage(engine):
    build, probe = stages_of(engine, "SELECT f.v, d.name FROM f JOIN d ON f.k = d.k")
    assert probe.partitions == 5 and probe.inputs == (build,)
    (source,) = [op for op in operators(probe.root) if isinstance(op, StageInput)]
    assert source.kind == "broadcast"
    assert not any(isinstance(op, Exchange) for s in (build, probe) for op in operators(s.root))


def test_a_join_of_two_partitioned_sides_hashes_both_by_their_keys(engine):
    stages = stages_of(engine, "SELECT f.v, g.w FROM f JOIN g ON f.k = g.k")
    probe_side, build_side, join = stages
    assert [s.split.buckets for s in (probe_side, build_side)] == [5, 5]
    assert join.partitions == 5 and join.inputs == (probe_side, build_side)
    inputs = {op.kind: op.partitions for op in operators(join.root) if isinstance(op, StageInput)}
    assert inputs == {"hash": 5, "hash-broadcast": 1}


def test_the_distributed_plan_runs_in_one_process_too(engine):
    sql = "SELECT f.k, f.v, g.w FROM f LEFT JOIN g ON f.k = g.k ORDER BY f.k"
    plan = lower(engine._plan(_parse(sql)[0]), engine.catalog)
    ctx = ExecutionContext(engine.device, engine.catalog, MemoryPool(1 << 30), engine.batch_rows)
    rows = batch_to_arrow(local.run(distribute(plan, engine.catalog), ctx), ["k", "v", "w"])
    expected = duckdb.sql("SELECT f.k, f.v, g.w FROM f_arrow AS f LEFT JOIN g_arrow AS g "
                          "ON f.k = g.k ORDER BY f.k").to_arrow_table()
    assert result_problem(rows, expected, ordered=True) is None


def test_keys_of_different_kinds_are_not_hashed(engine):
    stages = stages_of(engine, "SELECT f.v, g.w FROM f JOIN g ON f.v = g.k")  # double, integer
    assert all(s.split is None for s in stages)


def test_a_subplan_read_twice_is_one_stage(engine):
    stages = stages_of(engine, "WITH c AS (SELECT k, sum(v) AS s FROM f GROUP BY k) "
                               "SELECT * FROM c AS a JOIN c AS b ON a.k = b.k + 1")
    partial = [s for s in stages if isinstance(s.root, PartialAggregate)]
    assert len(partial) == 1


def test_task_names_say_stage_operator_and_partition(engine):
    partial, _ = stages_of(engine, "SELECT sum(v) FROM f")
    assert partial.task_name(3) == "tqp:stage1:PartialAggregate[3]"


def test_hashing_a_join_of_files_reads_their_footers_only(tmp_path, monkeypatch):
    for name, table in (("f", f_arrow), ("g", g_arrow)):
        keyed = table.append_column("s", pa.array([str(k) for k in table["k"].to_pylist()]))
        pq.write_table(keyed, tmp_path / f"{name}.parquet", row_group_size=4)
    engine = tqp.connect(tmp_path, batch_rows=4)._engine
    for name in ("f", "g"):  # a read of rows (rather than the footer's schema) fails now
        monkeypatch.setattr(engine.catalog.source(name), "to_arrow", None)
    stages = stages_of(engine, "SELECT f.v, g.w FROM f JOIN g ON f.s = g.s")
    assert [s.split.buckets for s in stages[:2]] == [5, 5]
