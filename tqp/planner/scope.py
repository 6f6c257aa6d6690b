"""Name resolution: which plan column a SQL column reference means.

Every FROM item gets a unique binding (`alias#n`), and its columns are named `binding.column` in
the plan, so a self-join or a subquery reusing an outer alias never clashes. Scopes chain to their
parent so correlated references resolve to the enclosing query.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from sqlglot import exp

from tqp.errors import ProgrammingError
from tqp.operators.expressions import SHOWN_AS, column_ref


@dataclass
class Scope:
    """The FROM items visible at one level of a query."""

    parent: "Scope | None" = None
    sources: dict[str, dict[str, str]] = field(default_factory=dict)  # alias -> column -> key
    depth: int = 0
    ctes: dict = field(default_factory=dict)  # WITH entries visible here, by name
    # FROM items whose columns the rest of the query cannot read, with the reason (the right
    # side of a SEMI or ANTI join, visible only in its ON clause)
    hidden: dict[str, str] = field(default_factory=dict)

    def child(self) -> "Scope":
        return Scope(parent=self, depth=self.depth + 1, ctes=self.ctes)

    def add(self, alias: str, binding: str, columns: list[str]) -> None:
        if alias in self.sources:
            raise ProgrammingError(f"duplicate table alias {alias!r} in FROM clause")
        # SQL identifiers are case-insensitive (as in DuckDB); keys keep the stored spelling.
        self.sources[alias] = {c.lower(): f"{binding}.{c}" for c in reversed(columns)}

    def lookup(self, table: str, name: str) -> tuple[str, "Scope"]:
        """The plan column key of `table.name` and the scope that owns it."""
        scope: Scope | None = self
        while scope is not None:
            columns = scope.sources.get(table)
            if table in scope.hidden:
                raise ProgrammingError(f"table or alias {table!r} {scope.hidden[table]}")
            if columns is not None:
                if name.lower() in columns:
                    return columns[name.lower()], scope
                close = difflib.get_close_matches(name, list(columns), n=1)
                hint = f" (did you mean {table}.{close[0]}?)" if close else ""
                raise ProgrammingError(f"column {table}.{name} does not exist{hint}")
            scope = scope.parent
        raise ProgrammingError(f"table or alias {table!r} is not in the FROM clause")


def ref(key: str, shown: exp.Expression | None = None) -> exp.Column:
    """A resolved column reference: no table qualifier, the plan column key as its name. With
    `shown`, the user's expression the key stands for (an aggregate call, a group key), which
    error messages write in its place (`operators.expressions.SqlText`)."""
    column = column_ref(key)
    if shown is not None:
        show_as(column, shown)
    return column


def show_as(column: exp.Column, shown: exp.Expression) -> exp.Column:
    """`column` marked as standing for the user's expression `shown` in error messages."""
    column.meta[SHOWN_AS] = _Written(shown)
    return column


class _Written:
    """`as_written(expression)`, generated only when a message is formatted (most plans
    format none, and generating SQL text for every aggregate and group key cost a tenth of
    planning a query with a hundred of them). Copies of a column share it."""

    __slots__ = ("expression",)

    def __init__(self, expression: exp.Expression):
        self.expression = expression

    def __str__(self) -> str:
        return as_written(self.expression)

    def __deepcopy__(self, memo) -> "_Written":
        return self


def as_written(expression: exp.Expression) -> str:
    """SQL text with identifiers quoted only where SQL needs it (`MAX(t.s)`, not
    `MAX("t"."s")`)."""
    return expression.transform(
        lambda n: exp.to_identifier(n.name) if isinstance(n, exp.Identifier) else n
    ).sql(dialect="duckdb")


def is_resolved(column: exp.Column) -> bool:
    return not column.table


def subquery_nodes(expression: exp.Expression) -> list[exp.Expression]:
    """Subquery-bearing nodes of `expression` (EXISTS, IN (SELECT), scalar subqueries), outermost
    first, without descending into the subqueries themselves."""
    found = []

    def visit(node: exp.Expression):
        if isinstance(node, exp.Exists) or (isinstance(node, exp.In) and node.args.get("query")):
            found.append(node)
            return
        if isinstance(node, (exp.Subquery, exp.Select)):
            found.append(node)
            return
        for child in node.iter_expressions():
            visit(child)

    visit(expression)
    return found


def has_subquery(expression: exp.Expression) -> bool:
    return bool(subquery_nodes(expression))


def column_tables(expression: exp.Expression) -> set[str]:
    """Table qualifiers of the unresolved column references in `expression`, subqueries included."""
    return {c.table for c in expression.find_all(exp.Column) if c.table}


def conjuncts(condition: exp.Expression | None) -> list[exp.Expression]:
    """The AND-ed parts of a condition. Terms common to every branch of an OR are factored out
    ((a AND b) OR (a AND c) -> a, b OR c), so a join key hidden in each branch is found."""
    if condition is None:
        return []
    if isinstance(condition, exp.Paren):
        return conjuncts(condition.this)
    if isinstance(condition, exp.And):
        return conjuncts(condition.left) + conjuncts(condition.right)
    if isinstance(condition, exp.Or):
        return _factor_or(condition)
    return [condition]


def _disjuncts(condition: exp.Expression) -> list[exp.Expression]:
    if isinstance(condition, exp.Paren):
        return _disjuncts(condition.this)
    if isinstance(condition, exp.Or):
        return _disjuncts(condition.left) + _disjuncts(condition.right)
    return [condition]


def _factor_or(condition: exp.Or) -> list[exp.Expression]:
    branches = [conjuncts(d) for d in _disjuncts(condition)]
    common = [c for c in branches[0] if all(any(c == o for o in b) for b in branches[1:])]
    if not common:
        return [condition]
    rests = [[c for c in b if not any(c == m for m in common)] for b in branches]
    if any(not r for r in rests):  # one branch is just the common part: the OR is implied
        return common
    ors = [and_all(r) for r in rests]
    result = ors[0]
    for o in ors[1:]:
        result = exp.Or(this=result, expression=o)
    return common + [exp.Paren(this=result)]


def and_all(parts: list[exp.Expression]) -> exp.Expression | None:
    """AND the parts together (None when there are none)."""
    result = None
    for part in parts:
        result = part if result is None else exp.And(this=result, expression=part)
    return result


def where_condition(select: exp.Expression) -> exp.Expression | None:
    """The condition of a SELECT's WHERE clause, or None."""
    where = select.args.get("where")
    return where.this if where is not None else None
