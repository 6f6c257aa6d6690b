-- String positions counted in characters, SUBSTRING with negative lengths, LEFT/RIGHT with
-- negative counts, regular expressions (REGEXP_EXTRACT, REGEXP_REPLACE, REGEXP_FULL_MATCH) and
-- PRINTF/FORMAT, over t_text (non-ASCII text, '', NULL) and t_str.

-- name: strpos_characters
select id, s, instr(s, 'a') as a, strpos(s, 'l') as l, position('ö' in s) as o, instr(s, '') as empty,
    instr(s, 'zz') as none, instr(s, '😀') as emoji, instr(s, 'y') as y, strpos(s, NULL) as n
from t_text
order by id;

-- name: strpos_constants
select instr('ñab', 'a') as a, strpos('ññb', 'b') as b, position('é' in 'héé') as e, instr('', '') as ee,
    instr('', 'a') as ea, instr(NULL, 'a') as na, instr('abc', 'abcd') as longer;

-- name: strpos_fixture
select id, instr(s, 'é') as e, strpos(s, 'a') as a, position('C' in s) as c
from t_str
order by id;

-- name: substring_negative_length
select id, substring(s, 3, -2) as a, substring(s, -2, -2) as b, substring(s, 1, -1) as c,
    substring(s, 0, -1) as d, substring(s, 20, -18) as e, substring(s, -20, 22) as f,
    substring(s, 5, -10) as g, substring(s, 0, 0) as h, substring(s, 3, 0) as i, substring(s, -1, -3) as j
from t_text
order by id;

-- name: substring_edges_non_ascii
select id, substr(s, 2, 3) as a, substr(s, -3) as b, substr(s, 0, 2) as c, substr(s, -20, 3) as d,
    substr(s, -20, 21) as e, substr(s, 4) as f, substring(s, NULL) as n, substring(s, 2, NULL) as m
from t_text
order by id;

-- name: substring_constants
select substring('hello', 3, -2) as a, substring('hello', 10, -7) as b, substring('hello', 10, -3) as c,
    substring('hello', -10, 3) as d, substring('hello', -10, 7) as e, substring('hello', 6, -2) as f,
    substring('hello', 0) as g, substring('hello', -10) as h, substring('ñéü', 2, -1) as i;

-- name: left_right_negative
select id, left(s, -2) as l2, left(s, -20) as l20, left(s, 0) as l0, left(s, 3) as l3,
    right(s, -2) as r2, right(s, -20) as r20, right(s, 0) as r0, right(s, 3) as r3
from t_text
order by id;

-- name: regexp_extract_groups
select id, regexp_extract(s, '\d+') as digits, regexp_extract(s, '([a-zé]+)\s(\S+)', 2) as second,
    regexp_extract(s, '([a-zé]+)\s(\S+)', 0) as whole, regexp_extract(s, '(x)|(y)', 2) as unmatched_group,
    regexp_extract(s, '(a)', 5) as past_groups, regexp_extract(s, 'ü|ö(.)', 1) as after_umlaut,
    regexp_extract(s, '^.') as first_char, regexp_extract(s, '.$') as last_char
from t_text
order by id;

-- name: regexp_extract_options
select id, regexp_extract(s, 'ABC|HÉ', 0, 'i') as ci, regexp_extract(s, 'c.d', 0, 's') as dot_nl,
    regexp_extract(s, 'c.d') as no_dot_nl, regexp_extract(s, '.b|', 0, 'l') as literal,
    regexp_extract(s, 'a', NULL) as null_group, regexp_extract(s, NULL) as null_pattern
from t_text
order by id;

-- name: regexp_extract_fixture_group_by
select regexp_extract(s, '[a-z]') as first_lower, count(*) as n
from t_str
group by first_lower
order by first_lower;

-- name: regexp_replace_first_and_all
select id, regexp_replace(s, '[aeiouöü]', '_') as first, regexp_replace(s, '[aeiouöü]', '_', 'g') as every,
    regexp_replace(s, '(\w+) (\w+)', '\2 \1') as swapped, regexp_replace(s, 'L+', '<\0>', 'gi') as ci,
    regexp_replace(s, 'x*', '-', 'g') as empty_matches, regexp_replace(s, '.', '*', 'gl') as literal,
    regexp_replace(s, NULL, 'x') as null_pattern, regexp_replace(s, 'a', NULL) as null_replacement
