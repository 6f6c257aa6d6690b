"""Join operators: inner/outer/cross joins and mark joins (EXISTS, IN), from match indices.

Key columns are aligned (same type, shared string dictionary), rows with a NULL key are set
aside (NULL never equals anything), the keys are packed into one int64 per row and matched by
`join.join_indices` (direct address table or sort + searchsorted). A residual condition then
filters the matched pairs; outer joins add the unmatched rows padded with NULLs.

Two ways in: the whole-batch functions (`join`, `mark_join`) take both inputs at once; for a
probe side that arrives in many batches, `prepare_build` builds the right input's table once
and `probe_pairs` / `probe_marks` match each batch against it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow.compute as pc
import torch
from sqlglot import exp

from tqp.errors import NotSupportedError
from tqp.operators.expressions import SqlText, evaluate
from tqp.operators.expressions.coerce import align
from tqp.operators.expressions.logic import truth
from tqp.operators.join import (
    JoinTable, KeySet, build_key_set, build_table, dense_limit, expand_runs, is_every_row,
    join_indices, key_in, key_set_contains, key_set_slots, mark_slots, match_any, probe_runs,
    probe_table, unmatched,
)
from tqp.operators.lists import reject_list_keys
from tqp.operators.keys import (
    MAX_PACKED_RANGE, KeyPacking, column_ranges, pack_build_keys, pack_join_keys, pack_probe_keys,
    probe_inside, rangeable,
)
from tqp.storage.column import Batch, Column
from tqp.storage.gather import gather
from tqp.storage.intervals import single_key
from tqp.storage.masks import count_true, set_true, true_rows
from tqp.storage.ranges import note_range, value_range
from tqp.types import DataType

MAX_CROSS_PAIRS = 200_000_000  # refuse nested-loop joins that would not fit in memory
# A build side with several keys whose packed range is too wide for a lookup table is built on
# one key alone when that key's range fits one and holds at least 1/LEAD_FANOUT as many values
# as there are rows (so a probe row meets about LEAD_FANOUT build rows or fewer); the other keys
# are then compared on each pair.
LEAD_FANOUT = 8
# Runs of the lead key this long at most are matched on the other keys round by round (see
# `_lead_pairs`); longer ones are expanded into every candidate pair first.
MAX_ROUNDS = 2 * LEAD_FANOUT


def _valid_rows(columns: list[Column]) -> torch.Tensor | None:
    """Indices of the rows whose keys are all non-NULL (None when every key is valid)."""
    valid = None
    for c in columns:
        if c.valid is not None:
            valid = c.valid if valid is None else valid & c.valid
    return None if valid is None else true_rows(valid)


def _at(values: torch.Tensor | None, rows: torch.Tensor | None, whole=None):
    """`values` at the int64 positions `rows`: `values` itself when `rows` is None (every row),
    `whole` when `values` is None (no row mapping). A gather with index_select: indexing with a
    tensor (`values[rows]`) is several times slower on a CPU, and on 2 threads it
    parallelises inputs of a few thousand rows, which under load took milliseconds."""
    if values is None:
        return whole
    return values if rows is None else gather(values, rows)


def _join_keys(left: Batch, right: Batch, left_keys, right_keys):
    """Both sides' keys packed into one int64 per row, keeping only rows whose keys are all
    non-NULL: (left keys, left rows or None for all, right keys, right rows or None)."""
    lcols, rcols = [], []
    for le, re in zip(left_keys, right_keys):
        lc, rc = evaluate(le, left), evaluate(re, right)
        reject_list_keys([lc, rc], "a join")
        lc, rc = align([lc, rc], SqlText(le, re, template="join condition {} = {}"))
        lc, rc = _interval_key(lc), _interval_key(rc)
        lcols.append(lc)
        rcols.append(rc)
    lrows, rrows = _valid_rows(lcols), _valid_rows(rcols)
    lk, rk = pack_join_keys([_at(c.values, lrows) for c in lcols],
                            [_at(c.values, rrows) for c in rcols])
    return lk, lrows, rk, rrows


def _interval_key(column: Column) -> Column:
    """An INTERVAL join key as one int64 a row that is equal where the intervals are
    (`INTERVAL '1 month'` meets `INTERVAL '30 days'`); other keys as they are."""
    if column.type is not DataType.INTERVAL:
        return column
    return Column(single_key(column.values, column.valid), DataType.BIGINT, column.valid)


def residual_pairs(left: Batch, right: Batch, li: torch.Tensor, ri: torch.Tensor, residual):
    """The pairs (li, ri) for which `residual` is TRUE."""
    if residual is None or not li.numel():
        return li, ri
    needed = {c.name for c in residual.find_all(exp.Column)}
    pairs = Batch({**{n: c.take(li) for n, c in left.columns.items() if n in needed},
                   **{n: c.take(ri) for n, c in right.columns.items() if n in needed}},
                  int(li.shape[0]), left.device)
    cond = truth(evaluate(residual, pairs), "join condition")
    keep = cond.values if cond.valid is None else cond.values & cond.valid
    if keep.stride(0) == 0:
        keep = keep.clone()
    rows = true_rows(keep)
    return gather(li, rows), gather(ri, rows)


def match_pairs(left: Batch, right: Batch, left_keys, right_keys, residual, device,
                ordered: bool = True, ran: list | None = None,
                right_kept: torch.Tensor | None = None):
    """All (left row, right row) pairs whose keys are equal and that pass `residual` (ordered by
    left row unless `ordered` is False). `ran` receives the strategy used. With `right_kept`
    (a bool per right row; with keys only), only right rows where it is True pair."""
    if left_keys:
        lk, lrows, rk, rrows = _join_keys(left, right, left_keys, right_keys)
        if right_kept is not None and rrows is not None:
            right_kept = gather(right_kept, rrows)
        li, ri = join_indices(lk, rk, ordered, ran, right_kept)
        li, ri = _at(lrows, li, li), _at(rrows, ri, ri)
    else:
        total = left.num_rows * right.num_rows
        if total > MAX_CROSS_PAIRS:
            raise NotSupportedError(
                f"a join without equality keys producing {total} candidate pairs")
        if ran is not None:
            ran.append("nested loop")
        li = torch.arange(left.num_rows, device=device).repeat_interleave(right.num_rows)
        ri = torch.arange(right.num_rows, device=device).repeat(left.num_rows)
    return residual_pairs(left, right, li, ri, residual)


def assemble(left: Batch, right: Batch, li: torch.Tensor, ri: torch.Tensor, kind: str,
             keep: frozenset[str] | None = None) -> Batch:
    """The joined rows of matched pairs (li, ri), in their order (by left row unless the
    caller asked for none), plus for outer joins the unmatched rows padded with NULLs. With
    `keep`, only those columns: a join keeping few rows gathers its columns at once
    (LateColumn.over), and a key column nothing reads after the join need not be."""
    if keep is not None:
        left = left.select([n for n in left.names if n in keep])
        right = right.select([n for n in right.names if n in keep])
    if kind in ("left", "full"):
        extra = unmatched(left.num_rows, li)
        li = torch.cat([li, extra])
        ri = torch.cat([ri, torch.full_like(extra, -1)])
    if kind in ("right", "full"):
        extra = unmatched(right.num_rows, ri[ri >= 0])
        li = torch.cat([li, torch.full_like(extra, -1)])
        ri = torch.cat([ri, extra])
    if kind in ("right", "full"):
        lout = left.take_or_null(li)
    elif is_every_row(li, left.num_rows):  # every left row matched once: nothing to gather
        lout = left
    else:
        lout = left.take_late(li)
    rout = right.take_or_null(ri) if kind in ("left", "full") else right.take_late(ri)
    return Batch({**lout.columns, **rout.columns}, int(li.shape[0]), left.device)


def join(left: Batch, right: Batch, kind: str, left_keys, right_keys, residual, device,
         ran: list | None = None, ordered: bool = True,
         keep: frozenset[str] | None = None) -> Batch:
    """`left` joined with `right` (both whole); the rows in no particular order with
    `ordered=False` (see `match_pairs`); only the columns `keep` when given."""
    if not left_keys and residual is None and kind in ("inner", "cross", "left") and \
            right.num_rows == 1 and all(c.lists is None and c.struct is None
                                        for c in right.columns.values()):
        if ran is not None:
            ran.append("one right row, broadcast")
        return _with_one_row(left, right, keep)
    right_kept = None
    if left_keys and kind in ("inner", "left"):  # right rows that pair nothing are dropped
        right, right_kept = unlisted_probe(right)
        if right_kept is not None and ran is not None:
            ran.append("right side's filter mask")
    li, ri = match_pairs(left, right, left_keys, right_keys, residual, device, ordered, ran,
                         right_kept)
    return assemble(left, right, li, ri, kind, keep)


def _with_one_row(left: Batch, right: Batch, keep: frozenset[str] | None) -> Batch:
    """Every row of `left` beside the one row of `right` (a join without a condition: a FROM
    list naming a one-row aggregate): `left` as it is and `right`'s values as broadcast views,
    no pair listed or gathered."""
    columns = {n: c for n, c in left.columns.items() if keep is None or n in keep}
    columns.update({n: c.broadcast(left.num_rows) for n, c in right.columns.items()
                    if keep is None or n in keep})
    return Batch(columns, left.num_rows, left.device)


def mark_join(left: Batch, right: Batch, mark: str, left_keys, right_keys, residual,
              null_aware: bool, device, ran: list | None = None) -> Batch:
    """`left` plus a bool column `mark`: does each row have a matching right row?"""
    n = left.num_rows
    if not left_keys and residual is None:
        found = torch.full((n,), right.num_rows > 0, dtype=torch.bool, device=device)
        return left.with_columns({mark: Column(found, DataType.BOOLEAN)})
    if left_keys and residual is None:
        # Only whether a match exists matters: no pairs are formed.
        lk, lrows, rk, _ = _join_keys(left, right, left_keys, right_keys)
        found = key_in(lk, rk)
        if ran is not None:
            ran.append("key set")
        if lrows is not None:
            found = torch.zeros(n, dtype=torch.bool, device=device).index_put_((lrows,), found)
    else:
        li, _ = match_pairs(left, right, left_keys, right_keys, residual, device,
                            ordered=False, ran=ran)
        found = match_any(n, li)
    valid = None
    if null_aware and right.num_rows:
        build = evaluate(right_keys[0], right)
        right_has_null = build.valid is not None and bool((~build.valid).any())
        valid = null_aware_valid(found, evaluate(left_keys[0], left), right_has_null)
    return left.with_columns({mark: Column(found, DataType.BOOLEAN, valid)})


def null_aware_valid(found: torch.Tensor, probe: Column, right_has_null: bool):
    """x IN (...) is NULL, not FALSE, when unmatched and x is NULL or the list holds a NULL."""
    unknown = torch.full_like(found, right_has_null)
    if probe.valid is not None:
        unknown = unknown | ~probe.valid
    valid = found | ~unknown
    return None if bool(valid.all()) else valid


# -- a build side prepared once, probed by many batches -----------------------------------------


@dataclass
class BuildSide:
    """A join's right input with its key columns evaluated and its table built (once)."""

    batch: Batch
    keys: list[Column]
    rows: torch.Tensor | None  # the rows with no NULL key (None: all)
    packing: KeyPacking
    table: JoinTable | None = None
    key_set: KeySet | None = None
    has_null_key: bool = False
    lead: int | None = None  # the one key the table is built on (the others checked per pair)
    intervals: frozenset = frozenset()  # the keys that are INTERVALs, as `_interval_key`s

    @property
    def strategy(self) -> str:
        if self.table is None:
            return self.key_set.strategy
        return self.table.strategy + (" on one key" if self.lead is not None else "")

    @property
    def nbytes(self) -> int:
        """Bytes held beside the batch's own columns: the table or key set, the rows with keys,
        and key columns computed rather than read from the batch."""
        extra = [k.values for k in self.keys] + ([] if self.rows is None else [self.rows])
        structure = self.table if self.table is not None else self.key_set
        return structure.nbytes + _new_bytes(extra, self.batch)


