-- LIST values: literals, subscripts and slices, len/list_contains/list_extract/list_slice,
-- LIST/ARRAY_AGG (with ORDER BY and FILTER), top-n MIN/MAX(x, n), UNNEST in the select list,
-- and list columns in and out of Arrow: NULL lists, empty lists, NULL elements, ties.

-- name: literals
select [1, 2, 3] as a, [] as b, [NULL] as c, [1, NULL] as d, ['x', 'y'] as e, [[1], [2, 3]] as f,
    [1, 2.5] as g;

-- name: literal_of_columns
select id, [a, id] as l, [b] as s from t_nulls order by id;

-- name: unaliased_names
select [1, 2], [1, 2][2], len([1]), list_contains([1], 1), list_extract([3], 1),
    list_slice([1, 2], 1, 1);

-- name: subscripts
select [1, 2, 3][0] as z, [1, 2, 3][1] as a, [1, 2, 3][-1] as b, [1, 2, 3][4] as c,
    [1, 2, 3][-4] as d, list_extract([1, 2, 3], 2) as e, array_extract([1, 2], -2) as f;

-- name: subscript_by_column
select id, l[id] as x, l[-id] as y, l[g] as z from t_lists order by id;

-- name: slices
select list_slice([1, 2, 3, 4, 5], 2, 4) as a, list_slice([1, 2, 3, 4, 5], -2, 5) as b,
    list_slice([1, 2, 3, 4, 5], 0, 2) as c, list_slice([1, 2, 3, 4, 5], 3, 1) as d,
    list_slice([1, 2, 3, 4, 5], 2, NULL) as e, [1, 2, 3, 4, 5][2:3] as f,
    [1, 2, 3, 4, 5][:2] as g, [1, 2, 3, 4, 5][-3:] as h, list_slice([1, 2, 3, 4, 5], -10, 2) as i,
    list_slice([1, 2, 3, 4, 5], 2, -2) as j, list_slice([1, 2, 3, 4, 5], 2, 100) as k;

-- name: slices_of_columns
select id, l[2:] as a, list_slice(s, 1, 1) as b, l[:-2] as c from t_lists order by id;

-- name: lengths
select id, len(l) as a, length(s) as b, array_length(l) as c from t_lists order by id;

-- name: contains
select id, list_contains(l, 2) as a, list_contains(s, 'a') as b, list_contains(l, NULL) as c,
    list_contains(l, g) as d, array_contains(s, 'c') as e from t_lists order by id;

-- name: contains_filter
select id from t_lists where list_contains(l, 2) or list_contains(s, 'b') order by id;

-- name: lists_out_of_arrow
select * from t_lists where id > 1 order by id desc;

-- name: lists_through_joins
select a.id, b.l, b.s from t_lists a left join t_lists b on a.id = b.id + 1 order by a.id;

-- name: list_aggregate
select list(a order by id) as a, array_agg(b order by id desc) as b,
    list(c order by c desc nulls first, id) as c from t_nulls;

-- name: list_aggregate_grouped
select a, list(id order by id desc) as ids, list(b order by id) filter (where c > 0) as names
from t_nulls group by a order by a;

-- name: list_aggregate_empty
select list(a) as a, min(a, 2) as b from t_empty;

-- name: list_of_lists
select g, list(l order by id) as ls from t_lists group by g order by g;

-- name: top_n
select min(a, 2) as a2, max(a, 2) as b2, min(a, 20) as a20, max(b, 3) as b3, max(d, 1) as d1,
    min(c, 3) as c3 from t_nulls;

-- name: top_n_grouped_ties
select a, min(id % 3, 2) as lo, max(id % 3, 3) as hi from t_nulls group by a order by a;

-- name: top_n_unaliased
select min(a, 2), max(b, 1) from t_nulls;

-- name: unnest_literal
select unnest([1, 2, 3]) as x;

-- name: unnest_two_lengths
select unnest([1, 2]) as a, unnest([1, 2, 3]) as b, 7 as c;

-- name: unnest_column
select id, unnest(l) as x from t_lists order by id, x;

-- name: unnest_strings_nulls
select id, unnest(s) as x from t_lists order by id, x nulls first;

-- name: unnest_expression
select id, unnest([a, a + 1]) + 1 as x from t_nulls order by id, x;

-- name: unnest_of_aggregate
select g, unnest(list(id order by id)) as x from t_lists group by g order by g, x;

-- name: unnest_in_derived_table
select x, count(*) as n from (select unnest(l) as x from t_lists) u group by x order by x;

-- name: unnest_empty_and_null
select unnest([]) as a, unnest(NULL) as b;

-- name: unnest_empty_table
select unnest(l) as x from t_lists where id > 100;

-- name: unnest_nested
select unnest([[1, 2], [3]]) as x;

-- name: top_n_at_integer_limits
select max(b, 3) as m, min(i, 2) as n, min(f, 2) as f2 from t_edge;
