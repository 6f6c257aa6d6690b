"""Distinct join inputs where only the set of joined rows matters.

The right side of a MarkJoin (IN, EXISTS, a semi or anti join), the input of a Distinct and
both inputs of a UNION, INTERSECT or EXCEPT without ALL are read as sets: how often a row
occurs does not change the answer. A join inside such a set reads its inputs as sets too, so
an input with many repeated rows (over the columns the join and the plan above it read) can
be made distinct before it is joined. A many-to-many join
(`x IN (SELECT a.k FROM t a JOIN t b ON a.k = b.k AND a.w <> b.w)`) then forms one pair per
distinct (k, w) combination on each side instead of one per row pair: tens of times fewer. And
a fact table joined to a dimension under an INTERSECT (`SELECT d.x FROM fact f JOIN dim d ON
f.k = d.k INTERSECT ...`) meets the dimension with its distinct keys, not with every row.

An input is made distinct only when the statistics say it repeats: the product of its
columns' distinct counts (traced to the scanned columns they come from) is at most half its
estimated rows. A subplan read both as a set and otherwise is left as it is (it runs once for
all its readers). The two inputs of a self-join made distinct over the same columns share one
Distinct, read by the second side under its own names.
"""

from __future__ import annotations

from tqp.planner.join_order import estimate_rows
from tqp.planner.logical import Distinct, Filter, Join, MarkJoin, Plan, Project, Scan, SetOp
from tqp.planner.passes.context import PassContext
from tqp.planner.passes.origins import column_origin
from tqp.planner.passes.tree import use_counts, with_children
from tqp.planner.scope import ref

# An input is made distinct when its distinct rows are at most this fraction of its rows.
REPEATS = 0.5


def distinct_join_inputs(plan: Plan, context: PassContext) -> Plan:
    """Make distinct the repeating inputs of the joins that are read as sets.

    Example: `MarkJoin(l, Project(k := a.k) <- Join(a, b) ON a.k = b.k)` becomes the same
    over `Join(Distinct <- Project(a.k) <- a, Distinct <- Project(b.k) <- b)`."""
    uses = use_counts(plan)
    only_sets = _read_only_as_sets(plan, uses, context.reads)
    return _Rewriter(uses, only_sets, context).visit(plan)


def _set_children(node: Plan, reads) -> list[tuple[Plan, set[str]]]:
    """The children of `node` read as sets, with the columns read from each."""
    if isinstance(node, MarkJoin):
        needed = reads(*node.right_keys, node.residual) & set(node.right.columns)
        return [(node.right, needed)]
    if isinstance(node, Distinct):
        return [(node.input, set(node.input.columns))]
    if isinstance(node, SetOp) and not node.all:
        return [(child, set(child.columns)) for child in node.children]
    return []


def _read_only_as_sets(plan: Plan, uses, reads) -> set[int]:
    """The nodes every parent of which reads them as a set (by id), found again until no node
    leaves the set: a node under one that is not read only as a set is read normally."""
    candidates: set[int] | None = None
    while True:
        as_set: dict[int, int] = {}
        seen: set[int] = set()

        def walk(node: Plan, in_set: bool) -> None:
            if in_set:
                as_set[id(node)] = as_set.get(id(node), 0) + 1
            if id(node) in seen:
                return
            seen.add(id(node))
            inside = in_set and (candidates is None or id(node) in candidates)
            set_children = {id(c) for c, _ in _set_children(node, reads)}
            passes = inside and isinstance(node, (Project, Filter, Join, Distinct))
            for child in node.children:
                walk(child, id(child) in set_children or (passes and _joins_as_set(node)))

        walk(plan, False)
        found = {k for k, n in as_set.items() if n == uses[k]}
        if found == candidates:
            return found
        candidates = found


def _joins_as_set(node: Plan) -> bool:
    """Does `node`, read as a set, read its inputs as sets?"""
    return not isinstance(node, Join) or node.kind in ("inner", "cross")


