"""tqp-shell: an interactive SQL prompt over tqp, and a SQL script runner when stdin is piped.

    tqp-shell [PATH ...] [--device cpu|cuda] [-c SQL]

PATH is a Parquet/CSV file or a folder of them, registered as tables (like `.open`). On a
terminal, statements may span lines and run when they end with ';'. Piped, all of stdin is read
as a script (SQL plus dot commands on their own lines) and the shell exits with status 1 at the
first error. Errors print as one line, `Error: <class>: <message>`, never as a traceback.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import sys
import time
from pathlib import Path
from typing import TextIO

import tqp
from tqp.dbapi import type_code
from tqp.format import DEFAULT_MAX_ROWS, format_table, rows_text

PROMPT = "tqp> "
CONTINUATION_PROMPT = "...> "
DEFAULT_HISTORY = "~/.tqp_history"
HISTORY_ENV = "TQP_HISTORY"

HELP = """\
SQL statements end with ';' and may span lines. Dot commands:
  .help                 show this help
  .tables               list the tables
  .schema [TABLE]       show the columns of one table, or of all
  .open PATH ...        register Parquet/CSV files as tables named by file stem
                        (a folder: each file in it, and each sub-folder of files as one table)
  .read FILE            run the SQL and dot commands in FILE
  .timer on|off         show the time each statement takes (default on)
  .maxrows N            show at most N rows of a result (default 40)
  .device [cpu|cuda]    show or change the device queries run on
  .model NAME PATH      register a model for PREDICT('NAME', ...): a TorchScript file or a
                        pickled scikit-learn model (unpickling runs code: trusted files only)
  .models               list the registered models
  .quit, .exit          leave (so does Ctrl-D); Ctrl-C cancels the current input"""

_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class ShellError(Exception):
    """Misuse of the shell itself (unknown dot command, bad argument): printed as `Error: ...`."""


class _Quit(Exception):
    """Raised by .quit/.exit to unwind to the main loop."""


# -- splitting input into statements ---------------------------------------------------------


def has_content(sql: str) -> bool:
    """True when `sql` holds more than whitespace and comments."""
    return bool(_COMMENTS.sub("", sql).strip())


def split_statements(text: str) -> tuple[list[str], str]:
    """Split off the complete statements of `text`; return them and the unfinished rest.

    A statement ends at a ';' outside string literals, quoted identifiers and comments. Empty
    statements (only whitespace and comments) are dropped.
    """
    statements: list[str] = []
    start = i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c in "'\"":
            j = i + 1
            while True:
                j = text.find(c, j)
                if j == -1:
                    return statements, text[start:]  # unterminated: wait for more input
                if j + 1 < n and text[j + 1] == c:  # '' inside a literal is an escaped quote
                    j += 2
                    continue
                break
            i = j + 1
        elif text.startswith("--", i):
            j = text.find("\n", i)
            i = n if j == -1 else j + 1
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            if j == -1:
                return statements, text[start:]
            i = j + 2
        elif c == ";":
            if has_content(text[start:i]):
                statements.append(text[start:i].strip())
            start = i = i + 1
        else:
            i += 1
    return statements, text[start:]


def is_complete(text: str) -> bool:
    """Whether the input typed so far should run now (on Enter) rather than continue a line."""
    stripped = text.strip()
    if not stripped or stripped.startswith("."):
        return True
    statements, rest = split_statements(text)
    return bool(statements) and not has_content(rest)


def error_line(exc: BaseException) -> str:
    """The one line the user sees for an error."""
    message = " ".join(line.strip() for line in _ANSI.sub("", str(exc)).splitlines()).strip()
    if isinstance(exc, tqp.Error) and type(exc) is not tqp.Error:
        message = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    elif not isinstance(exc, (tqp.Error, ShellError)):
        message = f"{type(exc).__name__}: {message}"
    return f"Error: {message}"


# -- the shell ---------------------------------------------------------------------------------


class Shell:
    """Runs SQL and dot commands against one connection, writing results to `out`."""

    def __init__(self, connection: tqp.Connection, out: TextIO | None = None,
                 err: TextIO | None = None):
        self.connection = connection
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.timer = True
        self.max_rows = DEFAULT_MAX_ROWS

    def print(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def print_error(self, exc: BaseException) -> None:
        self.out.flush()
        print(error_line(exc), file=self.err, flush=True)

    # -- scripts ---------------------------------------------------------------------------

    def run_script(self, text: str) -> None:
        """Run SQL statements and dot commands (each on its own line) in order.

        Raises the first error (tqp.Error or ShellError); `.quit` raises `_Quit`.
        """
        pending = ""
        for line in text.splitlines(keepends=True):
            if not has_content(pending) and line.lstrip().startswith("."):
                pending = ""
                self.run_command(line.strip())
                continue
            pending += line
            statements, pending = split_statements(pending)
            for statement in statements:
                self.run_sql(statement)
        if has_content(pending):
            self.run_sql(pending.strip())

    def run_sql(self, sql: str) -> None:
        """Run one statement and print its result (or OK), with the time when the timer is on."""
        started = time.perf_counter()
        cursor = self.connection.execute(sql)
        table = cursor.fetch_arrow_table() if cursor.description is not None else None
        elapsed = time.perf_counter() - started
        timing = f" ({elapsed:.3f} s)" if self.timer else ""
        if table is None:
            # CREATE VIEW and DROP report 0 rows: only a real count is worth showing.
            affected = f"{rows_text(cursor.rowcount)} affected" if cursor.rowcount > 0 else "OK"
            self.print(affected + timing)
        elif _is_explain(sql):
            self.print("\n".join(str(v) for row in zip(*table.to_pydict().values()) for v in row
                                 if v is not None))
            if self.timer:
                self.print(timing.strip())
        else:
            self.print(format_table(table, self.max_rows))
            self.print(rows_text(table.num_rows) + timing)

    # -- dot commands ----------------------------------------------------------------------

    def run_command(self, line: str) -> None:
        """Run one dot command line, e.g. `.schema sales`."""
        try:
            words = shlex.split(line)
        except ValueError as exc:
            raise ShellError(f"cannot parse {line!r}: {exc}") from None
        name, args = words[0], words[1:]
        handler = _COMMANDS.get(name)
        if handler is None:
            raise ShellError(f"unknown command {name} (try .help)")
        handler(self, args)

    def cmd_help(self, args: list[str]) -> None:
        self.print(HELP)

    def cmd_quit(self, args: list[str]) -> None:
        raise _Quit

    def cmd_tables(self, args: list[str]) -> None:
        names = self.connection.table_names()
        self.print("\n".join(names) if names else "(no tables: use .open PATH)")

    def cmd_schema(self, args: list[str]) -> None:
        names = args or self.connection.table_names()
        for name in names:
            columns = [
                f"  {field.name} {type_code(field.type)}{'' if field.nullable else ' NOT NULL'}"
                for field in self.connection.schema(name)
            ]
            self.print(f"CREATE TABLE {name} (\n" + ",\n".join(columns) + "\n);")

    def cmd_open(self, args: list[str]) -> None:
        if not args:
            raise ShellError("usage: .open FILE_OR_FOLDER ...")
        for path in args:
            names = self.connection.register_files(path)
            if names:
                self.print(f"{path}: {', '.join(names)}")
            else:
                self.print(f"{path}: no Parquet or CSV files found")

    def cmd_read(self, args: list[str]) -> None:
        if len(args) != 1:
            raise ShellError("usage: .read FILE")
        try:
            text = Path(args[0]).expanduser().read_text()
        except OSError as exc:
            raise ShellError(f"cannot read {args[0]}: {exc.strerror or exc}") from None
        self.run_script(text)

    def cmd_timer(self, args: list[str]) -> None:
        if args not in (["on"], ["off"]):
            raise ShellError("usage: .timer on|off")
        self.timer = args[0] == "on"

    def cmd_maxrows(self, args: list[str]) -> None:
        if len(args) != 1 or not args[0].isdigit():
            raise ShellError("usage: .maxrows N")
        self.max_rows = int(args[0])

    def cmd_device(self, args: list[str]) -> None:
        if len(args) > 1:
            raise ShellError("usage: .device [cpu|cuda]")
        if args:
            self.connection.set_device(args[0])
        self.print(f"device: {self.connection.device}")

    def cmd_model(self, args: list[str]) -> None:
        if len(args) != 2:
            raise ShellError("usage: .model NAME PATH")
        name, path = args
        self.connection.register_model(name, path)
        model = next(m for m in self.connection.models().to_pylist() if m["name"] == name)
        count = model["features"]
        features = "" if count is None else f", {count} feature{'' if count == 1 else 's'}"
        self.print(f"model {name}: {model['model']}{features}")

    def cmd_models(self, args: list[str]) -> None:
        if args:
            raise ShellError("usage: .models")
        models = self.connection.models()
        if models.num_rows:
            self.print(format_table(models, self.max_rows))
        else:
            self.print("(no models: use .model NAME PATH)")


_COMMANDS = {
    ".help": Shell.cmd_help,
    ".quit": Shell.cmd_quit,
    ".exit": Shell.cmd_quit,
    ".tables": Shell.cmd_tables,
    ".schema": Shell.cmd_schema,
    ".open": Shell.cmd_open,
    ".read": Shell.cmd_read,
    ".timer": Shell.cmd_timer,
    ".maxrows": Shell.cmd_maxrows,
    ".device": Shell.cmd_device,
    ".model": Shell.cmd_model,
    ".models": Shell.cmd_models,
}


def _is_explain(sql: str) -> bool:
    return _COMMENTS.sub("", sql).lstrip()[:7].upper() == "EXPLAIN"


# -- front ends --------------------------------------------------------------------------------


def run_piped(shell: Shell, text: str) -> int:
    """Run a whole script; 0 when it all ran, 1 at the first error (which is printed)."""
    try:
        shell.run_script(text)
    except _Quit:
        return 0
    except KeyboardInterrupt:
        shell.print_error(ShellError("interrupted"))
        return 130
    except Exception as exc:  # noqa: BLE001 - every error becomes one line, never a traceback
        shell.print_error(exc)
        return 1
    return 0


def run_interactive(shell: Shell) -> int:
    """The prompt_toolkit REPL; returns 0 on .quit or Ctrl-D."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
    from prompt_toolkit.key_binding import KeyBindings

    bindings = KeyBindings()

    @bindings.add("enter")
    def _enter(event):
        # Run the input once it is a whole statement (or a dot command); else continue it.
        buffer = event.current_buffer
        if is_complete(buffer.text):
            buffer.validate_and_handle()
        else:
            buffer.insert_text("\n")

    session = PromptSession(
        history=_history(),
        multiline=True,
        key_bindings=bindings,
        prompt_continuation=lambda width, line_number, wrap_count: CONTINUATION_PROMPT,
        auto_suggest=AutoSuggestFromHistory(),
        lexer=_sql_lexer(),
    )
    shell.print(f"tqp {tqp.__version__} on {shell.connection.device}. "
                "Statements end with ';'. Type .help for help.")
    while True:
        try:
            text = session.prompt(PROMPT)
        except KeyboardInterrupt:
            continue  # Ctrl-C drops the current input
        except EOFError:
            return 0  # Ctrl-D
        try:
            shell.run_script(text)
        except _Quit:
            return 0
        except KeyboardInterrupt:
            shell.print_error(ShellError("interrupted"))
        except Exception as exc:  # noqa: BLE001
            shell.print_error(exc)


