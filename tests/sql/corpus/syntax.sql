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
