"""Error behaviour expected of tqp: the PEP 249 class that fits, and a message that helps.

* bad syntax: ProgrammingError with the line and column of the problem;
* unknown table or column: ProgrammingError naming it and suggesting the close name;
* type errors: ProgrammingError or DataError naming the expression;
* valid SQL that tqp does not run: NotSupportedError naming the construct.

`test_cases_agree_with_duckdb` checks the cases themselves against DuckDB (it needs no tqp):
what tqp must reject as wrong is wrong for DuckDB too, and what tqp may leave unsupported is SQL
DuckDB runs.
"""

from __future__ import annotations

import re

import pytest

SYNTAX_ERRORS = [
    # (sql, the line the reported position must name; a column must be named too)
    ("select * from lineitem where", 1),
    ("select (1 + 2 from nation", 1),
    ("select n_name from nation where n_name = = 'x'", 1),
    ("select n_name\nfrom nation\nwhere n_regionkey = 1 and and n_nationkey = 2", 3),
    ("select n_name\nfrom nation\nwhere n_regionkey = 1 and (n_nationkey = 2", 3),
]

UNKNOWN_TABLES = [
    # (sql, the unknown name, a regex the suggestion must match)
    ("select * from lineitems", "lineitems", r"\blineitem\b"),
    ("select count(*) from ordres", "ordres", r"\borders\b"),
    ("select n_name from nation join regoin on n_regionkey = r_regionkey", "regoin", r"\bregion\b"),
]

UNKNOWN_COLUMNS = [
    ("select l_quantiy from lineitem", "l_quantiy", r"\bl_quantity\b"),
    ("select count(*) from orders where o_orderdat > date '1995-01-01'", "o_orderdat", r"\bo_orderdate\b"),
    ("select n.n_nam from nation n", "n_nam", r"\bn_name\b"),
    ("select c_name from customer group by c_nme", "c_nme", r"\bc_name\b"),
]

AMBIGUOUS_COLUMNS = [
    # (sql, the ambiguous name, the qualified names the message must offer)
    ("select n_name from nation a, nation b", "n_name", ("a.n_name", "b.n_name")),
    ("select n_name from (select n_name from nation) d, nation", "n_name", ("d.n_name", "nation.n_name")),
    ("with c as (select 1 as n_name) select n_name from c, nation", "n_name", ("c.n_name", "nation.n_name")),
]

