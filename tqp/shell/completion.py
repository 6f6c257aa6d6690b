"""Tab completion for tqp-shell: SQL keywords, table, column and function names, dot commands.

Names come from the connection's catalog (`table_names()`, `schema()`), read by `refresh()`
when a statement may have changed them (the prompt calls it), not on every key: a view's
columns cost a plan. After FROM, JOIN and the like only
tables are offered; after `name.` the columns of table `name` (or of every table, for an alias).
"""

from __future__ import annotations

import re
from typing import Iterable

from prompt_toolkit.completion import CompleteEvent, Completer, Completion, PathCompleter
from prompt_toolkit.document import Document
from sqlglot import exp
from sqlglot.dialects.duckdb import DuckDB

import tqp
from tqp.operators.expressions import anonymous_names, handled_types
from tqp.planner.aggregates import SUPPORTED as AGGREGATES
from tqp.shell.commands import COMMANDS
from tqp.shell.modes import MODES

KEYWORDS = (
    "SELECT", "FROM", "WHERE", "GROUP", "BY", "HAVING", "ORDER", "LIMIT", "OFFSET", "AS",
    "DISTINCT", "ALL", "JOIN", "INNER", "LEFT", "RIGHT", "FULL", "OUTER", "CROSS", "SEMI", "ANTI",
    "ON", "USING", "AND", "OR", "NOT", "IN", "IS", "NULL", "LIKE", "ILIKE", "BETWEEN", "EXISTS",
    "CASE", "WHEN", "THEN", "ELSE", "END", "UNION", "INTERSECT", "EXCEPT", "WITH", "ASC", "DESC",
    "NULLS", "FIRST", "LAST", "TRUE", "FALSE", "CAST", "INTERVAL", "DATE", "TIMESTAMP", "VARCHAR",
    "INTEGER", "BIGINT", "DOUBLE", "DECIMAL", "BOOLEAN", "CREATE", "TABLE", "VIEW", "REPLACE",
    "DROP", "IF", "EXPLAIN", "ANALYZE", "DESCRIBE", "SHOW", "TABLES", "INSERT", "INTO", "VALUES",
    "DELETE", "UPDATE", "SET", "OVER", "PARTITION", "FILTER",
)
# After these words a table name comes next (and after a comma in a FROM clause).
TABLE_CONTEXT = {"FROM", "JOIN", "INTO", "TABLE", "UPDATE", "DESCRIBE", "VIEW"}
# Words that start a clause: after one of these (but FROM), a comma is followed by a column.
CLAUSES = {"SELECT", "WHERE", "GROUP", "ORDER", "HAVING", "LIMIT", "ON", "USING", "BY", "SET",
           "VALUES", "OVER", "PARTITION"} | TABLE_CONTEXT
# Dot commands whose arguments are paths; those whose argument is one word of a few.
PATH_COMMANDS = {".open", ".read", ".output", ".once", ".import"}
WORD_ARGUMENTS = {
    ".mode": MODES, ".headers": ("on", "off"), ".header": ("on", "off"),
    ".timer": ("on", "off"), ".explain": ("on", "off"), ".device": ("cpu", "cuda"),
}

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*$")
_QUALIFIED = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z0-9_]*)$")
_WORDS = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def function_names() -> list[str]:
    """The SQL functions tqp evaluates, by the names DuckDB's dialect gives them, and PREDICT."""
    types = {t for t in handled_types() if issubclass(t, exp.Func)} | set(AGGREGATES)
    names = {name for name, build in DuckDB.Parser.FUNCTIONS.items()
             if getattr(build, "__self__", None) in types}
    names |= {name for t in types for name in t.sql_names() if name in DuckDB.Parser.FUNCTIONS}
    names |= {name.upper() for name in anonymous_names()}  # calls sqlglot does not know
    return sorted((names | {"PREDICT", "PREDICT_PROBA"}) - set(KEYWORDS))


