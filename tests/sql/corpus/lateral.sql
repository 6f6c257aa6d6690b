-- LATERAL joins (explicit, and DuckDB's implicit ones: a derived table or table function reading
-- an earlier FROM item), planned as dependent joins: NULL and duplicate outer values, empty outer
-- and inner inputs, outer rows with no inner match.

-- name: scalar_projection
select t.x, s.y from (values (1), (2), (null), (2)) t(x), lateral (select x * 10 as y) s;

-- name: projection_of_several_outer_columns
select l.lid, s.a, s.b from t_left l, lateral (select l.k + l.lid as a, l.s || '!' as b) s;

-- name: filter_on_outer_columns
select l.lid, s.y from t_left l, lateral (select l.v * 2 as y where l.k > 1) s;

-- name: filter_on_outer_null_checks
select l.lid, s.y from t_left l, lateral (select coalesce(l.k, -1) as y where l.k is null or l.k = 5) s;

-- name: inner_table_correlated_by_equality
select l.lid, r.rid, r.w from t_left l, lateral (select * from t_right r where r.k = l.k) r;

-- name: inner_table_correlated_by_inequality
select l.lid, r.rid from t_left l, lateral (select rid from t_right r where r.w > l.v * 10) r;

-- name: aggregate_correlated_by_equality
select l.lid, s.n, s.total from t_left l,
    lateral (select count(*) as n, sum(r.w) as total from t_right r where r.k = l.k) s;

-- name: aggregate_over_outer_and_inner_columns
select l.lid, s.m from t_left l,
    lateral (select max(r.w) + l.lid as m, count(r.rid) * l.k as c from t_right r where r.k = l.k) s;

-- name: aggregate_correlated_by_inequality
select l.lid, s.n from t_left l, lateral (select count(*) as n from t_right r where r.k < l.k) s;

-- name: aggregate_with_group_by
select l.lid, s.k, s.n from t_left l,
    lateral (select r.k, count(*) as n from t_right r where r.k <= l.k group by r.k) s;

-- name: aggregate_with_having
select l.lid, s.n from t_left l,
    lateral (select count(*) as n from t_right r where r.k = l.k having count(*) > 1) s;

-- name: distinct_inside
select l.lid, s.k from t_left l, lateral (select distinct r.k from t_right r where r.k >= l.k) s;

-- name: left_join_lateral_on_true
select l.lid, r.rid from t_left l left join lateral (select rid from t_right r where r.k = l.k) r on true;

-- name: left_join_lateral_on_condition
select l.lid, r.rid, r.w from t_left l
    left join lateral (select rid, w from t_right r where r.k = l.k) r on r.w > 200;

-- name: inner_join_lateral_on_condition
select l.lid, r.rid from t_left l
    join lateral (select rid, w from t_right r where r.k = l.k) r on r.w + l.lid > 203;

-- name: left_join_lateral_aggregate
select l.lid, s.n from t_left l left join lateral (select count(*) as n from t_right r where r.k = l.k) s on true;

-- name: implicit_lateral_derived_table
select l.lid, s.y from t_left l, (select l.k + 1 as y) s;

-- name: implicit_lateral_join_on
select l.lid, s.y from t_left l join (select l.k * 2 as y) s on s.y > 3;

-- name: table_function_over_outer_column
select t.x, r.i from (values (1), (3), (0), (null)) t(x), range(t.x) r(i);

-- name: generate_series_over_outer_columns
select l.lid, g.n from t_left l, generate_series(l.k, 3) g(n);

-- name: unnest_over_outer_list
select l.id, u.e from t_lists l, unnest(l.l) u(e);

-- name: empty_outer_input
select e.id, s.y from t_empty e, lateral (select e.a + 1 as y) s;

-- name: empty_outer_input_aggregate
select e.id, s.n from t_empty e, lateral (select count(*) as n from t_right r where r.k = e.a) s;

-- name: empty_inner_input
select l.lid, s.n, s.m from t_left l, lateral (select count(*) as n, max(e.c) as m from t_empty e where e.a = l.k) s;

-- name: empty_inner_input_rows
select l.lid, s.id from t_left l left join lateral (select e.id from t_empty e where e.a = l.k) s on true;

-- name: duplicate_and_null_outer_rows
select t.x, s.n from (values (2), (2), (null), (null), (3)) t(x),
    lateral (select count(*) as n, min(r.rid) as first_rid from t_right r where r.k = t.x or (t.x is null and r.k is null)) s;

