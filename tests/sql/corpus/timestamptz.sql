-- TIMESTAMP WITH TIME ZONE (both engines in the time zone UTC): literals and casts with UTC
-- offsets, casts to and from TIMESTAMP, DATE and VARCHAR, comparisons with TIMESTAMP and DATE,
-- ORDER BY, GROUP BY, joins, MIN/MAX, calendar parts, DATE_TRUNC, +/- INTERVAL, DATE_DIFF,
-- DATE_SUB, EPOCH, STRFTIME, TO_TIMESTAMP, TYPEOF, NOW() and its synonyms (compared only in
-- ways that do not depend on the instant), NULLs, empty input and Arrow columns with a zone
-- (t_tz: tz in UTC, kz in Asia/Kolkata milliseconds, ts wall clocks, s texts with offsets).

-- name: literal_offsets
select timestamptz '2020-01-01 10:00:00+02' as two, timestamptz '2020-01-01 10:00:00+05:30' as half,
    timestamptz '2020-01-01 10:00:00Z' as zulu, timestamptz '2020-01-01 10:00:00-0130' as compact,
    timestamptz '2020-01-01 10:00:00+01:30:15' as seconds, timestamptz '2020-01-01' as date_only,
    timestamptz '2020-01-01 10:00:00.123456-00' as fraction, timestamptz '2020-01-01T10:00+14' as far;

-- name: cast_spellings
select cast('2020-06-30 23:59:59.5+02' as timestamptz) as a,
    '2020-06-30 23:59:59.5 UTC'::timestamp with time zone as b,
    cast('  1999-12-31 22:00:00-02  ' as timestamp with time zone) as c,
    try_cast('2020-01-01 00:00:00+00' as timestamptz) as d;

-- name: to_varchar
select cast(timestamptz '2020-01-01 10:00:00.5+02' as varchar) as half_second,
    timestamptz '2020-01-01 10:00:00+00'::varchar as whole,
    timestamptz '1969-12-31 23:59:59.999999+00'::varchar as before_epoch,
    timestamptz '0044-03-15 10:00:00+00'::varchar as early,
    timestamptz '2020-01-15 10:00:00.000001+00'::varchar like '%+00' as suffix;

-- name: to_timestamp_and_date
select cast(timestamptz '2020-01-01 10:00:00+02' as timestamp) as wall,
    cast(timestamptz '2020-01-01 23:00:00-02' as date) as next_day,
    cast(timestamptz '1969-12-31 23:59:59+00' as date) as before_epoch,
    cast(timestamp '2020-01-01 10:00:00' as timestamptz) as from_ts,
    cast(date '2020-02-29' as timestamptz) as from_date;

-- name: compare_mixed
select timestamp '2020-01-01 10:00:00' = timestamptz '2020-01-01 10:00:00+00' as eq_ts,
    date '2020-01-01' < timestamptz '2020-01-01 00:00:01+00' as lt_date,
    timestamptz '2020-01-01 10:00+00' = timestamptz '2020-01-01 12:00+02' as same_instant,
    timestamptz '2020-01-01 10:00+00' = '2020-01-01 12:00+02' as eq_string,
    timestamptz '2020-01-01 10:00+00' between date '2020-01-01' and timestamp '2021-01-01' as btw,
    timestamptz '2020-01-01 10:00+00' <> null as with_null;

-- name: supertypes
select coalesce(null, timestamp '2020-01-01', timestamptz '2020-01-01 00:00+00') as c,
    greatest(date '2020-01-02', timestamptz '2020-01-01 12:00+00') as g,
    least(timestamp '2020-01-01 11:00', timestamptz '2020-01-01 12:00+02') as l,
    case when 1 = 1 then timestamptz '2020-01-01 00:00+00' else date '2020-01-01' end as c2;

-- name: columns
select id, tz, kz, ts, s from t_tz order by id;

-- name: column_casts
select id, s::timestamptz as parsed, tz::varchar as text, kz::varchar as ktext, tz::timestamp as wall,
    tz::date as day, ts::timestamptz as from_ts, cast(s as timestamptz) = tz as same
from t_tz
order by id;

-- name: column_compare
select id, tz = kz as eq_kz, tz < ts as lt_ts, tz > date '2000-01-01' as after_date,
    tz >= timestamptz '2020-01-01 11:00:00+01' as ge_literal
from t_tz
order by id;

