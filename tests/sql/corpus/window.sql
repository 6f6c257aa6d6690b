-- Window functions: ranking, offsets, frame values and aggregates over ROWS/RANGE/GROUPS frames,
-- EXCLUDE, IGNORE NULLS, NULLs in partition and order keys, windows over aggregates, QUALIFY,
-- named windows. Every window that could see ties orders them fully (or is tie-insensitive).

-- name: ranking_ties
select o_custkey, o_orderkey, o_orderpriority,
    row_number() over (partition by o_custkey order by o_orderdate, o_orderkey) as rn,
    rank() over (partition by o_custkey order by o_orderpriority) as rnk,
    dense_rank() over (partition by o_custkey order by o_orderpriority) as drnk,
    percent_rank() over (partition by o_custkey order by o_orderpriority) as prnk,
    cume_dist() over (partition by o_custkey order by o_orderpriority) as cd
from orders
where o_custkey < 40
order by o_custkey, o_orderkey;

-- name: ranking_global_desc
select l_orderkey, l_linenumber, l_quantity,
    rank() over (order by l_quantity desc) as r,
    dense_rank() over (order by l_quantity desc) as dr,
    row_number() over (order by l_quantity desc, l_orderkey, l_linenumber) as rn
from lineitem
where l_orderkey < 200
order by l_orderkey, l_linenumber;

-- name: ntile_buckets
select o_orderkey,
    ntile(4) over (order by o_orderkey) as q4,
    ntile(7) over (partition by o_orderstatus order by o_orderkey) as q7,
    ntile(100) over (partition by o_orderpriority order by o_orderkey) as q100
from orders
where o_orderkey < 600
order by o_orderkey;

-- name: ntile_more_buckets_than_rows
select n_nationkey, n_regionkey, ntile(9) over (partition by n_regionkey order by n_nationkey) as t
from nation
order by n_nationkey;

-- name: nulls_in_partition_and_order_keys
select id, a, b,
    row_number() over (partition by b order by a, id) as rn,
    rank() over (partition by b order by a) as r,
    rank() over (order by a desc nulls first) as r_desc,
    dense_rank() over (order by c nulls first) as dr_c,
    count(*) over (partition by a) as n_same_a,
    sum(c) over (partition by b) as sum_c
from t_nulls
order by id;

-- name: lag_lead_defaults
select o_custkey, o_orderkey, o_totalprice,
    lag(o_totalprice) over (partition by o_custkey order by o_orderkey) as prev_price,
    lead(o_orderkey) over (partition by o_custkey order by o_orderkey) as next_key,
    lag(o_orderkey, 2) over (partition by o_custkey order by o_orderkey) as prev2,
    lead(o_orderkey, 3, -1) over (partition by o_custkey order by o_orderkey) as next3,
    lag(o_orderdate, 1, date '1900-01-01') over (partition by o_custkey order by o_orderkey) as prev_date,
    lag(o_orderkey, -1) over (partition by o_custkey order by o_orderkey) as lag_back
from orders
where o_custkey < 30
order by o_custkey, o_orderkey;

-- name: lag_lead_strings_and_nulls
select id, b, a,
    lag(b) over (order by id) as prev_b,
    lead(b, 1, 'none') over (order by id) as next_b,
    lag(a, 1, 0) over (order by id) as prev_a,
    lead(c, 2) over (order by id) as next2_c
from t_nulls
order by id;

-- name: lag_lead_ignore_nulls
select id, a, c,
    lag(a ignore nulls) over (order by id) as prev_a,
    lead(a ignore nulls) over (order by id) as next_a,
    lag(c, 2 ignore nulls) over (order by id) as prev2_c,
    lead(c, 2 ignore nulls) over (order by id) as next2_c
from t_nulls
order by id;

-- name: first_last_nth_value
select o_custkey, o_orderkey,
    first_value(o_totalprice) over (partition by o_custkey order by o_orderkey) as first_price,
    last_value(o_orderkey) over (partition by o_custkey order by o_orderkey) as last_so_far,
    last_value(o_orderkey) over (partition by o_custkey order by o_orderkey
        rows between unbounded preceding and unbounded following) as last_key,
    nth_value(o_orderkey, 2) over (partition by o_custkey order by o_orderkey) as second_key,
    nth_value(o_orderstatus, 3) over (partition by o_custkey order by o_orderkey
        rows between 1 preceding and 2 following) as third_status,
    first_value(o_orderkey) over (partition by o_custkey order by o_orderkey
        rows between 2 following and 4 following) as ahead
from orders
where o_custkey < 30
order by o_custkey, o_orderkey;

