"""The Ray executor: the stages of a physical plan as Ray tasks on tqp's worker actors.

Every stage's tasks are submitted at once, each to the actor of its partition (workers.py)
with the output refs of the stages it reads as arguments: Ray runs a task when its inputs
exist and moves batches through its object store. The driver then waits stage by stage, so
a failure is reported against the first stage that failed, and the cancellation flag is
checked while it waits; the last stage's partitions are gathered to the driver. A query that
stops early raises its flag in Ray's key-value store, and its tasks stop themselves
(cancel.py says why not `ray.cancel`). A worker whose process died is restarted by Ray;
the query then runs again (`max_retries` times at most): Ray's own retries of actor tasks
count each attempt made while the actor restarts (seconds, importing torch), so they ran out
before it was back.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
import time
from dataclasses import dataclass, field

import ray

from tqp.distributed.cancel import drop_flag, new_flag, raise_flag
from tqp.distributed.models import ShippedModels, pack
from tqp.distributed.plan import distribute
from tqp.distributed.scan import ShippedTables, ship_sources
from tqp.distributed.stages import Stage, cut, operators
from tqp.distributed.tasks import TaskFigures, TaskSpec
from tqp.distributed.workers import Workers
from tqp.errors import Error, OperationalError
from tqp.execution.context import Cancelled, ExecutionContext
from tqp.execution.memory import format_size
from tqp.execution.profile import OperatorStats
from tqp.operators.batches import concat_batches
from tqp.physical.explain import explain
from tqp.storage.column import Batch

# Rows per scan partition (one task each): 2^20 cuts a table of 6M rows into 6 tasks, enough
# to keep a few workers busy while each task's fixed cost (tens of ms) stays small.
PARTITION_ROWS = 1 << 20
# Runs after the first of a query that lost a worker (the answer is the same).
MAX_RETRIES = 3
# How long a lost worker may take to come back (Ray restarts its actor; torch imports again).
RESTART_S = 120.0
# How often the driver looks at the cancellation flag while tasks run, in seconds.
POLL_S = 0.05
# Where a profile keeps the stages of an EXPLAIN ANALYZE run (beside per-operator entries).
STAGES = "ray stages"


class WorkerLost(OperationalError):
    """A stage failed because a worker's process died: the query may run again."""


@dataclass
class StageFigures:
    """What one stage did: its tasks' figures and when its last task finished."""

    tasks: list[TaskFigures]
    finished_s: float
    profile: dict[int, OperatorStats] = field(default_factory=dict)


