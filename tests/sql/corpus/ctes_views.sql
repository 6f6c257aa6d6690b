-- CTEs and views. Entries with a view hold the `create or replace view` statement first.

-- name: cte_basic
with big_orders as (
    select o_orderkey, o_custkey, o_totalprice from orders where o_totalprice > 350000
)
select count(*) as n, count(distinct o_custkey) as customers
from big_orders;

-- name: cte_two
with per_supplier as (
    select l_suppkey, sum(l_quantity) as qty from lineitem group by l_suppkey
),
per_nation as (
    select s_nationkey, sum(qty) as qty from per_supplier join supplier on s_suppkey = l_suppkey group by s_nationkey
)
select n_name, qty
from per_nation join nation on n_nationkey = s_nationkey
order by n_name;

-- name: cte_reused_twice
with revenue0 (supplier_no, total_revenue) as (
    select l_suppkey, sum(l_extendedprice * (1 - l_discount))
    from lineitem
    where l_shipdate >= date '1994-04-01' and l_shipdate < date '1994-04-01' + interval '3' month
    group by l_suppkey
)
select s_suppkey, s_name, total_revenue
from supplier, revenue0
where s_suppkey = supplier_no
    and total_revenue = (select max(total_revenue) from revenue0)
order by s_suppkey;

-- name: cte_self_join
with yearly as (
    select extract(year from o_orderdate) as yr, count(*) as n from orders group by yr
)
select a.yr, a.n, b.n as prev_n, a.n - b.n as diff
from yearly a left join yearly b on b.yr = a.yr - 1
order by a.yr;

-- name: cte_column_list
with t (region, nations) as (
    select r_name, count(*) from region join nation on n_regionkey = r_regionkey group by r_name
)
select region, nations from t order by region;

-- name: cte_in_subquery
select count(*) as n
from customer
where c_custkey in (
    with rich as (select o_custkey from orders where o_totalprice > 300000)
    select o_custkey from rich
);

-- name: cte_empty
with nothing as (select * from lineitem where l_quantity < 0)
select count(*) as n, sum(l_quantity) as q from nothing;

-- name: cte_over_fixture_nulls
with g as (select a, count(*) as n, sum(c) as total from t_nulls group by a)
select a, n, total from g order by a nulls first;

-- name: view_basic
create or replace view v_corpus_asia_nations as
    select n_nationkey, n_name from nation join region on n_regionkey = r_regionkey where r_name = 'ASIA';
select n_name from v_corpus_asia_nations order by n_name;

-- name: view_join_aggregate
create or replace view v_corpus_supplier_nation as
    select s_suppkey, s_acctbal, n_name, n_regionkey from supplier join nation on s_nationkey = n_nationkey;
select n_regionkey, count(*) as suppliers, max(s_acctbal) as top_balance
from v_corpus_supplier_nation
group by n_regionkey
order by n_regionkey;

-- name: view_over_view
create or replace view v_corpus_order_totals as
    select o_custkey, count(*) as n, sum(o_totalprice) as total from orders group by o_custkey;
create or replace view v_corpus_top_customers as
    select o_custkey, n, total from v_corpus_order_totals where n >= 20;
select c_name, n, total
from v_corpus_top_customers join customer on c_custkey = o_custkey
order by c_name;

-- name: view_in_where_subquery
create or replace view v_corpus_part_sizes as
    select p_size, avg(p_retailprice) as avg_price from part group by p_size;
select p_size, count(*) as expensive
from part
where p_retailprice > (select avg_price from v_corpus_part_sizes v where v.p_size = part.p_size)
group by p_size
order by p_size;

-- name: view_with_nulls_outer
create or replace view v_corpus_left_right as
    select l.lid, l.k, r.rid, r.w from t_left l left join t_right r on l.k = r.k;
select lid, k, rid, w from v_corpus_left_right order by lid, rid;

-- name: cte_read_twice_with_columns_neither_reads
with c as (select o_custkey, sum(o_totalprice) as total, count(*) as n, max(o_orderdate) as last
           from orders group by o_custkey)
select a.o_custkey, b.total from c a, c b
where a.o_custkey = b.o_custkey + 1
order by a.o_custkey limit 10;

-- name: union_all_columns_nothing_reads
select count(*) as n, sum(k) as s from (
    select n_nationkey as k, n_name as name, n_comment as c from nation
    union all
    select r_regionkey, r_name, r_comment from region) u;

-- name: union_all_counted_only
select count(*) as n from (select n_name, n_comment from nation union all
                           select r_name, r_comment from region) u;

-- name: grand_total_with_no_aggregate_read
select 1 as one from (select sum(o_totalprice) as s, count(*) as n from orders) t;
