"""STRING_AGG (LISTAGG, GROUP_CONCAT): the non-NULL strings of each group joined by a
separator, in input order (the caller sorts the rows first for an ORDER BY inside the call).

The rows are ordered by group on the device; the strings themselves are built on the host by one
Arrow call over all groups (storage/dictionary.py), then encoded back into a dictionary column.
"""

from __future__ import annotations

import torch

from tqp.operators.expressions.casts import cast_column
from tqp.storage import dictionary
from tqp.storage.column import Column, normalize_valid
from tqp.types import DataType


def string_agg(arg: Column, ids: torch.Tensor, groups: int, separator: str) -> Column:
    if arg.type is not DataType.VARCHAR:  # numbers and dates join as their text, as in DuckDB
        arg = cast_column(arg, DataType.VARCHAR)
    rows = torch.arange(len(arg), device=ids.device)
    if arg.valid is not None:
        rows = rows[arg.valid]
    rows = rows[torch.argsort(ids[rows], stable=True)]
    counts = torch.bincount(ids[rows], minlength=groups)
    strings = dictionary.join_runs(arg.values[rows].cpu().numpy(), arg.dictionary,
                                   counts.cpu().numpy(), separator)
    codes, values = dictionary.from_strings(strings, ids.device)
    return Column(codes, DataType.VARCHAR, normalize_valid(counts > 0), values)
