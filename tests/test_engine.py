"""The engine's own hooks: the planning/execution split of a query's time, and shared subplans."""

from __future__ import annotations

import pyarrow as pa
import sqlglot

from tqp.engine import Engine


def engine() -> Engine:
    eng = Engine()
    eng.register("t", pa.table({"k": [1, 2, 2, 3], "v": [1.0, 2.0, 3.0, 4.0]}))
    return eng


def test_timings_split_planning_from_execution():
    timings = {}
    result = engine().execute("select k, sum(v) from t group by k order by k", timings=timings)
    assert result.table.num_rows == 3
    assert set(timings) == {"plan_s", "execute_s", "passes"}
    assert timings["plan_s"] > 0 and timings["execute_s"] > 0
    # Each rewrite pass's seconds, a part of the planning time.
    assert 0 < sum(timings["passes"].values()) < timings["plan_s"]


def test_timings_add_up_over_statements():
    eng, timings = engine(), {}
    eng.execute("select 1", timings=timings)
    once = dict(timings)
    eng.execute("select 1; select 2", timings=timings)
    assert timings["plan_s"] > once["plan_s"] and timings["execute_s"] > once["execute_s"]


def test_timings_are_optional():
    assert engine().execute("select count(*) from t").table.column(0).to_pylist() == [4]


def test_shared_subplan_runs_once():
    eng = engine()
    sql = "with s as (select k, sum(v) as v from t group by k) select * from s a join s b on a.k = b.k"
    assert eng.execute(sql).table.num_rows == 3
    plan = eng.execute("EXPLAIN ANALYZE " + sql).table.column(0)[0].as_py()
    assert "[shared, see above]" in plan
    aggregates = [line for line in plan.splitlines() if "Aggregate" in line]
    assert len(aggregates) == 1 and "rows=3," in aggregates[0]  # computed once


def test_the_optimizer_schema_is_built_again_only_when_a_table_changes():
    engine = Engine()
    engine.register("t", pa.table({"a": [1, 2]}))
    first = engine._schema()
    assert engine._schema() is first  # unchanged tables: sqlglot's prepared form is reused
    engine.execute("create table u as select 1 as b")
    assert engine._schema() is not first and set(engine._schema()) == {"t", "u"}
    engine.execute("create or replace table u as select 'x' as c, 2 as d")
    assert engine.execute("select c, d from u").table.to_pylist() == [{"c": "x", "d": 2}]
    engine.execute("drop table u")
    assert set(engine._schema()) == {"t"}
