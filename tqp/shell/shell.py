"""The Shell: runs SQL and dot commands against one connection and prints what they return."""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path
from typing import TextIO

import pyarrow as pa

import tqp
from tqp.format import rows_text
from tqp.shell.commands import run_command
from tqp.shell.errors import Bail, Quit, ShellError, error_line
from tqp.shell.feedback import running
from tqp.shell.modes import HUMAN_MODES, OutputSettings, render
from tqp.shell.statements import has_content, is_explain, is_query, split_statements


class Shell:
    """Runs SQL and dot commands, writing results to `out` (or the `.output`/`.once` file) and
    errors to `err`.

    An error is printed and counted in `errors`; with `bail` it also stops the script.
    """

    def __init__(self, connection: tqp.Connection, out: TextIO | None = None,
                 err: TextIO | None = None, bail: bool = False):
        self.connection = connection
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.bail = bail
        self.errors = 0
        self.settings = OutputSettings()
        self.timer = True
        self.explain = False  # `.explain on`: queries show their plan instead of running
        # At a terminal: a progress line for long statements, and Ctrl-C cancels the query.
        self.interactive = False
        # Counts statements and commands that may have changed the catalog (CREATE, DROP,
        # .open, .import...): completion reads table and column names again when it moves.
        self.catalog_version = 0
        self._output: TextIO | None = None  # the `.output` file
        self._once: TextIO | None = None  # the `.once` file

    def print(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def print_error(self, exc: BaseException) -> None:
        self.out.flush()
        print(error_line(exc), file=self.err, flush=True)

    # -- scripts ---------------------------------------------------------------------------

    def run_script(self, text: str) -> None:
        """Run SQL statements and dot commands (each on its own line) in order.

        Each error is printed and the script goes on, unless `bail` is set (then `Bail` is
        raised); `.quit` raises `Quit`.
        """
        pending = ""
        for line in text.splitlines(keepends=True):
            if not has_content(pending) and line.lstrip().startswith("."):
                pending = ""
                self._guarded(run_command, self, line.strip())
                continue
            pending += line
            statements, pending = split_statements(pending)
            for statement in statements:
                self._guarded(self.run_sql, statement)
        if has_content(pending):
            self._guarded(self.run_sql, pending.strip())

    def _guarded(self, fn, *args) -> None:
        try:
            fn(*args)
        except (Quit, Bail, KeyboardInterrupt, BrokenPipeError):
            # Ctrl-C stops the whole script (at the prompt: the input typed); so does a reader
            # of the output that went away (`| head`).
            raise
        except Exception as exc:  # noqa: BLE001 - every error becomes one line, never a traceback
            self._failed(exc)

    def _failed(self, exc: BaseException) -> None:
        self.print_error(exc)
        self.errors += 1
        if self.bail:
            raise Bail from None

    # -- statements ------------------------------------------------------------------------

    def run_sql(self, sql: str) -> None:
        """Run one statement and print its result (or OK), with the time when the timer is on."""
        if self.explain and is_query(sql):
            sql = "EXPLAIN " + sql
        started = time.perf_counter()
        with running(self.connection, self.err) if self.interactive else contextlib.nullcontext():
            cursor = self.connection.execute(sql)
            table = cursor.fetch_arrow_table() if cursor.description is not None else None
        elapsed = time.perf_counter() - started
        timing = f" ({elapsed:.3f} s)" if self.timer else ""
        if table is None:
            self.catalog_version += 1
            # CREATE VIEW and DROP report 0 rows: only a real count is worth showing.
            affected = f"{rows_text(cursor.rowcount)} affected" if cursor.rowcount > 0 else "OK"
            self._status(affected + timing, redirected=False)
        elif is_explain(sql):
            redirected = self.write_result("\n".join(_plan_lines(table)))
            self._status(timing.strip(), redirected)
        else:
            redirected = self.write_result(render(table, self.settings))
            self._status(rows_text(table.num_rows) + timing, redirected)

    def write_result(self, text: str) -> bool:
        """Write a result (of a query, `.schema`, `.tables`) where results go now: the
        terminal, the `.output` file or the `.once` file. True when it went to a file."""
        target = self._once or self._output
        if text:
            print(text, file=target or self.out, flush=True)
        if self._once is not None:
            self._once.close()
            self._once = None
        return target is not None

    def _status(self, text: str, redirected: bool) -> None:
        """A line about a statement ("3 rows (0.010 s)", "OK") for the person at the terminal:
        never in a file of results, and not among the data that csv, json... modes print."""
        if text and (redirected or self.settings.mode in HUMAN_MODES):
            self.print(text)

    # -- where results go ------------------------------------------------------------------

    def redirect(self, path: str | None, once: bool) -> None:
        """Send results to the file `path` (the next one only when `once`); None: back to the
        terminal."""
        target = None
        if path is not None:
            try:
                target = Path(path).expanduser().open("w")
            except OSError as exc:
                raise ShellError(f"cannot write {path}: {exc.strerror or exc}") from None
        if once:
            if self._once is not None:
                self._once.close()
            self._once = target
        else:
            if self._output is not None:
                self._output.close()
            self._output = target

    def close(self) -> None:
        """Close the `.output`/`.once` files."""
        self.redirect(None, once=True)
        self.redirect(None, once=False)


def _plan_lines(table: pa.Table) -> list[str]:
    """EXPLAIN's result is the plan text in one cell: print it as it is."""
    return [str(v) for row in zip(*table.to_pydict().values()) for v in row if v is not None]
