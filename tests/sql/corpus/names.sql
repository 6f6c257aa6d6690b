-- Result column names spelled as DuckDB spells them: a column keeps the spelling it was
-- defined with (a table's `MixedName`, an alias `"Abc"`, a column list `q(Kk)`), however the
-- query writes it, through `*`, derived tables, CTEs, views, set operations and joins.

-- name: star_keeps_table_spelling
select * from t_case order by 1;

-- name: column_written_lower_case
select mixedname, upper_v from t_case order by id;

-- name: column_written_upper_case
select MIXEDNAME, "upper_v" from t_case order by ID;

-- name: qualified_column
select t_case.mixedname, c.upper_v from t_case, t_case as c where t_case.id = c.id order by 1 nulls first;

-- name: alias_keeps_its_spelling
select mixedname as Mn, upper_v as "UV", id as lowered from t_case order by id;

-- name: table_star_keeps_spelling
select c.* from t_case c order by id;

-- name: derived_table_star
select * from (select mixedname, id from t_case) order by id;

-- name: derived_table_quoted_alias
select * from (select 1 as "Abc", 2 as def, 'ü' as "Ünï");

-- name: derived_table_alias_read_in_other_case
select abc, DEF from (select 1 as "Abc", 2 as Def);

-- name: derived_table_alias_merged
select * from (select mixedname as NameA, id + 1 as NextId from t_case) order by nextid;

-- name: derived_table_with_limit_not_merged
select * from (select mixedname, id from t_case order by id limit 2);

-- name: derived_table_column_list
select * from (select id, mixedname from t_case) as s(Key_A) order by 1;

-- name: derived_table_unaliased_column
select upper_v from (select upper_v, count(*) as n from t_case group by all) order by 1 nulls last;

-- name: cte_star
with q as (select id, mixedname as "Nm" from t_case) select * from q order by id;

-- name: cte_column_list
with q(Kk, lL) as (select id, mixedname from t_case) select * from q order by kk;

-- name: cte_column_list_read_by_name
with q(Kk) as (select id from t_case) select kk from q order by 1;

-- name: recursive_cte_column_list
with recursive r(Nn) as (select 1 union all select nn + 1 from r where nn < 3) select * from r order by 1;

-- name: union_names_from_first_branch
select id, mixedname from t_case union all select ID, other from t_case2 order by 1, 2 nulls first;

-- name: union_star_first_branch_spelling
select * from t_case2 union select id, mixedname from t_case order by 1, 2 nulls first;

-- name: union_in_derived_table
select * from (select id from t_case union all select id from t_case2) order by 1;

-- name: join_using_left_spelling
select * from t_case join t_case2 using (id) order by id;

-- name: join_using_column_named
select id, other from t_case join t_case2 using (id) order by 1;

-- name: left_join_using
select * from t_case left join t_case2 using (id) order by id;

-- name: right_join_using_right_spelling
select * from t_case right join t_case2 using (ID) order by 1;

-- name: right_join_using_column_named
select id from t_case right join t_case2 using (id) order by 1;

-- name: full_join_using_star
select * from t_case full join t_case2 using (id) order by 1;

-- name: full_join_using_column_as_written
select ID, iD from t_case full join t_case2 using (id) order by 1;

-- name: natural_join
select * from t_case natural join t_case2 order by 1;

-- name: natural_right_join
select * from t_case natural right join t_case2 order by 1;

-- name: cross_join_both_stars
select * from t_case a, t_case2 b where a.id = b.id order by 1;

-- name: group_by_all_names
select mixedname, count(*) from t_case group by all order by 1 nulls first;

-- name: group_by_column_other_case
select MIXEDNAME, sum(UPPER_V) from t_case group by mixedname order by 1 nulls first;

-- name: distinct_column
select distinct mixedname from t_case order by 1 nulls first;

-- name: order_by_other_case
select mixedname from t_case order by ID desc;

-- name: star_exclude_keeps_spelling
select * exclude (upper_v) from t_case order by id;

-- name: star_exclude_any_case
select * exclude (MIXEDNAME, "Upper_V") from t_case order by 1;

-- name: star_exclude_qualified
select * exclude (t_case.mixedname) from t_case order by 1;

-- name: star_replace_names_by_alias
select * replace (upper_v * 2 as upper_v) from t_case order by id;

-- name: star_replace_alias_spelling
select * replace (upper_v * 2 as UPPER_v) from t_case order by id;

-- name: table_star_exclude
select c.* exclude (mixedname) from t_case c order by 1;

-- name: columns_star_spelling
select columns(*) from t_case order by 1;

-- name: columns_regex_case_sensitive
select columns('^[A-Z]') from t_case order by 1;

-- name: columns_list_any_case
select columns(['mixedname', 'ID']) from t_case order by 1;

-- name: columns_around_expression
select max(columns(* exclude (mixedname))) from t_case;

-- name: columns_alias_template
select columns('Name') as "n_\0" from t_case order by 1 nulls first;

-- name: lateral_alias_spelling
select * from t_case, lateral (select id * 10 as TenX) order by 1;

-- name: lateral_column_list
select * from t_case2, lateral (select id + 1) l(NextOne) order by 1;

-- name: range_column_list
select * from range(2) r(Xy);

-- name: values_column_list
select * from (values (1, 'a'), (2, NULL)) v(Num, "Tëxt") order by 1;

-- name: unnest_alias
select * from (select unnest([1, 2]) as Uu) order by 1;

-- name: scalar_subquery_named_by_text
select (select max(id) from t_case) as "Max", mixedname from t_case order by id;

-- name: in_subquery_keeps_names
select * from t_case where id in (select ID from t_case2) order by id;

-- name: empty_table_keeps_names
select * from t_case where id > 100;

-- name: empty_derived_table_keeps_names
select * from (select mixedname as "Nom" from t_case where false);

-- name: expression_names_as_written
select id + 1, lower(mixedname), upper_V * 2 from t_case order by 1;

-- name: struct_field_names_keep_case
select {'Ab': id, 'cD': mixedname} as "S" from t_case order by id;

-- name: view_star
create or replace view v_case as select mixedname, id as "Key" from t_case;
select * from v_case order by 2;

-- name: view_column_list
create or replace view v_case_cols(Vx, vY) as select id, mixedname, upper_v from t_case;
select * from v_case_cols order by 1;

-- name: view_column_list_read_by_name
create or replace view v_case_cols(Vx, vY) as select id, mixedname, upper_v from t_case;
select vx, VY, upper_v from v_case_cols order by 1;

-- name: derived_table_unaliased_expressions
select * from (select id + 1, lower(mixedname), upper_v * 2 from t_case) order by 1;

-- name: derived_table_unaliased_aggregates
select * from (select count(*), sum(id), max(mixedname) from t_case);

-- name: derived_table_repeated_expression_names
select * from (select count(*), count(*), count(*) from t_case where id > 100);

-- name: cte_unaliased_aggregate_grouped
with q as (select mixedname, count(*) from t_case group by all) select * from q order by 1 nulls first;

-- name: derived_table_unaliased_literals_and_window
select * from (select 1.5, 'x', NULL, id, sum(id) over () from t_case) order by id;

-- name: derived_table_unaliased_case
select * from (select case when id > 2 then 'big' end from t_case) order by 1 nulls first;

-- name: joined_derived_table_column_list
select * from (select id from t_case) join (select id from t_case2) s(Zz) on true order by 1, 2;

-- name: derived_union_unaliased_first_branch
select * from ((select count(*) from t_case) union all (select max(id) from t_case2)) order by 1;

-- name: lateral_unaliased_expression
select * from t_case2, lateral (select id * 2) order by 1;
