-- Aggregates: COUNT(DISTINCT), aggregates of expressions, empty inputs, GROUP BY ordinals and aliases, HAVING.

-- name: count_distinct_global
select count(distinct l_suppkey) as suppliers, count(distinct l_partkey) as parts, count(*) as lines
from lineitem
where l_shipmode = 'AIR';

-- name: count_distinct_grouped
select l_returnflag, count(distinct l_orderkey) as orders, count(distinct l_shipmode) as modes
from lineitem
group by l_returnflag
order by l_returnflag;

-- name: count_distinct_expression
select count(distinct extract(year from o_orderdate)) as years,
    count(distinct substring(o_clerk, 13, 3)) as clerk_suffixes,
    count(distinct o_custkey % 7) as residues
from orders;

-- name: aggregates_over_expressions
select l_linestatus,
    sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) as charge,
    avg(l_quantity * 2) as avg_double_qty,
    min(l_receiptdate - l_shipdate) as min_transit,
    max(l_receiptdate - l_shipdate) as max_transit,
    sum(case when l_returnflag = 'R' then l_quantity else 0 end) as returned_qty
from lineitem
group by l_linestatus
order by l_linestatus;

-- name: empty_input_global
select sum(l_quantity) as s, count(*) as n, count(l_orderkey) as n_col, avg(l_discount) as a,
    min(l_shipdate) as first_ship, max(l_comment) as last_comment, count(distinct l_partkey) as parts
from lineitem
where l_quantity > 1000;

-- name: empty_input_grouped
select l_returnflag, sum(l_quantity) as s, count(*) as n
from lineitem
where l_quantity > 1000
group by l_returnflag;

-- name: empty_table_aggregates
select count(*) as n, count(a) as n_a, sum(a) as s, avg(c) as avg_c, min(d) as min_d, max(b) as max_b,
    count(distinct b) as distinct_b
from t_empty;

-- name: empty_table_grouped
select b, count(*) as n
from t_empty
group by b;

-- name: group_by_ordinals
select l_shipmode, l_returnflag, count(*) as n, sum(l_quantity) as qty
from lineitem
group by 1, 2
order by 1, 2;

-- name: group_by_alias
select extract(year from o_orderdate) as yr, count(*) as n, sum(o_totalprice) as total
from orders
group by yr
order by yr;

-- name: group_by_expression
select substring(c_phone, 1, 2) as country, count(*) as n, avg(c_acctbal) as avg_bal
from customer
group by substring(c_phone, 1, 2)
order by country;

-- name: group_by_column_not_selected
select count(*) as n_orders, max(o_totalprice) as top
from orders
where o_orderdate < date '1992-02-01'
group by o_orderpriority;

-- name: having_count
select o_custkey, count(*) as n
from orders
group by o_custkey
having count(*) > 27
order by o_custkey;

-- name: having_aggregate_not_selected
select o_custkey
from orders
group by o_custkey
having sum(o_totalprice) > 3500000
order by o_custkey;

-- name: having_alias_and_and
select p_brand, count(*) as n, avg(p_retailprice) as avg_price
from part
group by p_brand
having count(*) >= 80 and avg(p_retailprice) > 1400
order by p_brand;

-- name: having_global_true
select count(*) as n
from orders
having count(*) > 100;

-- name: having_global_false
select count(*) as n
from orders
having count(*) > 1000000;

-- name: aggregates_with_nulls
select count(*) as n, count(a) as n_a, sum(a) as s_a, avg(a) as avg_a, avg(c) as avg_c,
    min(b) as min_b, max(b) as max_b, count(distinct a) as distinct_a, count(distinct b) as distinct_b,
    min(d) as min_d, max(d) as max_d
from t_nulls;

-- name: null_group
select a, count(*) as n, count(c) as n_c, sum(c) as s_c
from t_nulls
group by a
order by a nulls first;

-- name: null_group_two_keys
select a, b, count(*) as n
from t_nulls
group by a, b;

-- name: all_null_group_sum
select b, sum(c) as s, avg(c) as av, count(c) as n_c
from t_nulls
group by b
order by b nulls first;

-- name: count_case_skips_null
select o_orderstatus,
    count(case when o_totalprice > 200000 then 1 end) as big,
    sum(case when o_totalprice > 200000 then 1 else 0 end) as big_sum,
    count(*) as n
from orders
group by o_orderstatus
order by o_orderstatus;

-- name: int_aggregates
select p_mfgr, sum(p_size) as s, avg(p_size) as av, sum(p_size) / count(*) as ratio, min(p_size) as mn,
    max(p_size) as mx
from part
group by p_mfgr
order by p_mfgr;

