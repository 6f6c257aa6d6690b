"""Fixtures of the SQL corpus tests: the small NULL-bearing tables registered in both engines."""

from __future__ import annotations

import pytest

from tests.sql.fixtures import extra_tables


@pytest.fixture(scope="session")
def corpus_tqp_con(tqp_con):
    """The tqp connection (one per device) with the corpus's extra tables registered too."""
    for name, table in extra_tables().items():
        tqp_con.register(name, table)
    return tqp_con
