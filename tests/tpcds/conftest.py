"""TPC-DS SF 0.01, generated once by `tpcgen-cli` (seconds) into the data folder and kept."""

from __future__ import annotations

import shutil

import pytest

from bench.tpch.datagen import find_cli
from bench.tpcds.datagen import ensure_data

TEST_SF = 0.01


@pytest.fixture(scope="session")
def tpcds_dir():
    if shutil.which(find_cli("tpcgen-cli")) is None:
        pytest.skip("tpcgen-cli is not installed (pip install tpcgen-cli, or the test extra)")
    return ensure_data(TEST_SF)