from t_text
order by id;

-- name: regexp_full_match_and_matches
select id, regexp_full_match(s, '[a-z]+') as lower_word, regexp_full_match(s, 'ABC', 'i') as abc,
    regexp_full_match(s, 'a|ñab') as alternation, regexp_full_match(s, '.*') as anything,
    regexp_full_match(s, '.*', 's') as anything_s, regexp_matches(s, '\d') as has_digit,
    regexp_matches(s, 'Ü', 'i') as has_u, regexp_full_match(s, NULL) as null_pattern
from t_text
order by id;

-- name: regexp_in_where
select id, s
from t_str
where regexp_full_match(s, '[a-z_%]+') and regexp_extract(s, '[_%]') <> ''
order by id;

-- name: printf_columns
select id, printf('%d|%5d|%-5d|%05d|%x|%X|%8x', i, i, i, i, i, i, i) as ints,
    printf('[%s] [%12s] [%-12s] [%.3s]', s, s, s, s) as strs,
    printf('%f|%.2f|%10.3f|%-10.1f|%010.2f|%.0f', f, f, f, f, f, f) as doubles,
    printf('%s has %d: %.1f%%', s, i, f) as mixed, printf('%d', id) as plain
from t_text
order by id;

-- name: printf_constants
select printf('%d|%5d|%-5d|%05d', 42, 42, 42, 42) as a, printf('%x|%X|%x', 255, 255, -1) as b,
    printf('%.2f|%.2f|%.0f|%.0f', 0.125, 2.675, 0.5, 1.5) as c, printf('a%%b') as d, printf('abc') as e,
    printf('%s %s', NULL, 'a') as f, printf(NULL, 1) as g, printf('%d', 1, 2) as h, printf('%d', true) as i,
    printf('%s|%s', true, date '2020-01-02') as j, printf('%.2f', 12.345::decimal(10, 3)) as k,
    printf('%ld %lld %i', 5, 6, 7) as l;

-- name: printf_group_key
select printf('%-10s|%3d', n_name, n_regionkey) as label, count(*) as n
from nation
group by label
order by label
limit 5;

-- name: format_columns
select id, format('{} {} {}', s, i, f) as plain, format('{:>15}|{:<6}|{:^7}|', s, i, i) as aligned,
    format('{:05}|{:x}|{:X}|{:*>8}', i, i, i, i) as ints, format('{:.2f}|{:10.3f}|{:08.1f}', f, f, f) as doubles,
    format('{1}-{0}-{1}', s, id) as manual, format('{{}} {:.2s}', s) as braces
from t_text
order by id;

-- name: format_constants
select format('{}', 42) as a, format('{} {}', 'a', 1.5) as b, format('{}', 1e20::double) as c,
    format('{}', 1e15::double) as d, format('{}', 12.345::decimal(10, 3)) as e, format('{}', true) as f,
    format('{}', date '2020-01-02') as g, format('{}', NULL) as h, format(NULL, 1) as i, format('{{}}') as j,
    format('{:x}', -255) as k, format('{:05}', -42) as l, format('{:d}', true) as m, format('{:5}|', true) as n;

-- name: format_dates_decimals
select id, format('{}|{:>12}', d, d) as dec_text, printf('%.3f', d) as dec_fixed
from t_dec
order by id;

-- name: printf_format_not_finite
-- NaN and the infinities are padded as text (zeros after them, left unless aligned), as in DuckDB.
select id, printf('%8.2f|%08.1f|%-7f|', f, f, f) as p, format('{:8}|{:08.2f}|{:^9f}|{:>7}|', f, f, f, f) as fm,
    printf('%6.1f', case when id = 2 then 'inf'::double when id = 3 then '-inf'::double end) as inf
from t_edge
order by id;

-- name: printf_format_hugeint
-- SUM of integers is a HUGEINT: %x writes a negative one in 128 bits, FORMAT as '-' and digits.
select n_regionkey, printf('%d|%x|%X', s, s, s) as p, format('{}|{:>6}|{:x}', s, s, s) as f
from (select n_regionkey, sum(n_nationkey - 12) as s from nation group by n_regionkey) t
order by n_regionkey;
