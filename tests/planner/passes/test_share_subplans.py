"""share_subplans alone (after the passes it follows): a subplan stated twice under other aliases
runs once, and its second copy renames the shared result's columns; copies that differ, draw
random values, or hold no join or aggregate stay apart. DuckDB checks the answers."""

import importlib

import pytest

from tests.oracle import check_against_duckdb
from tests.planner.passes.conftest import golden, rewritten
from tqp.planner.passes import share_subplans

# The module (the package exports the pass function under the module's name).
share_subplans_module = importlib.import_module("tqp.planner.passes.share_subplans")

# The same join in the query and in its subquery, under other aliases.
TWICE = ("select f.did, sum(f.v) as s from fact f, dim d where f.did = d.did and d.gid = 1 "
         "group by f.did having sum(f.v) > (select sum(f2.v) / 10 from fact f2, dim d2 "
         "where f2.did = d2.did and d2.gid = 1)")

# One table joined with itself, both copies under the same filter.
SELF_JOIN = ("select count(*) from fact f1, fact f2 where f1.id = f2.id + 1 and f1.v > 3 "
             "and f2.v > 3")


@pytest.fixture(autouse=True)
def small_tables_count(monkeypatch):
    """The test tables are small: subplans over them are shared here as over large ones."""
    monkeypatch.setattr(share_subplans_module, "MIN_SHARED_SCAN_ROWS", 0)


def test_copies_over_few_rows_are_computed_again(con, monkeypatch):
    """Computing a join of a few rows again costs less than keeping its result."""
    monkeypatch.setattr(share_subplans_module, "MIN_SHARED_SCAN_ROWS", 111)  # fact + dim: 110
    assert "[shared, see above]" not in rewritten(con, TWICE, share_subplans)
    monkeypatch.setattr(share_subplans_module, "MIN_SHARED_SCAN_ROWS", 110)
    assert "[shared, see above]" in rewritten(con, TWICE, share_subplans)


def test_a_join_stated_twice_runs_once_and_the_copy_renames_its_columns(con):
    assert rewritten(con, TWICE, share_subplans) == golden("""
        Project did# := _g#, s# := _a#
          Filter _a# > _scalar#
            ScalarApply _scalar#
              GroupAggregate keys=[_g# := f#.did] aggregates=[_a# := sum("f#.v")]
                DirectOrSortJoin[inner] ON f#.did = d#.did
                  Scan fact AS f# [did, v]
                  Filter d#.gid = 1
                    Scan dim AS d# [did, gid]
              Project _col_0# := _a# / 10
                GroupAggregate keys=[] aggregates=[_a# := sum("f2#.v")]
                  Project f2#.did := f#.did, f2#.v := f#.v, d2#.did := d#.did, d2#.gid := d#.gid
                    DirectOrSortJoin[inner] ON f#.did = d#.did  [shared, see above]
    """)


def test_the_shared_scan_reads_the_fields_of_every_copy(con):
    """The copies' scans read different fields (only the outer one groups by `eid`): the
    shared scan reads both (prune_columns then keeps what the readers use)."""
    sql = ("select f.eid, sum(f.v) as s from fact f, dim d where f.did = d.did "
           "and d.gid = 1 group by f.eid having sum(f.v) > (select sum(f2.v) / 10 "
           "from fact f2, dim d2 where f2.did = d2.did and d2.gid = 1)")
    text = rewritten(con, sql, share_subplans)
    assert "[shared, see above]" in text
    assert "Scan fact AS f# [did, eid, v]" in text or "Scan fact AS f# [eid, did, v]" in text


@pytest.mark.parametrize("sql", [
    # Other constants: other rows.
    "select f.did, sum(f.v) as s from fact f, dim d where f.did = d.did and d.gid = 1 "
    "group by f.did having sum(f.v) > (select sum(f2.v) / 10 from fact f2, dim d2 "
    "where f2.did = d2.did and d2.gid = 0)",
    # Another join kind.
    "select a.n, b.n from (select count(*) as n from fact f join dim d on f.did = d.did) a, "
    "(select count(*) as n from fact f left join dim d on f.did = d.did) b",
    # No join and no aggregate: a filtered scan of few rows costs what keeping its rows would.
    SELF_JOIN,
])
def test_copies_that_differ_or_save_nothing_stay_apart(con, sql):
    assert "[shared, see above]" not in rewritten(con, sql, share_subplans)


