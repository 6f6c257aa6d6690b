-- Date functions: STRFTIME, STRPTIME/TRY_STRPTIME, EPOCH/EPOCH_MS/EPOCH_US/EPOCH_NS, MAKE_DATE,
-- MAKE_TIMESTAMP, DATE_TRUNC with a unit column, CURRENT_DATE; columns, constants, NULLs, leap
-- days, dates before 1970 and the edge dates of t_edge.

-- name: strftime_date_column
select id, d, strftime(d, '%Y-%m-%d') as iso, strftime(d, '%d/%m/%y %a %B %j') as long_form,
    strftime(d, '%-d.%-m. %U %W %V %G %u %w') as weeks
from t_nulls
order by id;

-- name: strftime_timestamp_column
select id, strftime(d + interval 90 minute, '%Y-%m-%d %H:%M:%S.%f %I %p %g') as ts_text,
    strftime('%c', d + interval 1 second) as format_first
from t_nulls
order by id;

-- name: strftime_edge_dates
select id, strftime(dt, '%Y|%m|%d|%j|%A') as s from t_edge order by id;

-- name: strftime_tpch_group
select strftime(o_orderdate, '%Y-%m') as ym, count(*) as n
from orders
where o_orderdate < date '1992-07-01'
group by ym
order by ym;

-- name: strftime_constants_and_nulls
select strftime(date '1996-02-29', '%A %d %B %Y') as leap, strftime(date '1969-12-31', '%Y%%') as pct,
    strftime(null::date, '%Y') as null_date, strftime(date '2020-01-01', null) as null_format,
    strftime(timestamp '1960-06-15 23:59:59.999999', '%H:%M:%S.%f') as before_1970;

-- name: strptime_constants
select strptime('2020-01-02', '%Y-%m-%d') as a, strptime('02/Jan/96 11:05 PM', '%d/%b/%y %I:%M %p') as b,
    strptime('1969-12-31 23:59:59.5', '%Y-%m-%d %H:%M:%S.%f') as c, strptime(' 29 February 1996 ', '%d %B %Y') as d,
    strptime('366 1996', '%j %Y') as e, strptime('19691231', '%Y%m%d') as f, strptime(null, '%Y') as g;

-- name: strptime_column
select id, strptime(strftime(d, '%d.%m.%Y'), '%d.%m.%Y') as round_trip,
    strptime(strftime(d, '%Y-%m-%d') || ' 10:30', '%Y-%m-%d %H:%M') as with_time
from t_nulls
order by id;

-- name: strptime_format_list
select s, strptime(s, ['%d/%m/%Y', '%Y-%m-%d', '%Y']) as t
from (values ('01/02/2020'), ('1996-02-29'), ('1969'), (null)) v(s)
order by s nulls last;

-- name: try_strptime_strings
select id, s, try_strptime(s, '%Y') as y, try_strptime(s, '%b') as mon from t_str order by id;

-- name: try_strptime_invalid_dates
select try_strptime('2019-02-29', '%Y-%m-%d') as not_leap, try_strptime('2020-13-01', '%Y-%m-%d') as month13,
    try_strptime('20201', '%Y%m%d') as short, try_strptime('2020-01-01 x', '%Y-%m-%d') as trailing;

-- name: strptime_filtered_strings
select s, strptime(s, '%Y') as t from (values ('1999'), ('oops'), ('2001')) v(s) where s <> 'oops' order by s;

-- name: epoch_columns
select id, epoch(d) as e, epoch_ms(d) as ms, epoch_us(d) as us, epoch_ns(d) as ns,
    epoch(d + interval 1 second) as e_ts, epoch_ms(d - interval 1 second) as ms_ts
from t_nulls
order by id;

-- name: epoch_edge_dates
select id, epoch(dt) as e, epoch_ms(dt) as ms, epoch_us(dt) as us from t_edge order by id;

-- name: epoch_ms_to_timestamp
select id, epoch_ms(i) as from_ms, make_timestamp(b) as from_us from t_edge where id > 1 order by id;

-- name: epoch_ms_rounding
select epoch_ms(timestamp '1969-12-31 23:59:59.9995') as a, epoch_ms(timestamp '1970-01-01 00:00:00.0005') as b,
    epoch_ms(timestamp '1969-12-31 23:59:59.9996') as c, epoch_ms(1500) as d, epoch_ms(-1) as e,
    epoch_ms(null) as f, epoch(date '2020-01-01') as g;

-- name: make_date_timestamp_columns
select id, make_date(year(d), month(d), 1) as first_day,
    make_timestamp(year(d), month(d), day(d), id, id * 5, abs(coalesce(c, 0)) + 0.25) as ts
from t_nulls
order by id;

-- name: make_timestamp_edges
select make_timestamp(1996, 2, 29, 23, 59, 59.9999999) as rolls_over, make_timestamp(2020, 1, 1, 24, 0, 0) as midnight,
    make_timestamp(2020, 1, 1, 12, 0, 60) as leap_second, make_timestamp(1969, 12, 31, 0, 0, 0.0000005) as half_micro,
    make_timestamp(1, 1, 1, 0, 0, 0) as first_day, make_timestamp(2020, 1, 2, 3, 4, null) as null_seconds;

-- name: make_timestamp_tpch
select o_orderkey, make_timestamp(year(o_orderdate), month(o_orderdate), day(o_orderdate), o_orderkey % 24, 30, 0) as t
from orders
where o_orderkey < 30
order by o_orderkey;

-- name: date_trunc_unit_column
select id, u, date_trunc(u, d) as t
from t_nulls, (values ('year'), ('quarter'), ('month'), ('week'), ('day'), ('decade'), ('century'), ('isoyear'), (null)) units(u)
order by id, u nulls last;

-- name: date_trunc_unit_column_timestamps
select id, u, date_trunc(u, d + interval 754 minute) as t
from t_nulls, (values ('hour'), ('minute'), ('second'), ('ms'), ('Y'), ('Mon')) units(u)
order by id, u;

-- name: date_trunc_unit_per_row
select id, date_trunc(case when id % 3 = 0 then 'year' when id % 3 = 1 then 'month' end, d) as t
from t_nulls
order by id;

-- name: date_trunc_unit_column_tpch
select date_trunc(case when o_orderpriority < '3' then 'year' else 'quarter' end, o_orderdate) as period, count(*) as n
from orders
group by period
order by period;

-- name: date_trunc_unit_column_empty
select date_trunc(b, d) as t from t_empty;

-- name: date_trunc_null_unit_constant
select date_trunc(null, date '2020-01-01') as a, date_trunc('bogus', null::date) as b,
    date_trunc('millennium', date '2020-05-17') as c, date_trunc('isoyear', date '2021-01-02') as e;

-- name: current_date_today
select current_date = today() as same, current_date > date '2024-01-01' as recent, typeof(current_date) as t;

-- name: timestamp_text_before_year_one
select strptime('0000-01-01', '%Y-%m-%d')::varchar as year_zero, make_timestamp(-5, 1, 2, 3, 4, 5.25)::varchar as bc,
    (timestamp '2020-01-01 10:30:15.000500')::varchar as fraction, (timestamp '1969-12-31 23:59:59.999999')::varchar as last_micro;