class SqlCompleter(Completer):
    """Completions for the line being typed at the tqp prompt."""

    def __init__(self, connection: tqp.Connection):
        self.connection = connection
        self.functions = function_names()
        self.columns: dict[str, list[str]] = {}  # table name -> its column names
        self._paths = PathCompleter(expanduser=True)

    def refresh(self) -> None:
        """Read the catalog's table and column names again."""
        columns = {}
        for name in self.connection.table_names():
            try:
                columns[name] = self.connection.schema(name).names
            except tqp.Error:  # a view that no longer plans: offer its name only
                columns[name] = []
        self.columns = columns

    def get_completions(self, document: Document,
                        complete_event: CompleteEvent) -> Iterable[Completion]:
        try:
            yield from self._completions(document, complete_event)
        except Exception:  # noqa: BLE001 - a completion bug must not print a traceback
            return

    def _completions(self, document: Document,
                     complete_event: CompleteEvent) -> Iterable[Completion]:
        text = document.text_before_cursor
        if text.lstrip().startswith(".") and "\n" not in text:
            yield from self._dot_completions(document, complete_event)
            return
        qualified = _QUALIFIED.search(text)
        if qualified:
            table, prefix = qualified.groups()
            yield from _matching(prefix, self._columns_of(table, document.text))
            return
        match = _WORD.search(text)
        prefix = match.group(0) if match else ""
        before = text[:len(text) - len(prefix)]
        if _wants_table(before):
            yield from _matching(prefix, self.columns)
            return
        mentioned = [n for n in self.columns if n.lower() in {w.lower() for w in
                                                               _WORDS.findall(document.text)}]
        columns = [c for n in (mentioned or self.columns) for c in self.columns[n]]
        yield from _matching(prefix, dict.fromkeys(columns))
        yield from _matching(prefix, self.functions, keyword=True)
        yield from _matching(prefix, KEYWORDS, keyword=True)
        yield from _matching(prefix, self.columns)

    def _columns_of(self, table: str, text: str) -> list[str]:
        """The columns of `table`, a table name or an alias given to one in `text`."""
        for name, columns in self.columns.items():
            if name.lower() == table.lower():
                return columns
            alias = rf"\b{re.escape(name)}\s+(as\s+)?{re.escape(table)}\b"
            if re.search(alias, text, re.IGNORECASE):
                return columns
        return list(dict.fromkeys(c for columns in self.columns.values() for c in columns))

    def _dot_completions(self, document: Document,
                         complete_event: CompleteEvent) -> Iterable[Completion]:
        text = document.text_before_cursor.lstrip()
        name, space, rest = text.partition(" ")
        if not space:
            yield from _matching(name, COMMANDS)
            return
        if name in PATH_COMMANDS and not (name == ".import" and " " in rest.strip()):
            yield from self._paths.get_completions(Document(rest.split(" ")[-1]),
                                                   complete_event)
            return
        prefix = rest.split(" ")[-1]
        if name in WORD_ARGUMENTS:
            yield from _matching(prefix, WORD_ARGUMENTS[name])
        elif name in (".schema", ".import"):
            yield from _matching(prefix, self.columns)


def _wants_table(before: str) -> bool:
    """Does a table name come next after the text `before`?"""
    words = _WORDS.findall(before)
    tail = before.rstrip()
    if not words:
        return False
    if tail.endswith(words[-1]):
        return words[-1].upper() in TABLE_CONTEXT
    clauses = [w.upper() for w in words if w.upper() in CLAUSES]
    return tail.endswith(",") and bool(clauses) and clauses[-1] in TABLE_CONTEXT


def _matching(prefix: str, candidates: Iterable[str], keyword: bool = False):
    """The candidates that start with `prefix` (any case). Keywords and functions take the case
    of the prefix: lower-case typing gets lower-case words."""
    low = prefix.lower()
    for candidate in candidates:
        if candidate.lower().startswith(low) and candidate.lower() != low:
            text = candidate.lower() if keyword and prefix.islower() else candidate
            yield Completion(text, start_position=-len(prefix))