-- name: where_filter
select id from t_tz where tz > timestamp '2000-01-01' and tz < timestamptz '2030-01-01 00:00+00'
order by id;

-- name: where_string
select id from t_tz where tz = '2020-01-01 12:00:00+02' order by id;

-- name: order_by
select id, tz from t_tz order by tz desc nulls last, id;

-- name: order_by_kz
select id from t_tz order by kz nulls first, id;

-- name: group_by
select tz, count(*) as n from t_tz group by tz order by tz nulls last;

-- name: group_by_day
select tz::date as day, count(*) as n, min(id) as first from t_tz group by day order by day nulls first;

-- name: min_max
select min(tz) as lo, max(tz) as hi, min(kz) as klo, max(kz) as khi, count(tz) as n from t_tz;

-- name: min_max_empty
select min(tz) as lo, max(tz) as hi, count(*) as n from t_tz where id > 100;

-- name: empty_input
select id, tz, tz::varchar as text, date_trunc('day', tz) as day from t_tz where id < 0;

-- name: self_join
select a.id, b.id as other from t_tz a join t_tz b on a.tz = b.tz order by a.id, other;

-- name: join_with_timestamp
select a.id, b.id as other
from t_tz a join t_tz b on a.tz = b.ts - interval 1 hour
order by a.id, other;

-- name: left_join_date
select a.id, b.id as other
from t_tz a left join t_tz b on a.tz::date = b.kz::date and a.id < b.id
order by a.id, other;

-- name: distinct_instants
select count(distinct tz) as n, count(distinct kz) as k from t_tz;

-- name: parts
select id, year(tz) as y, month(tz) as m, day(tz) as d, hour(tz) as h, minute(tz) as mi,
    second(tz) as s, extract(microsecond from tz) as us, dayofweek(tz) as dow,
    dayofyear(tz) as doy, quarter(tz) as q, week(tz) as w, date_part('epoch', tz) as ep
from t_tz
order by id;

-- name: zone_parts
select date_part('timezone', timestamptz '2020-01-15 10:00+02') as tz_s,
    date_part('timezone_hour', timestamptz '2020-01-15 10:00+02') as tz_h,
    date_part('timezone_minute', timestamptz '2020-01-15 10:00+02') as tz_m,
    extract(hour from timestamptz '2020-01-15 10:00+02') as h;

-- name: names
select id, dayname(tz) as dn, monthname(tz) as mn, last_day(tz) as ld from t_tz order by id;

-- name: date_trunc
select id, date_trunc('year', tz) as y, date_trunc('month', tz) as m, date_trunc('day', tz) as d,
    date_trunc('hour', tz) as h, date_trunc('week', tz) as w, date_trunc('second', kz) as s
from t_tz
order by id;

-- name: interval_arithmetic
select id, tz + interval 1 day as plus_day, tz - interval 3 hour as minus_hours,
    tz + interval 1 month as plus_month, interval 90 minute + kz as plus_minutes,
    date_add(tz, interval 2 year) as date_add
from t_tz
order by id;

-- name: date_diff
select id, date_diff('day', tz, timestamptz '2021-01-01 00:00+00') as days,
    date_diff('hour', ts, tz) as hours, date_diff('month', date '2000-01-01', tz) as months,
    date_sub('minute', tz, ts) as minutes, datediff('year', kz, tz) as years
from t_tz
order by id;

-- name: epochs
select id, epoch(tz) as e, epoch_ms(tz) as ms, epoch_us(tz) as us, epoch_ms(kz) as kms
from t_tz
order by id;

-- name: strftime
select id, strftime(tz, '%Y-%m-%d %H:%M:%S.%f %z %Z') as text, strftime(kz, '%c') as c
from t_tz
order by id;

-- name: strftime_zone_codes
select strftime(timestamptz '2020-01-15 10:00+02', '%Y-%m-%d %H:%M:%S %z %Z') as tz,
    strftime(timestamp '2020-01-15 10:00', '%z|%Z') as ts,
    strftime(date '2020-01-15', '%z|%Z') as d;

-- name: to_timestamp
select to_timestamp(0) as zero, to_timestamp(1.5) as frac, to_timestamp(-0.5) as negative,
    to_timestamp(1.0000005) as half_micro, to_timestamp(1700000000) as recent,
    to_timestamp(null) as null_arg;

-- name: to_timestamp_column
select id, to_timestamp(c) as t from t_nulls order by id;

