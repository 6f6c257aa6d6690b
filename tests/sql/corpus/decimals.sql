-- DECIMAL: exact scaled integers typed as DuckDB types them (tests/sql/test_decimals.py also
-- checks every result column's exact Arrow type, precision and scale included).

-- name: add_subtract_multiply
select id, d + e as de_sum, d - e as de_diff, e * e as ee, d * i as di, i + d as id_sum,
    d + 0.06 as plus_literal, 1 - e as one_minus, e * (1 - e) * (1 + e) as chained,
    w + d as wide_sum, w * e as wide_product, -d as neg, abs(d) as abs_d
from t_dec
order by id;

-- name: mixed_with_double_and_division
select id, d + f as df_sum, d * f as df_product, d / e as ratio, d / 2 as half, i / d as inverse,
    d // e as int_div, w / 3 as wide_third
from t_dec
where e <> 0
order by id;

-- name: literals_are_decimals
select 0.06 as a, 1.50 as b, 00.50 as c, 1 - 0.06 as e, 0.1 + 0.2 as f, 100.00 * 3 as g,
    1.5 * 1.5 * 1.5 as h, 1e3 as dbl;

-- name: comparisons_are_exact
select id, d
from t_dec
where d > 0.01 and e between 0.05 and 0.07 or d = 12.35 or 0.1 + 0.2 = 0.3 and id = 8
order by id;

-- name: in_list_and_equality_across_scales
select id, e in (0.06, 0.07, 1) as listed, w = e as same, d >= w as ge
from t_dec
order by id;

-- name: sums_and_averages
select sum(d) as sd, sum(e) as se, sum(w) as sw, sum(e * e) as see, sum(i) as si, sum(d * i) as sdi,
    avg(d) as ad, avg(w) as aw, min(d) as mind, max(w) as maxw, count(d) as cd
from t_dec;

-- name: grouped_sums
select id % 3 as g, sum(d) as sd, sum(w * 2) as sw2, avg(e) as ae, min(e) as mine, max(d) as maxd,
    sum(i) as si
from t_dec
group by g
order by g;

-- name: sums_over_empty_input
select sum(d) as sd, avg(d) as ad, min(e) as mine, max(w) as maxw, sum(i) as si, count(d) as cd
from t_dec
where id > 100;

-- name: casts_round_half_away
select id, cast(d as integer) as di, cast(d as decimal(16, 1)) as d1, cast(e as decimal(3, 0)) as e0,
    cast(f as decimal(14, 3)) as f3, cast(d as double) as dd, cast(d as varchar) as ds,
    cast(w as varchar) as ws, cast(i as decimal(5, 1)) as i1, cast(e as bigint) as eb
from t_dec
where id <> 4 and (f is null or abs(f) < 1e9)
order by id;

-- name: cast_strings_and_literals
select cast('1.235' as decimal(4, 2)) as a, cast('-1.235' as decimal(4, 2)) as b,
    cast(1.255 as decimal(4, 2)) as c, cast(2.5 as integer) as d, cast(-2.5 as integer) as e,
    cast(0.125 as decimal(3, 2)) as f, cast(12 as decimal) as g;

-- name: rounding_functions
select id, round(d, 1) as r1, round(d) as r0, round(e, 1) as e1, round(w, 2) as w2,
    round(d, -1) as rneg, floor(d) as fl, ceil(d) as ce, trunc(w) as tw, round(d, 5) as r5
from t_dec
order by id;

-- name: conditional_types
select id, coalesce(d, e) as ce, case when id > 3 then d else e end as cw, greatest(d, e) as g,
    least(d, 1) as l, nullif(e, 0.05) as n, coalesce(e, i) as ci, coalesce(d, f) as cf
from t_dec
order by id;

-- name: window_sums
select id, sum(d) over (order by id) as running, sum(i) over () as total_i,
    avg(e) over (order by id rows between 1 preceding and 1 following) as moving,
    min(w) over (partition by id % 2) as part_min
from t_dec
order by id;

-- name: order_statistics
select median(d) as md, quantile_cont(w, 0.25) as qw, quantile_disc(e, 0.5) as qe,
    stddev_samp(e) as sde
from t_dec;

-- name: union_of_scales
select id, e as v from t_dec union all select id, w from t_dec order by id, v;

-- name: modulo
select id, d % 3 as m3, w % 2 as w2, i % e as ie
from t_dec
where e <> 0
order by id;

-- name: grouping_and_joining_on_decimals
select a.e, count(*) as n, sum(b.d) as sd
from t_dec a join t_dec b on a.e = b.e * 1
group by a.e
order by a.e;

-- name: lineitem_exact_sums
select l_returnflag, l_linestatus, sum(l_quantity) as sum_qty, sum(l_extendedprice) as sum_base,
    sum(l_extendedprice * (1 - l_discount)) as sum_disc,
    sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) as sum_charge,
    avg(l_discount) as avg_disc, min(l_extendedprice) as lo, max(l_tax) as hi
from lineitem
group by l_returnflag, l_linestatus
order by l_returnflag, l_linestatus;

-- name: lineitem_negative_and_mixed
select l_linenumber, sum(l_discount - l_tax) as net, sum(l_quantity * l_linenumber) as weighted,
    sum(l_extendedprice * 0.5) as halves, sum(-l_extendedprice) as negated
from lineitem
group by l_linenumber
order by l_linenumber;