def prepare_build(right: Batch, right_keys, probe_rows: int, strategy: str = "auto",
                  key_set: bool = False, reserve=None,
                  cover: tuple[int, int] | None = None) -> BuildSide | None:
    """The right input ready to be probed: a JoinTable (or with `key_set`, a KeySet for a mark
    join without residual). None when its keys cannot be packed on their own (several keys
    whose ranges multiply past int64): the caller then joins each batch whole. `reserve` is
    told the bytes the build is about to hold (join.build_table) and those its keys took.
    `cover`, the probe keys' likely range (`probe_cover`: of one key only), widens the table
    or key set to it (join.build_table)."""
    keys = [evaluate(e, right) for e in right_keys]
    reject_list_keys(keys, "a join")
    intervals = frozenset(j for j, k in enumerate(keys) if k.type is DataType.INTERVAL)
    keys = [_interval_key(k) for k in keys]
    rows = _valid_rows(keys)
    values = [_at(k.values, rows) for k in keys]
    lead = None if key_set else _lead_key(values, probe_rows, strategy)
    packed = pack_build_keys([v.contiguous() for v in (values if lead is None else [values[lead]])])
    if packed is None:
        return None
    packed_keys, packing = packed
    if reserve is not None:  # keys computed, gathered or packed rather than read as they are
        reserve(_new_bytes([*(k.values for k in keys), *values, packed_keys], right))
    side = BuildSide(right, keys, rows, packing,
                     has_null_key=rows is not None and rows.numel() < right.num_rows, lead=lead,
                     intervals=intervals)
    if key_set:
        side.key_set = build_key_set(packed_keys, probe_rows, reserve, cover)
    else:
        side.table = build_table(packed_keys, probe_rows, strategy, reserve, cover)
    return side