TYPE_ERRORS = [
    # (sql, a word the message must hold: the expression or its operand)
    ("select 'abc' + 1", "abc"),
    ("select {'a': 1}.b", "field 'b'"),
    ("select {'a': 1, 'A': 2}", "duplicate"),
    ("select regexp_extract('ab', '(a)', ['x', 'y'])", "capturing groups"),
    ("select regexp_extract('ab', '(a)', ['x', 'x'])", "duplicate"),
    ("select date_part([], date '2020-01-01')", "non-empty"),
    ("select l_shipdate * 2 from lineitem", "l_shipdate"),
    ("select l_comment + 1 from lineitem", "l_comment"),
    ("select sum(l_comment) from lineitem", "l_comment"),
    ("select -n_name from nation", "n_name"),
    ("select grouping(n_name) from nation", "grouping"),
    ("select n_regionkey from nation group by rollup (n_regionkey) having grouping(n_name) = 0",
     "n_name"),
    ("select quantile_cont(n_nationkey, 1.5) from nation", "1.5"),
    ("select chr(n_name) from nation", "chr"),
    ("select chr(n_nationkey - 1) from nation", "Codepoint -1"),
    ("select chr(55296 + n_nationkey) from nation", "Codepoint 55296"),
    ("select n_nationkey > all (select r_regionkey, r_name from region) from nation", "columns"),
    # the right side of a SEMI/ANTI join is visible only in its ON clause
    ("select n1.n_name, n2.n_name from nation n1 semi join nation n2 "
     "on n1.n_nationkey = n2.n_regionkey", "semi join"),
    ("select n1.n_name from nation n1 anti join nation n2 on n1.n_nationkey = n2.n_regionkey "
     "where n2.n_name > 'B'", "anti join"),
    ("select n_nationkey = any (select r_regionkey, r_name from region) from nation", "columns"),
    ("select string_split(n_nationkey, ',') from nation", "split"),
    ("select split_part(r_regionkey, ',', 1) from region", "split_part"),
    ("select list_sum(['a'])", "sum"),
    ("select [1] || 'a'", "||"),
    ("select list_concat([1], ['2'])", "list_concat"),
    ("select list_has_any([1], ['1'])", "list_has_any"),
    ("select list_position(['1'], 1)", "list_position"),
    ("select flatten([1])", "flatten"),
    ("select printf('%d', n_name) from nation", "printf"),
    ("select format('{:.2f}', n_nationkey) from nation", "format"),
    ("select printf('%d and %d', n_nationkey) from nation", "argument"),
    ("select regexp_extract(n_name, '(a)', 12) from nation", "group"),
    ("select regexp_replace(n_name, '(a)', '\\2') from nation", "regexp_replace"),
    ("select regexp_extract(n_name, 'a', 0, 'g') from nation", "regexp_extract"),
    # string functions of a value that is not a string, as DuckDB's binder refuses them
    ("select strlen(n_nationkey) from nation", "strlen"),
    ("select octet_length(n_name) from nation", "octet_length"),
    ("select n_nationkey glob 'a' from nation", "glob"),
    ("select n_nationkey similar to 'a' from nation", "similar to"),
    ("select md5(n_nationkey) from nation", "md5"),
    ("select prefix(n_nationkey, '1') from nation", "prefix"),
    ("select translate(n_nationkey, '1', '2') from nation", "translate"),
    ("select hex(n_name = 'x') from nation", "hex"),
    ("select bin(date '1992-01-01')", "bin"),
    ("select n_name similar to '(' from nation", "similar to"),
    ("select n_name[5000000000] from nation", "offset"),
    ("select n_name[n_nationkey - 5000000000] from nation", "offset"),
    ("select hamming(n_name, 'abc') from nation", "equal length"),
    ("select n_name similar to 'a' escape '#' from nation", "escape"),
    ("select n_name not glob 'a' escape '#' from nation", "escape"),
    ("select jaccard(n_name, '') from nation", "too short"),
]

MATH_ERRORS = [
    # (sql, the tqp.Error subclass, a word the message must hold): DuckDB's OutOfRange errors
    # are DataErrors, its binder's refusals of a type ProgrammingErrors
    ("select factorial(-1)", "DataError", "negative"),
    ("select factorial(n) from (values (3), (34)) v(n)", "DataError", "factorial"),
    ("select factorial(1.5)", "ProgrammingError", "factorial"),
    ("select factorial(3::bigint)", "ProgrammingError", "bigint"),
    ("select gcd(-9223372036854775808, 0)", "DataError", "overflow"),
    ("select gcd(0, -9223372036854775808)", "DataError", "overflow"),
    ("select lcm(4611686018427387904, 3)", "DataError", "overflow"),
    ("select lcm(-9223372036854775808, 1)", "DataError", "overflow"),
    ("select gcd(1.5, 2)", "ProgrammingError", "gcd"),
    ("select lcm(2.5::double, 2)", "ProgrammingError", "lcm"),
    ("select round_even(2147483647::int, -1)", "DataError", "overflow"),
    ("select round_even(9223372036854775807, -1)", "DataError", "overflow"),
    ("select round_even(2.5)", "ProgrammingError", "round_even"),
    ("select 1::int << 31", "DataError", "overflow"),
    ("select 1::bigint << 63", "DataError", "overflow"),
    ("select 1 << 32", "DataError", "out of range"),
    ("select (-1) << 2", "DataError", "negative"),
    ("select 1 << -1", "DataError", "negative"),
    ("select id << 40 from t_nulls", "DataError", "out of range"),
    ("select 5.5 & 3", "ProgrammingError", "integers"),
    ("select 1 << 2.0", "ProgrammingError", "integers"),
    ("select ~1.5", "ProgrammingError", "integers"),
    ("select true | false", "ProgrammingError", "integers"),
    ("select bit_count(1.5)", "ProgrammingError", "integers"),
    ("select xor(c, 1) from t_nulls", "ProgrammingError", "integers"),
    ("select to_base(-10, 2)", "DataError", "to_base"),
    ("select to_base(10, 37)", "DataError", "radix"),
    ("select to_base(id, id - 1) from t_nulls", "DataError", "radix"),
    ("select to_base(10, 2, 65)", "DataError", "min_length"),
    ("select to_base(1.5, 2)", "ProgrammingError", "to_base"),
]

