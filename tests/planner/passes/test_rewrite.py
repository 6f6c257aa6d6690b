"""The pass driver: one ordered tuple, each pass timed and switchable by name, answers unchanged
with any pass switched off (DuckDB is the oracle), and a broken pass caught by the check."""

import pytest

import tqp.planner.passes as passes
from tests.oracle import check_against_duckdb
from tqp.errors import InternalError, ProgrammingError
from tqp.planner.logical import Filter, MultiJoin, Project
from tqp.planner.passes import PASS_NAMES, RewriteOptions, rewrite
from tqp.planner.passes.tree import transform

QUERIES = [
    "select f.id, d.name, g.label from fact f, dim d, grp g "
    "where f.did = d.did and d.gid = g.gid and g.label = 'odd' and f.v > 50",
    "select f.v from fact f, dim d where f.did = d.did "
    "and f.eid in (select eid from ext where w > 6)",
    "select f.id from fact f, dim d where f.did = d.did and d.name = 'n3' "
    "and f.v > (select avg(f2.v) from fact f2 where f2.did = f.did)",
    "select * from l right join r on l.k = r.k where l.x = 'p'",
    "select * from l left join r on l.k = r.k where r.y is null",
    "select e.w, count(*) as n from ext e join fact f on e.eid = f.eid left join dim d "
    "on f.did = d.did and d.gid = 1 where f.v < 30 group by e.w order by e.w",
    "select f.id, e.w, d.name from fact f left join ext e on f.eid = e.eid, dim d "
    "where e.w > 5 and f.did = d.did",
    "select d.name from dim d where d.did in (select a.did from fact a, fact b "
    "where a.did = b.did and a.eid <> b.eid)",
    "select d.did, d.name, d.gid, f.eid, count(*) as n from fact f left join dim d "
    "on f.did = d.did and f.v > 20 group by d.name, d.did, f.eid, d.gid",
    "select f.did, sum(f.v) as s from fact f, dim d where f.did = d.did and d.gid = 1 "
    "group by f.did having sum(f.v) > (select sum(f2.v) / 10 from fact f2, dim d2 "
    "where f2.did = d2.did and d2.gid = 1)",
]


def test_the_passes_run_in_one_ordered_tuple():
    assert PASS_NAMES == ("simplify_outer_joins", "reduce_semi_joins", "pushdown_predicates",
                          "order_joins", "push_limits", "magic_sets",
                          "distinct_join_inputs", "group_by_unique_keys", "share_subplans",
                          "prune_columns")


@pytest.mark.parametrize("disabled", PASS_NAMES)
@pytest.mark.parametrize("sql", QUERIES)
def test_switching_a_pass_off_keeps_the_answer(con, duck, disabled, sql):
    engine = con._engine
    engine.disabled_passes = frozenset([disabled])
    try:
        check_against_duckdb(con, duck, sql)
    finally:
        engine.disabled_passes = frozenset()


def test_every_pass_off_still_runs_joins_in_written_order(con, duck):
    engine = con._engine
    query, options = engine.build(QUERIES[0])
    result = rewrite(query, RewriteOptions(options.catalog, options.fresh, frozenset(PASS_NAMES)))
    assert result.seconds == {}
    found = []
    transform(result.query.plan, lambda n: found.append(n) or n)
    assert not any(isinstance(n, MultiJoin) for n in found)
    engine.disabled_passes = frozenset(PASS_NAMES)
    try:
        check_against_duckdb(con, duck, QUERIES[0])
    finally:
        engine.disabled_passes = frozenset()


def test_each_pass_is_timed(con):
    timings = {}
    con._engine.execute(QUERIES[2], timings=timings)
    assert tuple(timings["passes"]) == PASS_NAMES
    assert all(s >= 0 for s in timings["passes"].values())
    assert sum(timings["passes"].values()) <= timings["plan_s"]
    con._engine.disabled_passes = frozenset(["magic_sets"])
    try:
        timings = {}
        con._engine.execute(QUERIES[2], timings=timings)
        assert "magic_sets" not in timings["passes"]
    finally:
        con._engine.disabled_passes = frozenset()


def test_an_unknown_pass_name_is_an_error(con):
    query, options = con._engine.build(QUERIES[0])
    with pytest.raises(ProgrammingError, match="unknown rewrite pass 'order_join'"):
        rewrite(query, RewriteOptions(options.catalog, options.fresh, frozenset(["order_join"])))


def _drop_last_column(plan, context):
    return Project(plan, tuple((c, e) for c, e in plan.exprs[:-1]))


def _filter_below_its_column(plan, context):
    """A wrong pushdown: every condition above a join block goes onto its first input."""
    def rule(node):
        if isinstance(node, Filter) and isinstance(node.input, MultiJoin):
            block = node.input
            return MultiJoin((Filter(block.inputs[0], node.condition),) + block.inputs[1:],
                             block.conditions)
        return node
    return transform(plan, rule)


@pytest.mark.parametrize("bad, message", [
    (_drop_last_column, "changed the output columns"),
    (_filter_below_its_column, "reads columns its inputs lack"),
])
def test_the_plan_check_names_the_pass_that_broke_the_plan(con, monkeypatch, bad, message):
    monkeypatch.setattr(bad, "__name__", "broken")
    monkeypatch.setattr(passes, "PASSES", (bad,) + passes.PASSES)
    query, options = con._engine.build(QUERIES[0])
    with pytest.raises(InternalError, match=f"rewrite pass broken.*{message}"):
        rewrite(query, options)