-- name: value_functions_ignore_nulls
select id, a,
    first_value(a ignore nulls) over (order by id rows between current row and unbounded following) as next_known,
    last_value(a ignore nulls) over (order by id) as last_known,
    nth_value(c, 2 ignore nulls) over (order by id rows between unbounded preceding and unbounded following) as second_c,
    first_value(b) over (order by id rows between 1 following and 1 following) as next_b
from t_nulls
order by id;

-- name: running_aggregates
select l_orderkey, l_linenumber,
    sum(l_quantity) over (partition by l_orderkey order by l_linenumber) as running_qty,
    count(*) over (partition by l_orderkey order by l_linenumber) as running_n,
    avg(l_extendedprice) over (partition by l_orderkey order by l_linenumber) as running_avg,
    min(l_discount) over (partition by l_orderkey order by l_linenumber) as running_min,
    max(l_shipdate) over (partition by l_orderkey order by l_linenumber) as running_max,
    sum(l_extendedprice) over (partition by l_orderkey) as order_total
from lineitem
where l_orderkey < 500
order by l_orderkey, l_linenumber;

-- name: running_aggregates_range_peers
select o_orderdate, o_orderkey, o_totalprice,
    sum(o_totalprice) over (order by o_orderdate) as running_total,
    count(*) over (order by o_orderdate) as running_count,
    max(o_totalprice) over (order by o_orderdate) as running_max
from orders
where o_orderdate < date '1992-03-01'
order by o_orderdate, o_orderkey;

-- name: sliding_rows_frames
select l_orderkey, l_linenumber, l_quantity,
    sum(l_quantity) over (order by l_orderkey, l_linenumber rows between 2 preceding and current row) as s3,
    avg(l_quantity) over (order by l_orderkey, l_linenumber rows between 1 preceding and 1 following) as a3,
    min(l_quantity) over (order by l_orderkey, l_linenumber rows between 3 preceding and 1 following) as mn,
    max(l_quantity) over (order by l_orderkey, l_linenumber rows between current row and 4 following) as mx,
    count(*) over (partition by l_orderkey order by l_linenumber rows between 1 following and 3 following) as n_ahead,
    sum(l_quantity) over (partition by l_orderkey order by l_linenumber rows between 3 preceding and 1 preceding) as s_behind,
    max(l_comment) over (partition by l_orderkey order by l_linenumber rows between unbounded preceding and 1 preceding) as max_before
from lineitem
where l_orderkey < 300
order by l_orderkey, l_linenumber;

-- name: frames_at_partition_edges
select n_regionkey, n_nationkey,
    sum(n_nationkey) over (partition by n_regionkey order by n_nationkey rows between 10 preceding and 10 following) as whole,
    sum(n_nationkey) over (partition by n_regionkey order by n_nationkey rows between 5 following and 9 following) as beyond,
    min(n_nationkey) over (partition by n_regionkey order by n_nationkey rows between 2 preceding and 1 preceding) as prev_min,
    max(n_nationkey) over (partition by n_regionkey order by n_nationkey rows between current row and unbounded following) as max_rest,
    count(n_nationkey) over (partition by n_regionkey order by n_nationkey rows unbounded preceding) as n_so_far
from nation
order by n_nationkey;

-- name: range_offset_frames
select l_orderkey, l_linenumber, l_quantity,
    sum(l_extendedprice) over (partition by l_orderkey order by l_quantity range between 5 preceding and 5 following) as near_sum,
    count(*) over (partition by l_orderkey order by l_quantity range between current row and 10 following) as n_above,
    min(l_linenumber) over (partition by l_orderkey order by l_quantity desc range between 3 preceding and current row) as min_line,
    max(l_linenumber) over (partition by l_orderkey order by l_quantity range between unbounded preceding and 2 preceding) as max_line
from lineitem
where l_orderkey < 400
order by l_orderkey, l_linenumber;

-- name: range_interval_frames
select o_orderdate, o_orderkey,
    count(*) over (order by o_orderdate range between interval 3 day preceding and current row) as last_3_days,
    sum(o_totalprice) over (order by o_orderdate range between interval 1 day preceding and interval 1 day following) as around,
    count(*) over (order by o_orderdate desc range between current row and interval 2 day following) as next_desc
from orders
where o_orderdate < date '1992-02-15'
order by o_orderdate, o_orderkey;

