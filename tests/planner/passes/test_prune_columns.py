"""prune_columns alone: every node carries only the columns read above it; stacked filters merge;
a subplan read twice keeps the columns any of its users reads, so it still runs once; UNION ALL
inputs lose the columns nothing reads."""

from tests.planner.passes.conftest import built, golden, passes_before, run, text
from tqp.planner.passes import prune_columns


def test_a_join_input_is_narrowed_to_what_is_read_above_and_its_filters_merge(con):
    plan, context = built(con, "select f.v from fact f, dim d "
                               "where f.did = d.did and d.name = 'n1' and d.gid = 1")
    plan = run(plan, context, *passes_before("prune_columns"))
    assert text(prune_columns(plan, context)) == golden("""
        Project v# := f#.v
          DirectOrSortJoin[inner] ON f#.did = d#.did
            Scan fact AS f# [did, v]
            Project d#.did := d#.did
              Filter d#.name = 'n1' AND d#.gid = 1
                Scan dim AS d# [did, name, gid]
    """)


def test_a_shared_subplan_keeps_its_columns(con):
    plan, context = built(con, "with c as (select did, sum(v) as s from fact group by did) "
                               "select a.did, b.s from c a, c b where a.did = b.did + 1")
    plan = run(plan, context, *passes_before("prune_columns"))
    assert text(prune_columns(plan, context)) == golden("""
        Project did# := a#.did, s# := b#.s
          DirectOrSortJoin[inner] ON a#.did = b#.did + 1
            Project a#.did := did#
              Project did# := _g#, s# := _a#
                GroupAggregate keys=[_g# := fact#.did] aggregates=[_a# := sum("fact#.v")]
                  Scan fact AS fact# [did, v]
            Project b#.did := did#, b#.s := s#
              Project did# := _g#, s# := _a#  [shared, see above]
    """)


def test_a_shared_subplan_keeps_the_columns_any_of_its_users_reads(con):
    # n is read by neither use of c: it goes, and c still runs once.
    plan, context = built(con, "with c as (select did, sum(v) as s, count(*) as n from fact "
                               "group by did) select a.did, b.s from c a, c b where a.did = b.did + 1")
    plan = run(plan, context, *passes_before("prune_columns"))
    pruned = text(prune_columns(plan, context))
    assert "count_star" not in pruned and "n#" not in pruned
    assert pruned.count("GroupAggregate") == 1 and "[shared, see above]" in pruned


def test_union_all_inputs_lose_the_columns_nothing_reads(con):
    # y is read by nothing: both inputs drop it (v from fact, did from dim).
    plan, context = built(con, "select x from (select did as x, v as y from fact union all "
                               "select gid, did from dim) u")
    plan = run(plan, context, *passes_before("prune_columns"))
    assert text(prune_columns(plan, context)) == golden("""
        Project x# := u#.x
          Project u#.x := x#
            UNION ALL
              Project x# := x#
                Project x# := fact#.did
                  Scan fact AS fact# [did]
              Project x# := gid#
                Project gid# := dim#.gid
                  Scan dim AS dim# [gid]
    """)
