"""PRINTF/FORMAT pieces checked on their own: fixed-point doubles (numpy with an exact fallback
near ties) against Python's exact formatting, hexadecimal digits, and the format parsers; and
PRINTF/FORMAT over the expression tables against DuckDB."""

from __future__ import annotations

import numpy as np
import pytest

import tqp
from tqp.operators.expressions.formatting import Field, _fixed, _hex, parse_format, parse_printf


def _doubles() -> np.ndarray:
    rng = np.random.default_rng(7)
    return np.concatenate([
        rng.normal(0, 1e3, 20000),
        rng.integers(-10**6, 10**6, 20000) / 1000,  # many exact and near ties
        rng.integers(-10**6, 10**6, 20000) / 200,
        rng.normal(0, 1e12, 2000),
        [0.125, 2.675, 1.005, -0.0, 0.0, 0.5, 1.5, 2.5, -0.5, 4503599627370497.0, 1e20, 1e300,
         -1e-300, np.nan, np.inf, -np.inf, 5e-324],
    ])


@pytest.mark.parametrize("precision", [0, 1, 2, 3, 6, 10, 17, 25])
def test_fixed_point_matches_exact_formatting(precision):
    values = _doubles()
    assert _fixed(values, precision).to_pylist() == [f"{v:.{precision}f}" for v in values.tolist()]


def test_hex_digits():
    values = np.array([0, 1, 255, -1, -255, 2**63 - 1, -2**63], dtype=np.int64)
    assert _hex(values, 64, False).to_pylist() == [
        "0", "1", "ff", "f" * 16, "ffffffffffffff01", "7fffffffffffffff", "8000000000000000"]
    assert _hex(values, False, True).to_pylist() == [
        "0", "1", "FF", "-1", "-FF", "7FFFFFFFFFFFFFFF", "-8000000000000000"]
    assert _hex(values[3:4], 128, False).to_pylist() == ["f" * 32]


def test_parsers():
    assert parse_printf("a%%b%-5d|%08.2f%s") == [
        "a%b", Field(0, "d", 5, "<", " ", False, None, True), "|",
        Field(1, "f", 8, ">", " ", True, 2, True), Field(2, "s", 0, ">", " ", False, None, True)]
    assert parse_format("{{x}} {:*^7}|{:.2f}") == [
        "{x} ", Field(0, None, 7, "^", "*", False, None), "|", Field(1, "f", 0, None, " ", False, 2)]
    assert parse_format("{1}{0}") == [Field(1, None), Field(0, None)]
    with pytest.raises(tqp.NotSupportedError):
        parse_printf("%e")
    with pytest.raises(tqp.NotSupportedError):
        parse_format("{:+d}")
    with pytest.raises(tqp.ProgrammingError):
        parse_format("{} {0}")


FORMATTED = [
    ("strs", "printf('[%6s|%-6s|%.2s]', s, t, s)"), ("strs", "format('{:^8}|{:>3}', s, t)"),
    ("nums", "printf('%d|%5x|%08.3f', i, i, f)"), ("nums", "format('{}|{:x}|{:10.2f}|{}', i, i, f, f)"),
]


@pytest.mark.parametrize("table,expression", FORMATTED)
def test_printf_format_over_columns(engines, table, expression):
    engines.check_column(table, expression)
