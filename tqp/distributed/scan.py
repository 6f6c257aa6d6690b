"""What Ray workers scan: the tables' sources, so that each task reads its own partitions.

`ship_sources` is the one place that decides what a worker gets for the tables a stage
scans: each table's Source, put in the object store once per connection while the catalog
holds that same source. A ParquetSource travels as its file paths and footers, so the tasks
read their row groups from the files themselves (the files must be readable at the same
paths on every node); an in-memory table travels as its Arrow data in IPC form (Ray's own
Arrow serializer refuses some types, such as string views). A task registers them in a catalog of its own (`worker_catalog`), and
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


def worker_catalog(device: torch.device, sources: dict) -> Catalog:
    """A task's catalog of the tables its stage scans (their sources fetched from the
    object store)."""
    catalog = Catalog(device)
    for name, shipped in zip(sources, ray.get(list(sources.values()))):
        catalog.add_table(name, _source(shipped))
    return catalog


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