DATE_ERRORS = [
    # (sql, the tqp.Error subclass, a word the message must hold): dates and intervals out of
    # range, unknown date parts (DuckDB's ConversionException), arguments DuckDB's binder refuses
    ("select date_sub('bogus', d, d) from t_nulls", "DataError", "bogus"),
    ("select date '2020-01-01' + interval (9000000) year", "DataError", "out of range"),
    ("select d + interval 1 day * 3000000000 from t_nulls", "DataError", "out of range"),
    ("select dt + interval (b) day from t_edge", "DataError", "out of range"),
    ("select d + interval (3000000000) hour from t_nulls", "DataError", "out of range"),
    ("select dayname(1)", "ProgrammingError", "dayname"),
    ("select era(a) from t_nulls", "ProgrammingError", "era"),
    ("select julian(a) from t_nulls", "ProgrammingError", "julian"),
    ("select date_sub('day', a, d) from t_nulls", "ProgrammingError", "date_sub"),
    ("select date_sub('month', d) from t_nulls", "ProgrammingError", "date_sub"),
    ("select d + d::timestamp from t_nulls", "ProgrammingError", "timestamp"),
    ("select date_sub('era', d, d) from t_nulls", "NotSupportedError", "era"),  # both refuse
    ("select (d + 2000000000)::timestamp from t_nulls", "DataError", "timestamp range"),
    ("select date_sub('day', d, d + 2000000000) from t_nulls", "DataError", "timestamp range"),
    ("select date_diff('ms', d, d - 2000000000) from t_nulls", "DataError", "timestamp range"),
    ("select iv / 0 from t_iv", "DataError", "division by zero"),
    ("select 'abc'::interval", "DataError", "abc"),
    ("select g::interval from t_iv", "DataError", "interval"),
    ("select '1 day 27:61:00'::interval", "DataError", "27:61"),
    ("select interval 2147483647 month * 2", "DataError", "out of range"),
    ("select iv * 3000000000 from t_iv", "DataError", "out of range"),
    ("select ts + interval 300000 year from t_iv", "DataError", "out of range"),
    ("select cast(1 as interval)", "DataError", "interval"),
    ("select sum(iv) from t_iv", "ProgrammingError", "sum"),
    ("select interval 1 day * interval 1 day", "ProgrammingError", "interval"),
    ("select 1 / interval 1 day", "ProgrammingError", "interval"),
    ("select age(1, 2)", "ProgrammingError", "age"),
    ("select to_days(1.5)", "ProgrammingError", "to_days"),
    ("select iv - ts from t_iv", "ProgrammingError", "interval"),
    ("select interval 1 day - tz from t_tz", "ProgrammingError", "interval"),
    ("select tz * interval 1 day from t_tz", "ProgrammingError", "interval"),
    ("select tz + interval 300000 year from t_tz", "DataError", "out of range"),
    ("select age(tz, 1) from t_tz", "ProgrammingError", "age"),
    ("select age('2020-01-01')", "ProgrammingError", "age"),
    ("select age(id) from t_tz", "ProgrammingError", "age"),
    ("select extract(dow from iv) from t_iv", "NotSupportedError", "dow"),  # both refuse
    ("select d + 2000000000 < d::timestamp from t_nulls", "DataError", "timestamp range"),
    ("select d + to_days(2.5) from t_nulls", "ProgrammingError", "to_days"),
    ("select d + to_hours(c) from t_nulls", "ProgrammingError", "to_hours"),
]

WINDOW_MISUSE = [
    # (sql, a word the message must hold): window functions where SQL does not allow them
    ("select n_name from nation where row_number() over (order by n_name) = 1", "where"),
    ("select n_regionkey, count(*) from nation group by n_regionkey "
     "having rank() over (order by n_regionkey) = 1", "having"),
    ("select sum(row_number() over (order by n_name)) from nation", "aggregate"),
    ("select rank() over (order by row_number() over (order by n_name)) from nation", "nested"),
    ("select row_number() over w from nation", "not defined"),
    ("select lag(n_name, 1) over (w partition by n_name) from nation "
     "window w as (partition by n_regionkey)", "partition by"),
    ("select sum(n_nationkey) over (order by n_regionkey, n_name range between 1 preceding "
     "and current row) from nation", "range"),
    ("select sum(n_nationkey) over (rows between unbounded following and current row) "
     "from nation", "unbounded following"),
    ("select ntile(0) over (order by n_name) from nation", "ntile"),
    ("select row_number() over (order by n_name range between 1 preceding and current row) "
     "from nation", "range"),
    ("select n_regionkey, sum(n_nationkey) over (partition by n_regionkey) from nation "
     "group by all", "group by"),
]

