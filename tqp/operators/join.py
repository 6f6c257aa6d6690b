"""Equi-join match kernels: all (left, right) row pairs with equal int64 keys.

Every join kind (inner, left/right/full outer, semi, anti) is built from the same pairs:
`join_indices` finds them, `match_any` and `unmatched` derive the semi/anti masks and the rows an
outer join pads with NULLs.

Two strategies, both whole-column:
- direct address: when the build side's key range is small (against its own row count, or no
  larger than the probe side, which is read whole anyway), unique keys give `lut[key - min] = row`
  and the probe side is one gather; duplicate keys give `lut[key - min] = run` over the build
  rows sorted by key, whose starts and lengths the probe side gathers and expands;
- sort + search: sort the build keys (stable), `searchsorted` each probe key for its run of equal
  keys, and expand the runs with `repeat_interleave`.
The build side is normally the right input; a much smaller left input is built instead, and the
pairs are then re-sorted by left row.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from tqp.storage.gather import gather
from tqp.storage.masks import count_true, set_true, true_rows
from tqp.storage.ranges import value_range

# A key set counts as dense when max - min + 1 <= max(DENSE_FACTOR * rows + DENSE_SLACK,
# PROBE_FACTOR * probe rows, MIN_TABLE), and never beyond MAX_TABLE entries: filling a table of a
# few million entries costs less than sorting the build side, and filling one slot costs far less
# than a binary search for one probe row (12M probes of a 2.3M-key build over a 60M range: 4.0 s
# direct against 13.3 s searched, 2 cores at load 8).
DENSE_FACTOR = 4
DENSE_SLACK = 1024
PROBE_FACTOR = 8
MIN_TABLE = 1 << 23
MAX_TABLE = 1 << 27
# The buckets of a sorted key set: about this many per key, at least MIN_BUCKETS, at most
# MIN_TABLE (a bool each).
BUCKETS_PER_KEY = 64
MIN_BUCKETS = 1 << 16
# Bytes per build row that building a table may hold transiently (see build_scratch_bytes).
BUILD_SCRATCH_BYTES_PER_ROW = 32
# Bytes per key a stable sort holds at once: its values, indices and buffers.
SORT_BYTES_PER_ROW = 32
# Build on the left input instead when it is this many times smaller than the right one.
SWAP_RATIO = 4
# A lookup table that spans at most this share of the probe keys' range (a month of dates
# probed by a fact table's date keys) is probed only by the keys within its range, found by one
# range test: a test costs less than the gather it replaces (2.9M probes of a 30-key table:
# 4.8 ms against 9.1 ms, 2 threads).
SPARSE_PROBE_SHARE = 0.25
# A lookup table is padded to a probe batch's key range (one gather, no range checks) only
# while the padded table is at most this many times as long as the batch: padding copies it.
PAD_FACTOR = 4


@dataclass(frozen=True)
class JoinTable:
    """The build side of an equi-join, built once and probed by any number of probe batches.

    `strategy` says which structure was built: "direct" (unique keys: `table[key - lo]` is the
    build row, -1 for none), "direct-runs" (duplicate keys: `table[key - lo]` numbers the
    key's run of equal keys in the build rows sorted by key, -1 for none; `starts` and `runs`
    where each run starts and its length), "sorted" (the
    sorted keys, searched per probe key; `table` then holds buckets as a KeySet's, over
    lo..hi, so that a probe key whose bucket holds no key is out without a search) or
    "empty"; a sorted table's `runs` holds where each position's run of equal keys ends (None
    when the keys are unique). `perm` lists the build rows in key order; None when they
    already are (a build side stored by its key)."""

    strategy: str
    rows: int
    lo: int = 0
    hi: int = -1
    table: torch.Tensor | None = None
    starts: torch.Tensor | None = None
    perm: torch.Tensor | None = None
    sorted_keys: torch.Tensor | None = None
    shift: int = 0
    runs: torch.Tensor | None = None

    @property
    def nbytes(self) -> int:
        """Bytes the table's tensors hold."""
        return sum(t.numel() * t.element_size() for t in
                   (self.table, self.starts, self.perm, self.sorted_keys, self.runs)
                   if t is not None)


