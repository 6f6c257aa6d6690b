"""tqp-shell: piped scripts through a subprocess, the REPL through a pseudo-terminal."""

from __future__ import annotations

import io
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tqp.shell import has_content, is_complete, main, split_statements

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT_S = 60


def shell_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["TQP_HISTORY"] = str(tmp_path / "history")
    return env


def run_shell(tmp_path: Path, stdin: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tqp.shell", *args], input=stdin, capture_output=True, text=True,
        cwd=tmp_path, env=shell_env(tmp_path), timeout=TIMEOUT_S,
    )


@pytest.fixture
def shell(monkeypatch, capsys, tmp_path):
    """`main` in this process, stdin piped (faster than a subprocess): (status, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TQP_HISTORY", str(tmp_path / "history"))

    def run(stdin: str, *args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        status = main(list(args))
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return run


@pytest.fixture
def data_dir(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    pq.write_table(pa.table({"a": [1, 2, 3], "b": ["x", "y", None]}), folder / "t.parquet")
    return folder


# -- splitting input ---------------------------------------------------------------------------


def test_split_statements():
    assert split_statements("select 1; select 2;") == (["select 1", "select 2"], "")
    assert split_statements("select 1; select") == (["select 1"], " select")
    assert split_statements("select ';' as s; ") == (["select ';' as s"], " ")
    assert split_statements("select 'it''s;'; x") == (["select 'it''s;'"], " x")
    assert split_statements('select 1 as "a;b";') == (['select 1 as "a;b"'], "")
    assert split_statements("select 1 -- no; end\n;") == (["select 1 -- no; end"], "")
    assert split_statements("select /* ; */ 1;") == (["select /* ; */ 1"], "")
    assert split_statements("select 'open; string") == ([], "select 'open; string")
    assert split_statements(";; -- only a comment\n;") == ([], "")


def test_is_complete():
    assert is_complete("select 1;")
    assert is_complete("select 1;  -- trailing comment")
    assert is_complete(".tables")
    assert is_complete("   ")
    assert not is_complete("select 1")
    assert not is_complete("select ';'")
    assert not is_complete("select 1; select 2")
    assert not has_content(" -- x\n /* y */ ")


# -- piped: `python -m tqp.shell` in a subprocess, or `main` in-process where that is enough ---


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
    assert "CREATE TABLE t (" in result.stdout and "  a BIGINT," in result.stdout
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


def test_error_exits_1_with_one_line(tmp_path):
    script = "select 1 as ok;\nselect * from no_such_table;\nselect 3 as after;\n"
    result = run_shell(tmp_path, script)
    assert result.returncode == 1
    assert "ok" in result.stdout
    assert "after" not in result.stdout  # stops at the first error
    error = result.stderr.strip()
    assert len(error.splitlines()) == 1
    assert error.startswith("Error: ProgrammingError: ")
    assert "Traceback" not in result.stderr


def test_syntax_error_is_one_line(shell):
    status, out, err = shell("select from where (;\n")
    assert status == 1
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("Error: ")


def test_unknown_dot_command(shell):
    status, out, err = shell(".frobnicate\n")
    assert status == 1
    assert err.strip() == "Error: unknown command .frobnicate (try .help)"


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


def test_help_lists_the_dot_commands(shell):
    status, out, err = shell(".help\n")
    assert status == 0
    for command in (".tables", ".schema", ".open", ".read", ".timer", ".device", ".model",
                    ".models", ".quit"):
        assert command in out


def test_command_option(shell):
    status, out, err = shell("", "-c", "select 5 as five")
    assert status == 0, err
    assert "five" in out


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
    status, out, err = shell("select 1;", str(tmp_path / "missing"))
    assert status == 1
    assert err.startswith("Error: OperationalError: no such file")


# -- interactive, through a pseudo-terminal ----------------------------------------------------


class Terminal:
    """The shell running on a pseudo-terminal, with everything it wrote collected."""

    def __init__(self, tmp_path: Path, *args: str):
        import pty  # POSIX only; imported here so the module still imports elsewhere

        self.master, slave = pty.openpty()
        env = shell_env(tmp_path)
        env.update(TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1", COLUMNS="120", LINES="40")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tqp.shell", *args], stdin=slave, stdout=slave, stderr=slave,
            cwd=tmp_path, env=env, start_new_session=True, close_fds=True,
        )
        os.close(slave)
        self.output = ""
        self.seen = 0  # output before this index has been matched

    def expect(self, text: str, timeout: float = TIMEOUT_S) -> str:
        """Read until `text` appears after the previous match; return the output up to its end.

        Fails, showing what was read, on timeout or when the shell ends first.
        """
        deadline = time.monotonic() + timeout
        while text not in self.output[self.seen:]:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"timed out waiting for {text!r}; got:\n{self.output}")
            ready, _, _ = select.select([self.master], [], [], min(remaining, 0.5))
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:  # the child closed the terminal
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"shell ended before {text!r}; got:\n{self.output}")
                self.output += chunk.decode(errors="replace")
        self.seen = self.output.index(text, self.seen) + len(text)
        return self.output[:self.seen]

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())

    def wait(self, timeout: float = TIMEOUT_S) -> int:
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:  # keep draining so the child never blocks on a full terminal
                try:
                    self.output += os.read(self.master, 65536).decode(errors="replace")
                except OSError:
                    pass
        return self.process.wait(timeout=1)

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        os.close(self.master)


@pytest.fixture
def terminal(tmp_path):
    if sys.platform == "win32":
        pytest.skip("pseudo-terminals are POSIX only")
    terminals = []

    def start(*args):
        terminals.append(Terminal(tmp_path, *args))
        return terminals[-1]

    yield start
    for t in terminals:
        t.close()


def test_interactive_query_and_quit(terminal, tmp_path):
    term = terminal()
    term.expect("tqp>")  # type only at a prompt: typeahead in cooked mode is not reliable
    term.type("select 1 + 1 as two;\r")
    output = term.expect("1 row")
    assert "two" in output and "  2" in output
    term.expect("tqp>")
    term.type(".quit\r")
    assert term.wait() == 0
    assert "select 1 + 1 as two;" in (tmp_path / "history").read_text()


def test_interactive_continuation_and_errors(terminal, data_dir):
    term = terminal(str(data_dir))
    term.expect("tqp>")
    term.type("select count(*) as n\r")
    term.expect("...>")  # the statement goes on: continuation prompt
    term.type("from t;\r")
    term.expect("1 row")
    term.expect("tqp>")
    term.type("select * from no_such_table;\r")
    term.expect("Error: ")
    output = term.expect("tqp>")
    assert "Traceback" not in output
    term.type("select 7 as seven;\r")  # the shell goes on after an error
    term.expect("1 row")
    term.expect("tqp>")
    term.type("\x04")  # Ctrl-D leaves
    assert term.wait() == 0


def test_interactive_ctrl_c_cancels_the_input(terminal):
    term = terminal()
    term.expect("tqp>")
    term.type("select 'never run' as dropped\r")
    term.expect("...>")
    term.type("\x03")  # Ctrl-C drops the unfinished statement
    term.expect("tqp>")
    term.type("select 'ran' as status;\r")
    output = term.expect("1 row")
    assert "ran" in output and "dropped" not in output.split("status")[-1]
    term.expect("tqp>")
    term.type(".exit\r")
    assert term.wait() == 0
