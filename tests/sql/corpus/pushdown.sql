-- Conditions moved down the plan: through renaming projections, through an aggregate on its
-- group keys, and into a CTE read twice (the readers' conditions ORed below it). NULL keys,
-- empty inputs, conditions on aggregates and on grouping sets, which must stay above. ORs over one
-- table (kept as written) and over two (put in conjunctive normal form first).

-- name: pushdown_cte_two_readers_group_key
with g as (
    select a, b, count(*) as n, sum(c) as s, stddev_samp(c) as sd from t_nulls group by a, b
)
select x.a, x.b, x.n, x.s, y.n as n2, y.sd
from g x, g y
where x.b = y.b and x.a = 1 and y.a = 2
order by x.b;

-- name: pushdown_cte_one_reader_without_condition
with g as (select a, count(*) as n from t_nulls group by a)
select x.a, x.n, y.a as a2
from g x join g y on x.n = y.n
where x.a = 2
order by y.a nulls first;

-- name: pushdown_cte_null_key_condition
with g as (select a, count(*) as n, max(b) as mb from t_nulls group by a)
select * from g where a is null
union all
select * from g where a > 2
order by a nulls first;

-- name: pushdown_condition_on_aggregate_stays_above
with g as (select a, count(*) as n from t_nulls group by a)
select x.a, x.n from g x, g y where x.a = y.a and x.n > 1 and y.n > 1 order by x.a nulls last;

-- name: pushdown_derived_table_group_key_and_aggregate
select * from (select b, count(*) as n, avg(c) as m from t_nulls group by b) t
where b like '%a' and n >= 1
order by b;

-- name: pushdown_grouping_sets_condition_stays_above
with g as (select a, b, count(*) as n from t_nulls group by rollup (a, b))
select x.a, x.b, x.n from g x, g y
where x.a is not distinct from y.a and x.b is not distinct from y.b and x.a = 2 and y.b is null
order by x.b nulls first;

-- name: pushdown_global_aggregate_false_condition
with g as (select count(*) as n, sum(a) as s from t_nulls)
select x.n, y.s from g x, g y where 1 = 0 or x.n > 100
union all
select x.n, y.s from g x, g y where x.s is not null;

-- name: pushdown_empty_input_cte_two_readers
with g as (select a, count(*) as n from t_empty group by a)
select x.a, x.n, y.n as n2 from g x, g y where x.a = y.a and x.a = 1 and y.a = 1;

-- name: pushdown_raising_condition_stays_above_protecting_one
with g as (select a, count(*) as n from t_nulls group by a)
select x.a, y.n from g x, g y
where x.a = y.a and x.a <> 0 and 12 // x.a > 1 and y.n > 0
order by x.a;

-- name: or_over_one_table_with_nulls
select l.lid, r.rid from t_left l, t_right r
where l.k = r.k and ((r.w > 250 and r.s is not null) or (r.w is null and r.rid > 1) or r.s = 'y')
order by l.lid, r.rid;

-- name: or_over_two_tables_with_nulls
select l.lid, r.rid from t_left l, t_right r
where l.k = r.k and ((l.v >= 20 and r.w > 200) or (l.s is null and r.s is null) or (l.v is null and r.w = 201))
order by l.lid, r.rid;

-- name: or_over_one_table_in_many_subqueries
select * from
    (select count(*) as n1 from t_nulls where (a = 1 and c > 1) or (a = 2 and c > 3) or (a is null and c < 3)) s1,
    (select count(*) as n2 from t_nulls where (a = 1 and c < 1) or (a = 2 and c < 5) or (b is null and d is null)) s2,
    (select count(*) as n3 from t_empty where (a = 1 and c > 1) or (a = 2 and c > 3)) s3;

-- Conditions over a set operation's output go to its inputs (the right one's columns by
-- position; EXCEPT's to its left only), where they compare columns with constants.

-- name: filter_over_union_all_by_position
select k, v from (
  select n_regionkey as k, n_name as v from nation
  union all
  select r_regionkey, r_name from region
) t where k = 3 - 1 or v = 'ASIA'
order by all;

-- name: filter_over_union_distinct_nulls
select k from (
  select case when n_nationkey % 3 = 0 then null else n_regionkey end as k from nation
  union
  select r_regionkey from region
) t where k is null or k between 1 and 2
order by k nulls first;

-- name: filter_over_intersect_and_except_all
select k, count(*) as n from (
  select n_regionkey as k from nation where n_nationkey < 20
  except all
  select r_regionkey from region
) t where k <> 4 group by k
union all
select k, 0 from (
  select n_regionkey as k from nation intersect select r_regionkey from region
) u where not k in (0, 1)
order by all;

-- name: filter_over_union_of_integer_and_decimal_reads_the_common_type
select x from (
  select n_nationkey as x from nation where n_nationkey < 3
  union all
  select 1.5
) t where cast(x as varchar) like '%.%' or x // 2 = 1
order by x;

-- name: filter_over_union_in_a_cte_read_twice
with u as (
  select n_regionkey as k, n_nationkey as n from nation
  union
  select r_regionkey, r_regionkey + 100 from region
)
select a.k, a.n, b.n as m from u a join u b on a.k = b.k and b.n > 100
where a.k in (1, 3) and a.n < 100
order by all;

-- name: filter_with_a_string_over_a_union_of_integer_and_text_compares_text
select x from (select 10 as x union all select '9' union all select n_name from nation) t
where x < '2' or x >= 'U'
order by x;

-- name: filter_with_a_timestamp_text_over_a_union_of_date_and_timestamp
select x from (select date '2000-01-01' as x union all select timestamp '2000-01-01 12:00') t
where x < '2000-01-01 06:00';

-- name: filter_over_union_of_integer_and_decimal_by_number
select x from (select n_nationkey as x from nation union all select 2.5) t
where x < 3 and x is not null
order by x;
