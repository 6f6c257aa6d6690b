"""Reading ahead (storage/prefetch.py): the same items in the same order, errors where they
happened, and no thread left behind by a reader that stops early."""

import threading
import time

import pytest

from tqp.storage.prefetch import prefetched


def _read_ahead_threads() -> int:
    return sum(t.name == "tqp-read-ahead" for t in threading.enumerate())


def test_items_come_in_order_and_all_of_them():
    assert list(prefetched(iter(range(100)), depth=3)) == list(range(100))


def test_an_empty_iterator_gives_nothing():
    assert list(prefetched(iter(()))) == []


def test_an_error_is_raised_where_its_item_would_have_come():
    def items():
        yield 1
        yield 2
        raise ValueError("bad page")

    got = []
    with pytest.raises(ValueError, match="bad page"):
        for item in prefetched(items()):
            got.append(item)
    assert got == [1, 2]


def test_a_reader_that_stops_early_stops_the_thread():
    made = []

    def items():
        for i in range(10_000):
            made.append(i)
            yield i

    before = _read_ahead_threads()
    reader = prefetched(items(), depth=2)
    assert next(reader) == 0
    reader.close()
    deadline = time.monotonic() + 5
    while _read_ahead_threads() > before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert _read_ahead_threads() == before
    assert len(made) < 10  # it stopped making items, not just handing them over
