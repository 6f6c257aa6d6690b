"""`tqp-shell`'s command line: open the paths, then run -c, stdin, or the interactive prompt."""

from __future__ import annotations

import argparse
import os
import sys

import tqp
from tqp.shell.errors import Bail, Quit, ShellError, error_line
from tqp.shell.modes import MODE_ALIASES, MODES
from tqp.shell.shell import Shell

USAGE = """\
tqp-shell: an interactive SQL prompt over tqp, and a SQL script runner when stdin is piped.

One PATH alone opens as tqp.connect(PATH): a folder is a database folder (made if missing; its
Parquet/CSV files are its tables), and each statement that changes something is committed there.
Several PATHs (Parquet/CSV files or folders) are registered as tables (like `.open`). Piped, stdin
is read as a script (SQL plus dot commands on their own lines); an error is printed and the
script goes on (-bail: stops), and the exit status is 1 when any statement failed."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tqp-shell", description=USAGE, allow_abbrev=False,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="a database folder (one PATH alone), or Parquet/CSV files and "
                             "folders to register as tables")
    parser.add_argument("--device", default="cpu", help="cpu or cuda (default cpu)")
    parser.add_argument("--memory-limit", metavar="SIZE",
                        help="what a query may hold, e.g. 4GB (default: a share of the memory)")
    parser.add_argument("--batch-rows", metavar="N", type=int,
                        help="rows per batch as queries stream (default: tuned to the device)")
    parser.add_argument("-c", "--command", metavar="SQL",
                        help="run SQL (and dot commands) and exit instead of reading stdin")
    parser.add_argument("-bail", "--bail", action="store_true",
                        help="stop at the first error")
    for mode in MODES + tuple(MODE_ALIASES):
        parser.add_argument(f"-{mode}", f"--{mode}", dest="mode", action="store_const",
                            const=MODE_ALIASES.get(mode, mode), help=f"output mode {mode}")
    parser.add_argument("-header", "--header", dest="headers", action="store_true",
                        default=None, help="show column names (the default)")
    parser.add_argument("-noheader", "--noheader", dest="headers", action="store_false",
                        help="hide column names")
    parser.add_argument("-nullvalue", "--nullvalue", metavar="TEXT", help="show NULL as TEXT")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of `tqp-shell`; returns the exit status (1 when a statement failed)."""
    args = _parser().parse_args(argv)
    try:
        # One path alone opens as tqp.connect(path) does: a folder (made if missing) is a
        # database folder whose changes the shell commits statement by statement.
        alone = args.paths[0] if len(args.paths) == 1 else None
        connection = tqp.connect(alone, device=args.device, autocommit=True,
                                 memory_limit=args.memory_limit, batch_rows=args.batch_rows)
        for path in args.paths if alone is None else []:
            connection.register_files(path)
    except Exception as exc:  # noqa: BLE001 - one line, never a traceback
        print(error_line(exc), file=sys.stderr, flush=True)
        return 1
    shell = Shell(connection, bail=args.bail)
    if args.mode:
        shell.settings.mode = args.mode
    if args.headers is not None:
        shell.settings.headers = args.headers
    if args.nullvalue is not None:
        shell.settings.null_text = args.nullvalue
    try:
        if args.command is None and sys.stdin.isatty():
            from tqp.shell.repl import run_interactive

            return run_interactive(shell)
        text = args.command if args.command is not None else sys.stdin.read()
        try:
            shell.run_script(text)
        except (Quit, Bail):
            pass
        except KeyboardInterrupt:
            shell.print_error(ShellError("interrupted"))
            return 130
        return 1 if shell.errors else 0
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, and keep Python's exit flush quiet too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    finally:
        shell.close()
        connection.close()
