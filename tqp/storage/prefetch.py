"""Reading ahead: an iterator's next items made in a background thread while the caller works on
the current one.

A Parquet reader decodes with the GIL released, so the next record batch decodes while the scan
converts this one into tensors; on a cold scan the two take about as long as each other."""

from __future__ import annotations

import queue
import threading
from typing import Iterator, TypeVar

T = TypeVar("T")

_END = object()
_POLL_S = 0.05  # how often a producer blocked on a full queue looks whether the reader left


def prefetched(items: Iterator[T], depth: int = 1) -> Iterator[T]:
    """The items of `items`, in order, made ahead in a thread of their own: at most `depth`
    waiting and one being made while the caller works on the current one. An exception raised making an item is raised here, where that item would have come.
    A caller that stops early (LIMIT, an error, Ctrl-C) stops the thread after its current item."""
    ready: queue.Queue = queue.Queue(maxsize=depth)
    leaving = threading.Event()

    def hand_over(entry) -> bool:
        while not leaving.is_set():
            try:
                ready.put(entry, timeout=_POLL_S)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not hand_over((item, None)):
                    return
            hand_over((_END, None))
        except BaseException as exc:  # noqa: BLE001 - handed to the reader, raised there
            hand_over((_END, exc))

    threading.Thread(target=produce, name="tqp-read-ahead", daemon=True).start()
    try:
        while True:
            item, error = ready.get()
            if item is _END:
                if error is not None:
                    raise error
                return
            yield item
    finally:
        leaving.set()
