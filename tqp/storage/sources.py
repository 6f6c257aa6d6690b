"""Table sources: where a catalog table's rows come from, read lazily, segment by segment.

A source knows its schema and row count up front (for Parquet files, from their footers: no data
is read at registration) and reads the columns a query needs one segment at a time. A segment is
a run of rows that the tensor cache keeps as a unit: for Parquet, consecutive row groups of one
file; for an in-memory Arrow table, a row range. Each Parquet row group carries min/max
statistics, so that a scan can skip the row groups a filter rules out (`tqp/storage/pruning.py`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from tqp.errors import OperationalError
from tqp.storage.integer_decimals import integer_decimals, labelled, unscaled_footer
from tqp.storage.prefetch import prefetched
from tqp.storage.pruning import SingleFloat

# A string column whose dictionary page takes under this many bytes per row is read as Arrow
# dictionary arrays (Parquet's own codes). A larger page means a nearly unique column (whose
# writer usually gave up on the dictionary part-way): reading plain strings and hashing them
# once is cheaper than unifying per-row-group dictionaries.
DICTIONARY_BYTES_PER_ROW = 0.5

# Rows per record batch as `ParquetSource.batches` decodes: small enough that a batch's Arrow
# buffers are reused from one batch to the next, large enough that decoding the columns in
# parallel pays (a cold scan and aggregate of 7 columns over 60M rows: 13.6 s at 64K rows,
# 11.1 s at 256K, 11.0 s at 1M).
BATCH_ROWS = 1 << 18


@dataclass(frozen=True)
class Segment:
    """Rows [start, start + num_rows) of the table: row groups `row_groups` of file `file` (for a
    Parquet source), or that row range (in memory, `row_groups` empty)."""

    start: int
    num_rows: int
    file: int = 0
    row_groups: tuple[int, ...] = ()


class Source:
    """A table's rows: `schema` and `num_rows` known without reading data; `read` one segment."""

    schema: pa.Schema
    lazy = False  # True when data stays in files until a query reads it

    @property
    def num_rows(self) -> int:
        raise NotImplementedError

    def segments(self, target_rows: int) -> tuple[Segment, ...]:
        """The table cut into segments of about `target_rows` rows (at least one segment)."""
        raise NotImplementedError

    def read(self, segment: Segment, columns: list[str],
             row_groups: tuple[int, ...] | None = None) -> pa.Table:
        """`columns` of `segment` (only its row groups `row_groups` when given) as Arrow."""
        raise NotImplementedError

    def batches(self, segment: Segment, columns: list[str],
                row_groups: tuple[int, ...] | None = None,
                ahead: bool = True) -> Iterator[pa.RecordBatch]:
        """`read`'s rows as a stream of record batches decoded one at a time (so that they can
        be converted piece by piece), for a source that `streams`. With `ahead`, the next
        batch decodes (its columns side by side) in a thread of its own while the caller works
        on this one; without, each decodes on the caller's thread when asked for."""
        raise NotImplementedError

    @property
    def streams(self) -> bool:
        """Does the source decode its rows as it reads them (`batches`)? Else it holds them in
        memory already, and `read` costs nothing."""
        return False

    def column_bytes(self, segment: Segment, column: str) -> int:
        """About how many bytes reading `column` of `segment` decodes (0 if unknown), to start
        the costliest columns first."""
        return 0

    def statistics(self, segment: Segment, column: str) -> list[tuple | None]:
        """Per row group of `segment`: (min, max, null_count) of `column`, or None if unknown."""
        return [None for _ in segment.row_groups]

    def codes_come_ready(self, column: str) -> bool:
        """Whether string `column` is read as the file's own dictionaries (codes come with
        it, sorting them costs next to nothing)."""
        return False

    def group_rows(self, segment: Segment) -> list[int]:
        """Rows of each row group of `segment`."""
        return []

    def to_arrow(self) -> pa.Table:
        """The whole table in memory (for statements that rewrite tables)."""
        raise NotImplementedError

    def is_stale(self) -> bool:
        """Whether the files under the source changed since it was opened."""
        return False

    def reopen(self) -> "Source":
        """The source opened again (after its files changed)."""
        return self

    def describe(self) -> str:
        return "in memory"


