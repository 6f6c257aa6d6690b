-- INTERVAL values: literals of every unit and compound texts, TO_* functions, AGE, TIMESTAMP
-- differences, interval arithmetic, comparisons ('1 month' = '30 days'), ORDER BY, GROUP BY,
-- DISTINCT, joins, set operations, CASE/COALESCE, MIN/MAX/AVG, EXTRACT/DATE_PART/EPOCH, casts
-- to and from VARCHAR, TYPEOF; an Arrow month_day_nano column (t_iv) with a NULL; empty input.

-- name: literal_units
select interval 3 day as d, interval '3' day as d2, interval 2 year as y, interval 5 month as mo,
    interval 2 quarter as q, interval 3 week as w, interval 4 hour as h, interval 5 minute as mi,
    interval 6 second as s, interval 7 millisecond as ms, interval 8 microsecond as us,
    interval 1 decade as dec, interval 1 century as c, interval 1 millennium as mil;

-- name: literal_compound_texts
select interval '1 year 2 months 3 days 04:05:06' as a, interval '1 year 2 months 3 days 04:05:06.5' as b,
    '3 days ago'::interval as c, interval '-1 day 2 hours ago' as d, interval '1.5 days' as e,
    interval '1.5 months' as f, interval '1.5 years' as g, interval '10:00' as h, interval '-00:00:01' as i,
    interval '2 mons 3 hrs' as j, interval '1 h 2 m' as k, interval '1:02:03.1234567' as l,
    interval '100 hours' as m, interval '1 day -1 second' as n, interval '0.0000005 seconds' as o;

-- name: literal_plural_units
select interval 3 days as a, interval 2 weeks as b, interval 5 hours as c, interval 10 minutes as d,
    interval 2 years as e, interval '3 days' as f, interval '90 minutes' as g;

-- name: literal_fraction_units
select interval '1.5' day as a, interval '2.25' hour as b, interval (1.5) second as c, interval (1.5) day as d,
    interval (1.7) hour as e, interval (2.5) minute as f, interval (2.5) millisecond as g;

-- name: literal_text_casts
select '1 day'::interval as a, cast('1 year 2 months' as interval) as b, '42'::interval as c,
    ' 1 DAY '::interval as d, '1d'::interval as e, '1 day 1 day'::interval as f;

-- name: interval_to_text
select (interval '1 year 2 months 3 days 04:05:06.5')::varchar as a, (-interval '1 year 2 months 3 days 04:05:06.5')::varchar as b,
    interval '1 microsecond'::varchar as c, interval '100 hours'::varchar as d, interval '-1 second'::varchar as e,
    interval '1 day -1 second'::varchar as f, interval '2 years'::varchar as g, interval '1 year'::varchar as h,
    interval '0 days'::varchar as i, interval '1 month -1 day'::varchar as j, interval 13 month::varchar as k;

-- name: column_to_text
select id, iv::varchar as t, cast(iv as varchar) || '!' as u from t_iv order by id;

-- name: text_column_round_trip
select id, cast(iv::varchar as interval) as back, cast(iv::varchar as interval) = iv as same from t_iv order by id;

-- name: typeof_interval
select typeof(interval 1 day) as a, typeof(to_days(2)) as b, typeof(timestamp '2020-01-01' - timestamp '2019-01-01') as c,
    typeof(age(timestamp '2020-01-01', timestamp '2019-01-01')) as d, typeof('1 day'::interval) as e,
    typeof(interval 1 day * 2) as f, typeof(interval 1 day / 2) as g;

-- name: to_functions
select to_years(2) as y, to_months(14) as mo, to_days(3) as d, to_weeks(2) as w, to_hours(5) as h,
    to_minutes(90) as mi, to_seconds(61) as s, to_milliseconds(1500) as ms, to_microseconds(7) as us,
    to_decades(1) as dec, to_centuries(1) as c, to_millennia(1) as mil, to_quarters(3) as q;