COLUMNS_MISUSE = [
    # (sql, a word the message must hold): COLUMNS(...) that DuckDB rejects too
    ("select columns('zz') from nation", "zz"),
    ("select columns('[') from nation", "regex"),
    ("select columns('(?=n_)') from nation", "regex"),
    ("select columns(['n_name', 'zz']) from nation", "zz"),
    ("select columns(['n_name', null]) from nation", "null"),
    ("select columns(1) from nation", "varchar"),
    ("select columns(n_name) from nation", "n_name"),
    ("select columns(lambda c: c like 'zz%') from nation", "empty"),
    ("select columns(* exclude (n_name, n_nationkey, n_regionkey, n_comment)) from nation",
     "empty"),
    ("select columns(* exclude (zz)) from nation", "zz"),
    ("select columns('name') + columns('key') from nation", "multiple"),
    ("select columns('name')", "from"),
    ("select n_regionkey from nation group by columns('region')", "group by"),
    ("select n_regionkey from nation group by n_regionkey having min(columns('key')) > 0",
     "having"),
    ("select n_name from nation join region on columns('regionkey') > 0", "join"),
    ("select columns('name') as 'x\\y' from nation", "backslash"),
    ("select columns(['n_name']) as 'x\\1' from nation", "\\0"),
]

BINDER_ERRORS = [
    # (sql, a word the message must hold): names and types DuckDB's binder refuses, which
    # tqp must not answer (ProgrammingError); over the corpus's tables
    ("select * exclude (nosuch) from t_case", "nosuch"),
    ("select * replace (1 as nosuch) from t_case", "nosuch"),
    ("select t_case.* exclude (nosuch) from t_case", "nosuch"),
    ("select c.* replace (1 as nosuch) from t_case c", "nosuch"),
    ("select * exclude (t_case2.id) from t_case", "t_case2"),
    ("select * exclude (id, ID) from t_case", "duplicate"),
    ("select * replace (1 as id, 2 as Id) from t_case", "duplicate"),
    ("select * exclude (id) replace (1 as id) from t_case", "both"),
    ("select count(*) from (select * exclude (nosuch) from t_case)", "nosuch"),
    ("with q as (select * from t_case) select * exclude (nosuch) from q", "nosuch"),
    ("select columns(* replace (1 as nosuch)) from t_case", "nosuch"),
    ("select * from (select 1) s(a, b)", "2 columns specified"),
    ("select * from (select * from t_case2) s(a, b, c)", "3 columns specified"),
    ("select list_contains(['1', '2'], 1)", "list_contains"),
    ("select list_contains(['true'], true)", "list_contains"),
    ("select array_contains(['1'], 1)", "list_contains"),
    ("select list_has(['1'], 1)", "list_contains"),
    ("select list_contains(['a'], id) from t_case", "list_contains"),
    ("select list_contains([1, 2], mixedname) from t_case", "list_contains"),
    ("select list_contains(l, id::varchar) from t_lists", "list_contains"),
    ("select list_contains(s, id) from t_lists", "list_contains"),
    ("select list_position(s, 1) from t_lists", "list_position"),
    ("select list_position(l, mixedname) from t_lists, t_case", "list_position"),
    ("select ['1', '2'] && [1]", "list_has_any"),
    ("select ['1', '2'] @> [1]", "list_has_all"),
]