class ArrowSource(Source):
    """An Arrow table held in memory (registered tables, query results, database tables)."""

    def __init__(self, table: pa.Table):
        self.table = table
        self.schema = table.schema

    @property
    def num_rows(self) -> int:
        return self.table.num_rows

    def segments(self, target_rows: int) -> tuple[Segment, ...]:
        rows, step = self.table.num_rows, max(target_rows, 1)
        if rows == 0:
            return (Segment(0, 0),)
        return tuple(Segment(lo, min(step, rows - lo)) for lo in range(0, rows, step))

    def read(self, segment: Segment, columns: list[str],
             row_groups: tuple[int, ...] | None = None) -> pa.Table:
        return self.table.select(columns).slice(segment.start, segment.num_rows)

    def to_arrow(self) -> pa.Table:
        return self.table


@dataclass(frozen=True)
class _File:
    path: Path
    metadata: pq.FileMetaData
    signature: tuple[int, int]  # size and modification time (ns) when opened


class ParquetSource(Source):
    """Parquet files (one, or a folder's) of one schema, read by row groups on demand."""

    lazy = True

    def __init__(self, path: str | Path, columns: list[str] | None = None):
        self.path = Path(path)
        self.columns = columns
        paths = _parquet_files(self.path)
        self.files = [_open(p) for p in paths]
        schema = _arrow_schema(self.files[0])
        for f in self.files[1:]:
            other = _arrow_schema(f)
            if not other.equals(schema):
                raise OperationalError(
                    f"Parquet file {f.path} does not match the schema of {self.files[0].path}: "
                    f"{_schema_text(other)} against {_schema_text(schema)}")
        if columns is not None:
            schema = pa.schema([schema.field(c) for c in columns])
        self.schema = schema
        self._rows = sum(f.metadata.num_rows for f in self.files)
        self._dictionary_columns = [f.name for f in schema if _dictionary_friendly(self.files, f)]
        # (segment, column) -> statistics: reading them from the footer made Python objects
        # per row group on every query (the files do not change while the source is open)
        self._statistics: dict[tuple[Segment, str], list[tuple | None]] = {}
        # Per file, its integer-backed DECIMAL columns and the footer that reads them as
        # integers (storage/integer_decimals.py), rewritten on the first read of one of them.
        self._integers = [integer_decimals(f.metadata, schema) for f in self.files]
        self._unscaled: dict[int, pq.FileMetaData | None] = {}
        self._unscaled_lock = threading.Lock()

    @property
    def num_rows(self) -> int:
        return self._rows

    def segments(self, target_rows: int) -> tuple[Segment, ...]:
        found, start = [], 0
        for index, f in enumerate(self.files):
            groups, rows = [], 0
            for g in range(f.metadata.num_row_groups):
                n = f.metadata.row_group(g).num_rows
                if groups and rows + n > target_rows:
                    found.append(Segment(start, rows, index, tuple(groups)))
                    start, groups, rows = start + rows, [], 0
                groups.append(g)
                rows += n
            if groups:
                found.append(Segment(start, rows, index, tuple(groups)))
                start += rows
        return tuple(found) or (Segment(0, 0),)

    def read(self, segment: Segment, columns: list[str],
             row_groups: tuple[int, ...] | None = None) -> pa.Table:
        groups = segment.row_groups if row_groups is None else row_groups
        if not self.files or not groups:
            return self.schema.empty_table().select(columns)
        f = self.files[segment.file]
        try:
            reader, integers = self._reader(segment.file, columns)
            table = reader.read_row_groups(list(groups), columns=columns, use_threads=True)
            return labelled(table, integers) if integers else table
        except (pa.ArrowInvalid, OSError) as exc:
            raise OperationalError(f"cannot read Parquet file {f.path}: {exc}") from None

    def batches(self, segment: Segment, columns: list[str],
                row_groups: tuple[int, ...] | None = None,
                ahead: bool = True) -> Iterator[pa.RecordBatch]:
        groups = segment.row_groups if row_groups is None else row_groups
        if not self.files or not groups:
            yield from self.schema.empty_table().select(columns).to_batches()
            return
        f = self.files[segment.file]
        try:
            reader, integers = self._reader(segment.file, columns)
            decoded = reader.iter_batches(batch_size=BATCH_ROWS, row_groups=list(groups),
                                          columns=columns, use_threads=ahead)
            if ahead:
                decoded = prefetched(decoded)
            for batch in decoded:
                yield labelled(batch, integers) if integers else batch
        except (pa.ArrowInvalid, OSError) as exc:
            raise OperationalError(f"cannot read Parquet file {f.path}: {exc}") from None

    @property
    def streams(self) -> bool:
        return True

    def column_bytes(self, segment: Segment, column: str) -> int:
        if not self.files:
            return 0
        metadata = self.files[segment.file].metadata
        index = metadata.schema.names.index(column)
        return sum(metadata.row_group(g).column(index).total_uncompressed_size
                   for g in segment.row_groups)

    def _reader(self, index: int, columns: list[str]) -> tuple[pq.ParquetFile, dict]:
        """A reader of the `index`th file (its footer as read at registration) that decodes
        the columns with small dictionaries as Arrow dictionary arrays, and its integer-backed
        DECIMAL columns among `columns` as the integers they are stored as: the reader and
        those columns' decimal types, for `labelled`."""
        f = self.files[index]
        wanted = [c for c in columns if c in self._dictionary_columns]
        integers = {c: self._integers[index][c] for c in columns if c in self._integers[index]}
        metadata = self._unscaled_footer(index) if integers else None
        if metadata is None:
            return pq.ParquetFile(f.path, metadata=f.metadata, read_dictionary=wanted), {}
        return pq.ParquetFile(f.path, metadata=metadata, read_dictionary=wanted), integers

    def __getstate__(self) -> dict:
        """Pickled (shipped to Ray workers) without its lock and rewritten footers: the
        receiver makes its own."""
        state = dict(self.__dict__)
        state["_unscaled"], state["_unscaled_lock"] = {}, None
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._unscaled_lock = threading.Lock()

    def _unscaled_footer(self, index: int) -> pq.FileMetaData | None:
        """The `index`th file's footer with its integer-backed DECIMAL columns as integers,
        made once (readers on several threads ask at once); None where it cannot be."""
        with self._unscaled_lock:
            if index not in self._unscaled:
                f = self.files[index]
                self._unscaled[index] = unscaled_footer(f.path, f.metadata,
                                                        self._integers[index])
            return self._unscaled[index]

    def codes_come_ready(self, column: str) -> bool:
        return column in self._dictionary_columns

    def statistics(self, segment: Segment, column: str) -> list[tuple | None]:
        if not self.files:
            return []
        known = self._statistics.get((segment, column))
        if known is None:
            known = self._statistics[segment, column] = self._read_statistics(segment, column)
        return known

    def _read_statistics(self, segment: Segment, column: str) -> list[tuple | None]:
        metadata = self.files[segment.file].metadata
        index = metadata.schema.names.index(column)
        single = metadata.schema.column(index).physical_type == "FLOAT"
        found = []
        for g in segment.row_groups:
            stats = metadata.row_group(g).column(index).statistics
            if stats is None or not stats.has_min_max:
                found.append(None if stats is None or not stats.has_null_count
                             else (None, None, stats.null_count))
            elif single:  # compared as FLOAT (pruning.SingleFloat)
                found.append((SingleFloat(stats.min), SingleFloat(stats.max), stats.null_count))
            else:
                found.append((stats.min, stats.max, stats.null_count))
        return found

    def group_rows(self, segment: Segment) -> list[int]:
        metadata = self.files[segment.file].metadata
        return [metadata.row_group(g).num_rows for g in segment.row_groups]

    def to_arrow(self) -> pa.Table:
        columns = self.schema.names
        parts = [_decoded(self.read(s, columns)) for s in self.segments(1 << 62)]
        return pa.concat_tables([p.cast(self.schema) for p in parts]) if parts \
            else self.schema.empty_table()

    def is_stale(self) -> bool:
        try:
            paths = _parquet_files(self.path)
        except OperationalError:
            return True
        return [f.path for f in self.files] != paths or \
            any(_signature(f.path) != f.signature for f in self.files)

    def reopen(self) -> "ParquetSource":
        return ParquetSource(self.path, self.columns)

    def describe(self) -> str:
        return str(self.path)


