"""Fixtures of the physical-operator tests."""

from __future__ import annotations

import pytest

from tqp.operators import relational


@pytest.fixture
def filtered_columns(monkeypatch) -> list[list[str]]:
    """The column names (without their table) of each batch a filter gathers rows of, in
    order, while the test runs."""
    seen: list[list[str]] = []
    original = relational.filter_

    def spy(condition, batch, mask=None):
        seen.append(sorted(n.rsplit(".", 1)[-1] for n in batch.names))
        return original(condition, batch, mask)

    monkeypatch.setattr(relational, "filter_", spy)
    return seen
