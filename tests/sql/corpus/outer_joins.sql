-- LEFT / RIGHT / FULL OUTER joins: NULL-producing rows, conditions beyond the equality keys, NULL keys.

-- name: left_join_count_zero
select c_count, count(*) as custdist
from (
    select c_custkey, count(o_orderkey) as c_count
    from customer left outer join orders on c_custkey = o_custkey and o_orderpriority = '1-URGENT'
    group by c_custkey
) t
group by c_count
order by c_count;

-- name: left_join_unmatched_rows
select c_custkey, o_orderkey, o_orderdate
from customer left join orders on c_custkey = o_custkey and o_orderdate >= date '1998-06-01'
where c_custkey <= 40
order by c_custkey, o_orderkey;

-- name: left_join_filter_in_where
select c_custkey, o_orderkey
from customer left join orders on c_custkey = o_custkey
where c_custkey <= 40 and o_orderdate >= date '1998-06-01'
order by c_custkey, o_orderkey;

-- name: left_join_anti_is_null
select count(*) as n
from customer left join orders on c_custkey = o_custkey
where o_orderkey is null;

-- name: left_outer_keyword_left_condition
select l.lid, l.k, l.v, r.rid, r.w
from t_left l left outer join t_right r on l.k = r.k and l.v > 20
order by l.lid, r.rid;

-- name: left_join_fixture
select l.lid, l.k, l.s, r.rid, r.s as rs, r.w
from t_left l left join t_right r on l.k = r.k
order by l.lid, r.rid;

-- name: right_join_tpch
select n_name, s_suppkey, s_acctbal
from supplier right join nation on s_nationkey = n_nationkey and s_acctbal > 9000
order by n_name, s_suppkey;

-- name: right_outer_fixture
select l.lid, r.rid, r.k, r.w
from t_left l right outer join t_right r on l.k = r.k
order by r.rid, l.lid;

-- name: right_join_fixture_keys
select t.kid, t.label, n.n_name
from nation n right join t_keys t on n.n_nationkey = t.k
order by t.kid;

-- name: full_outer_fixture
select l.lid, l.k as lk, r.rid, r.k as rk
from t_left l full outer join t_right r on l.k = r.k
order by l.lid nulls first, r.rid nulls first;

-- name: full_outer_extra_condition
select l.lid, r.rid, r.w
from t_left l full join t_right r on l.k = r.k and r.w > 200
order by l.lid, r.rid;

-- name: full_outer_string_keys
select t.nid, t.name, n.n_nationkey, n.n_name
from t_names t full outer join (select * from nation where n_regionkey = 3) n on t.name = n.n_name
order by t.nid, n.n_nationkey;

-- name: full_outer_tpch_counts
select count(*) as n, count(n_nationkey) as nations, count(s_suppkey) as suppliers
from nation full outer join (select * from supplier where s_acctbal > 9500) s on s_nationkey = n_nationkey;

-- name: full_outer_non_equi
select l.lid, r.rid
from t_left l full outer join t_right r on l.k = r.k and l.v * 10 < r.w
order by l.lid, r.rid;

-- name: left_join_coalesce_sum
select n_name, coalesce(sum(s_acctbal), 0) as balance, count(s_suppkey) as suppliers, count(*) as rows_
from nation left join supplier on s_nationkey = n_nationkey and s_acctbal > 8000
group by n_name
order by n_name;

-- name: left_join_chain
select r_name, n_name, count(s_suppkey) as suppliers
from region
left join nation on n_regionkey = r_regionkey and n_name like '%A%'
left join supplier on s_nationkey = n_nationkey and s_acctbal < 0
group by r_name, n_name
order by r_name, n_name;

-- name: left_join_group_by_null_column
select r.s, count(*) as n, sum(l.v) as v
from t_left l left join t_right r on l.k = r.k
group by r.s
order by r.s nulls first;

-- name: left_join_where_on_nullable
select l.lid, r.rid, r.w
from t_left l left join t_right r on l.k = r.k
where r.w is null or r.w > 200
order by l.lid, r.rid;

-- name: left_join_non_equi_only
select l.lid, r.rid
from t_left l left join t_right r on l.v * 10 < r.w
order by l.lid, r.rid;

-- name: left_join_empty_right
select l.lid, e.a, e.b
from t_left l left join t_empty e on l.k = e.a
order by l.lid;

-- name: left_join_subquery_rhs_aggregate
select c_mktsegment, count(*) as customers, count(t.o_custkey) as with_1998_orders, sum(t.n) as orders_1998
from customer left join (
    select o_custkey, count(*) as n from orders where o_orderdate >= date '1998-01-01' group by o_custkey
) t on t.o_custkey = c_custkey
group by c_mktsegment
order by c_mktsegment;

-- name: left_join_case_on_null
select case when o_orderkey is null then 'none' else o_orderstatus end as status, count(*) as n
from customer left join orders on o_custkey = c_custkey and o_totalprice > 300000
group by status
order by status;

-- name: left_join_then_comma_items_joined_on_where_keys
select l.lid, r.rid, k.kid, k.label
from t_left l left join t_right r on l.k = r.k and r.w > 200, t_keys k
where l.k = k.k
order by l.lid, r.rid, k.kid;

-- name: left_join_then_comma_item_keyed_on_the_padded_side
select l.lid, r.rid, n.nid
from t_left l left join t_right r on l.k = r.k, t_names n
where r.rid = n.nid
order by l.lid, r.rid, n.nid;

-- name: left_join_then_inner_join_on_the_padded_side
select l.lid, r.rid, k.kid
from t_left l left join t_right r on l.k = r.k join t_keys k on r.w = k.k + 195
order by l.lid, r.rid, k.kid;

-- name: left_join_then_comma_items_then_left_join
select l.lid, r.rid, k.kid, n.nid
from t_left l left join t_right r on l.k = r.k, t_keys k left join t_names n on k.kid = n.nid
where l.lid = k.kid
order by l.lid, r.rid, k.kid, n.nid;

-- name: empty_left_join_then_comma_items
select e.id, r.rid, l.lid
from t_empty e left join t_right r on e.a = r.k, t_left l
where e.id = l.lid
order by e.id;

-- name: left_join_then_comma_items_grouped
select k.label, count(*) as n, count(r.rid) as matched, sum(r.w) as w
from t_left l left join t_right r on l.k = r.k, t_keys k
where l.k = k.k - 3
group by k.label
order by k.label;

-- name: left_join_is_null_after_an_inner_join
-- An anti join written as a LEFT join, its IS NULL filter above an inner join of the left side.
select l.lid, l.k, n.b
from t_left l left join t_right r on l.k = r.k join t_nulls n on n.id = l.lid
where r.k is null
order by l.lid;

-- name: left_join_padded_filter_after_an_inner_join
select l.lid, r.rid, n.a
from t_left l left join t_right r on l.k = r.k, t_nulls n
where n.id = l.lid and (r.rid is null or r.w > 250)
order by 1, 2;
