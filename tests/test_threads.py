"""Importing tqp makes torch's OpenMP threads sleep, not spin, between parallel regions (on a
CPU shared with other processes spinning threads slowed every op 3-4x), unless the user chose."""

import os
import subprocess
import sys


def _policy_after_import(env: dict) -> str:
    code = "import tqp, os; print(os.environ['OMP_WAIT_POLICY'])"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)
    return out.stdout.strip()


def test_import_sets_passive_wait_policy():
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    assert _policy_after_import(env) == "PASSIVE"


def test_user_wait_policy_wins():
    assert _policy_after_import({**os.environ, "OMP_WAIT_POLICY": "ACTIVE"}) == "ACTIVE"
