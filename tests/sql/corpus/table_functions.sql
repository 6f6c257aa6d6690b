-- range/generate_series as list functions and as table functions, UNNEST and VALUES in FROM:
-- empty ranges, negative and zero steps, NULL bounds, aliases naming the column.

-- name: range_lists
select range(3) as a, range(1, 5, 2) as b, range(5, 1, -2) as c, range(1, 5, -1) as d,
    generate_series(1, 3) as e, generate_series(5, 1, -2) as f, generate_series(1, 1) as g,
    range(NULL) as h, range(1, 5, 0) as i, generate_series(3, 1) as j;

-- name: range_of_columns
select id, range(a) as r, generate_series(a, 3) as s from t_nulls order by id;

-- name: range_table
select * from range(4);

-- name: generate_series_table_named
select x from generate_series(2, 10, 3) t(x) order by x;

-- name: range_alias_names_the_column
select * from range(3) t;

-- name: range_cross_range
select * from range(2) r, range(3) s order by 1, 2;

-- name: range_empty_table
select count(*) as n from range(5, 1);

-- name: range_joined_to_a_table
select r.x, count(t_nulls.id) as n from range(-1, 4) r(x) left join t_nulls on t_nulls.a = r.x
group by r.x order by r.x;

-- name: unnest_in_from
select * from unnest([3, 1, NULL]) as u(x);

-- name: unnest_in_from_default_name
select * from unnest(['a', 'b']);

-- name: values_in_from
select * from (values (1, 'a'), (2.5, NULL), (NULL, 'c')) v;

-- name: values_named_columns
select a, col1 from (values (1, 2), (3, 4)) v(a) order by a desc;

-- name: values_joined
select v.k, t_nulls.b from (values (1), (2), (99)) v(k) left join t_nulls on t_nulls.id = v.k
order by v.k;

-- name: values_many_rows
select count(*) as n, sum(x) as s from (values (1), (2), (3), (4), (5), (6), (7), (8), (9), (10),
    (11), (12), (13), (14), (15), (16), (17)) v(x);
