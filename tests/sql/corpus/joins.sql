-- Inner joins: explicit JOIN ... ON and comma joins, self-joins, several keys, string keys, many tables.

-- name: explicit_inner
select n_name, count(*) as suppliers
from supplier join nation on s_nationkey = n_nationkey
group by n_name
order by n_name;

-- name: comma_join
select r_name, count(*) as nations
from nation, region
where n_regionkey = r_regionkey
group by r_name
order by r_name;

-- name: inner_join_keyword
select r_name, n_name
from region inner join nation on n_regionkey = r_regionkey
where r_name in ('EUROPE', 'AFRICA')
order by r_name, n_name;

-- name: self_join_aliases
select n1.n_name as a, n2.n_name as b
from nation n1 join nation n2 on n1.n_regionkey = n2.n_regionkey and n1.n_nationkey < n2.n_nationkey
order by a, b;

-- name: self_join_comma
select o1.o_custkey, count(*) as same_day_pairs
from orders o1, orders o2
where o1.o_custkey = o2.o_custkey
    and o1.o_orderdate = o2.o_orderdate
    and o1.o_orderkey < o2.o_orderkey
group by o1.o_custkey
order by o1.o_custkey;

-- name: multi_key_join
select count(*) as n, sum(l_quantity * ps_supplycost) as cost
from lineitem join partsupp on l_partkey = ps_partkey and l_suppkey = ps_suppkey
where l_shipdate < date '1993-01-01';

-- name: multi_key_join_comma
select ps_suppkey, count(*) as lines
from partsupp, lineitem
where ps_partkey = l_partkey and ps_suppkey = l_suppkey and ps_availqty > 9900
group by ps_suppkey
order by ps_suppkey;

-- name: string_key_self_join
select p1.p_container, count(*) as pairs
from part p1 join part p2 on p1.p_container = p2.p_container and p1.p_type = p2.p_type
where p1.p_partkey < p2.p_partkey and p1.p_size = 1
group by p1.p_container
order by p1.p_container;

-- name: string_key_cross_dictionary
select t.nid, t.name, t.tag, n.n_nationkey
from t_names t join nation n on t.name = n.n_name
order by t.nid;

-- name: string_key_derived
select c.c_mktsegment, count(*) as n
from customer c
join (select distinct c_mktsegment as seg from customer where c_mktsegment like 'M%') s on c.c_mktsegment = s.seg
group by c.c_mktsegment
order by c.c_mktsegment;

-- name: join_extra_condition
select l_shipmode, count(*) as n
from orders join lineitem on o_orderkey = l_orderkey and l_quantity > 45 and o_orderpriority = '1-URGENT'
group by l_shipmode
order by l_shipmode;

-- name: join_non_equi_condition
select count(*) as n
from orders join lineitem on o_orderkey = l_orderkey and l_shipdate > o_orderdate + 100;

-- name: join_or_condition
select r.r_name, n.n_name
from region r join nation n on n.n_regionkey = r.r_regionkey or n.n_nationkey = r.r_regionkey
order by r.r_name, n.n_name;

-- name: cross_join_count
select count(*) as n
from region cross join nation;

-- name: cross_join_filtered
select r_name, n_name
from region, nation
where r_regionkey = 0 and n_regionkey <> 0 and n_name like 'I%'
order by r_name, n_name;

-- name: three_table_explicit
select r_name, count(*) as suppliers, sum(s_acctbal) as balance
from supplier
join nation on s_nationkey = n_nationkey
join region on n_regionkey = r_regionkey
group by r_name
order by r_name;

-- name: many_table_join
select n_name, sum(l_extendedprice * (1 - l_discount)) as revenue
from customer, orders, lineitem, supplier, nation, region
where c_custkey = o_custkey
    and l_orderkey = o_orderkey
    and l_suppkey = s_suppkey
    and c_nationkey = s_nationkey
    and s_nationkey = n_nationkey
    and n_regionkey = r_regionkey
    and r_name = 'EUROPE'
    and o_orderdate >= date '1995-01-01'
    and o_orderdate < date '1995-01-01' + interval '1' year
group by n_name
order by n_name;