def test_a_filter_over_a_large_scan_stated_twice_runs_once(con, duck, monkeypatch):
    """Filtering millions of rows twice (a self-join's two copies of one filtered table)
    costs two comparisons of every row and two copies of the kept rows: a large enough
    scan's filter is shared, the other copy renaming its columns."""
    monkeypatch.setattr(share_subplans_module, "MIN_FILTERED_SCAN_ROWS", 101)  # fact: 100
    assert "[shared, see above]" not in rewritten(con, SELF_JOIN, share_subplans)
    monkeypatch.setattr(share_subplans_module, "MIN_FILTERED_SCAN_ROWS", 100)
    text = rewritten(con, SELF_JOIN, share_subplans)
    assert "Filter f1#.v > 3  [shared, see above]" in text
    check_against_duckdb(con, duck, SELF_JOIN)


def test_a_filter_an_aggregate_reads_is_not_shared(con, monkeypatch):
    """An aggregate over a filter takes its mask (the filter copies no rows): sharing it would
    add the copy it saves."""
    monkeypatch.setattr(share_subplans_module, "MIN_FILTERED_SCAN_ROWS", 0)
    sql = "select (select count(*) from fact where v > 3), (select sum(v) from fact where v > 3)"
    assert "[shared, see above]" not in rewritten(con, sql, share_subplans)


def test_copies_that_draw_random_values_draw_twice(con):
    """Equal derived tables are one CTE to sqlglot, and equal subplans one to this pass;
    neither may merge two draws of RANDOM()."""
    sql = ("select a.did, a.n as an, b.n as bn from (select did, count(*) as n from fact "
           "where v > random() * 100 group by did) a join (select did, count(*) as n "
           "from fact where v > random() * 100 group by did) b on a.did = b.did")
    assert "[shared, see above]" not in rewritten(con, sql, share_subplans)
    # Ten groups, each counted twice over independent draws: all ten pairs equal would
    # happen by chance about once in 10^10 runs.
    same = con.execute(f"select count(*) from ({sql}) t where t.an = t.bn").fetchone()[0]
    assert same < 10


@pytest.mark.parametrize("sql", [
    TWICE,
    # Each copy reads other columns of the shared join.
    "select f.eid, sum(f.v) as s from fact f, dim d where f.did = d.did and d.gid = 1 "
    "group by f.eid having sum(f.v) > (select avg(f2.v) from fact f2, dim d2 "
    "where f2.did = d2.did and d2.gid = 1)",
    # Both sides of a join are one aggregate over a join.
    "select a.did, a.n, b.m from (select f.did, count(*) as n from fact f join dim d "
    "on f.did = d.did where d.gid = 1 group by f.did) a join (select f.did, "
    "max(f.v) as m from fact f join dim d on f.did = d.did where d.gid = 1 group by f.did) b "
    "on a.did = b.did order by a.did",
    # A union of the same join under two aliases.
    "select f.id from fact f join ext e on f.eid = e.eid where e.w > 6 union all "
    "select g.id from fact g join ext x on g.eid = x.eid where x.w > 6 order by 1",
    # The same aggregate twice, one copy joined with itself.
    "select x.did, x.s - y.s as d from (select did, sum(v) as s from fact f join ext e "
    "on f.eid = e.eid group by did) x join (select did, sum(v) as s from fact f join ext e "
    "on f.eid = e.eid group by did) y on x.did = y.did order by x.did",
    # A grouped join with two scalar subqueries, stated twice: each copy's scalars keep
    # their places (the pass once paired both with one).
    "select f.did, sum(f.v) as s from fact f join dim d on f.did = d.did group by f.did "
    "having sum(f.v) > (select min(v) + 470 from fact) and sum(f.v) < (select max(v) * 5.3 "
    "from fact) union all select f.did, -sum(f.v) as s from fact f join dim d "
    "on f.did = d.did group by f.did having not (sum(f.v) > (select min(v) + 470 from fact) "
    "and sum(f.v) < (select max(v) * 5.3 from fact)) order by 1, 2",
    # An outer join stated twice.
    "select (select count(*) from l left join r on l.k = r.k where r.y is null) as a, "
    "(select count(*) from l left join r on l.k = r.k where r.y is null) as b",
])
def test_answers_with_shared_subplans_match_duckdb(con, duck, sql):
    assert "[shared, see above]" in rewritten(con, sql, share_subplans)
    check_against_duckdb(con, duck, sql)
