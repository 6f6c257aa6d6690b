-- FLOAT (REAL, FLOAT4): single precision values, typed and computed as DuckDB binds them.
-- t_float.r is an Arrow float32 column; d is a DOUBLE beside it.

-- name: cast_literal_to_real
select cast(1.1 as real) as a, cast(0.1 as float) as b, 16777217::float4 as c,
       cast(1.1 as float) * 3 as d, 0.1::float + 0.2::float as e;

-- name: typeof_float_casts
select typeof(1.1::real) as a, typeof(1.1::float4) as b, typeof(1.1::float) as c,
       typeof(cast(null as real)) as d, cast(null as real) as e;

-- name: real_equals_decimal_literal
select 1.1::float4 = 1.1 as a, 1.1::float = 1.1::double as b, 16777217::float = 16777217 as c,
       1.1::float > 1.1 as d, 1.1::float < 1.1::double as e, 1.1::float + 1 = 2.1 as f;

-- name: float_arithmetic_types
select typeof(1.1::float * 3) as a, typeof(1.1::float * 1.5) as b,
       typeof(1.1::float + 1.1::double) as c, typeof(1.1::float + 10000000000::bigint) as d,
       typeof(1.1::float / 2) as e, typeof(5::float // 2) as f, typeof(5.5::float % 2) as g,
       typeof(-1.1::float) as h, typeof(1.1::float + 1.2::decimal(18,7)) as i;

-- name: float_function_types
select typeof(abs(r)) as a, typeof(round(r)) as b, typeof(round(r, 1)) as c,
       typeof(floor(r)) as d, typeof(ceil(r)) as e, typeof(sqrt(r)) as f, typeof(ln(r)) as g,
       typeof(power(r, 2)) as h, typeof(exp(r)) as i
from t_float where id = 1;

-- name: float_arithmetic_values
select id, r * 2 as a, r + 1 as b, r - 0.1 as c, r / 3 as d, -r as e, r % 2 as f, r * r as g,
       r + 1.5::decimal(10,2) as h, 7 / r as i
from t_float order by id;

-- name: float_with_double
select id, r + d as a, r * 1.1::double as b, r = d as c, r < d as d2
from t_float order by id;

-- name: float_integer_division
select id, r // 2 as a, 5::float // 2 as b, 7 / 2::float as c, 1 / 0::float as d
from t_float where id in (1, 3, 6, 9) order by id;

-- name: float_functions
select id, abs(r) as a, round(r) as b, round(r, 1) as c, floor(r) as d, ceil(r) as e,
       sqrt(abs(r)) as f, trunc(r) as g, trunc(r, 1) as h, round_even(r, 0) as i, sign(r) as j
from t_float order by id;

-- name: float_predicates
select id, isnan(r) as a, isinf(r) as b, isfinite(r) as c from t_float order by id;

-- name: float_to_text
select id, r::varchar as a, cast(r as varchar) || '|' || coalesce(s, '') as b, concat(r, 'ä') as c
from t_float order by id;

-- name: float_text_of_values
select 1.1::float::varchar as a, 16777217::float::varchar as b, 1e20::float::varchar as c,
       '-0.0'::float::varchar as d, 123456789::float::varchar as e, 1e-5::float::varchar as f,
       1e15::float::varchar as g, 3.4e38::float::varchar as h, 'nan'::float::varchar as i,
       '-inf'::real::varchar as j, (1.1::float * 3)::varchar as k, (1::float / 3)::varchar as l;

-- name: float_from_text
select id, s::float as a, typeof(s::real) as b from t_float where s in ('1.1', '0.1', '-2.5', 'nan', 'inf', '16777217') order by id;

-- name: text_compared_with_float
select id from t_float where r = '1.1' or r > '1e30' order by id;

-- name: float_to_other_types
select id, r::double as a, r::decimal(12,3) as b, r::bigint as c, r::boolean as e
from t_float where isfinite(r) order by id;

-- name: float_round_to_integer
select 1.5::float::integer as a, 2.5::float::integer as b, (-2.5)::float::bigint as c,
       1e10::float::bigint as d, 1.1::float::decimal(10,3) as e, 3.5::float::int as f;

-- name: double_to_float
select id, d::float as a, d::real::varchar as b from t_float where abs(d) < 1e30 order by id;

-- name: integer_and_decimal_to_float
select 16777217::bigint::float as a, 123456789012345::bigint::float as b,
       144160468.560021::decimal(18,6)::float as c, true::integer::float as f;

-- name: float_filters
select id, r from t_float where r > 0.5 order by id;

-- name: float_equals_itself
select id from t_float where r = r order by id;

-- name: float_in_list
select id from t_float where r in (1.1, 0.1, 16777217) order by id;

-- name: float_not_in_list
select id from t_float where r not in (1.1, -2.5) order by id;

-- name: float_between
select id from t_float where r between 0.1 and 1.1 order by id;

-- name: float_in_subquery
select id from t_float where r in (select r from t_float where id < 3) order by id;

-- name: float_case_coalesce
select id, coalesce(r, 2) as a, case when id > 3 then r else 1.5 end as b,
       case r when 1.1 then 'one' when 0.1 then 'tenth' else 'other' end as c,
       nullif(r, 1.1) as e, greatest(r, 1) as f, least(r, 0.5) as h
from t_float order by id;

-- name: float_supertypes
select typeof(coalesce(1.1::float, 2)) as a, typeof(coalesce(1.1::float, 2.5)) as b,
       typeof(coalesce(1.1::float, 2.5::double)) as c,
       typeof(case when true then 1.1::float else 2 end) as d,
       typeof(greatest(1.1::float, 2)) as e;

-- name: float_union
select r from t_float union all select 2.5 union all select 1;

-- name: float_union_double
select r from t_float union select d from t_float;

-- name: float_intersect_except
select r from t_float intersect select 1.1::float
union all
select * from (select r from t_float except select 1.1);

-- name: float_order_by
select id, r from t_float order by r, id;

-- name: float_order_desc_nulls_first
select id, r from t_float order by r desc nulls first, id;

-- name: float_distinct
select distinct r from t_float order by r;

-- name: float_group_by
select r, count(*) as n from t_float group by r order by r;

-- name: float_aggregates
select sum(r) as s, avg(r) as a, min(r) as mn, max(r) as mx, count(r) as n, count(distinct r) as nd
from t_float where isfinite(r);

-- name: float_aggregate_types
select typeof(sum(r)) as a, typeof(avg(r)) as b, typeof(min(r)) as c, typeof(max(r)) as d,
       typeof(median(r)) as e, typeof(stddev(r)) as f
from t_float;

-- name: float_aggregates_by_group
select g, sum(r) as s, avg(r) as a, min(r) as mn, max(r) as mx, median(r) as md
from t_float where isfinite(r) group by g order by g;

-- name: float_aggregates_with_nan
select g, min(r) as mn, max(r) as mx, count(*) as n from t_float group by g order by g;

-- name: float_statistics
select stddev_samp(r) as a, var_pop(r) as b, median(r) as c, quantile_cont(r, 0.25) as d,
       quantile_disc(r, 0.5) as e
from t_float where isfinite(r);

-- name: float_aggregates_empty
select sum(r) as s, avg(r) as a, min(r) as mn, max(r) as mx, median(r) as md
from t_float where id > 100;

-- name: float_empty_select
select r, r * 2 as a from t_float where id > 100;

-- name: float_arg_max
select arg_max(id, r) as a, arg_min(id, r) as b, arg_min(r, id) as c from t_float where isfinite(r);

-- name: float_having
select g, max(r) as m from t_float group by g having max(r) > 0.5 order by g;

-- name: float_window
select id, sum(r) over (order by id) as a, min(r) over (partition by g order by id) as b,
       max(r) over (partition by g) as c, lag(r) over (order by id) as e,
       first_value(r) over (partition by g order by id) as f
from t_float where isfinite(r) order by id;

-- name: float_window_rank
select id, rank() over (order by r) as rk, row_number() over (order by r, id) as rn
from t_float order by id;

-- name: float_self_join
select a.id, b.id as id2 from t_float a join t_float b on a.r = b.r order by 1, 2;

-- name: float_join_decimal_literals
select a.id, b.x from t_float a join (select 1.1 as x union all select 0.1) b on a.r = b.x order by 1;

-- name: float_join_double
select a.id, b.id as id2 from t_float a join t_float b on a.r = b.d order by 1, 2;

-- name: float_left_join
select a.id, b.id as id2 from t_float a left join t_float b on a.r = b.r and a.id <> b.id
order by 1, 2;

-- name: float_lists
select list(r order by id) as l from t_float where id < 4;

-- name: float_list_functions
select list_sum([1.1::float, 2.2::float]) as a, list_min([1.1::float, 2.2::float]) as b,
       [1.1::float, 2] as c;

-- name: float_unnest
select unnest([1.1::float, null, 16777217::float]) as a;

-- name: float_struct
select {'x': r, 'y': s} as st from t_float where id in (1, 4) order by id;

-- name: float_printf
select printf('%.3f', r) as a, format('{}', r) as b from t_float where id in (1, 8) order by id;

-- name: float_overflow_to_infinity
select 1e30::float * 1e30::float as a, -1e38::float * 10 as b;

-- name: float_nan_comparisons
select 'nan'::float = 'nan'::float as a, 'nan'::float > 1e38::float as b,
       (-0.0)::float = 0.0::float as c, 1.1::float is distinct from 1.1 as d;

-- name: float_rounding_over_many_values
select i, round(f, 2) as a, round(f, 1) as b, round(f, -1) as c, round(f) as d,
       round_even(f, 2) as e, trunc(f, 3) as g, floor(f * 100) as h, f::varchar as t,
       (f * 1e10)::varchar as u, (f * 1000)::decimal(12,2) as v, (f * 1000)::integer as w
from (select i, (i * 0.37 - 150)::float * 1.3 as f from range(1000) r(i)) order by i;

-- name: float_arithmetic_over_many_values
select i, f % 0.3 as a, f // 0.7 as b, f * 1.1 as c, f / 1.1 as d, f - 1.1 as e,
       f + 0.000001 as g, sqrt(abs(f)) as h, f * f as k
from (select i, (i * 0.37 - 150)::float * 1.3 as f from range(1000) r(i)) order by i;

-- name: float_aggregates_over_many_values
select i % 7 as k, sum(f) as s, avg(f) as a, min(f) as mn, max(f) as mx, median(f) as md
from (select i, (i * 0.37 - 150)::float * 1.3 as f from range(1000) r(i)) group by k order by k;

-- name: float_interval_amounts
select id, date '2020-01-01' + interval (r) day as a, interval 1 day * r as b, to_seconds(r) as c
from t_float where id in (1, 8, 9) order by id;