NOT_SUPPORTED = [
    # (sql, words of which the message must hold at least one, case-insensitive)
    ("select median(n_nationkey) over (order by n_name rows between 1 preceding and "
     "current row) from nation", ("median", "frame")),
    ("select median(n_nationkey) over (order by n_name) from nation", ("median",)),
    ("select count(distinct n_regionkey) over (order by n_name) from nation", ("distinct",)),
    ("select sum(n_nationkey) filter (where n_regionkey > 1) over (order by n_name) from nation",
     ("filter",)),
    # LATERAL (and correlated subqueries) planned as dependent joins: the shapes not planned
    # per outer tuple.
    ("select * from t_left l, lateral (select r.k, count(*) from t_right r where r.w > l.v "
     "group by rollup (r.k)) s", ("rollup",)),
    ("select l.lid, (select count(*) from t_right r where r.w > l.v group by cube (r.k, r.s) "
     "order by 1 limit 1) from t_left l", ("cube",)),
    ("select l.lid, s.y from t_left l, lateral (select l.k + 1 as y) s "
     "right join t_right r on r.k = s.y", ("lateral",)),
    ("select l.lid, s.c from t_left l, lateral (select count(*) as c from t_right r "
     "full join t_nulls n on n.a = r.k and r.w > l.v) s", ("lateral",)),
    # Syntax sqlglot parses and the builder would otherwise ignore (a wrong answer).
    ("select * from t_left asof right join t_right on t_left.k >= t_right.k", ("asof right",)),
    ("select * from t_left asof join t_right on t_left.k >= t_right.k and t_left.v > t_right.w + t_left.lid",
     ("asof",)),
    ("select * from t_left positional join t_right", ("positional",)),
    ("select * from t_left tablesample 50%", ("tablesample", "sample")),
    ("select * from t_left using sample 3", ("sample",)),
    ("select count(*) from t_left using sample 50% (bernoulli)", ("sample",)),
    ("select coalesce(*columns('k')) from t_left", ("columns",)),
    ("select columns(lambda c: length_grapheme(c) = 1) from t_left", ("length_grapheme",)),
    ("select columns('\\pL') from t_left", ("columns",)),
    ("select t_left.lid from t_left join t_right join t_keys on t_right.k = t_keys.k "
     "on t_left.k = t_right.k", ("nested join",)),
    ("select quantile_cont(k, [0.25, 0.75]) from t_left", ("quantile", "list")),
    ("select arg_min(k, lid, 2) from t_left", ("arg_min", "count", "list")),
    # LIST values are compared element by element only, never as whole values.
    ("select l, count(*) from t_lists group by l", ("list",)),
    ("select distinct l from t_lists", ("list",)),
    ("select id from t_lists order by l", ("list",)),
    ("select l from t_lists union select l from t_lists", ("list",)),
    ("select id from t_lists where l = [1, 2, 3]", ("list",)),
    ("select count(distinct l) from t_lists", ("list",)),
    ("select max(l) from t_lists", ("list",)),
    ("select list(distinct a) from t_nulls", ("list",)),
    ("select cast(l as varchar) from t_lists", ("list",)),
    ("select coalesce(l, [1]) from t_lists", ("list",)),
    ("select unnest(l, recursive := true) from t_lists", ("unnest",)),
    # List functions tqp does not run: of lists of lists, other aggregates, splitting by a
    # column or by a pattern that matches ''.
    ("select list_sort([[2], [1]])", ("list",)),
    ("select list_distinct([[1], [1]])", ("list",)),
    ("select list_has_any([[1]], [[1]])", ("list",)),
    ("select list_position([[1]], [1])", ("list",)),
    ("select list_aggregate([1, 2], 'histogram')", ("histogram",)),
    ("select list_product([1, 2])", ("list_product",)),
    ("select string_split_regex('abc', 'x*')", ("string_split_regex",)),
    ("select string_split(s, s) from t_str", ("string_split",)),
    ("select split_part(s, s, 1) from t_str", ("split_part",)),
    ("select count(*) from t_lists x join t_lists y on x.l = y.l", ("list", "join")),
    # STRUCT values are read field by field, never compared, grouped or ordered whole.
    ("select s, count(*) from t_structs group by s", ("struct", "group by")),
    ("select distinct s from t_structs", ("struct", "distinct")),
    ("select id from t_structs order by s", ("struct", "order by")),
    ("select s from t_structs union select s from t_structs", ("struct", "union")),
    ("select s from t_structs intersect select s from t_structs", ("struct", "intersect")),
    ("select id from t_structs where s = {'a': 1}", ("struct",)),
    ("select id from t_structs where s in (select s from t_structs)", ("struct", "join")),
    ("select count(*) from t_structs x join t_structs y on x.s = y.s", ("struct", "join")),
    ("select row_number() over (partition by s) from t_structs", ("struct", "partition by")),
    ("select min(s) from t_structs", ("struct", "min")),
    ("select count(distinct s) from t_structs", ("struct",)),
    ("select max({'a': a}) over (order by id) from t_nulls", ("struct",)),
    ("select cast(s as varchar) from t_structs", ("struct", "varchar")),
    ("select cast({'a': 1} as struct(a bigint))", ("struct",)),
    ("select typeof({'a': 1})", ("typeof", "struct")),
    ("select printf('%s', s) from t_structs", ("struct",)),
    ("select coalesce(s, {'a': 1}) from t_structs", ("struct", "field names")),
    ("select greatest({'a': 1}, {'a': 2})", ("struct", "greatest")),
    ("select {'a': 1} s union all select {'b': 2}", ("struct",)),
    ("select unnest({'a': 1})", ("unnest", "struct")),
    ("select struct_extract({'a': 1}, 'a' || '')", ("struct", "field")),
    ("select s.* from t_structs", ("s.*", "struct")),
    ("select json_extract('{\"a\": 1}', '$.a') as v", ("json",)),
    # DuckDB names the second `a` of a derived table `a_1`; tqp refuses the pair.
    ("select * from (select 1 as a, 2 as a)", ("two columns",)),
    ("with c as (select k, k from t_left) select * from c", ("two columns",)),
    # DuckDB's own hash values and random sequence; TRUNC's digits from a column
    ("select hash(b) from t_nulls", ("hash",)),
    ("select setseed(0.5)", ("setseed",)),
    ("select trunc(c, a) from t_nulls", ("trunc", "digits")),
    # Quantified comparisons tqp plans only as `x op ANY|ALL (subquery)` of listed columns.
    ("select a > any ([1, 2]) from t_nulls", ("any",)),
    ("select a > all (select * from (select k from t_left)) from t_nulls", ("any/all",)),
    ("select printf('%e', n_nationkey + 0.5) from nation", ("%e",)),
    ("select printf('%+d', n_nationkey) from nation", ("printf",)),
    ("select printf(n_name, 1) from nation", ("non-constant",)),
    ("select regexp_replace(n_name, 'a', n_name) from nation", ("non-constant replacement",)),
    ("select printf('%s', l) from t_lists", ("list",)),
    ("select format('{:+d}', n_nationkey) from nation", ("format",)),
    ("select regexp_replace(n_name, '^a', 'b', 'm') from nation", ("newline",)),
    # TYPEOF where tqp's type may not be DuckDB's (tqp computes TINYINT as INTEGER...).
    ("select typeof(1::tinyint)", ("tinyint",)),
    ("select typeof(sign(1.5))", ("sign",)),
    ("select typeof(x) from (values (1), (2)) t(x)", ("setop",)),
    ("select typeof(row_number() over ()) from t_left", ("window",)),
    ("select typeof(.5)", (".5",)),
    # Dates of types tqp lacks: TIME, TIMESTAMP_NS; time zones other than UTC.
    ("select make_time(1, 2, 3)", ("make_time",)),
    ("select '2020-01-01 10:00 America/New_York'::timestamptz", ("america/new_york",)),
    ("select strptime('2020-01-01 10:00 Europe/Paris', '%Y-%m-%d %H:%M %Z')", ("europe/paris",)),
    ("select 'infinity'::timestamptz", ("infinite",)),
    ("select make_timestamptz(2020, 1, 1, 1, 1, 1)", ("make_timestamptz",)),
    ("select timezone('UTC', now())", ("timezone",)),
    ("select now() at time zone 'UTC'", ("attimezone",)),
    ("select strptime('x.1', 'x.%n')", ("%n",)),
    ("select length_grapheme(n_name) from nation", ("length_grapheme",)),
    ("select unhex(hex(n_name)) from nation", ("unhex",)),
    ("select hash(n_name) from nation", ("hash",)),
    ("select n_name glob n_name from nation", ("non-constant",)),
    ("select n_name similar to n_name from nation", ("non-constant",)),
    ("select translate(n_name, n_name, 'x') from nation", ("non-constant",)),
    ("select hex(n_nationkey * 1e19) from nation", ("double",)),
    ("select damerau_levenshtein(n_name, 'x') from nation", ("damerau_levenshtein",)),
    ("select jaro_similarity(n_name, 'x') from nation", ("jaro_similarity",)),
    ("select jaro_winkler_similarity(n_name, 'x') from nation", ("jaro",)),
    ("select levenshtein(n_name, n_comment) from nation", ("two non-constant",)),
    ("select hex(-170141183460469231731687303715884105727::hugeint + n_nationkey) from nation",
     ("hugeint",)),
    # INTERVALs: a literal text sqlglot reads in part, and GREATEST/LEAST (DuckDB orders
    # intervals there by their parts as stored).
    ("select interval '3 days ago'", ("3 days ago",)),
    ("select greatest(interval 1 day, interval '23 hours')", ("greatest", "interval")),
    ("select least(iv, interval 1 day) from t_iv", ("least", "interval")),
    ("select date_trunc('day', iv) from t_iv", ("interval",)),
    ("select epoch_ms(iv) from t_iv", ("epoch_ms", "interval")),
    ("select median(iv) from t_iv", ("median", "interval")),
    ("select count(*) over (order by iv range between interval 1 day preceding and current row) "
     "from t_iv", ("range", "interval")),
    # A comma binds loosest: the RIGHT JOIN is planned alone, its ON cannot read `r`.
    ("select count(*) from region r, nation n right join supplier s "
     "on n.n_nationkey = s.s_nationkey and r.r_regionkey = 1", ("outside its join",)),
]


