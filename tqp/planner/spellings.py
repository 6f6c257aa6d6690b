"""Result column names spelled as they were defined, as DuckDB gives them.

DuckDB compares identifiers without case but names a result column as its definition spells
it: a table's column `MyCol` read as `mycol` (or through `*`, a derived table, a CTE, a view)
is named `MyCol`; an alias or a column list (`AS "Abc"`, `q(Kk)`) keeps its spelling. sqlglot
folds every identifier to lower case (DuckDB's dialect normalizes even quoted ones), and its
star expansion names columns by its normalized schema. So:
- `record_alias_spellings`, before qualify, notes the written spelling of every alias and of
  every derived table's or CTE's column list;
- `spell_outputs`, a pass right after qualify (before derived tables are merged away), notes
  on each select item that names a column (qualify's `t.mycol AS mycol`, a star's items, a
  USING column's COALESCE) the spelling of that column's definition, scope by scope, inner
  queries first;
- `output_spellings` reads the notes off the outermost select list.
An unaliased expression of a nested query, which qualify names `_col_0`, is noted with the
name DuckDB gives it (`count_star()`) the same way. `check_column_lists`, another pass right
after qualify, refuses a derived table's column list longer than its columns, which qualify
would cut short.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.optimizer.scope import Scope, traverse_scope

from tqp.errors import ProgrammingError
from tqp.planner.names import output_name

# Meta of an alias Identifier: the name's spelling (as written, or its column's definition).
SPELLED = "tqp_spelled"
# Meta of a derived table or CTE: its column list's names as written.
COLUMN_SPELLINGS = "tqp_column_spellings"
# Meta of an unaliased select item of a nested query: DuckDB's name for it (`count_star()`),
# which qualify replaces by `_col_0`.
RENDERED = "tqp_rendered_name"
# Meta of a select: {USING column: "RIGHT" or "FULL"}, the side of the join it is the key of.
USING_SIDES = "tqp_using_sides"


def table_spellings(schema: dict) -> dict[str, dict[str, str]]:
    """{table: {lower-case column name: its spelling}} for the tables of `schema` (table ->
    column -> type) with a column not in lower case (no other needs spelling)."""
    return {table: {c.lower(): c for c in reversed(list(columns))}
            for table, columns in schema.items()
            if any(c != c.lower() for c in columns)}


def needs_spelling(nodes: list[exp.Expression], tables: dict[str, dict[str, str]]) -> bool:
    """Whether a name of the statement of `nodes` (every node) may be spelled otherwise than
    in lower case, or than qualify names it: an identifier not in lower case, a table of
    `tables` (`table_spellings`), or an unaliased expression in a nested query's select list
    (`_unnamed_items`)."""
    for n in nodes:  # a plain loop on the node's type: this runs for every query
        kind = type(n)
        if kind is exp.Identifier:
            if n.this != n.this.lower():
                return True
        elif kind is exp.Table:
            if tables and n.name.lower() in tables:
                return True
        elif kind is exp.Select and _unnamed_items(n):
            return True
    return False


def _unnamed_items(select: exp.Select) -> list[exp.Expression]:
    """The select items of a derived table, CTE or LATERAL that are expressions without an
    alias: qualify names them `_col_0`..., DuckDB by their text (`count_star()`), which a `*`
    over them shows. (A subquery's in a condition name nothing that shows.)"""
    items = [e for e in select.expressions
             if not isinstance(e, (exp.Alias, exp.Column, exp.Star))]
    if not items:
        return []
    holder = select.parent
    while isinstance(holder, exp.SetOperation) or (  # a set operation's (parenthesized) branch
            isinstance(holder, exp.Subquery) and isinstance(holder.parent, exp.SetOperation)):
        holder = holder.parent
    if isinstance(holder, exp.CTE) or (isinstance(holder, exp.Subquery) and isinstance(
            holder.parent, (exp.From, exp.Join, exp.Lateral, exp.Subquery))):
        return items
    return []


def record_alias_spellings(nodes: list[exp.Expression]) -> None:
    """Note the written spelling of each alias and column list (`nodes`: every node of the
    statement), before qualify folds them to lower case, and the USING columns of RIGHT and
    FULL joins (`_using_sides`)."""
    for node in nodes:
        if isinstance(node, exp.Select):
            if node.args.get("joins"):
                _using_sides(node)
            for item in _unnamed_items(node):
                item.meta[RENDERED] = output_name(item)
        if isinstance(node, exp.Alias):
            identifier = node.args.get("alias")
            if isinstance(identifier, exp.Identifier):
                identifier.meta[SPELLED] = identifier.this
        elif isinstance(node, (exp.Subquery, exp.CTE, exp.Lateral)):
            if isinstance(node.parent, exp.Lateral) and node.args.get("alias") is None:
                node = node.parent  # a derived table wrap_implicit_laterals made a LATERAL
            alias = node.args.get("alias")
            if isinstance(alias, exp.TableAlias) and alias.columns:
                node.meta[COLUMN_SPELLINGS] = [c.name for c in alias.columns]


def _using_sides(select: exp.Select) -> None:
    """A USING column of a RIGHT join is the right table's (DuckDB names it so); of a FULL
    join, a COALESCE of both, named as written where the select list names it (`SELECT k`),
    the left table's way by `*`. qualify makes every USING column a COALESCE, first table
    first, and the join an ON: the side is noted on `select`, and a FULL join's column named
    in the select list gets its written name as an alias."""
    sides = {}
    for join in select.args["joins"]:
        side = (join.side or "").upper()
        if side not in ("RIGHT", "FULL"):
            continue
        if (join.args.get("method") or "").upper() == "NATURAL":
            sides["*"] = side  # every column the tables share
        for column in join.args.get("using") or []:
            sides[column.name.lower()] = side
    if not sides:
        return
    select.meta[USING_SIDES] = sides
    for item in select.expressions:
        if isinstance(item, exp.Column) and not item.table and \
                sides.get(item.name.lower()) == "FULL":
            named = exp.alias_(item.copy(), exp.to_identifier(item.name))
            named.args["alias"].meta[SPELLED] = item.name
            item.replace(named)


def spell_outputs(expression: exp.Expression, spellings: dict | None = None,
                  **_) -> exp.Expression:
    """The pass (see the module docstring); `spellings` is `table_spellings` of the schema,
    None when the statement needs no spelling (`needs_spelling`)."""
    if spellings is None:
        return expression
    outputs: dict[int, dict[str, str]] = {}  # id(scope expression) -> lower name -> spelling
    for scope in traverse_scope(expression):  # inner scopes first
        query = scope.expression
        if isinstance(query, exp.Select):
            for item in query.expressions:
                _spell_item(item, scope, spellings, outputs)
        outputs[id(query)] = _outputs(query)
    return expression


def output_spellings(statement: exp.Expression) -> list[str | None]:
    """The spelling noted on each item of the outermost select list (None where none is)."""
    select = _leftmost(statement)
    if not isinstance(select, exp.Select):
        return []
    return [item.args["alias"].meta.get(SPELLED) if isinstance(item, exp.Alias)
            and isinstance(item.args.get("alias"), exp.Identifier) else None
            for item in select.expressions]


def _spell_item(item: exp.Expression, scope: Scope, spellings: dict, outputs: dict) -> None:
    """Note on a select item that names a column (not under an alias of the user's) the
    spelling of the column's definition."""
    identifier = item.args.get("alias") if isinstance(item, exp.Alias) else None
    if not isinstance(identifier, exp.Identifier) or SPELLED in identifier.meta:
        return
    if RENDERED in item.this.meta:  # an expression qualify named `_col_0`
        identifier.meta[SPELLED] = item.this.meta[RENDERED]
        return
    column = item.this
    if isinstance(column, exp.Coalesce):  # a USING column (_using_sides)
        sides = scope.expression.meta.get(USING_SIDES, {})
        side = sides.get(identifier.name.lower(), sides.get("*"))
        column = column.expressions[-1] if side == "RIGHT" and column.expressions \
            else column.this
    if not isinstance(column, exp.Column) or column.name != identifier.name:
        return
    source = scope.sources.get(column.table)
    if isinstance(source, exp.Table):
        spelled = spellings.get(source.name.lower(), {}).get(column.name.lower())
    elif isinstance(source, Scope):
        spelled = outputs.get(id(source.expression), {}).get(column.name.lower())
    else:
        spelled = None
    if spelled is not None:
        identifier.meta[SPELLED] = spelled


def _outputs(query: exp.Expression) -> dict[str, str]:
    """The spellings of a query's result columns by lower-case name: its column list's where
    it has one (a derived table's, CTE's or LATERAL's), else its first select's items'."""
    found: dict[str, str] = {}
    shown: dict[str, int] = {}  # spelling -> how often given: `*` names repeats `x_1`, `x_2`
    select = _leftmost(query)
    if isinstance(select, exp.Select):
        for item in select.expressions:
            name = item.alias_or_name
            identifier = item.args.get("alias") if isinstance(item, exp.Alias) else None
            spelled = (identifier.meta.get(SPELLED) if isinstance(identifier, exp.Identifier)
                       else None) or name
            seen = shown.get(spelled.lower(), 0)
            shown[spelled.lower()] = seen + 1
            found.setdefault(name.lower(), f"{spelled}_{seen}" if seen else spelled)
    holder = query if isinstance(query, exp.Lateral) else query.parent  # of the column list
    listed = holder.meta.get(COLUMN_SPELLINGS) if isinstance(
        holder, (exp.Subquery, exp.CTE, exp.Lateral)) else None
    for name in listed or ():
        found[name.lower()] = name
    return found


def _leftmost(query: exp.Expression) -> exp.Expression:
    """The select whose items name a query's result columns."""
    while isinstance(query, (exp.Subquery, exp.Lateral, exp.SetOperation)):
        query = query.left if isinstance(query, exp.SetOperation) else query.this
    return query


def column_lists(nodes: list[exp.Expression]) -> list[tuple[exp.Subquery, int]]:
    """The derived tables of `nodes` (every node of a statement) with a column list, and the
    list's length, before qualify moves the names into the derived table's select list
    (dropping those past its columns)."""
    return [(n, len(n.args["alias"].columns)) for n in nodes if isinstance(n, exp.Subquery)
            and isinstance(n.args.get("alias"), exp.TableAlias) and n.args["alias"].columns]


def check_column_lists(expression: exp.Expression,
                       column_lists: list[tuple[exp.Subquery, int]] = (), **_) -> exp.Expression:
    """A pass right after qualify: a derived table's column list (`column_lists`) names no
    more columns than it has, as DuckDB requires (ProgrammingError)."""
    for subquery, count in column_lists:
        select = _leftmost(subquery)
        have = len(select.expressions) if isinstance(select, exp.Select) else count
        if count > have:
            raise ProgrammingError(f'table "{subquery.alias}" has {have} columns available but '
                                   f"{count} columns specified")
    return expression
