-- Aggregate FILTER clauses, DISTINCT ON, order statistics (quantiles, mode, arg_min/arg_max,
-- first/last) and STRING_AGG: NULLs in keys and values, empty inputs, ties.

-- name: filter_count_star_and_sum
select l_returnflag, count(*) filter (where l_quantity > 30) as big,
    sum(l_quantity) filter (where l_shipmode = 'AIR') as air_qty,
    count(*) as n
from lineitem
group by l_returnflag
order by l_returnflag;

-- name: filter_with_distinct
select count(distinct l_suppkey) filter (where l_discount > 0.05) as suppliers,
    sum(distinct l_quantity) filter (where l_tax = 0) as qty,
    avg(distinct l_quantity) filter (where l_returnflag = 'R') as avg_qty
from lineitem;

-- name: filter_nulls_groups_without_rows
select a, count(*) filter (where c > 0) as pos, sum(c) filter (where c > 0) as pos_sum,
    min(b) filter (where c is null) as name_no_c, count(b) filter (where id > 5) as late,
    avg(c) filter (where false) as nothing
from t_nulls
group by a
order by a;

-- name: filter_global_empty
select count(*) filter (where a > 0) as n, sum(a) filter (where a > 0) as s,
    max(b) filter (where a > 0) as top
from t_empty;

-- name: filter_first_and_string_agg
select first(b order by id) filter (where a > 1) as f,
    string_agg(b, ',' order by id) filter (where a > 1) as names,
    median(c) filter (where c > 0) as med
from t_nulls;

-- name: distinct_on_first_by_order
select distinct on (a) a, b, id
from t_nulls
order by a, id desc;

-- name: distinct_on_expression
select distinct on (a % 2) b, id
from t_nulls
order by a % 2 desc nulls first, b;

-- name: distinct_on_tpch
select distinct on (o_custkey) o_custkey, o_orderkey, o_totalprice
from orders
where o_custkey < 100
order by o_custkey, o_totalprice desc, o_orderkey;

-- name: distinct_on_two_keys_limit
select distinct on (l_returnflag, l_linestatus) l_returnflag, l_linestatus, l_orderkey, l_linenumber
from lineitem
order by l_returnflag, l_linestatus, l_orderkey, l_linenumber
limit 3;

-- name: distinct_on_empty
select distinct on (a) a, b from t_empty order by a;

-- name: quantiles_grouped
select l_returnflag, quantile_cont(l_quantity, 0.25) as q1, quantile_disc(l_quantity, 0.75) as q3,
    quantile_cont(l_extendedprice, 0.9) as p90, median(l_discount) as med,
    quantile_disc(l_shipdate, 0.5) as mid_date, quantile(l_quantity, 0.1) as q10
from lineitem
group by l_returnflag
order by l_returnflag;

-- name: quantiles_within_group
select n_regionkey, percentile_cont(0.5) within group (order by n_nationkey) as med,
    percentile_disc(0.5) within group (order by n_nationkey) as med_disc,
    percentile_cont(0.25) within group (order by n_nationkey desc) as q_desc,
    percentile_disc(0.25) within group (order by n_nationkey desc) as qd_desc
from nation
group by n_regionkey
order by n_regionkey;

-- name: quantiles_nulls_edges
select quantile_disc(a, 0) as lo, quantile_disc(a, 1) as hi, quantile_cont(a, 0.3) as q,
    quantile_disc(b, 0.5) as mid_name, quantile_cont(c, 0.75) as qc, quantile_disc(d, 0.4) as qd
from t_nulls;

-- name: quantiles_empty
select quantile_cont(a, 0.5) as q, quantile_disc(b, 0.5) as b_mid, mode(a) as m,
    arg_min(b, a) as lo, string_agg(b, ',') as names
from t_empty;

-- name: mode_without_ties
select l_returnflag, mode(l_linenumber) as common_line
from lineitem
group by l_returnflag
order by l_returnflag;

-- name: mode_strings_nulls
select s is null as missing, mode(k) as k_mode
from (select * from t_left union all select 8, 2, null, 1.0 union all select 9, 2, null, 2.0) t
group by s is null
order by missing;

-- name: arg_min_arg_max
select n_regionkey, arg_min(n_name, n_nationkey) as first_name, arg_max(n_name, n_nationkey) as last_name,
    min_by(n_nationkey, n_name) as min_by_name, max_by(n_comment, n_name) as max_comment
from nation
group by n_regionkey
order by n_regionkey;

-- name: arg_min_nulls_and_ties
select arg_min(b, c) as b_at_min_c, arg_max(b, c) as b_at_max_c, arg_min(id, a) as id_at_min_a,
    arg_max(d, a) as d_at_max_a, arg_min(c, d) as c_at_min_d
from t_nulls;

-- name: arg_max_grouped
select k, arg_max(lid, v) as lid_at_max_v, arg_min(s, v) as s_at_min_v
from t_left
group by k
order by k;

