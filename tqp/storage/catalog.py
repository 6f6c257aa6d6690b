"""The catalog: named Arrow tables and views, and the device columns made from them.

Each table column is converted to a device tensor on first use, once, and cached until the table
is replaced or the device changes. Tables are immutable Arrow tables and views parsed trees, so a
statement that changes a table builds a new one and swaps it in whole (statements are atomic),
and a transaction's starting point is a shallow copy of the two dicts (`snapshot`/`restore`).
"""

from __future__ import annotations

import difflib

import pyarrow as pa
import torch
from sqlglot import exp

from tqp.errors import IntegrityError, ProgrammingError
from tqp.storage.arrow import arrow_to_column
from tqp.storage.column import Column


class Catalog:
    """Tables (Arrow) and views (parsed SELECTs) by lower-case name."""

    def __init__(self, device: torch.device):
        self.device = device
        self.tables: dict[str, pa.Table] = {}
        self.views: dict[str, exp.Expression] = {}
        self._columns: dict[tuple[str, str], Column] = {}
        self._distinct: dict[tuple[str, str], int] = {}
        self._ranges: dict[tuple[str, str], tuple[int, int] | None] = {}
        # Tables registered from Python objects or read by read_parquet(): never written to a
        # database folder.
        self.temporary: set[str] = set()

    def set_device(self, device: torch.device) -> None:
        self.device = device
        self._columns.clear()

    def add_table(self, name: str, table: pa.Table, replace: bool = True,
                  temporary: bool = False) -> None:
        key = name.lower()
        if not replace and key in self:
            raise IntegrityError(f"table {name} already exists")
        self.views.pop(key, None)
        self.tables[key] = table
        if temporary:
            self.temporary.add(key)
        else:
            self.temporary.discard(key)
        self._forget(key)

    def replace_table(self, name: str, table: pa.Table) -> None:
        """Swap in the new contents of an existing table (it stays temporary or persistent)."""
        key = name.lower()
        self.tables[key] = table
        self._forget(key)

    def snapshot(self) -> tuple[dict, dict, set]:
        """The catalog's state, to `restore` later (tables and views are immutable values):
        tables, views and the names of the temporary tables."""
        return dict(self.tables), dict(self.views), set(self.temporary)

    def restore(self, state: tuple[dict, dict, set]) -> None:
        """Go back to a `snapshot`; cached columns of tables that changed are dropped."""
        tables, views, temporary = state
        for key in set(self.tables) | set(tables):
            if self.tables.get(key) is not tables.get(key):
                self._forget(key)
        self.tables, self.views, self.temporary = dict(tables), dict(views), set(temporary)

    def add_view(self, name: str, query: exp.Expression, replace: bool = False) -> None:
        key = name.lower()
        if not replace and key in self:
            raise IntegrityError(f"{name} already exists")
        self.tables.pop(key, None)
        self._forget(key)
        self.views[key] = query

    def drop(self, name: str, kind: str, if_exists: bool = False) -> None:
        key = name.lower()
        store = self.tables if kind == "TABLE" else self.views
        if key not in store:
            if if_exists:
                return
            if key in self:
                other = "view" if kind == "TABLE" else "table"
                raise ProgrammingError(f"{name} is a {other}, not a {kind.lower()} "
                                       f"(use DROP {other.upper()})")
            raise ProgrammingError(f"{kind.lower()} {name} does not exist{self.suggest(name)}")
        del store[key]
        self._forget(key)

    def __contains__(self, name: str) -> bool:
        key = name.lower()
        return key in self.tables or key in self.views

    def names(self) -> list[str]:
        return sorted(set(self.tables) | set(self.views))

    def table(self, name: str) -> pa.Table:
        key = name.lower()
        if key not in self.tables:
            raise ProgrammingError(f"Table with name {name} does not exist{self.suggest(name)}")
        return self.tables[key]

    def column(self, table: str, name: str) -> Column:
        """The device column `name` of `table`, converted on first use."""
        key = (table.lower(), name)
        if key not in self._columns:
            self._columns[key] = arrow_to_column(self.table(table).column(name), self.device)
        return self._columns[key]

    def distinct_count(self, table: str, name: str) -> int:
        """How many distinct non-NULL values column `name` of `table` holds (for the planner's
        selectivity estimates); computed once per column."""
        key = (table.lower(), name)
        if key not in self._distinct:
            column = self.column(table, name)
            if column.dictionary is not None:
                count = len(column.dictionary)
            else:
                values = column.values if column.valid is None else column.values[column.valid]
                count = int(torch.unique(values).numel())
            self._distinct[key] = count
        return self._distinct[key]

    def value_range(self, table: str, name: str) -> tuple[int, int] | None:
        """(min, max) of the non-NULL values of an integer, date, boolean or string (as codes)
        column, for the planner's choice of algorithms; None for other types or no values.
        Computed once per column."""
        key = (table.lower(), name)
        if key not in self._ranges:
            column = self.column(table, name)
            values = column.values if column.valid is None else column.values[column.valid]
            if column.dictionary is not None:
                found = (0, len(column.dictionary) - 1) if len(column.dictionary) else None
            elif values.is_floating_point() or values.numel() == 0:
                found = None
            else:
                lo, hi = torch.stack(torch.aminmax(values.long())).tolist()
                found = (int(lo), int(hi))
            self._ranges[key] = found
        return self._ranges[key]

    def suggest(self, name: str) -> str:
        close = difflib.get_close_matches(name.lower(), self.names(), n=1)
        return f" (did you mean {close[0]}?)" if close else ""

    def _forget(self, key: str) -> None:
        for cached in [k for k in self._columns if k[0] == key]:
            del self._columns[cached]
        for cached in [k for k in self._distinct if k[0] == key]:
            del self._distinct[cached]
        for cached in [k for k in self._ranges if k[0] == key]:
            del self._ranges[cached]
