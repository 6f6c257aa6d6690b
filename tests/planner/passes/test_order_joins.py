"""order_joins alone (after the passes it follows): a join block becomes a tree of Joins, the
largest input probing, a filtered snowflake dimension joined into its neighbour first."""

import duckdb
import pyarrow as pa

import tqp
from tests.oracle import check_against_duckdb
from tests.planner.passes.conftest import built, golden, passes_before, run, text
from tqp.planner.passes import order_joins


def test_a_filtered_snowflake_dimension_joins_its_neighbour_first(con):
    plan, context = built(con, "select f.v, d.name, g.label from fact f, dim d, grp g "
                               "where f.did = d.did and d.gid = g.gid and g.label = 'odd'")
    plan = run(plan, context, *passes_before("order_joins"))
    assert text(plan) == golden("""
        Project v# := f#.v, name# := d#.name, label# := g#.label
          MultiJoin WHERE f#.did = d#.did AND d#.gid = g#.gid
            Scan fact AS f# [did, v]
            Scan dim AS d# [did, name, gid]
            Filter g#.label = 'odd'
              Scan grp AS g# [gid, label]
    """)
    assert text(order_joins(plan, context)) == golden("""
        Project v# := f#.v, name# := d#.name, label# := g#.label
          DirectOrSortJoin[inner] ON f#.did = d#.did
            Scan fact AS f# [did, v]
            DirectOrSortJoin[inner] ON d#.gid = g#.gid
              Scan dim AS d# [did, name, gid]
              Filter g#.label = 'odd'
                Scan grp AS g# [gid, label]
    """)


def test_the_largest_input_probes_whatever_order_it_was_written_in(con):
    plan, context = built(con, "select f.v, e.w from ext e, fact f where e.eid = f.eid")
    plan = order_joins(run(plan, context, *passes_before("order_joins")), context)
    assert text(plan) == golden("""
        Project v# := f#.v, w# := e#.w
          DirectOrSortJoin[inner] ON f#.eid = e#.eid
            Scan fact AS f# [eid, v]
            Scan ext AS e# [eid, w]
    """)


def test_inputs_without_a_condition_join_last_as_a_cross_product(con):
    plan, context = built(con, "select count(*) as n from fact f, grp g, dim d "
                               "where f.did = d.did and f.v < 1")
    plan = order_joins(run(plan, context, *passes_before("order_joins")), context)
    assert text(plan) == golden("""
        Project n# := _a#
          GroupAggregate keys=[] aggregates=[_a# := count_star(*)]
            NestedLoopJoin[cross]
              DirectOrSortJoin[inner] ON f#.did = d#.did
                Filter f#.v < 1
                  Scan fact AS f# [did, v]
                Scan dim AS d# [did]
              Scan grp AS g# []
    """)


def test_inputs_after_an_outer_join_join_it_on_their_keys_not_as_a_cross_product(con):
    """The LEFT join then runs after the block (simplify_outer_joins lifts it)."""
    plan, context = built(con, "select f.v, g.label from fact f left join ext e on f.eid = e.eid, "
                               "dim d, grp g where f.did = d.did and d.gid = g.gid")
    plan = order_joins(run(plan, context, *passes_before("order_joins")), context)
    assert "cross" not in text(plan)
    assert text(plan) == golden("""
        Project v# := f#.v, label# := g#.label
          DirectOrSortJoin[left] ON f#.eid = e#.eid
            DirectOrSortJoin[inner] ON d#.gid = g#.gid
              DirectOrSortJoin[inner] ON f#.did = d#.did
                Scan fact AS f# [did, eid, v]
                Scan dim AS d# [did, gid]
              Scan grp AS g# [gid, label]
            Scan ext AS e# [eid]
    """)


