"""WITH RECURSIVE: the anchor's rows, then the recursive step run over the rows the last
iteration added, until an iteration adds none.

Each iteration is whole-batch work: the step's plan runs once over the work table (one batch),
and with UNION (not ALL) one set difference against every row produced so far drops rows seen
before. An iteration cap stops a recursion that would never end with a clear error, and the rows
held are reserved in the memory pool, so a recursion that grows without end stops at the
memory limit rather than exhausting the machine.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Iterator

import torch

from tqp.errors import OperationalError
from tqp.execution.context import ExecutionContext
from tqp.execution.local import note, track_state
from tqp.execution.memory import Reservation
from tqp.operators.batches import concat_batches
from tqp.operators.relational import distinct
from tqp.operators import lists
from tqp.operators.group import group_ids
from tqp.operators.setops import concat
from tqp.physical.joins import SpilledBuild
from tqp.physical.operator import PhysicalOperator, read_all
from tqp.storage.column import Batch

# Iterations after which a recursion is stopped (DuckDB has no limit and runs on forever).
MAX_RECURSION_ITERATIONS = 10_000


def _work_key(name: str) -> tuple:
    return ("work table", name)


@dataclass(frozen=True, eq=False)
class WorkTableScan(PhysicalOperator):
    """The rows the running recursion's last iteration added (set by RecursiveUnion)."""

    name: str
    fields: tuple[str, ...]

    def execute(self, partition: int, ctx: ExecutionContext) -> Iterator[Batch]:
        yield ctx.state[_work_key(self.name)]

    def describe(self) -> str:
        return f"WorkTableScan {self.name}"


@dataclass(frozen=True, eq=False)
class RecursiveUnion(PhysicalOperator):
    """`anchor` UNION [ALL] `step` iterated to a fixpoint over `work`."""

    anchor: PhysicalOperator
    step: PhysicalOperator
    work: WorkTableScan
    distinct: bool
    fields: tuple[str, ...]

    @property
    def children(self):
        return (self.anchor, self.step)

    def execute(self, partition: int, ctx: ExecutionContext) -> Iterator[Batch]:
        added = read_all(self.anchor, ctx)
        if self.distinct:
            added = distinct(added)
        produced, seen = [added], added
        reservation = ctx.memory.reserve("rows", added.nbytes, self)
        try:
            for iteration in itertools.count(1):
                if added.num_rows == 0:
                    note(self, ctx, f"ran: {iteration - 1} recursive iterations")
                    break
                if iteration > MAX_RECURSION_ITERATIONS:
                    raise OperationalError(
                        f"WITH RECURSIVE did not finish within {MAX_RECURSION_ITERATIONS} "
                        "iterations (each iteration still added rows)")
                ctx.state[_work_key(self.work.name)] = _named(added, self.work.fields)
                _forget_runs(self.step, ctx)
                added = read_all(self.step, ctx)
                if self.distinct:
                    added, seen = _unseen(added, seen)
                reservation.grow(added.nbytes)
                produced.append(added)
            track_state(self, ctx, reservation.size)
            yield _named(concat_batches(produced), self.fields)
        finally:
            ctx.state.pop(_work_key(self.work.name), None)
            reservation.release()

    def describe(self) -> str:
        return f"RecursiveUnion{'' if self.distinct else ' ALL'} over {self.work.name}"


def _forget_runs(step: PhysicalOperator, ctx: ExecutionContext) -> None:
    """Drop what the step's operators kept from their last run (a join's build side, a scalar
    subquery's value, a shared result), keyed by operator in the context: the work table
    they read has changed."""
    ids, stack = set(), [step]
    while stack:  # a loop over the step's operators
        op = stack.pop()
        if id(op) not in ids:
            ids.add(id(op))
            stack.extend(op.children)
    for key in [k for k in ctx.state if isinstance(k, tuple) and len(k) > 1 and k[1] in ids]:
        kept = ctx.state.pop(key)
        for part in kept if isinstance(kept, list) else [kept]:
            if isinstance(part, Reservation):
                part.release()
            elif isinstance(part, SpilledBuild):
                part.spill.close()


def _unseen(added: Batch, seen: Batch) -> tuple[Batch, Batch]:
    """The rows of `added`, once each, that `seen` lacks (UNION's rule), and `seen` with them:
    one numbering of the distinct rows of both, then each new number's first row."""
    both = concat(seen, added, seen.names)
    if not both.columns:
        return added.empty_like(0), seen
    lists.reject_list_keys(both.columns.values(), "WITH RECURSIVE ... UNION")
    _, _, first = group_ids([(c.values, c.valid) for c in both.columns.values()])
    new = torch.sort(first[first >= seen.num_rows]).values
    return both.take(new), both.take(torch.cat([torch.arange(seen.num_rows, device=new.device),
                                                new]))


def _named(batch: Batch, names: tuple[str, ...]) -> Batch:
    """`batch`'s columns, by position, under `names`."""
    return batch.empty_like(batch.num_rows, dict(zip(names, batch.columns.values())))
