-- WITH RECURSIVE: UNION ALL and UNION (rows seen before dropped), several columns, joins to
-- tables in the step, NULLs, an empty anchor, a step that adds nothing, and recursive CTEs
-- read twice or beside other CTEs.

-- name: count_to_ten
with recursive r(n) as (select 1 union all select n + 1 from r where n < 10)
select n from r order by n;

-- name: fibonacci_two_columns
with recursive fib(a, b) as (select 0, 1 union all select b, a + b from fib where a < 1000)
select a, b from fib order by a, b;

-- name: union_reaches_a_fixpoint
with recursive r(n) as (select 1 union select n % 5 + 1 from r)
select n from r order by n;

-- name: union_with_nulls
with recursive r(a, b) as (select 1, cast(null as varchar) union select a % 3 + 1, b from r)
select a, b from r order by a;

-- name: union_all_from_a_table
with recursive r(id, n) as (select id, a from t_nulls where a is not null
                            union all select id, n - 1 from r where n > 0)
select id, count(*) as steps, min(n) as low from r group by id order by id;

-- name: empty_anchor
with recursive r(n) as (select a from t_empty union all select n + 1 from r where n < 5)
select count(*) as n from r;

-- name: step_adds_nothing
with recursive r(n) as (select 1 union all select n from r where n > 100)
select n from r;

-- name: graph_walk_with_join
with recursive reach(k, depth) as (
    select 2, 0
    union
    select t_right.k, reach.depth + 1 from reach join t_right on t_right.rid = reach.k
    where reach.depth < 5)
select k, depth from reach order by depth, k;

-- name: step_with_scalar_subquery
with recursive r(n) as (select 1 union all select n + 1 from r where n < (select max(a) from t_nulls))
select n from r order by n;

-- name: step_with_exists
with recursive r(n) as (select 1 union all select n + 1 from r
                        where exists (select 1 from t_nulls where t_nulls.a = r.n + 1))
select n from r order by n;

-- name: read_twice_and_beside_other_ctes
with recursive r(n) as (select 1 union all select n + 1 from r where n < 4),
     s as (select n * 10 as m from r)
select r.n, s.m from r, s where s.m > r.n * 20 order by 1, 2;

-- name: strings_built_up
with recursive r(s, n) as (select 'a', 1 union all select s || 'b', n + 1 from r where n < 4)
select s, n from r order by n;

-- name: recursion_in_a_derived_table
select count(*) as n, sum(x) as total
from (with recursive r(x) as (select 1 union all select x + 2 from r where x < 99) select x from r) d;

-- name: types_widen_across_iterations
with recursive r(n) as (select 1 union all select n * 2 from r where n < 1000)
select n from r order by n;
