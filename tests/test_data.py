"""tqp.data.QueryDataset: batches of tensors from a query, for torch's DataLoader."""

from __future__ import annotations

import pyarrow as pa
import pytest
import torch
from torch.utils.data import DataLoader

import tqp
from tqp.data import QueryDataset


@pytest.fixture()
def con():
    connection = tqp.connect()
    connection.register("t", pa.table({"x": [float(i) for i in range(10)], "y": list(range(10))}))
    yield connection
    connection.close()


def test_batches_cover_every_row_once(con):
    dataset = QueryDataset(con, "select x, y from t order by y", batch_size=4)
    assert isinstance(dataset, torch.utils.data.IterableDataset)
    batches = list(dataset)
    assert [b["y"].shape[0] for b in batches] == [4, 4, 2]
    assert torch.cat([b["y"] for b in batches]).tolist() == list(range(10))
    assert batches[0]["x"].dtype == torch.float64
    assert [b["y"].shape[0] for b in QueryDataset(con, "select y from t", 4, drop_last=True)] \
        == [4, 4]


def test_parameters_and_dataloader(con):
    dataset = QueryDataset(con, "select y from t where y >= ? order by y", 3, parameters=[5])
    assert [b["y"].tolist() for b in DataLoader(dataset, batch_size=None)] == [[5, 6, 7], [8, 9]]


def test_training_a_small_model(con):
    """The docs' example in small: fit y = 2x + 1 from batches."""
    con.execute("create table points as select x, 2 * x + 1 as y from t")
    model = torch.nn.Linear(1, 1, dtype=torch.float64)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    for _ in range(300):
        for batch in QueryDataset(con, "select x, y from points", batch_size=5):
            loss = torch.nn.functional.mse_loss(model(batch["x"][:, None])[:, 0], batch["y"])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    assert abs(model.weight.item() - 2) < 0.05 and abs(model.bias.item() - 1) < 0.3


def test_batch_size_must_be_positive(con):
    with pytest.raises(tqp.ProgrammingError, match="batch_size"):
        QueryDataset(con, "select 1", batch_size=0)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
def test_batches_arrive_on_the_connections_device():
    with tqp.connect(device="cuda") as connection:
        connection.register("t", pa.table({"x": [1.0, 2.0, 3.0]}))
        batches = list(QueryDataset(connection, "select x * 2 as y from t", batch_size=2))
        assert [b["y"].device.type for b in batches] == ["cuda", "cuda"]
        assert torch.cat([b["y"] for b in batches]).tolist() == [2.0, 4.0, 6.0]
