-- Dates: EXTRACT year/month/day/quarter, date +/- interval of days/months/years, DATE_TRUNC, date arithmetic.

-- name: extract_year_month
select extract(year from o_orderdate) as y, extract(month from o_orderdate) as m, count(*) as n
from orders
group by y, m
order by y, m;

-- name: extract_quarter
select extract(year from l_shipdate) as y, extract(quarter from l_shipdate) as q, sum(l_quantity) as qty
from lineitem
group by 1, 2
order by 1, 2;

-- name: extract_day
select extract(day from l_shipdate) as d, count(*) as n
from lineitem
group by d
order by d;

-- name: extract_in_where
select count(*) as n, sum(l_extendedprice) as total
from lineitem
where extract(year from l_shipdate) = 1997 and extract(month from l_shipdate) = 2;

-- name: extract_fixture
select id, d, extract(year from d) as y, extract(month from d) as m, extract(day from d) as dd,
    extract(quarter from d) as q
from t_nulls
order by id;

-- name: minus_interval_days
select count(*) as n
from lineitem
where l_shipdate <= date '1998-12-01' - interval '60' day;

-- name: plus_interval_month
select count(*) as n
from orders
where o_orderdate >= date '1994-02-01' and o_orderdate < date '1994-02-01' + interval '1' month;

-- name: plus_interval_year
select o_orderpriority, count(*) as n
from orders
where o_orderdate >= date '1996-01-01' and o_orderdate < date '1996-01-01' + interval '1' year
group by o_orderpriority
order by o_orderpriority;

-- name: interval_month_end_clamp
select count(*) as n
from orders
where o_orderdate > date '1995-01-31' and o_orderdate <= date '1995-01-31' + interval '1' month;

-- name: interval_arith_output
select id, d, d + interval '1' month as plus_month, d - interval '1' year as minus_year,
    d + interval '10' day as plus_10_days, d - interval '3' month as minus_quarter
from t_nulls
order by id;

-- name: interval_arith_output_tpch
select o_orderkey, o_orderdate, o_orderdate + interval '45' day as due, o_orderdate + interval '2' year as renew
from orders
where o_orderkey < 40
order by o_orderkey;

-- name: date_plus_integer
select count(*) as n
from lineitem
where l_commitdate + 30 < l_receiptdate;

-- name: date_plus_integer_output
select id, d + 1 as next_day, d - 365 as year_ago
from t_nulls
order by id;

-- name: date_difference
select l_receiptdate - l_shipdate as transit, count(*) as n
from lineitem
group by transit
order by transit;

-- name: date_trunc_month
select date_trunc('month', o_orderdate) as m, count(*) as n
from orders
where o_orderdate >= date '1993-01-01' and o_orderdate < date '1994-01-01'
group by m
order by m;

-- name: date_trunc_year_quarter
select date_trunc('year', l_shipdate) as y, date_trunc('quarter', l_shipdate) as q, count(*) as n
from lineitem
group by y, q
order by y, q;

-- name: date_trunc_fixture
select id, date_trunc('month', d) as m, date_trunc('year', d) as y, date_trunc('quarter', d) as q
from t_nulls
order by id;

-- name: date_trunc_compare_date
select count(*) as n
from orders
where date_trunc('year', o_orderdate) = date '1996-01-01';

-- name: between_dates
select l_shipmode, count(*) as n
from lineitem
where l_shipdate between date '1995-06-01' and date '1995-06-30'
group by l_shipmode
order by l_shipmode;

-- name: cast_string_to_date
select count(*) as n
from orders
where o_orderdate = cast('1995-03-15' as date);

-- name: date_min_max_group
select o_orderpriority, min(o_orderdate) as first_order, max(o_orderdate) as last_order
from orders
group by o_orderpriority
order by o_orderpriority;

-- name: date_order_desc_limit
select o_orderdate, o_orderkey
from orders
order by o_orderdate desc, o_orderkey
limit 12;

-- name: date_compare_columns
select l_shipmode,
    sum(case when l_commitdate < l_receiptdate then 1 else 0 end) as late,
    sum(case when l_shipdate > l_commitdate then 1 else 0 end) as shipped_late
from lineitem
group by l_shipmode
order by l_shipmode;

-- name: leap_day_intervals
select d, d + interval '1' year as next_year, d - interval '1' month as prev_month, d + interval '12' month as plus_12m
from t_nulls
where d = date '1996-02-29';

-- name: date_empty_range
select count(*) as n, min(o_orderdate) as first_order
from orders
where o_orderdate > date '1998-08-02' + interval '1' year;
