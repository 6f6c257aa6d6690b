"""A rewrite pass, LIMIT applied early: rows that no result needs are never computed, so that, as in DuckDB, an
expression that would fail on them (an overflow, a bad cast) does not fail the query.

- `LIMIT 0`: every scan below reads no rows. The operators above still run, over empty inputs,
  so the result keeps its columns and their types.
- `LIMIT n [OFFSET m]` directly over a `Project`: the projection runs over the first n + m rows
  only (the `Limit` moves below it; a projection is row by row).
"""

from __future__ import annotations

import dataclasses

from sqlglot import exp

from tqp.planner.logical import Limit, Plan, Project, Scan


def push_limits(plan: Plan, context=None) -> Plan:
    """`plan` with its LIMITs applied as early as the rows allow."""
    return _Rewriter().visit(plan)


class _Rewriter:
    def __init__(self):
        self.done: dict[int, Plan] = {}  # by identity: a subplan read twice stays one object

    def visit(self, node: Plan) -> Plan:
        if id(node) not in self.done:
            self.done[id(node)] = self._rewrite(_map_children(node, self.visit))
        return self.done[id(node)]

    def _rewrite(self, node: Plan) -> Plan:
        if not isinstance(node, Limit):
            return node
        if node.limit == 0:
            return Limit(_map_scans(node.input, {}), 0, 0)
        if node.limit is not None and isinstance(node.input, Project) and _row_by_row(node.input):
            project = node.input
            return Project(Limit(project.input, node.limit, node.offset), project.exprs)
        return node


def _row_by_row(project: Project) -> bool:
    return not any(e.find(exp.Window) for _, e in project.exprs)


def _map_scans(node: Plan, done: dict[int, Plan]) -> Plan:
    """`node` with every scan below it cut to no rows: a scan of its own, so that a scan the
    plan also reads in full is still read by one filter alone (which skips row groups)."""
    if id(node) not in done:
        done[id(node)] = Limit(dataclasses.replace(node), 0, 0) if isinstance(node, Scan) else \
            _map_children(node, lambda child: _map_scans(child, done))
    return done[id(node)]


def _map_children(node: Plan, fn) -> Plan:
    """`node` with `fn` applied to each of its plan-valued fields (the same node if none change)."""
    changes = {}
    for field in dataclasses.fields(node):
        value = getattr(node, field.name)
        if isinstance(value, Plan):
            mapped = fn(value)
            if mapped is not value:
                changes[field.name] = mapped
    return dataclasses.replace(node, **changes) if changes else node
