"""Errors at the edges of the types (t_edge): where DuckDB raises, tqp raises the fitting
`tqp.Error` subclass, never a wrong answer, a raw exception or a crash of the process."""

from __future__ import annotations

import re

import duckdb
import pytest

ERRORS = [
    # (sql, the tqp.Error subclass, a regex the message must match, case-insensitive)
    ("select b // -1 from t_edge", "DataError", r"overflow"),
    ("select i // -1 from t_edge", "DataError", r"overflow"),
    ("select i // (-1)::int from t_edge where id = 1", "DataError", r"overflow"),
    ("select abs(i) from t_edge", "DataError", r"overflow"),
    ("select abs(b) from t_edge", "DataError", r"overflow"),
    ("select dt + 2147483647 < dt from t_edge", "DataError", r"date out of range"),
    ("select dt - 2147483647 from t_edge where id = 2", "DataError", r"date out of range"),
    ("select s like 'ab' escape '!!' from t_edge", "ProgrammingError", r"escape"),
    ("select s like 'ab!' escape '!' from t_edge", "ProgrammingError", r"escape"),
]


def _ids(cases) -> list[str]:
    return [re.sub(r"\s+", " ", case[0])[:60] for case in cases]


@pytest.mark.parametrize("sql,cls,pattern", ERRORS, ids=_ids(ERRORS))
def test_edge_error(corpus_tqp_con, corpus_duck_con, sql, cls, pattern):
    import tqp

    with pytest.raises(duckdb.Error):
        corpus_duck_con.execute(sql).fetchall()
    with pytest.raises(getattr(tqp, cls)) as excinfo:
        corpus_tqp_con.execute(sql).fetchall()
    assert re.search(pattern, str(excinfo.value), re.IGNORECASE), str(excinfo.value)


def test_dates_past_python_range_fetch_as_duckdb_strings(corpus_tqp_con, corpus_duck_con):
    sql = "select dt + 1 as a, dt - 3652060 as b, dt + 2000000000 as c from t_edge order by id"
    assert corpus_tqp_con.execute(sql).fetchall() == corpus_duck_con.execute(sql).fetchall()
