"""EXPLAIN prints the physical plan as a deterministic indented tree of operators named by
algorithm; EXPLAIN ANALYZE adds rows, batches, time, peak bytes and what ran.

Golden plans are compared after normalising the fresh-name counters (`a#0` -> `a#`), so they pin
the operators, their order, their arguments and the indentation, not the numbering. The plans
also show the planner's decisions: subqueries decorrelated into mark joins and grouped left
joins, ORDER BY + LIMIT as a top-k, the biggest (filtered) input of an inner join as the probe
side, and equalities common to every branch of an OR used as join keys.
"""

from __future__ import annotations

import re
import textwrap

import pyarrow as pa
import pytest

import tqp
from tqp.planner.join_order import FILTER_SELECTIVITY

COUNTER = re.compile(r"#\d+")
PROFILE = re.compile(r"  \(rows=(\d+), batches=\d+, [0-9.]+ ms, peak=[^)]*\)( \[.*\])?")


def _ints(values) -> pa.Array:
    return pa.array(values, pa.int32())


@pytest.fixture(scope="module")
def con():
    connection = tqp.connect()
    connection.register("a", pa.table({"id": _ints([1, 2, 3, 4, 5]),
                                       "x": [1.0, 2.0, 3.0, 4.0, 5.0],
                                       "s": ["p", "q", "r", "s", "t"]}))
    connection.register("b", pa.table({"id": _ints([1, 2, 3]), "aid": _ints([1, 1, 2]),
                                       "y": _ints([10, 20, 30])}))
    connection.register("c", pa.table({"bid": _ints([1, 2]), "z": ["u", "v"]}))
    yield connection
    connection.close()


def explain(con, sql: str) -> str:
    """EXPLAIN's text with fresh-name counters normalised."""
    result = con.execute(f"EXPLAIN {sql}").fetch_arrow_table()
    assert result.column_names == ["physical_plan"] and result.num_rows == 1
    return COUNTER.sub("#", result.column(0)[0].as_py())