-- name: many_table_explicit
select r_name, p_mfgr, count(*) as n
from lineitem
join part on p_partkey = l_partkey
join partsupp on ps_partkey = l_partkey and ps_suppkey = l_suppkey
join supplier on s_suppkey = ps_suppkey
join nation on n_nationkey = s_nationkey
join region on r_regionkey = n_regionkey
where l_shipdate between date '1996-01-01' and date '1996-03-31'
group by r_name, p_mfgr
order by r_name, p_mfgr;

-- name: join_int32_int64_keys
select p_size, count(*) as n
from part join nation on p_size = n_nationkey
where p_partkey < 400
group by p_size
order by p_size;

-- name: join_fixture_duplicates
select l.lid, l.k, r.rid, r.s
from t_left l join t_right r on l.k = r.k
order by l.lid, r.rid;

-- name: join_null_keys_never_equal
select count(*) as n
from t_left l join t_right r on l.k = r.k
where l.k is null or r.k is null;

-- name: join_two_keys_with_null
select l.lid, r.rid
from t_left l join t_right r on l.k = r.k and l.s = r.s
order by l.lid, r.rid;

-- name: join_tpch_with_fixture_keys
select t.kid, t.label, n.n_name
from t_keys t join nation n on n.n_nationkey = t.k
order by t.kid;

-- name: join_aggregate_back
select c_custkey, c_name, t.total
from customer join (
    select o_custkey, sum(o_totalprice) as total from orders group by o_custkey
) t on t.o_custkey = c_custkey
where t.total > 2500000
order by c_custkey;

-- name: join_empty_result
select n_name, r_name
from nation join region on n_regionkey = r_regionkey and r_name = 'OCEANIA'
order by n_name;

-- name: inner_join_empty_table
select n_name, e.a
from nation join t_empty e on e.a = n_nationkey;

-- name: semi_join_syntax
select n_name
from nation semi join supplier on s_nationkey = n_nationkey and s_acctbal > 9000
order by n_name;

-- name: anti_join_syntax
select c_custkey, c_name
from customer anti join orders on o_custkey = c_custkey
where c_custkey < 100
order by c_custkey;

-- name: anti_join_with_null_keys
select l.lid, l.k
from t_left l anti join t_right r on l.k = r.k
order by l.lid;

-- name: composite_key_with_one_wide_key
-- The packed range of both keys is too wide for a lookup table, partkey alone is not.
select count(*) as n, sum(l_quantity) as qty, sum(ps_availqty) as avail
from lineitem join partsupp
  on l_partkey = ps_partkey and l_suppkey * 1000000007 = ps_suppkey * 1000000007
where l_shipdate < date '1995-01-01';

-- name: join_with_a_one_row_aggregate
-- A FROM list naming a one-row aggregate: its columns broadcast beside every row.
select o_orderkey, o_totalprice, m.top, o_totalprice / m.top as share
from orders, (select max(o_totalprice) as top from orders) m
where o_orderkey < 200
order by o_orderkey;

-- name: left_join_with_a_one_row_aggregate_on_true
select c_custkey, m.n
from customer left join (select count(*) as n from nation) m on true
where c_custkey < 20
order by c_custkey;

-- name: group_extremes_of_a_broadcast_value
-- MIN and MAX of a value every row shares, per group, beside the groups' own aggregates: the
-- groups a filter leaves empty are not formed.
select o_orderpriority, max(m.top) as mx, min(m.top) as mn, count(*) as n, sum(o_totalprice) as total
from orders, (select max(o_totalprice) as top from orders where o_orderstatus = 'F') m
where o_totalprice > 100000
group by o_orderpriority
order by o_orderpriority;

-- name: extremes_of_a_broadcast_null_and_over_no_rows
select max(m.top) as mx, min(m.top) as mn, count(*) as n
from orders, (select max(o_totalprice) as top from orders where o_orderkey < 0) m
group by o_orderstatus
order by o_orderstatus;

-- name: extreme_of_a_broadcast_value_over_no_rows
select max(m.top) as mx, min(m.top) as mn, count(*) as n
from orders, (select 42 as top) m
where o_orderkey < 0;