def _ids(cases) -> list[str]:
    return [re.sub(r"\s+", " ", case[0])[:60] for case in cases]


def _message(excinfo) -> str:
    return str(excinfo.value)


@pytest.fixture(scope="module")
def tqp():
    import tqp as module

    return module


@pytest.mark.parametrize("sql,line", SYNTAX_ERRORS, ids=_ids(SYNTAX_ERRORS))
def test_syntax_error_has_position(tqp, tqp_con, sql, line):
    with pytest.raises(tqp.ProgrammingError) as excinfo:
        tqp_con.execute(sql)
    message = _message(excinfo)
    assert re.search(rf"\bline\W{{0,3}}{line}\b", message, re.IGNORECASE), message
    assert re.search(r"\bcol(umn)?\W{0,3}\d+", message, re.IGNORECASE), message


@pytest.mark.parametrize("sql,name,suggestion", UNKNOWN_TABLES, ids=[n for _, n, _ in UNKNOWN_TABLES])
def test_unknown_table_is_named_and_suggested(tqp, tqp_con, sql, name, suggestion):
    with pytest.raises(tqp.ProgrammingError) as excinfo:
        tqp_con.execute(sql)
    message = _message(excinfo)
    assert name in message, message
    assert re.search(suggestion, message), f"no suggestion {suggestion!r} in: {message}"


