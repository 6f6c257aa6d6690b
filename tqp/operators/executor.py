"""Runs a plan: each node's inputs first, then its operator, bottom-up.

Subplans referenced from several places (a CTE used twice) run once per query; their result is
kept until its last reader has it. With profiling on, rows and time per node are recorded for
EXPLAIN ANALYZE.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

import torch

from tqp.operators import aggregation, joins, ordering, relational, setops
from tqp.planner.logical import (
    Aggregate, Distinct, Filter, Join, Limit, MarkJoin, OneRow, Plan, Project, RowNumber,
    ScalarApply, Scan, SetOp, Sort,
)
from tqp.errors import Error
from tqp.storage.column import Batch

# An Aggregate over a Filter reads the filter's mask, instead of a copy of the rows it keeps,
# when it keeps at least this fraction of them.
MASK_AGGREGATE_FRACTION = 0.5


@dataclass
class Execution:
    """State of one query run: the catalog, the device, shared results and the profile."""

    catalog: object
    device: torch.device
    profile: dict | None = None
    shared: dict = field(default_factory=dict)
    _uses: Counter = field(default_factory=Counter)

    def run(self, plan: Plan) -> Batch:
        self._count_uses(plan)
        return self.execute(plan)

    def _count_uses(self, plan: Plan) -> None:
        self._uses[id(plan)] += 1
        if self._uses[id(plan)] == 1:
            for child in plan.children:
                self._count_uses(child)

    def execute(self, node: Plan) -> Batch:
        key = id(node)
        if key in self.shared:
            return self._reuse(key)
        start = time.perf_counter() if self.profile is not None else 0.0
        if self._filter_below_aggregate(node):
            filtered = node.children[0]
            inputs = [self.execute(filtered.input)]
            if self.profile is not None:
                own_start = time.perf_counter()
            result = self._aggregate_filtered(node, filtered, inputs[0], own_start if
                                              self.profile is not None else 0.0)
        else:
            inputs = [self.execute(child) for child in node.children]
            if self.profile is not None:
                own_start = time.perf_counter()
            result = _OPERATORS[type(node)](node, inputs, self)
        if self.profile is not None:
            if self.device.type == "cuda":
                torch.cuda.synchronize()
            now = time.perf_counter()
            self.profile[key] = (result.num_rows, now - own_start, now - start)
        if self._uses[key] > 1:
            self._uses[key] -= 1  # this reader is served; the others find it in `shared`
            self.shared[key] = result
        return result

    def _filter_below_aggregate(self, node: Plan) -> bool:
        """An Aggregate reading (alone) a Filter, with aggregates that can take its mask."""
        return (isinstance(node, Aggregate) and isinstance(node.input, Filter)
                and self._uses[id(node.input)] == 1 and aggregation.takes_mask(node))

    def _aggregate_filtered(self, node: Aggregate, filtered: Filter, batch: Batch,
                            start: float) -> Batch:
        """Aggregate(Filter(batch)). When the filter keeps most rows (say 98%), the aggregate
        reads its mask instead, which saves copying every column; should that raise (an
        overflow in a row the filter drops), it runs on the filtered rows after all."""
        mask = relational.filter_mask(filtered, batch)
        use_mask = mask.dim() == 1 and mask.stride(0) != 0 and batch.num_rows > 0
        kept = int(mask.sum()) if use_mask else 0
        use_mask = use_mask and kept >= MASK_AGGREGATE_FRACTION * batch.num_rows
        rows = batch
        if not use_mask:
            rows = relational.filter_(filtered, batch, mask)
            kept = rows.num_rows
        if self.profile is not None:
            own = time.perf_counter() - start
            below = self.profile.get(id(filtered.input), (0, 0.0, 0.0))[2]
            self.profile[id(filtered)] = (kept, own, own + below)
        if use_mask:
            try:
                return aggregation.aggregate(node, batch, self.device, keep=mask)
            except Error:
                rows = relational.filter_(filtered, batch, mask)
        return aggregation.aggregate(node, rows, self.device)

    def _reuse(self, key: int) -> Batch:
        """A shared result for one more reader, forgotten once the last one has it (memory)."""
        self._uses[key] -= 1
        return self.shared[key] if self._uses[key] else self.shared.pop(key)


_OPERATORS = {
    Scan: lambda n, i, x: relational.scan(n, x.catalog),
    OneRow: lambda n, i, x: relational.one_row(n, x.catalog),
    Filter: lambda n, i, x: relational.filter_(n, i[0]),
    Project: lambda n, i, x: relational.project(n, i[0]),
    Limit: lambda n, i, x: relational.limit(n, i[0]),
    Distinct: lambda n, i, x: relational.distinct(n, i[0]),
    ScalarApply: lambda n, i, x: relational.scalar_apply(n, i[0], i[1]),
    RowNumber: lambda n, i, x: relational.row_number(n, i[0]),
    Join: lambda n, i, x: joins.join(n, i[0], i[1], x.device),
    MarkJoin: lambda n, i, x: joins.mark_join(n, i[0], i[1], x.device),
    Aggregate: lambda n, i, x: aggregation.aggregate(n, i[0], x.device),
    Sort: lambda n, i, x: ordering.sort(n, i[0]),
    SetOp: lambda n, i, x: setops.set_operation(n, i[0], i[1]),
}
