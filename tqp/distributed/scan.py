"""What Ray workers scan: the tables' sources, so that each task reads its own partitions.

`ship_sources` is the one place that decides what a worker gets for the tables a stage
scans: each table's Source, put in the object store once per connection while the catalog
holds that same source. A ParquetSource travels as its file paths and footers, so the tasks
read their row groups from the files themselves (the files must be readable at the same
paths on every node); an in-memory table travels as its Arrow data in IPC form (Ray's own
Arrow serializer refuses some types, such as string views). A worker registers them in a
catalog it keeps across queries (`WorkerTables`), with the columns it decoded cached, and
TableScan runs there unchanged: segments, row-group pruning and dictionaries as in one
process.
"""

from __future__ import annotations

import pyarrow as pa
import ray
import torch

from tqp.distributed.stages import operators
from tqp.physical.operator import PhysicalOperator
from tqp.physical.scan import TableScan
from tqp.storage.catalog import Catalog
from tqp.storage.sources import ArrowSource, Source


class ShippedTables:
    """The object-store copies of the catalog's sources made by one connection."""

    def __init__(self):
        self._puts: dict[str, tuple] = {}  # table -> (the source it copies, kept alive; ref)

    def ref(self, table: str, source) -> ray.ObjectRef:
        """The ref of `source` in the object store, put once while `table` keeps it."""
        found = self._puts.get(table)
        if found is None or found[0] is not source:
            found = (source, ray.put(_shippable(source)))
            self._puts[table] = found
        return found[1]


def ship_sources(root: PhysicalOperator, catalog, shipped: ShippedTables) -> dict:
    """Table name -> the ref of its source, for every table the plan `root` scans."""
    tables = sorted({op.table for op in operators(root) if isinstance(op, TableScan)})
    return {t: shipped.ref(t, catalog.source(t)) for t in tables}


class WorkerTables:
    """A worker's catalog of the tables its tasks scan, kept across tasks and queries with the
    tensor cache of the segments they read (tqp/storage/cache.py), so that a later query
    reads its columns from memory instead of decoding the files again. A table is registered
    again, and its cached columns dropped, only when the driver ships a different source for
    it (a new object-store copy: its files changed and were reopened, the table was replaced,
    or another connection registered a table of that name). `cache_bytes` bounds what stays
    cached between tasks; during a task the cache shares the query's memory limit."""

    def __init__(self, device: torch.device, cache_bytes: int):
        self.catalog = Catalog(device)
        self.cache_bytes = cache_bytes
        self._refs: dict[str, str] = {}  # table -> the id of the shipped source registered

    def catalog_for(self, sources: dict) -> Catalog:
        """The catalog with the tables of `sources` (table -> ref, from ship_sources) current."""
        changed = [name for name, ref in sources.items() if self._refs.get(name) != ref.hex()]
        for name, shipped in zip(changed, ray.get([sources[name] for name in changed])):
            self.catalog.add_table(name, _source(shipped))
            self._refs[name] = sources[name].hex()
        return self.catalog

    def trim(self) -> None:
        """Evict the cache down to `cache_bytes` (after a task)."""
        self.catalog.set_cache_limit(self.cache_bytes)


def _shippable(source: Source):
    """What travels for `source`: a lazy source itself (paths and footers), an in-memory one
    as Arrow IPC bytes."""
    if source.lazy:
        return source
    sink = pa.BufferOutputStream()
    table = source.to_arrow()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _source(shipped) -> Source:
    if isinstance(shipped, Source):
        return shipped
    return ArrowSource(pa.ipc.open_stream(pa.py_buffer(shipped)).read_all())
