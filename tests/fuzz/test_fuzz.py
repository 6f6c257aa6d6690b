"""The CI slice of the fuzzer: fixed seeds, the grammar without the features known broken.

CI_CASES cases in CHUNKS test functions (so pytest-xdist spreads them over its workers), each
from its own seed range; every case must pass, be refused by both engines, or be refused by tqp
with a tqp.Error (counted, not failed). The features in tests/fuzz/known.py are left out, each
with its reason; test_known_bugs.py holds their reproducers as strict xfails.
"""

from __future__ import annotations

import pytest

from tests.fuzz.known import KNOWN_BROKEN
from tests.fuzz.oracles import PASS, Engines
from tests.fuzz.runner import run

CI_SEED = 1_000_000
CI_CASES = 2000
CHUNKS = 8
# Most cases must reach a real comparison, or the slice proves little.
MIN_PASS_SHARE = 0.75


@pytest.fixture(scope="module")
def engines():
    engines = Engines()
    yield engines
    engines.close()


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_fuzz_slice(chunk, engines):
    size = CI_CASES // CHUNKS
    report = run(CI_SEED + chunk * size, size, engines, excluded=frozenset(KNOWN_BROKEN))
    found = "\n\n".join(f"seed {f.seed} ({f.case.oracle}): {f.outcome.status} "
                        f"{f.outcome.detail}\n{f.outcome.sql}" for f in report.failures)
    assert not report.failures, f"{len(report.failures)} failures:\n{found}"
    passed = sum(c[PASS] for c in report.counts.values())
    assert passed >= MIN_PASS_SHARE * size, report.summary()