def probe_cover(batch: Batch, left_keys) -> tuple[int, int] | None:
    """The range of one integer (or date) probe key over a probe batch, which a table built on
    that key alone may span so that probing needs no padding: the first batch stands for the
    others (a later one outside it still probes correctly, padded). None for other keys."""
    if len(left_keys) != 1:
        return None
    column = evaluate(left_keys[0], batch)
    if len(column) == 0 or column.holds_wide or not (
            column.type.is_integer or column.type in (DataType.DATE, DataType.TIMESTAMP)):
        return None
    return value_range(column.values)


def _new_bytes(tensors: list[torch.Tensor], batch: Batch) -> int:
    """Bytes of the distinct `tensors` that are not a column of `batch` itself."""
    seen = {c.values.data_ptr() for c in batch.columns.values()}
    total = 0
    for t in tensors:
        if t.data_ptr() not in seen:
            seen.add(t.data_ptr())
            total += t.numel() * t.element_size()
    return total


def _lead_key(values: list[torch.Tensor], probe_rows: int, strategy: str = "auto") -> int | None:
    """The one key to build a table on (see LEAD_FANOUT), or None to pack them all: when the
    packed range would be too wide for a lookup table and one key's range is not. A table
    that is sorted anyway ("search") packs them all where they fit in int64: one binary
    search finds a probe key's own rows, where a search on one key found up to LEAD_FANOUT
    rows to compare the other keys with (a three-key join of 490k probe rows into 650k
    unique keys: the pairs of one key cost 136 ms)."""
    if len(values) < 2 or not values[0].numel():
        return None
    if any(v.is_floating_point() for v in values):  # float keys compare as packed, not raw
        return None
    rows = values[0].numel()
    limit = dense_limit(rows, probe_rows)
    spans = [hi - lo + 1 for lo, hi in column_ranges([rangeable(v) for v in values])]
    total = 1
    for span in spans:
        total *= span
    fit = [j for j, span in enumerate(spans) if span <= limit and rows <= LEAD_FANOUT * span]
    if total <= limit or not fit or strategy == "search" and total <= MAX_PACKED_RANGE:
        return None
    return max(fit, key=lambda j: spans[j])