class CsvSource(ArrowSource):
    """A CSV file, read whole on first use (a CSV has no footer to learn its rows from).

    Registration reads only the header and the first block, for the schema, as Arrow's reader
    infers it; an empty field, quoted or not, is NULL, as DuckDB reads it."""

    lazy = True
    _CONVERT = pacsv.ConvertOptions(strings_can_be_null=True, quoted_strings_can_be_null=True)

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if not self.path.is_file():
            raise OperationalError(f"no such file: {self.path}")
        self.signature = _signature(self.path)
        self._table: pa.Table | None = None
        try:
            with pacsv.open_csv(self.path, convert_options=self._CONVERT) as reader:
                self.schema = reader.schema
        except (pa.ArrowInvalid, OSError) as exc:
            raise OperationalError(f"cannot read CSV file {self.path}: {exc}") from None

    @property
    def table(self) -> pa.Table:
        if self._table is None:
            try:
                self._table = pacsv.read_csv(self.path, convert_options=self._CONVERT)
            except (pa.ArrowInvalid, OSError) as exc:
                raise OperationalError(f"cannot read CSV file {self.path}: {exc}") from None
            self.schema = self._table.schema
        return self._table

    def is_stale(self) -> bool:
        return not self.path.is_file() or _signature(self.path) != self.signature

    def reopen(self) -> "CsvSource":
        return CsvSource(self.path)

    def describe(self) -> str:
        return str(self.path)


