"""Physical plans as deterministic indented text, for EXPLAIN and golden tests; with a
profile, EXPLAIN ANALYZE's rows, batches, own time, peak bytes and run-time choices."""

from __future__ import annotations

from tqp.execution.memory import format_size


def explain(root, profile: dict | None = None) -> str:
    """One line per operator, indented by depth; a shared operator is printed once."""
    lines: list[str] = []
    seen: set[int] = set()

    def walk(op, depth: int):
        line = "  " * depth + op.describe()
        if profile is not None and id(op) in profile:
            line += "  " + _figures(op, profile)
        if id(op) in seen:
            lines.append(line + "  [shared, see above]")
            return
        seen.add(id(op))
        lines.append(line)
        for child in op.children:
            walk(child, depth + 1)

    walk(root, 0)
    return "\n".join(lines)


def _figures(op, profile: dict) -> str:
    stats = profile[id(op)]
    below = sum(profile[id(c)].seconds for c in op.children if id(c) in profile)
    own = max(stats.seconds - below, 0.0)
    text = (f"(rows={stats.rows}, batches={stats.batches}, {own * 1000:.2f} ms, "
            f"peak={format_size(stats.peak_bytes)})")
    notes = stats.notes + [f"{name} {n}" for name, n in stats.counts.items()]
    if notes:
        text += " [" + "; ".join(notes) + "]"
    return text
