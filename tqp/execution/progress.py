"""Progress of a running query: rows its table scans have produced out of the rows they read.

The executor's scans add to it as batches leave them; a front end (the shell's progress line)
reads it from another thread. Figures are approximate by design: a scan that stops early (LIMIT)
or skips row groups never reaches its total.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from tqp.walk import each_node


@dataclass
class Progress:
    """Rows scanned so far out of `total_rows`, and when the query started."""

    total_rows: int
    done_rows: int = 0
    started: float = field(default_factory=time.monotonic)

    def add(self, rows: int) -> None:
        self.done_rows += rows

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @property
    def fraction(self) -> float:
        return min(self.done_rows / self.total_rows, 1.0) if self.total_rows else 0.0


def scanned_rows(root) -> int:
    """Rows the table scans under physical operator `root` would read whole (each once)."""
    return sum(s.num_rows for op in each_node(root) for s in getattr(op, "segments", None) or ())
