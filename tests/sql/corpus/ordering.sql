-- ORDER BY: DuckDB's default (ASC, NULLS LAST for both directions), NULLS FIRST/LAST, aliases, ordinals, top-N.

-- name: default_nulls_last_asc
select id, a
from t_nulls
order by a, id;

-- name: default_nulls_last_desc
select id, a
from t_nulls
order by a desc, id;

-- name: nulls_first_asc
select id, a
from t_nulls
order by a nulls first, id;

-- name: nulls_first_desc
select id, c
from t_nulls
order by c desc nulls first, id desc;

-- name: nulls_last_explicit_desc
select id, b
from t_nulls
order by b desc nulls last, id;

-- name: strings_with_nulls_default
select id, b
from t_nulls
order by b, id;

-- name: dates_with_nulls
select id, d
from t_nulls
order by d desc, id;

-- name: mixed_directions
select n_regionkey, n_name
from nation
order by n_regionkey desc, n_name asc;

-- name: order_by_expression_not_selected
select n_name
from nation
order by length(n_name), n_name;

-- name: order_by_alias
select n_name as nm, n_nationkey * 2 as k2
from nation
order by k2 desc;

-- name: order_by_ordinal
select n_regionkey, n_name
from nation
order by 1, 2 desc;

-- name: top_n_price
select o_orderkey, o_custkey, o_totalprice
from orders
order by o_totalprice desc, o_orderkey
limit 20;

-- name: order_by_case_expression
select p_partkey, p_size
from part
where p_partkey <= 30
order by case when p_size > 25 then 0 else 1 end, p_size, p_partkey;

-- name: byte_order_strings
select id, s
from t_str
order by s nulls first, id;

-- name: order_join_limit_offset
select c_name, o_orderkey, o_totalprice
from customer join orders on c_custkey = o_custkey
where c_nationkey = 10
order by o_totalprice, o_orderkey
limit 15 offset 10;

-- name: order_by_aggregate_alias
select c_mktsegment, count(*) as n, sum(c_acctbal) as bal
from customer
group by c_mktsegment
order by n desc, c_mktsegment;

-- name: order_outer_join_nulls_first
select n_name, s_suppkey
from nation left join supplier on s_nationkey = n_nationkey and s_acctbal > 9000
order by s_suppkey nulls first, n_name;

-- name: order_by_date_then_string
select l_shipdate, l_shipmode, count(*) as n
from lineitem
where l_shipdate between date '1996-03-01' and date '1996-03-05'
group by l_shipdate, l_shipmode
order by l_shipdate desc, l_shipmode;

-- name: order_by_nullable_expression
select id, a, c
from t_nulls
order by a * c nulls first, id;

-- name: order_by_boolean
select id, a > 2 as big
from t_nulls
order by big, id;

-- name: distinct_parenthesised_item_ordered_by_bare
select distinct(a)
from t_nulls
order by a;

-- name: distinct_parenthesised_expression_desc_nulls_first
select distinct ((a % 3))
from t_nulls
order by a % 3 desc nulls first;

-- name: distinct_item_ordered_by_parenthesised
select distinct b
from t_nulls
order by ((b)) nulls first;

-- name: distinct_parenthesised_empty
select distinct(a)
from t_empty
order by a;

-- name: distinct_parenthesised_grouped
select distinct (count(*)) as n
from t_nulls
group by a
order by count(*);
