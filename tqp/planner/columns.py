"""DuckDB's COLUMNS(...) star expressions, expanded before the optimizer.

`COLUMNS('regex')`, `COLUMNS(*)` (also `* EXCLUDE (...)`, `* REPLACE (...)`, `t.*`),
`COLUMNS(['a', 'b'])` and `COLUMNS(lambda c: ...)` pick columns of the FROM clause of their
SELECT. An expression holding one (`min(COLUMNS(*))`, `COLUMNS('x') + 1`) stands for one copy
per column, named after the column, or after the alias, whose `\\0` is the column's name and
`\\1`... the regex's groups. Select items, ORDER BY and DISTINCT ON keys become several; in
WHERE the copies are ANDed, as in DuckDB.

The columns of a FROM clause are those sqlglot's own star expansion gives a probe
`SELECT <star> FROM <the same FROM>` (qualified on its own, with the CTEs in sight), so
`COLUMNS(*)` and `*` agree; the copies read them as qualified columns.
"""

from __future__ import annotations

import re

import pyarrow as pa
import torch
from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.optimizer.qualify import qualify
from sqlglot.optimizer.scope import traverse_scope

from tqp.errors import Error, NotSupportedError, ProgrammingError
from tqp.operators.expressions import column_ref, evaluate
from tqp.planner.names import USER_ALIAS
from tqp.planner.optimize import DIALECT, _prepared, _spellings, from_first_joins
from tqp.planner.resolve import from_items
from tqp.planner.spellings import output_spellings, record_alias_spellings, spell_outputs
from tqp.storage.arrow import arrow_to_column, column_to_arrow
from tqp.storage.column import Batch

# Meta flag of a select item made from a COLUMNS expression: its alias is its output name.
EXPANDED = "tqp_columns_item"
# The clauses of a SELECT where COLUMNS may stand.
_CLAUSES = ("expressions", "where", "order", "distinct")
_CLAUSE_NAMES = {"group": "GROUP BY", "having": "HAVING", "qualify": "QUALIFY",
                 "joins": "JOIN conditions", "windows": "WINDOW"}
_NOT_A_PATTERN = ("COLUMNS expects either a VARCHAR argument (regex) or a LIST of VARCHAR "
                  "(list of columns)")


def own_columns(root: exp.Expression) -> list[exp.Columns]:
    """The COLUMNS nodes of `root` outside the queries nested in it (those belong to them)."""
    found = []
    for node in root.walk(prune=lambda n: isinstance(n, exp.Query) and n is not root):
        if isinstance(node, exp.Columns):
            found.append(node)
    return found


def expand_columns(statement: exp.Expression, schema: dict) -> exp.Expression:
    """`statement` with every COLUMNS(...) expanded (in place; the root may change)."""
    from_first_joins(list(statement.walk()))
    owners: list[exp.Select] = []
    for node in statement.find_all(exp.Columns):
        owner = _owner(node)
        if all(owner is not o for o in owners):
            owners.append(owner)
    # Inner queries first: a FROM reads the columns its derived tables and CTEs expand to.
    order = {id(scope.expression): i for i, scope in enumerate(traverse_scope(statement))}
    owners.sort(key=lambda s: order.get(id(s), len(order)))
    sources = _Sources(schema)
    for select in owners:
        _expand_select(select, sources)
    return statement


def output_names(statement: exp.Expression, before: list[str | None] | None) -> list[str] | None:
    """The result's column names after expansion: the expanded items' aliases, and for the
    others the names `before` gave them (None where an item held COLUMNS)."""
    if before is None:
        return None
    select = statement
    while isinstance(select, (exp.Subquery, exp.SetOperation)):
        select = select.this if isinstance(select, exp.Subquery) else select.left
    if not isinstance(select, exp.Select):
        return None
    others = iter(name for name in before if name is not None)
    names = []
    for item in select.expressions:
        names.append(item.alias if item.meta.get(EXPANDED) else next(others, None))
    return None if None in names else names


def _owner(node: exp.Columns) -> exp.Select:
    owner, child = node.parent, node
    while owner is not None and not isinstance(owner, exp.Query):
        owner, child = owner.parent, owner
    if not isinstance(owner, exp.Select):
        where = "a set operation's ORDER BY" if isinstance(owner, exp.SetOperation) else "here"
        raise NotSupportedError(f"COLUMNS(...) in {where}")
    clause = child.arg_key
    if clause not in _CLAUSES:
        if clause == "from_":
            raise NotSupportedError("COLUMNS(...) in FROM")
        raise ProgrammingError(
            f"COLUMNS(...) is not allowed in {_CLAUSE_NAMES.get(clause, clause.upper())}")
    return owner


