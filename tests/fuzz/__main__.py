"""`python -m tests.fuzz --n 100000 --seed S`: fuzz tqp, print counts, write reproducers."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from tests.fuzz.oracles import FAILURES, ORACLES, Engines, check
from tests.fuzz.runner import read_reproducers, run


def replay(path: Path, engines: Engines) -> int:
    """Check each reproducer of `path` again; print its outcome now."""
    failing = 0
    for seed, case in read_reproducers(path.read_text()):
        outcome = check(case, engines)
        failing += outcome.status in FAILURES
        print(f"seed {seed} {case.oracle} {case.variant}: {outcome.status} {outcome.error}  "
              f"{case.parts.get('query', '')[:150]}")
    print(f"{failing} still failing")
    return 1 if failing else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__)
    parser.add_argument("--n", type=int, default=1000, help="number of cases")
    parser.add_argument("--seed", type=int, default=0, help="seed of the first case")
    parser.add_argument("--oracle", action="append", choices=sorted(ORACLES),
                        help="only these oracles (repeatable; default all)")
    parser.add_argument("--exclude", action="append", default=[],
                        help="a generator feature to leave out (repeatable)")
    parser.add_argument("--ci-grammar", action="store_true",
                        help="leave out the features known broken (tests/fuzz/test_fuzz.py)")
    parser.add_argument("--out", default="fuzz-failures.sql", help="reproducers file")
    parser.add_argument("--reduce", type=int, default=50,
                        help="reduce at most this many failures (the rest are written as found)")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--replay", metavar="FILE",
                        help="check the reproducers of FILE again (a fix's progress) and exit")
    args = parser.parse_args(argv)
    if args.replay:
        return replay(Path(args.replay), Engines(args.device))

    excluded = set(args.exclude)
    if args.ci_grammar:
        from tests.fuzz.known import KNOWN_BROKEN
        excluded |= set(KNOWN_BROKEN)
    engines = Engines(args.device)
    started = time.monotonic()
    report = run(args.seed, args.n, engines, frozenset(excluded),
                 tuple(args.oracle or ORACLES), reduce_limit=args.reduce, progress=True,
                 out=args.out)
    print(f"{args.n} cases from seed {args.seed} in {time.monotonic() - started:.0f} s")
    print(report.summary())
    print("most frequent refusals where DuckDB answers:")
    for message, count in report.unsupported.most_common(12):
        print(f"  {count:5}  {message}")
    print(f"{len(report.failures)} failures written to {args.out}")
    return 1 if report.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