-- name: to_functions_fractions_and_columns
select id, to_days(a) as d, to_hours(a) as h, to_seconds(c) as s, to_milliseconds(c) as ms,
    to_microseconds(a) as us, to_months(a) as mo
from t_nulls order by id;

-- name: to_seconds_fractions
select to_seconds(1.5) as a, to_seconds(1.0000005) as b, to_milliseconds(1.5) as c, to_seconds(2.5::decimal(4,2)) as d,
    to_seconds(-0.25) as e;

-- name: interval_with_nulls
select cast(null as interval) as a, to_days(null) as b, interval 1 day + cast(null as interval) as c,
    interval (null) hour as d, cast(null as varchar)::interval as e;

-- name: timestamp_differences
select timestamp '2024-01-01 10:00' - timestamp '2023-01-01' as a, timestamp '2023-01-01' - timestamp '2024-01-01 10:00' as b,
    date '2023-01-01' - timestamp '2024-01-01 10:00' as c, timestamp '2024-01-01 10:00' - date '2023-01-01' as d,
    timestamp '2020-01-01 00:00:00.5' - timestamp '2020-01-01' as e;

-- name: timestamp_difference_columns
select a.id, b.id as other, a.ts - b.ts as diff, a.ts - b.ts::date as to_date, b.ts::date - a.ts as from_date
from t_iv a, t_iv b where a.id <= 4 and b.id >= 5 order by a.id, other;

-- name: date_column_minus_timestamp
select id, d - timestamp '1995-01-31 12:00' as diff, timestamp '2000-01-01' - d as back from t_nulls order by id;

-- name: age_two_arguments
select age(timestamp '2020-03-31', timestamp '2020-02-29 10:00') as a, age(timestamp '2020-02-29 10:00', timestamp '2020-03-31') as b,
    age(date '2020-01-31', date '2020-03-01') as c, age(timestamp '2024-01-01 10:00', timestamp '2023-02-03') as d,
    age(date '2024-01-01', date '2023-02-03') as e, age(timestamp '2001-04-10', timestamp '1957-06-13') as f,
    age(date '2020-03-01', date '2020-01-31') as g, age(timestamp '2020-01-01', timestamp '2020-01-01') as h;

-- name: age_columns
select a.id, b.id as other, age(a.ts, b.ts) as age, age(b.ts, a.ts) as back
from t_iv a, t_iv b where a.id < b.id order by a.id, other;

-- name: age_dates
select id, age(d, date '1995-03-15') as a, age(date '1995-03-15', d) as b, age(d, null) as c from t_nulls order by id;

-- name: interval_plus_minus
select interval 1 day + interval 2 hour as a, interval 1 day - interval 1 month as b, -interval '1 month 2 days 3 hours' as c,
    interval '1 month -1 day' - interval '29 days' as d, (interval 1 year + interval 1 month) - interval 3 day as e;

-- name: interval_column_arithmetic
select id, iv + interval 1 day as a, iv - interval '1 month' as b, -iv as c, iv + iv as d, iv - iv as e
from t_iv order by id;

-- name: interval_times_numbers
select interval 3 day * 2.5 as a, interval 3 day / 2 as b, interval '1 month' / 3 as c, interval '1 month' * 1.5 as d,
    (interval '1 month 1 day 1 hour' * 1.5) as e, interval '1 month 1 day 1 hour' * 0.3333 as f,
    interval '1 month 1 day 1 hour' / 3.5 as g, interval 1 month / 7 as h, 2.5 * interval 1 day as i,
    3 * interval '1 month 2 days 00:00:01' as j, interval 1 day * 3::bigint as k, interval '5 months' / 2 as l,
    interval '1 month' * (-1.5) as m, interval '1 month 1 day' / -4 as n;

-- name: interval_times_columns
select id, iv * n as a, n * iv as b, iv * 1.5 as c, iv / 4 as d, iv * c_ as e
from (select *, n / 2 as c_ from t_iv) order by id;

-- name: timestamp_plus_interval_column
select id, ts + iv as a, ts - iv as b, iv + ts as c, ts::date + iv as d, ts + iv * 2 as e
from t_iv order by id;