-- name: range_frames_with_null_keys
select id, a, c,
    sum(id) over (order by a range between 1 preceding and 1 following) as s_asc,
    count(*) over (order by a desc nulls first range between 2 preceding and current row) as n_desc,
    sum(id) over (order by c nulls first range between 1.5 preceding and 1 following) as s_c,
    first_value(id) over (order by a range between 1 following and 3 following) as fv
from t_nulls
order by id;

-- name: groups_frames
select l_orderkey, l_linenumber, l_quantity,
    sum(l_quantity) over (partition by l_orderkey order by l_quantity groups between 1 preceding and 1 following) as g_sum,
    count(*) over (partition by l_orderkey order by l_quantity groups between current row and 2 following) as g_count,
    min(l_linenumber) over (partition by l_orderkey order by l_quantity groups between 2 preceding and 1 preceding) as g_min
from lineitem
where l_orderkey < 300
order by l_orderkey, l_linenumber;

-- name: exclude_clauses
select l_orderkey, l_linenumber, l_returnflag,
    sum(l_linenumber) over (partition by l_orderkey order by l_linenumber rows between 1 preceding and 1 following exclude current row) as ex_cur,
    sum(l_linenumber) over (partition by l_orderkey order by l_returnflag range between unbounded preceding and unbounded following exclude group) as ex_group,
    count(*) over (partition by l_orderkey order by l_returnflag groups between 1 preceding and current row exclude ties) as ex_ties,
    max(l_linenumber) over (partition by l_orderkey order by l_returnflag rows between unbounded preceding and unbounded following exclude ties) as max_ties,
    min(l_linenumber) over (partition by l_orderkey order by l_linenumber rows between current row and 2 following exclude no others) as ex_none,
    first_value(l_linenumber) over (partition by l_orderkey order by l_linenumber rows between current row and 2 following exclude current row) as fv_ex
from lineitem
where l_orderkey < 300
order by l_orderkey, l_linenumber;

-- name: aggregates_with_null_inputs
select id, a, c,
    sum(a) over (order by id rows between 1 preceding and 1 following) as s,
    avg(c) over (order by id rows between 2 preceding and current row) as av,
    count(a) over (order by id rows between 1 preceding and current row) as n,
    min(c) over (order by id rows between 1 preceding and 1 following) as mn,
    max(b) over (order by id rows between 2 preceding and current row) as mx,
    min(d) over (order by id) as first_d
from t_nulls
order by id;

-- name: whole_partition_aggregates
select o_orderstatus, o_orderkey,
    count(*) over (partition by o_orderstatus) as n,
    count(distinct o_custkey) over (partition by o_orderstatus) as customers,
    stddev_samp(o_totalprice) over (partition by o_orderstatus) as sd,
    min(o_orderpriority) over (partition by o_orderstatus) as min_priority,
    avg(o_totalprice) over () as overall_avg
from orders
where o_orderkey < 300
order by o_orderkey;

-- name: decimal_sums_exact
select l_orderkey, l_linenumber,
    sum(l_extendedprice) over (order by l_orderkey, l_linenumber rows between 2 preceding and 2 following) as s5,
    sum(l_discount) over (partition by l_orderkey order by l_linenumber) as running_discount,
    sum(l_extendedprice * (1 - l_discount)) over (partition by l_returnflag order by l_orderkey, l_linenumber) as revenue
from lineitem
where l_orderkey < 100
order by l_orderkey, l_linenumber;

-- name: windows_over_aggregates
select o_custkey, sum(o_totalprice) as total,
    rank() over (order by sum(o_totalprice) desc) as r,
    sum(sum(o_totalprice)) over () as grand_total,
    sum(o_totalprice) / sum(sum(o_totalprice)) over (partition by o_custkey % 3) as share,
    count(*) over (partition by count(*)) as same_count
from orders
where o_custkey < 100
group by o_custkey
order by o_custkey;

-- name: windows_over_group_keys
select n_regionkey, count(*) as nations,
    lag(count(*)) over (order by n_regionkey) as prev_count,
    avg(count(*)) over (order by n_regionkey rows between 1 preceding and 1 following) as smooth
from nation
group by n_regionkey
order by n_regionkey;

-- name: multiple_specs
select p_brand, p_partkey, p_retailprice,
    row_number() over (partition by p_brand order by p_retailprice desc, p_partkey) as by_price,
    row_number() over (partition by p_mfgr order by p_partkey) as by_key,
    sum(p_retailprice) over (partition by p_brand) as brand_total,
    avg(p_retailprice) over (order by p_partkey rows between 5 preceding and 5 following) as neighbours
from part
where p_partkey < 400
order by p_partkey;

-- name: window_in_order_by
select n_name, n_regionkey
from nation
order by rank() over (partition by n_regionkey order by n_name desc), n_name;