-- name: string_correlation_non_ascii
select t.id, s.n from t_str t, lateral (select count(*) as n from t_str u where u.s < t.s) s;

-- name: string_correlation_values
select t.id, s.u from t_str t, lateral (select upper(t.s) || '·' as u) s;

-- name: two_laterals_chained
select l.lid, a.y, b.z from t_left l, lateral (select l.k * 2 as y) a, lateral (select a.y + l.lid as z) b;

-- name: lateral_then_join
select l.lid, a.y, r.rid from t_left l, lateral (select l.k + 1 as y) a join t_right r on r.k = a.y;

-- name: lateral_with_where_on_its_columns
select l.lid, s.n from t_left l, lateral (select count(*) as n from t_right r where r.k = l.k) s where s.n > 0 and l.lid < 6;

-- name: lateral_with_nested_correlated_subquery
select l.lid, s.n from t_left l,
    lateral (select (select count(*) from t_right r where r.k = l.k) as n) s;

-- name: lateral_in_aggregate_query
select s.n, count(*) as c from t_left l,
    lateral (select count(*) as n from t_right r where r.k = l.k) s group by s.n order by s.n;

-- name: lateral_reading_no_column
select l.lid, s.one from t_left l, lateral (select 1 as one) s;

-- name: lateral_exists_inside
select l.lid, s.e from t_left l, lateral (select exists (select 1 from t_right r where r.k = l.k) as e) s;

-- name: lateral_over_dates
select n.id, s.d2 from t_nulls n, lateral (select n.d + 1 as d2 where n.d > date '1995-01-01') s;

-- name: lateral_over_join_of_two_tables
select l.lid, r.rid, s.t from t_left l join t_right r on l.k = r.k,
    lateral (select l.v + r.w as t) s;

-- name: order_by_limit_per_outer_row
select l.lid, s.rid from t_left l,
    lateral (select rid from t_right r where r.k = l.k order by rid limit 1) s;

-- name: left_join_order_by_limit_offset
select l.lid, s.rid from t_left l
    left join lateral (select rid from t_right r where r.k >= l.k order by r.w desc, rid limit 2 offset 1) s on true;

-- name: limit_on_parenthesised_query
select l.lid, s.rid from t_left l, lateral ((select rid from t_right r where r.k >= l.k) order by rid limit 2) s;

-- name: window_function_per_outer_row
select l.lid, s.rid, s.rn from t_left l,
    lateral (select rid, row_number() over (order by rid) as rn from t_right r where r.k >= l.k) s;

-- name: window_count_over_whole_partition
select l.lid, s.c from t_left l, lateral (select count(*) over () as c from t_right r where r.k = l.k) s;

-- name: qualify_per_outer_row
select l.lid, s.k, s.n from t_left l,
    lateral (select r.k, count(*) as n from t_right r where r.w > l.v group by r.k
             qualify row_number() over (order by count(*) desc, r.k) = 1) s;

-- name: union_all_of_outer_columns
select l.lid, s.y from t_left l, lateral (select l.k as y union all select l.lid) s;

-- name: union_with_inner_table
select l.lid, s.y from t_left l, lateral (select r.k as y from t_right r where r.w > l.v union select l.k) s;

-- name: except_outer_value
select l.lid, s.y from t_left l, lateral (select r.k as y from t_right r where r.k is not null except select l.k) s;

-- name: intersect_outer_value
select l.lid, s.y from t_left l, lateral (select r.k as y from t_right r intersect select l.k) s;

-- name: union_all_order_by_limit
select l.lid, s.y from t_left l,
    lateral ((select r.rid as y from t_right r where r.k = l.k) union all (select -l.lid) order by y limit 1) s;

-- name: distinct_on_per_outer_row
select l.lid, s.k, s.rid from t_left l,
    lateral (select distinct on (r.k) r.k, r.rid from t_right r where r.w > l.v order by r.k, r.rid desc) s;

-- name: lateral_inside_a_right_joined_item
select l.lid, s.y, r.rid from t_left l join lateral (select l.k + 1 as y) s on true
    right join t_right r on r.k = s.y;

-- name: lateral_inside_a_full_joined_item
select l.lid, s.y, r.rid from t_left l join lateral (select l.k + 1 as y) s on true
    full join t_right r on r.k = s.y;

-- name: lateral_reading_an_earlier_lateral_only
select t2.x, t3.z from (select 1 as x) t, lateral (select t.x as x) t2
    join lateral (select t2.x + 1 as z) t3 on t3.z > 0;