def _probe_keys(build: BuildSide, left: Batch, left_keys, kept: torch.Tensor | None = None):
    """A batch's keys packed like the build side's: (packed, rows with usable keys or None,
    each key's values at those rows), or None when the types do not meet the build side's as
    they are. With rows None every row is there, those without a usable key packed into a key
    no build row has (their `values` are then of no use). `kept` (a bool per row: the rows a
    filter kept) counts as the rows with usable keys where some key has none; else it is the
    caller's to apply (see `probe_pairs`)."""
    cols, masks = [], []
    for j, (expr, bcol) in enumerate(zip(left_keys, build.keys)):
        col = evaluate(expr, left)
        reject_list_keys([col], "a join")
        if (col.type is DataType.INTERVAL) != (j in build.intervals):
            return None
        col = _interval_key(col)
        if col.type is DataType.VARCHAR and bcol.type is DataType.VARCHAR:
            if col.dictionary is not bcol.dictionary:
                col, found = _recode(col, bcol.dictionary)
                masks.append(found)
        elif col.type is not bcol.type and not (col.type.is_numeric and bcol.type.is_numeric):
            return None
        elif _scale(col) != _scale(bcol):  # scaled integers compare only on one scale
            return None
        cols.append(col)
        if col.valid is not None:
            masks.append(col.valid)
    if build.lead is None:
        inside = probe_inside(build.packing, [c.values for c in cols])
        if inside is not None and not bool(inside.all()):  # else no rows to pick out
            masks.append(inside)
    if kept is not None and masks:
        masks.append(kept)
    ok = None
    for m in masks:
        ok = m if ok is None else ok & m
    if ok is not None and build.lead is None and len(cols) > 1 and \
            2 * int(count_true(ok)) >= ok.numel():
        # Most rows have usable keys: all rows are packed (those without, into no key in
        # particular) and those without then get a key no build row has, where picking out the
        # others took a pass to list them and a gather of every key column.
        values = [c.values for c in cols]
        packed = pack_probe_keys(build.packing, values)
        if packed is None:
            return None
        return torch.where(ok, packed, NO_PACKED_KEY), None, values
    # The key the table is built on: the only one, or the lead.
    at = 0 if build.lead is None else build.lead
    missing = None if ok is None or (len(cols) > 1 and build.lead is None) else \
        _missing_key(build.keys[at].values, cols[at].values)
    if missing is not None:
        # Rows without a usable key get a key no build row has: one pass, where picking out
        # the others took a pass to list them and a gather of every key column (a lead's
        # other keys are then read only at the pairs its key finds).
        values = [c.values for c in cols]
        lo, hi = value_range(values[at])
        values[at] = torch.where(ok, values[at], missing)
        note_range(values[at], min(lo, missing), max(hi, missing))
        ok = None
    rows = None if ok is None else true_rows(ok)
    if missing is None:
        values = [_at(c.values, rows) for c in cols]
    if build.lead is None:
        packed = pack_probe_keys(build.packing, values)
    else:  # the other (integer) keys are compared as they are: integers on both sides
        if any(j != build.lead and (v.is_floating_point() or
                                    torch.promote_types(v.dtype, k.values.dtype) != k.values.dtype)
               for j, (v, k) in enumerate(zip(values, build.keys))):
            return None
        packed = pack_probe_keys(build.packing, [values[build.lead]])
    if packed is None:
        return None
    return packed, rows, values


