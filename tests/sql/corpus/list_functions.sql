-- DuckDB's list functions and string splitting: list_sort/list_reverse_sort, list_distinct
-- (checked through list_sort: DuckDB's own order is its hash table's), list_unique,
-- list_aggregate and its shorthands, list_concat/||, list_position, list_has_any/list_has_all,
-- array_to_string, string_split, string_split_regex and split_part. NULL lists, empty lists,
-- NULL elements, duplicates, list columns of t_lists and lists built by LIST() in a GROUP BY.

-- name: sort_literals
select list_sort([3, NULL, 1, 2]) as a, list_sort([3, NULL, 1], 'DESC') as b,
    list_reverse_sort([3, NULL, 1]) as c, list_sort([3, NULL, 1], 'ASC', 'NULLS FIRST') as d,
    list_sort([3, NULL, 1], 'desc', 'nulls first') as e, list_sort(NULL) as f, list_sort([]) as g,
    array_sort([2, 1, 2]) as h, array_reverse_sort([1, 3, 2]) as i,
    list_reverse_sort([1, NULL, 2], 'NULLS FIRST') as j;

-- name: sort_types
select list_sort(['b', 'a', NULL, 'é', 'Z', '']) as a, list_sort([1.5, -0.0, 0.0, 2.25, -3.0]) as b,
    list_sort([true, false, NULL]) as c, list_sort([DATE '2020-01-02', DATE '2019-01-01']) as d,
    list_reverse_sort([1.5::double, '-inf'::double, 0.5::double]) as e;

-- name: sort_columns
select id, list_sort(l) as a, list_reverse_sort(s) as b, list_sort(s, 'asc', 'nulls first') as c,
    list_sort(l, 'DESC', 'NULLS LAST') as d from t_lists order by id;

-- name: sort_unaliased
select list_sort(l), list_sort(l, 'DESC'), list_reverse_sort(s, 'nulls first'),
    array_sort(l[1:2], 'desc') from t_lists order by id;

-- name: distinct_and_unique
select id, list_sort(list_distinct(l)) as a, list_unique(l) as b,
    list_sort(list_distinct(s)) as c, list_unique(s) as d, array_unique(s) as e,
    list_sort(array_distinct(l || l)) as f from t_lists order by id;

-- name: distinct_literals
select list_sort(list_distinct([3, NULL, 1, 2, 3, 1, NULL])) as a, list_distinct([]) as b,
    list_distinct(NULL) as c, list_distinct([NULL]) as d, list_unique([3, NULL, 1, 2, 3, 1]) as e,
    list_unique([]) as f, list_unique(NULL) as g, list_unique([NULL]) as h,
    list_sort(list_distinct([0.0::double, -0.0::double, 2.5::double])) as i,
    list_unique(['a', 'b', 'a', 'é']) as j;

-- name: aggregates_of_columns
select id, list_sum(l) as a, list_min(s) as b, list_max(l) as c, list_avg(l) as d,
    list_count(l) as e, list_count(s) as f, list_first(l) as g, list_last(s) as h,
    list_any_value(s) as i, list_string_agg(s) as j from t_lists order by id;

-- name: aggregate_by_name
select id, list_aggregate(l, 'sum') as a, list_aggr(s, 'string_agg', '|') as b,
    array_aggregate(l, 'max') as c, list_aggregate(l, 'mean') as d,
    list_aggregate(s, 'min') as e, array_aggr(l, 'count') as f, list_median(l) as g,
    list_mode(l) as h, list_var_samp(l) as i, list_stddev_pop(l) as j from t_lists order by id;

-- name: aggregate_literals
select list_sum([1, 2, NULL]) as a, list_sum([]) as b, list_sum([NULL]) as c, list_sum(NULL) as d,
    list_sum([1.5, 2.25]) as e, list_sum([1.5::double, NULL]) as f, list_min([3, NULL, 1]) as g,
    list_max(['a', 'b']) as h, list_min([]) as i, list_avg([1, 2, NULL]) as j,
    list_avg([1.5, 2.25]) as k, list_count([1, NULL, 2]) as l, list_count([]) as m,
    list_count(NULL) as n, list_count([NULL]) as o;

-- name: aggregate_empty_lists
select list_aggregate([], 'string_agg') as a, list_first([]) as b, list_last([]) as c,
    list_any_value([]) as d, list_bool_and([]) as e, list_median([]) as f, list_mode([]) as g,
    list_string_agg([]) as h, list_var_samp([1]) as i, list_median([1, 2]) as j,
    list_mode([1, 2, 2]) as k, list_bool_or([false, NULL]) as l, list_bool_and([true, NULL]) as m,
    list_aggregate([1, 2], 'stddev') as n, list_aggregate([1, 2], 'arbitrary') as o,
    list_aggregate([1, 2], 'string_agg', '-') as p, list_aggregate([1, 2], 'group_concat') as q;

-- name: aggregate_unaliased
select list_sum(l), list_aggregate(l, 'min'), list_aggr(s, 'string_agg', ':') from t_lists
order by id;

