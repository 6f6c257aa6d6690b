"""DATE_SUB's whole parts, the part functions and column-valued intervals agree with DuckDB over
thousands of random DATE and TIMESTAMP pairs: month ends, leap days, equal times, dates before
1970 and before the year 1 (the years -220 to 2190)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

DAY_MICROS = 86_400_000_000


def _pairs(rows: int = 3000, seed: int = 7) -> pa.Table:
    rng = np.random.default_rng(seed)
    base = rng.integers(-800_000, 800_000, rows)
    a_days = base + rng.integers(-70, 70, rows)
    steps = [0, 1, 27, 28, 29, 30, 31, 59, 60, 365, 366, -31, -29, -365, 3650, -40000]
    b_days = base + rng.choice(steps, rows) + rng.integers(-3, 3, rows)

    def times() -> np.ndarray:  # a third at midnight, some at noon, the rest anywhere
        anywhere = rng.integers(0, DAY_MICROS, rows)
        return np.where(rng.random(rows) < 0.3, 0,
                        np.where(rng.random(rows) < 0.3, DAY_MICROS // 2, anywhere))

    nulls = rng.random(rows) < 0.05
    return pa.table({
        "id": pa.array(np.arange(rows, dtype=np.int32)),
        "a": pa.array(a_days * DAY_MICROS + times(), pa.timestamp("us"), mask=nulls),
        "b": pa.array(b_days * DAY_MICROS + times(), pa.timestamp("us")),
        "da": pa.array(a_days.astype(np.int32), pa.date32()),
        "db": pa.array(b_days.astype(np.int32), pa.date32(), mask=nulls[::-1]),
        "n": pa.array(rng.integers(-500, 500, rows).astype(np.int32)),
    })


@pytest.fixture(scope="module")
def pairs(engines):
    return engines.register("pairs", _pairs())


PARTS = ["year", "quarter", "month", "week", "day", "hour", "minute", "second", "millisecond",
         "microsecond", "decade", "century", "millennium", "isoyear", "yearweek", "dow", "epoch"]


@pytest.mark.parametrize("part", PARTS)
@pytest.mark.parametrize("start,end", [("a", "b"), ("da", "db"), ("da", "b"), ("b", "a")])
def test_date_sub_random_pairs(pairs, part, start, end):
    pairs.check(f"SELECT id, date_sub('{part}', {start}, {end}) AS v FROM pairs")


@pytest.mark.parametrize("function", ["dayname", "monthname", "yearweek", "era", "decade",
                                      "century", "millennium", "julian", "microsecond",
                                      "millisecond", "nanosecond", "weekday", "isoyear"])
@pytest.mark.parametrize("column", ["a", "da"])
def test_part_functions_random(pairs, function, column):
    pairs.check(f"SELECT id, {function}({column}) AS v FROM pairs")


@pytest.mark.parametrize("unit", ["year", "quarter", "month", "week", "day", "hour", "minute",
                                  "second", "millisecond", "microsecond"])
def test_column_intervals_random(pairs, unit):
    pairs.check(f"SELECT id, epoch_us(da + interval (n) {unit}) AS v, "
                f"epoch_us(a - n * interval 1 {unit}) AS w, "
                f"epoch_us(b + (interval (n) {unit} + interval 1 month)) AS x FROM pairs")
