"""The Ray actors that run stage partitions, each holding a device and the columns it read.

A plain Ray task starts with nothing: every query would decode its Parquet row groups again.
A `StageWorker` actor lives across queries: it keeps its device and a catalog whose tensor
cache holds the decoded segments its scans read (scan.WorkerTables), within `CACHE_BYTES`
between tasks. Partition p of every stage runs on actor p mod n, so segment p of a table is
read by the same actor in each query, and found in its cache the second time.

Placement (`placement`): on a cluster with GPUs, one actor per GPU (`num_gpus=1`: Ray gives
each its own device, seen there as cuda:0), running its partitions with the same kernels on
cuda; otherwise one per CPU, on the CPU. Task outputs travel through the object store on
the host (tasks.py). An actor whose process dies is restarted by Ray (`max_restarts=-1`,
its cache empty again); the executor runs the query again once it is back.

The actors are named (`tqp-worker-<i>`) in the driver's Ray job, so every connection of a
process shares them: together they hold the cluster's CPU (or GPU) slots, and a second
connection's actors would never be scheduled.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import ray
import torch

from tqp.distributed.scan import WorkerTables
from tqp.distributed.tasks import TaskSpec, run_task

# Bytes of decoded columns an actor keeps cached between tasks (its least recently used
# segments leave first). During a task the cache also yields to the query's memory limit.
CACHE_BYTES = 2 << 30
# How often `wait_ready` asks a restarting actor again, in seconds.
READY_POLL_S = 0.2


@dataclass(frozen=True)
class Placement:
    """How many actors to start, the resources each asks Ray for, and their device."""

    count: int
    resources: dict
    device: str


def placement(resources: dict) -> Placement:
    """The actors for a cluster with `resources` (ray.cluster_resources()): one per GPU on
    cuda when it has GPUs, else one per CPU."""
    gpus = int(resources.get("GPU", 0))
    if gpus >= 1:
        return Placement(gpus, {"num_gpus": 1}, "cuda")
    return Placement(max(1, int(resources.get("CPU", 1))), {"num_cpus": 1}, "cpu")


class StageWorker:
    """A worker slot: runs stage partitions on its device, with its catalog and the cache of
    the columns it read kept between them."""

    def __init__(self, device: str, cache_bytes: int):
        self.tables = WorkerTables(torch.device(device), cache_bytes)

    def run(self, spec: TaskSpec, partition: int, *inputs) -> tuple:
        try:
            return run_task(spec, partition, self.tables, inputs)
        finally:
            self.tables.trim()

    def cached_bytes(self) -> int:
        """Bytes of columns cached now."""
        return self.tables.catalog.cache.bytes


class Workers:
    """The actors of this process's Ray job (started once, found by name afterwards)."""

    def __init__(self, cache_bytes: int = CACHE_BYTES):
        self.placement = placement(ray.cluster_resources())
        actor = ray.remote(StageWorker)
        self.actors = [actor.options(name=f"tqp-worker-{i}", get_if_exists=True,
                                     max_restarts=-1, **self.placement.resources)
                       .remote(self.placement.device, cache_bytes)
                       for i in range(self.placement.count)]

    def submit(self, name: str, partition: int, outputs: int, spec, inputs) -> list:
        """The refs of partition `partition`'s `outputs` outputs and its figures, run on its
        actor as a task called `name`."""
        actor = self.actors[partition % len(self.actors)]
        return actor.run.options(name=name, num_returns=outputs + 1).remote(spec, partition,
                                                                           *inputs)

    def wait_ready(self, timeout: float) -> None:
        """Return once every actor answers (a restarted one has started again), or after
        `timeout` seconds."""
        deadline = time.monotonic() + timeout
        waiting = list(self.actors)
        while waiting and time.monotonic() < deadline:
            try:
                ray.get(waiting[0].cached_bytes.remote(), timeout=max(deadline - time.monotonic(), 0))
                waiting.pop(0)
            except (ray.exceptions.RayActorError, ray.exceptions.GetTimeoutError):
                time.sleep(READY_POLL_S)