def _history():
    from prompt_toolkit.history import FileHistory, InMemoryHistory

    path = Path(os.environ.get(HISTORY_ENV) or DEFAULT_HISTORY).expanduser()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(exist_ok=True)
    except OSError:
        return InMemoryHistory()  # an unwritable home must not stop the shell
    return FileHistory(str(path))


def _sql_lexer():
    try:
        from prompt_toolkit.lexers import PygmentsLexer
        from pygments.lexers.sql import SqlLexer
    except ImportError:
        return None
    return PygmentsLexer(SqlLexer)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tqp-shell", description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="Parquet/CSV file or folder to register as tables")
    parser.add_argument("--device", default="cpu", help="cpu or cuda (default cpu)")
    parser.add_argument("-c", "--command", metavar="SQL",
                        help="run SQL (and dot commands) and exit instead of reading stdin")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of `tqp-shell`; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        connection = tqp.connect(device=args.device)
        for path in args.paths:
            connection.register_files(path)
    except Exception as exc:  # noqa: BLE001
        print(error_line(exc), file=sys.stderr, flush=True)
        return 1
    shell = Shell(connection)
    try:
        if args.command is not None:
            return run_piped(shell, args.command)
        if sys.stdin.isatty():
            return run_interactive(shell)
        return run_piped(shell, sys.stdin.read())
    finally:
        connection.close()


if __name__ == "__main__":
    raise SystemExit(main())
