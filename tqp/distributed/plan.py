"""The physical plan as the Ray executor runs it.

In one process an aggregate merges its input batch by batch, and a single-partition subplan
beside a partitioned one is simply read where it is needed. Across tasks, both would move or
repeat work, so before the plan is cut into stages:
- a mergeable aggregate over a gathered input becomes partial aggregates per partition and
  a merge of the partial states: only the groups cross the exchange, not the rows;
- a grouped aggregate over a partitioned input (the merge of partial states, or the whole
  rows of one that does not merge, such as COUNT(DISTINCT x)) is split by a hash of its keys:
  task p aggregates the groups whose keys hash to p, and their outputs are gathered (equal
  keys hash alike in every task, whatever the batches' string dictionaries); an aggregate
  without keys still merges in one task;
- the build side of a join and an uncorrelated scalar subquery get a broadcast Exchange of
  their own when the other input is partitioned, so they run once, not once per task;
- a join whose two sides are both partitioned (a large build side, which every probe task
  would otherwise read whole) gets a hash Exchange on its probe side and a hash-broadcast on
  its build side instead: task p joins the rows of both sides whose keys hash to p. Only where the keys hash alike on both sides:
  columns read from tables, both integers, both strings or both dates.
"""

from __future__ import annotations

import dataclasses
from functools import partial

import pyarrow as pa
from sqlglot import exp

from tqp.distributed.stages import operators
from tqp.physical.aggregate import DirectAggregate, SortAggregate, split_partial
from tqp.physical.exchange import Exchange
from tqp.physical.operator import PhysicalOperator
from tqp.physical.recursion import RecursiveUnion
from tqp.physical.scan import TableScan
from tqp.physical.streaming import ScalarBroadcast
from tqp.physical.tree import transform


def distribute(root: PhysicalOperator, catalog) -> PhysicalOperator:
    """`root` with partial aggregation, broadcasts and hash exchanges made explicit (see the
    module doc); `catalog` gives the key columns' types. A WITH RECURSIVE stays as it is: it
    runs whole in one task (stages.cut), where its step can read the work table."""
    return transform(root, partial(_rewrite, catalog=catalog, kept=_recursive(root)))


def _recursive(root: PhysicalOperator) -> set[int]:
    """Ids of the RecursiveUnions of the plan and of every operator below them."""
    return {id(below) for op in operators(root) if isinstance(op, RecursiveUnion)
            for below in operators(op)}


def _rewrite(op: PhysicalOperator, catalog, kept: set[int]) -> PhysicalOperator:
    if id(op) in kept:
        return op
    split = split_partial(op)
    if split is not None:
        return _hash_aggregate(split)
    if isinstance(op, (DirectAggregate, SortAggregate)):
        return _hash_aggregate(op)
    if isinstance(op, ScalarBroadcast):
        return _broadcast(op, "input", "subquery")
    if hasattr(op, "probe") and hasattr(op, "build"):  # the joins and mark joins
        return _hash_join(op, catalog) or _broadcast(op, "probe", "build")
    return op


def _hash_aggregate(op) -> PhysicalOperator:
    """Grouped aggregate `op` over a gathered, partitioned input as one aggregate per hash
    partition of its keys, gathered; `op` itself when it has no keys or one input partition."""
    gathered = op.input
    if not (op.keys and isinstance(gathered, Exchange) and gathered.kind == "gather" and
            gathered.input.partitions > 1):
        return op
    buckets = gathered.input.partitions
    keys = tuple(expression for _, expression in op.keys)
    hashed = dataclasses.replace(op, input=Exchange(gathered.input, "hash", keys, buckets))
    return Exchange(hashed, "gather")


def _hash_join(op: PhysicalOperator, catalog) -> PhysicalOperator | None:
    """Join `op` with both sides hash-partitioned by their keys, when both are partitioned and
    a split by key is exact for it (inner, left and non-null-aware mark joins)."""
    build, probe = op.build, op.probe
    if not (isinstance(build, Exchange) and build.kind == "broadcast"):
        return None
    # A probe side gathered only to build on a few probe rows in one process: across tasks the
    # split by key serves better (each task builds on its share), gathered after the join.
    gathered = getattr(op, "probe_limit", 0) and isinstance(probe, Exchange) \
        and probe.kind == "gather"
    if gathered:
        probe = probe.input
    if probe.partitions == 1 or build.input.partitions == 1 or not op.left_keys:
        return None
    if getattr(op, "kind", "inner") not in ("inner", "left") or getattr(op, "null_aware", False):
        return None
    for left, right in zip(op.left_keys, op.right_keys):
        kind = _key_kind(left, probe, catalog)
        if kind is None or kind != _key_kind(right, build.input, catalog):
            return None
    buckets = max(probe.partitions, build.input.partitions)
    split = dataclasses.replace(
        op, probe=Exchange(probe, "hash", tuple(op.left_keys), buckets),
        build=Exchange(build.input, "hash-broadcast", tuple(op.right_keys), buckets))
    return Exchange(split, "gather") if gathered else split


def _key_kind(key: exp.Expression, plan: PhysicalOperator, catalog) -> str | None:
    """'integer', 'string' or 'date' for a key column read from a table under `plan` (values
    of one kind hash alike whatever their width or dictionary); None otherwise."""
    if not isinstance(key, exp.Column):
        return None
    binding, _, field = key.name.rpartition(".")
    scan = next((op for op in operators(plan)
                 if isinstance(op, TableScan) and op.binding == binding), None)
    if scan is None or field not in scan.fields:
        return None
    type_ = catalog.schema(scan.table).field(field).type  # the footer's, not the rows
    for kind, test in (("integer", pa.types.is_integer), ("date", pa.types.is_date32),
                       ("string", pa.types.is_string), ("string", pa.types.is_large_string),
                       ("string", pa.types.is_string_view)):
        if test(type_):
            return kind
    return None



def _broadcast(op: PhysicalOperator, streamed: str, whole: str) -> PhysicalOperator:
    """`op` with its `whole` input behind a broadcast Exchange, when `streamed` is
    partitioned and `whole` is not already an Exchange."""
    side = getattr(op, whole)
    if getattr(op, streamed).partitions == 1 or isinstance(side, Exchange):
        return op
    return dataclasses.replace(op, **{whole: Exchange(side, "broadcast")})
