"""threads: one input cut into one slice per torch thread, the slices run side by side, their
results in order, and a slice's error raised to the caller once every slice is done."""

from __future__ import annotations

import threading

import pytest
import torch

from tqp.storage import threads


@pytest.fixture
def two_threads():
    previous = torch.get_num_threads()
    torch.set_num_threads(2)
    yield
    torch.set_num_threads(previous)


def test_rows_split_into_one_slice_per_thread(two_threads):
    assert threads.slices(10, 4) == [(0, 5), (5, 5)]
    assert threads.slices(11, 4) == [(0, 6), (6, 5)]
    assert threads.slices(3, 4) == [(0, 3)]
    torch.set_num_threads(1)
    assert threads.slices(10, 4) == [(0, 10)]


def test_slices_run_on_two_threads_and_return_in_order(two_threads):
    seen = set()

    def fn(start, length):
        seen.add(threading.get_ident())
        return start + length

    assert threads.run_slices(fn, [(0, 6), (6, 5)]) == [6, 11]
    assert threading.get_ident() in seen  # the first slice runs on the caller's thread


@pytest.mark.parametrize("failing", [0, 6])
def test_an_error_in_a_slice_reaches_the_caller_after_all_slices_ran(two_threads, failing):
    finished = []

    def fn(start, length):
        if start == failing:
            raise ValueError(f"slice {start}")
        finished.append(start)
        return start

    with pytest.raises(ValueError, match=f"slice {failing}"):
        threads.run_slices(fn, [(0, 6), (6, 5)])
    assert finished == [6 - failing]  # the other slice was waited for


def test_tasks_run_on_two_threads_in_order_and_a_failure_stops_the_others(two_threads):
    import time

    assert threads.run_tasks([lambda stop, i=i: i * 10 for i in range(5)]) == [0, 10, 20, 30, 40]
    stopped = []

    def slow(stop):
        for _ in range(200):
            if stop.is_set():
                stopped.append(True)
                return None
            time.sleep(0.005)
        return "finished"

    def failing(stop):
        time.sleep(0.02)
        raise ValueError("task failed")

    with pytest.raises(ValueError, match="task failed"):
        threads.run_tasks([slow, failing])
    assert stopped == [True]  # the slow task saw the stop and gave up before its end
