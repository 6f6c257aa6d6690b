"""Lowering: the logical plan becomes physical operators named by algorithm.

One lowering function per logical node type (`functools.singledispatch`). Algorithms are
chosen here from the catalog's statistics: a join whose build keys span a small range gets a
DirectJoin, others a BinarySearchJoin, one with no keys but an inequality between its inputs a
RangeJoin; an aggregate whose keys span a small range a
DirectAggregate, others a SortAggregate. Exchanges are placed where a breaker (aggregate,
sort, join build) reads a partitioned input. A logical node used twice (a CTE read twice)
becomes one physical operator, which the executor runs once.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import singledispatch

from sqlglot import exp

from tqp.errors import NotSupportedError
from tqp.operators import aggregation
from tqp.operators.group import DENSE_FACTOR as GROUP_DENSE_FACTOR
from tqp.operators.group import DENSE_SLACK as GROUP_DENSE_SLACK
from tqp.operators.join import SWAP_RATIO, dense_limit
from tqp.operators.joins import LEAD_FANOUT
from tqp.physical import aggregate as agg
from tqp.physical import (
    asof_join, joins, recursion, scan, setops, sort, streaming, unnest, window,
)
from tqp.physical.exchange import single
from tqp.physical.operator import PhysicalOperator
from tqp.planner import logical as L
from tqp.planner.join_order import estimate_rows
from tqp.planner.passes.origins import column_origin
from tqp.planner.range_conditions import range_condition
from tqp.planner.string_orders import string_orders
from tqp.planner.scan_bounds import scan_bounds


@dataclass
class Lowering:
    """What lowering needs: the catalog (statistics and segments), the scanned string columns
    that need less than a sorted dictionary (planner/string_orders.py), and the plan's shared
    nodes."""

    catalog: object
    strings: dict = field(default_factory=dict)  # scanned strings needing less than sorted
    uses: Counter = field(default_factory=Counter)
    done: dict = field(default_factory=dict)
    unordered: set = field(default_factory=set)  # ids of joins no consumer needs in row order

    def lower(self, node: L.Plan) -> PhysicalOperator:
        key = id(node)
        if key not in self.done:
            self.done[key] = _lower(node, self)
        return self.done[key]

    def lower_filtered(self, node: L.Plan, condition: exp.Expression | None) -> PhysicalOperator:
        """`node` lowered below a filter on `condition`: a scan read by this filter alone
        gets the condition's bounds, to skip row groups by their statistics."""
        if isinstance(node, L.Scan) and self.uses[id(node)] == 1 and id(node) not in self.done:
            self.done[id(node)] = _scan(node, self, scan_bounds(condition, node))
        return self.lower(node)

    def lower_read(self, node: L.Plan, reads: frozenset[str]) -> PhysicalOperator:
        """`node` lowered for a parent that reads only the columns `reads`: a filter or join
        read by this parent alone passes on no other column (the columns only its condition
        or keys read are then never gathered)."""
        if isinstance(node, (L.Filter, L.Join)) and self.uses[id(node)] == 1 and \
                id(node) not in self.done:
            lower_kept = _filter if isinstance(node, L.Filter) else _join
            self.done[id(node)] = lower_kept(node, self, reads & node.column_set)
        return self.lower(node)


def lower(query: L.Query, catalog) -> PhysicalOperator:
    """The physical plan of `query` (its root yields the result's rows)."""
    lowering = Lowering(catalog, string_orders(query.plan))
    _count(query.plan, lowering.uses)
    return lowering.lower(query.plan)


def _count(node: L.Plan, uses: Counter) -> None:
    uses[id(node)] += 1
    if uses[id(node)] == 1:
        for child in node.children:
            _count(child, uses)


@singledispatch
def _lower(node: L.Plan, lw: Lowering) -> PhysicalOperator:
    raise NotSupportedError(f"no physical operator for plan node {type(node).__name__}")


@_lower.register
def _(node: L.Scan, lw: Lowering):
    return _scan(node, lw, ())


def _scan(node: L.Scan, lw: Lowering, bounds, head: int | None = None) -> scan.TableScan:
    text = lw.catalog.string_fields(node.table)
    strings = tuple((f, lw.strings[c]) for f, c in zip(node.fields, node.columns)
                    if c in lw.strings and f in text)
    return scan.TableScan(node.table, node.binding, node.fields,
                          lw.catalog.segments(node.table), bounds, strings, head)


@_lower.register
def _(node: L.OneRow, lw: Lowering):
    return scan.OneRowSource()


@_lower.register
def _(node: L.Filter, lw: Lowering):
    return _filter(node, lw)


def _filter(node: L.Filter, lw: Lowering, keep: frozenset[str] | None = None):
    """The physical filter of `node`, passing on only the columns `keep` when given."""
    return streaming.Filter(lw.lower_filtered(node.input, node.condition), node.condition, keep)


