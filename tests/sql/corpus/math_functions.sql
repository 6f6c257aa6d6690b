-- Numeric functions: trigonometry, ISINF/ISFINITE, GCD/LCM, FACTORIAL, EVEN, ROUND_EVEN,
-- TRUNC to digits, bitwise operators and BIT_COUNT, over integers, doubles, decimals, NULLs,
-- zeros, negatives, infinities, NaN and the edges of the integer types.

-- name: trig_of_doubles
select id, c, sin(c) as s, cos(c) as co, tan(c) as t, atan(c) as at, degrees(c) as deg,
    radians(c) as rad, sinh(c) as sh, cosh(c) as ch, tanh(c) as th, asinh(c) as ash
from t_nulls
order by id;

-- name: trig_of_integers_and_decimals
select id, sin(i) as si, cos(d) as cd, atan(w) as aw, degrees(e) as de, radians(i) as ri, tan(f) as tf
from t_dec
order by id;

-- name: trig_domain_edges
select asin(2) as a1, acos(-2) as a2, asin(1) as a3, acos(1) as a4, asin(-0.5) as a5,
    acos(0.25) as a6, cot(0) as c0, cot(1) as c1, cot(-0.0::double) as c2,
    sin('inf'::double) as s_inf, cos('-inf'::double) as c_inf, tan('nan'::double) as t_nan,
    atan('inf'::double) as at_inf, atanh(1) as ath1, atanh(2) as ath2, acosh(0.5) as ach;

-- name: trig_of_column_edges
select id, f, asin(f) as asf, acos(f) as acf, cot(f) as ctf, sin(f) as sf, isinf(cot(f)) as inf_cot
from t_edge
order by id;

-- name: atan2_quadrants
select atan2(1, 1) as q1, atan2(1, -1) as q2, atan2(-1, -1) as q3, atan2(-1, 1) as q4,
    atan2(0, -0.0::double) as z, atan2(1, 0) as up, atan2(NULL, 1) as n1, atan2(1, NULL) as n2,
    atan2('inf'::double, 'inf'::double) as ii;

-- name: atan2_columns
select id, atan2(a, c) as ac, atan2(c, id) as ci
from t_nulls
order by id;

-- name: pi_and_degrees
select pi() as p, degrees(pi()) as half_turn, radians(180) as r180, degrees(radians(45)) as back,
    sin(pi() / 6) as sin30, cos(pi()) as cos180, degrees(NULL) as dn;

-- name: trig_of_null
select sin(NULL) as s, cos(NULL) as c, tan(NULL) as t, cot(NULL) as ct, asin(NULL) as asn,
    acos(NULL) as acn, atan(NULL) as atn, radians(NULL) as rn;

-- name: trig_in_aggregates
select sum(sin(c)) as ss, max(cos(a)) as mc, avg(degrees(c)) as ad, count(atan(c)) as n
from t_nulls;

-- name: trig_of_empty
select id, sin(c) as s, atan2(a, c) as t from t_empty;

-- name: isinf_isfinite_isnan
select isinf('inf'::double) as i1, isinf(-'inf'::double) as i2, isinf('nan'::double) as i3,
    isinf(1.5) as i4, isinf(1) as i5, isfinite('inf'::double) as f1, isfinite('nan'::double) as f2,
    isfinite(1.5) as f3, isfinite(1) as f4, isfinite(NULL) as f5, isinf(NULL) as i6,
    isnan('nan'::double) as n1, isnan(1.5) as n2;

-- name: isinf_isfinite_columns
select id, f, isinf(f) as fi, isfinite(f) as ff, isnan(f) as fn, isinf(i) as ii, isfinite(b) as bf,
    isfinite(dt) as dtf, isinf(dt) as dti, isinf(1 / f) as recip
from t_edge
order by id;

-- name: isinf_decimals
select id, isinf(d) as di, isfinite(w) as wf, isinf(f * 1e308 * 10) as big
from t_dec
order by id;

-- name: special_double_casts
select 'inf'::double as a, '-inf'::double as b, 'Infinity'::double as c, '-Infinity'::double as d,
    isnan('nan'::double) as e, 'inf'::double > 1e308 as f;

