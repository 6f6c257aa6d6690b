"""Late columns: a batch gathered by take_late reads exactly as one gathered at once, while its
gather waits until a column's values are read."""

import pickle
from dataclasses import replace

import pyarrow as pa
import torch

from tqp.storage.column import Batch, Column, LateColumn, Selection
from tqp.types import DataType


def _batch(n=10):
    values = torch.arange(n, dtype=torch.int64) * 10
    valid = torch.arange(n) % 3 != 0
    codes = (torch.arange(n) % 2).to(torch.int32)
    return Batch({"x": Column(values, DataType.BIGINT, valid),
                  "s": Column(codes, DataType.VARCHAR, None, pa.array(["a", "b"]))}, n)


def _same(a: Column, b: Column):
    assert torch.equal(a.values, b.values)
    assert (a.valid is None) == (b.valid is None)
    if a.valid is not None:
        assert torch.equal(a.valid, b.valid)
    assert a.type is b.type and a.dictionary is b.dictionary


def test_take_late_reads_as_take_and_waits_for_the_read():
    batch, rows = _batch(), torch.tensor([1, 2, 3, 5, 6, 8, 9])
    late = batch.take_late(rows)
    column = late["x"]
    assert isinstance(column, LateColumn) and "_pending" in column.__dict__
    assert len(column) == 7 and late.num_rows == 7 and column.device.type == "cpu"
    assert late.nbytes == batch.take(rows).nbytes  # sized without the gather
    assert "_pending" in column.__dict__
    for name in batch.names:
        _same(late[name], batch.take(rows)[name])
    assert "_pending" not in column.__dict__  # gathered once, the base let go


def test_late_columns_follow_further_positions_once_per_batch():
    batch = _batch()
    first = batch.take_late(torch.tensor([0, 2, 4, 5, 6, 7, 8, 9]))
    second = first.take_late(torch.tensor([1, 3, 4, 6, 7]))
    # both columns share one Selection: the positions were composed once
    assert second["x"].__dict__["_pending"][1] is second["s"].__dict__["_pending"][1]
    eager = batch.take(torch.tensor([0, 2, 4, 5, 6, 7, 8, 9])).take(torch.tensor([1, 3, 4, 6, 7]))
    for name in batch.names:
        _same(second[name], eager[name])


def test_few_rows_are_gathered_at_once():
    batch = _batch(100)
    few = batch.take_late(torch.tensor([3, 50]))  # a late column would hold 50x its size
    assert not isinstance(few["x"], LateColumn)
    _same(few["x"], batch.take(torch.tensor([3, 50]))["x"])


def test_a_late_column_replaced_or_pickled_is_an_ordinary_column():
    batch, rows = _batch(), torch.tensor([0, 1, 3, 4, 6, 7, 9, 2])
    late = LateColumn.over(batch["x"], Selection(rows))
    changed = replace(late, valid=None)
    assert torch.equal(changed.values, batch["x"].values[rows]) and changed.valid is None
    assert len(changed) == 8
    copied = pickle.loads(pickle.dumps(LateColumn.over(batch["x"], Selection(rows))))
    assert type(copied) is Column
    _same(copied, batch.take(rows)["x"])


def test_a_few_rows_taken_from_a_late_column_gather_only_those():
    batch, rows = _batch(), torch.tensor([1, 2, 3, 5, 6, 8, 9])
    late = batch.take_late(rows)
    picked = torch.tensor([4, 0, 4])
    for name in batch.names:
        taken = late[name].take(picked)
        assert late[name].deferred is not None  # the late column itself is still not gathered
        _same(taken, batch.take(rows).take(picked)[name])


def test_late_parts_of_one_base_concatenate_late_and_keep_sharing_positions():
    from tqp.operators.batches import concat_batches

    batch = _batch()
    parts = [batch.take_late(torch.tensor([1, 2, 3, 5])), batch.take(torch.tensor([], dtype=torch.int64)),
             batch.take_late(torch.tensor([9, 8, 0, 7]))]
    whole = concat_batches(parts)
    assert whole["x"].deferred is not None
    assert whole["x"].deferred[1] is whole["s"].deferred[1]  # one Selection for the batch
    eager = batch.take(torch.tensor([1, 2, 3, 5, 9, 8, 0, 7]))
    for name in batch.names:
        _same(whole[name], eager[name])