# Packed keys lie in 0..span-1: this one matches no build row.
NO_PACKED_KEY = -1


def _scale(column: Column) -> int:
    """The decimal places of a numeric key's stored values (a DECIMAL's scale, else 0)."""
    return column.decimal.scale if column.type is DataType.DECIMAL else 0


def _missing_key(key: torch.Tensor, probe: torch.Tensor) -> int | None:
    """An integer in `probe`'s dtype that no value of the build key column `key` equals (just
    outside its range), or None when the keys are not integers or no such value fits."""
    if (not probe.numel() or probe.dim() != 1 or probe.is_floating_point()
            or probe.dtype == torch.bool or not key.numel()):
        return None
    if key.dim() != 1 or key.is_floating_point() or key.dtype == torch.bool:
        return None
    lo, hi = value_range(key)
    limits = torch.iinfo(probe.dtype)  # the build keys may be wider than the probe's dtype
    if hi < limits.max:
        return max(hi + 1, limits.min)
    return min(lo - 1, limits.max) if lo > limits.min else None


def _recode(col: Column, dictionary) -> tuple[Column, torch.Tensor]:
    """String codes re-coded into `dictionary`, and a mask of the rows whose string is there."""
    positions = pc.index_in(col.dictionary, value_set=dictionary)
    mapping = np.asarray(positions.fill_null(-1).to_numpy(zero_copy_only=False), np.int64)
    table = torch.from_numpy(mapping).to(col.device)
    codes = table[col.values.long()] if table.numel() else torch.full_like(
        col.values, -1, dtype=torch.int64)
    found = codes >= 0
    return Column(codes.clamp(min=0).to(torch.int32), col.type, col.valid, dictionary), found