@_lower.register
def _(node: L.Project, lw: Lowering):
    reads = frozenset(c.name for _, e in node.exprs for c in e.find_all(exp.Column))
    return streaming.Project(lw.lower_read(node.input, reads), node.exprs)


@_lower.register
def _(node: L.Limit, lw: Lowering):
    if node.percent is not None:
        return streaming.PercentLimit(lw.lower(node.input), node.percent, node.offset)
    scanned = node.input
    if node.limit is not None and isinstance(scanned, L.Scan) and lw.uses[id(scanned)] == 1 \
            and id(scanned) not in lw.done:  # a scan read by this limit alone reads no further
        lw.done[id(scanned)] = _scan(scanned, lw, (), node.limit + node.offset)
    return streaming.Limit(lw.lower(scanned), node.limit, node.offset)


@_lower.register
def _(node: L.RowNumber, lw: Lowering):
    return streaming.RowNumber(single(lw.lower(node.input)), node.name)


@_lower.register
def _(node: L.WorkTable, lw: Lowering):
    return recursion.WorkTableScan(node.name, node.fields)


@_lower.register
def _(node: L.RecursiveUnion, lw: Lowering):
    return recursion.RecursiveUnion(lw.lower(node.anchor), lw.lower(node.step),
                                    lw.lower(node.work), node.distinct, node.fields)


@_lower.register
def _(node: L.Unnest, lw: Lowering):
    return unnest.Unnest(lw.lower(node.input), node.lists)


@_lower.register
def _(node: L.ScalarApply, lw: Lowering):
    return streaming.ScalarBroadcast(lw.lower(node.input), single(lw.lower(node.subquery)),
                                     node.name)


@_lower.register
def _(node: L.Join, lw: Lowering):
    return _join(node, lw)


def _join(node: L.Join, lw: Lowering, keep: frozenset[str] | None = None):
    """The physical join of `node`, passing on only the columns `keep` when given."""
    probe = lw.lower(node.left)
    if node.kind in ("right", "full"):
        probe = single(probe)
    build = single(lw.lower(node.right), "broadcast")
    found = None if node.left_keys else \
        range_condition(node.residual, node.left.columns, node.right.columns)
    if found is not None:
        return joins.RangeJoin(probe, build, node.kind, (), (), found[1],
                               id(node) not in lw.unordered, keep, found[0])
    if not node.left_keys:
        cls = joins.NestedLoopJoin
    elif _dense_join(node, lw.catalog):
        cls = joins.DirectJoin
    else:
        cls = joins.BinarySearchJoin
    return cls(probe, build, node.kind, node.left_keys, node.right_keys, node.residual,
               id(node) not in lw.unordered, keep)


@_lower.register
def _(node: L.MarkJoin, lw: Lowering):
    found = None if node.left_keys or node.null_aware else \
        range_condition(node.residual, node.left.columns, node.right.columns)
    if found is not None:
        return joins.RangeMarkJoin(lw.lower(node.left), single(lw.lower(node.right), "broadcast"),
                                   node.mark, (), (), found[1], False, range=found[0])
    cls = joins.KeySetMarkJoin if node.residual is None else joins.PairMarkJoin
    probe, limit = lw.lower(node.left), _probe_limit(node, lw.catalog)
    if limit and probe.partitions > 1:
        probe = single(probe)
    return cls(probe, single(lw.lower(node.right), "broadcast"), node.mark,
               node.left_keys, node.right_keys, node.residual, node.null_aware, limit)


def _probe_limit(node: L.MarkJoin, catalog) -> int:
    """How many probe rows a mark join reads before its build side, to build its table on them
    when the build side turns out SWAP_RATIO times larger (physical/joins.py): the estimated
    build rows over SWAP_RATIO. 0 (the build side first, as for other joins) where the probe
    side is estimated larger, and without keys or with IN's NULL rules (which need the whole
    build side). Estimates of joined rows run high, so the probe side gets its own partitions
    gathered into one when estimated no larger than the build side, and the rows decide."""
    if not node.left_keys or node.null_aware:
        return 0
    build = estimate_rows(node.right, catalog)
    if estimate_rows(node.left, catalog) > build:
        return 0
    return max(int(build / SWAP_RATIO), 1)


@_lower.register
def _(node: L.AsofJoin, lw: Lowering):
    return asof_join.AsofJoin(single(lw.lower(node.left)), single(lw.lower(node.right)),
                              node.kind, node.left_keys, node.right_keys, node.left_on,
                              node.right_on, node.op)


