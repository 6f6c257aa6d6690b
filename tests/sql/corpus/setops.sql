-- Set operations (UNION [ALL], INTERSECT, EXCEPT), SELECT DISTINCT, LIMIT / OFFSET.

-- name: union_distinct
select n_name from nation where n_regionkey = 1
union
select n_name from nation where n_name like 'A%'
order by 1;

-- name: union_all_count
select count(*) as n
from (select n_regionkey as k from nation union all select r_regionkey from region) t;

-- name: union_all_multiset
select n_regionkey as k from nation where n_nationkey < 8
union all
select r_regionkey from region;

-- name: union_distinct_multiset
select n_regionkey as k from nation where n_nationkey < 8
union
select r_regionkey from region;

-- name: intersect_basic
select c_nationkey from customer where c_acctbal > 9900
intersect
select s_nationkey from supplier where s_acctbal > 5000
order by 1;

-- name: except_basic
select n_nationkey from nation
except
select s_nationkey from supplier where s_acctbal > 3000
order by 1;

-- name: except_empty
select r_regionkey from region
except
select n_regionkey from nation;

-- name: union_nulls_deduplicated
select a from t_nulls
union
select k from t_left
order by 1 nulls first;

-- name: union_all_nulls_kept
select count(*) as n, count(x) as non_null
from (select a as x from t_nulls union all select k from t_left) t;

-- name: intersect_keeps_null
select a from t_nulls
intersect
select k from t_left
order by 1 nulls first;

-- name: except_removes_null
select b from t_nulls
except
select s from t_left
order by 1;

-- name: except_two_columns
select k, s from t_left
except
select k, s from t_right
order by 1 nulls first, 2 nulls first;

-- name: setop_precedence_intersect_first
select n_regionkey from nation where n_nationkey < 3
union
select r_regionkey from region where r_regionkey > 2
intersect
select n_regionkey from nation where n_name like 'U%'
order by 1;

-- name: setop_parenthesized
select k from (
    (select n_regionkey as k from nation where n_nationkey < 3
     union
     select r_regionkey from region where r_regionkey > 2)
    except
    select n_regionkey from nation where n_name like 'U%'
) t
order by k;

-- name: union_mixed_int_types
select n_nationkey as v from nation where n_nationkey < 3
union all
select p_size from part where p_partkey < 4
order by v;

-- name: union_aggregates
select 'max' as kind, max(o_totalprice) as v from orders
union all
select 'min', min(o_totalprice) from orders
union all
select 'avg', avg(o_totalprice) from orders
order by kind;

-- name: in_union_subquery
select n_name
from nation
where n_nationkey in (select s_nationkey from supplier where s_acctbal > 9500
                      union
                      select c_nationkey from customer where c_acctbal < -999)
order by n_name;

-- name: distinct_two_columns
select distinct l_shipmode, l_returnflag
from lineitem
order by l_shipmode, l_returnflag;

-- name: distinct_with_nulls
select distinct a
from t_nulls;

-- name: distinct_expression
select distinct extract(year from o_orderdate) as yr
from orders
order by yr;

-- name: distinct_count_subquery
select count(*) as n
from (select distinct l_partkey, l_suppkey from lineitem) t;

-- name: limit_offset
select o_orderkey, o_totalprice
from orders
order by o_totalprice desc, o_orderkey
limit 10 offset 5;

-- name: limit_zero
select o_orderkey
from orders
order by o_orderkey
limit 0;

-- name: offset_past_end
select n_name
from nation
order by n_name
limit 10 offset 100;

-- name: limit_in_subquery
select count(*) as n, min(p) as lowest_top, max(p) as highest
from (select o_totalprice as p from orders order by o_totalprice desc, o_orderkey limit 100) t;

-- name: distinct_limit
select distinct o_orderpriority
from orders
order by o_orderpriority
limit 3;

-- name: limit_larger_than_input
select r_name
from region
order by r_name
limit 1000;

-- name: union_all_empty_side
select a from t_empty
union all
select n_nationkey from nation where n_nationkey < 4
order by 1;

-- name: union_number_with_string_is_varchar
select a from t_nulls union select b from t_nulls;

-- name: union_all_date_with_string_is_varchar
select d from t_nulls union all select '1995-01-31' union all select b from t_nulls where id < 3;

-- name: intersect_double_boolean_with_string
select c from t_nulls intersect select '2.5' union all select true union select 'x';

-- name: except_string_minus_numbers
select b from t_nulls except select a from t_nulls;

-- name: union_wide_keys
-- Key tuples too wide for one packed int64 (numbered through a hash table): order keys, parts,
-- prices and dates, with duplicates across and within the sides.
select count(*) as n, sum(l_extendedprice) as total from (
    select l_orderkey, l_partkey, l_suppkey, l_extendedprice, l_shipdate from lineitem
    where l_quantity < 30
    union
    select l_orderkey, l_partkey, l_suppkey, l_extendedprice, l_shipdate from lineitem
    where l_quantity > 10);

-- name: intersect_except_wide_keys
select (select count(*) from (
        select l_orderkey, l_partkey, l_extendedprice, l_discount, l_receiptdate from lineitem
        where l_quantity < 30
        intersect
        select l_orderkey, l_partkey, l_extendedprice, l_discount, l_receiptdate from lineitem
        where l_quantity > 10)) as both_sides,
    (select count(*) from (
        select l_orderkey, l_partkey, l_extendedprice, l_discount, l_receiptdate from lineitem
        where l_quantity < 30
        except
        select l_orderkey, l_partkey, l_extendedprice, l_discount, l_receiptdate from lineitem
        where l_quantity > 10)) as left_only;

-- name: union_wide_keys_with_nulls
select * from (
    select id * 1000000000000 as big, a, b, c, d from t_nulls
    union
    select id * 1000000000000 as big, a, b, c, d from t_nulls where a is null or c is null
    union
    select 5000000000000 as big, 2, 'beta', 4.0, date '1995-01-31')
order by big, a nulls first;

-- name: distinct_wide_keys
select count(*) as n, min(o_totalprice) as low from (
    select distinct o_custkey, o_totalprice, o_orderdate, o_orderkey % 40000 as r from orders
    union all select distinct o_custkey, o_totalprice, o_orderdate, o_custkey * 1000000000 from orders);
