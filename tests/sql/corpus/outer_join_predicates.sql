-- Conditions around outer joins: a WHERE condition sees the NULLs the join pads in (it never
-- filters the NULL-padding side before the join), and an ON condition only decides which rows
-- match (it never drops a row of the preserved side). Tables oj_l(k, x) = (1,p), (2,q) and
-- oj_r(k, y) = (1,r), (3,s); oj_a(i) = 1, 2, 3; oj_b(k) = 1, 2.

-- name: right_join_where_on_padded_side
select * from oj_l l right join oj_r r on l.k = r.k where l.x = 'p';

-- name: right_join_where_on_preserved_side
select * from oj_l l right join oj_r r on l.k = r.k where r.y = 's';

-- name: right_join_where_is_not_null
select a.i, b.k from oj_b b right join oj_a a on a.i = b.k where b.k is not null;

-- name: right_join_where_is_null
select a.i, b.k from oj_b b right join oj_a a on a.i = b.k where b.k is null;

-- name: left_join_where_on_padded_side
select * from oj_l l left join oj_r r on l.k = r.k where r.y = 'r';

-- name: left_join_where_on_preserved_side
select * from oj_l l left join oj_r r on l.k = r.k where l.x = 'q';

-- name: left_join_where_is_null
select * from oj_l l left join oj_r r on l.k = r.k where r.k is null;

-- name: left_join_where_coalesce
select * from oj_l l left join oj_r r on l.k = r.k where coalesce(r.y, 'none') = 'none';

-- name: right_join_where_coalesce
select * from oj_l l right join oj_r r on l.k = r.k where coalesce(l.x, 'none') = 'none';

-- name: full_join_where_false
select * from oj_l l full join oj_r r on l.k = r.k where false;

-- name: full_join_where_left_side
select * from oj_l l full join oj_r r on l.k = r.k where l.x = 'q';

-- name: full_join_where_right_side
select * from oj_l l full join oj_r r on l.k = r.k where r.y = 's';

-- name: full_join_where_is_null_either
select * from oj_l l full join oj_r r on l.k = r.k where l.k is null or r.k is null;

-- name: full_join_where_coalesce_key
select coalesce(l.k, r.k) as k, l.x, r.y from oj_l l full join oj_r r on l.k = r.k
where coalesce(l.k, r.k) >= 2;

-- name: left_join_where_false
select * from oj_l l left join oj_r r on l.k = r.k where false;

-- name: right_join_where_null
select * from oj_l l right join oj_r r on l.k = r.k where null;

-- name: left_join_on_key_and_null
select * from oj_l l left join oj_r r on l.k = r.k and null;

-- name: left_join_on_null
select * from oj_l l left join oj_r r on null;

-- name: left_join_on_true
select * from oj_l l left join oj_r r on true;

-- name: left_join_on_false
select * from oj_l l left join oj_r r on false;

-- name: right_join_on_null
select * from oj_l l right join oj_r r on null;

-- name: full_join_on_null
select * from oj_l l full join oj_r r on null;

-- name: full_join_on_key_and_false
select * from oj_l l full join oj_r r on l.k = r.k and false;

-- name: left_join_on_preserved_side_condition
select * from oj_l l left join oj_r r on l.k = r.k and l.x = 'q';

-- name: right_join_on_preserved_side_condition
select * from oj_l l right join oj_r r on l.k = r.k and r.y = 'r';

-- name: right_join_on_padded_side_condition
select * from oj_l l right join oj_r r on l.k = r.k and l.x = 'q';

-- name: full_join_on_one_side_condition
select * from oj_l l full join oj_r r on l.k = r.k and l.x = 'p';

-- name: inner_then_right_join_where_inner_side
select a.i, b.k, l.x from oj_a a join oj_l l on a.i = l.k right join oj_b b on b.k = a.i
where l.x = 'p';

-- name: inner_then_left_join_where_both_sides
select a.i, l.x, r.y from oj_a a join oj_l l on a.i = l.k left join oj_r r on r.k = a.i
where l.x = 'p' or r.y is null;

-- name: left_join_count_padded
select l.x, count(r.k) as n from oj_l l left join oj_r r on l.k = r.k where r.y is null or l.x = 'p'
group by l.x;

