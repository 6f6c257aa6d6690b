-- More functions: IS [NOT] DISTINCT FROM; starts_with, ends_with, contains, concat_ws, lpad/rpad,
-- repeat, regexp_matches; log/log10, pi, trunc, cbrt, isnan; date_part, date_diff, last_day,
-- make_date; stddev/variance, bool_and/bool_or, first/any_value, median.

-- name: distinct_from_nulls
select id, a, c, a is distinct from 2 as d2, a is not distinct from null as is_null,
    c is distinct from 2.5 as dc
from t_nulls
order by id;

-- name: distinct_from_join
select l.lid, r.rid
from t_left l join t_right r on l.k is not distinct from r.k
order by l.lid, r.rid;

-- name: distinct_from_strings
select id, b, b is distinct from 'beta' as not_beta, b is not distinct from lower(b) as lowered
from t_nulls
order by id;

-- name: distinct_from_filter_empty
select id from t_nulls
where a is not distinct from 99
order by id;

-- name: affix_tests
select id, s, starts_with(s, 'a') as sw, ends_with(s, 'c') as ew, contains(s, '_') as has_us
from t_str
order by id;

-- name: affix_filter
select p_type, count(*) as n
from part
where starts_with(p_type, 'PROMO') and ends_with(p_type, 'TIN') and contains(p_type, 'BRUSHED')
group by p_type
order by p_type;

-- name: concat_ws_nulls
select id, concat_ws(', ', b, cast(a as varchar), cast(d as varchar)) as joined,
    concat_ws('-', null, b) as one
from t_nulls
order by id;

-- name: concat_ws_nation
select concat_ws(' / ', n_name, r_name) as label
from nation join region on n_regionkey = r_regionkey
where n_regionkey = 2
order by label;

-- name: pad_fixture
select id, lpad(s, 6, '*') as lp, rpad(s, 6, 'ab') as rp, lpad(s, 2, 'x') as cut
from t_str
order by id;

-- name: pad_keys
select lpad(cast(n_nationkey as varchar), 3, '0') as code, n_name
from nation
order by code;

-- name: repeat_fixture
select id, repeat(s, 2) as twice, repeat(s, 0) as none, length(repeat(b, 3)) as len3
from t_str join t_nulls using (id)
order by id;

-- name: regexp_matches_fixture
select id, s, regexp_matches(s, '^[a-z]+$') as lower_word, regexp_matches(s, 'C', 'i') as has_c,
    regexp_matches(s, 'a.b') as a_any_b
from t_str
order by id;

-- name: regexp_matches_group
select regexp_matches(c_phone, '^1[0-9]-') as starts_1x, count(*) as n
from customer
group by starts_1x
order by starts_1x;

-- name: logarithms
select id, c, log10(c) as l10, log(c) as lg, log(2, a) as l2, ln(a) as natural
from t_nulls
where c > 0 or a > 0
order by id;

-- name: pi_and_cbrt
select id, round(pi() * a, 6) as circle, cbrt(a) as cube_root, cbrt(c) as cube_root_c
from t_nulls
order by id;

-- name: trunc_types
select id, trunc(c) as tc, trunc(a) as ta, trunc(-c) as tneg
from t_nulls
order by id;

-- name: trunc_decimals
select l_returnflag, trunc(sum(l_extendedprice)) as whole, trunc(avg(l_discount) * 100) as pct
from lineitem
group by l_returnflag
order by l_returnflag;

-- name: isnan_filter
select id, c, isnan(c) as nan, isnan(c / 0.0) as nan_div
from t_nulls
order by id;

-- name: date_part_fixture
select id, d, date_part('year', d) as y, date_part('dow', d) as dow, date_part('week', d) as wk,
    date_part('century', d) as cent, datepart('quarter', d) as q
from t_nulls
order by id;

-- name: date_part_group
select date_part('year', o_orderdate) as y, date_part('quarter', o_orderdate) as q, count(*) as n
from orders
group by y, q
order by y, q;

-- name: date_diff_units
select id, d, date_diff('day', d, date '1996-01-01') as days,
    date_diff('month', d, date '1996-01-01') as months,
    date_diff('year', d, date '1996-01-01') as years,
    date_diff('week', d, date '1996-01-01') as weeks,
    date_diff('quarter', date '1996-01-01', d) as quarters
from t_nulls
order by id;

-- name: date_diff_month_boundary
select date_diff('month', date '2020-01-31', date '2020-02-01') as m,
    date_diff('year', date '2020-12-31', date '2021-01-01') as y,
    date_diff('day', timestamp '2020-01-01 23:59:00', timestamp '2020-01-02 00:00:00') as d,
    date_diff('hour', timestamp '1969-12-31 23:30:00', timestamp '1970-01-01 00:10:00') as h;

-- name: date_diff_shipping
select date_diff('day', o_orderdate, l_shipdate) as lag, count(*) as n
from orders join lineitem on o_orderkey = l_orderkey
where o_orderdate < date '1992-03-01'
group by lag
order by lag;

-- name: last_day_fixture
select id, d, last_day(d) as month_end, last_day(d) = d as is_end
from t_nulls
order by id;

-- name: last_day_orders
select last_day(o_orderdate) as month_end, count(*) as n
from orders
where o_orderdate < date '1992-06-01'
group by month_end
order by month_end;

-- name: make_date_fixture
select id, make_date(1990 + id, id, id) as made, make_date(year(d), month(d), 1) as first_of_month
from t_nulls
order by id;

-- name: variances_grouped
select l_returnflag, l_linestatus, stddev_samp(l_quantity) as sd, stddev_pop(l_quantity) as sdp,
    var_samp(l_extendedprice) as vs, var_pop(l_discount) as vp, variance(l_tax) as v
from lineitem
group by l_returnflag, l_linestatus
order by l_returnflag, l_linestatus;

-- name: variances_nulls
select stddev(a) as sd, stddev_pop(c) as sdp, var_samp(c) as vs, var_pop(a) as vp
from t_nulls;

-- name: variances_single_rows
select id, stddev_samp(c) as sd, var_samp(a) as vs, stddev_pop(c) as sdp, var_pop(a) as vp
from t_nulls
group by id
order by id;

-- name: variances_empty
select stddev_samp(a) as sd, var_pop(c) as vp, median(a) as m, bool_or(a > 0) as any_pos
from t_empty;

-- name: bool_aggregates
select k, bool_and(v > 15) as all_big, bool_or(s like 'n%') as some_n, count(*) as n
from t_left
group by k
order by k nulls last;

-- name: bool_having_empty
select c_mktsegment, count(*) as n
from customer
group by c_mktsegment
having bool_and(c_acctbal > 0)
order by c_mktsegment;

-- name: first_any_value
select id, first(b) as fb, any_value(a) as aa, first(d) as fd
from t_nulls
group by id
order by id;

-- name: any_value_constant_groups
select n_regionkey, any_value(r_name) as region, first(r_regionkey) as rk, count(*) as n
from nation join region on n_regionkey = r_regionkey
group by n_regionkey
order by n_regionkey;

-- name: median_grouped
select l_returnflag, median(l_quantity) as mq, median(l_discount) as md, median(l_extendedprice) as mp
from lineitem
group by l_returnflag
order by l_returnflag;

-- name: median_nulls
select median(a) as ma, median(c) as mc, median(id) as mid
from t_nulls;
