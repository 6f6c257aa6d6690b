"""The tensor cache: device columns of table segments that queries read, kept for later queries.

Entries are keyed by (table, column, segment start, row groups, the order a string column's
dictionary keeps: see dictionary.SORTED) and leave least recently used first. The cache shares the connection's memory limit with the running query's operators: an
entry is only added while it fits beside what the query holds, and a reservation that would
pass the limit first evicts entries (tqp/execution/memory.py). Pinned tables (`con.cache`) never
leave until unpinned.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from functools import partial

from tqp.storage import narrow
from tqp.storage.column import Column


class TensorCache:
    """Least-recently-used device columns, with their sizes in bytes."""

    def __init__(self):
        self._entries: OrderedDict[tuple, tuple[Column, int]] = OrderedDict()
        self.bytes = 0
        self.pinned: set[str] = set()
        self._wanted: frozenset[tuple[str, str]] = frozenset()  # the running query's columns
        self._lock = threading.RLock()

    def begin_query(self, wanted: frozenset[tuple[str, str]]) -> None:
        """A query that reads these (table, column) pairs starts. Adding a segment never evicts
        a segment of these columns: a scan larger than the cache then keeps the segments it
        cached first, for the next run to find, where least-recently-used order would evict
        each one just before that run reads it again (and find none)."""
        with self._lock:
            self._wanted = wanted

    def get(self, key: tuple) -> Column | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            self._entries.move_to_end(key)
            return found[0]

    def put(self, key: tuple, column: Column, room: int) -> bool:
        """Keep `column` if it fits in `room` bytes (other entries are evicted to make room,
        least recently used first); whether it was kept."""
        size = column.nbytes
        with self._lock:
            if key in self._entries:
                return True
            pinned = key[0] in self.pinned
            if not pinned:
                self._evict(self.bytes + size - room, wanted_too=False)
                if self.bytes + size > room:
                    return False
            self._entries[key] = (column, size)
            self.bytes += size
            narrow.hold(column.values, partial(_grow, weakref.ref(self), key))
            return True

    def grow(self, key: tuple, nbytes: int) -> None:
        """Count `nbytes` more for entry `key`: a narrow copy of its column was made
        (storage/narrow.py), which lives as long as the column does."""
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries[key] = (found[0], found[1] + nbytes)
                self.bytes += nbytes

    def remove(self, key: tuple) -> None:
        """Forget one entry (if it is there)."""
        with self._lock:
            found = self._entries.pop(key, None)
            if found is not None:
                self.bytes -= found[1]

    def evict(self, nbytes: int) -> int:
        """Drop unpinned entries until `nbytes` are freed (or none is left), least recently
        used first, those of columns the running query does not read before its own; the
        bytes freed."""
        return self._evict(nbytes, wanted_too=True)

    def _evict(self, nbytes: int, wanted_too: bool) -> int:
        freed = 0
        with self._lock:
            for spare_wanted in (True, False) if wanted_too else (True,):
                for key in list(self._entries):
                    if freed >= nbytes:
                        break
                    if key[0] in self.pinned or (spare_wanted and key[:2] in self._wanted):
                        continue
                    freed += self._entries.pop(key)[1]
            self.bytes -= freed
        return freed

    def drop(self, table: str) -> None:
        """Forget every entry of `table`."""
        with self._lock:
            for key in [k for k in self._entries if k[0] == table]:
                self.bytes -= self._entries.pop(key)[1]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.bytes = 0

    def table_bytes(self) -> dict[str, int]:
        """Bytes cached per table."""
        totals: dict[str, int] = {}
        with self._lock:
            for key, (_, size) in self._entries.items():
                totals[key[0]] = totals.get(key[0], 0) + size
        return totals


def _grow(cache: weakref.ref, key: tuple, nbytes: int) -> None:
    """TensorCache.grow on the cache if it is still there: the callback a held column's narrow
    copy reports to, kept by storage/narrow.py beside the column, must not keep the cache (and
    with it every cached column) alive."""
    found = cache()
    if found is not None:
        found.grow(key, nbytes)
