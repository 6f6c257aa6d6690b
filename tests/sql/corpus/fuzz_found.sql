-- Wrong answers the fuzzer (tests/fuzz) found, reduced, on the corpus tables; fixed since.

-- name: right_join_where_false
select r.w from t_left l right join t_right r on true where false;

-- name: right_join_where_on_null_side
select count(*) as n from t_left l right join t_right r on l.k = r.k where l.v > 15;

-- name: full_join_where_null
select count(*) as n from t_left l full join t_right r on l.k = r.k where null;

-- name: left_join_on_null
select count(*) as n from t_left l left join t_right r on null;

-- name: semi_join_on_key_and_null
select count(*) as n from t_left l semi join t_right r on l.k = r.k and null;

-- name: like_backslash_is_no_escape
select s, s like 'a\%%' as m from t_str;

-- name: concat_with_all_null_empty_table_column
select l.s || e.b as c from t_left l left join t_empty e on true;