@pytest.mark.parametrize("sql,name,suggestion", UNKNOWN_COLUMNS, ids=[n for _, n, _ in UNKNOWN_COLUMNS])
def test_unknown_column_is_named_and_suggested(tqp, tqp_con, sql, name, suggestion):
    with pytest.raises(tqp.ProgrammingError) as excinfo:
        tqp_con.execute(sql)
    message = _message(excinfo)
    assert name in message, message
    assert re.search(suggestion, message), f"no suggestion {suggestion!r} in: {message}"


@pytest.mark.parametrize("sql,name,choices", AMBIGUOUS_COLUMNS, ids=_ids(AMBIGUOUS_COLUMNS))
def test_ambiguous_column_offers_each_source(tqp, tqp_con, sql, name, choices):
    """A name two FROM items hold (tables, derived tables, CTEs) is ambiguous, not unknown."""
    with pytest.raises(tqp.ProgrammingError) as excinfo:
        tqp_con.execute(sql)
    message = _message(excinfo)
    assert "mbiguous" in message and name in message, message
    assert all(choice in message for choice in choices), message


@pytest.mark.parametrize("sql,word", TYPE_ERRORS, ids=_ids(TYPE_ERRORS))
def test_type_error_names_the_expression(tqp, tqp_con, sql, word):
    with pytest.raises((tqp.ProgrammingError, tqp.DataError)) as excinfo:
        tqp_con.execute(sql)
    message = _message(excinfo)
    assert word.lower() in message.lower(), message


@pytest.mark.parametrize("sql,cls,word", MATH_ERRORS, ids=_ids(MATH_ERRORS))
def test_math_error_is_duckdbs(tqp, corpus_tqp_con, sql, cls, word):
    with pytest.raises(getattr(tqp, cls)) as excinfo:
        corpus_tqp_con.execute(sql).fetchall()
    message = _message(excinfo)
    assert word.lower() in message.lower(), message