-- name: typeof
select typeof(timestamptz '2020-01-01 00:00+00') as lit, typeof(now()) as now,
    typeof(current_timestamp) as cur, typeof(get_current_timestamp()) as gct,
    typeof(transaction_timestamp()) as tt, typeof(to_timestamp(1)) as tot,
    typeof(date_trunc('month', now())) as trunc, typeof(now() + interval 1 day) as plus,
    typeof(coalesce(timestamp '2020-01-01', now())) as super, typeof(now()::timestamp) as ts;

-- name: typeof_column
select distinct typeof(tz) as a, typeof(kz) as b from t_tz;

-- name: typeof_aggregate
select typeof(max(tz)) as c, typeof(min(kz)) as d from t_tz;

-- name: now_stable
select now() > timestamp '2020-01-01' as after_2020, now() < timestamptz '2200-01-01 00:00+00' as before,
    now() = current_timestamp as same, get_current_timestamp() = transaction_timestamp() as same2,
    now()::date = current_date as today, current_date - now()::date as zero_days,
    date_trunc('year', now()) = date_trunc('year', current_date) as year_start;

-- name: now_per_row
select count(distinct now()) as n, count(distinct current_timestamp) as m, count(*) as rows
from orders;

-- name: now_in_filter
select count(*) as n from t_tz where tz < now();

-- name: nulls
select cast(null as timestamptz) as n, null::timestamptz::varchar as v,
    cast(null::timestamptz as date) as d, year(null::timestamptz) as y,
    date_trunc('day', null::timestamptz) as t, null::timestamptz + interval 1 day as p,
    coalesce(null::timestamptz, timestamptz '2020-01-01 00:00+00') as c;

-- name: union_mixed
select tz as x from t_tz where id <= 2
union all
select ts from t_tz where id = 3
union all
select date '2020-01-01'
order by x nulls first;

-- name: window_order
select id, row_number() over (order by tz nulls last, id) as rn,
    lag(tz) over (order by id) as prev
from t_tz
order by id;

-- name: case_and_in
select id, case when tz < timestamp '2000-01-01' then 'old' when tz is null then 'none' else 'new' end as age,
    tz in (timestamptz '2020-01-01 10:00:00+00', timestamptz '1900-03-01 00:00:00.000001+00') as listed
from t_tz
order by id;

-- name: string_concat
select id, 'at ' || tz as text, concat(tz, '!') as c from t_tz order by id;

-- name: strptime_offsets
select strptime('2020-01-15 10:00 +0200', '%Y-%m-%d %H:%M %z') as compact,
    strptime('2020-01-15 10:00 +02:30', '%Y-%m-%d %H:%M %z') as colon,
    strptime('2020-01-15 10:00 -02', '%Y-%m-%d %H:%M %z') as hours,
    strptime('2020-01-15 10:00 UTC', '%Y-%m-%d %H:%M %Z') as named,
    strptime('2020-01-15 10:00 +0200 UTC', '%Y-%m-%d %H:%M %z %Z') as both,
    try_strptime('2020-01-15 10:00', '%Y-%m-%d %H:%M %z') as missing,
    strptime(null, '%Y %z') as null_text;

-- name: strptime_offset_column
select id, strptime(s, '%Y-%m-%d %H:%M:%S%z') as parsed from t_tz where id in (1, 2) order by id;

-- name: strptime_formats_list
select strptime('2020-01-15 10:00', ['%Y-%m-%d %H:%M %z', '%Y-%m-%d %H:%M']) as first_fails;

-- name: unnamed_columns
select timestamptz '2020-01-01 10:00+02', TIMESTAMPTZ '2020-01-01 10:00+02' < now(),
    '2020-01-01'::timestamp with time zone, cast('2020-01-01' as timestamptz)::varchar,
    current_timestamp > date '2020-01-01', to_timestamp(1), typeof(current_timestamp),
    date_trunc('day', timestamptz '2020-01-01 10:00+02');

-- name: interval_amount_column
select id, tz - interval (id) day as minus_days, tz + to_hours(id) as plus_hours from t_tz order by id;

-- name: date_column_as_instant
select id, d::timestamptz as x, d::timestamptz::varchar as y, d < d::timestamptz + interval 1 second as z
from t_nulls
order by id;

-- name: filters_on_instants
select id from t_tz
where tz is distinct from kz or tz::varchar like '2020%' or date_trunc('day', tz) = date '1900-03-01'
order by id;

