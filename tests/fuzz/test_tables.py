"""The fuzz tables hold what the fuzzer relies on: NULLs everywhere, repeated rows, an empty one."""

from __future__ import annotations

from tests.fuzz.tables import TABLES, fuzz_tables


def test_tables_are_fixed():
    assert fuzz_tables() == fuzz_tables()


def test_nulls_in_every_column_and_repeated_rows():
    tables = fuzz_tables()
    assert {name for name, t in tables.items() if t.num_rows == 0} == {"t0"}
    for spec in TABLES:
        table = tables[spec.name]
        assert table.num_rows == spec.rows
        if spec.rows == 0:
            continue
        assert all(table.column(c.name).null_count > 0 for c in spec.columns), spec.name
        rows = table.to_pylist()
        assert len({tuple(r.values()) for r in rows}) < len(rows), spec.name
