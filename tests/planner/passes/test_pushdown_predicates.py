"""pushdown_predicates alone: WHERE conditions move to the inputs they name, into a join block,
and through an outer join only to the side it preserves."""

from tests.planner.passes.conftest import built, golden, text
from tqp.planner.passes import pushdown_predicates


def test_conditions_go_to_their_inputs_and_the_join_block(con):
    plan, context = built(con, "select f.v, d.name from fact f, dim d, l left join r on l.k = r.k "
                               "where f.did = d.did and d.gid = 1 and f.v > 3 and l.k = f.eid "
                               "and r.y = 'r'")
    assert text(pushdown_predicates(plan, context)) == golden("""
        Project v# := f#.v, name# := d#.name
          Filter r#.y = 'r'
            DirectOrSortJoin[left] ON l#.k = r#.k
              MultiJoin WHERE f#.did = d#.did AND l#.k = f#.eid
                Filter f#.v > 3
                  Scan fact AS f# [did, eid, v]
                Filter d#.gid = 1
                  Scan dim AS d# [did, name, gid]
                Scan l AS l# [k]
              Scan r AS r# [k, y]
    """)


def test_a_right_join_keeps_conditions_on_its_padded_side_above(con):
    # l is the NULL-padded side: `l.x = 'p'` must see the padded NULLs (and drop those rows).
    plan, context = built(con, "select * from l right join r on l.k = r.k "
                               "where l.x = 'p' and r.y = 's'")
    assert text(pushdown_predicates(plan, context)) == golden("""
        Project k# := l#.k, x# := l#.x, k# := r#.k, y# := r#.y
          Filter l#.x = 'p'
            DirectOrSortJoin[left] ON r#.k = l#.k
              Filter r#.y = 's'
                Scan r AS r# [k, y]
              Scan l AS l# [k, x]
    """)


def test_nothing_moves_below_a_full_join(con):
    plan, context = built(con, "select * from l full join r on l.k = r.k where false")
    assert text(pushdown_predicates(plan, context)) == golden("""
        Project k# := l#.k, x# := l#.x, k# := r#.k, y# := r#.y
          Filter FALSE
            DirectOrSortJoin[full] ON l#.k = r#.k
              Scan l AS l# [k, x]
              Scan r AS r# [k, y]
    """)


def test_a_condition_that_can_raise_runs_after_the_others(con):
    plan, context = built(con, "select f.id from fact f where 10 // f.eid > 1 and f.eid <> 0")
    assert text(pushdown_predicates(plan, context)) == golden("""
        Project id# := f#.id
          Filter 10 // f#.eid > 1
            Filter f#.eid <> 0
              Scan fact AS f# [id, eid]
    """)


def test_a_condition_on_a_scalar_subquery_filters_the_one_input_it_reads(con):
    # d.gid = (SELECT ...) reads d alone besides the subquery's value: the value is added to d,
    # which the condition filters before the join, not the joined rows after it.
    plan, context = built(con, "select f.v from fact f, dim d where f.did = d.did "
                               "and d.gid = (select max(gid) from grp) and f.v > 3")
    assert text(pushdown_predicates(plan, context)) == golden("""
        Project v# := f#.v
          MultiJoin WHERE f#.did = d#.did
            Filter f#.v > 3
              Scan fact AS f# [did, v]
            Filter d#.gid = _scalar#
              ScalarApply _scalar#
                Scan dim AS d# [did, gid]
                Project _col_0# := _a#
                  GroupAggregate keys=[] aggregates=[_a# := max("grp#.gid")]
                    Scan grp AS grp# [gid]
    """)


def test_a_condition_on_a_scalar_subquery_over_two_inputs_stays_above_the_block(con):
    plan, context = built(con, "select f.v from fact f, dim d where f.did = d.did "
                               "and d.gid + f.eid = (select max(gid) from grp)")
    assert text(pushdown_predicates(plan, context)) == golden("""
        Project v# := f#.v
          Filter d#.gid + f#.eid = _scalar#
            ScalarApply _scalar#
              MultiJoin WHERE f#.did = d#.did
                Scan fact AS f# [did, eid, v]
                Scan dim AS d# [did, gid]
              Project _col_0# := _a#
                GroupAggregate keys=[] aggregates=[_a# := max("grp#.gid")]
                  Scan grp AS grp# [gid]
    """)