-- name: aggregate_filter
select max(tz) filter (where id > 1) as m, min(kz) filter (where tz > date '2000-01-01') as k from t_tz;

-- Intervals of instants: TIMESTAMPTZ minus TIMESTAMPTZ, TIMESTAMP or DATE (either side), AGE
-- of instants with instants, wall clocks and dates (all in the session zone, UTC), instants
-- moved by an INTERVAL column and by computed intervals.

-- name: instant_differences
select a.id as a, b.id as b, a.tz - b.tz as tz_tz, a.tz - b.ts as tz_ts, a.ts - b.tz as ts_tz,
    a.kz - b.tz as kz_tz
from t_tz a, t_tz b
where a.id <= b.id
order by a.id, b.id;

-- name: instant_minus_date
select id, tz - date '2020-01-01' as tz_d, date '2020-01-01' - tz as d_tz,
    tz - tz::date as since_midnight, typeof(tz - date '2020-01-01') as t
from t_tz
order by id;

-- name: instant_difference_literals
select timestamptz '2020-03-01 10:00:00+00' - timestamptz '2020-01-01 00:00:00+02' as a,
    timestamp '2020-03-01 10:00:00' - timestamptz '2020-01-01 00:00:00+05:30' as b,
    timestamptz '1969-12-31 23:59:59.5+00' - timestamptz '1970-01-02 00:00:00.25+00' as c,
    date '2020-01-01' - timestamptz '2020-03-01 10:00:00+05:30' as d,
    typeof(timestamptz '2020-03-01 10:00:00+00' - timestamp '2020-01-01') as t;

-- name: instant_difference_nulls
select null - timestamptz '2020-01-01 00:00+00' as a, timestamptz '2020-01-01 00:00+00' - null as b,
    timestamptz '2020-01-01 00:00+00' - null::timestamp as c,
    null::date - timestamptz '2020-01-01 00:00+00' as d;

-- name: instant_difference_empty
select tz - ts as x, age(tz, ts) as y from t_tz where id < 0;

-- name: age_of_instants
select a.id as a, b.id as b, age(a.tz, b.tz) as tz_tz, age(a.tz, b.ts) as tz_ts,
    age(b.ts, a.tz) as ts_tz, age(a.kz, b.tz::date) as kz_d
from t_tz a, t_tz b
order by a.id, b.id;

-- name: age_of_instant_literals
select age(timestamptz '2020-03-01 10:00:00+00', timestamptz '2019-01-31 11:00:00+00') as a,
    age(timestamptz '2020-03-01 10:00:00+00', timestamp '2019-01-31 11:00:00') as b,
    age(date '2020-03-01', timestamptz '2019-01-31 11:00:00+00') as c,
    age(timestamptz '2019-01-31 11:00:00+00', date '2020-03-01') as d,
    age(timestamptz '2024-02-29 23:59:59.999999+00', timestamptz '1969-12-31 23:59:59.5+00') as e,
    age(null::timestamptz, timestamptz '2020-01-01 00:00+00') as f,
    typeof(age(timestamptz '2020-03-01 10:00:00+00', timestamp '2019-01-31')) as t;

-- name: instant_plus_interval_column
select i.id as i, t.id as t, t.tz + i.iv as plus, t.tz - i.iv as minus, i.iv + t.kz as k
from t_iv i, t_tz t
where t.id in (1, 4, 5, 6) or t.tz is null
order by i.id, t.id;

-- name: instant_plus_computed_intervals
select id, tz + (tz - ts) as doubled, tz + age(ts, timestamp '2000-02-29') as plus_age,
    tz - interval 1 month / 3 as minus_third, tz + 2 * (interval 1 day - interval 1 hour) as plus_two,
    tz + null::interval as null_interval, typeof(tz - interval 1 month / 3) as t
from t_tz
order by id;

-- name: parts_of_instant_differences
select id, epoch(tz - timestamptz '2020-01-01 00:00+00') as e,
    extract(day from tz - ts) as day, extract(hour from tz - date '1970-01-01') as hour,
    date_part('epoch', age(tz, timestamp '1970-01-01')) as age_epoch,
    extract(year from age(tz, timestamp '1970-01-01')) as age_year,
    (tz - timestamptz '1900-01-01 00:00+00')::varchar as text
from t_tz
order by id;