class RayExecutor:
    """Runs physical plans on the Ray cluster this process is connected to."""

    def __init__(self, address: str | None):
        if not ray.is_initialized():
            try:
                # cluster="ray": RAY_ADDRESS when set, else a fresh local instance (never
                # one that another process on this machine happens to run)
                if address is None and "RAY_ADDRESS" not in os.environ:
                    address = "local"
                ray.init(address=address, log_to_driver=False)
            except (ConnectionError, RuntimeError, ValueError) as e:
                raise OperationalError(f"cannot connect to Ray at {address or 'a local instance'}"
                                       f": {e}") from None
        self.workers = Workers()
        self._shipped = ShippedTables()
        self._models = ShippedModels()
        self._raised: list[tuple[str, list]] = []  # flags of stopped queries, their tasks
        self.max_retries = MAX_RETRIES

    @staticmethod
    def partition_rows(batch_rows: int) -> int:
        """Rows per scan partition: a task's share of a table."""
        return min(batch_rows, PARTITION_ROWS)

    def run(self, root, ctx: ExecutionContext) -> Batch:
        """All rows of `root`, computed by Ray tasks (see the module doc). A query that lost
        a worker runs again once the actors are back, up to `max_retries` more times."""
        self.wait_stopped()  # drops the flags no task reads any more
        stages = cut(distribute(root, ctx.catalog))
        try:
            for attempt in itertools.count():
                try:
                    return self._run(stages, ctx)
                except WorkerLost:
                    if attempt >= self.max_retries:
                        raise
                    self.workers.wait_ready(RESTART_S)
        finally:
            ctx.close()

    def _run(self, stages: list[Stage], ctx: ExecutionContext) -> Batch:
        start = time.perf_counter()
        flag = new_flag()
        submitted: dict[int, list] = {}
        try:
            for stage in stages:
                submitted[stage.number] = self._submit(stage, submitted, ctx, flag)
            figures = {}
            for stage in stages:
                figures[stage.number] = self._wait(stage, submitted[stage.number], ctx, start)
            final = submitted[stages[-1].number]
            result = concat_batches(ray.get([parts[0] for parts, _ in final]))
        except BaseException:
            raise_flag(flag)
            self._raised.append((flag, [f for refs in submitted.values() for _, f in refs]))
            raise
        if ctx.profile is not None:
            ctx.profile[STAGES] = [(stage, figures[stage.number]) for stage in stages]
        return result

    def explain(self, root, catalog, profile: dict | None = None) -> str:
        """The stages of `root` as EXPLAIN prints them; after a run (EXPLAIN ANALYZE), with
        each stage's tasks, output, time and its operators' figures summed over its tasks."""
        if profile is not None and STAGES in profile:
            return "\n".join(_stage_text(s, f) for s, f in profile[STAGES])
        return "\n".join(_stage_text(s, None) for s in cut(distribute(root, catalog)))

    def wait_stopped(self, timeout: float = 0) -> bool:
        """Whether every task of the queries that stopped early has ended, waiting up to
        `timeout` seconds for them; their flags are dropped once they have."""
        for flag, refs in list(self._raised):
            if refs and len(ray.wait(refs, num_returns=len(refs), timeout=timeout)[0]) < len(refs):
                return False
            drop_flag(flag)
            self._raised.remove((flag, refs))
        return True

    def _submit(self, stage: Stage, submitted: dict, ctx: ExecutionContext, flag: str) -> list:
        # the hash Exchange splitting the output is over the stage's own plan (pickled with
        # it once): its original input would ship the plan below, models included, again
        split = None if stage.split is None else dataclasses.replace(stage.split,
                                                                     input=stage.root)
        spec = ray.put(TaskSpec(*pack((stage.root, split), self._models),
                                tuple(s.partitions for s in stage.inputs), ctx.batch_rows,
                                ctx.memory.limit, ctx.profile is not None,
                                ship_sources(stage.root, ctx.catalog, self._shipped), flag))
        outputs = 1 if stage.split is None else stage.split.buckets
        tasks = []
        for p in range(stage.partitions):
            # a hash-split input gives this task its part p; others their one output
            inputs = [parts[p if s.split is not None else 0]
                      for s in stage.inputs for parts, _ in submitted[s.number]]
            refs = self.workers.submit(stage.task_name(p), p, outputs, spec, inputs)
            tasks.append((refs[:-1], refs[-1]))
        return tasks

    def _wait(self, stage: Stage, refs: list, ctx: ExecutionContext,
              start: float) -> StageFigures:
        """The figures of `stage`'s tasks once all have finished; a failed task raises its
        tqp error, or one OperationalError naming the stage; cancellation raises Cancelled."""
        pending = [figures for _, figures in refs]
        while pending:
            if ctx.cancel.is_set():
                raise Cancelled("query cancelled")
            _, pending = ray.wait(pending, num_returns=len(pending), timeout=POLL_S)
        try:
            tasks = ray.get([figures for _, figures in refs])
        except ray.exceptions.RayTaskError as e:
            if isinstance(e.cause, Error):
                raise e.cause from None
            raise OperationalError(f"stage {stage.number} ({stage.name}) failed: "
                                   f"{type(e.cause).__name__}: {e.cause}") from None
        except ray.exceptions.RayError as e:
            cause = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            lost = isinstance(e, ray.exceptions.RayActorError)
            raise (WorkerLost if lost else OperationalError)(
                f"stage {stage.number} ({stage.name}) failed: {type(e).__name__}: {cause}"
            ) from None
        figures = StageFigures(tasks, time.perf_counter() - start)
        for task in tasks:
            for position, stats in task.profile.items():
                _add(figures.profile.setdefault(position, OperatorStats()), stats)
        return figures


def _add(total: OperatorStats, stats: OperatorStats) -> None:
    total.rows += stats.rows
    total.batches += stats.batches
    total.seconds += stats.seconds
    total.peak_bytes = max(total.peak_bytes, stats.peak_bytes)
    for text in stats.notes:
        total.note(text)


def _stage_text(stage: Stage, figures: StageFigures | None) -> str:
    head = f"Stage {stage.number}: {stage.partitions} task{'s' * (stage.partitions != 1)}"
    if stage.split is not None:  # its output is shuffled: each task's rows split by key hash
        head += f", hash-split into {stage.split.buckets} parts"
    profile = None
    if figures is not None:
        seconds = [t.seconds for t in figures.tasks]
        head += (f", {sum(t.rows for t in figures.tasks)} rows, "
                 f"{format_size(sum(t.nbytes for t in figures.tasks))} "
                 f"{'out' if stage.split is None else 'shuffled'}, "
                 f"{sum(seconds) * 1000:.1f} ms in tasks (slowest {max(seconds) * 1000:.1f} ms), "
                 f"done at {figures.finished_s * 1000:.1f} ms")
        ops = operators(stage.root)
        profile = {id(ops[p]): s for p, s in figures.profile.items()}
    body = explain(stage.root, profile)
    return head + "\n" + "\n".join("  " + line for line in body.splitlines())
