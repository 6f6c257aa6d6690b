-- DuckDB syntax tqp runs: FROM-first queries (with joins), UNION [ALL] BY NAME, ORDER BY ALL,
-- SELECT * EXCLUDE / REPLACE, LIMIT n%.

-- name: from_first_semi_join
from t_left semi join t_right on t_left.k = t_right.k;

-- name: from_first_anti_join
from t_left anti join t_right on t_left.k = t_right.k;

-- name: from_first_join_select_after
from t_left l join t_right r on l.k = r.k select l.lid, r.rid, r.w;

-- name: from_first_left_join_where
from t_left l left join t_right r on l.k = r.k select l.lid, r.w where l.lid > 2 order by l.lid, r.w;

-- name: from_first_plain
from nation select n_name where n_regionkey = 1 order by n_name;

-- name: union_by_name
select * from t_left union by name select * from t_right order by all;

-- name: union_all_by_name_reordered
select k, s from t_left union all by name select w, K from t_right order by all;

-- name: order_by_all
select k, s, v from t_left order by all;

-- name: order_by_all_desc
select k, s from t_left order by all desc;

-- name: order_by_all_aggregate
select n_regionkey, count(*) as n from nation group by all order by all;

-- name: star_exclude
select * exclude (k, s) from t_left order by lid;

-- name: star_replace
select * replace (k + 1 as k, upper(s) as s) from t_left order by lid;

-- name: limit_percent
select * from t_left order by lid limit 50%;

-- name: limit_percent_offset
select l_orderkey, l_linenumber from lineitem
order by l_extendedprice desc, l_orderkey, l_linenumber
limit 0.1 percent offset 3;

-- name: limit_percent_in_subquery
select count(*) as n, sum(v) as s from (select * from t_left order by v nulls first limit 30%) t;

-- Names of select items used in the same SELECT (qualify expands them only where one may be).

-- name: alias_in_later_item
select n_nationkey + 1 as nk, nk * 2 as nk2 from nation order by nk;

-- name: alias_in_where
select n_nationkey % 5 as bucket, n_name from nation where bucket = 2 order by n_name;

-- name: alias_in_group_by
select n_regionkey * 10 as r10, count(*) as c from nation group by r10 order by r10;

-- name: alias_in_where_shadowed_by_column
select n_regionkey + 100 as n_nationkey, n_name from nation where n_nationkey < 3 order by n_name;

-- name: alias_in_subquery_where
select n_name from nation
where n_nationkey in (select r_regionkey + 1 as x from region where x < 3) order by n_name;

-- name: alias_of_derived_table_used_outside
select d.x, x + 1 as y from (select n_nationkey as x from nation) d where x < 3 order by y;

-- name: alias_in_having
select n_regionkey as r, count(*) as c from nation group by r having c > 4 and r < 3 order by r;