class _Sources:
    """What the expansion reads: the optimizer's schema."""

    def __init__(self, schema: dict):
        self.schema = schema
        self.stars: dict[int, list[tuple[str, exp.Expression]]] = {}  # `*` by SELECT

    def star(self, select: exp.Select) -> list[tuple[str, exp.Expression]]:
        """What `*` expands to over `select`'s FROM."""
        if id(select) not in self.stars:
            self.stars[id(select)] = _star(exp.Star(), select, self)
        return self.stars[id(select)]


def _expand_select(select: exp.Select, sources: _Sources) -> None:
    if select.args.get("from_") is None:
        raise ProgrammingError("COLUMNS(...) without a FROM clause")
    _name_derived_tables(select)
    cache: dict[str, list[tuple[str, exp.Expression, re.Match | None]]] = {}

    def matches(columns: exp.Columns):
        key = columns.sql(dialect=DIALECT)
        if key not in cache:
            cache[key] = _matches(columns, select, sources)
        return cache[key]

    items = []
    for item in select.expressions:
        if not own_columns(item):
            items.append(item)
            continue
        alias = item.args["alias"].name if isinstance(item, exp.Alias) else None
        body = item.this if isinstance(item, exp.Alias) else item
        for name, copy, match in _copies(body, matches):
            out = exp.alias_(copy, _alias_name(alias, name, match), quoted=True)
            out.meta[EXPANDED] = True
            out.meta[USER_ALIAS] = True
            items.append(out)
    select.set("expressions", items)
    where = select.args.get("where")
    if where is not None and own_columns(where.this):
        where.set("this", exp.and_(*(c for _, c, _ in _copies(where.this, matches)), copy=False))
    distinct = select.args.get("distinct")
    for keys in (select.args.get("order"), distinct and distinct.args.get("on")):
        if keys is not None:  # ORDER BY and DISTINCT ON: a key per column
            keys.set("expressions", [copy for key in keys.expressions for copy in (
                [c for _, c, _ in _copies(key, matches)] if own_columns(key) else [key])])


def _copies(root: exp.Expression, matches):
    """(column name, copy of `root` reading that column, regex match) per matched column."""
    found = own_columns(root)
    if any(c != found[0] for c in found[1:]):
        raise ProgrammingError("Multiple different COLUMNS(...) in the same expression are "
                               "not supported")
    if any(c.args.get("unpack") for c in found):
        raise NotSupportedError("*COLUMNS(...) (unpacked COLUMNS)")
    out = []
    for name, column, match in matches(found[0]):
        if isinstance(root, exp.Columns):
            copy = column.copy()
        else:
            copy = root.copy()
            for node in own_columns(copy):
                node.replace(column.copy())
        out.append((name, copy, match))
    return out


def _alias_name(template: str | None, name: str, match: re.Match | None) -> str:
    """A copy's name: the column's, or the alias with `\\0` (the column's name) and `\\1`...
    (the regex's groups) filled in, as DuckDB does."""
    if template is None or "\\" not in template:
        return name if template is None else template

    def fill(m: re.Match) -> str:
        code = m.group(1)
        if code == "\\":
            return "\\"
        if not code.isdigit():
            raise ProgrammingError(
                f'Invalid backslash code in COLUMNS(*) "{template}" alias. Backslashes must '
                "either be escaped or followed by a number")
        number = int(code)
        if number == 0:
            return name
        if match is None:
            raise ProgrammingError("Only the backslash escape code \\0 can be used when no "
                                   "regex is supplied to COLUMNS(*)")
        return (match.group(number) or "") if number <= (match.re.groups or 0) else ""

    return re.sub(r"\\(.?)", fill, template, flags=re.S)


def _name_derived_tables(select: exp.Select) -> None:
    """Give each unnamed derived table of `select`'s FROM a name, which the copies' qualified
    columns can read (the probe names them itself)."""
    sources = from_items(select)
    for i, source in enumerate(sources):
        if isinstance(source, exp.Subquery) and not source.alias:
            source.set("alias", exp.TableAlias(this=exp.to_identifier(f"_columns_{i}")))


