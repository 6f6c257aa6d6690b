"""Grouping by a unique column and the columns of its row that depend on it.

`GROUP BY c.id, c.name, c.email, d.year` where `c.id` is unique in its table (every row holds
its own value) forms the same groups as `GROUP BY c.id, d.year`: within a group every row
carries the same row of `c`, so `c.name` and `c.email` are equal there. They leave the keys
and become GROUP_VALUE aggregates: the rows are numbered by two keys instead of four (a packed
key of wide strings numbered by sorting, against a narrow one), and each dependent column is
gathered once per group, from whichever row the numbering found first.

A key counts as dependent only when it and the unique key are columns of the same Scan read
along one unshared path (a self-join of a shared subplan reads two rows of one Scan), and the
uniqueness is exact (`Catalog.is_unique`), not estimated.
"""

from __future__ import annotations

from sqlglot import exp

from tqp.planner.logical import Aggregate, AggregateCall, Plan, Project
from tqp.planner.passes.context import PassContext
from tqp.planner.passes.origins import column_origin
from tqp.planner.passes.tree import transform, use_counts
from tqp.planner.scope import ref


def group_by_unique_keys(plan: Plan, context: PassContext) -> Plan:
    """Group keys that depend on a unique key of the same row become GROUP_VALUE aggregates
    (every row of a group holds that row's value, NULL or not: any row of the group gives it,
    as any row gives the group's keys).

    Example: `Aggregate(keys=[i := c.id, n := c.name, y := d.year], [s := sum(x)])` becomes
    `Project(i, n, y, s) <- Aggregate(keys=[i := c.id, y := d.year], [s := sum(x),
    n := group_value(c.name)])` when `c.id` is unique."""
    uses = use_counts(plan)

    def rule(node: Plan) -> Plan:
        if not isinstance(node, Aggregate) or node.sets is not None or len(node.keys) < 2:
            return node
        return _dependents_aggregated(node, uses, context.catalog) or node

    return transform(plan, rule, uses)


def _dependents_aggregated(node: Aggregate, uses, catalog) -> Plan | None:
    origins = {name: column_origin(node.input, e.name, uses)
               for name, e in node.keys if isinstance(e, exp.Column)}
    unique_in: dict[int, str] = {}  # id of a Scan -> the name of a unique key read from it
    # Numbers first: a unique number is the cheaper key to number the groups by, and finding
    # a string column unique reads and hashes it while planning.
    for name, origin in sorted(((n, o) for n, o in origins.items() if o is not None),
                               key=lambda item: _is_text(item[1], catalog)):
        if id(origin[0]) not in unique_in and catalog.is_unique(
                origin[0].table, origin[1], along=origin[0].fields):
            unique_in[id(origin[0])] = name
    dependent = [(name, e) for name, e in node.keys
                 if origins.get(name) is not None
                 and unique_in.get(id(origins[name][0]), name) != name]
    if not dependent:
        return None
    names = {name for name, _ in dependent}
    grouped = Aggregate(node.input, tuple(k for k in node.keys if k[0] not in names),
                        node.aggregates + tuple((n, AggregateCall("group_value", e))
                                                for n, e in dependent))
    return Project(grouped, tuple((c, ref(c)) for c in node.columns))


def _is_text(origin, catalog) -> bool:
    """Is the scanned field `origin` (scan, field) a string column?"""
    return origin[1] in catalog.string_fields(origin[0].table)
