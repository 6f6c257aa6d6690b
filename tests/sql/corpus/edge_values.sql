-- Values at the edges of their types (t_edge): integer minimums, signed zeros, NaN, the last
-- date, backslashes in LIKE patterns, whitespace other than spaces, an all-NULL string column.

-- name: like_backslash_is_ordinary
select id, s like 'ab\%' as a, s like 'a\b' as b, s ilike 'A\B' as c, s not like 'a\b' as d
from t_edge
order by id;

-- name: like_escape
select id, s like 'ab!%' escape '!' as a, s not like 'a!\b' escape '!' as b,
    s ilike 'AB!%' escape '!' as c, s like 'a\b' escape '\' as d, s like 'a__' escape '_' as e
from t_edge
order by id;

-- name: trim_spaces_only
select id, trim(s) as t, ltrim(s) as l, rtrim(s) as r
from t_edge
order by id;

-- name: double_signed_zero_to_varchar
select id, cast(f as varchar) as f, cast(-f as varchar) as neg, cast(f + 0.0 as varchar) as plus
from t_edge
order by id;

-- name: integer_division_by_minus_one
select id, i % -1 as im, b % -1 as bm, b // 2 as bh, i // -2 as ih, i // -1::bigint as wide
from t_edge
order by id;

-- name: abs_without_minimum
select id, abs(i) as ai, abs(b) as ab
from t_edge
where id > 1
order by id;

-- name: date_past_year_9999
select id, cast(dt + 1 as varchar) as next, cast(dt - 1 as varchar) as prev, dt + 1 > dt as later,
    year(dt + 1) as y
from t_edge
order by id;

-- name: concat_all_null_column
select id, n || 'a' as a, 'a' || n as b, concat(n, 'x') as c, n || n as d
from t_edge
order by id;

-- name: concat_outer_join_to_empty
select t_edge.id, t_empty.b || 'a' as x, upper(t_empty.b) as u
from t_edge left join t_empty on t_edge.id = t_empty.id
order by t_edge.id;

-- name: bigint_minimum_literal
select id, b = -9223372036854775808 as is_min, -9223372036854775808 as m, -2147483648 as im
from t_edge
order by id;

-- name: sum_near_bigint_limits
select sum(b) as s, sum(i) as si, sum(b + 1) as s1, min(b) as lo
from t_edge
where id <> 2;

-- name: arithmetic_at_bigint_limits
select id, -(b + 1) as negated, b - 0 as same, (b + 1) * -1 as flipped, b * 1 as one,
    b // 1 as quotient, 3037000499 * 3037000499 as square, 4611686018427387904 * -2 as lowest
from t_edge
where id < 3
order by id;

-- name: group_by_all_constants_over_empty
select 1 as one, 'x' as x, count(*) as n, sum(a) as s
from t_empty
group by all;

-- name: group_by_all_constants_and_a_column
select 1 as one, id % 2 as parity, count(*) as n
from t_edge
group by all
order by parity;

-- name: order_by_alias_named_like_a_column
select id, id % 2 as id
from t_edge
order by id, 1;

-- name: order_by_alias_before_column_in_position
select id % 3 as id, id as raw
from t_edge
order by id desc, raw;

-- name: limit_zero_computes_nothing
select -i as neg, b * 2 as twice, cast(s as integer) as parsed, id
from t_edge
order by id
limit 0;

-- name: limit_zero_over_aggregates_joins_and_sorts
select t_edge.id, sum(-t_edge.b) as s, count(*) as n
from t_edge join t_nulls on t_edge.id = t_nulls.id
group by t_edge.id
order by t_edge.id
limit 0;

-- name: cast_reads_only_strings_rows_use
select id, cast(s as integer) + 1 as parsed, s = 12 as same
from (select id, case when id = 1 then '12' when id = 2 then '1999-01-02' else s end as s
      from t_edge) as picked
where id = 1
order by id;

-- name: cast_to_date_reads_only_strings_rows_use
select id, cast(s as date) as day
from (select id, case when id = 1 then '12' when id = 2 then '1999-01-02' else s end as s
      from t_edge) as picked
where id = 2
order by id;

-- name: order_by_expression_binds_the_column_before_the_alias
select id % 3 as id, b
from t_edge
order by -id, b;

-- name: order_by_expression_over_an_alias_only
select id % 3 as k, id
from t_edge
order by k + 1 desc, id;