-- name: gcd_lcm_values
select gcd(12, 18) as g1, gcd(-12, 18) as g2, gcd(0, 0) as g3, gcd(0, -5) as g4,
    gcd(9223372036854775807, -9223372036854775808) as g5, gcd(-9223372036854775808, 2) as g6,
    gcd(-9223372036854775808, -1) as g7, lcm(4, 6) as l1, lcm(-4, 6) as l2, lcm(0, 5) as l3,
    lcm(-9223372036854775808, 0) as l4, lcm(4611686018427387904, 2) as l5,
    lcm(-4611686018427387904, 1) as l6, lcm(2147483647::int, 2147483646::int) as l7,
    gcd(NULL, 5) as gn, lcm(5, NULL) as ln;

-- name: gcd_lcm_columns
select id, a, gcd(a, 4) as g4, gcd(a, id) as gi, lcm(a, 6) as l6, lcm(a, -id) as li,
    greatest_common_divisor(a, 10) as g10, least_common_multiple(a, 10) as l10
from t_nulls
order by id;

-- name: gcd_lcm_edges
select id, b, gcd(b, 6) as g6, lcm(b, 0) as l0, gcd(b, b + 1) as gb, gcd(i, -1) as gi
from t_edge
order by id;

-- name: gcd_of_hugeint
select gcd(sum(a), 6) as g, lcm(sum(a), 4) as l from t_nulls;

-- name: gcd_lcm_empty
select gcd(a, id) as g, lcm(a, id) as l from t_empty;

-- name: factorial_values
select factorial(0) as f0, factorial(1) as f1, factorial(5) as f5, factorial(12) as f12,
    factorial(13) as f13, factorial(20) as f20, factorial(NULL) as fn;

-- name: factorial_column
select id, a, factorial(abs(a)) as f
from t_nulls
order by id;

-- name: even_values
select even(1.5) as e1, even(-1.5) as e2, even(2) as e3, even(2.0) as e4, even(0) as e5,
    even(-0.1) as e6, even(0.1) as e7, even(3) as e8, even(1e308) as e9, even('inf'::double) as e10,
    even('nan'::double) as e11, even(NULL) as e12, even(-0.0::double) as e13,
    even(2147483647::int) as e14, even(9223372036854775807) as e15;

-- name: even_columns
select id, even(c) as ec, even(a) as ea
from t_nulls
order by id;

-- name: even_decimals
select id, even(d) as ed, even(e) as ee, even(w) as ew, even(f) as ef
from t_dec
order by id;

-- name: round_even_decimals
select round_even(2.5, 0) as r1, round_even(3.5, 0) as r2, round_even(-2.5, 0) as r3,
    round_even(2.25, 1) as r4, round_even(2.35, 1) as r5, round_even(12.345, 2) as r6,
    round_even(12.355, 2) as r7, round_even(125.5, -1) as r8, round_even(125.5, 5) as r9,
    round_even(99.99::decimal(4, 2), -2) as r10, round_even(99.99::decimal(4, 2), -3) as r11,
    round_even(50.00::decimal(4, 2), -2) as r12, round_even(9999::decimal(4, 0), -1) as r13,
    round_even(-0.25, 1) as r14, roundbankers(0.15, 1) as r15, round_even(5000.1, -4) as r16;

-- name: round_even_decimal_columns
select id, round_even(d, 1) as d1, round_even(d, 0) as d0, round_even(d, -1) as dm1,
    round_even(e, 1) as e1, round_even(w, 2) as w2, round_even(w, -3) as wm3, round_even(d, 5) as d5
from t_dec
order by id;

-- name: round_even_integers
select round_even(125, -1) as r1, round_even(135, -1) as r2, round_even(-125, -1) as r3,
    round_even(1250::bigint, -2) as r4, round_even(2147483647::int, -9) as r5,
    round_even(1500000000, -9) as r6, round_even(2500000000, -9) as r7, round_even(5, -1) as r8,
    round_even(15, -1) as r9, round_even(-15, -1) as r10, round_even(1234567, -20) as r11,
    round_even(9223372036854775807, -18) as r12, round_even(-9223372036854775808, -2) as r13,
    round_even(5000000000000000000, -19) as r14, round_even(7, 3) as r15, round_even(NULL, 1) as r16;

-- name: round_even_integer_columns
select id, a, round_even(a, -1) as r1, round_even(a * 5, -1) as r5, round_even(a, 2) as r2
from t_nulls
order by id;