def build_table(key: torch.Tensor, probe_rows: int = 0, strategy: str = "auto",
                reserve=None, cover: tuple[int, int] | None = None) -> JoinTable:
    """A JoinTable over the int64 build keys `key` (no NULLs).

    With `strategy` "auto" or "direct", a direct-address table when the key range is small
    (against the build rows, or `probe_rows`, the probe side's expected size); "search"
    always sorts. A "direct" request over a wide range falls back to sorting: the returned
    strategy says what was built. `reserve(nbytes)`, when given, is told each time the build
    is about to hold `nbytes` more (the table included); it may raise to stop the build.
    `cover`, the (min, max) of the probe keys when known, widens a direct table to their range
    where probing would pad it to that range anyway (see `_covering`)."""
    if key.numel() == 0:
        return JoinTable("empty", 0)
    reserve = reserve or _hold_anything
    if strategy != "search":
        bounds = _dense_bounds(key, probe_rows)
        if bounds is not None:
            lo, hi = _covered(*bounds, cover, probe_rows)
            # key - lo (8 bytes a row), row numbers and the read-back (4 + 4 + 1), the table
            # (an int32 entry per key).
            reserve(4 * (hi - lo + 1) + 17 * key.numel())
            table = torch.full((hi - lo + 1,), -1, dtype=_index_type(key), device=key.device)
            order = _order(key)
            if order != SORTED_WITH_DUPLICATES:
                direct = _direct(key, lo, table, order == SORTED_UNIQUE)
                if direct is not None:
                    return direct
                table.fill_(-1)
            return _direct_runs(key, lo, table, reserve, order is not None)
    if _is_sorted(key):
        sorted_keys, perm = key, None
    else:
        reserve(SORT_BYTES_PER_ROW * key.numel())
        sorted_keys, perm = torch.sort(key, stable=True)
    reserve(_bucket_count(key.numel()))
    lo, hi, shift, buckets = _buckets(sorted_keys)
    return JoinTable("sorted", key.numel(), lo, hi, buckets, perm=perm, sorted_keys=sorted_keys,
                     shift=shift, runs=_run_ends(sorted_keys))


def _run_ends(sorted_keys: torch.Tensor) -> torch.Tensor | None:
    """Per position of the sorted keys, where its run of equal keys ends (exclusive); None when
    every key is unique. A probe key then finds its run with one binary search, not two."""
    n = sorted_keys.numel()
    starts = _run_starts(sorted_keys)
    if starts.numel() == n:
        return None
    ends = torch.cat([starts[1:], starts.new_full((1,), n)])
    return torch.repeat_interleave(ends, ends - starts, output_size=n).to(_index_type(sorted_keys))


def _run_starts(sorted_keys: torch.Tensor) -> torch.Tensor:
    """Where each run of equal keys starts among the sorted keys (ascending positions)."""
    first = torch.ones(sorted_keys.numel(), dtype=torch.bool, device=sorted_keys.device)
    torch.ne(sorted_keys[1:], sorted_keys[:-1], out=first[1:])
    return true_rows(first)


