"""`python -m tests.fuzz --n 100000 --seed S`: fuzz tqp, print counts, write reproducers."""

from __future__ import annotations

import argparse
import time

from tests.fuzz.oracles import ORACLES, Engines
from tests.fuzz.runner import run


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
    args = parser.parse_args(argv)

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
