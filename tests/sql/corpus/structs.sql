-- STRUCT values: struct_pack / {'name': x} literals and row(), field access (s.a, s['a'],
-- struct_extract) through derived tables and CTEs, DATE_PART and REGEXP_EXTRACT returning
-- structs, and struct columns in and out of Arrow: NULL structs, NULL fields, empty inputs.

-- name: literals
select {'a': 1, 'b': 'x'} as s, struct_pack(a := 1, b := 2.5) as p, {'a': NULL} as n,
    {'a': [1, 2], 'b': {'c': DATE '2020-01-01'}} as nested, {'x': 'café'} as u;

-- name: unaliased_names
select {'a': 1}, struct_pack(x := 1 + 2), {'year': 1, 'Q w': 2}, struct_pack(Ab := 1),
    row(1, 'x'), {'a': 1}.a, {'a': 1}['a'], struct_extract({'a': 1}, 'a');

-- name: literal_of_columns
select id, {'a': a, 'b': b, 'c': c, 'd': d} as s from t_nulls order by id;

-- name: nested_of_columns
select id, struct_pack(x := a + 1, y := [a, id], z := {'q': d, 'r': upper(b)}) as s
from t_nulls order by id;

-- name: row_of_columns
select id, row(a, b) as r from t_nulls order by id;

-- name: null_struct_from_case
select id, case when a > 1 then {'a': a, 'b': b} end as s,
    case when a > 1 then {'a': a} else NULL end as t from t_nulls order by id;

-- name: coalesce_with_null
select id, coalesce(NULL, {'a': a}) as s from t_nulls order by id;

-- name: case_of_two_structs
select id, case when a > 1 then {'a': a, 'b': b} when a < 0 then {'a': 2.5, 'b': NULL}
    else {'a': NULL, 'b': 'none'} end as s from t_nulls order by id;

-- name: coalesce_of_two_structs
select id, coalesce(case when a > 1 then {'a': a, 'b': b} end, {'a': 0, 'b': 'none'}) as s
from t_nulls order by id;

-- name: coalesce_of_a_struct_column
select id, coalesce(s, {'a': 0, 'b': 'none', 'c': NULL}) as t from t_structs order by id;

-- name: correlated_scalar_subquery_of_structs
select id, (select s from t_structs x where x.id = t.id + 1) as s from t_structs t order by id;

-- name: empty_input
select {'a': a, 'b': b} as s, {'a': a}.a as x from t_empty;

-- name: field_access
select id, {'a': a, 'b': b}.b as x, {'a': a, 'b': b}['a'] as y,
    struct_extract({'a': a, 'b': b}, 'b') as z from t_nulls order by id;

-- name: field_access_through_derived_table
select id, s.a, s['b'], struct_extract(s, 'a'), s.a + 1 as n
from (select id, {'a': a, 'b': b} as s from t_nulls) order by id;

-- name: field_access_of_null_structs_in_cte
with q as (select id, case when id % 2 = 0 then {'a': a, 'b': b} end as s from t_nulls)
select id, s.a + 1 as x, s.b, s, s is null as missing from q order by id;

-- name: qualified_field_access
select t.id, t.s.a, (t.s).a as b from (select id, {'a': a} as s from t_nulls) t order by t.id;

-- name: nested_field_access
select id, s.x.y, s['x']['y'], s.x from (select id, {'x': {'y': a}} as s from t_nulls)
order by id;

-- name: field_case_kept
select s."Q w", s.ab, s from (select {'Q w': 2, 'Ab': 3} as s);

-- name: filter_on_a_field
select id, s from (select id, {'a': a} as s from t_nulls) where s.a > 1 order by id;

-- name: filter_on_null_struct
select id from (select id, case when a > 1 then {'a': a} end as s from t_nulls)
where s is not null order by id;

-- name: union_all
select {'a': 1} as s union all select {'a': 2} union all select NULL;

-- name: union_all_of_columns
select id, {'a': a} as s from t_nulls where id < 4
union all select id, {'a': id + 100} from t_nulls where id > 8 order by id;

-- name: count_structs
select count({'a': a}) as c, count(case when a > 1 then {'a': a} end) as d from t_nulls;

-- name: first_and_list_of_structs
select id % 2 as g, first({'a': a} order by id) as f, list({'a': a} order by id) as l
from t_nulls group by g order by g;

-- name: lead_of_structs
select id, lead({'a': a}, 1) over (order by id) as x from t_nulls order by id;

-- name: structs_through_a_join
select l.lid, {'k': l.k, 's': r.s} as p from t_left l join t_right r on l.k = r.k
order by l.lid, r.rid;

-- name: struct_in_a_list
select [{'a': 1}, {'a': 2}] as l, [{'a': 1}][1].a as x;

-- name: date_part_list
select id, date_part(['year', 'month', 'dow', 'epoch', 'quarter'], d) as p from t_nulls
order by id;

-- name: date_part_list_of_timestamp
select date_part(['year', 'hour', 'minute', 'second'], timestamp '2020-03-04 10:11:12') as p;

-- name: date_part_list_unaliased
select date_part(['year', 'month'], d) from t_nulls order by id;

-- name: date_part_list_fields
select id, date_part(['Year', 'day'], d).Year + 1 as y, (date_part(['Year', 'day'], d)).day as dd
from t_nulls order by id;

-- name: date_part_list_in_derived_table
select x.p.year as y from (select date_part(['year', 'month'], d) as p from t_nulls) x
where x.p.month = 1 order by y;

-- name: regexp_extract_names
select id, regexp_extract(s, '([a-z]+)\s*(\d+)?', ['word', 'num']) as r,
    regexp_extract(s, '([a-z]+)\s*(\d+)?', ['word', 'num']).num as n from t_text order by id;

-- name: regexp_extract_names_unaliased
select regexp_extract('ab', '(a)(b)', ['x']), regexp_extract('aB', '(a)(b)', ['x', 'y']);

-- name: regexp_extract_names_of_values
select regexp_extract(s, '(a)(b)?', ['x', 'y']) as r
from (values ('ab'), ('a'), ('zz'), (NULL)) t(s);

-- name: struct_column
select * from t_structs order by id;

-- name: struct_column_fields
select id, s.a, s.b, s.c, s.c.d, s['c']['l'], struct_extract(s, 'a') + 1 as n from t_structs
order by id;

-- name: struct_column_filtered
select id, s from t_structs where s.a > 0 or s.b = 'héllo' order by id;

-- name: struct_column_rebuilt
select id, {'a2': s.a * 2, 'inner': s.c} as t from t_structs order by id;

-- name: struct_column_counted
select count(s) as c, count(*) as n, count(s.a) as a from t_structs;

-- name: unnest_list_of_structs
select unnest([{'a': 1}, {'a': 2.5}, NULL]) as u;

-- name: unnest_list_of_struct_column
select unnest(list(s order by id)).a as u from t_structs;

-- name: date_part_struct_with_julian
select id, date_part(['year', 'julian'], d) as s
from t_nulls
order by id;
