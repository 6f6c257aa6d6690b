-- TYPEOF: the type's name as DuckDB writes it, over constants, fixture and TPC-H columns,
-- arithmetic, casts, functions, aggregates, subqueries and joins (tqp answers only where its
-- type is DuckDB's; the refusals are in tests/sql/test_errors.py).

-- name: typeof_constants
select typeof(1) as i, typeof(3000000000) as b, typeof(-1) as neg, typeof(1.5) as dec, typeof(00.50) as dec2,
    typeof(1e3) as dbl, typeof('a') as s, typeof(true) as bo, typeof(null) as n, typeof(date '2020-01-01') as d,
    typeof(timestamp '2020-01-01 00:00:00') as ts, typeof(typeof(1)) as t;

-- name: typeof_arithmetic
select typeof(1 + 2) as a, typeof(1 + 2.5) as b, typeof(1 * 2.5) as c, typeof(1.25 * 2.5) as d, typeof(7 / 2) as e,
    typeof(7 // 2) as f, typeof(7 % 2) as g, typeof(7.5 % 2) as h, typeof(-(1.5)) as i, typeof(2 ** 3) as j,
    typeof(abs(-2.5)) as k, typeof(round(2.567, 1)) as l, typeof(sqrt(4)) as m, typeof(ln(4)) as n;

-- name: typeof_casts
select typeof(cast(1 as bigint)) as a, typeof(cast(1 as double)) as b, typeof(cast(1 as decimal(10,2))) as c,
    typeof(cast(1 as decimal)) as d, typeof(cast(1 as varchar)) as e, typeof(cast('2020-01-01' as date)) as f,
    typeof(cast(1 as hugeint)) as g, typeof(1::int) as h, typeof(cast(1 as numeric(5,1))) as i;

-- name: typeof_strings_and_logic
select typeof(length('abc')) as a, typeof(upper('a')) as b, typeof(substring('abc', 1, 2)) as c,
    typeof('a' || 'b') as d, typeof(strpos('abc', 'b')) as e, typeof(left('abc', 2)) as f, typeof(1 = 1) as g,
    typeof('a' like 'a%') as h, typeof(1 in (1, 2)) as i, typeof(1 is null) as j;

-- name: typeof_conditionals
select typeof(case when true then 1 else 2.5 end) as a, typeof(case when true then 1 else 3000000000 end) as b,
    typeof(if(true, 1, 2)) as c, typeof(coalesce(null, 1)) as d, typeof(coalesce(1, 2.5)) as e,
    typeof(nullif(1.5, 2)) as f, typeof(greatest(1, 2.5)) as g, typeof(least(1, 3000000000)) as h;

-- name: typeof_dates
select typeof(extract(year from date '2020-01-01')) as a, typeof(extract(epoch from date '2020-01-01')) as b,
    typeof(date_part('year', date '2020-01-01')) as c, typeof(date_trunc('month', date '2020-01-01')) as d,
    typeof(date_diff('day', date '2020-01-01', date '2020-02-01')) as e, typeof(last_day(date '2020-01-01')) as f,
    typeof(make_date(2020, 1, 1)) as g, typeof(make_timestamp(2020, 1, 1, 1, 1, 1)) as h,
    typeof(epoch(date '2020-01-01')) as i, typeof(epoch_ms(date '2020-01-01')) as j, typeof(epoch_ms(1500)) as k,
    typeof(epoch_us(date '2020-01-01')) as l, typeof(strftime(date '2020-01-01', '%Y')) as m,
    typeof(strptime('2020', '%Y')) as n, typeof(try_strptime('2020', '%Y')) as o, typeof(current_date) as p,
    typeof(date '2020-01-01' + 1) as q, typeof(date '2020-01-01' - date '2019-01-01') as r,
    typeof(date '2020-01-01' + interval 1 day) as s, typeof(make_timestamp(20000000)) as t;

-- name: typeof_fixture_columns
select typeof(id) as id, typeof(a) as a, typeof(b) as b, typeof(c) as c, typeof(d) as d, typeof(a + 1) as a1,
    typeof(a * 1.5) as a2, typeof(c * 2) as c2, typeof(a / 2) as a3, typeof(d + 1) as d1, typeof(d - d) as dd,
    typeof(d + interval 1 month) as dm, typeof(b || 'x') as bx, typeof(coalesce(a, c)) as ac,
    typeof(case when a > 1 then c else a end) as ca, typeof(date_trunc(b, d)) as dt
from t_nulls
order by all
limit 1;

-- name: typeof_decimal_columns
select typeof(d) as d, typeof(e) as e, typeof(w) as w, typeof(d + e) as de, typeof(d * e) as dme,
    typeof(d * w) as dw, typeof(d / e) as dde, typeof(d % e) as dmod, typeof(-d) as nd, typeof(round(d, 1)) as r1,
    typeof(round(w, 2)) as rw, typeof(d + i) as di, typeof(d * i) as dmi, typeof(d + f) as df,
    typeof(coalesce(d, w)) as cw, typeof(floor(d)) as fl, typeof(ceil(i)) as ci, typeof(greatest(d, i)) as gi
from t_dec
order by all
limit 1;

-- name: typeof_edge_columns
select typeof(i) as i, typeof(b) as b, typeof(f) as f, typeof(s) as s, typeof(dt) as dt, typeof(n) as n,
    typeof(i + b) as overflow_not_evaluated, typeof(b * 2) as b2
from t_edge
order by all
limit 1;

-- name: typeof_aggregates
select typeof(count(*)) as n, typeof(count(a)) as na, typeof(sum(a)) as sa, typeof(sum(c)) as sc,
    typeof(avg(a)) as aa, typeof(min(d)) as md, typeof(max(b)) as mb, typeof(sum(a) + 1) as sa1,
    typeof(stddev(c)) as sd, typeof(median(a)) as med, typeof(string_agg(b, ',')) as sg,
    typeof(bool_or(a > 1)) as bo, typeof(count(distinct a)) as cd
from t_nulls;

-- name: typeof_decimal_aggregates
select typeof(sum(d)) as sd, typeof(sum(w)) as sw, typeof(avg(d)) as ad, typeof(min(e)) as me, typeof(median(d)) as md
from t_dec;

-- name: typeof_tpch_columns
select typeof(l_orderkey) as ok, typeof(l_linenumber) as ln, typeof(l_quantity) as q, typeof(l_extendedprice) as p,
    typeof(l_discount) as d, typeof(l_shipdate) as sd, typeof(l_returnflag) as rf, typeof(l_comment) as c,
    typeof(l_extendedprice * (1 - l_discount)) as rev, typeof(l_extendedprice * (1 - l_discount) * (1 + l_tax)) as charge,
    typeof(l_shipdate - l_commitdate) as late, typeof(extract(year from l_shipdate)) as y
from lineitem
order by all
limit 1;

-- name: typeof_tpch_aggregates
select l_returnflag, typeof(sum(l_extendedprice * (1 - l_discount))) as rev, typeof(avg(l_quantity)) as aq,
    typeof(sum(l_quantity)) as sq, typeof(count(*)) as n
from lineitem
group by l_returnflag
order by l_returnflag;

-- name: typeof_tpch_other_tables
select typeof(o_totalprice) as tp, typeof(o_orderdate) as od, typeof(o_custkey) as ck, typeof(c_acctbal) as ab,
    typeof(c_name) as cn, typeof(n_nationkey) as nk
from orders join customer on o_custkey = c_custkey join nation on c_nationkey = n_nationkey
order by all
limit 1;

-- name: typeof_derived_tables
select typeof(x) as x, typeof(s) as s, typeof(n) as n
from (select a + 1 as x, sum(a) over () as unused, 1 as k from t_nulls) t1,
    (select sum(a) as s from t_nulls) t2,
    (select a, count(*) as n from t_nulls group by a) t3
order by all
limit 1;

-- name: typeof_subqueries
select typeof((select max(a) from t_nulls)) as scalar, typeof(a in (select a from t_nulls)) as in_sub,
    typeof(exists (select 1)) as ex
from t_nulls
order by all
limit 1;

-- name: typeof_in_where_and_group
select typeof(a) as t, count(*) as n from t_nulls where typeof(d) = 'DATE' group by t;

-- name: typeof_empty_table
select typeof(a) as t, typeof(d) as d from t_empty;

-- name: typeof_single_row_values
select typeof(x) as x, typeof(y) as y, typeof(z) as z from (values (1, 1.5, 'a')) v(x, y, z);

-- name: typeof_typed_nulls
select typeof(extract(year from null::date)) as a, typeof(date_part('year', null::date)) as b,
    typeof(year(null::date)) as c, typeof(date_trunc('month', null::date)) as d, typeof(epoch(null::date)) as e,
    typeof(null::int + 1) as f, typeof(coalesce(null::int, null::bigint)) as g,
    typeof(case when false then null::decimal(5,2) end) as h, typeof(1 is null) as i, typeof(if(true, null, 1.5)) as j;

-- name: typeof_per_row_over_nulls
select id, typeof(extract(year from case when a > 100 then d end)) as t from t_nulls order by id;
