"""The memory pool: what a query's operators hold, against the connection's memory limit.

Operators that keep state across batches (a join's build side, an aggregate's groups, a sort's
input, a shared result) reserve the bytes they hold. A reservation past the limit raises one
`OperationalError` naming the operator and the limit, before the allocation is attempted, so
the process is never killed by the operating system and the connection stays usable.
"""

from __future__ import annotations

import os
import re
import threading

import torch

from tqp.allocator import release_free_memory
from tqp.errors import OperationalError, ProgrammingError

# A release of at least this many bytes returns the freed pages to the system.
RELEASE_BYTES = 256 * 1024**2
# A reservation that takes the query's state and the cache past this share of the limit first
# returns the heap's free pages to the system: under pressure, freed batches must not stay
# resident beside the new state (tqp/allocator.py keeps them for speed).
PRESSURE_SHARE = 0.5
# The share of the limit the tensor cache leaves to batches in flight (scanned segments, filter
# and join outputs), which no reservation counts: the cache and the query's state together stay
# below the rest, while the state alone may use the whole limit.
STREAM_SHARE = 0.1
# The default limit: this share of the machine's RAM (of the GPU's memory on cuda).
DEFAULT_SHARE = 0.6
_UNITS = {"b": 1, "bytes": 1, "kb": 1000, "mb": 1000**2, "gb": 1000**3, "tb": 1000**4,
          "kib": 1024, "mib": 1024**2, "gib": 1024**3, "tib": 1024**4}


def parse_size(text: str | int | float) -> int:
    """Bytes from a size such as '4GB' or '512 MiB' (a unit is required, as in DuckDB), or an
    int of bytes.

    Example:
        >>> parse_size("4GB"), parse_size("1.5 GiB")
        (4000000000, 1610612736)
    """
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        value = int(text)
    else:
        match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([a-zA-Z]*)\s*", str(text))
        if match is None or match.group(2).lower() not in _UNITS:
            raise ProgrammingError(
                f"cannot read memory size {text!r}: expected a number and a unit, KB, MB, GB, "
                "TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024), e.g. '4GB'")
        value = int(float(match.group(1)) * _UNITS[match.group(2).lower()])
    if value <= 0:
        raise ProgrammingError(f"memory limit must be positive, got {text!r}")
    return value


def format_size(nbytes: int) -> str:
    """A byte count as a short human-readable size ('3.2 GiB')."""
    size = float(nbytes)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"


def default_limit(device: torch.device) -> int:
    """DEFAULT_SHARE of the RAM, or of the GPU's memory when the device is a GPU."""
    if device.type == "cuda":
        total = torch.cuda.get_device_properties(device).total_memory
    else:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return int(total * DEFAULT_SHARE)


class MemoryLimitExceeded(OperationalError):
    """A reservation would pass the memory limit (an operator may spill instead)."""


class MemoryPool:
    """Reservations of one query's operators against `limit` bytes (thread-safe)."""

    def __init__(self, limit: int, cache=None):
        self.limit = limit
        self.cache = cache  # a TensorCache sharing the limit: evicted before a reservation fails
        self.used = 0
        self.peak = 0
        self._lock = threading.Lock()

    def reserve(self, owner: str, nbytes: int, op=None) -> "Reservation":
        """A reservation of `nbytes` for `owner` (what is held: 'build side'), or
        OperationalError when the pool would pass its limit. `op`, the operator holding it, is
        described only when an error names it (describing a plan node prints SQL: too slow to
        do for every reservation of every query)."""
        reservation = Reservation(self, owner, op)
        reservation.resize(nbytes)
        return reservation

    @property
    def cache_room(self) -> int:
        """Bytes the tensor cache may hold beside the query's state (see STREAM_SHARE)."""
        return int(self.limit * (1 - STREAM_SHARE)) - self.used

    def _change(self, reservation: "Reservation", delta: int) -> None:
        with self._lock:
            if delta > 0 and self.cache is not None:
                over = self.cache.bytes - (self.cache_room - delta)
                if over > 0 and self.cache.evict(over):
                    release_free_memory()  # the evicted columns' pages, for the new state
                elif self.used + delta + self.cache.bytes > PRESSURE_SHARE * self.limit:
                    release_free_memory()
            if delta > 0 and self.used + delta > self.limit:
                raise MemoryLimitExceeded(
                    f"out of memory: {reservation.owner} needs {format_size(delta)} more, but the query "
                    f"already holds {format_size(self.used)} of its memory limit "
                    f"{format_size(self.limit)} (raise it with SET memory_limit = '...')")
            self.used += delta
            self.peak = max(self.peak, self.used)
        if -delta >= RELEASE_BYTES:
            release_free_memory()  # large state let go: its pages leave the process


class Reservation:
    """Bytes one operator holds; resized as its state grows, released when it is done."""

    def __init__(self, pool: MemoryPool, what: str, op=None):
        self.pool, self.what, self.op, self.size = pool, what, op, 0
        self.peak = 0

    @property
    def owner(self) -> str:
        """Who holds the bytes, for an error message: 'build side of HashJoin ...'."""
        return self.what if self.op is None else f"{self.what} of {self.op.describe()}"

    def resize(self, nbytes: int) -> None:
        self.pool._change(self, nbytes - self.size)
        self.size = nbytes
        self.peak = max(self.peak, nbytes)

    def grow(self, nbytes: int) -> None:
        self.resize(self.size + nbytes)

    def release(self) -> None:
        self.resize(0)
