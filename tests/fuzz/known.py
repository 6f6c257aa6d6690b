"""Generator features known to give wrong answers today, each with the reason; the CI slice
(test_fuzz.py) leaves them out, and test_known_bugs.py holds a reduced reproducer of each as a
strict xfail. When a bug is fixed, its reproducer passes (the xfail fails): move it into the
corpus and drop its entry here."""

KNOWN_BROKEN: dict[str, str] = {}

# tqp raising a tqp.Error where DuckDB answers: counted as "unsupported" by the fuzzer, not
# failed, so nothing is left out of the CI slice for them; test_known_bugs.py keeps each.
KNOWN_REFUSALS: dict[str, str] = {}