def _matches(columns: exp.Columns, select: exp.Select, sources: _Sources):
    """The columns `columns` picks of `select`'s FROM: (name, expression, regex match)."""
    pattern = columns.this
    if isinstance(pattern, exp.Star) or (isinstance(pattern, exp.Column)
                                         and isinstance(pattern.this, exp.Star)):
        _check_star_lists(pattern, select, sources)
        found = [(n, e, None) for n, e in _star(pattern, select, sources)]
        if not found:
            raise ProgrammingError("SELECT list is empty after resolving "
                                   f"{columns.sql(dialect=DIALECT)}")
        return found
    star = sources.star(select)
    if isinstance(pattern, exp.Lambda):
        keep = _lambda_picks(pattern, [n for n, _ in star])
        found = [(n, e, None) for (n, e), k in zip(star, keep) if k]
        if not found:
            raise ProgrammingError(f'Star expression "{columns.sql(dialect=DIALECT)}" resulted '
                                   "in an empty set of columns")
        return found
    value = _constant(pattern)
    if isinstance(value, str):
        regex = re2(value)
        found = [(n, e, m) for n, e in star if (m := regex.search(n)) is not None]
        if not found:
            raise ProgrammingError(f'No matching columns found that match regex "{value}"')
        return found
    if isinstance(value, list) and value:
        if any(v is None for v in value):
            raise ProgrammingError("COLUMNS does not support NULL in its list of names")
        if not all(isinstance(v, str) for v in value):
            raise ProgrammingError(_NOT_A_PATTERN)
        wanted = {v.lower() for v in value}
        have = {n.lower() for n, _ in star}
        missing = [v for v in value if v.lower() not in have]
        if missing:
            raise ProgrammingError(f'Column "{missing[0]}" was selected but was not found in '
                                   "the FROM clause")
        return [(n, e, None) for n, e in star if n.lower() in wanted]
    raise ProgrammingError(_NOT_A_PATTERN)


# RE2's classes, which are ASCII only (Python's are Unicode), as bracket contents.
_PERL_CLASSES = {"d": "0-9", "w": "0-9A-Za-z_", "s": r"\t\n\f\r "}
_POSIX_CLASSES = {
    "alnum": "0-9A-Za-z", "alpha": "A-Za-z", "ascii": r"\x00-\x7f", "blank": r"\t ",
    "cntrl": r"\x00-\x1f\x7f", "digit": "0-9", "graph": "!-~", "lower": "a-z", "print": " -~",
    "punct": r"!-/:-@\[-`{-~", "space": r"\t\n\v\f\r ", "upper": "A-Z",
    "word": "0-9A-Za-z_", "xdigit": "0-9A-Fa-f"}
_POSIX_CLASS = re.compile(r"\[:(\^?)([a-z]+):\]")


def re2(pattern: str) -> re.Pattern:
    """`pattern`, an RE2 regex (DuckDB's), as a Python one that matches the same names: the
    Perl and POSIX classes are ASCII only, `\\z` is the end. What RE2 rejects (look-arounds,
    back-references) is a ProgrammingError; what Python cannot match the same way (`\\p`
    Unicode classes, `[:^alpha:]`) a NotSupportedError."""
    out, i, in_class, ascii_ = [], 0, False, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            code = pattern[i + 1]
            i += 2
            if code.lower() in _PERL_CLASSES:
                ranges = _PERL_CLASSES[code.lower()]
                if in_class and code.isupper():
                    raise NotSupportedError(f"\\{code} inside [...] in a COLUMNS regex")
                out.append(ranges if in_class else
                           f"[{'^' if code.isupper() else ''}{ranges}]")
            elif code in "bB":
                ascii_ = True  # a word boundary between ASCII word characters, as in RE2
                out.append("\\" + code)
            elif code == "z":
                out.append("\\Z")
            elif code == "Q" and not in_class:  # a literal up to \E
                end = pattern.find("\\E", i)
                end = len(pattern) if end < 0 else end
                out.append(re.escape(pattern[i:end]))
                i = end + 2
            elif code in "pPQEC":
                raise NotSupportedError(f"\\{code} in a COLUMNS regex")
            elif code.isdigit() and code != "0":
                raise ProgrammingError(f'Failed to compile regex "{pattern}": invalid escape '
                                       f"sequence: \\{code}")
            else:
                out.append("\\" + code)
            continue
        posix = _POSIX_CLASS.match(pattern, i) if in_class else None
        if posix is not None:
            if posix.group(1) or posix.group(2) not in _POSIX_CLASSES:
                raise NotSupportedError(f"{posix.group(0)} in a COLUMNS regex")
            out.append(_POSIX_CLASSES[posix.group(2)])
            i = posix.end()
            continue
        if not in_class and pattern.startswith(("(?=", "(?!", "(?<=", "(?<!"), i):
            raise ProgrammingError(f'Failed to compile regex "{pattern}": invalid perl '
                                   "operator")
        if char == "[" and not in_class:
            in_class = True
            start = i + 1 + (pattern.startswith("^", i + 1))
            out.append(pattern[i:start])
            if pattern.startswith("]", start):  # a leading ] is a literal
                out.append("\\]")
                start += 1
            i = start
            continue
        if char == "]" and in_class:
            in_class = False
        out.append(char)
        i += 1
    try:
        return re.compile("".join(out), re.ASCII if ascii_ else 0)
    except re.error as exc:
        raise ProgrammingError(f'Failed to compile regex "{pattern}": {exc}') from None