-- name: round_even_doubles
select round_even(2.5::double, 0) as r1, round_even(0.125::double, 2) as r2,
    round_even(0.375::double, 2) as r3, round_even(2.675::double, 2) as r4,
    round_even(1.5::double, -1) as r5, round_even(15.0::double, -1) as r6,
    round_even(25.0::double, -1) as r7, round_even(1e308::double, -400) as r8,
    round_even(1e300::double, 10) as r9, round_even('inf'::double, -2) as r10,
    round_even('nan'::double, 2) as r11, round_even(-0.4::double, 0) as r12,
    round_even(1.5::double, 400) as r13, round_even(2.5e300::double, -300) as r14,
    round_even(-1.5::double, -400) as r15;

-- name: round_even_double_columns
select id, c, round_even(c, 0) as r0, round_even(c, 1) as r1, round_even(c * 10, -1) as rm1
from t_nulls
order by id;

-- name: round_even_null_digits
select round_even(2.5, NULL) as r from t_nulls;

-- name: trunc_digits_decimals
select trunc(1.789, 2) as t1, trunc(-1.789, 1) as t2, trunc(17.89::decimal(4, 2), 1) as t3,
    trunc(99.99::decimal(4, 2), -1) as t4, trunc(9999999999999.99::decimal(15, 2), -13) as t5,
    trunc(12.345, 5) as t6, trunc(-0.05, 1) as t7, trunc(12.345, 0) as t8;

-- name: trunc_digits_decimal_columns
select id, trunc(d, 1) as d1, trunc(d, -2) as dm2, trunc(e, 0) as e0, trunc(w, 3) as w3,
    trunc(w, -5) as wm5
from t_dec
order by id;

-- name: trunc_digits_integers
select trunc(1789, -2) as t1, trunc(-1789, -2) as t2, trunc(1789::int, -2) as t3,
    trunc(12345::bigint, -10) as t4, trunc(12345, 5) as t5, trunc(-9223372036854775808, -18) as t6,
    trunc(9223372036854775807, -1) as t7, trunc(12345::int, -10) as t8, trunc(NULL, 2) as t9,
    trunc(sum(id), -1) as t10
from t_nulls;

-- name: trunc_digits_doubles
select trunc(1.789::double, 2) as t1, trunc(0.29::double, 2) as t2, trunc(-17.89::double, -1) as t3,
    trunc(1.5::double, 400) as t4, trunc(1e308::double, -400) as t5, trunc('inf'::double, 2) as t6,
    trunc('nan'::double, -2) as t7, trunc(-0.0::double, 1) as t8, trunc(5e300::double, -301) as t9,
    trunc(-2.5::double, -1) as t10, trunc(1.789::double, -1) as t11;

-- name: trunc_digits_columns
select id, a, c, trunc(c, 0) as c0, trunc(c, 1) as c1, trunc(a, -1) as am1, trunc(c * 7, -1) as cm1
from t_nulls
order by id;

-- name: bitwise_values
select 5 & 3 as a1, 5 | 3 as o1, xor(5, 3) as x1, ~5 as n1, ~0 as n2, 1 << 3 as l1,
    16 >> 2 as r1, -16 >> 2 as r2, 1::bigint << 62 as l2, 0 << 31 as l3, 0 << 40 as l4,
    2147483648 & 1 as a2, 5::int & 3::bigint as a3, 5 & 3 | 8 as p1, 1 + 2 & 3 as p2,
    7 & 3 = 3 as p3, ~(-2147483647 - 1) as n3;

-- name: right_shift_edges
select (-1)::int >> 40 as r1, 1 >> 32 as r2, 1 >> -1 as r3, 1 >> 31 as r4,
    1::bigint >> 63 as r5, 1::bigint >> 64 as r6, (-1)::bigint >> 64 as r7, (-8) >> 33 as r8,
    (-8) >> 31 as r9, (-8)::bigint >> 63 as r10, 1 >> 3000000000 as r11, 5 >> NULL as r12;

-- name: bitwise_nulls
select 5 & NULL as a, NULL | 3 as o, xor(NULL, 1) as x, NULL << 2 as l, 8 >> NULL as r, ~NULL as n,
    bit_count(NULL) as b;