-- name: date_plus_fractional_intervals
select id, d + 2.5 * interval 1 day as a, d + interval (c) second as b, d - c * interval 1 hour as e,
    d + to_days(a) as f, d + to_hours(a) as g, d + to_seconds(c) as h, d - to_milliseconds(c * 1000) as i
from t_nulls order by id;

-- name: date_plus_interval_texts
select id, d + interval '1 year 2 months 3 days 04:05:06' as a, d - interval '1 month -1 day' as b,
    d + '1 day'::interval as c
from t_nulls order by id;

-- name: timestamp_difference_plus_back
select a.id, b.id as other, b.ts + (a.ts - b.ts) = a.ts as back
from t_iv a, t_iv b where a.ts is not null and b.ts is not null order by a.id, other;

-- name: compare_normalised
select interval '30 days' = interval '1 month' as a, interval '29 days 24 hours' = interval '1 month' as b,
    interval '1 month -1 day' = interval '29 days' as c, interval '-1 day' = interval '-24 hours' as d,
    interval '1 month -1 day' < interval '29 days 1 hour' as e, interval '1 day -1 hour' = interval '23 hours' as f,
    interval '-1 month 31 days' = interval '1 day' as g, interval '1 day' > interval '23 hours' as h,
    interval '1 year' <> interval '360 days' as i, interval '1 year' >= interval '365 days' as j,
    interval 1 day < '25 hours' as k, interval 2 day between interval 1 day and interval '48 hours' as l;

-- name: compare_columns
select a.id, b.id as other, a.iv = b.iv as eq, a.iv < b.iv as lt, a.iv >= b.iv as ge, a.iv <> b.iv as ne
from t_iv a, t_iv b order by a.id, other;

-- name: where_interval
select id from t_iv where iv > interval '1 day' and iv <= interval '1 year 3 months' order by id;

-- name: where_interval_equals_text
select id from t_iv where iv = '1 month' order by id;

-- name: order_by_interval
select id, iv from t_iv order by iv, id;

-- name: order_by_interval_desc_nulls_first
select id, iv from t_iv order by iv desc nulls first, id;

-- name: order_by_interval_limit
select id, iv from t_iv order by iv desc, id limit 3;

-- name: group_by_interval
select iv = interval '30 days' as month_like, count(*) as n, min(id) as first from t_iv group by iv order by first;

-- name: group_by_interval_values
select count(*) as n, min(id) as first from (values (1, interval '30 days'), (2, interval '1 month'), (3, interval '720 hours'), (4, interval '1 day'), (5, null), (6, interval '24 hours')) t(id, x) group by x order by first;

-- name: distinct_interval_count
select count(distinct iv) as n, count(iv) as m from t_iv;

-- name: distinct_interval_values
select distinct iv::varchar as t from t_iv where id not in (1, 2, 3) order by t;

-- name: group_key_with_aggregates
select g, count(*) as n, min(iv) as lo, max(iv) as hi from t_iv where id not in (2, 3) group by g order by g nulls last;

-- name: min_max_interval
select min(iv) as lo, max(iv) as hi from t_iv where id <> 2 and id <> 3;

-- name: avg_interval
select avg(x) as a from (values (interval '30 days'), (interval '1 month'), (interval '1 day 3 hours')) t(x);

-- name: avg_interval_groups
select g, avg(iv) as a from t_iv group by g order by g nulls last;

-- name: join_on_interval
select a.id, b.id as other from t_iv a join t_iv b on a.iv = b.iv order by a.id, other;

-- name: join_on_interval_values
select t.id, v.name from t_iv t join (values (interval '1 month', 'month'), (interval '1 day -1 hour', 'day-ish'), (interval '0 seconds', 'zero')) v(x, name)
    on t.iv = v.x order by t.id, v.name;

-- name: union_intervals
select interval 1 day as x union all select interval '1 month' union all select null union all select iv from t_iv where id = 5 order by x nulls first;

-- name: union_distinct_intervals
select x from (select interval '30 days' as x union select interval '30 days' union select interval '1 day') order by x;

