"""Where a plan column comes from: the scanned table column it carries unchanged."""

from __future__ import annotations

from sqlglot import exp

from tqp.planner.logical import (Distinct, Filter, Join, MarkJoin, Plan, Project, RowNumber, Scan,
                                 Window)


def column_origin(plan: Plan, name: str, uses=None) -> tuple[Scan, str] | None:
    """(the Scan, its field) whose values column `name` of `plan` carries unchanged: through
    filters, renames, DISTINCT, joins, and the nodes that add columns to their input's rows
    (RowNumber, Window, a MarkJoin's mark); None for a computed column or any other node. With
    `uses` (from `tree.use_counts`) a shared node also stops the search, so that two columns
    traced to one Scan come from the same row of it (a self-join of a shared subplan reads
    two rows of one Scan)."""
    while True:
        if uses is not None and uses[id(plan)] > 1:
            return None
        if isinstance(plan, Scan):
            return plan, name[len(plan.binding) + 1:]
        if isinstance(plan, Project):
            source = dict(plan.exprs).get(name)
            if not isinstance(source, exp.Column):
                return None
            plan, name = plan.input, source.name
        elif isinstance(plan, (Filter, Distinct)):
            plan = plan.input
        elif isinstance(plan, Join):
            plan = plan.left if name in plan.left.columns else plan.right
        elif isinstance(plan, (RowNumber, Window)) and name in plan.input.columns:
            plan = plan.input
        elif isinstance(plan, MarkJoin) and name in plan.left.columns:
            plan = plan.left  # each left row once, its mark beside it
        else:
            return None
