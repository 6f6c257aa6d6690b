-- Pivoted aggregates: several aggregates of CASE WHEN key = constant THEN x END over one key and
-- argument (computed in one pass over groups x constants): NULL keys and arguments, constants
-- no row holds, empty inputs, no GROUP BY, decimals, and keys where the pass does not apply.

-- name: pivot_string_key_grouped
select l_returnflag,
    sum(case when l_shipmode = 'AIR' then l_extendedprice else null end) as air,
    sum(case when l_shipmode = 'MAIL' then l_extendedprice end) as mail,
    sum(case when l_shipmode = 'SHIP' then l_extendedprice end) as ship,
    sum(case when l_shipmode = 'NOWHERE' then l_extendedprice end) as nowhere,
    count(case when l_shipmode = 'AIR' then l_extendedprice end) as air_lines,
    avg(case when 'MAIL' = l_shipmode then l_extendedprice end) as mail_avg,
    min(case l_shipmode when 'SHIP' then l_quantity end) as ship_min,
    max(case l_shipmode when 'RAIL' then l_quantity end) as rail_max
from lineitem
group by l_returnflag
order by l_returnflag;

-- name: pivot_nulls_in_key_argument_and_groups
select a,
    sum(case when b = 'beta' then c end) as beta,
    sum(case when b = 'alpha' then c end) as alpha,
    sum(case when b = 'Alpha' then c end) as alpha_upper,
    count(case when b = 'beta' then c end) as beta_n,
    avg(case when b = 'beta' then c end) as beta_avg,
    min(case when b = '' then c end) as empty_min,
    max(case when b = 'gamma' then id end) as gamma_max
from t_nulls
group by a
order by a nulls first;

-- name: pivot_integer_key_ungrouped
select sum(case when a = 1 then c end) as one,
    sum(case when a = 2 then c end) as two,
    sum(case when a = 5 then c end) as five,
    count(case when a = 99 then c end) as none_n,
    sum(case when a = -7 then c end) as minus_seven
from t_nulls;

-- name: pivot_empty_input
select a, sum(case when b = 'beta' then c end) as beta, count(case when b = 'alpha' then c end) as alpha
from t_empty
group by a;

-- name: pivot_empty_input_ungrouped
select sum(case when b = 'beta' then c end) as beta, count(case when b = 'alpha' then c end) as alpha,
    max(case when b = 'gamma' then a end) as gamma
from t_empty;

-- name: pivot_decimal_arguments
select i % 2 as parity,
    sum(case when id = 1 then d end) as d1,
    sum(case when id = 4 then d end) as d4,
    sum(case when id = 3 then w end) as w3,
    sum(case when id = 5 then w end) as w5,
    avg(case when id = 2 then e end) as e2,
    avg(case when id = 6 then e end) as e6
from t_dec
group by parity
order by parity nulls first;

-- name: pivot_under_filter
select o_orderpriority,
    sum(case when o_orderstatus = 'F' then o_totalprice end) as f,
    sum(case when o_orderstatus = 'O' then o_totalprice end) as o,
    sum(case when o_orderstatus = 'P' then o_totalprice end) as p
from orders
where o_totalprice > 1000
group by o_orderpriority
order by o_orderpriority;

-- name: pivot_date_key_string_constants
select sum(case when d = '1995-01-31' then a end) as jan,
    sum(case when d = '1996-02-29' then a end) as leap,
    count(case when d = '1970-01-01' then a end) as epoch
from t_nulls;

-- name: pivot_same_constant_spelled_twice
select sum(case when a = 1 then c end) as one, sum(case when a = 1.0 then c end) as one_again,
    sum(case when a = 2 then c end) as two
from t_nulls;

-- name: pivot_else_zero_not_pivoted
select a, sum(case when b = 'beta' then c else 0 end) as beta,
    sum(case when b = 'alpha' then c else 0 end) as alpha
from t_nulls
group by a
order by a nulls first;

-- name: pivot_key_from_a_joined_dimension
-- The key is a column of the smaller joined table: compared on that table's rows, the positions
-- then follow the join's matches.
select o_orderpriority,
    sum(case when c_mktsegment = 'BUILDING' then o_totalprice end) as building,
    sum(case when c_mktsegment = 'AUTOMOBILE' then o_totalprice end) as automobile,
    count(case when c_mktsegment = 'MACHINERY' then o_orderkey end) as machinery,
    max(case when c_mktsegment = 'NOWHERE' then o_totalprice end) as nowhere
from orders, customer
where o_custkey = c_custkey
group by o_orderpriority
order by o_orderpriority;

-- name: pivot_numeric_key_from_a_joined_dimension_with_nulls
select n_regionkey,
    sum(case when s_nationkey = 1 then s_acctbal end) as n1,
    sum(case when s_nationkey = 3 then s_acctbal end) as n3,
    count(case s_nationkey when 24 then 1 end) as n24
from nation left join supplier on s_nationkey = n_nationkey and s_acctbal > 9000
group by n_regionkey
order by n_regionkey;
