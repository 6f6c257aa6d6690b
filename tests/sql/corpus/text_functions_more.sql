-- More of DuckDB's string functions over t_text (non-ASCII text, '', NULL, a newline) and
-- t_str: byte lengths, SIMILAR TO and GLOB, TRANSLATE, STRIP_ACCENTS, NFC_NORMALIZE, ORD,
-- PREFIX/SUFFIX, TRIM with a set of characters, HEX/BIN, s[i] and s[a:b], MD5/SHA1/SHA256.

-- name: byte_lengths
select id, strlen(s) as bytes, bit_length(s) as bits, length(s) as chars, strlen(NULL) as n,
    bit_length(NULL) as nb
from t_text
order by id;

-- name: byte_lengths_constants
select strlen('ñ') as a, strlen('') as b, bit_length('😀') as c, strlen('a' || 'é') as d;

-- name: similar_to
select id, s similar to 'h.*' as h, s not similar to '.*\d.*' as no_digit, s similar to '' as empty,
    s similar to '(?s).*\n.*' as newline, s similar to 'a.b.c.d' as dot_no_newline,
    s similar to '[^a-z]+' as no_lower, s similar to NULL as n
from t_text
order by id;

-- name: similar_to_unicode_and_case
select id, s similar to 'Ü.*ï' as u, s similar to 'ÑAB' as upper, s similar to '(?i)ÑAB' as ci,
    s similar to '😀.😀.' as emoji, s similar to 'hello' as partial
from t_text
order by id;

-- name: similar_to_where
select id, s from t_str where s similar to '[a-z_%]+' order by id;

-- name: glob_patterns
select id, s glob '*a*' as a, s not glob '?a*' as not_qa, s glob '' as empty, s glob '*' as star,
    s glob '[a-h]*' as range, s glob '[!a-h]*' as not_range, s glob '*[0-9]' as digit_end,
    s glob '?' as one, s glob NULL as n
from t_text
order by id;

-- name: glob_unicode_and_escapes
select id, s glob '?ab' as q, s glob '[ñ]*' as set_n, s glob '*ö*' as o, s glob '😀?😀?' as emoji,
    s glob 'a.b|c?d' as newline_q, s glob 'a\.*' as escaped, s glob '*\' as trailing_backslash,
    s glob '[a' as unclosed, s glob '[]a]*' as bracket_first, s glob '[a-]*' as dash_last,
    s glob '[z-a]*' as empty_range, s glob 'h[é]llo*' as accent
from t_text
order by id;

-- name: glob_constants
select 'abc' glob 'a*c' as a, 'a*c' glob 'a\*c' as b, 'abc' glob 'a\*c' as c, '' glob '' as d,
    '' glob '?' as e, 'x' glob '[!]x]' as f, ']' glob '[]]' as g, '-' glob '[!a-]' as h,
    NULL glob '*' as i, 'ab' glob '[a]*[b' as j;

-- name: glob_where_group_by
select s glob '*l*' as has_l, count(*) as n from t_text group by all order by has_l nulls first;

-- name: glob_fixture
select id, s glob '*[A-Z]*' as upper, s glob 'a?b' as a_b, s not glob '*é' as no_e from t_str order by id;

-- name: translate
select id, translate(s, 'lo', '0') as drop_o, translate(s, 'ab', 'ba') as swap,
    translate(s, 'aab', 'xyz') as first_wins, translate(s, '', 'x') as nothing,
    translate(s, 'öéü😀', 'oeu!') as non_ascii, translate(s, 'l', NULL) as n
from t_text
order by id;

-- name: translate_constants
select translate('abcabc', 'abc', 'bca') as a, translate('ñéü', 'ñü', 'nu') as b,
    translate('', 'a', 'b') as c, translate(NULL, 'a', 'b') as d, translate('aaa', 'a', '') as e;

-- name: strip_accents_normalize
select id, strip_accents(s) as stripped, nfc_normalize(s) as nfc, nfc_normalize(strip_accents(s)) as both_
from t_text
order by id;

-- name: strip_accents_constants
select strip_accents('Ångström ﬁ Æ ø ł Ḉ') as a, strip_accents('e' || 'x') as b, strip_accents('') as c,
    strip_accents(NULL) as d, nfc_normalize('é') as e, nfc_normalize('') as f;

-- name: ord_unicode
select id, ord(s) as o, unicode(s) as u, ord(NULL) as n from t_text order by id;

-- name: prefix_suffix
select id, prefix(s, 'h') as h, prefix(s, 'ñ') as n, prefix(s, '') as empty, suffix(s, 'd') as d,
    suffix(s, '😀y') as emoji, suffix(s, '') as empty_suffix, prefix(s, NULL) as pn, suffix(s, NULL) as sn
from t_text
order by id;

-- name: prefix_suffix_where
select id from t_str where prefix(s, 'a') or suffix(s, 'é') order by id;