def golden(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


def nodes(plan: str) -> list[tuple[int, str]]:
    """(depth, line) per plan node; two spaces of indentation per level."""
    out = []
    for line in plan.splitlines():
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        assert indent % 2 == 0, f"odd indentation: {line!r}"
        out.append((indent // 2, stripped))
    return out


def children(tree: list[tuple[int, str]], index: int) -> list[int]:
    """Indices of the direct children of node `index`."""
    depth, found = tree[index][0], []
    for j in range(index + 1, len(tree)):
        if tree[j][0] <= depth:
            break
        if tree[j][0] == depth + 1:
            found.append(j)
    return found


def subtree(tree: list[tuple[int, str]], index: int) -> list[str]:
    depth, lines = tree[index][0], [tree[index][1]]
    for d, line in tree[index + 1:]:
        if d <= depth:
            break
        lines.append(line)
    return lines


def first_scan(plan: str) -> str:
    """The leftmost leaf: the probe side of a left-deep join tree."""
    return next(line for _, line in nodes(plan) if line.startswith("TableScan "))


# -- golden plans --------------------------------------------------------------------------------

def test_inner_join(con):
    assert explain(con, "SELECT a.x, b.y FROM a JOIN b ON a.id = b.aid") == golden("""
        Project x# := a#.x, y# := b#.y
          DirectJoin[inner] ON a#.id = b#.aid
            TableScan a AS a# [id, x]
            TableScan b AS b# [aid, y]
    """)


def test_exists_becomes_a_mark_join(con):
    plan = explain(con, "SELECT a.x FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.aid = a.id)")
    assert plan == golden("""
        Project x# := a#.x
          Filter _exists#
            KeySetMarkJoin[_exists#] ON a#.id = b#.aid
              TableScan a AS a# [id, x]
              TableScan b AS b# [aid]
    """)


def test_order_by_limit_is_a_top_k(con):
    plan = explain(con, "SELECT a.x FROM a ORDER BY a.x DESC LIMIT 2")
    assert plan == golden("""
        Limit 2 OFFSET 0
          TopK[2] x# DESC
            Project x# := a#.x
              TableScan a AS a# [x]
    """)


def test_explain_is_deterministic(con):
    sql = "SELECT a.s, count(*) FROM a JOIN b ON a.id = b.aid GROUP BY a.s ORDER BY 1"
    raw = [con.execute(f"EXPLAIN {sql}").fetchall()[0][0] for _ in range(2)]
    assert raw[0] == raw[1]


# -- plan shapes ---------------------------------------------------------------------------------

def test_not_exists_and_in_subqueries_are_mark_joins(con):
    plan = explain(con, "SELECT a.x FROM a WHERE NOT EXISTS (SELECT 1 FROM b WHERE b.aid = a.id)")
    lines = [line for _, line in nodes(plan)]
    assert any(line.startswith("KeySetMarkJoin[") for line in lines)
    assert any(line.startswith("Filter NOT _exists#") for line in lines)

    plan = explain(con, "SELECT a.x FROM a WHERE a.id IN (SELECT aid FROM b)")
    assert any(line.startswith("KeySetMarkJoin[") and "null-aware" in line
               for _, line in nodes(plan)), plan


def test_correlated_scalar_subquery_is_a_left_join_on_a_grouped_aggregate(con):
    plan = explain(con, "SELECT a.x, (SELECT avg(b.y) FROM b WHERE b.aid = a.id) FROM a")
    tree = nodes(plan)
    joins = [i for i, (_, line) in enumerate(tree)
             if re.match(r"(DirectJoin|BinarySearchJoin)\[left\] ON", line)]
    assert len(joins) == 1, plan
    left, right = children(tree, joins[0])
    assert tree[left][1].startswith("TableScan a AS a#")
    grouped = [line for line in subtree(tree, right) if "Aggregate keys=[_" in line]
    assert grouped and "avg(" in grouped[0], plan  # grouped by the correlation key
    assert not any("NestedLoopJoin" in line for _, line in tree)


@pytest.mark.parametrize("sql, root", [
    ("SELECT id FROM a UNION SELECT id FROM b", "GroupCount[UNION]"),
    ("SELECT id FROM a UNION ALL SELECT id FROM b", "Concat[UNION ALL]"),
    ("SELECT id FROM a INTERSECT SELECT aid FROM b", "GroupCount[INTERSECT]"),
    ("SELECT id FROM a EXCEPT ALL SELECT aid FROM b", "GroupCount[EXCEPT ALL]"),
])
def test_set_operations_are_a_node_over_both_inputs(con, sql, root):
    tree = nodes(explain(con, sql))
    assert tree[0] == (0, root)
    left, right = children(tree, 0)
    assert any(line.startswith("TableScan a AS") for line in subtree(tree, left))
    assert any(line.startswith("TableScan b AS") for line in subtree(tree, right))


def test_every_node_is_indented_one_level_below_its_parent(con):
    plan = explain(con, "SELECT a.s, sum(b.y) FROM a JOIN b ON a.id = b.aid "
                        "WHERE b.y > 5 GROUP BY a.s ORDER BY 2 DESC LIMIT 3")
    tree = nodes(plan)
    assert tree[0][0] == 0
    for (d1, _), (d2, _) in zip(tree, tree[1:]):
        assert d2 <= d1 + 1
    names = [line.split(" ")[0].split("[")[0] for _, line in tree]
    for op in ("TopK", "DirectAggregate", "DirectJoin", "TableScan"):
        assert op in names, plan


@pytest.mark.parametrize("sql, line", [
    ("SELECT a.id, b.id FROM a JOIN b ON a.x < b.y",
     "RangeJoin[cross] ON a#.x < b#.y (sorted: right)"),
    ("SELECT count(*) FROM a, b WHERE a.x < b.y AND a.id > b.aid",
     "RangeJoin[cross] ON a#.x < b#.y (sorted: right) WHERE a#.id > b#.aid (rows in any order)"),
    ("SELECT a.id, b.id FROM a JOIN b ON b.y BETWEEN a.x * 5 AND a.x * 10",
     "RangeJoin[cross] ON a#.x * 5 <= b#.y <= a#.x * 10 (sorted: right)"),
    ("SELECT a.id, b.id FROM a JOIN b ON a.x * 10 >= b.y - 5 AND a.x * 10 < b.y",
     "RangeJoin[cross] ON b#.y - 5 <= a#.x * 10 < b#.y (sorted: left)"),
    ("SELECT a.id, b.id FROM a LEFT JOIN b ON a.x * 10 <= b.y",
     "RangeJoin[left] ON a#.x * 10 <= b#.y (sorted: right)"),
    ("SELECT a.id FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.y > a.x * 10)",
     "RangeMarkJoin[_exists#] ON a#.x * 10 < b#.y (sorted: right)"),
])
def test_inequality_joins_are_range_joins_not_cross_products(con, sql, line):
    plan = explain(con, sql)
    assert "NestedLoopJoin" not in plan and "PairMarkJoin" not in plan, plan
    assert line in [text for _, text in nodes(plan)], plan


def test_a_join_without_an_inequality_between_its_inputs_stays_a_nested_loop(con):
    plan = explain(con, "SELECT a.id, b.id FROM a JOIN b ON a.id <> b.aid")
    assert "NestedLoopJoin[cross] WHERE a#.id <> b#.aid" in plan, plan


def test_explain_analyze_says_a_range_join_ran(con):
    text = con.execute("EXPLAIN ANALYZE SELECT count(*) FROM a JOIN b ON a.x * 10 < b.y"
                       ).fetchall()[0][0]
    assert "ran: range join (right side sorted, 3 candidate pairs)" in text, text



# -- EXPLAIN ANALYZE -----------------------------------------------------------------------------

def test_explain_analyze_reports_rows_per_node(con):
    text = con.execute("EXPLAIN ANALYZE SELECT a.x, b.y FROM a JOIN b ON a.id = b.aid"
                       ).fetchall()[0][0]
    lines = COUNTER.sub("#", text).splitlines()
    rows = [PROFILE.search(line) for line in lines]
    assert all(rows), text  # every node has (rows=N, T ms)
    assert [PROFILE.sub("", line) for line in lines] == golden("""
        Project x# := a#.x, y# := b#.y
          DirectJoin[inner] ON a#.id = b#.aid
            TableScan a AS a# [id, x]
            TableScan b AS b# [aid, y]
    """).splitlines()
    assert [int(m.group(1)) for m in rows] == [3, 3, 5, 3]


def test_explain_analyze_counts_filtered_rows(con):
    text = con.execute("EXPLAIN ANALYZE SELECT id FROM a WHERE x > 2").fetchall()[0][0]
    counts = {PROFILE.sub("", line).strip().split(" ")[0]: int(PROFILE.search(line).group(1))
              for line in text.splitlines()}
    assert counts["TableScan"] == 5 and counts["Filter"] == 3 and counts["Project"] == 3


def test_plain_explain_does_not_report_rows(con):
    assert "rows=" not in explain(con, "SELECT id FROM a")


# -- join ordering -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def star():
    """A fact table and two dimensions of very different sizes."""
    connection = tqp.connect()
    n_fact, n_mid, n_small = 1000, 100, 10
    connection.register("fact", pa.table({"f_mid": _ints([i % n_mid for i in range(n_fact)]),
                                          "f_small": _ints([i % n_small for i in range(n_fact)]),
                                          "f_v": _ints(range(n_fact))}))
    connection.register("mid", pa.table({"m_id": _ints(range(n_mid)), "m_v": _ints(range(n_mid))}))
    connection.register("small", pa.table({"s_id": _ints(range(n_small)),
                                           "s_v": _ints(range(n_small))}))
    # Bigger than the fact table once a filter on the fact table is counted.
    n_wide = int(n_fact * FILTER_SELECTIVITY) + 100
    connection.register("wide", pa.table({"w_id": _ints(range(n_wide)),
                                          "w_v": _ints(range(n_wide))}))
    yield connection
    connection.close()


def test_largest_input_is_the_probe_side_whatever_the_from_order(star):
    for order in ("small, mid, fact", "fact, small, mid", "mid, fact, small"):
        plan = explain(star, f"SELECT count(*) FROM {order} "
                             "WHERE f_mid = m_id AND f_small = s_id")
        assert first_scan(plan).startswith("TableScan fact AS"), plan
        assert "NestedLoopJoin" not in plan


def test_the_smallest_connected_input_is_joined_next(star):
    plan = explain(star, "SELECT count(*) FROM mid, small, fact "
                         "WHERE f_mid = m_id AND f_small = s_id")
    scans = [line.split(" ")[1] for _, line in nodes(plan) if line.startswith("TableScan ")]
    assert scans == ["fact", "small", "mid"], plan


def test_filters_count_when_choosing_the_probe_side(star):
    """A filtered fact table is estimated smaller than an unfiltered bigger input."""
    plan = explain(star, "SELECT count(*) FROM fact, wide WHERE f_v = w_id AND f_v < 100")
    assert first_scan(plan).startswith("TableScan wide AS"), plan
    tree = nodes(plan)
    fact = next(i for i, (_, line) in enumerate(tree) if line.startswith("TableScan fact AS"))
    assert tree[fact - 1][1].startswith("Filter "), plan  # pushed down onto the fact scan


def test_join_order_keeps_the_answer(star):
    sql = ("SELECT count(*), sum(m_v + s_v) FROM small, mid, fact "
           "WHERE f_mid = m_id AND f_small = s_id")
    assert star.execute(sql).fetchall() == [(1000, sum(i % 100 + i % 10 for i in range(1000)))]


def test_or_of_ands_sharing_an_equality_is_a_keyed_join(con):
    plan = explain(con, "SELECT a.id, b.id FROM a, b "
                        "WHERE (a.id = b.aid AND b.y > 15) OR (a.id = b.aid AND a.x < 2)")
    assert "NestedLoopJoin" not in plan
    joins = [line for _, line in nodes(plan) if "Join[" in line]
    assert len(joins) == 1 and joins[0].startswith("DirectJoin[inner] ON a#.id = b#.aid")
    rows = con.execute("SELECT a.id, b.id FROM a, b WHERE (a.id = b.aid AND b.y > 15) "
                       "OR (a.id = b.aid AND a.x < 2) ORDER BY 1, 2").fetchall()
    assert rows == [(1, 1), (1, 2), (2, 3)]


def test_window_functions_share_one_sort_per_spec(con):
    plan = explain(con, "SELECT a.id, row_number() OVER (PARTITION BY a.s ORDER BY a.x DESC) AS rn, "
                        "sum(a.x) OVER (PARTITION BY a.s ORDER BY a.x DESC ROWS 1 PRECEDING) AS w, "
                        "lag(a.x) OVER (ORDER BY a.id) AS l FROM a QUALIFY rn = 1")
    assert plan == golden("""
        Project id# := a#.id, rn# := _w#, w# := _w#, l# := _w#
          Filter _w# = 1
            WindowSort partition=[a#.s] order=[a#.x DESC] functions=[_w# := row_number(), _w# := sum(a#.x) ROWS BETWEEN 1 PRECEDING AND CURRENT ROW] | WindowSort partition=[] order=[a#.id ASC] functions=[_w# := lag(a#.x, 1, NULL)]
              TableScan a AS a# [id, x, s]
    """)


def test_unused_window_functions_are_pruned(con):
    plan = explain(con, "SELECT t.id FROM (SELECT a.id, rank() OVER (ORDER BY a.x) AS r FROM a) t")
    assert "WindowSort" not in plan and "Scan a AS a# [id]" in plan


def test_conditions_print_the_parentheses_their_tree_needs():
    """A rewrite builds `(a OR b) AND (c OR d)` as a tree with no Paren nodes; EXPLAIN's text
    must still read as that tree, and adds no parentheses an AND under an OR does not need."""
    import sqlglot
    from sqlglot import exp

    from tqp.physical.operator import sql_text

    a, b, c, d = (sqlglot.parse_one(f"{n} = 1") for n in "abcd")
    both = exp.And(this=exp.Or(this=a, expression=b), expression=exp.Or(this=c, expression=d))
    assert sql_text(both) == "(a = 1 OR b = 1) AND (c = 1 OR d = 1)"
    assert sql_text(exp.Not(this=exp.And(this=a.copy(), expression=b.copy()))) == \
        "NOT (a = 1 AND b = 1)"
    assert sql_text(sqlglot.parse_one("a = 1 AND b = 1 OR c = 1")) == "a = 1 AND b = 1 OR c = 1"
    assert sql_text(sqlglot.parse_one("(a = 1 OR b = 1) AND c = 1")) == "(a = 1 OR b = 1) AND c = 1"
