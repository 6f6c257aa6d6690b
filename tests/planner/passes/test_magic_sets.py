"""magic_sets alone (after the passes it follows): a correlated scalar subquery's groups are
computed only for the keys the outer rows hold, whose rows are reduced before they are joined."""

from tests.planner.passes.conftest import built, golden, passes_before, run, text
from tqp.planner.passes import magic_sets

QUERY = ("select f.id from fact f, dim d where f.did = d.did and d.name = 'n3' "
         "and f.v > (select count(f2.v) from fact f2 where f2.did = f.did)")


def test_the_grouped_subquery_reads_only_rows_whose_key_an_outer_row_holds(con):
    plan, context = built(con, QUERY)
    plan = run(plan, context, *passes_before("magic_sets"))
    assert text(magic_sets(plan, context)) == golden("""
        Project id# := f#.id
          Filter f#.v > CASE WHEN _matched# IS NULL THEN _empty# ELSE _scalar# END
            ScalarApply _empty#
              DirectOrSortJoin[left] ON f#.did = _corr#
                DirectOrSortJoin[inner] ON f#.did = d#.did
                  Scan fact AS f# [id, did, v]
                  Filter d#.name = 'n3'
                    Scan dim AS d# [did, name]
                Project _corr# := _corr#, _scalar# := _a#, _matched# := TRUE
                  GroupAggregate keys=[_corr# := f2#.did] aggregates=[_a# := count("f2#.v")]
                    Filter _reduce#
                      MarkJoin[_reduce#] ON f2#.did = _outer#
                        Scan fact AS f2# [did, v]
                        Project _outer# := f#.did
                          DirectOrSortJoin[inner] ON f#.did = d#.did  [shared, see above]
              Project _v# := _a#
                GroupAggregate keys=[] aggregates=[_a# := count("f2#.v")]
                  Limit 0 OFFSET 0
                    Limit 0 OFFSET 0
                      Scan fact AS f2# [did, v]
    """)


def test_the_rows_are_reduced_before_the_subquery_joins_them(con):
    """The reduction goes below the subquery's inner joins, onto the input holding the
    correlation key: its rows are cut to the outer keys before the dimension is joined. The
    answer over no rows reads its own copy of the plan, over no rows."""
    plan, context = built(con, "select f.id from fact f where f.v > (select count(f2.v) "
                               "from fact f2, dim d2 where f2.did = d2.did "
                               "and d2.name <> 'n1' and f2.did = f.did)")
    plan = run(plan, context, *passes_before("magic_sets"))
    assert text(magic_sets(plan, context)) == golden("""
        Project id# := f#.id
          Filter f#.v > CASE WHEN _matched# IS NULL THEN _empty# ELSE _scalar# END
            ScalarApply _empty#
              DirectOrSortJoin[left] ON f#.did = _corr#
                Scan fact AS f# [id, did, v]
                Project _corr# := _corr#, _scalar# := _a#, _matched# := TRUE
                  GroupAggregate keys=[_corr# := f2#.did] aggregates=[_a# := count("f2#.v")]
                    DirectOrSortJoin[inner] ON f2#.did = d2#.did
                      Filter _reduce#
                        MarkJoin[_reduce#] ON f2#.did = _outer#
                          Scan fact AS f2# [did, v]
                          Project _outer# := f#.did
                            Scan fact AS f# [id, did, v]  [shared, see above]
                      Filter d2#.name <> 'n1'
                        Scan dim AS d2# [did, name]
              Project _v# := _a#
                GroupAggregate keys=[] aggregates=[_a# := count("f2#.v")]
                  Limit 0 OFFSET 0
                    DirectOrSortJoin[inner] ON f2#.did = d2#.did
                      Limit 0 OFFSET 0
                        Scan fact AS f2# [did, v]
                      Filter d2#.name <> 'n1'
                        Limit 0 OFFSET 0
                          Scan dim AS d2# [did, name]
    """)


def test_pairs_numbered_by_outer_row_are_not_reduced(con):
    # A non-equality correlation pairs each outer row with its inner rows first: every group
    # the aggregate forms already belongs to an outer row.
    plan, context = built(con, "select f.id from fact f where f.v > "
                               "(select avg(f2.v) from fact f2 "
                               "where f2.did = f.did and f2.id < f.id)")
    plan = run(plan, context, *passes_before("magic_sets"))
    assert text(magic_sets(plan, context)) == text(plan)