def test_an_input_keyed_many_to_many_waits_for_a_unique_key():
    """`s.zip = a.zip` matches each row with many addresses; `c.addr = a.addr` with one. The
    smaller `a` is joined after `c`, on both keys, not first on the zip alone."""
    ints = lambda values: pa.array(values, pa.int32())  # noqa: E731
    con = tqp.connect()
    con.register("f", pa.table({"sk": ints([i % 4 for i in range(1000)]),
                                "ck": ints([i % 100 for i in range(1000)])}))
    con.register("s", pa.table({"sk": ints(range(4)), "zip": ints([0, 1, 0, 1])}))
    con.register("c", pa.table({"ck": ints(range(100)), "addr": ints([i % 50 for i in range(100)])}))
    con.register("a", pa.table({"addr": ints(range(50)), "zip": ints([i % 2 for i in range(50)])}))
    plan, context = built(con, "select count(*) as n from f, s, c, a where f.sk = s.sk "
                               "and f.ck = c.ck and c.addr = a.addr and s.zip = a.zip")
    plan = order_joins(run(plan, context, *passes_before("order_joins")), context)
    assert text(plan) == golden("""
        Project n# := _a#
          GroupAggregate keys=[] aggregates=[_a# := count_star(*)]
            DirectOrSortJoin[inner] ON c#.addr = a#.addr AND s#.zip = a#.zip
              DirectOrSortJoin[inner] ON f#.ck = c#.ck
                DirectOrSortJoin[inner] ON f#.sk = s#.sk
                  Scan f AS f# [sk, ck]
                  Scan s AS s# [sk, zip]
                Scan c AS c# [ck, addr]
              Scan a AS a# [addr, zip]
    """)


def test_a_narrow_date_or_integer_range_counts_by_its_share_of_the_column():
    """`day BETWEEN` two dates keeps 10 of 1000 days (a bound may be a sum of integers, `980 +
    9`); `price < 90` (no statistics for a float) is the 0.3 guess. The date range is joined first although its table is larger."""
    con = tqp.connect()
    con.register("f", pa.table({"pk": pa.array([i % 100 for i in range(5000)], pa.int32()),
                                "dk": pa.array([i % 1000 for i in range(5000)], pa.int32())}))
    con.register("p", pa.table({"pk": pa.array(range(100), pa.int32()),
                                "price": [float(i) for i in range(100)]}))
    con.register("d", pa.table({"dk": pa.array(range(1000), pa.int32()),
                                "day": pa.array(range(1000), pa.date32()),
                                "seq": pa.array(range(1000), pa.int64())}))
    for condition in ("d.day between date '1970-01-11' and cast('1970-01-20' as date)",
                      "d.seq >= 990", "995 > d.seq and d.seq > 985",
                      "d.seq between 980 and 980 + 9", "d.seq > (1000 - 8)"):
        plan, context = built(con, "select count(*) as n from f, p, d where f.pk = p.pk and "
                                   f"f.dk = d.dk and p.price < 90 and {condition}")
        plan = text(order_joins(run(plan, context, *passes_before("order_joins")), context))
        assert plan.index("ON f#.pk = p#.pk") < plan.index("ON f#.dk = d#.dk"), condition


def _swap_tables(sales_rows: int) -> dict[str, pa.Table]:
    """`inv` (the largest input) and `sales` both reference `item`, which a filter cuts to one
    row; `sales` has `sales_rows` rows."""
    ints = lambda values: pa.array(values, pa.int32())  # noqa: E731
    return {"inv": pa.table({"ik": ints([i % 1000 for i in range(1_000_000)])}),
            "item": pa.table({"ik": ints(range(1000)), "m": ints(range(1000))}),
            "sales": pa.table({"ik": ints([i % 1000 for i in range(sales_rows)])})}


SWAP_QUERY = ("select count(*) as n from inv, item, sales "
              "where inv.ik = item.ik and sales.ik = item.ik and item.m = 7")


def test_a_large_input_probes_the_few_rows_joined_so_far():
    """After `item = 7`, about a thousand joined rows remain: they are built, and the 400,000
    rows of `sales` probe them, instead of a table over `sales` probed by a thousand rows."""
    con = tqp.connect()
    for name, table in _swap_tables(400_000).items():
        con.register(name, table)
    plan, context = built(con, SWAP_QUERY)
    plan = order_joins(run(plan, context, *passes_before("order_joins")), context)
    assert text(plan) == golden("""
        Project n# := _a#
          GroupAggregate keys=[] aggregates=[_a# := count_star(*)]
            DirectOrSortJoin[inner] ON sales#.ik = item#.ik
              Scan sales AS sales# [ik]
              DirectOrSortJoin[inner] ON inv#.ik = item#.ik
                Scan inv AS inv# [ik]
                Filter item#.m = 7
                  Scan item AS item# [ik, m]
    """)


