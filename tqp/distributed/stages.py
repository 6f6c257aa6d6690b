"""Cutting a physical plan into stages at its Exchanges.

A stage is the part of the plan between Exchanges: its partitions run as independent tasks.
Each Exchange becomes a StageInput, which yields every partition's output of the stage below
(delivered with the task); a subplan below two gather or broadcast Exchanges (a CTE read
twice) is one stage. Below a hash or hash-broadcast Exchange, the stage splits its output by
the hash of the exchange's keys, and task p of the stage above receives part p of every
partition.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from tqp.execution.context import ExecutionContext
from tqp.operators.relational import slice_rows
from tqp.physical.exchange import HASHED, Exchange
from tqp.physical.recursion import RecursiveUnion
from tqp.physical.operator import PhysicalOperator
from tqp.physical.tree import with_children
from tqp.storage.column import Batch


@dataclass(frozen=True, eq=False)
class StageInput(PhysicalOperator):
    """Every partition's output of stage `stage`, in partition order, as the Exchange it
    replaces delivered it (gather or broadcast); the task finds them in its context under
    `input_key(slot)`. A hash input has `buckets` partitions, of which a task holds only its
    own (TASK_PARTITION): the others are empty there. A hash-broadcast input is the part of
    the other side of the join whose keys hash to the task's partition."""

    slot: int
    stage: int
    kind: str
    source_partitions: int
    buckets: int = 1

    @property
    def partitions(self) -> int:
        return self.buckets

    def execute(self, partition: int, ctx: ExecutionContext) -> Iterator[Batch]:
        given = ctx.state[input_key(self.slot)]
        if self.kind == "hash" and partition != ctx.state[TASK_PARTITION]:
            yield slice_rows(given[0], 0, 0)
            return
        yield from given

    def describe(self) -> str:
        text = f"StageInput[{self.kind}] from stage {self.stage} "
        if self.kind == "hash":
            return text + f"({self.buckets} hash partitions of {self.source_partitions})"
        if self.kind == "hash-broadcast":
            return text + f"(the task's hash part of {self.source_partitions} partitions)"
        return text + f"({self.source_partitions} partitions)"


TASK_PARTITION = "task partition"  # where a task's context holds the partition it runs


def input_key(slot: int) -> tuple:
    return ("stage input", slot)


@dataclass(eq=False)
class Stage:
    """A part of the plan between Exchanges: `root` (with StageInputs where the Exchanges
    were) and the stages it reads, by StageInput slot."""

    number: int
    root: PhysicalOperator
    inputs: tuple["Stage", ...]
    split: Exchange | None = None  # the hash Exchange whose keys split this stage's output

    @property
    def partitions(self) -> int:
        return self.root.partitions

    @property
    def name(self) -> str:
        """The stage's readable name: its number and its top operator."""
        return f"tqp:stage{self.number}:{type(self.root).__name__}"

    def task_name(self, partition: int) -> str:
        """The readable name of one task (the Ray dashboard, the worker's process title)."""
        return f"{self.name}[{partition}]"


def cut(root: PhysicalOperator) -> list[Stage]:
    """The stages of `root`'s plan, each after the stages it reads; the last yields the
    result."""
    stages: list[Stage] = []
    made: dict[int, Stage] = {}  # by id of the Exchange's input (of a hash Exchange itself)

    def make(top: PhysicalOperator, split: Exchange | None = None) -> Stage:
        inputs: list[Stage] = []
        done: dict[int, PhysicalOperator] = {}

        def visit(op: PhysicalOperator) -> PhysicalOperator:
            if id(op) in done:
                return done[id(op)]
            if isinstance(op, RecursiveUnion):
                new = op  # iterated whole inside one task: its step reads the work table there
            elif isinstance(op, Exchange):
                hashed = op.kind in HASHED
                key = id(op) if hashed else id(op.input)
                if key not in made:
                    made[key] = make(op.input, op if hashed else None)
                below = made[key]
                if not any(s is below for s in inputs):
                    inputs.append(below)
                slot = next(i for i, s in enumerate(inputs) if s is below)
                new = StageInput(slot, below.number, op.kind, below.partitions, op.partitions)
            else:
                new = with_children(op, visit)
            done[id(op)] = new
            return new

        stage_root = visit(top)
        stage = Stage(len(stages) + 1, stage_root, tuple(inputs), split)
        stages.append(stage)
        return stage

    make(root)
    return stages


def operators(root: PhysicalOperator) -> list[PhysicalOperator]:
    """The operators of a plan in a fixed preorder, each once: how a task's profile (kept by
    object identity in its own copy of the plan) is matched with the driver's copy."""
    found: list[PhysicalOperator] = []
    seen: set[int] = set()

    def visit(op: PhysicalOperator) -> None:
        if id(op) not in seen:
            seen.add(id(op))
            found.append(op)
            for child in op.children:
                visit(child)

    visit(root)
    return found
