"""Per-operator figures for EXPLAIN ANALYZE: rows, batches, time and peak bytes."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class OperatorStats:
    """What one physical operator did in one query run.

    `seconds` includes the time spent in the operator's inputs (their batches are pulled from
    inside it); EXPLAIN ANALYZE subtracts the inputs' own figures to show the operator's own.
    `peak_bytes` is the larger of its biggest output batch and the most state it held.
    `notes` record choices made at run time (the algorithm that actually ran)."""

    rows: int = 0
    batches: int = 0
    seconds: float = 0.0
    peak_bytes: int = 0
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def count(self, name: str, n: int) -> None:
        """Add `n` to the counter `name` (e.g. row groups read), shown after the notes."""
        self.counts[name] = self.counts.get(name, 0) + n