# A join probes a filter's input with the filter's mask, not the rows it kept, when they are at
# least this share of them: every key is looked up, but the kept rows are never listed and
# their keys never gathered. 6M probe keys into a direct table, 2-core AMD VM, min of 15,
# listed -> masked: a random fifth kept 15.9 -> 10.6 ms, 30% 20.2 -> 11.4, half 20.9 -> 13.8,
# 95% 33.6 -> 12.0; a contiguous tenth 5.0 -> 10.1, a fifth 8.2 -> 10.2, 30% 11.3 -> 12.1,
# half 17.8 -> 14.3.
UNLISTED_MIN_SHARE = 0.25


def unlisted_probe(batch: Batch) -> tuple[Batch, torch.Tensor | None]:
    """(the batch to probe with, the mask of its rows that may match, or None): a filter's
    input and mask while the rows it kept are unlisted (Batch.unlisted) and at least
    UNLISTED_MIN_SHARE of them; else `batch` itself and None."""
    unlisted = batch.unlisted()
    if unlisted is None or batch.num_rows < UNLISTED_MIN_SHARE * unlisted[0].num_rows:
        return batch, None
    return unlisted


def probe_pairs(build: BuildSide, left: Batch, left_keys, residual,
                kept: torch.Tensor | None = None):
    """The (left row, build row) pairs of one probe batch, ordered by left row; None when the
    batch's key types do not meet the build side's (join it whole instead). With `kept`, a
    bool per row, only rows where it is True pair (a filter's input and its mask, probed
    without listing the rows it kept: Batch.unlisted)."""
    probe = _probe_keys(build, left, left_keys, kept)
    if probe is None:
        return None
    packed, lrows, values = probe
    if lrows is not None:  # the kept rows were among the rows listed
        kept = None
    if build.lead is not None and packed.numel() and build.table.strategy in ("direct-runs",
                                                                               "sorted"):
        li, ri = _lead_pairs(build, packed, values, kept)
    else:
        li, ri = probe_table(build.table, packed, kept)
        ri = _at(build.rows, ri, ri)
        if build.lead is not None:
            li, ri = _equal_other_keys(build, values, li, ri)
    li = _at(lrows, li, li)
    return residual_pairs(left, build.batch, li, ri, residual)


def _lead_pairs(build: BuildSide, packed: torch.Tensor, values: list[torch.Tensor],
                kept: torch.Tensor | None = None):
    """The pairs of a table of runs built on one key whose other keys are equal too, ordered by
    probe row, then build row. While the runs are short, each probe row steps through its run
    one position a round (round j compares the other keys with the j-th build row of the run),
    so no round touches more rows than the probe side has: not every candidate pair expanded,
    gathered and compared at once. Only rows where `kept` is True pair, when given."""
    table = build.table
    rows, run, start = probe_runs(table, packed, kept)
    longest = int(run.max()) if run.numel() else 0
    if longest > MAX_ROUNDS:
        li, ri = expand_runs(rows, run, start, table.perm)
        return _equal_other_keys(build, values, li, _at(build.rows, ri, ri))
    probes = [gather(probe, rows) for j, probe in enumerate(values) if j != build.lead]
    keys = [key.values for j, key in enumerate(build.keys) if j != build.lead]
    at = None  # the live rows' places in `rows` (None: all of them)
    found_at, found = [], []
    for step in range(longest):
        if step:  # only the rows whose run is this long go on
            live = true_rows(run > step)
            if live.numel() < run.numel():
                at = live if at is None else gather(at, live)
                run, start = gather(run, live), gather(start, live)
                probes = [gather(p, live) for p in probes]
        position = start + step
        b = position if table.perm is None else gather(table.perm, position).long()
        b = _at(build.rows, b, b)
        equal = None
        for probe, key in zip(probes, keys):
            same = probe == gather(key, b)
            equal = same if equal is None else equal.logical_and_(same)
        hit = true_rows(equal)
        found_at.append(hit if at is None else gather(at, hit))
        found.append(gather(b, hit))
    if not found:
        empty = torch.empty(0, dtype=torch.int64, device=rows.device)
        return empty, empty.clone()
    li, ri = torch.cat(found_at), torch.cat(found)
    if len(found) > 1:  # rounds list their pairs one after another: back in probe-row order
        li, ri = _by_probe_row(li, ri, rows.numel())
    return gather(rows, li), ri