def test_a_condition_on_two_scalar_subqueries_takes_both_to_its_input(con):
    plan, context = built(con, "select f.v from fact f, dim d where f.did = d.did and d.gid "
                               "between (select min(gid) from grp) and (select max(gid) from grp)")
    assert text(pushdown_predicates(plan, context)) == golden("""
        Project v# := f#.v
          MultiJoin WHERE f#.did = d#.did
            Scan fact AS f# [did, v]
            Filter d#.gid BETWEEN _scalar# AND _scalar#
              ScalarApply _scalar#
                ScalarApply _scalar#
                  Scan dim AS d# [did, gid]
                  Project _col_0# := _a#
                    GroupAggregate keys=[] aggregates=[_a# := min("grp#.gid")]
                      Scan grp AS grp# [gid]
                Project _col_0# := _a#
                  GroupAggregate keys=[] aggregates=[_a# := max("grp#.gid")]
                    Scan grp AS grp# [gid]
    """)


def test_a_condition_on_group_keys_moves_through_the_renames_and_the_aggregate(con):
    # `did > 5` keeps or drops whole groups: it filters the rows before grouping; `m > 1` reads
    # an aggregate and stays above it.
    plan, context = built(con, "select * from (select did, max(v) as m from fact group by did) t "
                               "where did > 5 and m > 1")
    assert text(pushdown_predicates(plan, context)) == golden("""
        Project did# := t#.did, m# := t#.m
          Project t#.did := did#, t#.m := m#
            Project did# := _g#, m# := _a#
              Filter _a# > 1
                GroupAggregate keys=[_g# := fact#.did] aggregates=[_a# := max("fact#.v")]
                  Filter fact#.did > 5
                    Scan fact AS fact# [did, v]
    """)


def test_the_readers_conditions_on_a_shared_subplan_move_into_it_as_a_disjunction(con):
    # Each reader keeps its own condition above the shared CTE, which computes only the groups
    # some reader keeps.
    plan, context = built(con, "with g as (select did, count(*) as n from fact group by did) "
                               "select x.n, y.n from g x, g y where x.did = 1 and y.did = 2")
    assert text(pushdown_predicates(plan, context)) == golden("""
        Project n# := x#.n, n# := y#.n
          MultiJoin
            Project x#.did := did#, x#.n := n#
              Filter did# = 1
                Project did# := _g#, n# := _a#
                  GroupAggregate keys=[_g# := fact#.did] aggregates=[_a# := count_star(*)]
                    Filter fact#.did = 1 OR fact#.did = 2
                      Scan fact AS fact# [did]
            Project y#.did := did#, y#.n := n#
              Filter did# = 2
                Project did# := _g#, n# := _a#  [shared, see above]
    """)


def test_a_shared_subplan_with_a_reader_without_conditions_is_not_filtered(con):
    plan, context = built(con, "with g as (select did, count(*) as n from fact group by did) "
                               "select x.n, y.n from g x, g y where x.did = 1 and x.n = y.n")
    assert text(pushdown_predicates(plan, context)) == golden("""
        Project n# := x#.n, n# := y#.n
          MultiJoin WHERE x#.n = y#.n
            Project x#.did := did#, x#.n := n#
              Filter did# = 1
                Project did# := _g#, n# := _a#
                  GroupAggregate keys=[_g# := fact#.did] aggregates=[_a# := count_star(*)]
                    Scan fact AS fact# [did]
            Project y#.did := did#, y#.n := n#
              Project did# := _g#, n# := _a#  [shared, see above]
    """)


def test_a_condition_on_a_grouping_set_key_stays_above_the_aggregate(con):
    # A rolled-up row's key is NULL: filtering the input rows instead would change the totals.
    plan, context = built(con, "select * from (select did, count(*) as n from fact "
                               "group by rollup (did)) t where did > 5")
    assert text(pushdown_predicates(plan, context)) == golden("""
        Project did# := t#.did, n# := t#.n
          Project t#.did := did#, t#.n := n#
            Project did# := _g#, n# := _a#
              Filter _g# > 5
                GroupAggregate keys=[_g# := fact#.did] sets=[[0], []] aggregates=[_a# := count_star(*)]
                  Scan fact AS fact# [did]
    """)