-- name: trim_character_sets
select id, ltrim(s, 'ñh') as l, rtrim(s, 'y😀d') as r, trim(s, 'ñb') as b, trim(s, 'hd') as hd,
    ltrim(s, '') as none, rtrim(s, NULL) as n, trim(both 'ïÜ' from s) as both_u
from t_text
order by id;

-- name: trim_fixture_sets
select id, trim(s, ' ') as spaces, ltrim(s, ' p') as lp, rtrim(s, 'd ') as rd, trim(s, 'aA') as aa
from t_str
order by id;

-- name: hex_bin_strings
select id, hex(s) as h, to_hex(s) as th, bin(s) as b, to_binary(s) as tb from t_text order by id;

-- name: hex_bin_integers
select id, hex(i) as h, bin(i) as b, hex(id) as hid, to_hex(i * 2) as h2, to_binary(-id) as negative
from t_text
order by id;

-- name: hex_bin_constants
select hex(0) as a, hex(255) as b, hex(-1) as c, hex(9223372036854775807) as d,
    hex(-9223372036854775808) as e, bin(0) as f, bin(5) as g, bin(-1::INTEGER) as h, hex('') as i,
    hex(NULL) as j, bin(NULL) as k, hex('ñ😀') as l;

-- name: hex_bin_doubles
select id, hex(f) as h, bin(f) as b, hex(-f) as neg, to_binary(f * 1000) as k
from t_text
order by id;

-- name: hex_bin_double_constants
select hex(2.5::double) as a, hex(3.5::double) as b, hex(-0.5::double) as c, hex(-1.5::double) as d,
    bin(-1.5::double) as e, hex(9.2e18::double) as f;

-- name: hex_bin_hugeint
select hex(sum(i)) as h, bin(sum(id)) as b, hex(-5::hugeint) as neg, bin(-1::hugeint) as ones
from t_text;

-- name: string_subscripts
select id, s[1] as first, s[-1] as last, s[0] as zero, s[3] as third, s[-20] as before,
    s[20] as past, s[NULL] as n
from t_text
order by id;

-- name: string_slices
select id, s[2:3] as a, s[:2] as b, s[-3:] as c, s[2:-2] as d, s[0:0] as e, s[3:1] as f,
    s[-100:2] as g, s[:-1] as h, s[1:NULL] as n
from t_text
order by id;

-- name: string_extract_slice_functions
select id, array_extract(s, 2) as a, array_slice(s, 2, 4) as b, list_extract(s, 1) as c,
    list_element(s, -2) as d, list_slice(s, -2, -1) as e
from t_text
order by id;

-- name: string_subscript_constants
select 'héllo'[2] as a, 'héllo'[-1] as b, 'héllo'[2:3] as c, ''[1] as d, 'ab'[1 + 1] as e;

-- name: string_subscripts_per_row
select id, s[id] as a, s[-id] as b, s[id:] as c, s[1:id] as d, s[-id:-1] as e, s[id - 5:id - 3] as f,
    array_extract(s, id - 2) as g, array_slice(s, id - 4, -id) as h,
    s[case when id > 3 then NULL else id end] as n
from t_text
order by id;

-- name: string_subscripts_per_row_tpch
select n_name[n_nationkey] as a, n_name[-n_nationkey] as b, n_name[n_nationkey:] as c,
    n_name[n_nationkey - 5:-n_nationkey] as d, array_extract(n_name, n_regionkey) as e
from nation
order by n_nationkey;

-- name: string_subscript_group_by
select s[1] as initial, count(*) as n from t_str group by all order by initial nulls first;

-- name: digests
select id, md5(s) as m, sha256(s) as s2, sha1(s) as s1 from t_text order by id;

-- name: digests_constants
select md5('') as a, md5(NULL) as b, sha256('abc') as c, sha1('ñ') as d;

-- name: levenshtein
select id, levenshtein(s, 'hello') as a, levenshtein('ñab', s) as b, levenshtein(s, '') as c,
    levenshtein(s, NULL) as n, editdist3(s, 'wörld') as d, levenshtein(s, '😀y') as e
from t_text
order by id;

-- name: levenshtein_jaccard_tpch
select n_name, levenshtein(n_name, 'CHINA') as l, jaccard(n_name, 'CHINA') as j, jaccard('AB', n_name) as k
from nation
order by n_nationkey;

-- name: hamming_same_lengths
select id, hamming(s, 'abc') as h, mismatches('ñax', s) as m, hamming(s, NULL) as n
from t_text
where length(s) = 3 or s is null
order by id;

-- name: jaccard_non_empty
select id, jaccard(s, 'héllo') as a, jaccard('😀😀x', s) as b, jaccard(s, NULL) as n
from t_text
where s <> '' or s is null
order by id;

-- name: distances_constants
select levenshtein('kitten', 'sitting') as a, hamming('abc', 'abd') as b, jaccard('éa', 'ëa') as c,
    levenshtein(NULL, 'a') as d;
