"""simplify_outer_joins alone: a LEFT join whose padded rows a condition above drops becomes
inner and joins the block around it; a condition that a NULL can satisfy leaves it outer."""

import pytest
from sqlglot import exp

from tests.planner.passes.conftest import built, golden, run, text
from tqp.planner.passes import simplify_outer_joins
from tqp.planner.passes.simplify_outer_joins import rejects_nulls


def simplified(con, sql: str) -> str:
    plan, context = built(con, sql)
    return text(run(plan, context, simplify_outer_joins))


def test_a_where_key_on_the_padded_side_makes_the_join_inner_and_opens_it_into_the_block(con):
    assert simplified(con, "select f.v, g.label from fact f left join dim d on f.did = d.did, "
                           "grp g where d.gid = g.gid") == golden("""
        Project v# := f#.v, label# := g#.label
          Filter d#.gid = g#.gid
            MultiJoin WHERE f#.did = d#.did
              Scan fact AS f# [did, v]
              Scan dim AS d# [did, gid]
              Scan grp AS g# [gid, label]
    """)


def test_a_right_join_filtered_on_its_padded_left_side_is_inner(con):
    assert simplified(con, "select * from l right join r on l.k = r.k where l.x > 'a'") == golden("""
        Project k# := l#.k, x# := l#.x, k# := r#.k, y# := r#.y
          Filter l#.x > 'a'
            MultiJoin WHERE r#.k = l#.k
              Scan r AS r# [k, y]
              Scan l AS l# [k, x]
    """)


@pytest.mark.parametrize("where", [
    "d.gid is null", "coalesce(d.gid, 0) = 0", "d.gid = 1 or f.v > 3", "f.v > 3",
    "d.gid is not distinct from 1",
])
def test_a_condition_a_null_can_pass_leaves_the_join_outer(con, where):
    plan = simplified(con, f"select f.v from fact f left join dim d on f.did = d.did where {where}")
    assert "Join[left]" in plan and "MultiJoin" not in plan


def test_a_full_join_stays_full(con):
    plan = simplified(con, "select * from l full join r on l.k = r.k where l.x = 'p' and r.y = 'r'")
    assert "Join[full]" in plan


def test_the_on_condition_of_an_outer_join_simplifies_a_join_inside_its_right_input(con):
    plan = simplified(con, "select l.x from l left join (select r.k, d.name from r left join dim d "
                           "on r.k = d.did) s on l.k = s.k")
    assert plan.count("Join[left]") == 2  # a derived table's projection stops the condition


@pytest.mark.parametrize("sql, rejects", [
    ("rx = ly + 1", True),
    ("ly = 1 and rz is not null", True),
    ("rx between ly and 3", True),
    ("ly between rx and 3", True),
    ("rx in (1, 2)", True),
    ("not rx like 'a%'", True),
    ("cast(rx as int) < -ly", True),
    ("rx = 1 or (rz > ly and ly = 2)", True),
    ("coalesce(rx, 0) = ly", False),
    ("rx = 1 or ly = 2", False),
    ("rx is null", False),
    ("case when rx > 1 then 1 end = 1", False),
    ("ly = 1", False),
    ("not (ly between rx and 3)", False),
])
def test_which_conditions_reject_the_padded_nulls(sql, rejects):
    condition = exp.maybe_parse(sql, dialect="duckdb")
    assert rejects_nulls(condition, {"rx", "rz"}) is rejects


def test_a_left_join_in_a_block_runs_after_the_block(con):
    assert simplified(con, "select f.v, d.name from fact f left join ext e on f.eid = e.eid, dim d "
                           "where f.did = d.did") == golden("""
        Project v# := f#.v, name# := d#.name
          Filter f#.did = d#.did
            DirectOrSortJoin[left] ON f#.eid = e#.eid
              MultiJoin
                Scan fact AS f# [did, eid, v]
                Scan dim AS d# [did, name]
              Scan ext AS e# [eid]
    """)


def test_a_left_join_whose_padded_side_only_a_filter_of_its_own_reads_runs_after_the_block(con):
    """`e.eid IS NULL` (an anti join written as a LEFT join) reads `e` but no other input: it
    stays above, where it sees the padded rows, and the LEFT join still runs after `d` cut
    `f` down."""
    assert simplified(con, "select f.v from fact f left join ext e on f.eid = e.eid, dim d "
                           "where f.did = d.did and e.eid is null") == golden("""
        Project v# := f#.v
          Filter e#.eid IS NULL
            Filter f#.did = d#.did
              DirectOrSortJoin[left] ON f#.eid = e#.eid
                MultiJoin
                  Scan fact AS f# [did, eid, v]
                  Scan dim AS d# [did]
                Scan ext AS e# [eid]
    """)


@pytest.mark.parametrize("sql", [
    "select f.v from fact f left join ext e on f.eid = e.eid join dim d on coalesce(e.w, 0) = d.did",
    "select f.v from fact f left join ext e on f.eid = e.eid, dim d where coalesce(e.w, 0) = d.did",
])
def test_a_left_join_whose_padded_side_a_condition_reads_stays_in_the_block(con, sql):
    """The condition may be the key that joins another input (here `d`)."""
    plan = simplified(con, sql)
    assert plan.index("MultiJoin") < plan.index("Join[left]")


def test_two_left_joins_in_a_chain_keep_their_order(con):
    plan = simplified(con, "select f.v from fact f left join ext e on f.eid = e.eid "
                           "left join dim d on e.w = d.did, grp g where f.did = g.gid")
    assert plan.index("ON e#.w = d#.did") < plan.index("ON f#.eid = e#.eid") < plan.index("MultiJoin")
