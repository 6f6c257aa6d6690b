-- Subqueries: scalar (correlated and not), EXISTS / NOT EXISTS, IN / NOT IN, in SELECT / WHERE / HAVING.

-- name: scalar_uncorrelated_where
select count(*) as n
from orders
where o_totalprice > (select avg(o_totalprice) from orders);

-- name: scalar_uncorrelated_select
select o_orderpriority, count(*) as n, (select count(*) from orders) as total
from orders
group by o_orderpriority
order by o_orderpriority;

-- name: scalar_uncorrelated_arith
select n_name, n_nationkey - (select min(n_nationkey) from nation where n_regionkey = 3) as delta
from nation
where n_regionkey = 3
order by n_name;

-- name: scalar_correlated_where_avg
select sum(l_extendedprice) / 7.0 as avg_yearly
from lineitem, part
where p_partkey = l_partkey
    and p_brand = 'Brand#12'
    and p_container like 'LG%'
    and l_quantity < (select 0.5 * avg(l_quantity) from lineitem where l_partkey = p_partkey);

-- name: scalar_correlated_select_count
select c_custkey, c_name, (select count(*) from orders where o_custkey = c_custkey) as n_orders
from customer
where c_nationkey = 7
order by c_custkey;

-- name: scalar_correlated_select_sum_null
select c_custkey, (select sum(o_totalprice) from orders where o_custkey = c_custkey) as total
from customer
where c_custkey <= 30
order by c_custkey;

-- name: scalar_correlated_max_self
select o1.o_custkey, o1.o_orderkey, o1.o_totalprice
from orders o1
where o1.o_totalprice = (select max(o2.o_totalprice) from orders o2 where o2.o_custkey = o1.o_custkey)
    and o1.o_custkey < 60
order by o1.o_custkey, o1.o_orderkey;

-- name: scalar_correlated_empty_is_null
select n_name, (select r_name from region where r_regionkey = n_regionkey + 10) as r
from nation
order by n_name;

-- name: scalar_uncorrelated_empty_compare
select count(*) as n
from orders
where o_totalprice > (select max(o_totalprice) from orders where o_orderdate > date '2000-01-01');

-- name: scalar_correlated_non_equi
select n1.n_name,
    (select count(*) from nation n2
     where n2.n_nationkey < n1.n_nationkey and n2.n_regionkey = n1.n_regionkey) as earlier_in_region
from nation n1
order by n1.n_name;

-- name: scalar_in_case
select case when o_totalprice > (select avg(o_totalprice) from orders) then 'high' else 'low' end as band,
    count(*) as n
from orders
group by band
order by band;

-- name: exists_correlated
select o_orderpriority, count(*) as order_count
from orders
where o_orderdate >= date '1995-04-01'
    and o_orderdate < date '1995-07-01'
    and exists (select * from lineitem where l_orderkey = o_orderkey and l_commitdate < l_receiptdate)
group by o_orderpriority
order by o_orderpriority;

-- name: not_exists_correlated
select c_nationkey, count(*) as no_orders
from customer
where not exists (select 1 from orders where o_custkey = c_custkey)
group by c_nationkey
order by c_nationkey;

-- name: exists_uncorrelated_true
select count(*) as n
from nation
where exists (select 1 from region where r_name = 'ASIA');

-- name: exists_uncorrelated_false
select n_name
from nation
where exists (select 1 from region where r_name = 'ANTARCTICA')
order by n_name;

-- name: exists_in_select
select r_name,
    exists (select 1 from nation where n_regionkey = r_regionkey and n_name like 'A%') as has_a
from region
order by r_name;

-- name: not_exists_non_equi
select s_suppkey, s_name
from supplier
where not exists (
    select 1 from partsupp
    where ps_suppkey = s_suppkey and ps_availqty < 30
)
    and s_nationkey = 3
order by s_suppkey;

-- name: in_subquery_nested
select s_name
from supplier
where s_suppkey in (
    select ps_suppkey from partsupp
    where ps_partkey in (select p_partkey from part where p_name like 'forest%')
)
order by s_name;

-- name: not_in_subquery
select count(*) as n
from part
where p_partkey not in (select l_partkey from lineitem where l_shipdate >= date '1998-01-01');

-- name: in_subquery_correlated
select c_custkey, c_name
from customer
where c_custkey in (select o_custkey from orders where o_totalprice > 400000 and o_custkey = c_custkey)
order by c_custkey;

-- name: in_empty_subquery
select n_name
from nation
where n_nationkey in (select a from t_empty)
order by n_name;

-- name: not_in_subquery_with_null_is_empty
select id, a
from t_nulls
where a not in (select k from t_left);

