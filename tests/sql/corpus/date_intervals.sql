-- Date functions, second part: DATE_SUB/DATESUB, DATE_ADD, DAYNAME/MONTHNAME, the part
-- functions (YEARWEEK, ERA, DECADE, CENTURY, MILLENNIUM, JULIAN, MICROSECOND, MILLISECOND,
-- WEEKDAY, ISOYEAR), intervals with a column amount or factor, typed literals cast with `::`,
-- GREATEST/LEAST of dates; columns, constants, NULLs, leap days, dates before 1970 and before
-- the year 1, far dates.

-- name: date_sub_units_columns
select id, date_sub('year', d, date '2000-02-29') as y, date_sub('quarter', d, date '2000-02-29') as q,
    date_sub('month', d, date '2000-02-29') as m, datesub('week', d, date '2000-02-29') as w,
    date_sub('day', date '2000-02-29', d) as dd, date_sub('hour', d, d + interval (a) hour) as h,
    date_sub('decade', d, date '2031-01-01') as dec, date_sub('century', date '1900-01-01', d) as c,
    date_sub('millennium', d, date '3000-01-01') as mil, date_sub('microsecond', d, date '1970-01-02') as us
from t_nulls
order by id;

-- name: date_sub_month_ends
select a, b, date_sub('month', a, b) as m, date_sub('month', b, a) as back, date_sub('year', a, b) as y,
    date_diff('month', a, b) as diff_m, date_sub('day', a, b) as d
from (values (date '2020-01-31', date '2020-02-29'), (date '2020-01-31', date '2020-02-28'),
             (date '2020-02-29', date '2021-02-28'), (date '2019-01-31', date '2019-02-28'),
             (date '2020-03-31', date '2020-04-30'), (date '2020-03-30', date '2020-04-30'),
             (date '1969-12-31', date '1970-01-31'), (date '1960-05-31', date '1960-06-29'),
             (date '2000-01-01', date '2000-01-01'), (null, date '2000-01-01')) v(a, b)
order by a nulls last, b;

-- name: date_sub_timestamps
select id, date_sub('month', d + interval 10 hour, date '1999-03-31' + interval (a) hour) as m,
    date_sub('day', d + interval 10 hour, date '1999-03-31' + interval (a) hour) as dd,
    date_sub('minute', d, d + interval (a * 7) minute) as mi, date_sub('second', d + interval 1 second, d) as s,
    date_sub('ms', d, d + interval (a) millisecond) as ms, date_sub('yearweek', d, date '1999-03-31') as yw,
    datesub('isoyear', d, timestamp '1999-03-31 00:00:01') as iy
from t_nulls
order by id;

-- name: date_sub_edges_and_nulls
select id, date_sub('year', dt - 400, dt) as y, date_sub('month', dt, date '2000-02-29') as m,
    date_sub('day', date '0001-01-01' - 800, dt) as dd, date_sub('century', dt - 40000, dt) as c,
    date_sub(null, dt, dt) as null_part, date_sub('day', dt, null) as null_end
from t_edge
order by id;

-- name: date_sub_part_column
select u, id, date_sub(u, d, date '2000-02-29' + interval (a) hour) as v, datesub(u, d + interval 1 second, d) as back
from t_nulls, (values ('month'), ('Y'), ('day'), ('hours'), (null), ('week')) units(u)
order by u nulls last, id;

-- name: date_sub_part_per_row
select id, date_sub(case when id % 3 = 0 then 'year' when id % 3 = 1 then 'day' end, d, date '2001-01-01') as v
from t_nulls
order by id;

-- name: date_sub_empty
select date_sub('month', d, d) as m, datesub('day', d, date '2000-01-01') as dd from t_empty;

-- name: date_sub_in_where_and_group
select date_sub('year', d, date '2000-01-01') as years, count(*) as n
from t_nulls
where date_sub('month', d, date '2000-01-01') > 12
group by years
order by years;

-- name: date_sub_tpch
select date_sub('month', o_orderdate, date '1998-08-02') as months, count(*) as n
from orders
where o_orderdate >= date '1998-01-01'
group by months
order by months;

-- name: date_add_forms
select id, date_add(d, 3) as plus_days, date_add(d, a) as plus_column, date_add(d, interval 1 month) as plus_month,
    date_add(d, interval (a) year) as plus_years, date_add(d + interval 1 hour, interval '30' minute) as ts,
    date_add(d, null) as null_days
from t_nulls
order by id;

-- name: date_add_constants
select date_add(date '2020-01-31', interval 1 month) as a, date_add(date '2024-02-29', interval 1 year) as b,
    date_add(date '1969-12-31', 1) as c, date_add(date '2020-02-29', interval (-12) month) as e;

-- name: dayname_monthname_columns
select id, d, dayname(d) as dn, monthname(d) as mn, dayname(d + interval 23 hour) as dn_ts,
    monthname(d + interval (a) day) as mn_shift
