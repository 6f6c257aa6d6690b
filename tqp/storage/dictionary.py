"""Sorted string dictionaries: encoding, unifying two dictionaries, looking literals up.

A VARCHAR column is int32 codes into a sorted, duplicate-free dictionary, so code order is string
order. Functions over strings run once per dictionary entry (Arrow compute, on the host) and are
then gathered by code on the device.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import torch

STRING = pa.large_string()

# How much order a string column's dictionary keeps (planner/string_orders.py chooses):
SORTED = "sorted"  # sorted and duplicate-free: code order is string order (the default)
UNIQUE = "unique"  # duplicate-free, in the order values were met: equal strings, equal codes
AS_READ = "as read"  # each row its own entry, or the file's dictionaries unified: LIKE only
# The orders, the most order first: a dictionary keeping one keeps those after it too.
ORDERS = (SORTED, UNIQUE, AS_READ)


def encode(array: pa.Array, order: str = SORTED) -> tuple[np.ndarray, pa.Array]:
    """Codes (int32 numpy, 0 for NULL rows) and the dictionary of a string array (plain, or
    Arrow dictionary-encoded as Parquet's own dictionaries are read), keeping `order`."""
    if order == AS_READ and not pa.types.is_dictionary(array.type):
        # Each row its own entry (duplicates and all): for a column that only per-entry string
        # functions read, hashing it into unique values buys nothing. The entries are cast to
        # STRING once, here, as Arrow's string functions need: a string view (as Parquet files
        # written with views read) cast again by every query cost 15 ms over 1.5M comments.
        return np.arange(len(array), dtype=np.int32), array.cast(STRING)
    to_unique = None  # the map from the array's own dictionary to a duplicate-free one
    if pa.types.is_dictionary(array.type):
        indices = array.indices
        if order == AS_READ:
            dictionary = array.dictionary.cast(STRING)
        else:  # an Arrow dictionary need not be free of duplicates: its entries are hashed
            unique = array.dictionary.cast(STRING).dictionary_encode()
            to_unique = unique.indices.to_numpy(zero_copy_only=False)
            dictionary = unique.dictionary
    else:
        encoded = array.cast(STRING).dictionary_encode()
        indices, dictionary = encoded.indices, encoded.dictionary
    if indices.null_count:
        indices = indices.fill_null(0)
    indices = indices.to_numpy(zero_copy_only=False)
    if order == SORTED:
        rank, dictionary = sort_entries(dictionary)
        to_unique = rank if to_unique is None else rank[to_unique]
    if to_unique is None:
        return indices.astype(np.int32), dictionary  # a copy: Arrow's buffer is read-only
    codes = to_unique[indices] if len(to_unique) else np.zeros(len(indices), dtype=np.int32)
    return codes.astype(np.int32, copy=False), dictionary


def sort_entries(dictionary: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """(each entry's position in sorted order as int32, the entries sorted) of a duplicate-free
    dictionary: the map that re-codes codes into it."""
    order = pc.sort_indices(dictionary).to_numpy()
    rank = np.empty(len(order), dtype=np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    return rank, dictionary.take(pa.array(order))


class PieceCodes:
    """Codes of one string column that arrives as dictionary-encoded pieces (Parquet's own
    dictionaries, one per row group, read a batch at a time), over one dictionary for them all.

    Each piece's indices go into the codes array at once, offset to its dictionary's place in the
    list of the distinct piece dictionaries met. `finish` hashes those dictionaries' entries (not
    the rows) into one dictionary, sorted unless `order` asks for less, and gathers every row's code
    through the map once: no unifying of dictionaries per chunk, no second pass per piece."""

    def __init__(self, num_rows: int):
        self.codes = np.empty(num_rows, dtype=np.int32)  # every row is written by `add`
        self._dictionaries: list[pa.Array] = []
        self._entries = 0  # entries in the dictionaries before the last one

    def add(self, lo: int, piece: pa.Array) -> None:
        """Codes of rows lo.. from `piece` (a dictionary array, or plain strings, encoded here)."""
        if not pa.types.is_dictionary(piece.type):
            piece = piece.cast(STRING).dictionary_encode()
        dictionary = piece.dictionary
        last = self._dictionaries[-1] if self._dictionaries else None
        if last is None or not (dictionary is last or dictionary.equals(last)):
            if last is not None:
                self._entries += len(last)
            self._dictionaries.append(dictionary)
        indices = piece.indices
        if indices.null_count:
            indices = indices.fill_null(0)
        np.add(indices.to_numpy(zero_copy_only=False), self._entries,
               out=self.codes[lo:lo + len(piece)], casting="unsafe")

    def finish(self, rows: int, order: str = SORTED) -> tuple[np.ndarray, pa.Array]:
        """(codes of the first `rows` rows, 0 for NULL rows; their dictionary, sorted if `order`
        says so, else in the order values were met, duplicate-free either way)."""
        if not self._dictionaries:
            return self.codes[:rows], pa.array([], STRING)
        entries = pa.concat_arrays([d.cast(STRING) for d in self._dictionaries])
        encoded = entries.dictionary_encode()
        to_unified = encoded.indices.to_numpy(zero_copy_only=False)
        dictionary = encoded.dictionary
        if order == SORTED:
            rank, dictionary = sort_entries(dictionary)
            to_unified = rank[to_unified]
        codes = self.codes[:rows]
        if len(to_unified) and not np.array_equal(to_unified, np.arange(len(to_unified))):
            remap_in_place(codes, to_unified)
        return codes, dictionary


# Rows re-coded per step by `remap_in_place`: its scratch is a few MiB, reused step to step.
REMAP_ROWS = 1 << 20


def remap_in_place(codes: np.ndarray, table: np.ndarray) -> None:
    """codes[i] = table[codes[i]] for int32 `codes`, overwriting them a step at a time. A
    whole-column gather would write a second column as large (and numpy's fancy indexing a
    third, its int64 copy of the indices), pages that a fresh process pays for in faults."""
    lookup = torch.from_numpy(np.ascontiguousarray(table, dtype=np.int32))
    out = torch.from_numpy(codes)
    for lo in range(0, len(codes), REMAP_ROWS):
        step = out[lo:lo + REMAP_ROWS]
        step.copy_(torch.index_select(lookup, 0, step))


def from_strings(values: pa.Array, device: torch.device,
                 order: str = SORTED) -> tuple[torch.Tensor, pa.Array]:
    """Encode an Arrow string array as (codes tensor on `device`, dictionary keeping `order`)."""
    codes, dictionary = encode(values, order)
    return torch.from_numpy(codes).to(device), dictionary


def remap(dictionary: pa.Array, target: pa.Array) -> np.ndarray:
    """For each entry of `dictionary`, its code in the sorted `target` (which must contain it)."""
    return pc.index_in(dictionary, value_set=target).to_numpy(zero_copy_only=False).astype(np.int32)


def union(a: pa.Array, b: pa.Array) -> pa.Array:
    """The sorted union of two dictionaries."""
    merged = pc.unique(pa.concat_arrays([a.cast(STRING), b.cast(STRING)]))
    return merged.take(pc.sort_indices(merged))


def lookup(dictionary: pa.Array, value: str) -> tuple[int, bool]:
    """Position where `value` sorts in `dictionary`, and whether it is there."""
    n = len(dictionary)
    lo, hi = 0, n
    # Binary search over a sorted Arrow array: a handful of scalar reads, not a row loop.
    while lo < hi:
        mid = (lo + hi) // 2
        if dictionary[mid].as_py() < value:
            lo = mid + 1
        else:
            hi = mid
    return lo, lo < n and dictionary[lo].as_py() == value


def to_device_map(values: np.ndarray, device: torch.device) -> torch.Tensor:
    """A per-code lookup table (numpy) moved to the device, ready to be gathered by codes."""
    return torch.from_numpy(np.ascontiguousarray(values)).to(device)


def join_runs(codes: np.ndarray, dictionary: pa.Array, lengths: np.ndarray,
              separator: str) -> pa.Array:
    """One string per run of `lengths[i]` consecutive `codes`, their strings joined by
    `separator` (STRING_AGG); NULL for an empty run. One Arrow call, no loop over runs."""
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    strings = dictionary.cast(STRING).take(pa.array(codes, pa.int32()))
    lists = pa.LargeListArray.from_arrays(pa.array(offsets), strings,
                                          mask=pa.array(lengths == 0))
    return pc.binary_join(lists, pa.scalar(separator, STRING))
