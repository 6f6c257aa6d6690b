"""The interactive prompt (prompt_toolkit): history, Tab completion, SQL syntax highlighting."""

from __future__ import annotations

import os
from pathlib import Path

import tqp
from tqp.shell.errors import Bail, Quit, ShellError
from tqp.shell.shell import Shell
from tqp.shell.statements import is_complete

PROMPT = "tqp> "
CONTINUATION_PROMPT = "...> "
DEFAULT_HISTORY = "~/.tqp_history"
HISTORY_ENV = "TQP_HISTORY"


def run_interactive(shell: Shell) -> int:
    """Read and run input until .quit or Ctrl-D; returns 0.

    One input (what was typed before Enter ran it) stops at its first error.
    """
    from prompt_toolkit import PromptSession
    from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
    from prompt_toolkit.key_binding import KeyBindings

    from tqp.shell.completion import SqlCompleter

    bindings = KeyBindings()

    @bindings.add("enter")
    def _enter(event):
        # Run the input once it is a whole statement (or a dot command); else continue it.
        buffer = event.current_buffer
        if buffer.complete_state is not None and buffer.complete_state.current_completion:
            buffer.apply_completion(buffer.complete_state.current_completion)
        elif is_complete(buffer.text):
            buffer.validate_and_handle()
        else:
            buffer.insert_text("\n")

    completer = SqlCompleter(shell.connection)
    session = PromptSession(
        history=_history(),
        multiline=True,
        key_bindings=bindings,
        prompt_continuation=lambda width, line_number, wrap_count: CONTINUATION_PROMPT,
        auto_suggest=AutoSuggestFromHistory(),
        lexer=sql_lexer(),
        completer=completer,
        complete_while_typing=False,  # Tab completes, as in DuckDB's and sqlite3's shells
    )
    shell.print(f"tqp {tqp.__version__} on {shell.connection.device}. "
                "Statements end with ';'. Type .help for help.")
    shell.bail = True
    shell.interactive = True
    names_read = None  # the shell's catalog_version when completion last read the names
    while True:
        if names_read != shell.catalog_version:
            names_read = shell.catalog_version
            try:
                completer.refresh()
            except tqp.Error:
                pass  # completion without names beats no prompt
        try:
            text = session.prompt(PROMPT)
        except KeyboardInterrupt:
            continue  # Ctrl-C clears the line
        except EOFError:
            return 0  # Ctrl-D
        try:
            shell.run_script(text)
        except Quit:
            return 0
        except Bail:
            pass  # printed already; the next input runs
        except KeyboardInterrupt:
            shell.print_error(ShellError("interrupted"))


def _history():
    from prompt_toolkit.history import FileHistory, InMemoryHistory

    path = Path(os.environ.get(HISTORY_ENV) or DEFAULT_HISTORY).expanduser()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(exist_ok=True)
    except OSError:
        return InMemoryHistory()  # an unwritable home must not stop the shell
    return FileHistory(str(path))


def sql_lexer():
    """Highlighting for the prompt: pygments' SQL lexer, styled by prompt_toolkit's defaults."""
    from prompt_toolkit.lexers import PygmentsLexer
    from pygments.lexers.sql import SqlLexer

    return PygmentsLexer(SqlLexer)