def test_rows_or_nulls_taken_from_a_late_column_gather_only_those():
    """take_or_null (-1: NULL) composes the positions too; the columns of one selection
    compose them once."""
    batch, rows = _batch(), torch.tensor([1, 2, 3, 5, 6, 8, 9])
    late = batch.take_late(rows)
    for picked in (torch.tensor([4, 0, 6]), torch.tensor([4, -1, 0, -1])):
        for name in batch.names:
            taken = late[name].take_or_null(picked)
            assert late[name].deferred is not None
            expected = batch.take(rows)[name].take_or_null(picked)
            assert torch.equal(taken.validity(), expected.validity())  # values under NULL: any
            assert torch.equal(taken.values[taken.validity()], expected.values[expected.validity()])
    picked = torch.tensor([2, 3])
    late["x"].take(picked), late["s"].take(picked)
    assert late["x"].deferred[1].then(picked) is late["s"].deferred[1].then(picked)


def test_a_padded_take_shares_one_padding_and_late_columns_compose_it():
    """Batch.take_or_null computes the padding once for every column; a late column composes
    its positions with it (once per selection) and gives the same rows and NULLs as a column
    gathered first; with no position missing, the plain rows (no validity added)."""
    base = Batch({"a": Column(torch.tensor([10, 20, 30, 40]), DataType.BIGINT),
                  "b": Column(torch.tensor([1, 2, 3, 4], dtype=torch.int32), DataType.INTEGER,
                              torch.tensor([True, False, True, True]))}, 4)
    late = base.take_late(torch.tensor([3, 2, 1, 0]))
    assert isinstance(late["a"], LateColumn)
    gathered = Batch({n: Column(c.values, c.type, c.valid) for n, c in late.columns.items()}, 4)
    indices = torch.tensor([0, -1, 2, 3, -1])
    for batch in (late, gathered):
        out = batch.take_or_null(indices)
        assert out["a"].values[out["a"].valid].tolist() == [40, 20, 10]
        assert out["a"].valid.tolist() == [True, False, True, True, False]
        assert out["b"].valid.tolist() == [True, False, False, True, False]
    whole = late.take_or_null(torch.tensor([1, 0]))
    assert whole["a"].values.tolist() == [30, 40] and whole["a"].valid is None


def test_a_filter_every_row_passes_is_the_batch_itself_and_others_keep_their_rows():
    batch = _batch()
    assert batch.filter(torch.ones(10, dtype=torch.bool)) is batch
    mask = torch.arange(10) % 4 != 1
    kept = batch.filter(mask)
    assert kept.num_rows == 7
    for name in batch.names:
        _same(kept[name], batch.take(torch.nonzero(mask).flatten())[name])
    assert batch.filter(torch.zeros(10, dtype=torch.bool)).num_rows == 0


def test_a_filter_keeping_many_rows_lists_them_only_when_a_column_is_read():
    """On a CPU a filter keeping at least 1/LATE_MAX_SPREAD of its rows keeps its mask: the
    batch it read and the mask are there for a join (`unlisted`), under other names too, until
    some column is read; then the rows are listed once for every column."""
    batch, mask = _batch(40), torch.arange(40) % 3 != 1
    kept = batch.filter(mask)
    assert kept.num_rows == int(mask.sum()) and len(kept["x"]) == kept.num_rows
    base, unlisted_mask = kept.unlisted()
    assert unlisted_mask is mask and base.num_rows == 40
    assert all(base[n] is batch[n] for n in batch.names)
    renamed = Batch({"y": kept["x"], "t": kept["s"]}, kept.num_rows)  # a projection's names
    assert renamed.unlisted()[0]["y"] is batch["x"]
    rows = torch.nonzero(mask).flatten()
    _same(kept["x"], batch.take(rows)["x"])  # read: the rows are listed ...
    assert kept.unlisted() is None  # ... and the mask is gone
    _same(kept["s"], batch.take(rows)["s"])


def test_a_batch_is_unlisted_only_while_all_its_columns_share_one_filters_mask():
    batch = _batch(40)
    few = batch.filter(torch.arange(40) == 7)  # under 1/8 kept: listed and gathered at once
    assert few.unlisted() is None and not isinstance(few["x"], LateColumn)
    one, other = batch.filter(torch.arange(40) % 2 == 0), batch.filter(torch.arange(40) % 2 == 1)
    mixed = Batch({"a": one["x"], "b": other["s"]}, one.num_rows)
    assert mixed.unlisted() is None
    listed = batch.take_late(torch.arange(0, 40, 2))  # positions, not a mask
    assert listed.unlisted() is None
    with_plain = Batch({"a": one["x"], "b": Column(torch.zeros(20), DataType.DOUBLE)}, 20)
    assert with_plain.unlisted() is None