-- name: intersect_except_intervals
select count(*) as n from (select iv from t_iv intersect select iv from t_iv where id > 4);

-- name: case_and_coalesce
select id, case when id % 2 = 0 then iv else interval 1 hour end as a, coalesce(iv, interval '7 days') as b,
    case when n > 1 then iv * n end as c, nullif(iv, interval '1 month') as d
from t_iv order by id;

-- name: case_interval_scattered
select id, case when n > 0 then iv / n when n < 0 then -iv else interval 0 second end as v from t_iv order by id;

-- name: extract_interval_parts
select date_part(['year', 'month', 'day', 'hour', 'minute', 'second', 'millisecond', 'microsecond', 'epoch', 'quarter', 'decade', 'century', 'millennium'],
    interval '1234 years 14 months 40 days 27:59:59.123456') as p;

-- name: extract_negative_interval_parts
select extract(year from i) as y, extract(month from i) as mo, extract(day from i) as d, extract(hour from i) as h,
    extract(minute from i) as mi, extract(second from i) as s, extract(millisecond from i) as ms,
    extract(microsecond from i) as us, extract(epoch from i) as e, extract(quarter from i) as q
from (select -interval '1234 years 14 months 40 days 27:59:59.123456' as i);

-- name: extract_interval_columns
select id, extract(epoch from iv) as e, date_part('day', iv) as d, extract(hour from iv) as h, epoch(iv) as ep,
    extract(year from iv) as y, extract(month from iv) as m, date_part('minute', iv) as mi
from t_iv order by id;

-- name: epoch_of_differences
select epoch(timestamp '2024-01-01 10:00' - timestamp '2023-01-01') as a, extract(epoch from interval '1 month 2 days 3 hours') as b,
    epoch(interval '1 month') as c;

-- name: interval_in_list
select id, iv in (interval '24 hours', interval '30 days') as hit from t_iv order by id;

-- name: interval_is_null
select id, iv is null as missing, iv is distinct from interval '1 month' as other from t_iv order by id;

-- name: interval_empty_input
select iv, iv + interval 1 day as a, iv::varchar as t, ts - ts as z from t_iv where id > 100;

-- name: interval_empty_aggregates
select count(iv) as n, min(iv) as lo, max(iv) as hi from t_iv where id > 100;

-- name: interval_from_empty_table
select d - timestamp '2000-01-01' as diff, to_days(a) as days, age(d, d) as age from t_empty;

-- name: interval_group_non_ascii
select g, count(*) as n, sum(epoch(iv)) as s from t_iv group by g order by g nulls first;

-- name: interval_window
select id, iv, row_number() over (order by iv, id) as r, rank() over (order by iv) as rk from t_iv order by id;

-- name: interval_partition
select id, count(*) over (partition by iv) as n from t_iv order by id;

-- name: interval_subquery
select id from t_iv where iv = (select max(iv) from t_iv) order by id;

-- name: interval_cte_values
with v(x) as (values (interval '1 day'), (interval '2 days'), (null)) select x, x * 2 as y, x::varchar as t from v order by x nulls last;

-- name: window_frame_min_max
select id, min(iv) over (order by id rows between 1 preceding and current row) as lo,
    max(iv) over (order by id rows between 2 preceding and 1 following) as hi
from t_iv order by id;

-- name: window_lag_lead_first
select id, lag(iv) over (order by id) as l, lead(iv, 2) over (order by id) as l2, first_value(iv) over (order by id) as f
from t_iv order by id;

-- name: window_partition_aggregates
select id, max(iv) over (partition by g) as m, min(iv) over (partition by g) as lo, avg(iv) over (partition by g) as a
from t_iv order by id;

-- name: window_range_order_by_interval
select id, count(iv) over (order by iv range between unbounded preceding and current row) as c from t_iv order by id;

-- name: min_max_ties_keep_the_last
select min(x) as lo, max(x) as hi, min(y) as lo2
from (values (interval '1 month', interval '720 hours'), (interval '30 days', interval '1 month'),
             (interval '29 days 24 hours', interval '30 days')) t(x, y);