class _Rewriter:
    def __init__(self, uses, only_sets: set[int], context: PassContext):
        self.uses, self.only_sets = uses, only_sets
        self.reads, self.catalog = context.reads, context.catalog
        self.done: dict[int, Plan] = {}

    def visit(self, node: Plan) -> Plan:
        """`node` read normally (its set-read children rewritten)."""
        if id(node) not in self.done:
            sets = {id(c): needed for c, needed in _set_children(node, self.reads)}
            children = tuple(self.as_set(c, sets[id(c)]) if id(c) in sets else self.visit(c)
                             for c in node.children)
            self.done[id(node)] = with_children(node, children)
        return self.done[id(node)]

    def as_set(self, node: Plan, needed: set[str]) -> Plan:
        """`node` read as a set of which `needed` columns are read."""
        if id(node) not in self.only_sets:
            return self.visit(node)
        if self.uses[id(node)] > 1:  # one rewrite for every reader
            if id(node) not in self.done:
                self.done[id(node)] = self._as_set(node, set(node.columns))
            return self.done[id(node)]
        return self._as_set(node, needed)

    def _as_set(self, node: Plan, needed: set[str]) -> Plan:
        if isinstance(node, Project):
            below = self.reads(*(e for _, e in node.exprs))
            return with_children(node, (self.as_set(node.input, below),))
        if isinstance(node, Filter):
            below = needed | self.reads(node.condition)
            return with_children(node, (self.as_set(node.input, below),))
        if isinstance(node, Distinct):
            return with_children(node, (self.as_set(node.input, set(node.input.columns)),))
        if isinstance(node, Join) and _joins_as_set(node):
            needed = needed | self.reads(*node.left_keys, *node.right_keys, node.residual)
            left, right = (self._side(side, needed) for side in node.children)
            return with_children(node, (left, _renamed_twin(left, right) or right))
        return self.visit(node)

    def _side(self, side: Plan, needed: set[str]) -> Plan:
        """A join input read as a set, made distinct over `needed` when it repeats."""
        needed = needed & set(side.columns)
        rewritten = self.as_set(side, needed)
        if isinstance(side, Distinct) or not self._repeats(side, needed):
            return rewritten
        columns = [c for c in rewritten.columns if c in needed]
        return Distinct(Project(rewritten, tuple((c, ref(c)) for c in columns)))

    def _repeats(self, plan: Plan, columns: set[str]) -> bool:
        """Do the statistics say `plan`'s rows repeat over `columns`?"""
        combinations = 1.0
        for name in columns:
            count = _distinct_count(plan, name, self.catalog)
            if count is None:
                return False
            combinations *= max(count, 1)
        return combinations <= REPEATS * estimate_rows(plan, self.catalog)


def _distinct_count(plan: Plan, name: str, catalog) -> int | None:
    """Distinct values of column `name` of `plan`, from the scanned column it comes from; None
    when it is computed or unknown."""
    origin = column_origin(plan, name)
    if origin is None:
        return None
    scan, field = origin
    return catalog.distinct_count(scan.table, field, along=scan.fields)


def _renamed_twin(left: Plan, right: Plan) -> Plan | None:
    """`right` as `left`'s rows under `right`'s names, when both are the distinct rows of the
    same columns of one table (a self-join read as a set, `a.k = b.k AND a.w <> b.w`): the
    distinct rows are then found once, for both sides. None otherwise."""
    sides = [_distinct_scan(p) for p in (left, right)]
    if None in sides:
        return None
    (lscan, lfields), (rscan, rfields) = sides
    if lscan.table != rscan.table or lfields != rfields:
        return None
    return Project(left, tuple((r, ref(lc)) for r, lc in zip(right.columns, left.columns)))


def _distinct_scan(plan: Plan):
    """(scan, fields read in output order) of `Distinct <- Project(columns) <- Scan`, or None."""
    if not isinstance(plan, Distinct) or not isinstance(plan.input, Project) or \
            not isinstance(plan.input.input, Scan):
        return None
    scan, fields = plan.input.input, []
    for name, expression in plan.input.exprs:
        if name not in scan.columns or expression.name != name:
            return None
        fields.append(name[len(scan.binding) + 1:])
    return scan, tuple(fields)
