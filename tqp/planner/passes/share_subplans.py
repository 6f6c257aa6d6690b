"""Common subplans computed once: two copies of the same work become one shared subplan.

A query often states the same join twice: once for its rows and once, in a subquery, for a
total they are compared with (`HAVING sum(x) > (SELECT sum(x) * 0.01 FROM <the same join>)`).
The builder plans each copy under its own table aliases, so the copies differ only in their
column names. Here subplans are compared by shape: each column a node outputs gets a token
that says where it comes from (a scanned field, the i-th projected expression, the left or
right side of a join), expressions are compared with their column references replaced by
those tokens, and a Scan matches every other Scan of its table whatever fields it reads (both
then read the union, and prune_columns narrows the shared scan to what the copies read). The
first copy becomes a shared subplan, which the executor runs once and replays to its other
readers (execution/local.py); every other copy becomes a projection renaming its columns.

Only subplans worth it are shared: those holding a join, an aggregate or a filter over a large
scan (a scan alone, or a filter over a few rows, costs about what keeping its result costs)
over enough scanned rows, and whose estimated result is small enough to keep whole (a shared
result is materialised, not streamed). Subplans whose expressions draw random values or call
functions tqp does not know are never shared: two copies of RANDOM() must draw twice.
"""

from __future__ import annotations

from sqlglot import exp

from tqp.planner.join_order import estimate_rows
from tqp.planner.logical import (
    Aggregate, AggregateCall, Distinct, Filter, Join, Limit, MarkJoin, Plan, Project, ScalarApply,
    Scan, Sort, SortKey,
)
from tqp.planner.node_kinds import VOLATILE
from tqp.planner.passes.context import PassContext
from tqp.planner.passes.tree import use_counts, with_children
from tqp.planner.scope import ref
from tqp.walk import each_node

# The most values (estimated rows times columns) a shared result may hold.
MAX_SHARED_VALUES = 8_000_000
# The fewest rows a subplan's scans must read for it to be shared: below, computing it again
# (a join of a few thousand rows, well under a millisecond) costs less than comparing the
# copies and keeping a result.
MIN_SHARED_SCAN_ROWS = 100_000
# A filter over a scan of at least this many rows is work a shared result saves: it compares
# every row and copies every column of the rows it keeps (a self-join's two copies of one
# filtered fact table, 6M rows: about 15 ms each). Over fewer rows it costs about what keeping
# its result costs.
MIN_FILTERED_SCAN_ROWS = 1 << 20
# Nodes whose work a shared result saves; a subplan without one is not shared.
_WORK = (Join, MarkJoin, Aggregate, Distinct)
# Expressions whose value is not a function of the row: never computed once for two copies.
_UNSHAREABLE = VOLATILE + (exp.Anonymous,)


class _Unshareable(Exception):
    """A subplan that cannot be compared with another (a node or expression not handled)."""


def share_subplans(plan: Plan, context: PassContext) -> Plan:
    """`plan` with each repeated subplan computed once.

    Example: `Join(A(t#1, u#2), Aggregate(A(t#3, u#4)))`, where A(t#3, u#4) is A(t#1, u#2)
    under other aliases, becomes `Join(S, Aggregate(Project(t#3.x := t#1.x, ...) <- S))` with
    S = A(t#1, u#2) one shared object."""
    nodes = {id(n): n for n in each_node(plan)}
    outlines = _outlines(plan)
    counts: dict[int, int] = {}
    for outline in outlines.values():
        counts[outline] = counts.get(outline, 0) + 1
    candidates = {key for key, outline in outlines.items()
                  if counts[outline] > 1 and not isinstance(nodes[key], Scan)}
    if candidates:
        scanned = _scanned_rows(plan, context.catalog)
        candidates = {key for key in candidates if scanned[key] >= MIN_SHARED_SCAN_ROWS}
    if not candidates:
        return plan  # no two subplans of one outline worth it: decided cheaply
    shapes = _Shapes()
    groups = _repeated(plan, candidates, shapes, use_counts(plan), context, _aggregated(plan))
    if not groups:
        return plan
    replaced: dict[int, Plan] = {}
    for members in groups:
        shared = _widened(members)
        replaced[id(members[0])] = shared
        tokens = shapes.tokens(shared)
        where = {token: name for name, token in zip(shared.columns, tokens)}
        for member in members[1:]:
            renames = tuple((name, ref(where[token]))
                            for name, token in zip(member.columns, shapes.tokens(member)))
            replaced[id(member)] = Project(shared, renames)
    return _substituted(plan, replaced, {})


def _scanned_rows(plan: Plan, catalog) -> dict[int, int]:
    """The rows each node's scans read (by id), from the catalog's row counts."""
    rows: dict[int, int] = {}

    def count(node: Plan) -> int:
        key = id(node)
        if key not in rows:
            rows[key] = catalog.num_rows(node.table) if isinstance(node, Scan) else \
                sum(count(c) for c in node.children)
        return rows[key]

    count(plan)
    return rows


