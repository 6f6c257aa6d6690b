"""tqp-shell reading a script from a pipe (`-c`, stdin): results, dot commands, exit codes."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from tests.oracle import assert_same_result
from tests.shell.conftest import TIMEOUT_S, run_shell, shell_env
from tqp.shell.commands import COMMANDS

def test_piped_query_prints_a_table(tmp_path):
    result = run_shell(tmp_path, "select 1 + 1 as two;\n")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:3] == ["two", "---", "  2"]
    assert lines[3].startswith("1 row (") and lines[3].endswith(" s)")
    assert result.stderr == ""


def test_piped_statements_span_lines_and_run_in_order(tmp_path):
    script = "select\n  1 as first\n;\nselect 2 as second; select 3 as third\n"
    result = run_shell(tmp_path, script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.index("first") < out.index("second") < out.index("third")  # last one needs no ';'


def test_piped_registered_folder_and_dot_commands(tmp_path, data_dir):
    script = (
        ".tables\n"
        ".schema t\n"
        ".timer off\n"
        "select a, b from t order by a;\n"
    )
    result = run_shell(tmp_path, script, str(data_dir))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "t"
    assert lines[1] == "CREATE TABLE t(a BIGINT, b VARCHAR);"
    assert lines[-6:-1] == ["a | b", "--+-----", "1 | x", "2 | y", "3 | NULL"]
    assert lines[-1] == "3 rows"  # .timer off: no time


def test_open_and_read(shell, data_dir, tmp_path):
    (tmp_path / "q.sql").write_text("-- a script\nselect count(*) as n from t;\n")
    status, out, err = shell(f".open {data_dir / 't.parquet'}\n.read q.sql\n")
    assert status == 0, err
    assert "t.parquet: t" in out
    assert "n\n-\n3\n1 row" in out


def test_long_results_are_truncated(shell, data_dir):
    pq.write_table(pa.table({"n": list(range(100))}), data_dir / "big.parquet")
    status, out, err = shell("select n from big order by n;", str(data_dir))
    assert status == 0, err
    assert "... 60 more rows" in out
    assert "100 rows" in out


def test_piped_errors_are_one_line_and_the_script_goes_on(tmp_path):
    script = "select 1 as ok;\nselect * from no_such_table;\nselect 3 as after;\n"
    result = run_shell(tmp_path, script)
    assert result.returncode == 1  # something failed
    assert "ok" in result.stdout and "after" in result.stdout
    error = result.stderr.strip()
    assert len(error.splitlines()) == 1
    assert error.startswith("Error: ProgrammingError: ")
    assert "Traceback" not in result.stderr


def test_bail_stops_at_the_first_error(tmp_path):
    script = "select 1 as ok;\nselect * from no_such_table;\nselect 3 as after;\n"
    result = run_shell(tmp_path, script, "-bail")
    assert result.returncode == 1
    assert "ok" in result.stdout and "after" not in result.stdout
    assert result.stderr.startswith("Error: ProgrammingError: ")


def test_syntax_error_is_one_line(shell):
    status, out, err = shell("select from where (;\n")
    assert status == 1
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("Error: ")


def test_unknown_dot_command(shell):
    status, out, err = shell(".frobnicate\n")
    assert status == 1
    assert err.strip() == "Error: unknown command .frobnicate (try .help)"
    status, out, err = shell(".mode nosuch\n.timer maybe\n.once\n")
    assert status == 1 and "Traceback" not in err
    assert err.splitlines() == [
        "Error: unknown mode nosuch: use one of aligned, box, table, markdown, csv, tsv, json, "
        "jsonlines, line",
        "Error: usage: .timer on|off",
        "Error: usage: .once FILE",
    ]


def test_statement_without_rows_prints_ok(shell):
    status, out, err = shell(".timer off\ncreate view v as select 1 as x;\nselect x from v;\n")
    assert status == 0, err
    assert out.splitlines()[0] == "OK"
    assert "1 row" in out


def test_explain_prints_the_plan_as_text(shell, data_dir):
    status, out, err = shell("explain select a from t where a > 1;\n", str(data_dir))
    assert status == 0, err
    assert "Scan" in out
    assert " | " not in out  # the plan itself, not a one-cell table


def test_quit_stops_the_script(shell):
    status, out, err = shell("select 1 as one;\n.quit\nselect 2 as two;\n")
    assert status == 0
    assert "one" in out and "two" not in out


def test_help_lists_every_dot_command(shell):
    status, out, err = shell(".help\n")
    assert status == 0
    listed = {line.split()[0] for line in out.splitlines()[1:] if line.startswith("  .")}
    assert listed == set(COMMANDS) - {".exit", ".header"}
    for name in (".mode", ".headers", ".output", ".once", ".import", ".nullvalue", ".width",
                 ".explain", ".schema", ".quit"):
        assert name in listed


def test_command_option_runs_sql_and_dot_commands(shell, data_dir):
    status, out, err = shell("", "-c", ".mode csv\nselect 5 as five; select a from t order by a",
                             str(data_dir))
    assert status == 0, err
    assert out == "five\n5\na\n1\n2\n3\n"
    status, out, err = shell("", "-c", "select * from nowhere")
    assert status == 1 and err.startswith("Error: ProgrammingError:")


def test_mode_flags(shell):
    status, out, err = shell("select 1 as x, null as y;", "-json")
    assert (status, out) == (0, '[{"x":1,"y":null}]\n')
    status, out, err = shell("select 1 as x, null as y;", "-csv", "-noheader", "-nullvalue", "-")
    assert (status, out) == (0, "1,-\n")


@pytest.mark.filterwarnings("ignore:`torch.jit:DeprecationWarning")
def test_model_and_models(shell, data_dir, tmp_path):
    """`.model NAME PATH` loads a pickled scikit-learn model or a TorchScript file."""
    import pickle

    import torch

    linear_model = pytest.importorskip("sklearn.linear_model")
    x = [[0.0], [1.0], [2.0], [3.0]]
    pickle.dump(linear_model.LogisticRegression().fit(x, [0, 0, 1, 1]),
                (tmp_path / "lr.pkl").open("wb"))
    net = torch.nn.Linear(1, 1)
    with torch.no_grad():
        net.weight.fill_(2.0)
        net.bias.fill_(1.0)
    torch.jit.script(net).save(str(tmp_path / "net.pt"))
    status, out, err = shell(
        ".models\n.model lr lr.pkl\n.model net net.pt\n.models\n"
        "select a, predict('lr', a) as label, predict('net', a) as y from t order by a;\n",
        str(data_dir))
    assert status == 0, err
    assert "(no models: use .model NAME PATH)" in out
    assert "model lr: LogisticRegression (scikit-learn API, Hummingbird), 1 feature\n" in out
    assert "model net: TorchScript module Linear, 1 feature\n" in out
    listing = [line.split("|") for line in out.splitlines() if line.startswith(("lr ", "net "))]
    assert [(name.strip(), n.strip()) for name, _, n in listing] == [("lr", "1"), ("net", "1")]
    assert "1 |     0 | 3.0\n2 |     1 | 5.0\n3 |     1 | 7.0\n" in out


def test_model_errors(shell, tmp_path):
    status, out, err = shell(".model only_a_name\n")
    assert status == 1 and err.startswith("Error: usage: .model NAME PATH")
    status, out, err = shell(".model m missing.pkl\n")
    assert status == 1 and err.startswith("Error: OperationalError: no such model file")


def test_missing_path_argument_is_an_error(shell, tmp_path):
    status, out, err = shell("select 1;", str(tmp_path / "missing.parquet"))
    assert status == 1
    assert err.startswith("Error: OperationalError: no such file")


def test_a_folder_alone_is_a_database_that_keeps_changes(shell, tmp_path):
    db = str(tmp_path / "db")  # made on first use
    status, _, err = shell("create table t (a integer);\ninsert into t values (1), (2);\n", db)
    assert status == 0, err
    status, out, err = shell(".timer off\n.mode csv\nselect sum(a) as s from t;\n", db)
    assert status == 0, err
    assert out.split() == ["s", "3"]


def test_output_until_reset_and_once(shell, data_dir, tmp_path):
    script = (
        ".timer off\n.mode csv\n"
        ".output all.csv\nselect a from t order by a;\nselect b from t order by a;\n.output\n"
        "select 'terminal' as here;\n"
        ".once one.csv\nselect a, b from t where a = 2;\nselect 'after' as next;\n"
        ".once schema.sql\n.schema\n"
    )
    status, out, err = shell(script, str(data_dir))
    assert status == 0, err
    assert (tmp_path / "all.csv").read_text() == "a\n1\n2\n3\nb\nx\ny\nNULL\n"
    assert (tmp_path / "one.csv").read_text() == "a,b\n2,y\n"
    assert (tmp_path / "schema.sql").read_text() == "CREATE TABLE t(a BIGINT, b VARCHAR);\n"
    # On the terminal: the results not sent to a file, and a row count for those that were.
    assert out.splitlines() == ["3 rows", "3 rows", "here", "terminal", "1 row", "next", "after"]


def test_output_to_an_unwritable_place_is_an_error(shell, tmp_path):
    status, out, err = shell(f".output {tmp_path}/no/such/dir/x.txt\nselect 1 as one;\n")
    assert status == 1 and err.startswith("Error: cannot write ")
    assert "one" in out  # results stay on the terminal


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_import_a_file_as_a_table(shell, tmp_path, kind):
    table = pa.table({"id": [3, 1, 2], "name": ["c", "a", None], "price": [1.25, 10.0, 2.5]})
    path = tmp_path / f"items.{kind}"
    if kind == "csv":
        pacsv.write_csv(table, path)
    else:
        pq.write_table(table, path)
    query = "select id, name, price * 2 as twice from items order by id"
    status, out, err = shell(f".import {path.name} items\n.mode json\n{query};\n"
                             f".import {path.name} items\n")
    assert status == 1  # the second import: the table exists
    assert err.strip() == "Error: table items already exists (DROP TABLE items first)"
    got = pa.Table.from_pylist(__import__("json").loads(out))
    reader = "read_csv" if kind == "csv" else "read_parquet"
    expected = duckdb.sql(query.replace("items", f"{reader}('{path}')")).to_arrow_table()
    assert got.column_names == expected.column_names
    assert_same_result(got, expected, ordered=True)


def test_import_errors(shell):
    status, out, err = shell(".import missing.csv t\n.import only_one\n")
    assert status == 1
    assert err.splitlines() == ["Error: no such file: missing.csv",
                                "Error: usage: .import FILE TABLE"]


def test_schema_speaks_duckdb_types(shell, tpch_dir):
    """`.schema` names each column's type as DuckDB does for the same Parquet file."""
    status, out, err = shell(".schema lineitem orders\n", str(tpch_dir))
    assert status == 0, err
    lines = out.splitlines()
    assert len(lines) == 2
    for line, table in zip(lines, ["lineitem", "orders"]):
        assert line.startswith(f"CREATE TABLE {table}(") and line.endswith(");")
        columns = [c.strip() for c in line[len(f"CREATE TABLE {table}("):-2].split(", ")]
        described = duckdb.sql(f"describe select * from '{tpch_dir / table}.parquet'").fetchall()
        expected = [f"{name} {kind}" for name, kind, *_ in described]
        assert [c.removesuffix(" NOT NULL") for c in columns] == expected
    assert "l_quantity DECIMAL(15,2)" in out and "l_shipdate DATE" in out
    assert "STRING" not in out and "VARCHAR" in out


