"""One stage partition as a Ray task: the code that runs on a worker (workers.py).

A task gets its stage's plan (TaskSpec, put once per stage and shared by its tasks; the
models it calls are loaded once per worker, models.py), its partition number and, as Ray
task arguments, the output of every partition of each stage it reads (so Ray schedules it
when they are ready, and fetches them to its node). It runs the partition with the local
executor and returns the batch and its figures as two objects, so the driver can read the
figures without fetching the rows. Below a hash exchange, the batch
is first split by the hash of the exchange's keys, one object per part.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field

import pyarrow as pa
import torch

from tqp.distributed.cancel import FlagWatch
from tqp.distributed.models import unpack
from tqp.distributed.scan import WorkerTables
from tqp.distributed.stages import TASK_PARTITION, input_key, operators
from tqp.execution import local
from tqp.execution.context import ExecutionContext
from tqp.execution.memory import MemoryPool
from tqp.execution.profile import OperatorStats
from tqp.ml import predict as _predict  # noqa: F401 - registers the PREDICT evaluator
from tqp.operators.batches import concat_batches
from tqp.operators.relational import slice_rows
from tqp.physical.exchange import Exchange
from tqp.storage.column import Batch

HOST = torch.device("cpu")  # where task outputs travel from: any node can read them


@dataclass
class TaskSpec:
    """What every task of one stage needs besides its inputs."""

    # the stage's plan and the hash Exchange (over it) that splits its output, or None; its
    # models as references (models.py)
    plan: bytes
    models: dict  # the models' refs by their ids
    inputs: tuple[int, ...]  # partitions of each stage read, by StageInput slot
    batch_rows: int
    memory_limit: int
    profile: bool
    tables: dict  # table name -> ref of its source (scan.py)
    cancel_flag: str  # raised when the query stops early (cancel.py)


@dataclass
class TaskFigures:
    """What one task did: its output's rows and bytes, its seconds, and the profile of its
    operators by their preorder position in the stage plan (stages.operators)."""

    rows: int
    nbytes: int
    seconds: float
    profile: dict[int, OperatorStats] = field(default_factory=dict)


def run_task(spec: TaskSpec, partition: int, tables: WorkerTables, inputs) -> tuple:
    """Partition `partition` of the stage on the worker's device, reading its tables through
    `tables` and its inputs (each read stage's partitions in order; spec.inputs says how many
    belong to each): its batch (or the batch's hash parts), on the host, and its figures."""
    start = time.perf_counter()
    root, split = unpack(spec.plan, spec.models)
    catalog = tables.catalog_for(spec.tables)
    device = catalog.device
    ctx = ExecutionContext(device, catalog, MemoryPool(spec.memory_limit, catalog.cache),
                           spec.batch_rows, {} if spec.profile else None)
    ctx.state[TASK_PARTITION] = partition
    given = iter(inputs)
    for slot, count in enumerate(spec.inputs):
        ctx.state[input_key(slot)] = [_with_tensors(next(given), device, lambda t: t.to(device))
                                      for _ in range(count)]
    with FlagWatch(spec.cancel_flag, ctx.cancel):
        ctx.check_cancelled()
        batch = concat_batches(local.run_partitions(root, [partition], ctx))
    # hashing a string key hashes its whole dictionary: cut to the strings used first
    parts = [batch] if split is None else _hash_parts(_used_strings(batch), split)
    parts = [_with_tensors(_used_strings(p), HOST, _shippable) for p in parts]
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


def _used_strings(batch: Batch) -> Batch:
    """`batch` with each string dictionary longer than the batch cut to the strings its rows
    use: a hash part (or a filtered scan) would otherwise ship, and its reader unify, the
    whole dictionary of the batch it was cut from."""
    columns = dict(batch.columns)
    for name, column in batch.columns.items():
        if column.dictionary is None or len(column.dictionary) <= batch.num_rows:
            continue
        used, codes = torch.unique(column.values, sorted=True, return_inverse=True)
        dictionary = column.dictionary.take(pa.array(used.cpu().numpy()))
        columns[name] = dataclasses.replace(column, values=codes.to(column.values.dtype),
                                            dictionary=dictionary)
    return Batch(columns, batch.num_rows, batch.device)


def _with_tensors(batch: Batch, device: torch.device, change) -> Batch:
    """`batch` on `device`, `change` applied to each column's values and validity tensors."""
    columns = {}
    for name, column in batch.columns.items():
        values, valid = change(column.values), column.valid
        valid = None if valid is None else change(valid)
        if values is not column.values or valid is not column.valid:
            column = dataclasses.replace(column, values=values, valid=valid)
        columns[name] = column
    return Batch(columns, batch.num_rows, device)


def _shippable(tensor: torch.Tensor) -> torch.Tensor:
    """`tensor` on the host, owning its storage: pickling a view ships its whole storage."""
    tensor = tensor.cpu()
    needed = tensor.numel() * tensor.element_size()
    if tensor.untyped_storage().nbytes() > needed or not tensor.is_contiguous():
        return tensor.clone(memory_format=torch.contiguous_format)
    return tensor