def _direct_runs(key: torch.Tensor, lo: int, table: torch.Tensor, reserve,
                 ordered: bool | None = None) -> JoinTable:
    """The "direct-runs" table of duplicate keys: the build rows sorted by key (`perm`),
    `table[key - lo]` the key's run (its place among the distinct keys, -1 for none), and per
    run where it starts and its length. Only the one table spans the key range: no counts,
    starts and cumulative sum over it, and probe rows read their run's start and length from
    arrays as short as the distinct keys. `table` spans the range from `lo`, filled with -1;
    `ordered` says whether the keys are in order when known (else they are looked at)."""
    index, hi = table.dtype, lo + table.numel() - 1
    sorted_keys, perm = key, None
    if not (_is_sorted(key) if ordered is None else ordered):
        reserve(SORT_BYTES_PER_ROW * key.numel())
        narrow = key.to(torch.int32) if -2**31 <= lo and hi < 2**31 else key  # same order
        sorted_keys, perm = torch.sort(narrow, stable=True)
        perm = perm.to(index)
    starts = _run_starts(sorted_keys)
    runs = torch.diff(starts, append=starts.new_full((1,), key.numel())).to(index)
    table.index_copy_(0, gather(sorted_keys, starts).long() - lo,
                      torch.arange(starts.numel(), dtype=index, device=key.device))
    return JoinTable("direct-runs", key.numel(), lo, hi, table, starts.to(index), perm, runs=runs)


def direct_table(key: torch.Tensor, probe_rows: int = 0) -> JoinTable | None:
    """The "direct" JoinTable over `key` when its keys are unique and span a small range (see
    `build_table`); None otherwise."""
    bounds = _dense_bounds(key, probe_rows) if key.numel() else None
    if bounds is None:
        return None
    lo, hi = bounds
    return _direct(key, lo, torch.full((hi - lo + 1,), -1, dtype=_index_type(key),
                                       device=key.device))


def _direct(key: torch.Tensor, lo: int, lut: torch.Tensor,
            unique: bool = False) -> JoinTable | None:
    """`lut[key - lo] = row` (`lut` spans the keys' range from `lo`, filled with -1) when the
    keys are unique (`unique`: known to be), else None (`lut` then holds row numbers)."""
    slot = _from_base(key, lo)
    rows = torch.arange(key.numel(), dtype=lut.dtype, device=key.device)
    lut.index_copy_(0, slot, rows)
    # Keys are unique iff every row reads its own number back (of duplicates, one row's number
    # lands): passes over the rows, not a bincount over the range.
    if unique or bool((gather(lut, slot) == rows).all()):
        return JoinTable("direct", key.numel(), lo, lo + lut.numel() - 1, lut)
    return None


# What `_order` finds of the build keys.
SORTED_UNIQUE = "sorted, unique"
SORTED_WITH_DUPLICATES = "sorted, with duplicates"


def _order(key: torch.Tensor) -> str | None:
    """Whether the keys are in order, and then whether any repeats (None: not in order). A
    build side stored by its key (a fact table clustered by a foreign key) is then numbered in
    runs at once, with no direct table tried and found to hold duplicates (two passes over the
    rows and a scatter over them, 220 ms at 60M rows), and a unique one needs no read-back to
    prove it."""
    if not _is_sorted(key):
        return None
    repeats = key.numel() > 1 and not bool((key[1:] > key[:-1]).all())
    return SORTED_WITH_DUPLICATES if repeats else SORTED_UNIQUE


def _from_base(keys: torch.Tensor, base: int) -> torch.Tensor:
    """Keys as positions in a table starting at key `base`: the keys themselves for a table from
    0 (see `_covering`), with no pass to subtract nothing."""
    return keys if base == 0 else keys - base


def _index_type(key: torch.Tensor) -> torch.dtype:
    """Row numbers, counts and run starts in int32 where the rows allow: half the state a large
    build side holds."""
    return torch.int32 if key.numel() < 2**31 else torch.int64


def _hold_anything(nbytes: int) -> None:
    """The `reserve` of a build nobody accounts for."""


def _is_sorted(key: torch.Tensor) -> bool:
    """Are the keys already in order? (A table stored by its key, or a filtered run of one: its
    rows need no sort, and the table no permutation.)"""
    return key.numel() < 2 or bool((key[1:] >= key[:-1]).all())


def build_scratch_bytes(rows: int) -> int:
    """Bytes that building a JoinTable over `rows` keys may hold at once besides its result:
    the packed keys, and a stable sort's values, indices and buffers."""
    return BUILD_SCRATCH_BYTES_PER_ROW * rows