def test_schema_quotes_names_and_shows_views(shell):
    status, out, err = shell('create table "My Table" as select 1 as "order", \'x\' as b;\n'
                             'create view v as select b from "My Table";\n.schema\n')
    assert status == 0, err
    assert out.splitlines()[-2:] == [
        'CREATE TABLE "my table"("order" INTEGER, b VARCHAR);',
        'CREATE VIEW v AS SELECT b FROM "My Table";',
    ]


def test_explain_command_and_mode(shell, data_dir):
    status, out, err = shell(".timer off\n.explain select a from t where a > 1\n"
                             ".explain on\nselect a from t;\ncreate view v as select 1 as x;\n"
                             ".explain\nselect count(*) as n from t;\n", str(data_dir))
    assert status == 0, err
    plans, rest = out.split("explain: on\n")
    assert "Scan" in plans and "Filter" in plans
    explained, after = rest.split("explain: off\n")
    assert "Scan" in explained and "OK" in explained  # the query explained, CREATE VIEW ran
    assert after.splitlines() == ["n", "-", "3", "1 row"]


def test_headers_nullvalue_width(shell, data_dir):
    status, out, err = shell(".timer off\n.headers off\n.nullvalue (null)\n.width 3 -4\n"
                             "select b, a from t order by a;\n", str(data_dir))
    assert status == 0, err
    assert out.splitlines() == ["x   |    1", "y   |    2", "(nu |    3", "3 rows"]


