"""Bounds an inner join hands down to the scan of its probe side once its build side is read.

A probe row whose key lies outside the build keys' [min, max] cannot match, so the scan that
produces the probe key may skip the row groups whose statistics lie wholly outside that range
(a table stored in key order then reads only the row groups the build side can reach). The
bounds go through the query's ExecutionContext, found by the scan when it starts, which is
after the join has read its build side. Pruning stays conservative: the join still matches
every row the scan yields.

The scan is found by following the probe key down through operators that pass rows through
unchanged in their keys (projections that rename the column, filters, the probe side of inner
joins), each read by this join alone.
"""

from __future__ import annotations

from sqlglot import exp

from tqp.execution.context import ExecutionContext
from tqp.physical.operator import PhysicalOperator
from tqp.physical.scan import TableScan, pushed_key
from tqp.physical.streaming import Filter, Project
from tqp.storage.column import Batch
from tqp.storage.pruning import Bound

def push_join_bounds(join, build: Batch, ctx: ExecutionContext) -> None:
    """Hand the [min, max] of each integer build key of inner join `join` to the scan that
    produces the matching probe key (once per query)."""
    if join.kind != "inner" or ("pushed", id(join)) in ctx.state:
        return
    ctx.state[("pushed", id(join))] = True
    for probe_key, build_key in zip(join.left_keys, join.right_keys):
        if not isinstance(probe_key, exp.Column) or not isinstance(build_key, exp.Column):
            continue
        found = _scan_of(join.probe, probe_key.name, ctx)
        column = build.columns.get(build_key.name) if build.num_rows else None
        if found is None or column is None or not column.type.is_integer \
                or column.dictionary is not None:
            continue
        values = column.values if column.valid is None else column.values[column.valid]
        if not values.numel():
            continue
        scan, field = found
        low, high = int(values.min()), int(values.max())
        ctx.state.setdefault(pushed_key(scan), []).extend(
            [Bound(field, ">=", (low,)), Bound(field, "<=", (high,))])


def _scan_of(op: PhysicalOperator, name: str, ctx: ExecutionContext) -> tuple[TableScan, str] | None:
    """The scan (and its field) whose column reaches `op`'s output as `name` unchanged, with
    every operator on the way read by one parent only."""
    from tqp.physical.joins import _Join

    uses = ctx.state.get("uses", {})
    while uses.get(id(op)) == 1:
        if isinstance(op, TableScan):
            prefix = op.binding + "."
            field = name[len(prefix):] if name.startswith(prefix) else None
            return (op, field) if field in op.fields else None
        if isinstance(op, Project):
            source = dict(op.exprs).get(name)
            if not isinstance(source, exp.Column):
                return None
            name, op = source.name, op.input
        elif isinstance(op, Filter):
            op = op.input
        elif isinstance(op, _Join) and op.kind == "inner":
            op = op.probe
        else:
            return None
    return None
