"""Feedback while a statement runs in the interactive shell: a progress line and Ctrl-C.

`running(connection, stream)` wraps one statement. After PROGRESS_AFTER_S seconds a line such
as `[ 42%] 2,520,000 of 6,001,215 rows scanned, 3.1 s` is redrawn in place on the terminal from
a background thread, and erased when the statement ends. Ctrl-C asks the connection to cancel
the query (it stops at its next batch with "query cancelled" and the shell keeps its state); a
second Ctrl-C interrupts at once.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from typing import TextIO

PROGRESS_AFTER_S = 1.0
REDRAW_S = 0.25


@contextlib.contextmanager
def running(connection, stream: TextIO | None):
    """Show progress on `stream` (None: no progress line) and route Ctrl-C to `connection`."""
    done = threading.Event()
    ticker = None
    if stream is not None:
        ticker = threading.Thread(target=_draw, args=(connection, stream, done), daemon=True)
        ticker.start()
    with _cancel_on_ctrl_c(connection):
        try:
            yield
        finally:
            done.set()
            if ticker is not None:
                ticker.join()


def progress_text(done_rows: int, total_rows: int, elapsed: float) -> str:
    """The progress line's text."""
    if total_rows <= 0:
        return f"running, {elapsed:.1f} s"
    share = min(done_rows / total_rows, 1.0)
    return f"[{share:4.0%}] {done_rows:,} of {total_rows:,} rows scanned, {elapsed:.1f} s"


def _draw(connection, stream: TextIO, done: threading.Event) -> None:
    shown = 0
    while not done.wait(REDRAW_S):
        progress = connection.progress()
        if progress is None or progress.elapsed < PROGRESS_AFTER_S:
            continue
        text = progress_text(progress.done_rows, progress.total_rows, progress.elapsed)
        stream.write("\r" + text.ljust(shown))
        stream.flush()
        shown = len(text)
    if shown:
        stream.write("\r" + " " * shown + "\r")
        stream.flush()


@contextlib.contextmanager
def _cancel_on_ctrl_c(connection):
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers belong to the main thread
        return
    pressed = []

    def on_ctrl_c(signum, frame):
        if pressed:
            raise KeyboardInterrupt
        pressed.append(True)
        connection.interrupt()

    previous = signal.signal(signal.SIGINT, on_ctrl_c)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