-- name: arg_min_max_by_interval
select arg_min(id, iv) as a, arg_max(id, iv) as b, arg_min(iv, id) as c, arg_max(iv, id) as d from t_iv;

-- name: first_last_any_value
select first(iv order by id) as f, last(iv order by id) as l, any_value(iv) is not null as a from t_iv;

-- name: count_and_min_distinct
select count(distinct iv) as n, min(distinct iv) as m from t_iv where id <> 1;

-- name: in_subquery_of_intervals
select id from t_iv where iv in (select iv from t_iv where id = 1) order by id;

-- name: not_in_interval_list
select id from t_iv where iv not in (interval '1 day', interval '30 days') order by id;

-- name: simple_case_on_interval
select id, case iv when interval '1 month' then 'month' when interval '1 day -1 hour' then 'x' else 'other' end as c
from t_iv order by id;

-- name: is_not_distinct_from_interval
select id, iv is not distinct from interval '30 days' as same from t_iv order by id;

-- name: having_on_interval
select g, count(*) as n from t_iv group by g having max(iv) > interval '1 day' order by g;

-- name: interval_text_functions
select id, iv::varchar like '%month%' as m, concat('x', iv) as c, iv || '' as d from t_iv order by id;

-- name: between_timestamps_and_intervals
select id, ts between ts - interval 1 day and ts + iv as b from t_iv order by id;

-- name: left_join_on_interval
select a.id, b.id as other from t_iv a left join t_iv b on a.iv = b.iv and a.id <> b.id order by a.id, other;

-- name: exists_on_interval
select a.id from t_iv a where exists (select 1 from t_iv b where b.iv = a.iv and b.id <> a.id) order by a.id;

-- name: union_distinct_with_column
select count(*) as n, count(x) as m from (select iv as x from t_iv union select interval '30 days');

-- name: to_functions_plus_timestamps
select id, to_days(id) + ts as a, timestamp '2020-01-31' + to_months(id) as b, ts - to_hours(n) as c
from t_iv order by id;

-- name: interval_factor_columns_on_dates
select id, d + interval (a) day * 2 as x, date '2020-01-01' + interval '1 month' * 1.5 as y from t_nulls order by id;

-- name: date_part_epoch_column
select id, date_part('epoch', iv) as e, date_part('year', iv) as y from t_iv order by id;

-- name: age_of_timestamp_and_its_date
select id, age(ts, ts::date) as a from t_iv order by id;

-- name: aggregates_of_epochs
select sum(epoch(iv)) as s, avg(epoch(iv)) as a from t_iv;

-- name: compare_with_text_constant
select count(*) as n from t_iv where iv > '1 day';

-- name: tpch_filter_with_compound_interval
select count(*) as n, min(l_shipdate) as lo from lineitem
where l_shipdate > date '1998-12-01' - interval '1 year 2 months 3 days' and l_shipdate <= date '1998-12-01' - to_days(30);

-- name: tpch_ship_delays_as_intervals
select l_shipmode, min(l_receiptdate::timestamp - l_shipdate::timestamp) as fastest, max(epoch(age(l_receiptdate, l_shipdate))) as slowest,
    avg(l_receiptdate - l_shipdate::timestamp) as mean
from lineitem group by l_shipmode order by l_shipmode;

-- name: tpch_orders_within_interval_of_ship
select count(*) as n from orders join lineitem on o_orderkey = l_orderkey
where l_shipdate - o_orderdate::timestamp < interval '30 days' and age(l_commitdate, o_orderdate) >= interval '1 month';

-- name: typeof_interval_column
select typeof(iv) as t, typeof(iv + iv) as u, typeof(ts - ts) as v from t_iv order by id limit 1;

-- name: group_key_shows_the_first_rows_interval
select iv, count(*) as n from t_iv group by iv order by n desc, iv;

-- name: group_all_intervals
select iv, count(*) as n from t_iv group by all order by iv;

