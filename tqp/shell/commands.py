"""The dot commands of tqp-shell, each a function `(shell, args)` registered with its help.

`.help` lists COMMANDS in the order they are registered here.
"""

from __future__ import annotations

import shlex
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from tqp.execution.memory import format_size
from tqp.format import format_table
from tqp.shell.errors import Quit, ShellError
from tqp.shell.modes import MODES, mode_name
from tqp.shell.schema import create_table, create_view

if TYPE_CHECKING:
    from tqp.shell.shell import Shell


@dataclass(frozen=True)
class Command:
    name: str
    usage: str  # the arguments, as shown by .help
    help: str
    run: Callable[[Shell, list[str]], None]
    raw: bool = False  # gets the rest of the line as one argument, unparsed (SQL)


COMMANDS: dict[str, Command] = {}
# .help wraps its lines to this many columns.
HELP_WIDTH = 100


def command(name: str, usage: str, help: str, aliases: tuple[str, ...] = (), raw: bool = False):
    """Register the decorated function as dot command `name` (and its aliases)."""

    def register(fn):
        for each in (name, *aliases):
            COMMANDS[each] = Command(each, usage, help, fn, raw)
        return fn

    return register


def run_command(shell: Shell, line: str) -> None:
    """Run one dot command line, e.g. `.schema sales`."""
    name, _, rest = line.strip().partition(" ")
    found = COMMANDS.get(name)
    if found is None:
        raise ShellError(f"unknown command {name} (try .help)")
    if found.raw:
        args = [rest.strip()] if rest.strip() else []
    else:
        try:
            args = shlex.split(rest)
        except ValueError as exc:
            raise ShellError(f"cannot parse {line.strip()!r}: {exc}") from None
    found.run(shell, args)


def help_text() -> str:
    """One entry per command (aliases named in its text), wrapped to HELP_WIDTH columns."""
    names: dict[Callable, list[str]] = {}
    for name, cmd in COMMANDS.items():
        names.setdefault(cmd.run, []).append(name)
    entries = []
    for first, *aliases in names.values():
        cmd = COMMANDS[first]
        also = f" (also {', '.join(aliases)})" if aliases else ""
        entries.append((f"{first} {cmd.usage}".rstrip(), cmd.help + also))
    width = max(len(left) for left, _ in entries) + 4
    lines = ["SQL statements end with ';' and may span lines. Dot commands:"]
    for left, text in entries:
        lines += textwrap.wrap(text, HELP_WIDTH, initial_indent=f"  {left}".ljust(width),
                               subsequent_indent=" " * width)
    return "\n".join(lines)


def _usage(name: str) -> ShellError:
    cmd = COMMANDS[name]
    return ShellError(f"usage: {name} {cmd.usage}".rstrip())


def _on_off(name: str, args: list[str]) -> bool:
    if args not in (["on"], ["off"]):
        raise _usage(name)
    return args[0] == "on"


# -- help and leaving --------------------------------------------------------------------------


@command(".help", "", "show this help")
def _help(shell: Shell, args: list[str]) -> None:
    shell.print(help_text())


@command(".quit", "", "leave (so does Ctrl-D); Ctrl-C clears the line", aliases=(".exit",))
def _quit(shell: Shell, args: list[str]) -> None:
    raise Quit


# -- the catalog -------------------------------------------------------------------------------


@command(".tables", "", "list the tables and views")
def _tables(shell: Shell, args: list[str]) -> None:
    names = shell.connection.table_names()
    if names:
        shell.write_result("\n".join(names))
    else:
        shell.print("(no tables: use .open PATH)")


@command(".schema", "[TABLE ...]", "show tables and views as CREATE statements (all by default)")
def _schema(shell: Shell, args: list[str]) -> None:
    statements = []
    for name in args or shell.connection.table_names():
        view = shell.connection.view_sql(name)
        statements.append(create_table(name, shell.connection.schema(name)) if view is None
                          else create_view(name, view))
    shell.write_result("\n".join(statements))


@command(".open", "PATH ...", "register Parquet/CSV files as tables named by file stem (a "
         "folder: each file in it, and each sub-folder of files as one table)")
def _open(shell: Shell, args: list[str]) -> None:
    if not args:
        raise _usage(".open")
    shell.catalog_version += 1
    for path in args:
        names = shell.connection.register_files(path)
        if names:
            shell.print(f"{path}: {', '.join(names)}")
        else:
            shell.print(f"{path}: no Parquet or CSV files found")


@command(".import", "FILE TABLE", "load a CSV or Parquet file as a new table")
def _import(shell: Shell, args: list[str]) -> None:
    if len(args) != 2:
        raise _usage(".import")
    path, name = Path(args[0]).expanduser(), args[1]
    if not path.exists():
        raise ShellError(f"no such file: {args[0]}")
    if name.lower() in (n.lower() for n in shell.connection.table_names()):
        raise ShellError(f"table {name} already exists (DROP TABLE {name} first)")
    shell.catalog_version += 1
    shell.connection.register(name, str(path))