def _by_probe_row(li: torch.Tensor, ri: torch.Tensor, n: int):
    """Pairs (li, ri) ordered by li, keeping the order of each li's pairs: where no li repeats
    (a unique key matched), each lands in its row's slot and is read back in row order, with
    no sort."""
    slot = torch.full((n,), -1, dtype=ri.dtype, device=ri.device)
    slot.index_copy_(0, li, ri)
    filled = slot >= 0
    if int(filled.sum()) == li.numel():
        li = true_rows(filled)
        return li, gather(slot, li)
    order = torch.sort(li, stable=True).indices
    return gather(li, order), gather(ri, order)


def _equal_other_keys(build: BuildSide, values: list[torch.Tensor], li: torch.Tensor,
                      ri: torch.Tensor):
    """The pairs of a table built on one key whose other keys are equal too."""
    keep = None
    for j, (probe, key) in enumerate(zip(values, build.keys)):
        if j != build.lead:
            equal = gather(probe, li) == gather(key.values, ri)
            keep = equal if keep is None else keep & equal
    rows = true_rows(keep)
    return gather(li, rows), gather(ri, rows)


def probe_marks(build: BuildSide, left: Batch, left_keys, null_aware: bool):
    """Per row of one probe batch: is its key in the build side's key set? (None: join it
    whole instead.) With `null_aware`, IN's NULL rules give the validity."""
    probe = _probe_keys(build, left, left_keys)
    if probe is None:
        return None
    packed, lrows, _ = probe
    found = key_set_contains(build.key_set, packed)
    if lrows is not None:
        found = torch.zeros(left.num_rows, dtype=torch.bool,
                            device=left.device).index_put_((lrows,), found)
    valid = None
    if null_aware and build.batch.num_rows:
        valid = null_aware_valid(found, evaluate(left_keys[0], left), build.has_null_key)
    return found, valid


# -- a small side built, the other side's batches marking it as they stream past --------------


class BuildMarks:
    """Which rows of a built side (`BuildSide`, its keys `build_keys`) some row of the batches
    streaming past matches, on equal keys and `residual`: an EXISTS or IN whose outer rows are
    few is built on them, and the subquery's rows are read batch by batch, never held whole.

    Without a residual the built side is a key set (`prepare_build(key_set=True)`): each
    streamed key marks its slot, whatever the repeats on either side, and each built row then
    reads its own key's slot. With one, each pair passing it marks its built row."""

    def __init__(self, build: BuildSide, build_keys, residual):
        self.build, self.build_keys, self.residual = build, build_keys, residual
        device = build.batch.device
        self.rows = torch.zeros(build.batch.num_rows, dtype=torch.bool, device=device)
        keys = build.key_set
        slots = 0 if keys is None or keys.strategy == "empty" else \
            keys.hi - keys.lo + 1 if keys.strategy == "presence" else keys.table.numel()
        self.slots = torch.zeros(slots, dtype=torch.bool, device=device)

    def add(self, batch: Batch, keys) -> bool:
        """Mark the build rows that a row of `batch` (its keys `keys`) matches; a filter's rows
        not listed yet are read as its input and mask (`unlisted_probe`): True when they
        were."""
        probed, kept = unlisted_probe(batch)
        if self.build.key_set is not None:
            probe = _probe_keys(self.build, probed, keys, kept)
            if probe is not None:
                packed, rows, _ = probe
                mark_slots(self.build.key_set, self.slots, packed, kept if rows is None else None)
                return kept is not None
        else:
            pairs = probe_pairs(self.build, probed, keys, self.residual, kept)
            if pairs is not None:
                set_true(self.rows, pairs[1])
                return kept is not None
        # Key types that do not meet as they are: the batch matched whole.
        _, rows = match_pairs(batch, self.build.batch, keys, self.build_keys, self.residual,
                              batch.device, ordered=False)
        set_true(self.rows, rows)
        return False

    def found(self) -> torch.Tensor:
        """Per build row: did any row streamed past match it?"""
        if self.build.key_set is None:
            return self.rows
        own = _probe_keys(self.build, self.build.batch, self.build_keys)
        packed, rows, _ = own
        at, slots = key_set_slots(self.build.key_set, packed)
        hit = gather(self.slots, slots)
        if rows is not None:
            at = gather(rows, at)
        return self.rows.index_copy_(0, at, gather(self.rows, at) | hit)
