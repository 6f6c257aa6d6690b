"""Hash partitioning: a partition number per row from the values of key columns.

The same values give the same partition in every batch, whatever the batch's string
dictionary, so both sides of a join, or all batches of an aggregate's input, can be split
consistently and processed partition by partition (spilling).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import torch

from tqp.operators.keys import as_int64
from tqp.storage.column import Column
from tqp.storage.wide import key_words
from tqp.types import DataType

_MIX = 0x9E3779B97F4A7C15  # 2^64 / golden ratio: multiplicative hashing
_BASE = np.uint64(1099511628211)  # FNV prime, for the string polynomial


def _mix(values: torch.Tensor) -> torch.Tensor:
    """A well-spread int64 from int64 values (multiply, xor-shift; wraps around)."""
    mixed = values * torch.tensor(_MIX - (1 << 64), dtype=torch.int64, device=values.device)
    return mixed ^ (mixed >> 29)


def string_hashes(dictionary: pa.Array) -> np.ndarray:
    """An int64 content hash of each string of an Arrow string array, computed over its bytes
    at once (a polynomial in the bytes, summed per string), no loop over strings."""
    array = dictionary.cast(pa.large_string())
    if len(array) == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int64)[array.offset:array.offset + len(array) + 1]
    data = np.frombuffer(array.buffers()[2], dtype=np.uint8) if array.buffers()[2] is not None \
        else np.zeros(0, dtype=np.uint8)
    start, stop = offsets[0], offsets[-1]
    data = data[start:stop].astype(np.uint64)
    lengths = np.diff(offsets)
    position = np.arange(len(data), dtype=np.int64) - np.repeat(offsets[:-1] - start, lengths)
    longest = int(lengths.max()) if len(lengths) else 0
    with np.errstate(over="ignore"):
        powers = np.cumprod(np.full(max(longest, 1), _BASE, dtype=np.uint64))
        terms = (data + np.uint64(1)) * powers[position] if len(data) else data
        sums = np.zeros(len(array), dtype=np.uint64)
        np.add.at(sums, np.repeat(np.arange(len(array)), lengths), terms)
        sums = sums + lengths.astype(np.uint64)
    return sums.view(np.int64)


def partition_of(columns: list[Column], partitions: int) -> torch.Tensor:
    """int64 partition numbers in [0, partitions) per row; NULL is a value of its own."""
    keys = []
    for column in columns:
        if column.type is DataType.VARCHAR:
            table = torch.from_numpy(string_hashes(column.dictionary)).to(column.device)
            words = [table[column.values.long()] if table.numel() else
                     torch.zeros(len(column), dtype=torch.int64, device=column.device)]
        else:  # an INTERVAL's normalised parts (equal intervals, one partition), 128-bit words
            words = [as_int64(w) for w in key_words(column.values)]
        for values in words:
            if column.valid is not None:
                values = torch.where(column.valid, values, torch.full_like(values, -1))
            keys.append(values)
    return torch.remainder(tuple_hashes(keys), partitions)


def tuple_hashes(columns: list[torch.Tensor]) -> torch.Tensor:
    """An int64 hash per row of integer key columns: equal tuples, equal hashes."""
    h = _mix(columns[0].to(torch.int64))
    for column in columns[1:]:
        h = _mix(h * 31 + _mix(column.to(torch.int64)))
    return h
