"""One stage partition as a Ray task: the code that runs on a worker.

A task gets its stage's plan (TaskSpec, put once per stage and shared by its tasks; the
models it calls are loaded once per worker, models.py), its partition number and, as Ray
task arguments, the output of every partition of each stage it reads (so Ray schedules it
when they are ready, and fetches them to its node). It runs the partition with the local
executor and returns the batch and its figures as two objects, so the driver can read the
figures without fetching the rows. Below a hash exchange, the batch
is first split by the hash of the exchange's keys, one object per part.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import torch

from tqp.distributed.cancel import FlagWatch
from tqp.distributed.models import unpack
from tqp.distributed.scan import worker_catalog
from tqp.distributed.stages import TASK_PARTITION, input_key, operators
from tqp.execution import local
from tqp.execution.context import ExecutionContext
from tqp.execution.memory import MemoryPool
from tqp.execution.profile import OperatorStats
from tqp.ml import predict as _predict  # noqa: F401 - registers the PREDICT evaluator
from tqp.operators.batches import concat_batches
from tqp.operators.relational import slice_rows
from tqp.physical.exchange import Exchange
from tqp.storage.column import Batch, Column


@dataclass
class TaskSpec:
    """What every task of one stage needs besides its inputs."""

    plan: bytes  # the stage's plan, its models as references (models.py)
    models: dict  # the models' refs by their ids
    inputs: tuple[int, ...]  # partitions of each stage read, by StageInput slot
    device: str
    batch_rows: int
    memory_limit: int
    profile: bool
    tables: dict  # table name -> ref of its source (scan.py)
    cancel_flag: str  # raised when the query stops early (cancel.py)
    split: Exchange | None = None  # split the output by this hash Exchange's keys


@dataclass
class TaskFigures:
    """What one task did: its output's rows and bytes, its seconds, and the profile of its
    operators by their preorder position in the stage plan (stages.operators)."""

    rows: int
    nbytes: int
    seconds: float
    profile: dict[int, OperatorStats] = field(default_factory=dict)


def run_task(spec: TaskSpec, partition: int, *inputs: Batch) -> tuple:
    """Partition `partition` of the stage, its inputs being each read stage's partitions in
    order (spec.inputs says how many belong to each): its batch (or the batch's hash parts)
    and then its figures."""
    start = time.perf_counter()
    root = unpack(spec.plan, spec.models)
    device = torch.device(spec.device)
    catalog = worker_catalog(device, spec.tables)
    ctx = ExecutionContext(device, catalog, MemoryPool(spec.memory_limit, catalog.cache),
                           spec.batch_rows, {} if spec.profile else None)
    ctx.state[TASK_PARTITION] = partition
    given = iter(inputs)
    for slot, count in enumerate(spec.inputs):
        ctx.state[input_key(slot)] = [next(given) for _ in range(count)]
    with FlagWatch(spec.cancel_flag, ctx.cancel):
        ctx.check_cancelled()
        batch = concat_batches(local.run_partitions(root, [partition], ctx))
    parts = [batch] if spec.split is None else _hash_parts(batch, spec.split)
    parts = [_own_storage(p) for p in parts]
    figures = TaskFigures(batch.num_rows, batch.nbytes, time.perf_counter() - start)
    if ctx.profile is not None:
        for position, op in enumerate(operators(root)):
            if id(op) in ctx.profile:
                figures.profile[position] = ctx.profile[id(op)]
    return (*parts, figures)


def _hash_parts(batch: Batch, exchange: Exchange) -> list[Batch]:
    """The rows of `batch` in `exchange.buckets` parts by the hash of its keys (one sort by
    part number, then slices)."""
    bucket = exchange.bucket_of(batch)
    order = torch.argsort(bucket, stable=True)
    counts = torch.bincount(bucket, minlength=exchange.buckets).tolist()
    ordered = batch.take(order)
    parts, start = [], 0
    for count in counts:
        parts.append(slice_rows(ordered, start, start + count) if count else
                     slice_rows(ordered, 0, 0))
        start += count
    return parts


def _own_storage(batch: Batch) -> Batch:
    """`batch` with every tensor that is a view into a larger one copied: pickling a view
    ships its whole storage."""
    columns = {}
    for name, column in batch.columns.items():
        values, valid = _compact(column.values), column.valid
        valid = None if valid is None else _compact(valid)
        if values is not column.values or valid is not column.valid:
            column = Column(values, column.type, valid, column.dictionary, column.decimal)
        columns[name] = column
    return Batch(columns, batch.num_rows, batch.device)


def _compact(tensor: torch.Tensor) -> torch.Tensor:
    needed = tensor.numel() * tensor.element_size()
    if tensor.untyped_storage().nbytes() > needed or not tensor.is_contiguous():
        return tensor.clone(memory_format=torch.contiguous_format)
    return tensor
