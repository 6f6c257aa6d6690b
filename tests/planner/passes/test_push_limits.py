"""push_limits: LIMIT 0 cuts the scans below it; LIMIT n moves under a projection."""

from __future__ import annotations

from sqlglot import exp

from tqp.planner.logical import Filter, Join, Limit, Project, Scan
from tqp.planner.passes.push_limits import push_limits

SCAN = Scan("t", "t#0", ("i",))
NEG = (("x#1", exp.Neg(this=exp.column("t#0.i", quoted=True))),)


def test_limit_zero_cuts_every_scan_below():
    plan = Limit(Project(Filter(SCAN, exp.true()), NEG), 0, 0)
    pushed = push_limits(plan)
    assert pushed == Limit(Project(Filter(Limit(SCAN, 0, 0), exp.true()), NEG), 0, 0)


def test_a_scan_also_read_in_full_is_cut_in_a_copy_of_its_own():
    """A plan read in full and again under LIMIT 0 (a subquery's answer over no rows): the
    cut reads its own scan, so the full read stays one scan under one filter."""
    kept = Filter(SCAN, exp.true())
    renamed = Project(Limit(kept, 0, 0), (("y#2", exp.column("t#0.i", quoted=True)),))
    pushed = push_limits(Join(kept, renamed, "cross"))
    cut = pushed.right.input.input.input
    assert isinstance(cut, Limit) and cut.input == SCAN and cut.input is not SCAN
    assert pushed.left is kept


def test_limit_moves_below_a_projection():
    assert push_limits(Limit(Project(SCAN, NEG), 5, 2)) == Project(Limit(SCAN, 5, 2), NEG)


def test_offset_alone_and_limit_over_a_filter_stay():
    offset_only = Limit(Project(SCAN, NEG), None, 3)
    over_filter = Limit(Filter(SCAN, exp.true()), 5, 0)
    assert push_limits(offset_only) == offset_only
    assert push_limits(over_filter) == over_filter