-- name: not_in_subquery_nonnull
select id, a, b
from t_nulls
where a not in (select k from t_left where k is not null)
order by id;

-- name: not_in_empty_subquery_keeps_null
select id, a
from t_nulls
where a not in (select a from t_empty)
order by id;

-- name: in_subquery_null_values
select id, a
from t_nulls
where a in (select k from t_right)
order by id;

-- name: in_not_in_in_select
select id, a,
    a in (select k from t_left) as in_left,
    a not in (select k from t_left) as not_in_left,
    a in (select k from t_left where k is not null) as in_left_nonnull
from t_nulls
order by id;

-- name: having_scalar_subquery
select ps_partkey, sum(ps_supplycost * ps_availqty) as value
from partsupp, supplier, nation
where ps_suppkey = s_suppkey and s_nationkey = n_nationkey and n_name = 'FRANCE'
group by ps_partkey
having sum(ps_supplycost * ps_availqty) > (
    select sum(ps_supplycost * ps_availqty) * 0.002
    from partsupp, supplier, nation
    where ps_suppkey = s_suppkey and s_nationkey = n_nationkey and n_name = 'FRANCE'
)
order by value desc, ps_partkey;

-- name: having_correlated_subquery
select c_nationkey, count(*) as customers
from customer
group by c_nationkey
having count(*) > (select count(*) from supplier where s_nationkey = c_nationkey) * 15
order by c_nationkey;

-- name: where_in_aggregated_subquery
select o_custkey, count(*) as n
from orders
where o_custkey in (
    select o_custkey from orders group by o_custkey having count(*) >= 25
)
group by o_custkey
order by o_custkey;

-- name: derived_table_avg
select avg(cnt) as avg_orders, max(cnt) as max_orders, min(cnt) as min_orders
from (select o_custkey, count(*) as cnt from orders group by o_custkey) t;

-- name: derived_table_nested
select band, count(*) as customers
from (
    select o_custkey, case when total > 1500000 then 'big' when total > 500000 then 'mid' else 'small' end as band
    from (select o_custkey, sum(o_totalprice) as total from orders group by o_custkey) per_customer
) banded
group by band
order by band;

-- name: derived_table_join
select n_name, t.revenue
from nation
join (
    select c_nationkey, sum(o_totalprice) as revenue
    from customer join orders on c_custkey = o_custkey
    where o_orderdate >= date '1997-01-01'
    group by c_nationkey
) t on t.c_nationkey = n_nationkey
where n_regionkey = 2
order by n_name;

-- name: scalar_subquery_two_levels
select p_partkey, p_name
from part
where p_retailprice > (
    select avg(p_retailprice) from part
    where p_size = (select max(p_size) from part where p_brand = 'Brand#33')
)
    and p_brand = 'Brand#33'
order by p_partkey;

-- name: correlated_name_survives_derived_table_merge
select id from t_edge
where not exists (select 1 from (select t_edge.id as col0 from t_edge) sq
                  where t_edge.id is distinct from sq.col0);

-- name: correlated_name_shadowed_in_nested_exists
select id, exists (select 1 from (select t_edge.id as col0 from t_edge) sq
                   where t_edge.id = sq.col0 + 1) as has_prev
from t_edge
order by id;

-- name: outer_aggregate_in_exists_makes_an_aggregate_query
select exists (select a from t_nulls where a > min(o.a)) as e from t_nulls o;

-- name: outer_aggregate_in_scalar_subquery_beside_an_aggregate
select (select count(*) from t_nulls where a > min(o.a)) as c, max(o.a) as m from t_nulls o;

-- name: outer_aggregate_in_subquery_of_a_grouped_query
select o.id % 2 as g, (select count(*) from t_nulls where a >= max(o.a)) as c
from t_nulls o group by g order by g;

-- name: outer_aggregate_in_having_subquery
select count(*) as n from t_nulls o having exists (select 1 from t_nulls where a = max(o.a));

-- name: scalar_uncorrelated_filters_one_join_input
select n_name, count(*) as n
from nation, supplier
where s_nationkey = n_nationkey
    and n_regionkey = (select max(r_regionkey) from region where r_name like 'A%')
group by n_name
order by n_name;

-- name: scalar_uncorrelated_filters_one_join_input_star
select *
from region, nation
where n_regionkey = r_regionkey
    and r_name = (select min(r_name) from region)
    and n_nationkey > 3
order by n_nationkey;

-- name: scalar_uncorrelated_null_filters_everything
select count(*) as n
from nation, supplier
where s_nationkey = n_nationkey
    and n_regionkey = (select max(r_regionkey) from region where r_name = 'none');