def test_a_small_input_stays_the_build_side():
    """Below BUILD_SWAP_ROWS either table is cheap: `sales` is built as written."""
    con = tqp.connect()
    for name, table in _swap_tables(100_000).items():
        con.register(name, table)
    plan, context = built(con, SWAP_QUERY)
    plan = text(order_joins(run(plan, context, *passes_before("order_joins")), context))
    assert "ON item#.ik = sales#.ik" in plan


def test_the_swapped_join_answers_as_duckdb():
    import duckdb

    from tests.oracle import check_against_duckdb

    tables = _swap_tables(400_000)
    con, duck = tqp.connect(), duckdb.connect()
    for name, table in tables.items():
        con.register(name, table)
        duck.register(name, table)
    check_against_duckdb(con, duck, SWAP_QUERY)
    check_against_duckdb(con, duck, SWAP_QUERY.replace("count(*) as n", "inv.ik, sales.ik as s")
                         + " order by 1, 2 limit 5")


def _week_connections():
    """tqp and DuckDB over `inv` and `s` (many rows per item), a day table `d` with a week and
    a year, and a second day table `d2` with a week (the shape of TPC-DS's inventory query)."""
    ints = lambda values: pa.array(values, pa.int32())  # noqa: E731
    tables = {
        "inv": pa.table({"item": ints([i % 50 for i in range(4000)]),
                         "dk2": ints([i % 100 for i in range(4000)])}),
        "s": pa.table({"item": ints([i % 50 for i in range(1000)]),
                       "dk": ints([i % 100 for i in range(1000)])}),
        "d": pa.table({"dk": ints(range(100)), "w": ints([i // 7 for i in range(100)]),
                       "yr": ints([i // 25 for i in range(100)])}),
        "d2": pa.table({"dk": ints(range(100)), "w": ints([i // 7 for i in range(100)])}),
    }
    con, duck = tqp.connect(), duckdb.connect()
    for name, table in tables.items():
        con.register(name, table)
        duck.register(name, table)
    return con, duck


WEEK_QUERY = ("select count(*) as n from s join inv on s.item = inv.item join d on s.dk = d.dk "
              "join d2 on inv.dk2 = d2.dk where d.w = d2.w and d.yr = 1")


def test_a_filtered_dimension_with_several_neighbours_joins_the_one_on_its_unique_key_first():
    """`d` (filtered) is reached from `s` by its unique key and from `d2` by a week shared by
    many days: it cuts `s` down before `s` is joined with the large `inv`, not after."""
    con, duck = _week_connections()
    sql = WEEK_QUERY
    plan, context = built(con, sql)
    plan = text(order_joins(run(plan, context, *passes_before("order_joins")), context))
    assert plan.index("ON inv#.item = s#.item") < plan.index("ON s#.dk = d#.dk"), plan
    check_against_duckdb(con, duck, sql)


def test_an_input_that_adds_a_second_key_to_a_many_to_many_join_is_joined_first():
    """`inv` and `s` share an item with many rows each; joining `d2` into `inv` first (its own
    key, one row each) lets the item join also compare weeks (`d.w = d2.w`), so each `inv`
    row meets the few `s` rows of its item and week rather than every row of its item."""
    con, duck = _week_connections()
    sql = WEEK_QUERY
    plan, context = built(con, sql)
    plan = order_joins(run(plan, context, *passes_before("order_joins")), context)
    assert text(plan) == golden("""
        Project n# := _a#
          GroupAggregate keys=[] aggregates=[_a# := count_star(*)]
            DirectOrSortJoin[inner] ON inv#.item = s#.item AND d2#.w = d#.w
              DirectOrSortJoin[inner] ON inv#.dk2 = d2#.dk
                Scan inv AS inv# [item, dk2]
                Scan d2 AS d2# [dk, w]
              DirectOrSortJoin[inner] ON s#.dk = d#.dk
                Scan s AS s# [item, dk]
                Filter d#.yr = 1
                  Scan d AS d# [dk, w, yr]
    """)
    check_against_duckdb(con, duck, sql)
    check_against_duckdb(con, duck, sql.replace("count(*) as n", "inv.item, d2.w, count(*) as n")
                         + " group by all order by all")
