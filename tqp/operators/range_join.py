"""Range join kernel: the pairs of a join whose condition bounds one side's value by the other's.

A join without equality keys whose condition holds `lower < value <= upper` (either bound
optional, each strict or not, `value` over one input and the bounds over the other) sorts the
`value` side once; each row of the other side finds its matches as one contiguous run of the
sorted rows, by two `searchsorted` calls. The runs are counted before any pair is formed (a
join that would make more than MAX_CROSS_PAIRS candidate pairs is refused, as a nested loop
is), then expanded, and the other conditions filter the pairs a chunk at a time.

Values compare as SQL compares them (`logic.compare`): both sides aligned to their common
type, DECIMALs as integers at a common scale, DATE against TIMESTAMP as microseconds, strings by
their codes in one shared sorted dictionary, doubles through `float_key` (NaN above every
number, -0.0 equal to 0.0). NULL values and NULL bounds match nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from sqlglot import exp

from tqp.errors import NotSupportedError
from tqp.operators.expressions import SqlText, evaluate
from tqp.operators.expressions.coerce import align
from tqp.operators.join import expand_runs, match_any
from tqp.operators.joins import MAX_CROSS_PAIRS, assemble, match_pairs, residual_pairs
from tqp.operators.keys import as_int64
from tqp.storage.column import Batch, Column
from tqp.storage.gather import gather
from tqp.storage.masks import true_rows
from tqp.types import DataType

# The residual is evaluated over at most this many candidate pairs at once (the pairs of whole
# search rows: one row's run may pass it), so that the pairs it drops never all exist at once.
RESIDUAL_CHUNK_PAIRS = 1 << 22


@dataclass(frozen=True)
class RangeCondition:
    """`lower <(=) value <(=) upper`: `value` is an expression over the `sorted_side` input
    ("left" or "right"), the bounds expressions over the other one; a missing bound is None.
    `conjuncts` are the conditions this stands for, as written (the lower bound's first), to
    name them in errors and to fall back on."""

    sorted_side: str
    value: exp.Expression
    lower: exp.Expression | None = None
    lower_strict: bool = False
    upper: exp.Expression | None = None
    upper_strict: bool = False
    conjuncts: tuple[exp.Expression, ...] = ()

    def describe(self, text) -> str:
        """As `lo < value <= hi`, each expression printed by `text`."""
        parts = []
        if self.lower is not None:
            parts.append(f"{text(self.lower)} {'<' if self.lower_strict else '<='} ")
        parts.append(text(self.value))
        if self.upper is not None:
            parts.append(f" {'<' if self.upper_strict else '<='} {text(self.upper)}")
        return "".join(parts)


def range_pairs(left: Batch, right: Batch, condition: RangeCondition, residual,
                ordered: bool = True, ran: list | None = None, sorted_cache: list | None = None):
    """All (left row, right row) pairs meeting `condition` and `residual` (ordered by left row
    unless `ordered` is False); None when the values cannot be compared by sorting (128-bit
    decimals: the caller then forms every pair). `sorted_cache`, a list kept by the caller
    for one sorted input, keeps its sorted values for the next call."""
    if not left.num_rows or not right.num_rows:  # no pair: no value converted (nor failing to)
        empty = torch.empty(0, dtype=torch.int64, device=left.device)
        return empty, empty.clone()
    sorted_batch, search_batch = (left, right) if condition.sorted_side == "left" else (right, left)
    bounds = _bounds(sorted_batch, search_batch, condition)
    if bounds is None:
        return None
    value, lower, upper, extra = bounds
    residual = _and(extra, residual)
    sorted_values, perm = _sorted(value, sorted_cache)
    n, rows = sorted_values.numel(), search_batch.num_rows
    device = sorted_values.device
    start = torch.zeros(rows, dtype=torch.int64, device=device)
    end = torch.full((rows,), n, dtype=torch.int64, device=device)
    usable = None
    if lower is not None:  # value > lower: past the equal values; value >= lower: before them
        start = torch.searchsorted(sorted_values, lower.values, right=condition.lower_strict)
        usable = lower.valid
    if upper is not None:  # value < upper: before the equal values; value <= upper: past them
        end = torch.searchsorted(sorted_values, upper.values, right=not condition.upper_strict)
        if upper.valid is not None:
            usable = upper.valid if usable is None else usable & upper.valid
    run = (end - start).clamp_(min=0)
    if usable is not None:
        run = torch.where(usable, run, torch.zeros_like(run))
    total = int(run.sum())
    if total > MAX_CROSS_PAIRS:
        raise NotSupportedError(f"a join without equality keys producing {total} candidate pairs")
    if ran is not None:
        ran.append(f"range join ({condition.sorted_side} side sorted, {total} candidate pairs)")
    search_rows = true_rows(run)
    run, start = gather(run, search_rows), gather(start, search_rows)
    found_s, found_q = [], []
    for piece in _chunks(run, residual):
        qi, si = expand_runs(search_rows[piece], run[piece], start[piece], perm)
        li, ri = (si, qi) if condition.sorted_side == "left" else (qi, si)
        li, ri = residual_pairs(left, right, li, ri, residual)
        found_s.append(li)
        found_q.append(ri)
    li = torch.cat(found_s) if found_s else torch.empty(0, dtype=torch.int64, device=device)
    ri = torch.cat(found_q) if found_q else torch.empty(0, dtype=torch.int64, device=device)
    if ordered and condition.sorted_side == "left" and li.numel():
        order = torch.sort(li, stable=True).indices
        li, ri = gather(li, order), gather(ri, order)
    return li, ri


def _sorted(value: Column, cache: list | None):
    """The non-NULL values of `value` (int64 keys, see `_bounds`) in ascending order and the
    rows they come from; from `cache` when an earlier call sorted values of the same type."""
    how = (value.type, value.decimal, value.dictionary)  # as the bounds aligned it
    for entry in cache or ():
        if entry[0][:2] == how[:2] and entry[0][2] is how[2]:
            return entry[1], entry[2]
    keys = _keyed(value)
    valid = keys.valid  # NULL values left out: they match nothing
    values = keys.values if valid is None else gather(keys.values, true_rows(valid))
    sorted_values, perm = torch.sort(values)
    if valid is not None:
        perm = gather(true_rows(valid), perm)
    if cache is not None:
        cache.append((how, sorted_values, perm))
    return sorted_values, perm


def _chunks(run: torch.Tensor, residual) -> list[slice]:
    """Slices of consecutive search rows whose runs hold about RESIDUAL_CHUNK_PAIRS pairs each
    (all of them at once without a residual to filter them)."""
    rows = run.numel()
    if residual is None or rows == 0:
        return [slice(0, rows)]
    ends = torch.cumsum(run, 0)
    total = int(ends[-1])
    if total <= RESIDUAL_CHUNK_PAIRS:
        return [slice(0, rows)]
    marks = torch.arange(RESIDUAL_CHUNK_PAIRS, total, RESIDUAL_CHUNK_PAIRS, device=run.device)
    cuts = torch.searchsorted(ends, marks, right=True).tolist()
    edges = sorted({0, rows, *cuts})
    return [slice(a, b) for a, b in zip(edges, edges[1:])]


def _and(conditions: list[exp.Expression], residual):
    """`residual` with the `conditions` ANDed before it (None when there is nothing); copied,
    so that no node of the plan gets a new parent."""
    if not conditions:
        return residual
    return exp.and_(*conditions, *([] if residual is None else [residual]))


def _bounds(sorted_batch: Batch, search_batch: Batch, condition: RangeCondition):
    """(the sorted side's values aligned to the bounds' type, the lower bound's and the upper
    bound's values as int64 keys that order as SQL compares them, the conjuncts to check per
    pair instead); a bound whose type
    puts the value in another representation than the first bound's is checked per pair. None
    where the values do not fit one int64 each."""
    value = evaluate(condition.value, sorted_batch)
    found, extra = {}, []
    for name, expr, conjunct in (("lower", condition.lower, _conjunct(condition, "lower")),
                                 ("upper", condition.upper, _conjunct(condition, "upper"))):
        if expr is None:
            continue
        bound = evaluate(expr, search_batch)
        v, b = align([value, bound], SqlText(conjunct))
        if v.values.dim() != 1 or b.values.dim() != 1:
            return None  # 128-bit values
        if found and not _same_representation(found["value"], v):
            extra.append(conjunct)
            continue
        found.setdefault("value", v)
        found[name] = b
    if "value" not in found:
        return None
    v = found["value"]
    return v, _keyed(found.get("lower")), _keyed(found.get("upper")), extra


def _conjunct(condition: RangeCondition, which: str) -> exp.Expression:
    """The comparison standing for one bound (to name it, or to check it per pair): the
    conjunct as written where `condition.conjuncts` holds one per bound."""
    expr, strict = (condition.lower, condition.lower_strict) if which == "lower" else \
        (condition.upper, condition.upper_strict)
    if expr is None:
        return None
    bounds = [w for w in ("lower", "upper") if getattr(condition, w) is not None]
    if len(condition.conjuncts) == len(bounds):
        return condition.conjuncts[bounds.index(which)]
    value = condition.value.copy()
    if which == "lower":
        return (exp.GT if strict else exp.GTE)(this=value, expression=expr.copy())
    return (exp.LT if strict else exp.LTE)(this=value, expression=expr.copy())


def _same_representation(a: Column, b: Column) -> bool:
    """Do two alignments of the sorted side's values give the same keys?"""
    return a.type is b.type and a.decimal == b.decimal and a.dictionary is b.dictionary


def _keyed(column: Column | None) -> Column | None:
    """The column's values as int64 keys in SQL's order (doubles through `float_key`)."""
    if column is None:
        return None
    return Column(as_int64(column.values).contiguous(), DataType.BIGINT, column.valid)


def matched_pairs(left: Batch, right: Batch, condition: RangeCondition, residual,
                  ordered: bool = True, ran: list | None = None, sorted_cache: list | None = None):
    """`range_pairs`, or where the values cannot be sorted, every pair filtered by the whole
    condition (a nested loop)."""
    pairs = range_pairs(left, right, condition, residual, ordered, ran, sorted_cache)
    if pairs is not None:
        return pairs
    return match_pairs(left, right, (), (), _and(list(condition.conjuncts), residual),
                       left.device, ordered, ran)


def range_join(left: Batch, right: Batch, kind: str, condition: RangeCondition, residual,
               ordered: bool = True, ran: list | None = None,
               sorted_cache: list | None = None) -> Batch:
    """`left` joined with `right` on `condition` and `residual` (any join kind: outer joins
    pad the rows no pair holds). `sorted_cache`: see `range_pairs`."""
    li, ri = matched_pairs(left, right, condition, residual, ordered, ran, sorted_cache)
    return assemble(left, right, li, ri, kind)


def range_marks(left: Batch, right: Batch, mark: str, condition: RangeCondition, residual,
                ran: list | None = None, sorted_cache: list | None = None) -> Batch:
    """`left` plus a bool column `mark`: does each row have a right row meeting `condition`
    and `residual`? (`sorted_cache`: see `range_pairs`.)"""
    li, _ = matched_pairs(left, right, condition, residual, False, ran, sorted_cache)
    found = match_any(left.num_rows, li)
    return left.with_columns({mark: Column(found, DataType.BOOLEAN)})
