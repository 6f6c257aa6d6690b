"""Row-group pruning: which row groups a scan's pushed-down conditions may need.

A `Bound` is one condition on one column against constants (`<`, `<=`, `>`, `>=`, `=`, an IN
list, IS NULL, IS NOT NULL). A row group can be skipped when its min/max statistics prove that no
row satisfies a bound. Pruning is only ever conservative: the filter still runs above the scan,
and whatever cannot be compared (unknown statistics, values of another type) keeps the group.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class Bound:
    """`column op values`: op is one of < <= > >= = in is_null not_null."""

    column: str
    op: str
    values: tuple = ()

    def describe(self) -> str:
        if self.op in ("is_null", "not_null"):
            return f"{self.column} {'IS NULL' if self.op == 'is_null' else 'IS NOT NULL'}"
        if self.op == "in":
            return f"{self.column} IN ({', '.join(map(_sql, self.values))})"
        return f"{self.column} {self.op} {_sql(self.values[0])}"


def _sql(value) -> str:
    """A constant as SQL text."""
    if isinstance(value, datetime):
        kind = "TIMESTAMP" if value.tzinfo is None else "TIMESTAMPTZ"
        return f"{kind} '{value.isoformat(sep=' ')}'"
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return str(value)


def may_match(bound: Bound, stats: tuple | None, rows: int) -> bool:
    """Whether a row group with `stats` ((min, max, null_count), None when unknown) and `rows`
    rows may hold a row satisfying `bound`."""
    if stats is None:
        return True
    low, high, nulls = stats
    if bound.op == "is_null":
        return nulls is None or nulls > 0
    if bound.op == "not_null":
        return nulls is None or nulls < rows
    if nulls is not None and nulls == rows:
        return False  # only NULLs: no comparison is true
    if low is None or high is None:
        return True
    if any(isinstance(v, float) for v in bound.values) and isinstance(low, Decimal):
        return True  # a float constant against exact decimals: rounding could mislead
    if any(isinstance(v, datetime) for v in bound.values) and type(low) is date:
        low, high = datetime.combine(low, datetime.min.time()), \
            datetime.combine(high, datetime.min.time())
    try:
        if bound.op == "in":
            return any(low <= v <= high for v in bound.values)
        value = bound.values[0]
        if bound.op == "=":
            return low <= value <= high
        if bound.op == "<":
            return low < value
        if bound.op == "<=":
            return low <= value
        if bound.op == ">":
            return high > value
        if bound.op == ">=":
            return high >= value
    except TypeError:
        return True
    return True


def surviving_groups(bounds, statistics: dict[str, list], rows: list[int]) -> list[bool]:
    """For each row group, whether every bound may match it (`statistics`: column -> per-group
    stats, `rows`: rows per group)."""
    keep = [True] * len(rows)
    for bound in bounds:
        stats = statistics.get(bound.column)
        if stats is None:
            continue
        for i, s in enumerate(stats):
            if keep[i] and not may_match(bound, s, rows[i]):
                keep[i] = False
    return keep
