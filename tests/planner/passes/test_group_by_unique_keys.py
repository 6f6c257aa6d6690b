"""group_by_unique_keys alone (after the passes it follows): the group keys that are columns of
the same row as a unique key become GROUP_VALUE aggregates (any row of a group holds their value)."""

from tests.planner.passes.conftest import built, golden, passes_before, rewritten, run, text
from tqp.planner.passes import group_by_unique_keys



def test_the_columns_of_a_unique_keys_row_are_aggregated_not_grouped(con):
    # dim.name is unique, and so is dim.did: d.name and d.gid are those of the one dim row of
    # each group. The unique number stays the key, though the string is written first: it is
    # the cheaper key, and finding a string unique would read and hash it while planning.
    sql = ("select d.did, d.name, d.gid, f.eid, count(*) as n from fact f, dim d "
           "where f.did = d.did group by d.name, d.did, f.eid, d.gid")
    assert rewritten(con, sql, group_by_unique_keys) == golden("""
        Project did# := _g#, name# := _g#, gid# := _g#, eid# := _g#, n# := _a#
          Project _g# := _g#, _g# := _g#, _g# := _g#, _g# := _g#, _a# := _a#
            GroupAggregate keys=[_g# := d#.did, _g# := f#.eid] aggregates=[_a# := count_star(*), _g# := group_value("d#.name"), _g# := group_value("d#.gid")]
              DirectOrSortJoin[inner] ON f#.did = d#.did
                Scan fact AS f# [did, eid]
                Scan dim AS d# [did, name, gid]
    """)


def test_columns_of_two_rows_of_one_table_stay_keys(con):
    sql = "select a.did, b.name from dim a, dim b where a.gid = b.gid group by a.did, b.name"
    plan, context = built(con, sql)
    plan = run(plan, context, *passes_before("group_by_unique_keys"))
    assert group_by_unique_keys(plan, context) is plan


def test_without_a_unique_key_the_keys_stay(con):
    sql = "select f.did, f.eid, count(*) as n from fact f group by f.did, f.eid"
    plan, context = built(con, sql)
    plan = run(plan, context, *passes_before("group_by_unique_keys"))
    assert group_by_unique_keys(plan, context) is plan


def test_a_unique_string_is_the_key_where_no_unique_number_is_grouped(con):
    sql = "select d.name, d.gid, count(*) as n from dim d group by d.name, d.gid"
    plan = rewritten(con, sql, group_by_unique_keys)
    assert 'keys=[_g# := d#.name] aggregates=[_a# := count_star(*), _g# := group_value("d#.gid")]' in plan


def test_rows_kept_by_an_in_subquery_are_still_one_row_each(con):
    # The IN is a mark join: each dim row passes once, its mark beside it.
    sql = ("select d.did, d.name, count(*) as n from dim d "
           "where d.did in (select did from fact) group by d.did, d.name")
    plan = rewritten(con, sql, group_by_unique_keys)
    assert 'keys=[_g# := d#.did] aggregates=[_a# := count_star(*), _g# := group_value("d#.name")]' in plan