-- name: timestamps_plus_interval_column_units
select id, ts + interval (n) month as a, ts - interval (n) week as b, date_add(ts, iv) as c from t_iv order by id;

-- name: coalesce_ifnull_if_intervals
select id, coalesce(null, iv, interval 1 day) as a, ifnull(iv, interval 2 day) as b, if(n > 1, iv, null) as c from t_iv order by id;

-- name: string_agg_of_interval_texts
select g, string_agg(iv::varchar, ',' order by id) as s from t_iv group by g order by g;

-- name: timestamp_gaps_with_lag
select id, ts - lag(ts) over (order by id) as gap from t_iv order by id;

-- name: union_of_interval_sources
select interval 1 day as x union all select to_days(2) union all select ts - ts from t_iv where id = 1 order by x;

-- name: aggregate_filters_on_intervals
select sum(n) filter (where iv > interval 1 day) as s, count(*) filter (where iv = interval '1 month') as c from t_iv;

-- name: row_number_partitioned_by_interval
select id, row_number() over (partition by iv order by id) as r from t_iv order by id;

-- name: between_intervals
select id, iv between interval '1 day' and interval '2 months' as b from t_iv order by id;

-- name: formerly_refused_interval_values
select age(timestamp '2020-01-31', timestamp '2019-01-01') as a, to_hours(3) as b, to_months(1) as c, to_years(2) as d,
    timestamp '2020-01-02' - timestamp '2020-01-01' as e, interval 1 day as f, interval 1 day + interval 2 hour as g;

-- name: formerly_refused_interval_columns
select id, to_days(a) as a, d - d::timestamp as b, d + 2.5 * interval 1 day as c, d + interval (c) second as e,
    d + to_seconds(c) as f
from t_nulls order by id;

-- name: range_join_on_intervals
select a.id, b.id as other from t_iv a join t_iv b on a.iv < b.iv and a.ts > b.ts order by a.id, other;

-- name: band_join_on_intervals
select a.id, b.id as other from t_iv a join t_iv b on a.iv between b.iv - interval 1 day and b.iv + interval 1 day
order by a.id, other;

-- name: asof_join_on_interval
select a.id, b.id as other from t_iv a asof join t_iv b on a.id = b.id and a.iv >= b.iv order by a.id;

-- name: lag_with_interval_default
select id, lag(iv, 1, interval 0 day) over (order by id) as l from t_iv order by id;

-- name: interval_lists
select unnest([interval 1 day, interval 2 day, null]) as u, list_sort([interval 2 day, interval 1 day, interval '36 hours']) as l;

-- name: list_of_intervals_aggregate
select list(iv order by iv, id) as l, list_contains([interval '30 days'], interval '1 month') as c from t_iv where id > 3;

-- name: interval_subquery_comparisons
select id from t_iv where iv > (select min(iv) from t_iv) and iv < all (select iv from t_iv where id > 6) order by id;

-- name: correlated_count_of_smaller_intervals
select a.id, (select count(*) from t_iv b where b.iv <= a.iv) as c from t_iv a order by a.id;

-- name: max_by_min_by_interval
select max_by(id, iv) as a, min_by(id, iv) as b, quantile_disc(iv, 0.5) as q from t_iv where id > 3;

-- name: window_frame_average
select id, avg(iv) over (order by id rows between 1 preceding and current row) as a,
    avg(iv) over (order by id rows between unbounded preceding and current row) as b
from t_iv order by id;

-- AGE of one argument counts from the midnight that starts CURRENT_DATE (time-dependent:
-- compared with its two-argument form and with NOW(), not shown).

-- name: age_from_today
select id, age(ts) = age(current_date, ts) as same, age(ts) is null as missing,
    age(ts::date) = age(current_date::timestamp, ts::date) as of_date, typeof(age(ts)) as t
from t_iv
order by id;

-- name: age_from_today_instants
select id, age(tz) = age(current_date, tz) as same, age(tz) is null as missing,
    age(now()) <= interval 0 second as not_ahead, age(null) as null_arg
from t_tz
order by id;
