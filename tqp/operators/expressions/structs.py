"""STRUCT values in expressions: `struct_pack(a := x, ...)` and `{'a': x, ...}` literals,
`row(x, ...)`, and field access (`s.a`, `s['a']`, `struct_extract(s, 'a')`), over whole
columns (operators/structs.py holds the kernels)."""

from __future__ import annotations

from sqlglot import exp

from tqp.errors import NotSupportedError, ProgrammingError
from tqp.operators import structs
from tqp.operators.expressions import SqlText, evaluate, handles
from tqp.operators.expressions import handles_anonymous
from tqp.operators.expressions.literals import device_of
from tqp.storage.column import Batch, Column, null_column
from tqp.types import DataType


# Set by the parser (planner/dialect.py) on a struct field's name: the name as written (sqlglot's
# identifier normalization lowercases it; DuckDB keeps its case).
FIELD_NAME = "tqp_field_name"


def field_name(item: exp.Expression) -> str:
    """The name of a `name := value` item of a struct literal, as written."""
    return item.this.meta.get(FIELD_NAME, item.this.name)


@handles(exp.Struct)
def struct_pack(node: exp.Struct, batch: Batch) -> Column:
    """`struct_pack(a := x, ...)` / `{'a': x, ...}`: one struct per row of the fields' values."""
    names, fields = [], []
    for item in node.expressions:
        if not isinstance(item, (exp.PropertyEQ, exp.Slice)) or not isinstance(
                item.this, (exp.Identifier, exp.Literal)):
            raise NotSupportedError(f"a STRUCT field without a name: {item.sql(dialect='duckdb')}")
        names.append(field_name(item))
        fields.append(evaluate(item.expression, batch))
    if not fields:
        raise ProgrammingError("a STRUCT needs at least one field")
    return structs.from_fields(names, fields)


@handles_anonymous("row")
def row(node: exp.Anonymous, batch: Batch) -> Column:
    """`row(x, y, ...)`: an unnamed struct, its fields named `element1`, `element2`, ... as
    DuckDB returns them."""
    if not node.expressions:
        raise NotSupportedError("ROW() without values")
    fields = [evaluate(e, batch) for e in node.expressions]
    return structs.from_fields([f"element{i + 1}" for i in range(len(fields))], fields)


def field(target: exp.Expression, name: exp.Expression, batch: Batch) -> Column:
    """The field `name` (a string constant) of the structs of `target`; NULL for a NULL
    struct."""
    if not (isinstance(name, exp.Literal) and name.is_string):
        raise NotSupportedError(f"a STRUCT field named by {name.sql(dialect='duckdb')} "
                                "(a string constant is expected)")
    column = evaluate(target, batch)
    if column.type is DataType.NULL:
        return null_column(batch.num_rows, DataType.NULL, device_of(batch))
    structs.require_struct(column, f"the field {name.name!r}")
    return structs.field_of(column, name.name)


@handles(exp.StructExtract)
def struct_extract(node: exp.StructExtract, batch: Batch) -> Column:
    return field(node.this, node.expression, batch)


@handles(exp.Dot)
def dot(node: exp.Dot, batch: Batch) -> Column:
    """`(expression).a`: the field `a` of a struct expression."""
    if isinstance(node.expression, exp.Star):
        raise NotSupportedError(f"{SqlText(node)} (a STRUCT's fields as columns)")
    if not isinstance(node.expression, exp.Identifier):
        raise NotSupportedError(f"{SqlText(node)} (a STRUCT field named by an expression)")
    return field(node.this, exp.Literal.string(node.expression.name), batch)
