"""distinct_join_inputs alone (after the passes it follows): the inputs of a join read as a set
(under an IN, an EXISTS or a DISTINCT) are made distinct when the statistics say they repeat."""

from tests.planner.passes.conftest import built, golden, passes_before, rewritten, run, text
from tqp.planner.passes import distinct_join_inputs



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
    sql = ("with p as (select a.did from fact a, fact b where a.did = b.did) "
           "select count(*) from p where p.did in (select did from p)")
    plan, context = built(con, sql)
    plan = run(plan, context, *passes_before("distinct_join_inputs"))
    assert text(distinct_join_inputs(plan, context)) == text(plan)