-- name: comma_then_right_join
select * from oj_a a, oj_l l right join oj_r r on l.k = r.k;

-- name: comma_then_full_join_where
select a.i, l.x, r.y from oj_a a, oj_l l full join oj_r r on l.k = r.k
where a.i = coalesce(l.k, r.k) or r.y is null;

-- name: comma_then_left_join_where_padded
select a.i, l.x, r.y from oj_a a, oj_l l left join oj_r r on l.k = r.k where r.y is null;

-- name: left_join_then_where_in_subquery_on_padded_side
select * from oj_a a, oj_l l left join oj_r r on l.k = r.k
where r.k in (select k from oj_b) or r.k is null;

-- name: chained_left_joins_where_last_is_null
select * from oj_l l left join oj_r r on l.k = r.k left join oj_a a on a.i = r.k where a.i is null;

-- name: left_join_made_inner_by_a_where_key_on_the_padded_side
select l.lid, r.rid, k.kid
from t_left l left join t_right r on l.k = r.k, t_keys k
where r.w = k.k * 40 + 200
order by l.lid, r.rid, k.kid;

-- name: left_join_made_inner_by_a_comparison_on_the_padded_side
select l.lid, l.s, r.rid, r.w
from t_left l left join t_right r on l.k = r.k and r.w < 300
where r.w > 200
order by l.lid, r.rid;

-- name: left_join_kept_outer_by_is_null_on_the_padded_side
select l.lid, r.rid
from t_left l left join t_right r on l.k = r.k, t_keys k
where r.rid is null and l.lid = k.kid
order by l.lid;

-- name: left_join_kept_outer_by_coalesce_on_the_padded_side
select l.lid, r.rid, coalesce(r.w, -1) as w
from t_left l left join t_right r on l.k = r.k
where coalesce(r.w, 0) < 250
order by l.lid, r.rid;

-- name: left_join_kept_outer_by_or_with_the_preserved_side
select l.lid, r.rid
from t_left l left join t_right r on l.k = r.k
where r.w = 600 or l.v > 35
order by l.lid, r.rid;

-- name: right_join_made_inner_by_a_where_key_on_the_padded_side
select l.lid, r.rid, n.nid
from t_left l right join t_right r on l.k = r.k, t_names n
where l.s = n.tag or l.lid = n.nid
order by l.lid, r.rid, n.nid;

-- name: left_join_made_inner_case_on_the_padded_side_grouped
select k.label, count(*) as n,
    sum(case when r.w is not null then r.w - l.v else l.v end) as amount
from t_left l left join t_right r on r.k = l.k, t_keys k
where r.rid = k.kid
group by k.label
order by k.label;

-- name: left_join_made_inner_over_an_empty_table
select e.id, r.rid
from t_empty e left join t_right r on e.a = r.k
where r.w > 0
order by e.id;

-- name: two_left_joins_second_made_inner
select l.lid, r.rid, k.kid
from t_left l left join t_right r on l.k = r.k left join t_keys k on r.rid = k.kid
where k.label like 'f%'
order by l.lid, r.rid, k.kid;

-- name: left_join_after_the_block_that_filters_its_preserved_side
select l.lid, r.rid, r.w, k.label
from t_left l left join t_right r on l.k = r.k and r.w <> 201, t_keys k
where l.lid = k.kid and k.label <> 'zero'
order by l.lid, r.rid;

-- name: left_join_kept_in_the_block_when_its_padded_side_keys_another_input
select l.lid, r.rid, k.kid
from t_left l left join t_right r on l.k = r.k, t_keys k
where coalesce(r.rid, 0) = k.kid
order by l.lid, r.rid, k.kid;

-- name: left_join_chain_after_the_block
select l.lid, r.rid, n.nid, k.kid
from t_left l left join t_right r on l.k = r.k left join t_names n on r.rid = n.nid, t_keys k
where l.lid = k.kid
order by l.lid, r.rid, n.nid;

-- name: left_join_after_the_block_grouped_with_nulls
select k.label, count(r.rid) as matched, sum(coalesce(r.w, 0)) as w, count(*) as n
from t_left l left join t_right r on l.k = r.k, t_keys k
where l.k = k.k - 3 or l.k is null
group by k.label
order by k.label;
