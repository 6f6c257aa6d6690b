"""How tqp-shell reports errors: one line, `Error: <message>`, never a traceback."""

from __future__ import annotations

import re

import tqp

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class ShellError(Exception):
    """Misuse of the shell itself (unknown dot command, bad argument): printed as `Error: ...`."""


class Quit(Exception):
    """Raised by .quit/.exit to unwind to the main loop."""


class Bail(Exception):
    """Raised after an error has been printed, to stop the script (`-bail`, or one input line
    typed at the prompt)."""


def error_line(exc: BaseException) -> str:
    """The one line the user sees for an error."""
    message = " ".join(line.strip() for line in _ANSI.sub("", str(exc)).splitlines()).strip()
    if isinstance(exc, tqp.Error) and type(exc) is not tqp.Error:
        message = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    elif isinstance(exc, OSError) and exc.strerror:
        message = f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    elif not isinstance(exc, (tqp.Error, ShellError)):
        message = f"{type(exc).__name__}: {message}"
    return f"Error: {message}"