def test_status_lines_only_in_modes_for_people(shell, data_dir):
    script = ("create view w as select a from t;\n.mode box\nselect a from w where a = 1;\n"
              ".mode markdown\nselect a from w where a = 1;\ndrop view w;\n")
    status, out, err = shell(script, str(data_dir))
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("OK")
    assert lines[1:6] == ["┌───┐", "│ a │", "├───┤", "│ 1 │", "└───┘"]
    assert lines[6].startswith("1 row (")
    assert lines[7:] == ["| a |", "|--:|", "| 1 |"]  # markdown: the data alone, no OK either


def test_mode_without_argument_shows_it(shell):
    status, out, err = shell(".mode\n.mode tabs\n.mode\n")
    assert out == "current output mode: aligned\ncurrent output mode: tsv\n"


def test_a_reader_that_goes_away_ends_the_shell_quietly(tmp_path, data_dir):
    """`tqp-shell ... | head -1`: no error, no traceback once the reader has closed the pipe."""
    pq.write_table(pa.table({"n": list(range(200_000))}), data_dir / "big.parquet")
    process = subprocess.Popen(
        [sys.executable, "-m", "tqp.shell", str(data_dir), "-csv", "-c", "select n from big"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path, env=shell_env(tmp_path))
    assert process.stdout.readline() == b"n\n"
    process.stdout.close()
    assert process.stderr.read() == b""
    assert process.wait(timeout=TIMEOUT_S) == 1


def test_cache_pins_tables_and_shows_them(shell, data_dir):
    status, out, err = shell(".cache\n.cache t\n.cache\nselect sum(a) as s from t;\n.cache off\n"
                             ".cache\n", str(data_dir))
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0] == "(nothing cached)"
    assert lines[1].startswith("t: ") and lines[1].endswith(" cached")
    assert lines[2].startswith("t: ") and lines[2].endswith("(pinned)")
    assert lines[3:6] == ["s", "-", "6"]
    assert lines[-1] == "(nothing cached)"


def test_cache_of_an_unknown_table_is_an_error(shell, data_dir):
    status, out, err = shell(".cache nope\n", str(data_dir))
    assert status == 1 and "nope" in err
