"""A database folder: tables as Parquet files, a JSON catalog file, a lock file.

Layout of a folder opened with `tqp.connect(path)`:

    tqp_catalog.json     {"format": 1, "version": N, "tables": {...}, "views": {name: sql}}
    tqp_tables/          the Parquet files tqp wrote, one per table and commit (name-version)
    .tqp.lock            held (flock) by the connection that is writing

The catalog file is the single point of commit: a commit writes the changed tables to new
files, then a new catalog file beside the old one, and renames it over the old one (after
fsync). A process killed at any point leaves either the old or the new catalog, and every file
either one names. Files no catalog names any more are deleted by the next commit.

A folder without a catalog file opens with its Parquet/CSV files as tables (`tables_in`); those
files are only read, never changed: a changed table is written to `tqp_tables/` at commit.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from tqp.errors import OperationalError
from tqp.storage import readers
from tqp.storage.sources import ArrowSource, Source
from tqp.storage.declared import type_name
from tqp.storage.files import check_parquet, replace_atomically, sync_folder

CATALOG_FILE = "tqp_catalog.json"
DATA_FOLDER = "tqp_tables"
LOCK_FILE = ".tqp.lock"
FORMAT_VERSION = 1
# Reading a catalog races with a writer deleting the files of the one before: read again.
LOAD_ATTEMPTS = 5

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Linux/macOS
    fcntl = None


class Database:
    """One database folder: loads its committed state, commits new states, holds its lock."""

    def __init__(self, path: str | Path):
        self.path = Path(path).expanduser()
        if not self.path.exists():
            if not self.path.parent.is_dir():
                raise OperationalError(f"cannot create database folder {self.path}: "
                                       f"no such folder {self.path.parent}")
            self.path.mkdir(exist_ok=True)  # another process may make it at the same time
        if not self.path.is_dir():
            raise OperationalError(f"{self.path} is not a folder")
        self.version = 0
        # name -> (the table as loaded or last written, its catalog entry): unchanged tables
        # keep their file.
        self._entries: dict[str, tuple[Source, dict]] = {}
        self._lock = None

    # -- reading ------------------------------------------------------------------------------

    def on_disk_version(self) -> int:
        """The version of the catalog file now on disk (0 before the first commit)."""
        try:
            return int(json.loads((self.path / CATALOG_FILE).read_text())["version"])
        except FileNotFoundError:
            return 0
        except (OSError, ValueError, KeyError) as exc:
            raise OperationalError(f"cannot read {self.path / CATALOG_FILE}: {exc}") from None

    def load(self) -> tuple[dict[str, Source], dict[str, str]]:
        """The committed tables (name -> source) and views (name -> SQL text)."""
        for attempt in range(LOAD_ATTEMPTS):
            try:
                return self._load()
            except FileNotFoundError:
                if attempt == LOAD_ATTEMPTS - 1:
                    raise OperationalError(
                        f"database folder {self.path}: a table file named by the catalog is "
                        "missing") from None
        raise AssertionError("unreachable")

    def _load(self) -> tuple[dict[str, Source], dict[str, str]]:
        catalog_path = self.path / CATALOG_FILE
        if not catalog_path.exists():
            self.version = 0
            tables, self._entries = {}, {}
            for name, location in readers.tables_in(self.path).items():
                table = readers.to_source(str(location))
                tables[name.lower()] = table
                self._entries[name.lower()] = (table, _external_entry(self.path, location))
            return tables, {}
        try:
            catalog = json.loads(catalog_path.read_text())
        except (OSError, ValueError) as exc:
            raise OperationalError(f"cannot read {catalog_path}: {exc}") from None
        if catalog.get("format") != FORMAT_VERSION:
            raise OperationalError(f"{catalog_path} has format {catalog.get('format')!r}; "
                                   f"this tqp reads format {FORMAT_VERSION}")
        tables, entries = {}, {}
        for name, entry in catalog["tables"].items():
            location = self.path / entry["file"]
            if not location.exists():
                raise FileNotFoundError(location)
            # Read whole: a later commit of another connection may delete this file.
            table = readers.read_parquet(location)
            if "columns" in entry:  # the Parquet file keeps the declared types (Arrow schema)
                table = table.select([c["name"] for c in entry["columns"]])
            table = ArrowSource(table)
            tables[name] = table
            entries[name] = (table, entry)
        self.version = int(catalog["version"])
        self._entries = entries
        return tables, dict(catalog.get("views", {}))

    # -- writing ------------------------------------------------------------------------------

    def commit(self, tables: dict[str, Source], views: dict[str, str]) -> None:
        """Make `tables` and `views` the folder's committed state (the lock must be held)."""
        if self._lock is None:
            raise OperationalError("internal: commit without holding the database lock")
        version = self.version + 1
        data = self.path / DATA_FOLDER
        data.mkdir(exist_ok=True)
        entries = {}
        for index, (name, table) in enumerate(sorted(tables.items())):
            known = self._entries.get(name)
            if known is not None and known[0] is table:
                entries[name] = known
                continue
            check_parquet(table.schema, f"table {name} of the database folder")
            file_name = f"{_file_stem(name)}-{version}-{index}.parquet"
            replace_atomically(data / file_name,
                               lambda tmp, t=table: pq.write_table(t.to_arrow(), tmp))
            entries[name] = (table, {"file": f"{DATA_FOLDER}/{file_name}",
                                     "columns": _columns(table.schema)})
        sync_folder(data)
        catalog = {"format": FORMAT_VERSION, "version": version,
                   "tables": {name: entry for name, (_, entry) in entries.items()},
                   "views": views}
        text = json.dumps(catalog, indent=1, sort_keys=True)
        replace_atomically(self.path / CATALOG_FILE,
                           lambda tmp: Path(tmp).write_text(text))
        sync_folder(self.path)
        self.version = version
        self._entries = entries
        self._collect_garbage({entry["file"] for _, entry in entries.values()})

    def _collect_garbage(self, live: set[str]) -> None:
        """Delete the files in tqp_tables/ that the committed catalog does not name, and the
        temporary files of writers that died."""
        dead = [child for child in (self.path / DATA_FOLDER).iterdir()
                if f"{DATA_FOLDER}/{child.name}" not in live]
        for child in dead + list(self.path.glob(f".{CATALOG_FILE}.*.tmp")):
            try:
                child.unlink()
            except OSError:
                pass  # another try at the next commit

    # -- the writer's lock ----------------------------------------------------------------------

    @property
    def locked(self) -> bool:
        return self._lock is not None

    def lock(self) -> None:
        """Become the folder's one writer, or raise OperationalError if another connection
        (in this process or another) is writing. The OS drops the lock when a process dies."""
        if self._lock is not None or fcntl is None:
            return
        try:
            handle = open(self.path / LOCK_FILE, "a+")
        except OSError as exc:
            raise OperationalError(f"cannot write to database folder {self.path}: {exc}") from None
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise OperationalError(
                f"database folder {self.path} is locked by another connection that is writing "
                f"(process {holder}): it must commit, roll back or close first") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._lock = handle

    def unlock(self) -> None:
        if self._lock is not None:
            fcntl.flock(self._lock.fileno(), fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None


def _columns(schema: pa.Schema) -> list[dict]:
    return [{"name": f.name, "type": type_name(f), "nullable": f.nullable}
            for f in schema]


def _external_entry(folder: Path, location: Path) -> dict:
    return {"file": location.relative_to(folder).as_posix()}


def _file_stem(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", name)[:64] or "t"
