"""Stopping a query's Ray tasks cooperatively, through a flag in Ray's key-value store.

`ray.cancel` on a task that is finishing at that very moment aborts the calling process: a
check in Ray's core worker fails ("Tried to complete task that was not pending", Ray 2.60;
upstream issues ray-project/ray#54260 and the "it != submissible_tasks_.end()" fixes). Here
it took down the driver whenever a failed stage cancelled sibling tasks that were just
finishing. So the executor never calls it. A query that stops early (a failed stage, an
interrupt) raises its flag; each of its tasks watches the flag from a thread of its own and
sets its context's cancellation event, so it stops at its next batch as a local query does,
and a task not started yet stops before its first batch.
"""

from __future__ import annotations

import threading
import uuid

from ray.experimental import internal_kv

NAMESPACE = "tqp"
# How often a running task looks at its query's flag, in seconds (one small request to
# Ray's control store each time).
WATCH_S = 0.1


def new_flag() -> str:
    """The key of a fresh query's flag (raised by no one yet)."""
    return f"cancel:{uuid.uuid4().hex}"


def raise_flag(key: str) -> None:
    internal_kv._internal_kv_put(key, b"1", namespace=NAMESPACE)


def drop_flag(key: str) -> None:
    internal_kv._internal_kv_del(key, namespace=NAMESPACE)


class FlagWatch:
    """While open, sets `event` as soon as the flag `key` is raised (see the module doc)."""

    def __init__(self, key: str, event: threading.Event):
        self._key, self._event = key, event
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True,
                                        name="tqp-cancel-watch")

    def __enter__(self) -> "FlagWatch":
        if self._raised():  # a task started after its query stopped does no work
            self._event.set()
        else:
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()

    def _raised(self) -> bool:
        return internal_kv._internal_kv_exists(self._key, namespace=NAMESPACE)

    def _watch(self) -> None:
        while not self._done.wait(WATCH_S):
            if self._raised():
                self._event.set()
                return
