-- Grouping sets: ROLLUP, CUBE, GROUPING SETS, their combinations with plain keys, GROUPING(),
-- HAVING and ORDER BY over them; NULL keys (a NULL key group beside the rolled-up NULL), empty
-- inputs.

-- name: rollup_two_keys
select l_returnflag, l_linestatus, sum(l_quantity) as qty, count(*) as n
from lineitem
group by rollup (l_returnflag, l_linestatus)
order by l_returnflag, l_linestatus;

-- name: cube_two_keys_grouping
select l_returnflag, l_linestatus, grouping(l_returnflag) as g1,
    grouping(l_returnflag, l_linestatus) as g12, grouping(l_linestatus, l_returnflag) as g21,
    avg(l_discount) as d
from lineitem
group by cube (l_returnflag, l_linestatus)
order by g12, l_returnflag, l_linestatus;

-- name: grouping_sets_explicit
select n_regionkey, n_name, count(*) as n, min(n_nationkey) as lo
from nation
group by grouping sets ((n_regionkey), (n_regionkey, n_name), ())
order by n_regionkey nulls first, n_name nulls first;

-- name: grouping_sets_single_keys
select n_regionkey, substring(n_name, 1, 1) as initial, count(*) as n
from nation
group by grouping sets (n_regionkey, substring(n_name, 1, 1))
order by all;

-- name: plain_key_with_rollup
select o_orderstatus, o_orderpriority, year(o_orderdate) as y, count(*) as n
from orders
group by o_orderstatus, rollup (o_orderpriority, year(o_orderdate))
order by all;

-- name: rollup_and_cube_combined
select a, b, d, count(*) as n, grouping(a, b, d) as g, grouping(d) as gd
from t_nulls
group by rollup (a), cube (b, d)
order by all;

-- name: rollup_null_keys
select a, b, count(*) as n, sum(c) as s, grouping(a) as ga, grouping(b) as gb
from t_nulls
group by rollup (a, b)
order by all;

-- name: rollup_positions_and_aliases
select a % 2 as parity, b, count(*) as n
from t_nulls
group by rollup (parity, 2)
order by all;

-- name: rollup_composite_element
select k, s, count(*) as n, sum(v) as total
from t_left
group by rollup ((k, s))
order by all;

-- name: rollup_having_grouping
select l_returnflag, l_linestatus, sum(l_extendedprice) as revenue
from lineitem
group by rollup (l_returnflag, l_linestatus)
having grouping(l_linestatus) = 1 or sum(l_quantity) > 20000
order by l_returnflag nulls last, l_linestatus nulls last;

-- name: rollup_order_by_grouping
select n_regionkey, count(*) as n
from nation
group by rollup (n_regionkey)
order by grouping(n_regionkey) desc, n desc, n_regionkey;

-- name: rollup_empty_input
select a, count(*) as n, sum(c) as s
from t_empty
group by rollup (a);

-- name: cube_empty_input
select a, b, count(*) as n
from t_empty
group by cube (a, b);

-- name: grouping_sets_duplicated
select a, count(*) as n
from t_nulls
group by grouping sets ((a), (a), ())
order by all;

-- name: grouping_without_sets
select n_regionkey, grouping(n_regionkey) as g, count(*) as n
from nation
group by n_regionkey
order by n_regionkey;

-- name: rollup_strings_and_dates
select b, d, count(*) as n, max(c) as top
from t_nulls
where id <= 6
group by rollup (b, d)
order by all;

-- name: rollup_decimal_key
select l_tax, l_returnflag, count(*) as n
from lineitem
where l_quantity < 3
group by rollup (l_tax, l_returnflag)
order by all;

-- name: rollup_count_distinct
select l_shipmode, count(distinct l_suppkey) as suppliers, sum(l_quantity) as qty
from lineitem
group by rollup (l_shipmode)
order by l_shipmode nulls first;

-- name: rollup_in_subquery
select count(*) as rows_, sum(n) as total
from (select n_regionkey, count(*) as n from nation group by rollup (n_regionkey)) t;

-- name: rollup_tpcds_shape
select r_name, n_name, sum(s_acctbal) as balance,
    grouping(r_name) + grouping(n_name) as lochierarchy,
    rank_key
from (select r_name, n_name, s_acctbal, 1 as rank_key
      from supplier join nation on s_nationkey = n_nationkey
      join region on n_regionkey = r_regionkey) x
group by rollup (r_name, n_name), rank_key
order by lochierarchy desc, r_name, n_name;

-- name: rollup_subquery_joined_back
select n.n_name, r.n
from nation n
left join (select n_regionkey, count(*) as n from nation group by rollup (n_regionkey)) r
    on n.n_regionkey = r.n_regionkey
where n.n_nationkey < 6
order by n.n_name;

-- name: rollup_filtered_above
select * from (select n_regionkey, count(*) as n from nation group by rollup (n_regionkey)) t
where n_regionkey is null or n > 4
order by n_regionkey nulls first;