-- name: interval_comparisons_of_instants
select id from t_tz
where tz - ts > interval '-2 hours' and tz - date '1900-01-01' >= interval '1 day'
order by id;

-- name: now_minus_past
select now() - timestamp '2020-01-01' > interval '1 day' as a,
    timestamptz '2020-01-01 00:00+00' - now() < interval '0 days' as b,
    now() - now() = interval 0 second as c, current_timestamp - date '2020-01-01' > interval 30 day as d,
    age(now(), timestamp '2020-01-01') > interval '1 year' as e,
    typeof(now() - timestamp '2020-01-01') as t1, typeof(current_timestamp - current_timestamp) as t2;

-- name: instant_differences_grouped
select tz - ts as delta, count(*) as n, min(id) as first_id
from t_tz
group by tz - ts
order by delta;

-- DuckDB's calendar moves an instant by an interval with a negative part time first, then
-- months, then days, and by any other months, days, time; parts below a millisecond are
-- carried first. Wall clocks (TIMESTAMP) always move months first.

-- name: instant_interval_order
select timestamptz '2000-03-01 00:00+00' - interval '1 month 1 second' as a,
    timestamp '2000-03-01 00:00' - interval '1 month 1 second' as a_wall,
    timestamptz '2000-03-31 00:00+00' + to_months(-1) + to_days(-3) as b,
    timestamptz '2000-03-31 00:00+00' + (to_months(-1) + to_days(-3)) as b_one,
    timestamptz '2000-01-30 23:59:59+00' + (to_months(1) + to_seconds(-1)) as c,
    timestamptz '2000-03-30 23:59:59+00' + (to_months(-1) + to_seconds(1)) as d,
    timestamptz '2000-01-30 23:59:59.999999+00' + (to_months(1) + to_microseconds(1)) as e,
    timestamptz '1969-12-31 23:59:59.999999+00' - (to_months(1) + to_microseconds(999)) as f,
    timestamptz '1900-03-01 00:00:00.000001+00' - interval '14 months 3 days 04:05:06' as g;

-- name: range_frame_instants_interval
select id, count(*) over (order by tz range between interval '1 month 1 second' preceding
        and interval '1 day' following) as n,
    min(id) over (order by tz desc range between interval '100 years' preceding and current row) as m
from t_tz
order by id;

-- name: instant_difference_sub_milliseconds
select (timestamptz '1969-12-30 23:59:59.9995+00' - timestamptz '1969-12-30 00:00+00')::varchar as a,
    (timestamp '1969-12-30 23:59:59.9995' - timestamp '1969-12-30 00:00')::varchar as a_wall,
    timestamptz '1969-12-30 00:00+00' - timestamptz '1969-12-30 23:59:59.9995+00' as b,
    timestamptz '2020-01-01 00:00:00.0007+00' - timestamptz '2019-12-31 00:00:00.0009+00' as c,
    timestamptz '1969-12-31 23:59:59.9999+00' - timestamp '1969-12-31 23:59:59.0001' as d,
    date '1970-01-01' - timestamptz '1969-12-31 23:59:59.9999+00' as e;

-- name: date_sub_instants_calendar
select date_sub('month', timestamptz '2021-03-29 05:15+00', timestamptz '2021-02-28 10:50+00') as back,
    date_sub('month', timestamptz '2021-02-28 10:50+00', timestamptz '2021-03-29 05:15+00') as fwd,
    date_sub('month', timestamp '2021-03-29 05:15', timestamp '2021-02-28 10:50') as back_wall,
    date_sub('year', timestamptz '2025-02-28 00:00+00', timestamptz '2024-02-29 00:00+00') as year_back,
    date_sub('quarter', timestamptz '2020-05-31 00:00+00', timestamptz '2020-02-29 00:00+00') as quarter_back,
    date_sub('day', timestamptz '1969-12-30 00:00+00', timestamptz '1969-12-30 23:59:59.9995+00') as day_sub_ms,
    date_sub('hour', timestamptz '1969-12-30 22:00:00.0005+00', timestamptz '1969-12-30 23:59:59.9995+00') as hour_sub_ms;

-- name: date_sub_instant_columns
select a.id as a, b.id as b, date_sub('month', a.tz, b.tz) as m, date_sub('day', a.tz, b.kz) as d,
    date_sub('year', b.tz, a.ts) as y
from t_tz a, t_tz b
order by a.id, b.id;
