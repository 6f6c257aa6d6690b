"""Reduced reproducers of the wrong answers the fuzzer found and that are not fixed yet.

Each is a strict xfail naming its feature in tests/fuzz/known.py: when the bug is fixed the test
fails, and the fix should move the query into tests/sql/corpus/fuzz_found.sql and drop the
feature from KNOWN_BROKEN, so that the CI slice covers it again.
"""

from __future__ import annotations

import pytest

from tests.fuzz.known import KNOWN_BROKEN, KNOWN_REFUSALS
from tests.fuzz.oracles import PASS, Case, Engines, check

# (feature, case): none open today. The last ones fixed are in corpus/fuzz_found.sql.
REPRODUCERS: list[tuple[str, Case]] = []
KNOWN = {**KNOWN_BROKEN, **KNOWN_REFUSALS}


@pytest.fixture(scope="module")
def engines():
    engines = Engines()
    yield engines
    engines.close()


@pytest.mark.parametrize("feature, case", [
    pytest.param(feature, case, marks=pytest.mark.xfail(strict=True, reason=KNOWN[feature]))
    for feature, case in REPRODUCERS
], ids=[f"{feature}-{i}" for i, (feature, _) in enumerate(REPRODUCERS)])
def test_known_bug(feature, case, engines):
    outcome = check(case, engines)
    assert outcome.status == PASS, f"{outcome.status}: {outcome.detail}\n{outcome.sql}"


def test_every_known_feature_has_a_reproducer():
    assert {feature for feature, _ in REPRODUCERS} == set(KNOWN)
