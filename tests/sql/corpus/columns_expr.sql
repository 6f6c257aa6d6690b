-- DuckDB's COLUMNS(...) star expressions: a regex (partial match), *, * EXCLUDE / REPLACE, t.*,
-- a list of names, a lambda over the names; expressions around them (one copy per column,
-- named after it), in WHERE (the copies ANDed) and ORDER BY; aliases with \0 and \1.

-- name: regex_partial_match
select columns('a') from t_nulls;

-- name: regex_anchored
select columns('^a$') from t_nulls;

-- name: regex_alternatives_in_table_order
select columns('d|id') from t_nulls;

-- name: regex_dot_matches_any_character
select columns('i.') from t_nulls;

-- name: regex_case_sensitive
select columns('(?i)B') from t_nulls;

-- name: regex_character_class
select columns('^[a-c]$') from t_nulls;

-- name: regex_names_with_specials
select columns('x\+y|a\.b') from (select 1 as "a.b", 2 as "x+y", 3 as "ä", 4 as axb, 5 as "x y");

-- name: regex_specials_unescaped
select columns('a.b') from (select 1 as "a.b", 2 as "x+y", 3 as "ä", 4 as axb, 5 as "x y");

-- name: regex_non_ascii_name
select columns('ä| ') from (select 1 as "a.b", 2 as "x+y", 3 as "ä", 4 as axb, 5 as "x y");

-- name: regex_mixed_case_name
select columns('^U') from (select 1 as "Up", 2 as "up_not", 3 as down);

-- name: regex_empty_matches_all
select columns('') from t_left;

-- name: regex_constant_expression
select columns('^' || 'k' || '$') from t_left;

-- name: star
select columns(*) from t_nulls;

-- name: star_exclude
select columns(* exclude (b, d)) from t_nulls;

-- name: star_replace
select columns(* replace (a * 10 as a)) from t_nulls;

-- name: table_star_of_a_join
select columns(r.*) from t_left l join t_right r on l.k = r.k;

-- name: table_star_exclude_of_a_join
select columns(l.* exclude (v)) from t_left l join t_right r on l.k = r.k;

-- name: star_of_a_join
select columns(*) from t_left l join t_right r on l.k = r.k;

-- name: regex_over_a_join
select columns('^[kvw]$') from t_left l join t_right r on l.k = r.k;

-- name: regex_over_a_join_using
select columns('k|s') from t_left join t_right using (k);

-- name: star_over_a_left_join
select columns(*) from t_left l left join t_right r on l.k = r.k;

-- name: list_of_names
select columns(['v', 'lid']) from t_left;

-- name: list_of_names_case_insensitive
select columns(['K', 'k', 's']) from t_left;

-- name: lambda_like
select columns(lambda c: c like '%id') from t_left l join t_right r on l.k = r.k;

-- name: lambda_with_index
select columns(lambda c, i: i % 2 = 1) from t_nulls;

-- name: lambda_functions
select columns(lambda c: length(c) > 1 or upper(c) = 'S') from t_left;

-- name: function_around
select min(columns(*)) from t_nulls;

-- name: aggregates_around_empty_input
select max(columns(*)), count(columns('a|c')) from t_empty;

-- name: count_around
select count(columns(*)) from t_nulls;

-- name: arithmetic_around
select columns('^[ac]$') + 1 from t_nulls;

-- name: same_columns_twice
select columns('^[ac]$') * columns('^[ac]$') from t_nulls;

-- name: cast_around
select columns('^[ac]$')::varchar from t_nulls;

-- name: string_function_around
select upper(columns('s')) from t_str;

-- name: aggregates_with_group_by
select k, sum(columns('^v$|lid')), max(columns('s')) from t_left group by k order by k;

-- name: aggregates_with_group_by_all
select k, avg(columns('v|lid')) from t_left group by all order by all;

-- name: alias_repeated
select columns('^[ac]$') as x from t_nulls;

-- name: alias_with_column_name
select max(columns('^[ac]$')) as "max_\0" from t_nulls;

-- name: alias_with_regex_group
select columns('^(l|r)id$') as "\1_key" from t_left l join t_right r on l.k = r.k;

-- name: alias_with_escaped_backslash
select columns('^k$') as "a\\b" from t_left;

-- name: beside_other_items
select lid, columns('^[kv]$'), lid + 1 from t_left;

-- name: where_anded
select * from t_nulls where columns('^[ac]$') > 1;

-- name: where_is_not_null
select id from t_nulls where columns(*) is not null;

-- name: where_under_not
select id from t_nulls where not (columns('^[ac]$') > 1);

-- name: where_with_or
select id from t_nulls where columns('^[ac]$') > 1 or id = 1;

-- name: where_beside_a_condition
select id, columns('^[ac]$') from t_nulls where id > 2 and columns('^[ac]$') >= 0;

-- name: order_by
select columns('^[kv]$') from t_left order by columns('^[kv]$') desc nulls last;

-- name: order_by_expanded_alias
select columns('^k$') * -1 from t_left order by k;

-- name: distinct
select distinct columns('^k$|^s$') from t_right;

-- name: window_around
select lid, sum(columns('^v$')) over (partition by k) from t_left;

-- name: derived_table
select columns('a') from (select * from t_nulls) s;

-- name: derived_table_unnamed
select columns('^[ab]$') from (select * from t_nulls where id < 4);

-- name: inside_derived_table
select * from (select columns('^[kv]$') from t_left) s;

-- name: nested
select columns('k') from (select columns('^[kv]$') from t_left) s;

-- name: cte
with w as (select columns('^[ac]$') + 1 from t_nulls) select columns('c') from w;

-- name: cte_column_list
with w(x, y, z) as (select lid, k, s from t_left) select columns('x|z') from w;

-- name: scalar_subquery
select lid, (select max(columns('^w$')) from t_right) as m from t_left;

-- name: correlated_exists
select lid from t_left where exists (select columns('w') from t_right where t_right.k = t_left.k);

-- name: union_all
select columns('^k') from t_left union all select columns('^k') from t_right;

-- name: view
create or replace view v_columns as select k, s, v from t_left;
select columns('s|v') from v_columns;

-- name: range_source
select columns(*) from range(3);

-- name: values_source
select columns('col') from (values (1, 'x'), (2, 'y'));

-- name: limit
select columns('^[kv]$') from t_left order by lid limit 2;

-- name: distinct_on
select distinct on (columns('^k$')) k, lid from t_left order by k, lid;

-- name: lambda_number_as_condition
select columns(lambda c, i: i - 1) from t_left;

-- name: regex_perl_classes_are_ascii
select columns('^\w+$|\d') from (select 1 as "ä", 2 as b, 3 as "a b", 4 as "äb", 5 as "١", 6 as x2);

-- name: regex_posix_class
select columns('^[[:alpha:]_]+$') from (select 1 as "ä", 2 as b, 3 as "a b", 4 as "a_b");

-- name: regex_case_folding_is_unicode
select columns('(?i)Ä') from (select 1 as "ä", 2 as b);

-- name: regex_word_boundary
select columns('\bb') from (select 1 as "äb", 2 as "a b", 3 as ab);

-- name: regex_quoted_literal
select columns('\Qa.\E') from (select 1 as "a.", 2 as ab, 3 as "xa.");
