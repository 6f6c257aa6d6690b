"""Keeps large CPU tensors in the heap instead of fresh memory mappings.

glibc serves every allocation above its mmap threshold (at most 32 MiB, by default) with a new
memory mapping and unmaps it on free. An engine that works a column at a time allocates and frees
tensors of tens of megabytes in every operator, and each new mapping is paid again in page
faults: a 6M-row float64 multiply measured 42 ms with a fresh output against 12 ms into an
existing one. Raising the threshold lets freed blocks be reused (the same multiply: 23 ms).
Process-wide and only on glibc; anywhere else it does nothing. glibc also gives the top of the
heap back to the system on any free that leaves more than its trim threshold free there; at
256 MiB, a query whose intermediates reach about 275 MB gave them back after every other run
and faulted them in again on the next (70K page faults: 81 and 107 ms by turns, 64 ms every
run with 1 GiB).

numpy, for its part, asks the kernel for transparent huge pages for every array of 4 MiB or
more; tqp turns that off. Converting a Parquet column writes such arrays once, and on the
2-core VM this project measures on their first touch then cost more, not less: a fresh process
answering one query from Parquet files used 15-40% less CPU with it off (six benchmark
queries, 3 runs each, idle), the huge-page faults being dearer there than the 4 KiB ones they
replace. Also process-wide, and only where numpy has the switch.

Arrow's buffers (the batches a Parquet scan decodes, string function results) come from
jemalloc (or, in a pyarrow built without it, the system allocator), not Arrow's default
mimalloc pool, which backs its segments with transparent huge pages as numpy did: decoding a
1.5M-row string column into it took 360-580 ms in fresh processes against 190-220 ms with
either of the others (pyarrow 26, the same VM). Over all 22 cold benchmark queries the three
pools came out within the VM's noise (two runs each: jemalloc 1.72 and 1.68 times DuckDB,
mimalloc 1.69 and 1.80, the system allocator 1.87 and 1.94, with more pages faulted in).
Process-wide as well: `pyarrow.set_memory_pool`.

The price of the heap is that freed blocks stay resident: `release_free_memory` hands the free pages back to
the system (malloc_trim) where a memory limit needs them gone, e.g. after cached columns were
evicted to make room for an operator's state.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 1 << 30  # allocations below 1 GiB come from the heap
TRIM_THRESHOLD = 1 << 30  # keep up to 1 GiB of freed memory at the top of the heap

_applied = False
_libc = None


def keep_large_allocations_in_heap() -> bool:
    """Tune glibc's malloc once per process; True when the settings took."""
    global _applied
    if _applied or not sys.platform.startswith("linux"):
        return _applied
    global _libc
    try:
        libc = _glibc()
        mallopt = libc.mallopt
        libc.malloc_trim  # noqa: B018 - glibc only
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    _applied = bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
    _libc = libc if _applied else None
    _no_numpy_huge_pages()
    _arrow_pool_without_huge_pages()
    return _applied


def _glibc() -> ctypes.CDLL:
    """The C library by its glibc name, else as the system finds it: `find_library` runs
    `ldconfig -p` in a subprocess, 1-2 ms of every new connection's start."""
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:
        return ctypes.CDLL(ctypes.util.find_library("c"))


def _no_numpy_huge_pages() -> None:
    """Stop numpy from advising huge pages for its large arrays (see the module docstring)."""
    try:
        from numpy._core.multiarray import _set_madvise_hugepage
    except ImportError:  # an older numpy, or one without the switch
        try:
            from numpy.core.multiarray import _set_madvise_hugepage
        except ImportError:
            return
    _set_madvise_hugepage(False)


def _arrow_pool_without_huge_pages() -> None:
    """Make jemalloc, or else the system allocator, Arrow's default pool (see the module
    docstring)."""
    import pyarrow as pa

    try:
        pool = pa.jemalloc_memory_pool()
    except NotImplementedError:  # a pyarrow built without jemalloc
        pool = pa.system_memory_pool()
    pa.set_memory_pool(pool)


def release_free_memory() -> None:
    """Return free memory to the system: the heap's free pages (only where the heap keeps them,
    see above) and what Arrow's allocator keeps from decoding files."""
    if _libc is not None:
        _libc.malloc_trim(0)
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
