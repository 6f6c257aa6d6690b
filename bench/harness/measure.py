"""Measuring a run: wall time, peak memory, the geometric mean, the machine's description."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import math
import os
import platform
import resource
import time
from pathlib import Path
from typing import Callable

import pyarrow as pa

MIB = 2**20


def timed(fn: Callable[[], object]) -> tuple[object, float]:
    """Run `fn`; return its result and the wall time in milliseconds."""
    start = time.perf_counter()
    result = fn()
    return result, (time.perf_counter() - start) * 1000.0


def geometric_mean(values: list[float]) -> float | None:
    """The geometric mean of positive values; None for an empty list."""
    if not values:
        return None
    return math.exp(sum(math.log(v) for v in values) / len(values))


def peak_rss_mib() -> float:
    """The process's peak resident set in MiB (since it began, or since `PeakMemory.start`)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


class PeakMemory:
    """Peak memory over a stretch of the run: the process's resident set and CUDA's allocator.

    The process peak (getrusage) is reset at each `start` where Linux allows it
    (/proc/self/clear_refs), so each query and engine gets its own; elsewhere it is the peak
    since the process began.
    """

    def __init__(self, device: str):
        self.cuda = device == "cuda"

    def start(self) -> None:
        try:
            Path("/proc/self/clear_refs").write_text("5")
        except OSError:
            pass  # not Linux, or not allowed: peaks are then since the process began
        if self.cuda:
            import torch
            torch.cuda.reset_peak_memory_stats()

    def stop(self) -> tuple[float, float | None]:
        """(peak RSS, peak CUDA memory allocated or None) in MiB since `start`."""
        if not self.cuda:
            return peak_rss_mib(), None
        import torch
        return peak_rss_mib(), torch.cuda.max_memory_allocated() / MIB


def release_memory() -> None:
    """Give freed memory back to the system between engines and queries: Python's cycles,
    Arrow's pool, and glibc's heap (where tqp keeps large blocks), so that each query's memory
    figures start from its own data, not from what an earlier query left behind."""
    gc.collect()
    pa.default_memory_pool().release_unused()
    try:
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def machine_description() -> str:
    """The CPU model (platform.processor(), else /proc/cpuinfo) and the number of CPUs."""
    name = platform.processor()
    cpuinfo = Path("/proc/cpuinfo")
    if (not name or name == platform.machine()) and cpuinfo.exists():
        models = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                  if line.startswith("model name")]
        name = models[0] if models else name
    return f"{name or platform.machine()}, {os.cpu_count()} CPUs"
