-- String functions: SUBSTRING, UPPER, LOWER, LENGTH, ||, TRIM, LIKE with _ and %, ILIKE.

-- name: substring_group
select substring(p_name, 1, 5) as prefix, count(*) as n
from part
where p_name like 'b%'
group by prefix
order by prefix;

-- name: substring_from_for
select substring(c_phone from 1 for 2) as cntrycode, count(*) as n
from customer
where substring(c_phone from 1 for 2) in ('13', '31', '23', '29')
group by cntrycode
order by cntrycode;

-- name: substring_edges
select id, s, substring(s, 1, 3) as first3, substring(s, 3) as from3, substring(s, 0, 3) as zero_start,
    substring(s, 20, 2) as past_end
from t_str
order by id;

-- name: substring_negative_start
select id, substring(s, -3, 2) as from_end
from t_str
order by id;

-- name: upper_lower
select n_name, lower(n_name) as lo, upper(lower(n_name)) = n_name as roundtrip, upper(r_name) as ur
from nation join region on n_regionkey = r_regionkey
order by n_name;

-- name: upper_lower_fixture
select id, upper(s) as up, lower(s) as lo
from t_str
order by id;

-- name: length_group
select length(p_name) as len, count(*) as n
from part
group by len
order by len;

-- name: length_fixture
select id, length(s) as len, length(trim(s)) as trimmed_len
from t_str
order by id;

-- name: concat_pipes
select n_name || ' / ' || r_name as label
from nation join region on n_regionkey = r_regionkey
order by label;

-- name: concat_with_cast
select n_name || ':' || cast(n_nationkey as varchar) as tagged
from nation
where n_regionkey = 4
order by tagged;

-- name: concat_null
select id, s || '!' as bang, '<' || s || '>' as wrapped
from t_str
order by id;

-- name: trim_fixture
select id, '[' || trim(s) || ']' as t
from t_str
order by id;

-- name: trim_in_where
select count(*) as n
from t_str
where trim(s) = 'padded';

-- name: like_underscore
select p_container, count(*) as n
from part
where p_container like '__ BOX' or p_container like 'SM P_CK'
group by p_container
order by p_container;

-- name: like_percent_middle
select count(*) as n
from orders
where o_comment like '%special%requests%';

-- name: not_like
select p_type, count(*) as n
from part
where p_type not like '%BRASS' and p_type not like 'STANDARD%' and p_type like '%PLATED%'
group by p_type
order by p_type;

-- name: like_fixture_wildcards
select id, s
from t_str
where s like 'a_b' or s like 'caf_' or s like '%Case'
order by id;

-- name: like_exact_and_empty
select id, s like '' as empty_like, s like '%' as any_like, s like 'hello' as exact
from t_str
order by id;

-- name: like_no_match
select p_name
from part
where p_name like '%zzz%' or p_name like 'Green%'
order by p_name;

-- name: ilike_tpch
select count(*) as n
from part
where p_name ilike '%GREEN%';

-- name: ilike_fixture
select id, s
from t_str
where s ilike 'abc' or s ilike '%mixed%'
order by id;

-- name: not_ilike
select r_name
from region
where r_name not ilike '%a%'
order by r_name;

-- name: string_comparison_order
select id, s
from t_str
where s >= 'a' or s < 'B'
order by s, id;

-- name: string_min_max
select min(s) as lo, max(s) as hi, count(distinct s) as n
from t_str;

-- name: lower_in_list
select n_name
from nation
where lower(n_name) in ('france', 'peru', 'kenya', 'atlantis')
order by n_name;

-- name: count_distinct_substring
select substring(o_orderpriority, 1, 1) as p, count(distinct o_clerk) as clerks
from orders
group by p
order by p;

-- name: string_function_group_key
select upper(substring(c_mktsegment, 1, 3)) || '-' || lower(substring(c_mktsegment, 4)) as seg, count(*) as n
from customer
group by seg
order by seg;

-- name: chr_ascii_unicode
-- Code points in and out: NULLs, '', characters of 1 to 4 UTF-8 bytes.
select n_nationkey, chr(cast(n_nationkey + 65 as integer)) as c,
    chr(cast(n_nationkey * 1000 + 200 as integer)) as wide,
    ascii(n_name) as a, unicode(substring(n_name, 2)) as u, ascii('') as e, unicode('') as ue,
    unicode(chr(cast(128512 + n_nationkey as integer))) as emoji, ascii(case when n_nationkey > 3 then n_name end) as n
from nation
order by n_nationkey;

-- Strings only returned are read as they come (planner/string_orders.py), repeats and all:
-- through a LIMIT, a join, ANY_VALUE.

-- name: returned_strings_with_repeats_through_a_limit
select nid, name, tag from t_names order by nid limit 5;

-- name: returned_strings_through_a_join_and_any_value
select k.kid, any_value(n.name) as name, any_value(n.tag) as tag
from t_keys k join t_names n on n.nid = k.kid
group by k.kid
order by k.kid;

-- name: top_customers_returned_strings
select c_custkey, c_name, c_address, c_phone, c_comment, n_name, sum(o_totalprice) as total
from customer join orders on o_custkey = c_custkey join nation on c_nationkey = n_nationkey
group by c_custkey, c_name, c_address, c_phone, c_comment, n_name
order by total desc, c_custkey
limit 7;

-- name: returned_low_cardinality_strings_from_a_file
select l_orderkey, l_linenumber, l_shipmode, l_shipinstruct, l_comment
from lineitem
where l_quantity > 49
order by l_orderkey, l_linenumber
limit 12;

-- Short string IN lists are looked up once per dictionary entry (two items and up), NULLs in
-- the column and in the list as DuckDB treats them.

-- name: short_string_in_lists_with_nulls
select nid,
       name in ('FRANCE', 'GERMANY') as two,
       name not in ('france', 'ATLANTIS') as not_two,
       name in ('GERMANY', null) as with_null,
       name not in ('x', null) as not_with_null,
       name in ('NOWHERE', 'NEVER') as none_match
from t_names
order by nid;

-- name: short_string_in_lists_from_a_file
select l_shipmode, l_shipinstruct, count(*) as n
from lineitem
where l_shipmode in ('MAIL', 'SHIP') and l_shipinstruct not in ('NONE', 'COLLECT COD')
group by l_shipmode, l_shipinstruct
order by l_shipmode, l_shipinstruct;