-- name: min_max_strings_dates
select o_orderstatus, min(o_clerk) as first_clerk, max(o_clerk) as last_clerk,
    min(o_orderdate) as first_date, max(o_orderdate) as last_date
from orders
group by o_orderstatus
order by o_orderstatus;

-- name: group_by_three_keys
select l_returnflag, l_linestatus, l_shipmode, count(*) as n, avg(l_discount) as avg_disc
from lineitem
group by l_returnflag, l_linestatus, l_shipmode
order by l_returnflag, l_linestatus, l_shipmode;

-- name: sum_distinct
select p_mfgr, sum(distinct p_size) as sizes_sum, count(distinct p_size) as sizes, sum(p_size) as all_sizes
from part
where p_partkey < 150
group by p_mfgr
order by p_mfgr;

-- name: order_by_aggregate
select o_clerk, count(*) as n
from orders
group by o_clerk
order by count(*) desc, o_clerk
limit 15;

-- name: group_high_cardinality_having
select l_orderkey, count(*) as lines, sum(l_quantity) as qty
from lineitem
group by l_orderkey
having count(*) = 7 and sum(l_quantity) > 250
order by l_orderkey;

-- name: max_of_group_sums
select max(total) as max_total, min(total) as min_total, count(*) as groups
from (select l_suppkey, sum(l_quantity) as total from lineitem group by l_suppkey) t;

-- name: aggregate_over_join_filter
select n_name, count(distinct c_custkey) as customers, count(o_orderkey) as orders
from nation join customer on c_nationkey = n_nationkey join orders on o_custkey = c_custkey
where o_orderstatus = 'P'
group by n_name
order by n_name;

-- name: group_by_boolean_expression
select o_totalprice > 200000 as big, count(*) as n
from orders
group by 1
order by 1;

-- name: group_by_case_null_key
select case when p_size > 40 then null else p_size // 10 end as bucket, count(*) as n
from part
group by bucket
order by bucket nulls first;

-- name: group_by_unique_key_and_columns_of_its_row
select c_custkey, c_name, c_address, o_orderstatus, count(*) as n, sum(o_totalprice) as total
from customer, orders
where c_custkey = o_custkey
group by c_custkey, c_name, c_address, o_orderstatus
order by total desc, c_custkey, o_orderstatus
limit 20;

-- name: group_by_unique_string_key_and_columns_of_its_row
select n_name, n_comment, r_name, count(*) as suppliers
from nation, region, supplier
where n_regionkey = r_regionkey and s_nationkey = n_nationkey
group by r_name, n_comment, n_name
order by n_name;

-- name: group_by_unique_key_on_the_padded_side_of_a_left_join
select o_orderkey, o_orderstatus, o_orderpriority, c_mktsegment, count(*) as n
from customer left join orders on c_custkey = o_custkey and o_totalprice > 400000
group by c_mktsegment, o_orderkey, o_orderstatus, o_orderpriority
order by n desc, o_orderkey nulls first, c_mktsegment
limit 20;

-- name: group_by_columns_of_two_rows_of_one_table
select a.n_nationkey, b.n_name, count(*) as n
from nation a, nation b
where a.n_regionkey = b.n_regionkey
group by a.n_nationkey, b.n_name
order by 1, 2;

-- name: ungrouped_aggregates_through_a_broad_filter_with_nulls
select count(*) as n, count(nullif(l_linenumber, 1)) as not_first,
    sum(nullif(l_quantity, 1)) as qty, min(nullif(l_tax, 0)) as min_tax,
    max(nullif(l_discount, 0.10)) as max_disc, avg(nullif(l_extendedprice, 0)) as avg_price,
    min(l_shipdate) as first_ship, max(l_comment) as last_comment
from lineitem
where l_shipdate <= date '1998-09-02';

-- name: ungrouped_min_max_of_doubles_with_nulls_through_a_filter
select min(case when l_linenumber > 2 then l_quantity * -0.0 end) as min_zero,
    max(case when l_linenumber > 2 then cast(l_discount as double) end) as max_disc,
    min(case when l_linenumber > 9 then l_tax end) as none_left
from lineitem
where l_quantity > 1;

-- name: ungrouped_aggregates_where_the_filter_keeps_nothing
select count(*) as n, sum(l_quantity) as qty, min(l_tax) as min_tax, max(l_comment) as c
from lineitem
where l_quantity > 1000;

-- name: constants_in_arithmetic_over_all_rows
select sum(1 - l_discount) as one_minus, sum(l_partkey + 1) as plus_one,
    sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) as charge,
    sum(2 * l_linenumber - 1) as odd, min(100 - l_quantity) as least_left
from lineitem;