-- name: qualify_top_n
select c_nationkey, c_custkey, c_acctbal
from customer
qualify row_number() over (partition by c_nationkey order by c_acctbal desc, c_custkey) <= 2
order by c_nationkey, c_custkey;

-- name: qualify_alias
select o_custkey, o_orderkey, rank() over (partition by o_custkey order by o_totalprice desc) as r
from orders
where o_custkey < 50
qualify r = 1
order by o_custkey, o_orderkey;

-- name: named_windows
select n_regionkey, n_nationkey,
    row_number() over w as rn,
    sum(n_nationkey) over w as running,
    count(*) over (w2 order by n_name) as by_name,
    lag(n_name) over w as prev_name
from nation
window w as (partition by n_regionkey order by n_nationkey), w2 as (partition by n_regionkey)
order by n_nationkey;

-- name: named_window_with_frame
select n_nationkey, sum(n_nationkey) over (w rows between 1 preceding and 1 following) as s
from nation
window w as (order by n_nationkey)
order by n_nationkey;

-- name: window_in_subquery_filtered
select o_custkey, o_orderkey, rn
from (select o_custkey, o_orderkey,
          row_number() over (partition by o_custkey order by o_orderdate desc, o_orderkey) as rn
      from orders) ranked
where rn <= 2 and o_custkey < 100
order by o_custkey, rn;

-- name: window_in_cte_joined
with totals as (
    select c_nationkey, c_custkey, sum(o_totalprice) as spent,
        rank() over (partition by c_nationkey order by sum(o_totalprice) desc) as r
    from customer join orders on c_custkey = o_custkey
    group by c_nationkey, c_custkey
)
select n_name, c_custkey, spent
from totals join nation on n_nationkey = c_nationkey
where r = 1
order by n_name;

-- name: window_with_distinct
select distinct o_orderstatus, count(*) over (partition by o_orderstatus) as n
from orders
order by o_orderstatus;

-- name: window_with_limit
select o_orderkey, sum(o_totalprice) over (order by o_orderkey) as running
from orders
order by o_orderkey
limit 10 offset 5;

-- name: window_expressions
select l_orderkey, l_linenumber,
    l_quantity - avg(l_quantity) over (partition by l_orderkey) as deviation,
    case when row_number() over (partition by l_orderkey order by l_linenumber) = 1 then 'first' else 'other' end as pos,
    sum(l_quantity * 2) over (partition by l_orderkey order by l_linenumber rows 1 preceding) + 1 as s
from lineitem
where l_orderkey < 100
order by l_orderkey, l_linenumber;

-- name: empty_input
select id, row_number() over (order by id) as rn, sum(a) over (partition by b order by id) as s,
    lag(c) over (order by id) as l, first_value(d) over (order by id) as f,
    min(a) over (order by id rows between 1 preceding and 1 following) as mn,
    count(*) over () as n
from t_empty
order by id;

-- name: empty_after_filter
select o_orderkey, rank() over (order by o_totalprice) as r
from orders
where o_totalprice < 0
order by o_orderkey;

-- name: single_row_partitions
select c_custkey, row_number() over (partition by c_custkey order by c_name) as rn,
    rank() over (partition by c_custkey order by c_name) as r,
    percent_rank() over (partition by c_custkey order by c_name) as pr,
    cume_dist() over (partition by c_custkey) as cd,
    lag(c_name) over (partition by c_custkey order by c_name) as prev,
    sum(c_acctbal) over (partition by c_custkey rows between 1 preceding and 1 following) as s,
    ntile(3) over (partition by c_custkey order by c_name) as t
from customer
where c_custkey < 20
order by c_custkey;

-- name: double_order_keys
select id, c,
    rank() over (order by c) as r,
    sum(id) over (order by c desc range between 1 preceding and 1 following) as s,
    max(id) over (order by c, id rows between 1 preceding and current row) as mx
from t_nulls
order by id;

-- name: string_partition_and_order
select s, id,
    row_number() over (partition by s is null order by s nulls first, id) as rn,
    rank() over (order by s desc) as r,
    min(s) over (order by id rows between 2 preceding and current row) as mn
from t_str
order by id;

-- name: join_partitions
select l.lid, l.k, r.rid,
    row_number() over (partition by l.k order by l.lid, r.rid) as rn,
    count(r.rid) over (partition by l.k) as matches
from t_left l left join t_right r on l.k = r.k
order by l.lid, r.rid;

-- name: groups_frame_without_order
select n_regionkey, n_nationkey,
    count(*) over (partition by n_regionkey groups between current row and current row) as n