-- name: bitwise_columns
select id, a, a & 3 as an, a | 8 as o, xor(a, id) as x, ~a as n, a >> 1 as r, abs(a) << 2 as l,
    a >> id as ri, id << a % 3 + 1 as lc
from t_nulls
order by id;

-- name: bitwise_edges
select id, i, b, i & 255 as i8, b | 1 as b1, xor(b, -1) as bx, ~i as ni, ~b as nb, i >> 31 as is,
    b >> 63 as bs, i >> 4 as i4, bit_count(i) as ic, bit_count(b) as bc
from t_edge
order by id;

-- name: bit_count_values
select bit_count(7) as b1, bit_count(-1) as b2, bit_count(-1::bigint) as b3, bit_count(0) as b4,
    bit_count(-9223372036854775808) as b5, bit_count(2147483647::int) as b6,
    bit_count((-2147483647 - 1)::int) as b7, bit_count(sum(5)) as b8, bit_count(-sum(1)) as b9
from t_nulls
where id = 1;

-- name: bitwise_in_filters_and_groups
select a & 1 as parity, count(*) as n, bit_count(sum(id)) as bits
from t_nulls
where a is not null and a >> 1 >= 0
group by a & 1
order by parity;

-- name: bitwise_empty
select a & id as x, a << 1 as l, bit_count(a) as b, gcd(a, 2) as g from t_empty;

-- name: math_on_tpch
select n_nationkey, n_nationkey & 7 as low, n_nationkey >> 2 as quarter, bit_count(n_nationkey) as bits,
    gcd(n_nationkey, 12) as g, round(sin(n_nationkey), 6) as s, even(n_nationkey) as e,
    round_even(n_nationkey, -1) as tens, trunc(n_nationkey * 1.7, 1) as t
from nation
order by n_nationkey;

-- name: tilde_reaches_over_arithmetic
select id, a, ~a + 1 as p1, ~a * 2 as p2, 2 * ~a + 1 as p3, 1 + ~a * 2 as p4, ~a + ~a * 2 as p5,
    ~a - 1 & 3 as p6, ~a // 2 as p7, ~a % 4 as p8, ~(a) + 1 as p9, (~a) + 1 as p10,
    2 - ~a - 1 * 2 as p11, ~a + ~1 + 1 as p12, ~a + -1 as p13, ~a + abs(~id) as p14,
    ~a * ~id as p15, ~a + 1 - ~id as p16, mod(~a, 4) as p17, ~a::int + 1 as p18,
    ~a + 1 = -7 as p19, abs(~a + 1) as p20
from t_nulls
order by id;

-- name: bitwise_precedence
select 7 & 3 << 1 as a1, 1 << 2 + 1 as a2, 5 | 2 & 3 as a3, 2 * 3 & 7 as a4, 8 >> 1 + 1 as a5,
    1 + 2 & 3 as a6, 6 & 3 = 2 as a7, 7 & 3 << 1 >> 1 as a8, 7 + 2 // 3 as a9;

-- name: unaliased_math_names
select sin(c), atan2(c, a), pi(), gcd(a, -1), lcm(a, 2), a & 3, a | 3, xor(a, id), ~a, id << 2,
    a >> 1, bit_count(a), isinf(c), isfinite(c), even(c), round_even(c, -1), trunc(c, 1),
    factorial(id), cot(c), roundbankers(c, 0), ~a + 1, -(-1), round(c, -1)
from t_nulls
order by id;

-- name: to_base_values
select to_base(10, 2) as a, to_base(255, 16) as b, to_base(0, 2) as c, to_base(10, 2, 8) as d,
    to_base(NULL, 2) as e, to_base(9223372036854775807, 36) as f, to_base(9223372036854775807, 2) as g,
    to_base(35, 36, 64) as h, to_base(10, NULL) as i, to_base(10, 2, NULL) as j, to_base(7, 10, 0) as k;

-- name: to_base_columns
select id, a, to_base(abs(a), 3) as t, to_base(id, id + 1, a % 3 + 2) as u, to_base(id * 1000, 36) as v
from t_nulls
order by id;

-- name: to_base_edges
select id, b, to_base(abs(b + 1), 16) as h, to_base(i + 2147483648, 2, 40) as bits
from t_edge
where id > 1
order by id;

-- name: to_base_grouped
select to_base(a % 4 + 4, 2) as bits, count(*) as n
from t_nulls
group by bits
order by bits;