def _signature(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return (-1, -1)
    return (st.st_size, st.st_mtime_ns)


def _parquet_files(path: Path) -> list[Path]:
    if not path.exists():
        raise OperationalError(f"no such file or folder: {path}")
    if path.is_file():
        return [path]
    files = sorted(p for p in path.rglob("*.parquet") if p.is_file())
    if not files:
        raise OperationalError(f"folder {path} holds no .parquet files")
    return files


def _decoded(table: pa.Table) -> pa.Table:
    """`table` with its dictionary-encoded columns (small Parquet dictionaries, as `read` gives
    them) decoded to their values: Arrow casts no dictionary to a string view."""
    for i, field in enumerate(table.schema):
        if pa.types.is_dictionary(field.type):
            column = table.column(i).cast(field.type.value_type)
            table = table.set_column(i, pa.field(field.name, column.type, field.nullable,
                                                 field.metadata), column)
    return table


def _open(path: Path) -> _File:
    try:
        metadata = pq.read_metadata(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise OperationalError(f"cannot read Parquet file {path}: {exc}") from None
    return _File(path, metadata, _signature(path))


def _arrow_schema(f: _File) -> pa.Schema:
    try:
        return f.metadata.schema.to_arrow_schema().remove_metadata()
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise OperationalError(f"cannot read the schema of Parquet file {f.path}: {exc}") from None


def _schema_text(schema: pa.Schema) -> str:
    return "(" + ", ".join(f"{f.name} {f.type}" for f in schema) + ")"


def _dictionary_friendly(files: list[_File], field: pa.Field) -> bool:
    """Whether string column `field` is best read as Parquet's dictionaries: its first row group
    has a dictionary page of under DICTIONARY_BYTES_PER_ROW per row."""
    if not (pa.types.is_string(field.type) or pa.types.is_large_string(field.type)
            or pa.types.is_string_view(field.type)):
        return False
    metadata = files[0].metadata
    if metadata.num_row_groups == 0:
        return False
    index = metadata.schema.names.index(field.name)
    chunk = metadata.row_group(0).column(index)
    if not chunk.has_dictionary_page or chunk.dictionary_page_offset is None:
        return False
    dictionary_bytes = chunk.data_page_offset - chunk.dictionary_page_offset
    rows = metadata.row_group(0).num_rows
    return 0 <= dictionary_bytes < DICTIONARY_BYTES_PER_ROW * max(rows, 1)


def open_source(path: str | Path) -> Source:
    """The source of a Parquet file or folder, or of a CSV file (by its suffix)."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        return CsvSource(path)
    return ParquetSource(path)
