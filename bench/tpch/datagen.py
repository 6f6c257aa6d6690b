"""TPC-H data generation with `tpchgen-cli` into a cache folder, one Parquet file per table
(and the once-only generation into a folder that bench/tpcds shares).

The data is generated once per scale factor and reused; nothing here is committed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

TABLES = ("customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier")
DEFAULT_ROOT = Path(os.environ.get("TQP_DATA", Path(__file__).resolve().parents[2] / "data" / "tpch"))


def data_dir(sf: float, root: Path = DEFAULT_ROOT) -> Path:
    """The folder that holds (or will hold) the Parquet files of scale factor `sf`."""
    return Path(root) / f"sf{sf:g}"


def ensure_data(sf: float, root: Path = DEFAULT_ROOT) -> Path:
    """Generate TPC-H at scale factor `sf` unless it is there already; return its folder."""
    return generate_once(data_dir(sf, root), TABLES,
                         [find_cli("tpchgen-cli"), "parquet", "-s", f"{sf:g}", "-o"])


def find_cli(name: str) -> str:
    """A generator's command: on PATH, else beside this Python (the virtualenv's bin)."""
    return shutil.which(name) or str(Path(sys.executable).with_name(name))


def generate_once(folder: Path, tables: tuple[str, ...], command: list[str]) -> Path:
    """`folder`, holding `<table>.parquet` for each of `tables`; when one is missing, first run
    `command` with a fresh folder as its last argument (the generator's output folder)."""
    if all((folder / f"{t}.parquet").exists() for t in tables):
        return folder
    # A private temporary folder per process, renamed into place at the end: concurrent test
    # workers never see (or delete) each other's half-written files.
    tmp = folder.with_name(f"{folder.name}.tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    subprocess.run([*command, str(tmp)], check=True, stdout=subprocess.DEVNULL)
    if folder.exists() and not all((folder / f"{t}.parquet").exists() for t in tables):
        shutil.rmtree(folder, ignore_errors=True)  # left half-written by an interrupted run
    try:
        tmp.rename(folder)
    except OSError:  # another process finished first: keep its copy
        shutil.rmtree(tmp, ignore_errors=True)
        if not all((folder / f"{t}.parquet").exists() for t in tables):
            raise
    return folder


def load_tables(folder: Path, columns: dict[str, list[str]] | None = None) -> dict[str, pa.Table]:
    """Read the tables of a generated folder as Arrow tables: every table whole, or only the
    tables and columns named in `columns` (table -> column names)."""
    wanted = columns if columns is not None else dict.fromkeys(TABLES)
    return {t: pq.read_table(Path(folder) / f"{t}.parquet", columns=c) for t, c in wanted.items()}