@pytest.mark.parametrize("sql,cls,word", DATE_ERRORS, ids=_ids(DATE_ERRORS))
def test_date_error_is_duckdbs(tqp, corpus_tqp_con, sql, cls, word):
    with pytest.raises(getattr(tqp, cls)) as excinfo:
        corpus_tqp_con.execute(sql).fetchall()
    message = _message(excinfo)
    assert word.lower() in message.lower(), message


@pytest.mark.parametrize("sql,word", WINDOW_MISUSE, ids=_ids(WINDOW_MISUSE))
def test_misplaced_window_function_is_rejected(tqp, tqp_con, sql, word):
    with pytest.raises((tqp.ProgrammingError, tqp.DataError)) as excinfo:
        tqp_con.execute(sql)
    message = _message(excinfo)
    assert word.lower() in message.lower(), message


@pytest.mark.parametrize("sql,word", COLUMNS_MISUSE, ids=_ids(COLUMNS_MISUSE))
def test_misused_columns_expression_is_rejected(tqp, tqp_con, sql, word):
    with pytest.raises(tqp.ProgrammingError) as excinfo:
        tqp_con.execute(sql)
    message = _message(excinfo)
    assert word.lower() in message.lower(), message


@pytest.mark.parametrize("sql,word", BINDER_ERRORS, ids=_ids(BINDER_ERRORS))
def test_binder_error_is_refused(tqp, corpus_tqp_con, sql, word):
    with pytest.raises(tqp.ProgrammingError) as excinfo:
        corpus_tqp_con.execute(sql).fetchall()
    message = _message(excinfo)
    assert word.lower() in message.lower(), message


def test_columns_equal_but_for_case_are_refused(tqp):
    """DuckDB renames the second `A_1`; tqp, whose names match in any case, refuses the
    table rather than hide a column."""
    import pyarrow as pa

    con = tqp.connect()
    con.register("t_twice", pa.table({"a": [1], "A": [2]}))
    with pytest.raises(tqp.NotSupportedError) as excinfo:
        con.execute("select * from t_twice")
    assert "'a'" in _message(excinfo) and "'A'" in _message(excinfo)
    con.close()


@pytest.mark.parametrize("sql,words", NOT_SUPPORTED, ids=_ids(NOT_SUPPORTED))
def test_unsupported_sql_names_the_construct(tqp, corpus_tqp_con, sql, words):
    with pytest.raises(tqp.NotSupportedError) as excinfo:
        corpus_tqp_con.execute(sql)
    message = _message(excinfo).lower()
    assert any(w in message for w in words), f"none of {words} in: {message}"


def test_errors_are_pep249_classes(tqp):
    for cls in ("ProgrammingError", "DataError", "NotSupportedError"):
        assert issubclass(getattr(tqp, cls), tqp.DatabaseError)
        assert issubclass(getattr(tqp, cls), tqp.Error)


def test_connection_still_works_after_errors(tqp, tqp_con):
    for sql, _ in SYNTAX_ERRORS[:1] + [(s, None) for s, _, _ in UNKNOWN_TABLES[:1]]:
        with pytest.raises(tqp.Error):
            tqp_con.execute(sql)
    table = tqp_con.execute("select count(*) as n from nation").fetch_arrow_table()
    assert table.column(0).to_pylist() == [25]


def test_cases_agree_with_duckdb(corpus_duck_con):
    duck_con = corpus_duck_con
    import duckdb

    wrong = ([s for s, _ in SYNTAX_ERRORS] + [s for s, _, _ in UNKNOWN_TABLES]
             + [s for s, _, _ in UNKNOWN_COLUMNS] + [s for s, _, _ in AMBIGUOUS_COLUMNS]
             + [s for s, _ in TYPE_ERRORS]
             + [s for s, _ in WINDOW_MISUSE] + [s for s, _ in COLUMNS_MISUSE]
             + [s for s, _, _ in MATH_ERRORS] + [s for s, _, _ in DATE_ERRORS]
             + [s for s, _ in BINDER_ERRORS])
    for sql in wrong:
        with pytest.raises(duckdb.Error):
            duck_con.execute(sql).fetchall()
    for sql, _ in NOT_SUPPORTED:
        duck_con.execute(sql).fetchall()
