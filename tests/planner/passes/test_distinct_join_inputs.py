"""distinct_join_inputs alone (after the passes it follows): the inputs of a join read as a set
(under an IN, an EXISTS, a DISTINCT, or a UNION, INTERSECT or EXCEPT without ALL) are made
distinct when the statistics say they repeat."""

import pytest

from tests.oracle import check_against_duckdb
from tests.planner.passes.conftest import built, golden, passes_before, rewritten, run, text
from tqp.planner.passes import distinct_join_inputs



def _assert_unchanged(con, sql: str) -> None:
    """distinct_join_inputs leaves the plan of `sql` (after the passes before it) as it is."""
    plan, context = built(con, sql)
    plan = run(plan, context, *passes_before("distinct_join_inputs"))
    assert text(distinct_join_inputs(plan, context)) == text(plan)


def test_a_many_to_many_join_under_in_joins_distinct_inputs(con):
    # fact repeats its (did, eid) pairs: 40 combinations over 100 rows. Both sides are the same
    # columns of fact: its distinct rows are found once, and read under b's names too.
    sql = ("select d.name from dim d where d.did in (select a.did from fact a, "
           "fact b where a.did = b.did and a.eid <> b.eid)")
    assert rewritten(con, sql, distinct_join_inputs) == golden("""
        Project name# := d#.name
          Filter _in#
            MarkJoin[_in#, null-aware] ON d#.did = did#
              Scan dim AS d# [did, name]
              Project did# := a#.did
                DirectOrSortJoin[inner] ON a#.did = b#.did WHERE a#.eid <> b#.eid
                  Distinct
                    Project a#.did := a#.did, a#.eid := a#.eid
                      Scan fact AS a# [did, eid]
                  Project b#.did := a#.did, b#.eid := a#.eid
                    Distinct  [shared, see above]
    """)


def test_an_input_whose_rows_do_not_repeat_is_joined_as_it_is(con):
    # fact's id is unique: (did, id) never repeats, while dim's did is joined as it is too.
    sql = ("select d.name from dim d where exists (select * from fact a, dim b "
           "where a.did = b.did and a.id = d.did)")
    assert rewritten(con, sql, distinct_join_inputs) == golden("""
        Project name# := d#.name
          Filter _exists#
            MarkJoin[_exists#] ON d#.did = a#.id
              Scan dim AS d# [did, name]
              DirectOrSortJoin[inner] ON a#.did = b#.did
                Scan fact AS a# [id, did, eid, v]
                Scan dim AS b# [did, name, gid]
    """)


def test_the_join_below_a_select_distinct_joins_distinct_inputs(con):
    assert rewritten(con, "select distinct a.eid from fact a, fact b "
                          "where a.eid = b.eid", distinct_join_inputs) == golden("""
        Distinct
          Project eid# := a#.eid
            DirectOrSortJoin[inner] ON a#.eid = b#.eid
              Distinct
                Project a#.eid := a#.eid
                  Scan fact AS a# [eid]
              Project b#.eid := a#.eid
                Distinct  [shared, see above]
    """)


def test_a_join_read_also_as_rows_is_left_as_it_is(con):
    # The CTE is read by the IN and by the FROM clause: one plan serves both, unchanged.
    _assert_unchanged(con, "with p as (select a.did from fact a, fact b where a.did = b.did) "
                           "select count(*) from p where p.did in (select did from p)")


def test_a_join_under_intersect_joins_distinct_inputs(con):
    # Only the set of rows reaches the answer: fact's 100 rows hold 10 distinct did, made
    # distinct before they meet dim.
    sql = ("select d.name from fact f, dim d where f.did = d.did "
           "intersect select name from dim where gid = 0")
    assert rewritten(con, sql, distinct_join_inputs) == golden("""
        INTERSECT
          Project name# := name#
            Project name# := d#.name
              DirectOrSortJoin[inner] ON f#.did = d#.did
                Distinct
                  Project f#.did := f#.did
                    Scan fact AS f# [did]
                Scan dim AS d# [did, name]
          Project name# := name#
            Project name# := dim#.name
              Filter dim#.gid = 0
                Scan dim AS dim# [name, gid]
    """)


def test_a_join_under_intersect_all_is_left_as_it_is(con):
    # INTERSECT ALL counts each row's copies: the join's repeats are part of the answer.
    _assert_unchanged(con, "select d.name from fact f, dim d where f.did = d.did "
                           "intersect all select name from dim")


SET_OPERATIONS = [
    "select d.name from fact f, dim d where f.did = d.did {op} select name from dim where gid = 0",
    "select name from dim where gid = 1 {op} select d.name from fact f, dim d where f.did = d.did",
    "select f.eid, e.w from fact f, ext e where f.eid = e.eid {op} "
    "select e.eid, e.w from ext e where e.w > 6",
    "(select d.name from fact f, dim d where f.did = d.did and f.eid = 1 {op} "
    "select d.name from fact f, dim d where f.did = d.did and f.eid = 2) {op} "
    "select name from dim where did < 8",
]


@pytest.mark.parametrize("op", ["union", "intersect", "except",
                                "union all", "intersect all", "except all"])
@pytest.mark.parametrize("template", SET_OPERATIONS)
def test_set_operations_over_joins_match_duckdb(con, duck, template, op):
    check_against_duckdb(con, duck, template.format(op=op))
