"""The ExecutionContext: everything a physical operator needs besides its inputs.

It is passed to every operator (no thread-local state): the device the tensors live on, the
catalog to scan, the memory pool, the batch size, a spill folder (made on first use, removed
when the query ends), the profile for EXPLAIN ANALYZE, and the cancellation flag checked
between batches.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

import torch

from tqp.errors import OperationalError
from tqp.execution.memory import MemoryPool
from tqp.execution.progress import Progress

# Rows per batch: on a CPU large enough that Python's per-operation cost and the per-batch
# host syncs vanish (2^21-row batches measured 5-25% slower than whole tables of 6M rows
# in joins and aggregates; 2^23 keeps such tables whole and streams 60M rows in 8 batches); on a GPU
# larger still, so that kernels stay busy.
CPU_BATCH_ROWS = 1 << 23
CUDA_BATCH_ROWS = 1 << 25


def default_batch_rows(device: torch.device) -> int:
    return CUDA_BATCH_ROWS if device.type == "cuda" else CPU_BATCH_ROWS


class Cancelled(OperationalError):
    """The query was cancelled (Connection.interrupt, Ctrl-C in the shell)."""


@dataclass
class ExecutionContext:
    """State of one query run, shared by all its operators."""

    device: torch.device
    catalog: object
    memory: MemoryPool
    batch_rows: int
    profile: dict | None = None
    progress: Progress | None = None  # rows scanned so far, for a front end's progress line
    compile: str = "off"  # compiled fused kernels: "auto", "off" or "always" (operators/fused.py)
    cancel: threading.Event = field(default_factory=threading.Event)
    state: dict = field(default_factory=dict)  # per-operator state that outlives a batch
    _spill: Path | None = None

    def check_cancelled(self) -> None:
        if self.cancel.is_set():
            raise Cancelled("query cancelled")

    @property
    def spill_dir(self) -> Path:
        """A temporary folder for this query's spill files, removed by `close`."""
        if self._spill is None:
            self._spill = Path(tempfile.mkdtemp(prefix="tqp-spill-"))
        return self._spill

    def close(self) -> None:
        """Forget the query's state and remove its spill folder."""
        self.state.clear()
        if self._spill is not None:
            shutil.rmtree(self._spill, ignore_errors=True)
            self._spill = None