-- name: lists_of_groups
select g, list_sort(list(id)) as a, list_sum(list(id)) as b, list_reverse_sort(list(l[1])) as c,
    list_unique(list(g)) as d, array_to_string(list(id order by id), '+') as e,
    list_avg(list(id)) as f from t_lists group by g order by g;

-- name: lists_of_groups_with_nulls
select a, list_sort(list(b), 'ASC', 'NULLS FIRST') as names, list_unique(list(c)) as n,
    list_max(list(d)) as latest, list_string_agg(list(b order by id)) as joined
from t_nulls group by a order by a;

-- name: concat_literals
select list_concat([1, 2], [3]) as a, list_concat(NULL, [1]) as b, list_concat([1], NULL) as c,
    list_concat(NULL, NULL) as d, [1, 2] || [3] as e, [1] || NULL as f,
    list_concat([1], [2], [3, 4]) as g, list_cat([1], [2.5]) as h, list_concat([1], []) as i,
    array_concat(['a'], ['b']) as j, [] || [] as k, list_concat([NULL], [1]) as l,
    array_cat([[1]], [[2, 3]]) as m;

-- name: concat_columns
select id, list_concat(l, [7]) as a, l || l as b, list_cat(s, NULL) as c,
    array_concat(l, [1.5]) as d, l || NULL as e, list_concat(NULL, l, l) as f,
    list_concat(s, s, ['z']) as g, l || l[2:] as h from t_lists order by id;

-- name: position
select list_position([1, 2, NULL, 2], 2) as a, list_position([1, 2], 3) as b,
    list_position([1, NULL], NULL) as c, list_position(NULL, 1) as d, list_indexof([1], 1) as e,
    array_position([1, 2], 2) as f, list_position([], 1) as g, list_position([1], NULL) as h,
    list_position([NULL], NULL) as i, list_position([1, 2], 2.0) as j,
    list_position([1.5, 2], 2) as k, array_indexof(['a', 'é'], 'é') as l;

-- name: position_columns
select id, list_position(l, 2) as a, list_indexof(s, 'c') as b, list_position(s, NULL) as c,
    array_position(l, id) as d, list_position(l, g) as e from t_lists order by id;

-- name: has_any_all
select list_has_any([1, 2], [2, 3]) as a, list_has_any([1, NULL], [NULL]) as b,
    list_has_any(NULL, [1]) as c, list_has_any([1], NULL) as d, list_has_any([], []) as e,
    list_has_all([1, 2], [2]) as f, list_has_all([1], [1, NULL]) as g, list_has_all([1], []) as h,
    list_has_all([], [NULL]) as i, list_has_all(NULL, [1]) as j, list_has_all([1], [NULL]) as k,
    list_has_any([NULL], [NULL]) as l, list_has_any([1], [1.0]) as m, list_has_all([], [1]) as n,
    [1, 2] <@ [1, 2, 3] as o, [1, 2] @> [1] as p, [1] && [2] as q,
    array_has_any(['a', 'b'], ['b']) as r, array_has_all([1, 2, 2], [2, 2]) as s;

-- name: has_any_all_columns
select id, list_has_any(l, [2, 4]) as a, list_has_all(l, [2]) as b,
    list_has_any(s, ['a', NULL]) as c, list_has_all(s, s) as d, l && [5] as e, [1, 2] <@ l as f,
    list_has_all([2, 2], l) as g from t_lists order by id;

-- name: has_unaliased
select l && [1], l @> [1], [1] <@ l, list_has_any(l, [1]), array_has_all(l, [1])
from t_lists order by id;

-- name: array_to_string
select array_to_string([1, 2, NULL], ',') as a, array_to_string(['a', NULL, 'b'], '-') as b,
    array_to_string([], ',') as c, array_to_string(NULL, ',') as d,
    array_to_string(['a', 'b'], NULL) as e, array_to_string([1.5, 2], ', ') as f,
    array_to_string([NULL], ',') as g, array_to_string([DATE '2020-01-01'], ',') as h,
    array_to_string(['é', 'ü'], '') as i;

-- name: array_to_string_columns
select id, array_to_string(l, ',') as a, array_to_string(s, '') as b,
    array_to_string(s, NULL) as c, array_to_string(list_sort(s), ' < ') as d
from t_lists order by id;

-- name: string_split_literals
select string_split('a,b,,c', ',') as a, string_split('', ',') as b, string_split(NULL, ',') as c,
    string_split('abc', '') as d, string_split('a,b', NULL) as e, str_split('aXXbXXc', 'XX') as f,
    string_split('ab', 'abc') as g, string_split('é,ü', ',') as h, string_split('aXXXb', 'XX') as i,
    string_split('', '') as j, string_split('aé', '') as k, string_to_array('a b', ' ') as l,
    split(',x,', ',') as m;