-- name: first_last_ordered
select a % 2 as p, first(b order by id desc) as f, last(b order by id desc) as l,
    first(c order by c nulls first) as lowest, last(id order by id) as last_id
from t_nulls
group by a % 2
order by p;

-- name: string_agg_basic
select string_agg(b, '|' order by id) as bars, string_agg(b order by id) as commas,
    listagg(b, ' / ' order by b desc) as slashes
from t_nulls;

-- name: string_agg_ordered_grouped
select n_regionkey, string_agg(n_name, ', ' order by n_name) as names,
    group_concat(n_name, '/' order by n_nationkey desc) as by_key
from nation
group by n_regionkey
order by n_regionkey;

-- name: string_agg_nulls_groups
select a, string_agg(b, '-' order by id) as names, count(b) as n
from t_nulls
group by a
order by a;

-- name: string_agg_distinct_ordered
select string_agg(distinct n_name, ',' order by n_name desc) as names
from t_names
left join nation on n_name = name;

-- name: string_agg_expression
select r_name, string_agg(lower(n_name) || ':' || n_nationkey, ' ' order by n_nationkey) as items
from nation join region on n_regionkey = r_regionkey
group by r_name
order by r_name;

-- name: string_agg_in_rollup
select n_regionkey, string_agg(n_name, ',' order by n_name) as names, count(*) as n
from nation
where n_nationkey < 8
group by rollup (n_regionkey)
order by n_regionkey nulls last;

-- name: filter_with_subqueries
select count(*) filter (where k in (select k from t_right)) as matched,
    sum(v) filter (where exists (select 1 from t_right r where r.k = t_left.k)) as matched_v
from t_left;

-- name: arg_max_filter_scalar_subquery
select k, arg_max(s, v) filter (where v < (select max(w) / 10 from t_right)) as s_at_max
from t_left
group by k
order by k;

-- name: distinct_on_grouped
select distinct on (l_returnflag) l_returnflag, l_linestatus, count(*) as n
from lineitem
group by l_returnflag, l_linestatus
order by l_returnflag, n desc;

-- name: correlated_count_filter
select lid, (select count(*) filter (where w > 250) from t_right r where r.k = l.k) as n
from t_left l
order by lid;

-- name: correlated_string_agg
select lid, (select string_agg(s, ',' order by rid) from t_right r where r.k = l.k) as names
from t_left l
order by lid;

-- name: correlated_quantile_non_equality
select lid, (select quantile_disc(w, 0.5) from t_right r where r.k <= l.k) as q
from t_left l
order by lid;

-- name: string_agg_of_numbers_and_dates
select a % 2 as p, string_agg(a, ',' order by id) as ints, string_agg(c / 2, ' ' order by id) as halves,
    string_agg(d, '|' order by id) as dates, string_agg(null, ',') as nothing
from t_nulls
group by 1
order by 1;

-- name: filter_default_names
-- Unaliased FILTER aggregates are named as DuckDB names them.
select count(*) filter (where l_quantity > 30), sum(l_quantity) filter (where l_tax = 0),
    avg(l_discount) filter (where l_returnflag = 'R' and l_linestatus = 'F')
from lineitem;

-- name: any_value_and_variance_groups_with_ties
select a, any_value(id) is not null as has_id, count(*) as n, avg(c) as m, var_samp(c) as v,
    stddev_pop(c) as sp, any_value(b) as some_b
from t_nulls
where a = 2 or a is null
group by a
order by a nulls first;

-- name: any_value_over_empty_input
select any_value(id) as i, stddev_samp(c) as sd, count(*) as n from t_empty;

-- name: any_value_over_empty_groups
select a, any_value(id) as i, var_pop(c) as v from t_empty group by a;

-- name: any_value_without_nulls_per_group
select b, any_value(1) as one, min(id) as lo, stddev_samp(id) as sd, avg(id) as m
from t_nulls group by b order by b nulls first;

-- name: aggregate_case_sums_sharing_a_subexpression
-- `a - id` occurs in every CASE: computed once over the input, read by each.
select b is null as no_b,
    sum(case when a - id <= -3 then 1 else 0 end) as low,
    sum(case when a - id > -3 and a - id <= 0 then 1 else 0 end) as mid,
    sum(case when a - id > 0 then 1 else 0 end) as high,
    count(a - id) as n, avg(a - id) as m
from t_nulls
group by 1
order by 1;

-- name: aggregate_case_branches_sharing_a_raising_subexpression
-- `(a - 1) * 2000000000` overflows for every a but 1: only the ELSE branch of rows with a = 1
-- computes it, in each CASE.
select sum(case when a <> 1 then 0 else (a - 1) * 2000000000 end) as s1,
    sum(case when a <> 1 then 1 else (a - 1) * 2000000000 end) as s2,
    count(*) as n
from t_nulls;

-- name: aggregate_case_sums_sharing_a_subexpression_empty
select sum(case when a - id <= 0 then 1 else 0 end) as low,
    sum(case when a - id > 0 then 1 else 0 end) as high
from t_empty;