def probe_table(table: JoinTable, probe: torch.Tensor,
                kept: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """All pairs (p, b) with probe[p] == the key of build row b, ordered by p, then b; with
    `kept`, a bool per probe row, only rows where it is True (the rows a filter kept, probed
    without listing them first)."""
    device = probe.device
    if table.strategy == "empty" or probe.numel() == 0:
        empty = torch.empty(0, dtype=torch.int64, device=device)
        return empty, empty.clone()
    if table.strategy == "direct":
        return _direct_hits(table, probe, kept)
    return expand_runs(*probe_runs(table, probe, kept), table.perm)


def probe_runs(table: JoinTable, probe: torch.Tensor, kept: torch.Tensor | None = None
               ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """For a table of runs ("direct-runs" or "sorted") and non-empty probe keys: the probe rows
    with a match (ascending; only where `kept` is True, when given), each one's run of equal
    build keys, as its length and where it starts among the build rows sorted by key
    (`table.perm` lists them), not expanded into pairs (see `expand_runs`)."""
    if table.strategy == "direct-runs":
        rows, run = _direct_hits(table, probe, kept)
        return rows, gather(table.runs, run).long(), \
            gather(table.starts, run).long()
    # Sorted: only the probe keys whose bucket holds a key are searched for.
    maybe = _lookup(table.table, table.lo, table.hi, probe >> table.shift, False)
    maybe = true_rows(maybe if kept is None else maybe & kept)
    candidates = gather(probe, maybe).long()
    lo = torch.searchsorted(table.sorted_keys, candidates, right=False)
    at = lo.clamp(max=table.rows - 1)  # past the last key: compares unequal below
    found = gather(table.sorted_keys, at) == candidates
    hit = true_rows(found)
    lo = gather(lo, hit)
    if table.runs is None:  # unique keys: a run of one
        return gather(maybe, hit), torch.ones_like(lo), lo
    return gather(maybe, hit), gather(table.runs, lo).long() - lo, lo


def _direct_hits(table: JoinTable, probe: torch.Tensor, kept: torch.Tensor | None = None
                 ) -> tuple[torch.Tensor, torch.Tensor]:
    """For a direct-address table: the probe rows (ascending; only where `kept` is True, when
    given) whose key it holds, and its entry for each (the build row of a "direct" table, the
    run of a "direct-runs" one). A table spanning a small share of the probe keys' range is
    looked up by the keys inside it only (see `_within`)."""
    within = _within(table.lo, table.hi, probe)
    if within is not None:
        found = gather(table.table, gather(probe, within) - table.lo)
    else:
        found = _lookup(table.table, table.lo, table.hi, probe, -1)
    hit = found >= 0
    if kept is not None:
        hit &= kept if within is None else gather(kept, within)
    # Every probe key there (a foreign key into a whole table): no positions to list. A CPU
    # counts first (a tenth of listing them); a GPU lists them anyway (nonzero's host sync).
    if within is None and probe.device.type == "cpu" and \
            int(count_true(hit)) == probe.numel():
        return every_row(probe.numel(), probe.device), found.long()
    rows = true_rows(hit)
    if within is None and rows.numel() == probe.numel():
        return every_row(probe.numel(), probe.device), found.long()
    found = gather(found, rows).long()
    return (rows if within is None else gather(within, rows)), found


# The attribute an `every_row` result carries: its length and the version it had (an in-place
# change bumps a tensor's version, and then it is no longer trusted).
_EVERY_ROW = "_tqp_every_row"


def every_row(n: int, device) -> torch.Tensor:
    """The positions 0..n-1 (int64) of a probe side every row of which matched once, marked so
    that `is_every_row` knows them without reading them."""
    rows = torch.arange(n, device=device)
    setattr(rows, _EVERY_ROW, (n, rows._version))
    return rows


def is_every_row(indices: torch.Tensor, n: int) -> bool:
    """Are `indices` 0, 1, ..., n-1? At once for an unchanged `every_row` result (a join whose
    every probe row matched once: on 11.7M rows the check below took 30 ms on 2 threads),
    else by reading them."""
    if indices.shape[0] != n:
        return False
    if getattr(indices, _EVERY_ROW, None) == (n, indices._version):
        return True
    return n == 0 or (int(indices[0]) == 0 and int(indices[-1]) == n - 1
                      and bool((indices[1:] - indices[:-1] == 1).all()))


def expand_runs(rows: torch.Tensor, run: torch.Tensor, run_start: torch.Tensor,
                perm: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """The pairs of probe `rows`, each matching the `run` build rows that start at position
    `run_start` of the build rows in key order (`perm` lists them; None: in row order)."""
    device = rows.device
    total = int(run.sum())
    local = torch.repeat_interleave(torch.arange(rows.numel(), device=device), run,
                                    output_size=total)
    # The position in the build rows sorted by key: the output position, shifted by how far
    # this probe row's run starts from its first output (one gather per output row, not two).
    shift = run_start - (torch.cumsum(run, 0) - run)
    position = torch.arange(total, device=device) + gather(shift, local)
    build_idx = position.long() if perm is None else gather(perm, position).long()
    return gather(rows, local), build_idx


def _within(lo: int, hi: int, probe: torch.Tensor) -> torch.Tensor | None:
    """The probe rows (ascending) whose key lies in [lo, hi], when that range is at most
    SPARSE_PROBE_SHARE of the probe keys' range; None otherwise (see SPARSE_PROBE_SHARE)."""
    if not _sparse(lo, hi, *value_range(probe)):
        return None
    return true_rows((probe >= lo).logical_and_(probe <= hi))


def _sparse(lo: int, hi: int, plo: int, phi: int) -> bool:
    """Does a table over [lo, hi] span at most SPARSE_PROBE_SHARE of the probe keys' range?"""
    return (hi - lo + 1) <= SPARSE_PROBE_SHARE * (phi - plo + 1)


def join_indices(left_key: torch.Tensor, right_key: torch.Tensor, ordered: bool = True,
                 ran: list | None = None, right_kept: torch.Tensor | None = None
                 ) -> tuple[torch.Tensor, torch.Tensor]:
    """All pairs (i, j) with left_key[i] == right_key[j], ordered by i, then j (in no particular
    order with `ordered=False`, which saves a sort when the left side is the one built).

    Keys are int64 without NULLs (the caller drops NULL keys first). Returns two int64 index
    tensors of equal length. The right side is built, unless the left one is SWAP_RATIO times
    smaller. `ran`, when given, receives the strategy of the table that was built. With
    `right_kept`, a bool per right row, only the right rows where it is True pair (a filter's
    input and mask): probed with the mask where the left side is built, listed first where
    the right side is.

    Example:
        >>> join_indices(torch.tensor([1, 2, 1]), torch.tensor([1, 1, 3]))
        (tensor([0, 0, 2, 2]), tensor([0, 1, 0, 1]))
    """
    if left_key.numel() == 0 or right_key.numel() == 0:
        empty = torch.empty(0, dtype=torch.int64, device=left_key.device)
        return empty, empty.clone()
    if right_kept is not None:
        if left_key.numel() * SWAP_RATIO <= int(count_true(right_kept)):
            return _left_built(left_key, right_key, ordered, ran, right_kept)
        rows = true_rows(right_kept)  # the right side is built, of the rows kept
        li, ri = join_indices(left_key, gather(right_key, rows), ordered, ran)
        return li, gather(rows, ri)
    if left_key.numel() * SWAP_RATIO <= right_key.numel():
        return _left_built(left_key, right_key, ordered, ran)
    table = build_table(right_key, left_key.numel(), cover=value_range(left_key))
    if ran is not None:
        ran.append(table.strategy)
    return probe_table(table, left_key)


def _left_built(left_key: torch.Tensor, right_key: torch.Tensor, ordered: bool,
                ran: list | None, right_kept: torch.Tensor | None = None):
    """`join_indices` building on the much smaller left input, then putting the pairs back in
    left-row order; unless the left keys repeat and the right ones (all of them kept) are
    unique over a small range: a table of those yields the pairs in left-row order from one
    gather, without the sorts a table of repeated keys and the reordering take."""
    table = direct_table(left_key, right_key.numel()) if ordered else None
    if ordered and table is None and right_kept is None:
        right = direct_table(right_key, left_key.numel())
        if right is not None:
            if ran is not None:
                ran.append(right.strategy)
            return probe_table(right, left_key)
    if table is None:
        table = build_table(left_key, right_key.numel(), cover=value_range(right_key))
    if ran is not None:
        ran.append(f"{table.strategy} (left side built)")
    right_idx, left_idx = probe_table(table, right_key, right_kept)
    if not ordered:
        return left_idx, right_idx
    order = torch.sort(left_idx, stable=True).indices
    return gather(left_idx, order), gather(right_idx, order)


def dense_limit(rows: int, probe_rows: int = 0) -> int:
    """The widest key range a lookup table over `rows` build keys may span (see DENSE_FACTOR)."""
    limit = max(DENSE_FACTOR * rows + DENSE_SLACK, PROBE_FACTOR * probe_rows,
                MIN_TABLE if probe_rows else 0)
    return min(limit, MAX_TABLE)


def _dense_bounds(key: torch.Tensor, probe_rows: int = 0) -> tuple[int, int] | None:
    """(min, max) of `key` when its range is small enough for a lookup table."""
    lo, hi = value_range(key)
    if hi - lo + 1 > dense_limit(key.numel(), probe_rows):
        return None
    return lo, hi


def _lookup(table: torch.Tensor, lo: int, hi: int, probe: torch.Tensor, missing) -> torch.Tensor:
    """table[key - lo] for every probe key, `missing` for keys outside [lo, hi].

    Probe keys inside [lo, hi] are one gather with no range checks. Others are too when the
    table padded to cover their range is no more than PAD_FACTOR times as long as the probe
    side (padding copies the table); otherwise keys are clamped and checked (a 60M-entry table
    copied for a probe batch of 300K keys just past its top took 40 ms)."""
    plo, phi = value_range(probe)
    if lo <= plo and phi <= hi:
        return gather(table, _from_base(probe, lo))
    covering = _covering(lo, hi, plo, phi, probe.numel())
    if covering is not None and covering[1] - covering[0] + 1 <= PAD_FACTOR * probe.numel():
        base, top = covering
        table = torch.cat([table.new_full((lo - base,), missing), table,
                           table.new_full((top - hi,), missing)])
        return gather(table, _from_base(probe, base))
    found = gather(table, probe.clamp(lo, hi) - lo)
    return torch.where((probe >= lo) & (probe <= hi), found, missing)


def _covered(lo: int, hi: int, cover: tuple[int, int] | None,
             probe_rows: int) -> tuple[int, int]:
    """The range a lookup table over keys in [lo, hi] is built over: widened to cover the
    probe keys' range `cover` where probing would pad it to that range anyway (not when the
    table spans a small share of it: those probes look up only the keys inside, see `_within`)."""
    if cover is None or _sparse(lo, hi, *cover):
        return lo, hi
    return _covering(lo, hi, *cover, probe_rows) or (lo, hi)


def _covering(lo: int, hi: int, plo: int, phi: int, probe_rows: int) -> tuple[int, int] | None:
    """The range a table over [lo, hi] widens to so that probe keys in [plo, phi] index it with
    no range checks: from 0 when it reaches near there (keys then index it as they are, with no
    pass to subtract a base). None when that range is too wide against the table and the probe
    rows."""
    base, top = min(lo, plo), max(hi, phi)
    limit = max(2 * (hi - lo + 1), probe_rows)
    if 0 < base and top + 1 <= limit and top < MAX_TABLE:
        base = 0
    if top - base + 1 <= limit and top - base < MAX_TABLE:
        return base, top
    return None


@dataclass(frozen=True)
class KeySet:
    """The distinct build keys of a semi join: a presence table over their range when it is
    small ("presence"), else the sorted keys ("sorted"); "empty" for none. A sorted set also
    has `buckets`, a presence table over the keys shifted right by `shift` (lo..hi its range
    then): a probe key whose bucket holds no key is out without a binary search."""

    strategy: str
    lo: int = 0
    hi: int = -1
    table: torch.Tensor | None = None
    shift: int = 0
    buckets: torch.Tensor | None = None

    @property
    def nbytes(self) -> int:
        return sum(t.numel() * t.element_size() for t in (self.table, self.buckets)
                   if t is not None)


def build_key_set(build: torch.Tensor, probe_rows: int = 0, reserve=None,
                  cover: tuple[int, int] | None = None) -> KeySet:
    """A KeySet over int64 keys without NULLs (`reserve` and `cover` as for `build_table`)."""
    if build.numel() == 0:
        return KeySet("empty")
    reserve = reserve or _hold_anything
    bounds = _dense_bounds(build, probe_rows)
    if bounds is not None:
        lo, hi = _covered(*bounds, cover, probe_rows)
        reserve(hi - lo + 1 + 8 * build.numel())  # a bool per key; build - lo
        present = torch.zeros(hi - lo + 1, dtype=torch.bool, device=build.device)
        set_true(present, _from_base(build, lo))
        return KeySet("presence", lo, hi, present)
    reserve(SORT_BYTES_PER_ROW * build.numel() + MIN_TABLE)  # the sort; at most MIN_TABLE buckets
    table = torch.sort(build).values
    lo, hi, shift, present = _buckets(table)
    return KeySet("sorted", lo, hi, table, shift, present)


def _bucket_count(keys: int) -> int:
    """About how many buckets (a bool each) `_buckets` makes for `keys` keys."""
    return min(MIN_TABLE, max(MIN_BUCKETS, BUCKETS_PER_KEY * keys))


def _buckets(sorted_keys: torch.Tensor) -> tuple[int, int, int, torch.Tensor]:
    """(lo, hi, shift, present): a presence table over the ascending keys shifted right by
    `shift` (lo..hi their range then), buckets of 2**shift keys, about BUCKETS_PER_KEY per
    key, so that few hold a key."""
    lo, hi = (int(v) for v in torch.stack([sorted_keys[0], sorted_keys[-1]]).tolist())
    shift = ((hi - lo) // _bucket_count(sorted_keys.numel())).bit_length()
    lo, hi = lo >> shift, hi >> shift
    present = torch.zeros(hi - lo + 1, dtype=torch.bool, device=sorted_keys.device)
    set_true(present, (sorted_keys >> shift) - lo)
    return lo, hi, shift, present


def key_set_contains(keys: KeySet, probe: torch.Tensor) -> torch.Tensor:
    """Bool per probe key: is it in the set?"""
    if keys.strategy == "empty" or probe.numel() == 0:
        return torch.zeros(probe.numel(), dtype=torch.bool, device=probe.device)
    if keys.strategy == "presence":
        within = _within(keys.lo, keys.hi, probe)
        if within is None:
            return _lookup(keys.table, keys.lo, keys.hi, probe, False)
        found = torch.zeros(probe.numel(), dtype=torch.bool, device=probe.device)
        return found.index_put_((within,), gather(keys.table, gather(probe, within) - keys.lo))
    maybe, _, equal = _search_sorted_set(keys, probe)
    found = torch.zeros(probe.numel(), dtype=torch.bool, device=probe.device)
    return found.index_put_((maybe,), equal)


def _search_sorted_set(keys: KeySet, probe: torch.Tensor, kept: torch.Tensor | None = None):
    """For a sorted key set: the probe rows whose bucket holds a key (only those are searched
    for; only where `kept` is True, when given), each one's first place among the sorted keys,
    and whether the key there is its own."""
    maybe = _lookup(keys.buckets, keys.lo, keys.hi, probe >> keys.shift, False)
    maybe = true_rows(maybe if kept is None else maybe & kept)
    candidates = gather(probe, maybe).long()
    at = torch.searchsorted(keys.table, candidates).clamp(max=keys.table.numel() - 1)
    return maybe, at, gather(keys.table, at) == candidates


def key_set_slots(keys: KeySet, probe: torch.Tensor, kept: torch.Tensor | None = None
                  ) -> tuple[torch.Tensor, torch.Tensor]:
    """The probe rows (ascending; only where `kept` is True, when given) whose key is in the
    set, and each one's slot: its key's place in the presence table, or its first place among
    the sorted keys (equal keys share a slot; see `mark_slots`)."""
    if keys.strategy == "empty" or probe.numel() == 0:
        empty = torch.empty(0, dtype=torch.int64, device=probe.device)
        return empty, empty.clone()
    if keys.strategy == "presence":
        found = _lookup(keys.table, keys.lo, keys.hi, probe, False)
        rows = true_rows(found if kept is None else found & kept)
        return rows, _from_base(gather(probe, rows), keys.lo).long()
    maybe, at, equal = _search_sorted_set(keys, probe, kept)
    hit = true_rows(equal)
    return gather(maybe, hit), gather(at, hit)


def mark_slots(keys: KeySet, marked: torch.Tensor, probe: torch.Tensor,
               kept: torch.Tensor | None = None) -> None:
    """Set `marked` (a bool per slot of the set: per key of a presence table's range, per
    position of the sorted keys) at the slots of the probe keys found in the set (of the rows
    where `kept` is True, when given): which of the set's keys some probe key met. A presence
    table's slots are marked for every probe key inside its range, in the set or not: those
    slots are never read (one pass, no lookup). With `kept`, only the keys found are: the
    lookup and the mask cost less than listing the kept rows and gathering their keys."""
    if keys.strategy != "presence" or probe.numel() == 0 or kept is not None:
        set_true(marked, key_set_slots(keys, probe, kept)[1])
        return
    lo, hi = value_range(probe)
    if not (keys.lo <= lo and hi <= keys.hi):
        probe = gather(probe, true_rows((probe >= keys.lo).logical_and_(probe <= keys.hi)))
    set_true(marked, _from_base(probe, keys.lo))


def key_in(probe: torch.Tensor, build: torch.Tensor) -> torch.Tensor:
    """Bool per probe key: does it occur among the build keys? (A semi join without pairs:
    duplicates on either side cost nothing.)

    Example:
        >>> key_in(torch.tensor([1, 2, 3]), torch.tensor([3, 3, 1]))
        tensor([ True, False,  True])
    """
    return key_set_contains(build_key_set(build, probe.numel()), probe)


def match_any(num_left: int, left_idx: torch.Tensor, keep: torch.Tensor | None = None) -> torch.Tensor:
    """Bool per left row: does it appear in at least one pair (among pairs where `keep`)?

    The semi-join mask; its negation is the anti-join mask.
    """
    matched = torch.zeros(num_left, dtype=torch.bool, device=left_idx.device)
    idx = left_idx if keep is None else gather(left_idx, true_rows(keep))
    set_true(matched, idx)
    return matched


def unmatched(num_rows: int, idx: torch.Tensor) -> torch.Tensor:
    """int64 indices, ascending, of the rows in range(num_rows) that never appear in `idx`.

    The rows an outer join pads with NULLs.
    """
    return true_rows(~match_any(num_rows, idx))