from t_nulls
order by id;

-- name: dayname_monthname_edges
select id, dayname(dt) as dn, monthname(dt) as mn, dayname(dt - 400) as dn_bc, monthname(dt - 400) as mn_bc
from t_edge
order by id;

-- name: dayname_group_order
select dayname(o_orderdate) as dn, monthname(o_orderdate) as mn, count(*) as n
from orders
where o_orderdate < date '1992-03-01'
group by dn, mn
order by mn, dn;

-- name: dayname_filter_and_null
select count(*) as n, min(d) as first_day from t_nulls where dayname(d) = 'Tuesday' or monthname(d) like 'Dec%';

-- name: dayname_monthname_null_constant
select dayname(null) as a, monthname(null::date) as b, dayname(date '2000-02-29') as c,
    monthname(timestamp '1969-12-31 23:59:59') as e, julian(null) as j;

-- name: dayname_monthname_empty
select dayname(d) as dn, monthname(d) as mn, yearweek(d) as yw from t_empty;

-- name: part_functions_columns
select id, yearweek(d) as yw, era(d) as e, decade(d) as dec, century(d) as c, millennium(d) as m,
    julian(d) as j, weekday(d) as wd, isoyear(d) as iy, dayofweek(d) as dow, isodow(d) as idow
from t_nulls
order by id;

-- name: part_functions_unaliased
select yearweek(d), era(d), decade(d), century(d), millennium(d), julian(d), weekday(d), isoyear(d),
    microsecond(d), millisecond(d), dayname(d), monthname(d)
from t_nulls
where id < 3
order by id;

-- name: part_functions_edges
select id, yearweek(dt) as yw, era(dt) as e, decade(dt) as dec, century(dt) as c, millennium(dt) as m,
    julian(dt) as j, isoyear(dt) as iy, yearweek(dt - 400) as yw_bc, era(dt - 400) as e_bc,
    decade(dt - 4000) as dec_bc, century(dt - 40000) as c_bc, millennium(dt - 400000) as m_bc,
    julian(dt - 400) as j_bc, yearweek(dt - 366) as yw_zero
from t_edge
order by id;

-- name: part_functions_timestamps
select id, microsecond(d + interval (a * 1234567) microsecond) as us, nanosecond(d - interval (a) millisecond) as ns,
    millisecond(d + interval (a * 1234567) microsecond) as ms, julian(d + interval (a) hour) as j,
    yearweek(d - interval 1 second) as yw, era(d + interval 1 minute) as e
from t_nulls
order by id;

-- name: extract_era_julian
select id, extract(era from d) as e, extract(julian from d) as j, date_part('julian', d + interval 6 hour) as j2,
    date_part('jd', d) as j3, extract(yearweek from d) as yw, extract(decade from d - 800000) as dec
from t_nulls
order by id;

-- name: microsecond_before_1970
select microsecond(timestamp '1969-12-31 23:59:58.25') as us, millisecond(timestamp '1969-12-31 23:59:58.25') as ms,
    microsecond(timestamp '2020-01-31 10:11:12.345678') as us2, millisecond(date '2020-01-01') as ms_date,
    nanosecond(timestamp '1969-12-31 23:59:58.25') as ns, nanosecond(date '2020-01-01') as ns_date;

-- name: interval_column_amounts
select id, d + interval (a) day as days, d + interval (a) month as months, d - interval (a) year as years,
    d + interval (a) week as weeks, d + interval (a) quarter as quarters, d + interval (a) hour as hours,
    d + interval (a * 90) minute as minutes, d - interval (a) second as seconds
from t_nulls
order by id;

-- name: interval_times_column
select id, d - (a * interval 1 day) as minus_days, d + a * interval '1' month as plus_months,
    d + interval 2 week * a as weeks, d - -interval (a) day as double_negative,
    -interval 3 day + d as negative_first, d + (2 * (a * interval 1 hour)) as nested
from t_nulls
order by id;

-- name: interval_sums
select id, d + (interval 1 month + interval 1 day) as month_then_day, d + interval 1 day + interval 1 month as day_then_month,
    d - (interval (a) month + interval 1 day) as minus_sum, d + 2 * (interval 1 month - to_days(a)) as doubled,
    interval 1 day + interval 2 hour + d as leading_sum, d + (interval 1 year - interval 12 month) as nothing
from t_nulls
order by id;

-- name: interval_double_amounts
select id, c, d + interval (c) day as days, d + interval (c) month as months, d + interval (c) hour as hours
from t_nulls
order by id;

