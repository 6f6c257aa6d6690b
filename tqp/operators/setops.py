"""UNION, INTERSECT and EXCEPT (with or without ALL).

Both inputs are concatenated; each distinct row (NULLs equal, as set operations treat them) gets
a group id, and per-group counts on each side decide how many copies survive."""

from __future__ import annotations

import torch

from tqp.operators.expressions.coerce import align, to_type
from tqp.operators.batches import concat_columns
from tqp.operators.first_groups import first_group_ids
from tqp.operators.lists import reject_list_keys
from tqp.storage.column import Batch, Column, normalize_valid
from tqp.storage.wide import same_width
from tqp.types import DataType


def concat(left: Batch, right: Batch, names) -> Batch:
    """Rows of `left` then rows of `right`, column by column (types and dictionaries aligned)."""
    columns = {}
    for name, lname, rname in zip(names, left.names, right.names):
        if {DataType.LIST, DataType.STRUCT} & {left[lname].type, right[rname].type}:
            columns[name] = concat_columns([left[lname], right[rname]], "set operation")
            continue
        a, b = align(_strings_win([left[lname], right[rname]]), "set operation", supertype=True)
        valid = None
        if a.valid is not None or b.valid is not None:
            valid = normalize_valid(torch.cat([a.validity(), b.validity()]))
        columns[name] = Column(torch.cat(same_width([a.values, b.values])), a.type, valid, a.dictionary,
                               a.decimal)
    return left.empty_like(left.num_rows + right.num_rows, columns)


def _strings_win(columns: list[Column]) -> list[Column]:
    """DuckDB's rule for set operations: a VARCHAR side turns the other (number, date, boolean)
    into VARCHAR too, where a comparison would parse the string instead."""
    types = {c.type for c in columns}
    if DataType.VARCHAR not in types or types <= {DataType.VARCHAR, DataType.NULL}:
        return columns
    return [c if c.type in (DataType.VARCHAR, DataType.NULL) else to_type(c, DataType.VARCHAR)
            for c in columns]


def set_operation(kind: str, all_: bool, left: Batch, right: Batch) -> Batch:
    """`left` UNION/INTERSECT/EXCEPT (`kind`) `right`, with ALL when `all_`."""
    both = concat(left, right, left.names)
    if kind == "union" and all_:
        return both
    if not both.columns:
        return both.empty_like(min(both.num_rows, 1))
    reject_list_keys(both.columns.values(), f"{kind.upper()}{' ALL' if all_ else ''}")
    ids, groups, first = first_group_ids([(c.values, c.valid) for c in both.columns.values()])
    device = ids.device
    side_right = torch.arange(both.num_rows, device=device) >= left.num_rows
    left_count = torch.bincount(ids[~side_right], minlength=groups)
    right_count = torch.bincount(ids[side_right], minlength=groups)
    if kind == "union":
        copies = torch.ones(groups, dtype=torch.long, device=device)
    elif kind == "intersect":
        copies = torch.minimum(left_count, right_count) if all_ else \
            ((left_count > 0) & (right_count > 0)).long()
    else:  # except
        copies = (left_count - right_count).clamp(min=0) if all_ else \
            ((left_count > 0) & (right_count == 0)).long()
    rows = torch.repeat_interleave(first, copies)  # in order of first appearance
    return both.take(rows)
