-- Range joins: joins whose only conditions between the inputs are inequalities (RangeJoin,
-- RangeMarkJoin). NULL values and bounds, ties at the bounds, strict and non-strict bounds,
-- doubles with NaN and -0.0, dates, decimals, strings, empty inputs, either input sorted.

-- name: range_orders_two_inequalities_count
select count(*) from orders o1 join orders o2
  on o1.o_totalprice < o2.o_totalprice and o1.o_orderdate > o2.o_orderdate;

-- name: range_band_between_count
select count(*) from part p join partsupp ps
  on ps.ps_supplycost between p.p_retailprice * 0.1 and p.p_retailprice * 0.2;

-- name: range_band_on_build_side
select p.p_partkey, count(*) as n, min(ps.ps_supplycost) as lo, max(ps.ps_supplycost) as hi
from partsupp ps join part p on ps.ps_supplycost between p.p_retailprice * 0.1 and p.p_retailprice * 0.2
group by p.p_partkey
order by n desc, p.p_partkey
limit 10;

-- name: range_dates_window_self_join
select o1.o_orderkey, count(*) as near
from orders o1 join orders o2
  on o2.o_orderdate >= o1.o_orderdate and o2.o_orderdate < o1.o_orderdate + 3
 and o1.o_orderkey <> o2.o_orderkey
where o1.o_orderkey < 200
group by o1.o_orderkey
order by o1.o_orderkey;

-- name: range_lt_ties
select l.lid, r.rid from t_left l join t_right r on l.v * 10 < r.w;

-- name: range_le_ties
select l.lid, r.rid from t_left l join t_right r on l.v * 10 <= r.w;

-- name: range_gt_ties
select l.lid, r.rid from t_left l join t_right r on l.v * 10 > r.w;

-- name: range_ge_ties
select l.lid, r.rid from t_left l join t_right r on l.v * 10 >= r.w;

-- name: range_constant_left_of_operator
select l.lid, r.rid from t_left l join t_right r on r.w - 1 >= l.v * 10;

-- name: range_band_bounds_from_probe
select l.lid, r.rid from t_left l join t_right r on r.w between l.v * 10 and l.v * 10 + 1;

-- name: range_band_bounds_from_build
select l.lid, r.rid from t_left l join t_right r on l.v * 10 between r.w - 1 and r.w;

-- name: range_band_strict_half_open
select l.lid, r.rid from t_left l join t_right r on l.v * 10 >= r.w - 1 and l.v * 10 < r.w;

-- name: range_band_empty_interval
select a.id, b.id from t_nulls a, t_nulls b where a.a between b.id and b.a;

-- name: range_band_on_two_build_columns
select a.id, b.id from t_nulls a, t_nulls b where a.a between b.a and b.id;

-- name: range_with_residual
select l.lid, r.rid from t_left l join t_right r on l.v < r.w and r.w < l.v * 20 and l.k <> r.k;

-- name: range_left_join
select l.lid, r.rid from t_left l left join t_right r on l.v * 10 between r.w - 1 and r.w;

-- name: range_right_join
select l.lid, r.rid from t_left l right join t_right r on l.v * 10 between r.w - 1 and r.w;

-- name: range_full_join_residual
select l.lid, r.rid from t_left l full join t_right r on l.v * 10 >= r.w and l.k <> r.k;

-- name: range_dates_nulls
select a.id, b.id from t_nulls a join t_nulls b on a.d < b.d;

-- name: range_dates_and_doubles
select a.id, b.id from t_nulls a join t_nulls b on a.d <= b.d and a.c > b.c;

-- name: range_date_against_timestamp
select a.id, b.id from t_nulls a join t_nulls b on a.d < b.d + interval 1 day;

-- name: range_strings_same_column
select a.id, b.id from t_nulls a join t_nulls b on a.b < b.b;

-- name: range_strings_two_dictionaries
select a.id, b.id from t_nulls a join t_str b on a.b <= b.s;

-- name: range_strings_non_ascii
select a.id, b.id from t_text a join t_str b on a.s > b.s;

-- name: range_doubles_nan_signed_zero
select a.id, b.id from t_edge a join t_edge b on a.f < b.f;

-- name: range_doubles_nan_non_strict
select a.id, b.id from t_edge a join t_edge b on a.f <= b.f;

-- name: range_double_against_int
select a.id, b.id from t_nulls a join t_edge b on a.c >= b.i;

-- name: range_int_extremes
select a.id, b.id from t_edge a join t_edge b on a.b > b.i;

-- name: range_decimals_two_scales
select a.id, b.id from t_dec a join t_dec b on a.d < b.e;

-- name: range_decimal_between_decimal_and_double
select a.id, b.id from t_dec a join t_dec b on a.d between b.e and b.f;

-- name: range_decimal_128_bit
select a.id, b.id from t_dec a join t_dec b on a.w < b.d;

-- name: range_int_and_double_bounds
select a.id, b.id from t_dec a join t_dec b on a.i < b.d and a.f > b.e;

-- name: range_empty_build
select a.id, b.id from t_nulls a join t_empty b on a.a < b.a;

-- name: range_empty_probe_left_join
select a.id, b.id from t_empty a left join t_nulls b on a.a < b.a;

-- name: range_left_join_empty_build
select a.id, b.id from t_nulls a left join t_empty b on a.a < b.a;

-- name: range_exists
select a.id from t_nulls a where exists (select 1 from t_nulls b where b.a > a.a);

-- name: range_not_exists_with_residual
select a.id from t_nulls a where not exists (select 1 from t_nulls b where b.a > a.a and b.c < a.c);

-- name: range_exists_band_dates
select a.id from t_nulls a
where exists (select 1 from t_nulls b where b.d between a.d - 30 and a.d + 30 and b.id <> a.id);

-- name: range_semi_join
select * from t_left l semi join t_right r on r.w > l.v * 10;

-- name: range_anti_join
select * from t_left l anti join t_right r on r.w > l.v * 10;

-- name: range_correlated_scalar
select l.lid, (select count(*) from t_right r where r.w >= l.v * 10) as n from t_left l;