@_lower.register
def _(node: L.Aggregate, lw: Lowering):
    if node.sets is not None:
        return agg.GroupingSetsAggregate(single(lw.lower(node.input)), node.keys,
                                         node.aggregates, node.sets)
    source, condition = node.input, None
    if isinstance(source, L.Filter) and lw.uses[id(source)] == 1 and \
            aggregation.takes_mask(node.keys, node.aggregates):
        source, condition = source.input, source.condition  # the filter is fused
    if all(call.func in ORDER_FREE_AGGREGATES and not call.order for _, call in node.aggregates):
        lw.unordered.update(_order_free_joins(source, lw))
    if not node.keys:
        cls = agg.UngroupedAggregate
    elif _dense_group(node, lw.catalog):
        cls = agg.DirectAggregate
    else:
        cls = agg.SortAggregate
    lowered = lw.lower_filtered(source, condition) if condition is not None \
        else lw.lower_read(source, agg.columns_read(node.keys, node.aggregates))
    return cls(single(lowered), node.keys, node.aggregates, condition,
               agg.plan_merge(node.aggregates))


# Aggregates whose value does not depend on the order of their input rows (up to the rounding
# of floating-point sums, which no order fixes either).
ORDER_FREE_AGGREGATES = frozenset({"count", "count_star", "sum", "avg", "min", "max"})


def _order_free_joins(node: L.Plan, lw: Lowering) -> list[int]:
    """Ids of the joins whose rows reach an order-free aggregate only through filters and
    projections read by nothing else (the aggregate's input `node` downwards)."""
    found = []
    while lw.uses[id(node)] == 1:
        if isinstance(node, L.Join):
            found.append(id(node))
            node = node.left  # the probe side's rows keep their order through the join
        elif isinstance(node, (L.Filter, L.Project)):
            node = node.input
        else:
            break
    return found


@_lower.register
def _(node: L.Distinct, lw: Lowering):
    return agg.Distinct(single(lw.lower(node.input)))


@_lower.register
def _(node: L.Sort, lw: Lowering):
    source = single(lw.lower(node.input))
    if node.limit is not None:
        return sort.TopK(source, node.keys, node.limit)
    return sort.Sort(source, node.keys)


@_lower.register
def _(node: L.Window, lw: Lowering):
    return window.WindowSort(single(lw.lower(node.input)), node.functions)


@_lower.register
def _(node: L.SetOp, lw: Lowering):
    return setops.SetOperation(node.kind, node.all, single(lw.lower(node.left)),
                               single(lw.lower(node.right)))


# -- statistics -------------------------------------------------------------------------------


def _span(expression: exp.Expression, plan: L.Plan, catalog) -> tuple[int, int] | None:
    """The number of distinct values `expression` can take and the rows of its table, when it
    is a column read straight from a table whose range is known."""
    if not isinstance(expression, exp.Column):
        return None
    binding, _, field_name = expression.name.rpartition(".")
    found = _scan_of(plan, binding)
    if found is None or field_name not in found.fields:
        origin = column_origin(plan, expression.name)  # a column renamed on its way up
        if origin is None:
            return None
        found, field_name = origin
    bounds = catalog.value_range(found.table, field_name, along=found.fields)
    if bounds is None:
        return None
    return bounds[1] - bounds[0] + 1, catalog.num_rows(found.table)


def _scan_of(plan: L.Plan, binding: str) -> L.Scan | None:
    """The Scan under `plan` named `binding`; each shared subplan is searched once (a plan of
    nested decorrelated subqueries shares its outer plans many times over)."""
    stack, seen = [plan], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, L.Scan):
            if node.binding == binding:
                return node
            continue
        stack.extend(reversed(node.children))
    return None


def _product_span(expressions, plan: L.Plan, catalog) -> tuple[int, int] | None:
    total, rows = 1, 0
    for e in expressions:
        span = _span(e, plan, catalog)
        if span is None:
            return None
        total *= span[0]
        rows = max(rows, span[1])
    return total, rows


def _dense_join(node: L.Join, catalog) -> bool:
    """Will the build keys fit a direct-address table (the kernel's own rules, on statistics):
    all of them packed, or one of several alone (joins.LEAD_FANOUT)?"""
    probe_rows = max(int(estimate_rows(node.left, catalog)), 1)
    found = _product_span(node.right_keys, node.right, catalog)
    if found is not None and found[0] <= dense_limit(found[1], probe_rows):
        return True
    if len(node.right_keys) < 2:
        return False
    for key in node.right_keys:
        one = _span(key, node.right, catalog)
        if one is not None and one[0] <= dense_limit(one[1], probe_rows) \
                and one[1] <= LEAD_FANOUT * one[0]:
            return True
    return False


def _dense_group(node: L.Aggregate, catalog) -> bool:
    found = _product_span([e for _, e in node.keys], node.input, catalog)
    if found is None:
        return False
    span, _ = found
    return span <= GROUP_DENSE_FACTOR * estimate_rows(node.input, catalog) + GROUP_DENSE_SLACK