@command(".cache", "[TABLE ...|off TABLE ...|off]", "read tables onto the device and keep them "
         "there (no argument: show what is cached); `off` drops them")
def _cache(shell: Shell, args: list[str]) -> None:
    con = shell.connection
    if args and args[0].lower() == "off":
        for name in args[1:] or [None]:
            con.uncache(name)
        return
    for name in args:
        size = con.cache(name)
        shell.print(f"{name}: {format_size(size)} cached")
    if not args:
        cached = con.cached()
        lines = [f"{row['table']}: {format_size(row['bytes'])}"
                 f"{' (pinned)' if row['pinned'] else ''}" for row in cached.to_pylist()]
        shell.write_result("\n".join(lines) if lines else "(nothing cached)")


@command(".read", "FILE", "run the SQL and dot commands in FILE")
def _read(shell: Shell, args: list[str]) -> None:
    if len(args) != 1:
        raise _usage(".read")
    try:
        text = Path(args[0]).expanduser().read_text()
    except OSError as exc:
        raise ShellError(f"cannot read {args[0]}: {exc.strerror or exc}") from None
    shell.run_script(text)


# -- how results are shown ---------------------------------------------------------------------


@command(".mode", "[MODE]", f"show or set the output mode: {'|'.join(MODES)}")
def _mode(shell: Shell, args: list[str]) -> None:
    if not args:
        shell.print(f"current output mode: {shell.settings.mode}")
        return
    mode = mode_name(args[0]) if len(args) == 1 else None
    if mode is None:
        raise ShellError(f"unknown mode {' '.join(args)}: use one of {', '.join(MODES)}")
    shell.settings.mode = mode


@command(".headers", "on|off", "show column names above results (default on)",
         aliases=(".header",))
def _headers(shell: Shell, args: list[str]) -> None:
    shell.settings.headers = _on_off(".headers", args)


@command(".nullvalue", "TEXT", "show NULL as TEXT (default NULL)")
def _nullvalue(shell: Shell, args: list[str]) -> None:
    if len(args) != 1:
        raise _usage(".nullvalue")
    shell.settings.null_text = args[0]


@command(".width", "[N ...]", "fix the widths of the first columns in aligned, box, table and "
         "markdown modes (0: fit, -N: right-aligned; none: all fit)")
def _width(shell: Shell, args: list[str]) -> None:
    try:
        shell.settings.widths = [int(a) for a in args]
    except ValueError:
        raise _usage(".width") from None


@command(".maxrows", "N", "show at most N rows in aligned mode (default 40)")
def _maxrows(shell: Shell, args: list[str]) -> None:
    if len(args) != 1 or not args[0].isdigit():
        raise _usage(".maxrows")
    shell.settings.max_rows = int(args[0])


@command(".timer", "on|off", "show the time each statement takes (default on)")
def _timer(shell: Shell, args: list[str]) -> None:
    shell.timer = _on_off(".timer", args)


@command(".explain", "[on|off|QUERY]", "show the plan of QUERY; on: show plans instead of "
         "running queries (no argument: toggle)", raw=True)
def _explain(shell: Shell, args: list[str]) -> None:
    if not args:
        shell.explain = not shell.explain
    elif args[0].lower() in ("on", "off"):
        shell.explain = args[0].lower() == "on"
    else:
        shell.run_sql("EXPLAIN " + args[0].rstrip().rstrip(";"))
        return
    shell.print(f"explain: {'on' if shell.explain else 'off'}")


@command(".output", "[FILE]", "write results to FILE until .output with no FILE")
def _output(shell: Shell, args: list[str]) -> None:
    if len(args) > 1:
        raise _usage(".output")
    shell.redirect(args[0] if args else None, once=False)


@command(".once", "FILE", "write the next result to FILE")
def _once(shell: Shell, args: list[str]) -> None:
    if len(args) != 1:
        raise _usage(".once")
    shell.redirect(args[0], once=True)


# -- devices and models ------------------------------------------------------------------------


@command(".device", "[cpu|cuda]", "show or change the device queries run on")
def _device(shell: Shell, args: list[str]) -> None:
    if len(args) > 1:
        raise _usage(".device")
    if args:
        shell.connection.set_device(args[0])
    shell.print(f"device: {shell.connection.device}")


@command(".model", "NAME PATH", "register a model for PREDICT('NAME', ...): a TorchScript file "
         "or a pickled scikit-learn model (unpickling runs code: trusted files only)")
def _model(shell: Shell, args: list[str]) -> None:
    if len(args) != 2:
        raise _usage(".model")
    name, path = args
    shell.connection.register_model(name, path)
    model = next(m for m in shell.connection.models().to_pylist() if m["name"] == name)
    count = model["features"]
    features = "" if count is None else f", {count} feature{'' if count == 1 else 's'}"
    shell.print(f"model {name}: {model['model']}{features}")


@command(".models", "", "list the registered models")
def _models(shell: Shell, args: list[str]) -> None:
    if args:
        raise _usage(".models")
    models = shell.connection.models()
    if models.num_rows:
        shell.print(format_table(models, None))
    else:
        shell.print("(no models: use .model NAME PATH)")