def _star(star: exp.Expression, select: exp.Select,
          sources: _Sources) -> list[tuple[str, exp.Expression]]:
    """The (name, qualified expression) items sqlglot expands `star` to over `select`'s FROM."""
    probe = exp.Select(expressions=[star.copy()])
    probe.set("from_", select.args["from_"].copy())
    probe.set("joins", [j.copy() for j in select.args.get("joins") or []])
    with_ = _visible_ctes(select)
    if with_ is not None:
        probe.set("with_", with_)
    record_alias_spellings(list(probe.walk()))  # names as DuckDB spells them (MyCol)
    try:
        probe = qualify(probe, dialect=DIALECT, schema=_prepared(sources.schema),
                        expand_alias_refs=False,
                        validate_qualify_columns=False, quote_identifiers=True)
    except SqlglotError as exc:
        raise ProgrammingError(f"COLUMNS(...): {exc}") from None
    spell_outputs(probe, _spellings(sources.schema))
    items = []
    for item, spelled in zip(probe.expressions, output_spellings(probe)):
        if isinstance(item, exp.Star) or (isinstance(item, exp.Column)
                                          and isinstance(item.this, exp.Star)):
            inner = star if isinstance(star, exp.Star) else star.this
            if isinstance(inner, exp.Star) and inner.args.get("except_"):
                return []  # EXCLUDE left nothing: sqlglot keeps the star
            raise NotSupportedError("COLUMNS(...) over a FROM whose columns sqlglot cannot list "
                                    "(duplicate names?)")
        name = item.alias_or_name
        items.append((spelled or name,
                      item.this if isinstance(item, exp.Alias) else item))
    return items


def check_star_lists(statement: exp.Expression, schema: dict) -> None:
    """Each `*` or `t.*` of a select list with EXCLUDE or REPLACE names only columns it
    expands to, as DuckDB requires (sqlglot ignores the others)."""
    sources = _Sources(schema)
    for star in list(statement.find_all(exp.Star)):
        if not (star.args.get("except_") or star.args.get("replace")):
            continue
        item = star.parent if isinstance(star.parent, exp.Column) else star
        select = item.parent
        if isinstance(select, exp.Select) and item.arg_key == "expressions":
            _check_star_lists(item, select, sources)


def _check_star_lists(star: exp.Expression, select: exp.Select, sources: _Sources) -> None:
    """The names of `star`'s EXCLUDE and REPLACE lists (`star` a select item of `select`:
    `*` or `t.*`) are columns it expands to, each once, as DuckDB requires."""
    table = star.table if isinstance(star, exp.Column) else ""
    star = star if isinstance(star, exp.Star) else star.this
    excluded = star.args.get("except_") or []
    replaced = star.args.get("replace") or []
    if not excluded and not replaced:
        return
    seen: dict[str, set[str]] = {"EXCLUDE": set(), "REPLACE": set()}
    for kind, names in (("EXCLUDE", [c.name for c in excluded]),
                        ("REPLACE", [r.alias for r in replaced])):
        for name in names:
            if name.lower() in seen[kind]:
                raise ProgrammingError(f'Duplicate entry "{name}" in {kind} list')
            seen[kind].add(name.lower())
    both = seen["EXCLUDE"] & seen["REPLACE"]
    if both:
        name = next(c.name for c in excluded if c.name.lower() in both)
        raise ProgrammingError(f'Column "{name}" cannot occur in both EXCLUDE and REPLACE list')
    # Every column the FROM gives (or the table `t.*` names), by name and by FROM item.
    probe = exp.Star() if not table else exp.Column(this=exp.Star(), table=exp.to_identifier(table))
    have = [(n.lower(), {c.table.lower() for c in e.find_all(exp.Column)})
            for n, e in _star(probe, select, sources)]
    where = f" {table}" if table else " FROM clause"
    for kind, entries in (("EXCLUDE", excluded), ("REPLACE", replaced)):
        for entry in entries:
            name = entry.alias if kind == "REPLACE" else entry.name
            owner = entry.table.lower() if isinstance(entry, exp.Column) else ""
            if not any(name.lower() == n and (not owner or owner in tables)
                       for n, tables in have):
                shown = f'"{entry.table}"."{name}"' if owner else f'"{name}"'
                raise ProgrammingError(f"Column {shown} in {kind} list not found in{where}")