def _outlines(plan: Plan) -> dict[int, int]:
    """Each node's outline (by id), numbered: its type, a Scan's table, its inputs' outlines.
    Subplans of one shape have one outline, and comparing outlines needs no walk of
    expressions. Numbers, not nested tuples: a plan whose subplans are shared is a graph whose
    unfolded tree can be exponentially larger."""
    outlines: dict[int, int] = {}
    numbers: dict[tuple, int] = {}

    def outline(node: Plan) -> int:
        key = id(node)
        if key not in outlines:
            own = (type(node), node.table if isinstance(node, Scan) else None,
                   tuple(outline(c) for c in node.children))
            outlines[key] = numbers.setdefault(own, len(numbers))
        return outlines[key]

    outline(plan)
    return outlines


def _aggregated(plan: Plan) -> set[int]:
    """Ids of the nodes an Aggregate reads directly. A Filter there, read by nothing else, is
    fused into the aggregate (lowering passes its condition as a mask) and copies no rows;
    shared, it would be read twice and copy them."""
    return {id(n.input) for n in each_node(plan) if isinstance(n, Aggregate)}


def _repeated(plan: Plan, candidates: set[int], shapes: "_Shapes", uses,
              context: PassContext, aggregated: set[int]) -> list[list[Plan]]:
    """The groups of distinct subplans of one shape worth sharing among `candidates` (ids),
    largest first: each group's members in the order met from the root (parents before
    children), none inside another group's member."""
    found: dict[object, list[Plan]] = {}
    seen: set[int] = set()
    stack = [plan]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        key = shapes.key(node) if id(node) in candidates else None
        if key is not None:
            found.setdefault(key, []).append(node)
        stack.extend(reversed(node.children))
    groups, inside = [], set()
    # The largest subplans first: a copy of a smaller one inside them is shared with them.
    for members in sorted(found.values(), key=lambda m: -sum(1 for _ in each_node(m[0]))):
        members = [m for m in members if id(m) not in inside]
        if len(members) < 2 or not _worth_sharing(members, uses, context, aggregated):
            continue
        groups.append(members)
        for member in members:
            inside.update(id(n) for n in each_node(member))
    return groups


def _worth_sharing(members: list[Plan], uses, context: PassContext,
                   aggregated: set[int]) -> bool:
    """Do the copies hold work a shared result saves (a join, an aggregate, or a filter over
    a large scan that no copy's reader fuses, not already in a shared subplan), and is their
    result small enough to keep?"""
    node = members[0]
    fused = any(id(m) in aggregated for m in members)
    stack, work = [node], False
    while stack and not work:
        current = stack.pop()
        work = isinstance(current, _WORK) or (
            not (fused and current is node) and _filters_a_large_scan(current, context))
        stack.extend(c for c in current.children if uses[id(c)] == 1)
    return work and \
        estimate_rows(node, context.catalog) * len(node.columns) <= MAX_SHARED_VALUES


def _filters_a_large_scan(node: Plan, context: PassContext) -> bool:
    """Is `node` a Filter whose input, through projections, is a Scan of at least
    MIN_FILTERED_SCAN_ROWS rows?"""
    if not isinstance(node, Filter):
        return False
    while isinstance(node, (Filter, Project)):
        node = node.input
    return isinstance(node, Scan) and \
        context.catalog.num_rows(node.table) >= MIN_FILTERED_SCAN_ROWS


def _widened(members: list[Plan]) -> Plan:
    """The first member with each Scan reading the fields of the Scans at its place in every
    member (members have one shape, so their Scans pair up in a walk of their trees)."""
    done: dict[int, Plan] = {}

    def widen(nodes: tuple[Plan, ...]) -> Plan:
        first = nodes[0]
        if id(first) in done:
            return done[id(first)]
        if isinstance(first, Scan):
            fields = list(first.fields)
            for other in nodes[1:]:
                fields.extend(f for f in other.fields if f not in fields)
            result = Scan(first.table, first.binding, tuple(fields))
        else:
            result = with_children(first, tuple(
                widen(tuple(n.children[i] for n in nodes)) for i in range(len(first.children))))
        done[id(first)] = result
        return result

    return widen(tuple(members))


