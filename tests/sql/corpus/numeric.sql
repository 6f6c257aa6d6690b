-- Numbers: integer vs float division, %, ROUND (halves included), ABS, CAST between types.

-- name: int_division
select p_partkey, p_size, p_size / 4 as div, p_size // 4 as int_div, p_size % 4 as modulo
from part
where p_partkey <= 20
order by p_partkey;

-- name: int_division_negative
select id, a, a / 4 as div, a // 4 as int_div, a % 4 as modulo, -a // 3 as neg_int_div
from t_nulls
order by id;

-- name: count_division
select l_returnflag, count(*) / 7 as per_day, count(*) // 7 as whole_days, count(*) % 7 as rest
from lineitem
group by l_returnflag
order by l_returnflag;

-- name: decimal_division
select l_shipmode, avg(l_extendedprice / l_quantity) as unit_price, sum(l_extendedprice) / sum(l_quantity) as weighted
from lineitem
group by l_shipmode
order by l_shipmode;

-- name: decimal_times_int
select p_size, sum(p_size * p_retailprice) as weighted, sum(p_retailprice) * 2 as doubled
from part
where p_size < 6
group by p_size
order by p_size;

-- name: round_aggregates
select l_returnflag, round(avg(l_extendedprice), 2) as avg_price, round(avg(l_quantity)) as avg_qty,
    round(avg(l_extendedprice), -2) as hundreds
from lineitem
group by l_returnflag
order by l_returnflag;

-- name: round_decimal_halves
select round(2.5) as r1, round(-2.5) as r2, round(0.125, 2) as r3, round(2.675, 2) as r4, round(1234.5678, -2) as r5;

-- name: round_double_halves
select id, c, round(c) as r0, round(c, 1) as r1, round(c * 10, -1) as r_tens
from t_nulls
order by id;

-- name: round_decimal_column
select p_partkey, p_retailprice, round(p_retailprice, 1) as r1, round(p_retailprice) as r0
from part
where p_partkey <= 25
order by p_partkey;

-- name: abs_values
select id, a, abs(a) as abs_a, abs(c) as abs_c, abs(a - 3) as dist
from t_nulls
order by id;

-- name: abs_aggregate
select sum(abs(l_discount - 0.05)) as spread, max(abs(c_acctbal)) as max_abs_bal
from lineitem, customer
where l_orderkey = 1 and c_custkey <= 100;

-- name: cast_decimal_to_int
select p_partkey, p_retailprice, cast(p_retailprice as integer) as as_int, cast(p_retailprice as bigint) as as_bigint
from part
where p_partkey between 100 and 130
order by p_partkey;

-- name: cast_double_to_int
select id, c, cast(c as integer) as as_int
from t_nulls
order by id;

-- name: cast_int_to_double_and_varchar
select id, cast(a as double) / 2 as half, cast(a as varchar) as text, cast(a as varchar) || 'x' as tagged
from t_nulls
order by id;

-- name: cast_varchar_to_numbers
select cast('42' as integer) + 1 as i, cast('3.25' as double) * 2 as f, cast('-17' as bigint) as b,
    cast('12.50' as decimal(10, 2)) + 1 as dec;

-- name: cast_decimal_roundtrip
select cast(p_size as decimal(10, 2)) / 3 as thirds, cast(p_retailprice as double) as dbl,
    cast(p_retailprice as varchar) as text, p_partkey
from part
where p_partkey <= 10
order by p_partkey;

-- name: cast_date_varchar
select o_orderkey, cast(o_orderdate as varchar) as text, cast(cast(o_orderdate as varchar) as date) = o_orderdate as same
from orders
where o_orderkey <= 10
order by o_orderkey;

-- name: modulo_group
select o_orderkey % 10 as r, count(*) as n
from orders
group by r
order by r;

-- name: precedence_unary
select p_partkey, -p_size + 2 * 3 - (p_size - 1) * 2 as e1, p_size * 3 % 5 as e2, -p_size // 3 as e3
from part
where p_partkey <= 8
order by p_partkey;

-- name: compare_int_decimal
select count(*) as n
from part
where p_retailprice > 1500 and p_size < 10.5;

-- name: between_decimal
select l_discount, count(*) as n
from lineitem
where l_discount between 0.02 and 0.04
group by l_discount
order by l_discount;

-- name: nullif_division
select l_shipmode, sum(l_quantity) / nullif(sum(case when l_returnflag = 'R' then 1 else 0 end), 0) as per_return
from lineitem
where l_shipdate < date '1992-03-01'
group by l_shipmode
order by l_shipmode;

-- name: big_sums
select sum(o_totalprice) as total, sum(o_orderkey) as keys, sum(cast(o_totalprice as double)) as dbl
from orders;

-- name: float_literals
select r_regionkey, r_regionkey * 0.1 as tenth, r_regionkey / 3.0 as third, r_regionkey * 1e3 as kilo
from region
order by r_regionkey;

-- name: mixed_int_widths
select l_linenumber + l_orderkey as s, cast(l_linenumber as bigint) * 1000000000 as big, l_linenumber * 1000 as small
from lineitem
where l_orderkey = 3
order by s;

-- name: cast_to_hugeint
select cast(l_orderkey as hugeint) as k, l_quantity::hugeint + 1 as q, cast('12' as hugeint) as s,
    cast(2.5::double as hugeint) as d, sum(cast(l_linenumber as hugeint)) over () as total
from lineitem
order by l_orderkey, l_linenumber
limit 5;
