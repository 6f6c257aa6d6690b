"""tqp-shell on a pseudo-terminal: the prompt, continuation lines, Ctrl-C, Ctrl-D, Tab."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.shell.conftest import TIMEOUT_S, shell_env

# -- interactive, through a pseudo-terminal ----------------------------------------------------


def _own_terminal() -> None:
    """In the child: a session of its own whose controlling terminal is the pseudo-terminal on
    its stdin, so that Ctrl-C typed there sends SIGINT as at a real terminal."""
    import fcntl
    import termios

    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Terminal:
    """The shell running on a pseudo-terminal, with everything it wrote collected."""

    def __init__(self, tmp_path: Path, *args: str):
        import pty  # POSIX only; imported here so the module still imports elsewhere

        self.master, slave = pty.openpty()
        env = shell_env(tmp_path)
        env.update(TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1", COLUMNS="120", LINES="40")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tqp.shell", *args], stdin=slave, stdout=slave, stderr=slave,
            cwd=tmp_path, env=env, preexec_fn=_own_terminal, close_fds=True,
        )
        os.close(slave)
        self.output = ""
        self.seen = 0  # output before this index has been matched

    def expect(self, text: str, timeout: float = TIMEOUT_S) -> str:
        """Read until `text` appears after the previous match; return the output up to its end.

        Fails, showing what was read, on timeout or when the shell ends first.
        """
        deadline = time.monotonic() + timeout
        while text not in self.output[self.seen:]:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"timed out waiting for {text!r}; got:\n{self.output}")
            ready, _, _ = select.select([self.master], [], [], min(remaining, 0.5))
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:  # the child closed the terminal
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"shell ended before {text!r}; got:\n{self.output}")
                self.output += chunk.decode(errors="replace")
        self.seen = self.output.index(text, self.seen) + len(text)
        return self.output[:self.seen]

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())

    def wait(self, timeout: float = TIMEOUT_S) -> int:
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:  # keep draining so the child never blocks on a full terminal
                try:
                    self.output += os.read(self.master, 65536).decode(errors="replace")
                except OSError:
                    pass
        return self.process.wait(timeout=1)

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        os.close(self.master)


@pytest.fixture
def terminal(tmp_path):
    if sys.platform == "win32":
        pytest.skip("pseudo-terminals are POSIX only")
    terminals = []

    def start(*args):
        terminals.append(Terminal(tmp_path, *args))
        return terminals[-1]

    yield start
    for t in terminals:
        t.close()


def test_interactive_query_and_quit(terminal, tmp_path):
    term = terminal()
    term.expect("tqp>")  # type only at a prompt: typeahead in cooked mode is not reliable
    term.type("select 1 + 1 as two;\r")
    output = term.expect("1 row")
    assert "two" in output and "  2" in output
    term.expect("tqp>")
    term.type(".quit\r")
    assert term.wait() == 0
    assert "select 1 + 1 as two;" in (tmp_path / "history").read_text()


def test_interactive_continuation_and_errors(terminal, data_dir):
    term = terminal(str(data_dir))
    term.expect("tqp>")
    term.type("select count(*) as n\r")
    term.expect("...>")  # the statement goes on: continuation prompt
    term.type("from t;\r")
    term.expect("1 row")
    term.expect("tqp>")
    term.type("select * from no_such_table;\r")
    term.expect("Error: ")
    output = term.expect("tqp>")
    assert "Traceback" not in output
    term.type("select 7 as seven;\r")  # the shell goes on after an error
    term.expect("1 row")
    term.expect("tqp>")
    term.type("\x04")  # Ctrl-D leaves
    assert term.wait() == 0


def test_interactive_ctrl_c_cancels_the_input(terminal):
    term = terminal()
    term.expect("tqp>")
    term.type("select 'never run' as dropped\r")
    term.expect("...>")
    term.type("\x03")  # Ctrl-C drops the unfinished statement
    term.expect("tqp>")
    term.type("select 'typed only' as cleared")
    term.expect("cleared")
    term.type("\x03")  # and clears a line not yet entered
    term.expect("tqp>")
    term.type("select 'ran' as status;\r")
    output = term.expect("1 row")
    ran = output.split("status")[-1]
    assert "ran" in ran and "dropped" not in ran and "cleared" not in ran
    term.expect("tqp>")
    term.type(".exit\r")
    assert term.wait() == 0


def test_interactive_long_query_shows_progress_and_ctrl_c_cancels_it(terminal, tmp_path):
    folder = tmp_path / "big"
    folder.mkdir()
    rows = 2_000_000
    pq.write_table(pa.table({"a": pa.array(range(rows), pa.int64())}), folder / "t.parquet",
                   row_group_size=100_000)
    term = terminal("--batch-rows", "200", str(folder))  # 10,000 batches: seconds of work
    term.expect("tqp>")
    term.type("select sum(a * 2 + 1) as s from t where a % 3 = 0;\r")
    term.expect("rows scanned")  # the progress line, after a second
    term.type("\x03")  # Ctrl-C cancels the running query
    output = term.expect("tqp>")
    assert "cancelled" in output and "Traceback" not in output
    term.type("select count(*) as n from t where a < 10;\r")  # state and connection intact
    output = term.expect("1 row")
    assert "10" in output.split("n")[-1]
    term.expect("tqp>")
    term.type(".quit\r")
    assert term.wait() == 0


def test_interactive_tab_completes_a_table_name(terminal, tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    pq.write_table(pa.table({"l_quantity": [5, 7]}), folder / "lineitem.parquet")
    term = terminal(str(folder))
    term.expect("tqp>")
    term.type("select sum(l_quantity) as total from li\t")
    term.expect("neitem")  # the rest of the one table that starts with "li"
    term.type(";\r")
    output = term.expect("1 row")
    assert "total" in output and "12" in output
    term.expect("tqp>")
    term.type(".mo\t")
    term.expect("de")  # .mode
    term.type(" b\t")
    term.expect("ox")
    term.type("\r")
    term.expect("tqp>")
    term.type("select 1 as one;\r")
    term.expect("│ one │")
    term.expect("tqp>")
    term.type("create view totals as select 1 as x;\r")  # a new name completes too
    term.expect("OK")
    term.expect("tqp>")
    term.type("select * from tot\t")
    term.expect("als")
    term.type(";\r")
    term.expect("│ x │")
    term.expect("tqp>")
    term.type("\x04")
    assert term.wait() == 0

