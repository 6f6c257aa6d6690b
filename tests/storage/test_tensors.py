"""cursor.torch(): the engine's result tensors, on the connection's device, as plain tensors."""

from __future__ import annotations

import pyarrow as pa
import pytest
import torch

import tqp


CUDA = pytest.param("cuda", marks=pytest.mark.skipif(not torch.cuda.is_available(),
                                                     reason="no CUDA device"))


@pytest.fixture(params=["cpu", CUDA])
def con(request):
    connection = tqp.connect(device=request.param)
    connection.register("t", pa.table({
        "i": pa.array([1, 2, 3], pa.int32()), "b": pa.array([10, 20, 30], pa.int64()),
        "f": [0.5, None, 2.5], "ok": [True, False, True], "s": ["x", "y", "z"],
        "d": pa.array([0, 1, 19000], pa.date32()),
        "ts": pa.array([0, 1_000_000, 2], pa.timestamp("us")),
        "n": pa.array([1, None, 3], pa.int64()),
    }))
    yield connection
    connection.close()


def test_torch_returns_typed_tensors_on_the_device(con):
    tensors = con.execute("select i, b, f, ok, d, ts, i * 2 as i2 from t order by i").torch()
    expected = {"i": (torch.int32, [1, 2, 3]), "b": (torch.int64, [10, 20, 30]),
                "ok": (torch.bool, [True, False, True]), "d": (torch.int32, [0, 1, 19000]),
                "ts": (torch.int64, [0, 1_000_000, 2]), "i2": (torch.int32, [2, 4, 6])}
    assert list(tensors) == ["i", "b", "f", "ok", "d", "ts", "i2"]
    for name, (dtype, values) in expected.items():
        assert tensors[name].dtype == dtype and tensors[name].tolist() == values, name
        assert tensors[name].device.type == con.device
    assert tensors["f"].dtype == torch.float64
    assert tensors["f"].isnan().tolist() == [False, True, False]  # NULL is NaN


def test_torch_tensors_are_copies_and_follow_fetching(con):
    cursor = con.execute("select i from t order by i")
    assert cursor.fetchone() == (1,)
    tensors = cursor.torch()
    assert tensors["i"].tolist() == [2, 3]  # the rows not fetched yet
    tensors["i"][:] = 0
    assert con.execute("select i from t order by i").torch()["i"].tolist() == [1, 2, 3]


def test_torch_refuses_what_has_no_tensor_form(con):
    with pytest.raises(tqp.NotSupportedError, match="column s is VARCHAR"):
        con.execute("select s from t").torch()
    with pytest.raises(tqp.DataError, match="column n .* NULLs"):
        con.execute("select n from t").torch()
    with pytest.raises(tqp.ProgrammingError, match="no result set"):
        con.execute("create table u as select 1 as x").torch()


def test_fetch_record_batch_streams_the_remaining_rows(con):
    cursor = con.execute("select b from t order by b")
    cursor.fetchone()
    reader = cursor.fetch_record_batch(1)
    assert isinstance(reader, pa.RecordBatchReader)
    assert [batch.num_rows for batch in reader] == [1, 1]
    assert cursor.fetchall() == []