from nation
order by n_nationkey;

-- name: frame_offsets_from_columns
select n_nationkey, n_regionkey,
    sum(n_nationkey) over (order by n_nationkey rows between n_regionkey preceding and current row) as s
from nation
order by n_nationkey;

-- name: range_offsets_beside_null_keys
select id, a,
    count(*) over (order by a nulls first range between unbounded preceding and 1 preceding) as n_first,
    sum(id) over (order by a range between 1 following and unbounded following) as s_last,
    count(*) over (order by a desc nulls first range between 2 following and unbounded following) as n_desc,
    sum(id) over (order by a desc range between unbounded preceding and 3 preceding) as s_desc
from t_nulls
order by id;

-- name: subqueries_beside_windows
select n_name,
    (select max(r_name) over (order by r_name) from region order by 1 desc limit 1) as last_region,
    sum(n_nationkey) over (partition by (select max(r_regionkey) from region)) as total,
    rank() over (order by n_name) as r
from nation
where n_regionkey in (select rank() over (order by r_regionkey desc) from region)
order by n_name;

-- name: framed_bool_and_first_aggregates
select id, a,
    bool_and(a > 0) over (order by id rows between 1 preceding and 1 following) as all_pos,
    bool_or(a > 4) over (order by id rows between 2 preceding and current row) as any_big,
    first(c) over (order by id rows between 1 following and 2 following) as first_c,
    any_value(c) over (order by id rows between 1 following and 2 following) as any_c
from t_nulls
order by id;

-- name: first_over_ordered_whole_partitions
select n_regionkey, n_nationkey,
    first(n_name) over (partition by n_regionkey order by n_name desc
        rows between unbounded preceding and unbounded following) as last_name,
    any_value(n_nationkey) over (partition by n_regionkey order by n_nationkey desc
        rows between unbounded preceding and unbounded following) as top_key,
    max(n_name) over (partition by n_regionkey order by n_nationkey
        rows between unbounded preceding and unbounded following) as max_name
from nation
order by n_nationkey;

-- name: lag_default_takes_the_value_type
select id, lag(a, 1, 1.5) over (order by id) as l_int, lead(c, 1, 2) over (order by id) as l_dbl,
    lag(b, 2, 7) over (order by id) as l_str, nth_value(a, 0) over (order by id) as nth0
from t_nulls
order by id;

-- name: framed_variances
select l_orderkey, l_linenumber,
    stddev_samp(l_quantity) over (partition by l_orderkey order by l_linenumber) as running_sd,
    var_pop(l_extendedprice) over (order by l_orderkey, l_linenumber rows between 3 preceding and 3 following) as vp,
    variance(l_discount) over (partition by l_orderkey order by l_linenumber rows between 1 preceding and 1 following exclude current row) as vs,
    stddev_pop(l_tax * 100) over (partition by l_returnflag order by l_orderkey, l_linenumber rows 4 preceding) as sdp
from lineitem
where l_orderkey < 200
order by l_orderkey, l_linenumber;

-- name: framed_variances_with_nulls
select id, c,
    var_samp(c) over (order by id rows between 2 preceding and 1 following) as vs,
    stddev_pop(a) over (order by id rows between unbounded preceding and current row) as sdp
from t_nulls
order by id;

-- name: window_columns_named_as_duckdb_names_them
select n_regionkey, n_nationkey,
    SUM(n_nationkey) over (partition by n_regionkey),
    row_number() over (order by n_nationkey desc),
    rank() over (partition by n_regionkey order by n_name asc nulls first),
    count(*) over (partition by n_regionkey),
    avg(n_nationkey) over (order by n_nationkey rows 2 preceding),
    min(n_nationkey) over (order by n_nationkey range between 3 preceding and current row),
    count(n_nationkey) over (order by n_regionkey groups between current row and unbounded following exclude current row),
    lag(n_nationkey, 1, 0) over (order by (n_nationkey + 1) desc nulls last),
    sum(n_nationkey + 1) over () + 1
from nation
order by n_nationkey;

-- name: window_named_by_its_definition
select n_nationkey, first_value(n_name) over w, last_value(n_name) over w
from nation
window w as (partition by n_regionkey order by n_nationkey rows between unbounded preceding and unbounded following)
order by n_nationkey;

-- name: window_refining_a_named_window_named_by_both
select n_nationkey, sum(n_nationkey) over (w order by n_nationkey),
    count(*) over (w order by n_nationkey rows 1 preceding)
from nation
window w as (partition by n_regionkey)
order by n_nationkey;
