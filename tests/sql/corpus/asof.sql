-- ASOF JOIN (inner and LEFT): for each left row the right row with equal keys and the nearest
-- value on the allowed side of the one inequality; NULL keys and values match nothing. Only the
-- inequality's right-hand value is selected where right rows can tie on it.

-- name: asof_greater_equal
select t_left.lid, t_left.k, t_right.k as rk
from t_left asof join t_right on t_left.k >= t_right.k
order by t_left.lid;

-- name: asof_left_less_than
select t_left.lid, t_right.k as rk
from t_left asof left join t_right on t_left.k < t_right.k
order by t_left.lid;

-- name: asof_with_key_and_right_filter
select l.lid, r.rid, r.w
from t_left l asof left join t_right r on l.s = r.s and l.lid >= r.rid and r.w > 100
order by l.lid;

-- name: asof_dates_tpch
select o_orderkey, o_orderdate, l_shipdate
from orders asof join lineitem on o_orderkey = l_orderkey and o_orderdate + 60 <= l_shipdate
where o_orderkey < 400
order by o_orderkey;

-- name: asof_strings
select tag, n_name
from t_names asof left join nation on name > n_name
order by tag;

-- name: asof_doubles_flipped
select a.id, b.c as below_c
from t_nulls a asof join t_nulls b on b.c < a.c
order by a.id;

-- name: asof_then_aggregate
select r.k, count(*) as n
from t_left l asof join t_right r on l.k >= r.k
group by r.k
order by r.k;
