"""tqp-shell: an interactive SQL prompt over tqp, and a SQL script runner when stdin is piped.

    tqp-shell [PATH ...] [--device cpu|cuda] [-c SQL] [-bail] [-csv|-json|-box|...]

Modules: `cli` (arguments, main), `shell` (the Shell that runs SQL and dot commands),
`commands` (the dot commands), `modes` (output modes), `statements` (splitting input),
`completion` and `repl` (the interactive prompt), `schema` (`.schema`), `errors`.
"""

from tqp.shell.cli import main
from tqp.shell.errors import ShellError, error_line
from tqp.shell.shell import Shell
from tqp.shell.statements import has_content, is_complete, split_statements

__all__ = ["Shell", "ShellError", "error_line", "has_content", "is_complete", "main",
           "split_statements"]