-- name: string_split_columns
select id, string_split(s, 'a') as a, str_split(s, '') as b, string_to_array(s, ' ') as c,
    split(s, NULL) as d, len(string_split(s, 'a')) as e from t_str order by id;

-- name: string_split_then_list_functions
select id, list_sort(string_split(s, '')) as a, list_unique(string_split(s, '')) as b,
    list_position(string_split(s, ' '), 'Case') as c,
    array_to_string(list_reverse_sort(string_split(s, '')), '.') as d,
    string_split(s, 'a')[-1] as e from t_str order by id;

-- name: string_split_unnest
select w, count(*) as n from (select unnest(string_split(s, '')) as w from t_str) u
group by w order by w;

-- name: string_split_empty_table
select string_split(b, 'a') as x, split_part(b, 'a', 1) as y from t_empty;

-- name: string_split_regex
select string_split_regex('a1b22c', '[0-9]+') as a, regexp_split_to_array('a b', ' ') as b,
    string_split_regex('1a1', '[0-9]') as c, string_split_regex('', ',') as d,
    string_split_regex(NULL, ',') as e;

-- name: string_split_regex_columns
select id, string_split_regex(s, '[ _%]') as a, string_split_regex(s, 'A|a') as b
from t_str order by id;

-- name: split_part_literals
select split_part('a,b,c', ',', 2) as a, split_part('a,b,c', ',', -1) as b,
    split_part('a,b,c', ',', 0) as c, split_part('a,b,c', ',', 4) as d,
    split_part('a,b,c', ',', -4) as e, split_part(NULL, ',', 1) as f, split_part('a,b', NULL, 1) as g,
    split_part('a,b', ',', NULL) as h, split_part('abc', '', 2) as i, split_part('', ',', 1) as j,
    split_part('a,b', ',', -3) as k, split_part('abc', '', -1) as l, split_part('é,ü', ',', 2) as m;

-- name: split_part_columns
select id, split_part(s, 'a', 1) as a, split_part(s, ' ', -1) as b, split_part(s, '', id) as c,
    split_part(s, 'b', 2) as d from t_str order by id;

-- name: split_part_in_group_by
select split_part(b, 'l', 1) as head, count(*) as n from t_nulls group by head order by head;

-- name: split_unaliased
select string_split(s, ','), split_part(s, ' ', 1), string_split_regex(s, '[ ]') from t_str
order by id;

-- name: append_prepend
select list_append([1], 2) as a, list_append(NULL, 2) as b, list_append([1], NULL) as c,
    list_prepend(0, [1]) as d, list_prepend(0, NULL) as e, array_push_back([1], 2) as f,
    array_push_front([1], 0) as g, list_append([], 1) as h, list_append([1.5], 2) as i,
    array_append(['a'], 'é') as j, array_prepend(1, [2]) as k;

-- name: append_prepend_columns
select id, list_append(l, id) as a, list_prepend(id, l[1:1]) as b, array_push_back(s, 'z') as c,
    list_prepend(s[1], s) as d from t_lists order by id;

-- name: reverse_and_flatten
select list_reverse([1, NULL, 3]) as a, list_reverse([]) as b, list_reverse(NULL) as c,
    array_reverse(['a', 'b']) as d, flatten([[1, 2], NULL, [], [3]]) as e, flatten([]) as f,
    flatten(NULL) as g, flatten([[]]) as h, flatten([NULL]) as i, flatten([[[1]], [[2, 3]]]) as j;

-- name: reverse_and_flatten_columns
select id, list_reverse(l) as a, array_reverse(s) as b, flatten([l, l]) as c,
    flatten([l, NULL, l[2:]]) as d from t_lists order by id;

-- name: flatten_groups
select g, flatten(list(l order by id)) as a, list_reverse(list(id order by id)) as b
from t_lists group by g order by g;

-- name: append_unaliased
select list_append(l, 1), list_prepend(1, l), array_push_front(l, 1), list_reverse(l),
    flatten([l]) from t_lists order by id;

-- name: no_rows
select list_sort(l) as a, list_sum(l) as b, list_distinct(s) as c, list_has_any(l, l) as d,
    list_position(l, 1) as e, array_to_string(s, ',') as f, string_split(s[1], 'a') as g,
    list_concat(l, [1]) as h, list_unique(s) as i, flatten([l]) as j, list_reverse(s) as k,
    split_part(s[1], 'a', 1) as m from t_lists where id > 100;

-- name: position_string_literal_cast_to_elements
-- DuckDB casts a string literal to the elements' type (VARCHAR elements with a number are an
-- error, test_errors.py)
select id, list_position(l, '2') as a, list_position([1.5, 2.0], '2') as b,
    list_position([date '2020-01-01'], '2020-01-01') as c, list_position(s, 'ü') as d
from t_lists order by id;

-- name: contains_string_literal_cast_to_elements
select id, list_contains(l, '4') as a, list_contains([true, NULL], 'true') as b,
    list_contains(s, '') as c, list_contains([date '2020-01-01'], '2020-01-01') as d
from t_lists order by id;
