"""Slices of one input run on torch's threads at once, for kernels that use a single thread on a
CPU: Arrow's string functions, `scatter_add_` (a SUM or COUNT per group) and `index_select` (a
row gather), which torch runs on one thread whatever `set_num_threads` says, and numpy's
`flatnonzero`, fancy assignment and comparisons (storage/masks.py, narrow.py). All release the
GIL, so Python threads run them side by side; each slice's result is then combined by the
caller (or written into its own part of one output). `run_tasks` does the same for separate
pieces of work (the columns of a Parquet read).
"""

from __future__ import annotations

import threading
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from typing import Callable, TypeVar

import torch

T = TypeVar("T")
_pool: ThreadPoolExecutor | None = None


def slices(rows: int, min_rows: int) -> list[tuple[int, int]]:
    """(start, length) of the slices `rows` rows are split into: one per thread of torch's,
    or one slice of all the rows when there is one thread or fewer than `min_rows` rows."""
    threads = torch.get_num_threads()
    if threads < 2 or rows < min_rows:
        return [(0, rows)]
    step = -(-rows // threads)
    return [(start, min(step, rows - start)) for start in range(0, rows, step)]


def run_slices(fn: Callable[[int, int], T], parts: list[tuple[int, int]]) -> list[T]:
    """fn(start, length) for each slice of `parts`, in parallel when there are several: the
    first on the calling thread, the others on a pool's."""
    global _pool
    if len(parts) == 1:
        return [fn(*parts[0])]
    if _pool is None or _pool._max_workers < len(parts) - 1:
        _pool = ThreadPoolExecutor(len(parts) - 1, thread_name_prefix="tqp-slices")
    others = [_pool.submit(fn, *part) for part in parts[1:]]
    try:
        first = fn(*parts[0])
    finally:
        wait(others)  # no slice outlives its caller, even when the first one failed
    return [first, *(f.result() for f in others)]


def run_tasks(tasks: list[Callable[[threading.Event], T]]) -> list[T]:
    """task(stop) for each task, on as many pool threads as torch has, results in order. Should
    the caller be interrupted while it waits (Ctrl-C) or a task fail, `stop` is set for the
    others, which look at it between steps and give up, and the error is raised once all have
    returned: no task outlives its caller."""
    stop = threading.Event()
    workers = max(1, min(torch.get_num_threads(), len(tasks)))
    if workers == 1:
        return [task(stop) for task in tasks]
    pool = _task_pool(workers)
    futures = [pool.submit(task, stop) for task in tasks]
    try:
        wait(futures, return_when=FIRST_EXCEPTION)
        for f in futures:
            if f.done() and f.exception() is not None:
                raise f.exception()
        return [f.result() for f in futures]
    except BaseException:
        stop.set()
        wait(futures)
        raise


_tasks: ThreadPoolExecutor | None = None


def _task_pool(workers: int) -> ThreadPoolExecutor:
    """A pool of its own for `run_tasks` (its tasks may use `run_slices`' pool meanwhile)."""
    global _tasks
    if _tasks is None or _tasks._max_workers < workers:
        _tasks = ThreadPoolExecutor(workers, thread_name_prefix="tqp-tasks")
    return _tasks