-- name: scalar_uncorrelated_over_two_join_inputs
select count(*) as n
from nation, supplier
where s_nationkey = n_nationkey
    and n_regionkey + s_suppkey % 3 = (select min(r_regionkey) + 2 from region);

-- name: scalar_uncorrelated_two_subqueries_between
select count(*) as n, sum(o_totalprice) as total
from orders, customer
where o_custkey = c_custkey
    and o_orderdate between (select min(o_orderdate) from orders) + 30
                        and (select min(o_orderdate) from orders) + 60
    and c_mktsegment = 'BUILDING';

-- name: in_subquery_over_many_to_many_self_join
select count(*) as n, sum(o_totalprice) as total
from orders
where o_orderkey in (select l1.l_orderkey
                     from lineitem l1, lineitem l2
                     where l1.l_orderkey = l2.l_orderkey
                         and l1.l_linestatus <> l2.l_linestatus);

-- name: in_subquery_over_many_to_many_cte_read_twice
with pairs as (select l1.l_orderkey as k, l1.l_linestatus as s1, l2.l_linestatus as s2
               from lineitem l1, lineitem l2
               where l1.l_orderkey = l2.l_orderkey and l1.l_linestatus <> l2.l_linestatus)
select count(*) as n
from orders
where o_orderkey in (select k from pairs)
    and o_orderkey in (select l_orderkey from lineitem, pairs where l_orderkey = pairs.k
                                                          and l_returnflag = 'R');

-- name: not_in_subquery_over_many_to_many_join
select count(*) as n
from orders
where o_orderkey not in (select l1.l_orderkey
                         from lineitem l1 join lineitem l2
                             on l1.l_orderkey = l2.l_orderkey
                             and l1.l_returnflag <> l2.l_returnflag);

-- name: exists_over_many_to_many_join
select count(*) as n
from customer
where exists (select *
              from orders o1, orders o2
              where o1.o_custkey = c_custkey and o1.o_custkey = o2.o_custkey
                  and o1.o_orderpriority <> o2.o_orderpriority);

-- name: distinct_over_many_to_many_join
select distinct l1.l_linestatus, l2.l_returnflag
from lineitem l1, lineitem l2
where l1.l_orderkey = l2.l_orderkey and l1.l_shipmode = 'AIR'
order by 1, 2;

-- Quantified comparisons: x op ANY/SOME/ALL (subquery), with NULLs on both sides and empty
-- subqueries; IN and NOT IN for = ANY and <> ALL, aggregates of the subquery otherwise.

-- name: any_all_with_nulls
select id, a,
    a = any (select k from t_right) as eq_any, a <> all (select k from t_right) as ne_all,
    a < any (select k from t_right) as lt_any, a >= all (select k from t_right) as ge_all,
    a > some (select k from t_right where k is not null) as gt_some,
    a <= all (select k from t_right where k is not null) as le_all,
    a = all (select k from t_right where k = 2) as eq_all, a <> any (select k from t_right) as ne_any
from t_nulls
order by id;

-- name: any_all_over_an_empty_subquery
select id, a > any (select a from t_empty) as gt_any, a > all (select a from t_empty) as gt_all,
    a = all (select a from t_empty) as eq_all, a <> any (select a from t_empty) as ne_any
from t_nulls
order by id;

-- name: any_all_over_only_nulls
select id, a < any (select a from t_nulls where a is null) as lt_any,
    a < all (select a from t_nulls where a is null) as lt_all
from t_nulls
order by id;

-- name: any_all_strings_and_dates
select id, b > all (select s from t_left where s is not null) as b_all,
    d >= any (select d from t_nulls where id > 5) as d_any
from t_nulls
order by id;

-- name: any_all_in_where
select id from t_nulls
where a > any (select k from t_right where k < 4) and c < all (select v from t_left where v > 0)
order by id;

-- name: any_all_correlated
select l.lid, l.k,
    l.v < any (select r.w from t_right r where r.k = l.k) as lt_any,
    l.v < all (select r.w from t_right r where r.k = l.k) as lt_all
from t_left l
order by l.lid;

-- name: any_all_over_grouped_and_set_operation_subqueries
select id, a >= all (select max(k) from t_right group by s) as ge_all_groups,
    a < any (select k from t_right union select a from t_nulls where id < 3) as lt_any_union,
    a = any (select distinct k from t_right) as eq_any_distinct
from t_nulls
order by id;

-- name: correlated_two_levels_deep
select x, (select count(*) from (select * from range(10) r(a)
                                 where a < x and a > (select min(b) from range(3) q(b) where b < x))) as n
from (values (3), (5), (null), (3), (0)) t(x);