-- name: to_interval_functions_added
select id, d + to_days(a) as days, d - to_weeks(a) as weeks, d + to_months(a) as months, d - to_quarters(a) as quarters,
    d + to_years(a) as years, d + to_decades(a) + to_centuries(1) - to_millennia(1) as big,
    d + to_hours(a) as hours, d - to_minutes(a * 61) as minutes, d + to_seconds(a) as seconds,
    d + to_milliseconds(a) as ms, d - 2 * to_microseconds(a) as us, d + to_days(null) as null_days
from t_nulls
order by id;

-- name: to_interval_functions_constants
select date '2020-01-31' + to_months(1) as a, date '2024-02-29' - to_years(4) as b, timestamp '1969-12-31 23:00' + to_hours(2) as c,
    date '2020-01-01' + to_days(-1) * 3 as e;

-- name: interval_null_amounts
select date '2020-01-01' + interval (null) day as a, cast(null as integer) * interval 1 day + date '2020-01-01' as b,
    date '2020-01-01' + interval (cast(null as bigint)) month as c;

-- name: interval_column_leap_and_month_ends
select x, x + interval (n) month as months, x + interval (n) year as years, x - interval (n) day as days
from (values (date '2020-02-29', 12), (date '2020-01-31', 1), (date '2019-01-31', 1), (date '1969-12-31', -1),
             (date '1900-02-28', 4), (date '2000-02-29', -100), (null, 1), (date '2024-03-31', null)) v(x, n)
order by x nulls last, n;

-- name: interval_column_far_dates
select id, (dt + interval (id) day)::varchar as days, (dt - interval (id * 1000) year)::varchar as years,
    (dt + interval (id) month)::varchar as months
from t_edge
order by id;

-- name: interval_column_in_where
select id, d from t_nulls where d + interval (a) month > date '1995-03-01' and d - a * interval 1 day < date '1999-01-01' order by id;

-- name: interval_column_group
select d + interval (a) day as shifted, count(*) as n from t_nulls group by shifted order by shifted nulls last;

-- name: interval_column_tpch
select count(*) as n from lineitem where l_shipdate > l_commitdate + interval (l_linenumber) day;

-- name: interval_column_empty
select d + interval (a) day as x, d - a * interval 1 month as y from t_empty;

-- name: typed_literal_casts
select date '2020-01-01'::timestamp, timestamp '2020-01-01 10:00'::date, date '2020-01-01'::varchar,
    date '1969-12-31'::timestamp + interval 3 hour as plus, date '2020-02-29'::varchar::date as round_trip,
    (date '2020-01-01')::timestamp as grouped;

-- name: typed_literal_casts_in_expressions
select id, d::timestamp + interval 3 hour as ts, d < date '1995-02-01'::timestamp as before,
    greatest(d::timestamp, timestamp '1995-01-31 12:00'::date::timestamp) as g
from t_nulls
order by id;

-- name: greatest_least_dates
select id, greatest(d, date '1995-02-01') as g, least(d, date '1995-02-01', null) as l,
    greatest(d, d + interval 1 hour) as g_ts, least(d::timestamp, timestamp '1970-01-01 12:00') as l_ts,
    greatest(d, '1995-02-01') as g_text, least(d, date '1969-12-31' + interval (a) day) as l_col
from t_nulls
order by id;

-- name: greatest_least_dates_edges
select id, greatest(dt, date '2000-01-01') as g, least(dt, date '2000-01-01') as l, greatest(null::date, dt) as g_null
from t_edge
order by id;

-- name: typeof_date_functions
select typeof(date_sub('month', d, d)) as a, typeof(datesub('day', d, d::timestamp)) as b, typeof(dayname(d)) as c,
    typeof(monthname(d)) as e, typeof(yearweek(d)) as f, typeof(julian(d)) as g, typeof(era(d)) as h,
    typeof(millisecond(d)) as i, typeof(date_add(d, 1)) as j, typeof(date_add(d, interval (a) day)) as k,
    typeof(d - a * interval 1 week) as l, typeof(date '2020-01-01'::timestamp) as m
from t_nulls
where id = 1;

-- name: typeof_to_interval
select typeof(d + to_days(a)) as a, typeof(d - 2 * to_hours(1)) as b from t_nulls where id = 2;

-- name: far_dates_diff_and_sub
select id, date_diff('hour', date '2020-01-01', dt + id * 20000000) as hours,
    date_diff('second', dt - id * 20000000, date '2020-01-01') as seconds,
    date_sub('day', date '2020-01-01', dt + id * 10000000) as days, date_sub('year', dt - id * 10000000, dt) as years,
    ((date '1970-01-01' + 106751991)::timestamp)::varchar as last_midnight,
    ((date '1970-01-01' - 106751991)::timestamp)::varchar as first_midnight
from t_edge
order by id;

-- name: far_dates_parts
select id, julian(dt + id * 400000000) as j, yearweek(dt + id * 400000000) as yw, dayname(dt - id * 400000000) as dn,
    era(dt - id * 400000000) as e, monthname(dt + id * 400000000) as mn
from t_edge
order by id;