-- name: lateral_in_a_correlated_subquery_reading_both
select l.lid, (select count(*) from t_right r, lateral (select r.w + l.lid as z) s where s.z > 300) as n
from t_left l;

-- name: implicit_lateral_unqualified_column
select t.x, s.y from (values (1), (2), (null)) t(x), (select x + 1 as y) s;

-- name: implicit_lateral_unqualified_with_inner_table
select l.lid, s.y, s.rid from t_left l, (select k + 1 as y, rid from t_right r where r.w > v) s;

-- name: derived_table_column_name_shared_with_earlier_item
select l.lid, s.y from t_left l, (select k + 1 as y from t_right r) s;

-- name: list_and_string_aggregates_over_no_rows
select l.lid, s.list, s.n, s.top, s.sa from t_left l,
    lateral (select list(r.rid order by r.rid) as list, count(*) as n, max(r.w, 2) as top,
                    string_agg(r.s, ',' order by r.s) as sa
             from t_right r where r.k = l.k) s;

-- name: aggregate_filter_clauses_on_outer_columns
select l.lid, s.m, s.d from t_left l,
    lateral (select max(r.w) filter (where r.k = l.k) as m,
                    count(distinct r.k) filter (where r.w > l.v) as d from t_right r) s;

-- name: order_by_outer_expression_limit
select l.lid, s.rid from t_left l,
    lateral (select rid from t_right r where r.k is not null
             order by abs(r.k - l.k) nulls last, rid limit 1) s;

-- name: quoted_upper_case_outer_column
select t."X", s.c from (select 1 as "X" union all select 3) t,
    lateral (select count(*) + t."X" as c from t_right r where r.k < t."X") s;

-- name: left_join_lateral_without_rows
select l.lid, s.y from t_left l left join lateral (select l.k + 1 as y where false) s on true;

-- name: edge_values_projection_per_row
select e.id, s.y, s.t from t_edge e, lateral (select 1 / e.f as y, cast(e.f as varchar) as t) s;

-- name: edge_values_aggregate
select e.id, s.n, s.m from t_edge e,
    lateral (select count(*) as n, max(u.s) as m from t_edge u where u.b < e.b or u.dt > e.dt) s;

-- name: edge_values_strings_and_dates
select e.id, s.y, s.d from t_edge e,
    lateral (select e.s || '|' as y, e.dt - 1 as d where e.dt > date '0001-01-01') s;

-- name: right_join_inside_lateral_filtered_by_where
select l.lid, s.c from t_left l,
    lateral (select count(*) as c from t_nulls n, t_right r right join t_keys kk on kk.k = r.k
             where r.w > l.v) s;

-- name: left_join_inside_lateral_on_outer_column
select l.lid, s.c from t_left l,
    lateral (select count(*) as c from t_right r left join t_nulls n on n.a = r.k and n.id > l.lid) s;

-- name: derived_table_inside_lateral_reading_outer
select l.lid, s.y from t_left l, lateral (select * from (select l.k * 2 as y) d) s;

-- name: grouped_derived_table_inside_lateral_reading_outer
select l.lid, s.n from t_left l,
    lateral (select count(*) as n from (select r.k from t_right r where r.k = l.k group by r.k) d) s;

-- name: where_on_outer_rows_before_lateral
select l.lid, s.n from t_left l, lateral (select count(*) as n from t_right r where r.k = l.k) s
where l.s <> 'x' and l.v > 15;

-- name: where_is_null_with_right_join_after_lateral
select l.lid, s.y, r.rid from t_left l join lateral (select l.k + 1 as y) s on true
    right join t_right r on r.k = l.k
where l.s is null;

-- name: where_on_lateral_and_outer_columns
select l.lid, s.n from t_left l left join lateral (select count(*) as n from t_right r where r.k = l.k) s on true
where s.n = 0 or l.lid = 2;

-- name: explicit_lateral_range
select l.lid, r.i from t_left l, lateral range(l.k) r(i);

-- name: left_join_lateral_generate_series
select l.lid, r.i from t_left l left join lateral generate_series(1, l.k) r(i) on true;

-- name: lateral_values_over_outer_columns
select l.lid, v.x from t_left l, lateral (values (l.k), (l.lid)) v(x);

-- name: implicit_lateral_values
select l.lid, v.x, v.y from t_left l, (values (l.k, l.s), (l.lid, 'é')) v(x, y);

-- name: lateral_unnest_of_outer_values
select l.lid, u.x from t_left l, lateral unnest([l.k, 1]) u(x);
