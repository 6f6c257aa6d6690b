"""Run many fuzz cases: counts by oracle and outcome, failures reduced and written as SQL.

Case i of a run with seed S is drawn from QueryGenerator(seed=S + i), so any single case can be
replayed alone (`python -m tests.fuzz --seed S+i --n 1`). The oracle of a case is chosen by the
same generator, by the weights in ORACLES.
"""

from __future__ import annotations

import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from tests.fuzz.generator import QueryGenerator
from tests.fuzz.oracles import (
    BOTH_ERROR, FAILURES, INTERNAL, ORACLES, PASS, UNSUPPORTED, WRONG, Case, Engines, Outcome,
    check,
)
from tests.fuzz.reduce import reduce_case


@dataclass
class Failure:
    seed: int
    case: Case
    outcome: Outcome


@dataclass
class Report:
    """Counts by oracle: cases, and outcomes (errors by exception class), and the failures."""

    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    failures: list[Failure] = field(default_factory=list)
    unsupported: Counter = field(default_factory=Counter)  # tqp's refusals, by message

    def add(self, seed: int, case: Case, outcome: Outcome):
        if outcome.status == UNSUPPORTED:
            self.unsupported[re.sub(r"[0-9]+", "N", outcome.detail)[:100]] += 1
        counts = self.counts[case.oracle]
        counts["cases"] += 1
        counts[outcome.status] += 1
        if outcome.error:
            counts[f"{outcome.status}:{outcome.error}"] += 1
        if outcome.status in FAILURES:
            self.failures.append(Failure(seed, case, outcome))

    def summary(self) -> str:
        lines = []
        for oracle in sorted(self.counts):
            c = self.counts[oracle]
            by_class = ", ".join(f"{k.split(':', 1)[1]} {v}" for k, v in sorted(c.items())
                                 if k.startswith(f"{INTERNAL}:"))
            unsupported = ", ".join(f"{k.split(':', 1)[1]} {v}" for k, v in sorted(c.items())
                                    if k.startswith(f"{UNSUPPORTED}:"))
            lines.append(
                f"{oracle:13} cases {c['cases']:6}  passed {c[PASS]:6}  wrong {c[WRONG]:4}  "
                f"tqp errors {c[INTERNAL]:4}{f' ({by_class})' if by_class else ''}  "
                f"duckdb-only errors {c['duckdb_error']:4}  "
                f"unsupported {c[UNSUPPORTED]:5}{f' ({unsupported})' if unsupported else ''}  "
                f"both error {c[BOTH_ERROR]:5}")
        return "\n".join(lines)


def make_case(seed: int, excluded: frozenset[str] = frozenset(),
              oracles: tuple[str, ...] = tuple(ORACLES)) -> Case:
    """Case number `seed`: its oracle and its parts, all drawn from one generator."""
    gen = QueryGenerator(seed, excluded)
    oracle = gen.rng.choices(oracles, [ORACLES[o].weight for o in oracles])[0]
    return ORACLES[oracle].make_case(gen)


def run(seed: int, n: int, engines: Engines, excluded: frozenset[str] = frozenset(),
        oracles: tuple[str, ...] = tuple(ORACLES), reduce_limit: int = 0,
        progress: bool = False, out: Path | None = None) -> Report:
    """Run cases seed .. seed+n-1; reduce the first `reduce_limit` failures; append each
    failure to `out` as it is found."""
    report = Report()
    if out is not None:
        Path(out).write_text("")
    started = time.monotonic()
    for i in range(seed, seed + n):
        case = make_case(i, excluded, oracles)
        outcome = check(case, engines)
        if outcome.status in FAILURES and len(report.failures) < reduce_limit:
            case, outcome = reduce_case(case, outcome, engines)
        report.add(i, case, outcome)
        if out is not None and outcome.status in FAILURES:
            with open(out, "a") as file:
                file.write(_reproducer(report.failures[-1]) + "\n")
        if progress and (i - seed + 1) % 1000 == 0:
            rate = (i - seed + 1) / (time.monotonic() - started)
            print(f"  {i - seed + 1} cases, {len(report.failures)} failures, {rate:.0f}/s",
                  flush=True)
    return report


_HEADER = re.compile(r"^-- oracle: (\w+) (\w*) \| seed: (\d+)", re.MULTILINE)
_PART = re.compile(r"^-- (query|predicate): (.*)$", re.MULTILINE)


def read_reproducers(text: str) -> list[tuple[int, Case]]:
    """The (seed, case) of each reproducer in a file written by `run`."""
    marks = list(_HEADER.finditer(text))
    cases = []
    for i, mark in enumerate(marks):
        block = text[mark.end():marks[i + 1].start() if i + 1 < len(marks) else len(text)]
        parts = dict(_PART.findall(block))
        cases.append((int(mark.group(3)), Case(mark.group(1), parts, mark.group(2))))
    return cases


def _reproducer(f: Failure) -> str:
    """A failure as a commented SQL reproducer: oracle, seed, outcome, parts, the queries."""
    detail = "\n".join(f"--   {line}" for line in f.outcome.detail.splitlines())
    parts = "\n".join(f"-- {name}: {sql}" for name, sql in f.case.parts.items())
    return (f"-- oracle: {f.case.oracle} {f.case.variant} | seed: {f.seed} | "
            f"{f.outcome.status} {f.outcome.error}\n{detail}\n{parts}\n{f.outcome.sql};\n")
