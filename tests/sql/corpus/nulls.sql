-- NULL semantics: three-valued logic, COALESCE, NULLIF, CASE, BETWEEN, IN lists, IS [NOT] NULL.

-- name: three_valued_logic
select id, a, b, a > 2 as gt, a > 2 and b is null as and_, a > 2 or b is null as or_, not (a > 2) as not_
from t_nulls
order by id;

-- name: null_and_false_or_true
select id, (a > 100) and (c > 0) as and_false, (a < 100) or (c > 0) as or_true, (c > 0) and (a > 0) as maybe
from t_nulls
order by id;

-- name: compare_with_null_literal
select id
from t_nulls
where a = null or a <> null;

-- name: where_not_excludes_null
select id, a
from t_nulls
where not (a > 2)
order by id;

-- name: is_null_is_not_null
select id, a is null as a_null, b is not null as b_present, c is null or d is null as some_null
from t_nulls
order by id;

-- name: is_null_conjunction_empty
select id
from t_nulls
where a is null and b is not null and c is null;

-- name: is_null_counts
select count(*) as n,
    sum(case when a is null then 1 else 0 end) as null_a,
    sum(case when b is not null then 1 else 0 end) as present_b,
    count(*) - count(d) as null_d
from t_nulls;

-- name: coalesce_fixture
select id, coalesce(a, -1) as a0, coalesce(b, 'none') as b0, coalesce(c, a, 0) as c0, coalesce(null, d) as d0
from t_nulls
order by id;

-- name: nullif_fixture
select id, nullif(a, 2) as a_not_2, nullif(b, '') as b_not_empty, nullif(c, 2.5) as c_not_half
from t_nulls
order by id;

-- name: case_searched
select id,
    case when a is null then 'null' when a > 2 then 'big' else 'small' end as size_,
    case when c > 0 then 'pos' when c < 0 then 'neg' end as sign_
from t_nulls
order by id;

-- name: case_simple
select id, case a when 1 then 'one' when 2 then 'two' else 'other' end as word,
    case b when 'beta' then 1 when null then 2 end as b_code
from t_nulls
order by id;

-- name: case_then_null_aggregate
select l_returnflag,
    sum(case when l_linestatus = 'O' then null else l_quantity end) as closed_qty,
    avg(case when l_discount = 0 then null else l_discount end) as avg_nonzero_disc,
    count(case when l_tax = 0 then null else l_tax end) as taxed
from lineitem
group by l_returnflag
order by l_returnflag;

-- name: nullif_tpch_avg
select l_shipmode, avg(nullif(l_discount, 0.00)) as avg_disc, count(nullif(l_discount, 0.00)) as n_disc,
    count(*) as n
from lineitem
group by l_shipmode
order by l_shipmode;

-- name: in_list_with_null
select id, a, a in (1, 2, null) as in_, a not in (1, null) as not_in_, a in (5, 6) as in_plain
from t_nulls
order by id;

-- name: in_list_filter_with_null
select id
from t_nulls
where a not in (1, 2, null);

-- name: in_list_strings
select id, b
from t_nulls
where b in ('beta', 'delta', '')
order by id;

-- name: between_null
select id, c, c between 0 and 3 as btw, c not between 0 and 3 as not_btw
from t_nulls
order by id;

-- name: between_tpch
select count(*) as n
from orders
where o_totalprice between 100000 and 100500 or o_orderdate between date '1998-07-01' and date '1998-07-03';

-- name: null_arithmetic
select id, a + c as sum_, a * null as times_null, c / a as ratio, b || 'x' as cat
from t_nulls
order by id;

-- name: null_literals
select r_name, null as nothing, cast(null as integer) as null_int, cast(null as varchar) as null_text
from region
order by r_name;

-- name: count_star_vs_count_col_outer
select r.k, count(*) as n, count(l.lid) as matched, sum(l.v) as v
from t_right r left join t_left l on l.k = r.k
group by r.k
order by r.k nulls first;

-- name: coalesce_outer_join
select n_name, coalesce(cast(s.s_suppkey as varchar), '-') as supp, coalesce(s.s_acctbal, 0) as bal
from nation left join (select * from supplier where s_acctbal > 9600) s on s_nationkey = n_nationkey
order by n_name, supp;

-- name: null_group_case_key
select case when o_orderpriority like '1%' then null else o_orderpriority end as prio, count(*) as n
from orders
group by prio
order by prio nulls first;

-- name: min_max_with_nulls
select min(a) as min_a, max(a) as max_a, min(b) as min_b, max(b) as max_b, min(c) as min_c, max(c) as max_c,
    min(d) as min_d, max(d) as max_d
from t_nulls
where id > 2;

-- name: sum_of_all_nulls
select sum(c) as s, avg(c) as av, min(b) as mn, count(c) as n
from t_nulls
where c is null;

-- name: not_in_list_tpch
select n_regionkey, count(*) as n
from nation
where n_regionkey not in (1, 3)
group by n_regionkey
order by n_regionkey;

-- name: union_null_literal
select id, a from t_nulls where id <= 2
union all
select null, null
order by id nulls first, a;

-- name: distinct_count_nulls
select count(distinct a) as da, count(distinct b) as db, count(distinct c) as dc, count(distinct d) as dd
from t_nulls;

-- name: case_null_condition
select id, case when a > 2 then 'yes' when not (a > 2) then 'no' else 'unknown' end as answer
from t_nulls
order by id;

-- name: case_overflow_on_rows_another_branch_answers
select sum(case when l_quantity < 0 then 9223372036854775807 + l_linenumber
                else l_linenumber end) as s
from lineitem;

-- name: case_strings_from_two_columns
select case when n_regionkey = 1 then n_name when n_regionkey = 2 then r_name end as s,
       count(*) as n
from nation, region
where n_regionkey = r_regionkey
group by 1
order by 1 nulls first;

-- name: case_decimals_of_two_scales_and_a_constant
select l_returnflag,
       sum(case when l_returnflag = 'R' then l_extendedprice
                when l_returnflag = 'A' then l_discount else 0 end) as s
from lineitem
group by l_returnflag
order by l_returnflag;

-- name: case_with_subject_and_null_default
select o_orderpriority,
       sum(case o_orderstatus when 'F' then o_totalprice when 'O' then -o_totalprice end) as s,
       count(case o_orderstatus when 'P' then 1 end) as p
from orders
group by o_orderpriority
order by o_orderpriority;

-- name: coalesce_of_a_case_and_a_column
select coalesce(case when c_mktsegment = 'BUILDING' then c_name end, c_mktsegment) as s,
       count(*) as n
from customer
group by 1
order by 2 desc, 1
limit 5;

-- name: coalesce_nested_thirty_deep
-- Each level's first argument is evaluated once (as a CASE it was evaluated twice: 2^30 reads).
select id, coalesce(coalesce(coalesce(coalesce(coalesce(coalesce(coalesce(coalesce(coalesce(coalesce(
       coalesce(coalesce(coalesce(coalesce(coalesce(coalesce(coalesce(coalesce(coalesce(coalesce(
       coalesce(coalesce(coalesce(coalesce(coalesce(coalesce(coalesce(coalesce(coalesce(coalesce(
       a, length(b)), c), 1), 2), 3), 4), 5), 6), 7), 8), 9), 10), 11), 12), 13), 14), 15), 16), 17),
       18), 19), 20), 21), 22), 23), 24), 25), 26), 27), 28) as v
from t_nulls
order by id;