def _visible_ctes(select: exp.Select) -> exp.With | None:
    """The CTEs `select` can read (those of the queries around it, the nearest first), as
    one WITH clause for the probe."""
    ctes: dict[str, exp.CTE] = {}
    recursive = False
    node = select
    while node is not None:
        with_ = node.args.get("with_") if isinstance(node, exp.Query) else None
        if with_ is not None:
            recursive = recursive or bool(with_.args.get("recursive"))
            for cte in with_.expressions:
                ctes.setdefault(cte.alias.lower(), cte)
        node = node.parent
    if not ctes:
        return None
    # Each CTE reads the ones defined before it: outer WITHs first, each in its own order.
    ordered = sorted(ctes.values(), key=lambda c: (-_depth(c), c.index))
    return exp.With(expressions=[c.copy() for c in ordered], recursive=recursive)


def _depth(node: exp.Expression) -> int:
    depth = 0
    while node.parent is not None:
        node, depth = node.parent, depth + 1
    return depth


def _constant(pattern: exp.Expression):
    """The value of COLUMNS' argument, which may read no column: a string, a list, or None."""
    if isinstance(pattern, exp.Literal) and pattern.is_string:
        return pattern.this
    if any(isinstance(n, (exp.Column, exp.Identifier)) and not isinstance(n.parent, exp.Column)
           for n in pattern.walk()):
        bad = next(n for n in pattern.walk() if isinstance(n, (exp.Column, exp.Identifier)))
        raise ProgrammingError(f'Failed to bind "{bad.sql(dialect=DIALECT)}" - COLUMNS '
                               "expression can only contain lambda parameters")
    try:
        value = column_to_arrow(evaluate(pattern, Batch({}, 1, torch.device("cpu"))))[0]
    except (Error, ArithmeticError, ValueError, TypeError, IndexError) as exc:
        raise ProgrammingError(f"{_NOT_A_PATTERN}: {exc}") from None
    return value.as_py()


def _lambda_picks(function: exp.Lambda, names: list[str]) -> list[bool]:
    """Whether `lambda c[, i]: condition` holds for each column name (i: its 1-based index),
    computed over one batch of the names."""
    params = [p.name for p in function.expressions]
    if not 1 <= len(params) <= 2:
        raise ProgrammingError("a COLUMNS lambda takes the column name and, optionally, its index")
    keys = {params[0]: "columns#name"}
    columns = {"columns#name": arrow_to_column(pa.array(names, pa.string()), torch.device("cpu"))}
    if len(params) == 2:
        keys[params[1]] = "columns#index"
        columns["columns#index"] = arrow_to_column(pa.array(range(1, len(names) + 1), pa.int64()),
                                                   torch.device("cpu"))

    def bind(node: exp.Expression) -> exp.Expression:
        if isinstance(node, (exp.Identifier, exp.Column)) and not isinstance(node.parent,
                                                                              exp.Column):
            key = keys.get(node.name) if not (isinstance(node, exp.Column) and node.table) else None
            if key is None:
                raise ProgrammingError(f'Failed to bind "{node.sql(dialect=DIALECT)}" - COLUMNS '
                                       "expression can only contain lambda parameters")
            return column_ref(key)
        return node

    body = function.this.transform(bind)
    try:
        result = column_to_arrow(evaluate(body, Batch(columns, len(names), torch.device("cpu"))))
    except (ArithmeticError, ValueError, TypeError, IndexError) as exc:
        raise ProgrammingError(f"COLUMNS lambda {function.sql(dialect=DIALECT)}: {exc}") from None
    kind = result.type
    if not (pa.types.is_null(kind) or pa.types.is_boolean(kind) or pa.types.is_integer(kind)
            or pa.types.is_floating(kind) or pa.types.is_decimal(kind)):
        raise ProgrammingError(f"COLUMNS lambda {function.sql(dialect=DIALECT)} must give a "
                               f"BOOLEAN, not {kind}")
    return [v is not None and bool(v) for v in result.to_pylist()]  # a number: not zero
