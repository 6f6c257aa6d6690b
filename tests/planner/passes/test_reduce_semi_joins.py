"""reduce_semi_joins alone: an uncorrelated IN (subquery) on one input of a join block moves,
with the filter on its mark, onto that input."""

from tests.planner.passes.conftest import built, golden, text
from tqp.planner.passes import reduce_semi_joins


def test_an_in_subquery_filters_its_input_before_the_joins(con):
    plan, context = built(con, "select f.v from fact f, dim d where f.did = d.did "
                               "and f.eid in (select eid from ext where w > 6)")
    assert text(plan) == golden("""
        Project v# := f#.v
          Filter _in#
            MarkJoin[_in#, null-aware] ON f#.eid = eid#
              Filter f#.did = d#.did
                MultiJoin
                  Scan fact AS f# [did, eid, v]
                  Scan dim AS d# [did]
              Project eid# := ext#.eid
                Filter ext#.w > 6
                  Scan ext AS ext# [eid, w]
    """)
    assert text(reduce_semi_joins(plan, context)) == golden("""
        Project v# := f#.v
          Filter f#.did = d#.did
            MultiJoin
              Filter _in#
                MarkJoin[_in#, null-aware] ON f#.eid = eid#
                  Scan fact AS f# [did, eid, v]
                  Project eid# := ext#.eid
                    Filter ext#.w > 6
                      Scan ext AS ext# [eid, w]
              Scan dim AS d# [did]
    """)


def test_a_probe_reading_two_inputs_stays_above_the_joins(con):
    plan, context = built(con, "select f.v from fact f, dim d where f.did = d.did "
                               "and f.eid + d.gid not in (select eid from ext)")
    assert text(reduce_semi_joins(plan, context)) == text(plan)