class _Shapes:
    """Each subplan's shape (a hashable key, None for a subplan that is never shared) and the
    token of each of its output columns, computed once per node."""

    def __init__(self):
        self._known: dict[int, tuple[Plan, object, tuple]] = {}
        self._numbers: dict[tuple, int] = {}  # keys are numbered, as outlines (see _outlines)

    def key(self, node: Plan) -> object:
        return self._shape(node)[0]

    def tokens(self, node: Plan) -> tuple:
        return self._shape(node)[1]

    def _shape(self, node: Plan) -> tuple[object, tuple]:
        known = self._known.get(id(node))
        if known is None or known[0] is not node:
            try:
                key, tokens = self._describe(node)
                if len(set(tokens)) != len(tokens):
                    raise AssertionError(f"columns of one token under {type(node).__name__}")
                key = self._numbers.setdefault(key, len(self._numbers))
            except _Unshareable:
                key, tokens = None, ()
            known = (node, key, tokens)
            self._known[id(node)] = known  # holding `node` keeps its id unique
        return known[1], known[2]

    def _input(self, node: Plan) -> tuple[object, dict[str, object]]:
        key, tokens = self._shape(node)
        if key is None:
            raise _Unshareable
        return key, dict(zip(node.columns, tokens))

    def _describe(self, node: Plan) -> tuple[object, tuple]:
        if isinstance(node, Scan):
            return ("scan", node.table), node.fields
        if isinstance(node, (Filter, Distinct, Sort, Limit)):
            key, names = self._input(node.input)
            if isinstance(node, Filter):
                own = _expression(node.condition, names)
            elif isinstance(node, Sort):
                own = (_sort_keys(node.keys, names), node.limit)
            elif isinstance(node, Limit):
                own = (node.limit, node.offset, node.percent)
            else:
                own = ()
            return (type(node).__name__, own, key), tuple(names[c] for c in node.columns)
        if isinstance(node, Project):
            key, names = self._input(node.input)
            own = tuple(_expression(e, names) for _, e in node.exprs)
            return ("project", own, key), tuple(("p", i) for i in range(len(node.exprs)))
        if isinstance(node, Aggregate) and node.sets is None:
            key, names = self._input(node.input)
            own = (tuple(_expression(e, names) for _, e in node.keys),
                   tuple(_call(c, names) for _, c in node.aggregates))
            tokens = tuple(("k", i) for i in range(len(node.keys))) + \
                tuple(("a", i) for i in range(len(node.aggregates)))
            return ("aggregate", own, key), tokens
        if isinstance(node, (Join, MarkJoin)):
            left, left_names = self._input(node.left)
            right, right_names = self._input(node.right)
            names = {c: ("l", t) for c, t in left_names.items()}
            names.update((c, ("r", t)) for c, t in right_names.items())
            own = (tuple(_expression(e, names) for e in node.left_keys),
                   tuple(_expression(e, names) for e in node.right_keys),
                   None if node.residual is None else _expression(node.residual, names))
            if isinstance(node, Join):
                return ("join", node.kind, own, left, right), \
                    tuple(names[c] for c in node.columns)
            return ("mark", node.null_aware, own, left, right), \
                tuple(names[c] for c in node.left.columns) + (("mark",),)
        if isinstance(node, ScalarApply):
            source, names = self._input(node.input)
            subquery, _ = self._input(node.subquery)
            return ("scalar", source, subquery), \
                tuple(("i", names[c]) for c in node.input.columns) + (("scalar",),)
        raise _Unshareable


def _sort_keys(keys: tuple[SortKey, ...], names: dict[str, object]) -> tuple:
    return tuple((_expression(k.expr, names), k.descending, k.nulls_first) for k in keys)


def _call(call: AggregateCall, names: dict[str, object]) -> tuple:
    def optional(e):
        return None if e is None else _expression(e, names)
    return (call.func, optional(call.arg), call.distinct, optional(call.filter),
            optional(call.by), _sort_keys(call.order, names), repr(call.param))


def _expression(node: exp.Expression, names: dict[str, object]) -> tuple:
    """`node` as a hashable tuple, its column references replaced by their tokens in `names`."""
    if isinstance(node, exp.Column):
        if node.name not in names:
            raise _Unshareable
        return ("column", names[node.name])
    if isinstance(node, _UNSHAREABLE):
        raise _Unshareable
    parts = []
    for arg, value in sorted(node.args.items()):
        if value is None or value == []:
            continue
        if isinstance(value, exp.Expression):
            value = _expression(value, names)
        elif isinstance(value, list):
            value = tuple(_expression(v, names) if isinstance(v, exp.Expression) else repr(v)
                          for v in value)
        else:
            value = repr(value)
        parts.append((arg, value))
    return (type(node).__name__, tuple(parts))


def _substituted(node: Plan, replaced: dict[int, Plan], done: dict[int, Plan]) -> Plan:
    """`node` with each subplan in `replaced` (by id) swapped for its replacement, once each:
    a replacement is used as it is (its inputs are not rewritten again)."""
    key = id(node)
    if key not in done:
        if key in replaced:
            done[key] = replaced[key]
        else:
            done[key] = with_children(node, tuple(_substituted(c, replaced, done)
                                                  for c in node.children))
    return done[key]
