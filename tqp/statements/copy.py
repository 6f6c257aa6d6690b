"""COPY (query) TO 'file' and COPY t FROM 'file', in Parquet or CSV."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
from sqlglot import exp

from tqp.errors import NotSupportedError, OperationalError, ProgrammingError
from tqp.result import Result
from tqp.statements.modify import append, resolve_columns, target_name
from tqp.storage import readers
from tqp.storage.files import write_table

FORMATS = ("parquet", "csv")


def copy(engine, statement: exp.Copy) -> Result:
    """COPY {table | (query)} TO 'file' [(FORMAT f, HEADER b, DELIMITER 'c')], or
    COPY table [(columns)] FROM 'file' [(...)]. The format defaults to the file's suffix."""
    files = statement.args.get("files") or []
    if len(files) != 1 or not isinstance(files[0], exp.Literal) or not files[0].is_string:
        raise NotSupportedError("COPY takes one file name, a string literal")
    path = files[0].this
    options = _options(statement)
    file_format = options.pop("format", None) or Path(path).suffix.lower().lstrip(".")
    if file_format not in FORMATS:
        raise NotSupportedError(f"COPY format {file_format or '(none)'}: tqp reads and writes "
                                "parquet and csv (give FORMAT or a .parquet/.csv file name)")
    header = _flag(options.pop("header", True))
    delimiter = str(options.pop("delimiter", options.pop("delim", options.pop("sep", ","))))
    if options:
        raise NotSupportedError(f"COPY option(s) {', '.join(sorted(options))}")
    if statement.args.get("kind"):
        return _copy_from(engine, statement.this, path, file_format, header, delimiter)
    return _copy_to(engine, statement.this, path, file_format, header, delimiter)


def _copy_to(engine, source, path, file_format, header, delimiter) -> Result:
    if isinstance(source, exp.Table) and source.name.lower() in engine.catalog.tables:
        table = engine.catalog.table(source.name)  # as stored: declared types kept exactly
    elif isinstance(source, exp.Table):
        table = engine.query(exp.select("*").from_(source.copy()))
    else:
        table = engine.query(source.this if isinstance(source, exp.Subquery) else source)
    write_table(table, path, file_format, header=header, delimiter=delimiter)
    return Result(None, table.num_rows)


def _copy_from(engine, target, path, file_format, header, delimiter) -> Result:
    columns = None
    if isinstance(target, exp.Schema):
        columns = [c.name for c in target.expressions]
        target = target.this
    name, _ = target_name(target)
    if file_format == "parquet":
        rows = readers.read_parquet(path)
    else:
        rows = _read_csv(path, header, delimiter)
    columns = resolve_columns(engine, name, columns)
    return Result(None, append(engine, name, rows, columns))


def _read_csv(path: str, header: bool, delimiter: str) -> pa.Table:
    if not Path(path).exists():
        raise OperationalError(f"no such file: {path}")
    try:
        return pacsv.read_csv(
            path, read_options=pacsv.ReadOptions(autogenerate_column_names=not header),
            parse_options=pacsv.ParseOptions(delimiter=delimiter),
            convert_options=pacsv.ConvertOptions(strings_can_be_null=True))  # "" is NULL
    except (pa.ArrowInvalid, OSError) as exc:
        raise OperationalError(f"cannot read CSV {path}: {exc}") from None


def _options(statement: exp.Copy) -> dict:
    options = {}
    for parameter in statement.args.get("params") or []:
        key = parameter.this.name.lower()
        value = parameter.args.get("expression")
        options[key] = True if value is None else (
            value.this if isinstance(value, (exp.Literal, exp.Var)) else value.sql())
        if isinstance(options[key], str) and key == "format":
            options[key] = options[key].lower()
    return options


def _flag(value) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "on"):
        return True
    if text in ("false", "0", "off"):
        return False
    raise ProgrammingError(f"COPY option HEADER takes true or false, got {value}")
