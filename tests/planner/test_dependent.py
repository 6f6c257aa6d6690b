"""Dependent joins (planner/dependent.py) as the builder emits them: the outer rows numbered and
given the id of their tuple of correlation values, the subquery planned once over the distinct
tuples and grouped by id, joined back on the id; never a loop over outer rows."""

from tests.planner.passes.conftest import built, con, golden, text  # noqa: F401 (con: a fixture)


def test_lateral_aggregate_groups_by_the_distinct_outer_tuples(con):
    plan, _ = built(con, "select d.did, s.n from dim d, "
                         "lateral (select count(*) as n from fact f where f.did = d.did) s")
    assert text(plan) == golden("""
        Project did# := d#.did, n# := s#.n
          DirectOrSortJoin[inner] ON _gid# = _gid#
            Window
              RowNumber _row#
                Scan dim AS d# [did]
            Project s#.n := n#, _gid# := _gid#
              Project n# := _a#, _gid# := _g#
                Project _g# := _outer#, _g# := _gid#, _a# := CASE WHEN _g# IS NULL THEN _empty# ELSE _a# END
                  NestedLoopJoin[cross]
                    DirectOrSortJoin[left] ON _gid# = _g#
                      Project _gid# := _gid#, _outer# := d#.did
                        Filter _row# = _gid#
                          Window  [shared, see above]
                      GroupAggregate keys=[_g# := _outer#, _g# := _gid#] aggregates=[_a# := count_star(*)]
                        Filter f#.did = _outer#
                          MultiJoin
                            Project _gid# := _gid#, _outer# := d#.did  [shared, see above]
                            Scan fact AS f# [did]
                    Project _empty# := _a#
                      GroupAggregate keys=[] aggregates=[_a# := count_star(*)]
                        Filter FALSE
                          Filter f#.did = _outer#  [shared, see above]
    """)


def test_two_levels_deep_the_inner_subquery_reads_the_middle_ones_domain(con):
    # The innermost subquery reads d.gid, which the middle one sees as its domain's column: to
    # the builder it is correlated one level (a row-number pairing inside the middle query).
    # Its MIN is NULL over no rows, as the left join's padding: no answer over no rows apart.
    plan, _ = built(con, "select d.did, (select count(*) from fact f where f.did = d.did "
                         "and f.v > (select min(e.w) from ext e where e.eid < d.gid)) as n "
                         "from dim d")
    assert text(plan) == golden("""
        Project did# := d#.did, n# := _scalar#
          DirectOrSortJoin[left] ON _gid# = _gid#
            Window
              RowNumber _row#
                Scan dim AS d# [did, gid]
            GroupAggregate keys=[_gid# := _gid#] aggregates=[_scalar# := single("_col_0#")]
              Project _col_0# := _a#, _gid# := _g#
                Project _g# := _outer#, _g# := _outer#, _g# := _gid#, _a# := CASE WHEN _g# IS NULL THEN _empty# ELSE _a# END
                  NestedLoopJoin[cross]
                    DirectOrSortJoin[left] ON _gid# = _g#
                      Project _gid# := _gid#, _outer# := d#.did, _outer# := d#.gid
                        Filter _row# = _gid#
                          Window  [shared, see above]
                      GroupAggregate keys=[_g# := _outer#, _g# := _outer#, _g# := _gid#] aggregates=[_a# := count_star(*)]
                        Filter f#.v > _scalar#
                          DirectOrSortJoin[left] ON _row# = _row#_g
                            RowNumber _row#
                              Filter f#.did = _outer#
                                MultiJoin
                                  Project _gid# := _gid#, _outer# := d#.did, _outer# := d#.gid  [shared, see above]
                                  Scan fact AS f# [did, v]
                            Project _row#_g := _row#_g, _scalar# := _a#, _matched# := TRUE
                              GroupAggregate keys=[_row#_g := _row#] aggregates=[_a# := min("e#.w")]
                                NestedLoopJoin[inner] WHERE e#.eid < _outer#
                                  RowNumber _row#  [shared, see above]
                                  Scan ext AS e# [eid, w]
                    Project _empty# := _a#
                      GroupAggregate keys=[] aggregates=[_a# := count_star(*)]
                        Filter FALSE
                          Filter f#.v > _scalar#  [shared, see above]
    """)


def test_table_function_over_an_earlier_item_runs_per_row(con):
    # A list column cannot be a partition key: the row number is the id, no Window.
    plan, _ = built(con, "select l.k, u.i from l, range(l.k) u(i)")
    assert text(plan) == golden("""
        Project k# := l#.k, i# := u#.i
          DirectOrSortJoin[inner] ON _row# = _gid#
            RowNumber _row#
              Scan l AS l# [k]
            Project u#.i := i#, _gid# := _gid#
              Project i# := _unnest#, _gid# := _gid#
                Unnest _unnest# := RANGE(0, _outer#)
                  Project _gid# := _row#, _outer# := l#.k
                    RowNumber _row#  [shared, see above]
    """)