-- name: correlated_two_levels_deep_tables
select l.lid, (select count(*) from t_right r
               where r.k = l.k and r.w > (select min(n.a) * 100 from t_nulls n where n.a < l.k)) as n
from t_left l;

-- name: exists_two_levels_deep
select l.lid from t_left l
where exists (select * from t_right r where r.k = l.k
              and exists (select * from t_nulls n where n.a = r.k and n.id > l.lid));

-- name: not_exists_two_levels_deep
select l.lid from t_left l
where not exists (select * from t_right r where r.k >= l.k
                  and r.w < (select max(n.a) * 100 from t_nulls n where n.id <= l.lid));

-- name: in_two_levels_deep
select l.lid from t_left l
where l.k in (select r.k from t_right r where r.w > (select count(*) * 100 from t_nulls n where n.a = l.k));

-- name: not_in_two_levels_deep
select l.lid from t_left l
where l.k not in (select r.k from t_right r where r.w > (select count(*) * 100 from t_nulls n where n.a = l.k));

-- name: correlated_derived_table_in_subquery
select l.lid, (select max(d.w) from (select w from t_right r where r.k = l.k) d) as m from t_left l;

-- name: correlated_scalar_with_group_by
select l.lid, (select count(*) from t_right r where r.k = l.k group by r.k) as n from t_left l;

-- name: correlated_scalar_outer_column_in_select_list
select l.lid, (select max(r.w) + l.lid from t_right r where r.k = l.k) as m from t_left l;

-- name: correlated_exists_over_aggregate_having
select l.lid from t_left l
where exists (select r.k from t_right r where r.k <= l.k group by r.k having count(*) > 1);

-- name: correlated_in_over_aggregate
select l.lid from t_left l
where l.v in (select sum(r.w) / 10 from t_right r where r.k = l.k);

-- name: nested_empty_outer
select e.id, (select count(*) from t_right r where r.k = e.a and r.w > (select min(n.a) from t_nulls n where n.a = e.a)) as n from t_empty e;

-- name: nested_empty_inner
select l.lid, (select count(*) from t_right r where r.k = l.k and r.w > (select min(e.a) from t_empty e where e.a = l.k)) as n from t_left l;

-- name: three_levels_deep
select l.lid, (select count(*) from t_right r where r.k = l.k
    and r.w > (select count(*) from t_nulls n where n.a <= l.k
               and n.id > (select min(u.lid) from t_left u where u.k = l.k))) as n
from t_left l;

-- name: correlated_scalar_order_by_limit
select l.lid, (select r.rid from t_right r where r.k = l.k order by r.rid desc limit 1) as last_rid
from t_left l;

-- name: correlated_in_order_by_limit
select l.lid from t_left l where l.lid in (select r.rid from t_right r where r.k = l.k order by r.w limit 1);

-- name: correlated_exists_limit_offset
select l.lid from t_left l
where exists (select r.rid from t_right r where r.k = l.k order by r.w limit 1 offset 1);

-- name: correlated_scalar_window
select n_name, (select count(*) over () from region where r_regionkey = n_regionkey) as c from nation;

-- name: correlated_reference_in_select_list_without_from
select t.x, (select t.x) as y from (values (1), (null)) t(x);

-- name: correlated_in_over_union
select l.lid from t_left l where l.k in (select r.k from t_right r where r.w > l.v union select 1);

-- name: correlated_exists_over_union_all
select l.lid from t_left l
where exists (select r.k from t_right r where r.w > l.v union all select 1 where l.k = 5);

-- name: correlated_scalar_distinct
select l.lid, (select distinct r.k from t_right r where r.k = l.k) as d from t_left l;

-- name: correlated_scalar_having
select l.lid, (select count(*) from t_right r where r.k = l.k having count(*) > 1) as d from t_left l;

-- name: correlated_derived_table_without_from
select l.lid, (select max(d.y) from (select l.k * 2 as y) d) as m from t_left l;

-- name: exists_over_correlated_grouped_derived_table
select l.lid from t_left l
where exists (select * from (select r.k, count(*) c from t_right r where r.w > l.v group by r.k) d
              where d.c > 1);

-- name: any_all_correlated_over_grouped_and_set_operation_subqueries
-- Made derived tables by the rewrite, they run as dependent joins.
select id, a,
    a > any (select k from t_left where k < t_nulls.a group by k) as gt_any_grouped,
    a >= all (select k from t_right where k <= t_nulls.a + 1 union select 5) as ge_all_union,
    a <> any (select distinct k from t_right where k <> t_nulls.a) as ne_any_distinct
from t_nulls
order by id;
