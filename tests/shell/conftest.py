"""Running tqp-shell: piped through a subprocess, or `main` in this process."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tqp.shell import main

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_S = 60


def shell_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["TQP_HISTORY"] = str(tmp_path / "history")
    return env


def run_shell(tmp_path: Path, stdin: str, *args: str) -> subprocess.CompletedProcess:
    """`python -m tqp.shell ARGS` with `stdin` piped in, from `tmp_path`."""
    return subprocess.run(
        [sys.executable, "-m", "tqp.shell", *args], input=stdin, capture_output=True, text=True,
        cwd=tmp_path, env=shell_env(tmp_path), timeout=TIMEOUT_S,
    )


@pytest.fixture
def shell(monkeypatch, capsys, tmp_path):
    """`main` in this process, stdin piped (faster than a subprocess): (status, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TQP_HISTORY", str(tmp_path / "history"))

    def run(stdin: str, *args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        status = main(list(args))
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return run


@pytest.fixture
def data_dir(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    pq.write_table(pa.table({"a": [1, 2, 3], "b": ["x", "y", None]}), folder / "t.parquet")
    return folder
