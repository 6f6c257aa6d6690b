"""Result column names as DuckDB gives them to unaliased expressions.

DuckDB prints `count(*)` as `count_star()`, wraps operators in parentheses (`(a + 1)`, `(s ~~ 'a%')`)
and names a function call by the name the user wrote, lower-case, quoted where it is a keyword
(`"mode"(k)`). The parser records that spelling (`record_spellings`) because sqlglot folds
aliases into one node (`max_by` is ARG_MAX). This covers functions, aggregates, operators,
literals and columns; any other expression is named by its SQL text.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from sqlglot import exp
from sqlglot.dialects.duckdb import DuckDB

from tqp.errors import ProgrammingError
from tqp.operators.expressions.structs import field_name

DIALECT = "duckdb"

_OPERATORS = {
    exp.Add: "+", exp.Sub: "-", exp.Mul: "*", exp.Div: "/", exp.Mod: "%", exp.IntDiv: "//",
    exp.EQ: "=", exp.NEQ: "!=", exp.GT: ">", exp.GTE: ">=", exp.LT: "<", exp.LTE: "<=",
    exp.And: "AND", exp.Or: "OR", exp.DPipe: "||", exp.NullSafeNEQ: "IS DISTINCT FROM",
    exp.NullSafeEQ: "IS NOT DISTINCT FROM", exp.BitwiseAnd: "&", exp.BitwiseOr: "|",
    exp.BitwiseLeftShift: "<<", exp.BitwiseRightShift: ">>",
}
# List operators that are also functions (list_has_any(a, b) is `a && b`): operators unless
# the call was spelled as a function.
_LIST_OPERATORS = {exp.ArrayOverlaps: "&&", exp.ArrayContainsAll: "@>",
                   exp.ArrayContainedBy: "<@"}
_AGGREGATES = (exp.Sum, exp.Avg, exp.Min, exp.Max, exp.Count)
SPELLING = "tqp_spelling"
# The meta entry of a CURRENT_DATE written without parentheses: the keyword as written.
BARE_KEYWORD = "tqp_bare_keyword"
# CURRENT_DATE and CURRENT_TIMESTAMP written without parentheses: DuckDB names them as written.
_BARE_KEYWORDS = {exp.CurrentDate: re.compile(r"\bcurrent_date\b(?!\s*\()", re.IGNORECASE),
                  exp.CurrentTimestamp: re.compile(r"\bcurrent_timestamp\b(?!\s*\()",
                                                   re.IGNORECASE)}
# DuckDB's keywords (duckdb_keywords()) that also name functions: DuckDB quotes them in a name.
_KEYWORD_FUNCTIONS = frozenset({
    "add", "aggregate", "century", "checkpoint", "day", "decade", "error", "filter", "first",
    "functions", "glob", "hour", "if", "json", "last", "left", "map", "microsecond", "millennium",
    "millisecond", "minute", "mode", "month", "nullif", "overlay", "position", "quarter", "range",
    "replace", "right", "row", "second", "show", "substring", "trim", "user", "version", "week",
    "year"})


# The name of a call, read backwards from its first argument: `name(`, `name(DISTINCT `.
_CALL_BEFORE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*\(\s*(?:DISTINCT\s+)?[\s(]*$", re.I)
# A date part written as a string literal right after a call's opening parenthesis.
_PART_AFTER = re.compile(r"\s*\(\s*'([^']*)'")
DATE_PART = "tqp_date_part"
# list_sort's order arguments as written ('desc', 'NULLS FIRST'): sqlglot keeps only their meaning.
SORT_ORDERS = "tqp_sort_orders"
_STRING = re.compile(r"'(?:[^']|'')*'")
# A cast's type as written, right after its operand: `AS type)` or `::type`.
_TYPE_AFTER = re.compile(
    r"[\s)]*(?:AS\s+|::\s*)([A-Za-z_][A-Za-z0-9_]*(?:\s+(?:PRECISION|VARYING|WITH\s+TIME\s+ZONE))?"
    r"(?:\s*\([^)]*\))?)", re.I)
CAST_TYPE, CAST_START, CAST_END = "tqp_cast_type", "tqp_cast_start", "tqp_cast_end"
_CAST_BEFORE = re.compile(r"(?:TRY_)?CAST\s*\([\s(]*$", re.I)
# A typed literal's type word right before its string: DATE '2020-01-01'.
_TYPED_LITERAL = re.compile(
    r"\b(DATE|TIMESTAMPTZ|TIMESTAMP|TIME|INTERVAL|DECIMAL|DOUBLE|INTEGER)\s*$", re.I)
# Type names that are keywords in DuckDB's grammar: it names them canonically, others as typed.
_KEYWORD_TYPES = {
    "int": "INTEGER", "integer": "INTEGER", "bigint": "BIGINT", "smallint": "SMALLINT",
    "boolean": "BOOLEAN", "real": "FLOAT", "float": "FLOAT", "double precision": "DOUBLE",
    "decimal": "DECIMAL", "numeric": "DECIMAL", "varchar": "VARCHAR", "char": "VARCHAR",
    "character": "VARCHAR", "character varying": "VARCHAR", "timestamp": "TIMESTAMP",
    "timestamp with time zone": "TIMESTAMP WITH TIME ZONE", "time": "TIME",
    "interval": "INTERVAL"}
# EXTRACT's part as written, read backwards from its argument.
_EXTRACT_BEFORE = re.compile(r"EXTRACT\s*\(\s*([A-Za-z_]+)\s+FROM[\s(]*$", re.I)
# NULLS LAST written after a sort key (which sqlglot reads the same as no NULLS at all).
_NULLS_LAST_AFTER = re.compile(r"[\s)]*(?:ASC|DESC)?\s*NULLS\s+LAST\b", re.I)
NULLS_LAST = "tqp_nulls_last"
# Parts that are keywords in DuckDB's grammar: it names them upper-case, others as written.
_KEYWORD_PARTS = frozenset({"year", "month", "day", "hour", "minute", "second"})
# A character none of the patterns read backwards (above) can match: each match lies within a run
# of letters, digits, underscores, white space and opening parentheses.
_NOT_IN_WORDS = re.compile(r"[^A-Za-z0-9_\s(]", re.I)


class _Before:
    """Searches for a pattern that ends at a position of `sql`, reading only the run of word
    characters, white space and '(' that ends there: a search from the text's start tries
    every position before it (a quarter of planning a long query)."""

    def __init__(self, sql: str):
        self.sql = sql
        self.stops = [m.start() for m in _NOT_IN_WORDS.finditer(sql)]

    def search(self, pattern: re.Pattern, end: int) -> re.Match | None:
        """`pattern.search(sql, 0, end)`."""
        i = bisect_left(self.stops, end)
        return pattern.search(self.sql, self.stops[i - 1] + 1 if i else 0, end)


def record_spellings(statement: exp.Expression, sql: str) -> None:
    """Note on each function call the name the user wrote, for `output_name`: sqlglot keeps the
    name's position in `sql` as meta, or, for calls it rebuilds (STRING_AGG as GROUP_CONCAT),
    the position of the first argument, before which the name stands. A date part written as
    a string (`date_trunc('month', d)`) is noted as written too (sqlglot upper-cases it)."""
    before = _Before(sql)
    nodes = list(statement.walk())  # breadth first, as find_all
    functions = [n for n in nodes if isinstance(n, exp.Func)]
    first_below = None  # _first_starts(nodes), found when a call needs it
    # Where the name of a call that sqlglot rebuilt was found: the start of its parent's first
    # argument (`min(trim(u))`: `trim`, not `u`, whose call name is trim's).
    name_starts: dict[int, int] = {}
    for node in reversed(functions):  # inner calls first
        start, end = node.meta.get("start"), node.meta.get("end")
        if start is not None and end is not None and sql[start:end + 1].isidentifier():
            node.meta[SPELLING] = sql[start:end + 1].lower()
            if isinstance(node, exp.ArraySort):
                _record_sort_orders(node, sql, end)
            part = _PART_AFTER.match(sql, end + 1)
            if part is not None and node.args.get("unit") is not None:
                node.meta[DATE_PART] = part.group(1)
        elif start is None and type(node) in _BARE_KEYWORDS:
            bare = _BARE_KEYWORDS[type(node)].search(sql)  # the keyword without parentheses
            if bare is not None:
                node.meta[BARE_KEYWORD] = bare.group(0)
        elif start is None and not isinstance(node, (exp.Case, exp.If, exp.Cast)):
            if first_below is None:
                first_below = _first_starts(nodes)
            inside = first_below.get(id(node))
            for child in node.iter_expressions():
                named = name_starts.get(id(child))
                if named is not None and (inside is None or named < inside):
                    inside = named
            if inside is None:
                continue
            if isinstance(node, exp.Extract):
                part = before.search(_EXTRACT_BEFORE, inside)
                if part is not None:
                    node.meta[DATE_PART] = part.group(1)
                continue
            call = before.search(_CALL_BEFORE, inside)
            if call is not None:
                node.meta[SPELLING] = call.group(1).lower()
                name_starts[id(node)] = call.start(1)
    for ordered in (n for n in nodes if isinstance(n, exp.Ordered)  # a window's sort keys
                    and isinstance(n.parent, exp.Order) and isinstance(n.parent.parent, exp.Window)
                    and not n.args.get("nulls_first")):
        ends = [d.meta["end"] for d in ordered.walk() if d.meta.get("end") is not None]
        if ends and _NULLS_LAST_AFTER.match(sql, max(ends) + 1):
            ordered.meta[NULLS_LAST] = True
    for cast in reversed([n for n in functions if isinstance(n, exp.Cast)]):  # inner first
        ends = [d.meta.get(CAST_END, d.meta.get("end", -1)) for d in cast.this.walk()]
        starts = [d.meta.get(CAST_START, d.meta.get("start")) for d in cast.this.walk()]
        starts = [p for p in starts if p is not None]
        if not starts or max(ends) < 0:
            continue
        typed = before.search(_TYPED_LITERAL, min(starts))
        if isinstance(cast.this, exp.Literal) and typed is not None:
            cast.meta[CAST_START], cast.meta[CAST_END] = typed.start(1), max(ends)
            # DATE '...': a cast sqlglot made, its type named as written (`date`), or
            # canonical where DuckDB's grammar has it as a keyword (`timestamp`: TIMESTAMP)
            cast.meta[CAST_TYPE] = _duckdb_type_name(typed.group(1))
            continue
        written = _TYPE_AFTER.match(sql, max(ends) + 1)
        if written is not None and ("::" in written.group(0)
                                    or before.search(_CAST_BEFORE, min(starts))):
            cast.meta[CAST_TYPE] = _duckdb_type_name(written.group(1))
            cast.meta[CAST_END] = written.end(1) - 1


def _record_sort_orders(node: exp.ArraySort, sql: str, end: int) -> None:
    """The arguments written after list_sort's list (its name ends at `end`), as DuckDB names
    the call by them: the call's text split at its top-level commas."""
    arguments = _call_arguments(sql, end + 1)
    if arguments is not None and all(_STRING.fullmatch(a) for a in arguments[1:]):
        node.meta[SORT_ORDERS] = [a[1:-1].replace("''", "'") for a in arguments[1:]]


def _call_arguments(sql: str, at: int) -> list[str] | None:
    """The argument texts of the call whose `(` is the first non-space at `at` (None if not)."""
    while at < len(sql) and sql[at].isspace():
        at += 1
    if at >= len(sql) or sql[at] != "(":
        return None
    depth, quote, start, arguments = 0, None, at + 1, []
    for i in range(at, len(sql)):  # a scan of one call's text
        c = sql[i]
        if quote is not None:
            quote = None if c == quote else quote
        elif c in "'\"":
            quote = c
        elif c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
            if depth == 0:
                arguments.append(sql[start:i].strip())
                return arguments
        elif c == "," and depth == 1:
            arguments.append(sql[start:i].strip())
            start = i + 1
    return None


def _first_starts(nodes: list[exp.Expression]) -> dict[int, int]:
    """id(node) -> the first position in the text of a node below it (itself excluded), for
    `nodes`, every node of a tree breadth first: one pass, children before their parents."""
    first: dict[int, int] = {}
    for node in reversed(nodes):
        found = None
        for child in node.iter_expressions():
            for position in (child.meta_get("start"), first.get(id(child))):
                if position is not None and (found is None or position < found):
                    found = position
        if found is not None:
            first[id(node)] = found
    return first


def _duckdb_type_name(written: str) -> str:
    """A cast's type as DuckDB names it: canonical for its grammar's keywords (`int` is
    INTEGER, `numeric(5,1)` DECIMAL(5, 1)), else as typed."""
    base, _, arguments = written.partition("(")
    canonical = _KEYWORD_TYPES.get(" ".join(base.lower().split()))
    if canonical is None:
        return written
    if not arguments:
        return canonical
    return f"{canonical}({', '.join(a.strip() for a in arguments.rstrip(')').split(','))})"


# The parser's note of where a node was written (sqlglot's `update_positions`).
POSITIONS = ("line", "col", "start", "end")


def forget_positions(tree: exp.Expression) -> None:
    """Drop the parser's positions from every node of `tree` (in place), once no step reads
    them (names are recorded, sqlglot's qualify has reported unknown columns): each copy of a
    node deep-copies its meta, which was most of the planner's copying."""
    for node in tree.walk():
        meta = node._meta
        if meta:
            for key in POSITIONS:
                meta.pop(key, None)
            if not meta:
                node._meta = None


USER_ALIAS = "tqp_user_alias"


def mark_user_aliases(tree: exp.Expression) -> exp.Expression:
    """Flag the select items the user named with AS (in place), before sqlglot's qualify gives
    every column an alias: an ORDER BY name binds to those first, as in DuckDB. Also refuse
    GROUP BY 0 and ORDER BY 0 before sqlglot reads them as the last select item (Python's
    index -1)."""
    nodes = list(tree.find_all(exp.Select, exp.Order))  # one walk for both checks
    for select in (n for n in nodes if isinstance(n, exp.Select)):
        for item in select.expressions:
            if isinstance(item, exp.Alias):
                item.meta[USER_ALIAS] = True
        group = select.args.get("group")
        for term in group.expressions if group is not None else []:
            if isinstance(term, exp.Literal) and term.is_int and int(term.name) < 1:
                raise ProgrammingError(f"GROUP BY term out of range: {term.name}")
    for order in (n for n in nodes if isinstance(n, exp.Order)):
        if order.arg_key != "order":  # a window's ORDER BY sorts by values, not positions
            continue
        for item in order.expressions:
            term = item.this if isinstance(item, exp.Ordered) else item
            if isinstance(term, exp.Literal) and term.is_int and int(term.name) < 1:
                raise ProgrammingError(f"ORDER BY term out of range: {term.name}")
    return tree


def output_name(item: exp.Expression) -> str:
    """The name of one select-list item."""
    if isinstance(item, exp.Alias):
        return item.alias
    if isinstance(item, exp.Column):
        return item.name
    return render(item)


_PLAIN_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def quoted_field_name(name: str) -> str:
    """A struct field's name as DuckDB writes it in a column name: quoted unless a plain
    word that is no keyword."""
    if _PLAIN_FIELD.fullmatch(name) and name.lower() not in _KEYWORD_FUNCTIONS and \
            name.lower() not in _RESERVED:
        return name
    return '"' + name.replace('"', '""') + '"'


_RESERVED = frozenset(k.lower() for k in DuckDB.Generator.RESERVED_KEYWORDS)


def render(node: exp.Expression) -> str:
    if isinstance(node, exp.Paren):
        return render(node.this)
    if isinstance(node, exp.Column):
        return node.sql(dialect=DIALECT)
    if isinstance(node, exp.Literal):
        return f"'{node.this}'" if node.is_string else node.this
    if isinstance(node, exp.Boolean):
        return "true" if node.this else "false"
    operator = _OPERATORS.get(type(node))
    if operator is None and not node.meta.get(SPELLING):
        operator = _LIST_OPERATORS.get(type(node))
    if operator is not None:
        return f"({render(node.this)} {operator} {render(node.expression)})"
    if isinstance(node, (exp.Like, exp.ILike)):
        operator = ("!" if node.args.get("negate") else "") + (
            "~~*" if isinstance(node, exp.ILike) else "~~")
        return f"({render(node.this)} {operator} {render(node.expression)})"
    if isinstance(node, exp.Is) and isinstance(node.expression, exp.Null):
        return f"({render(node.this)} IS NULL)"
    if isinstance(node, exp.Between):
        return (f"({render(node.this)} BETWEEN {render(node.args['low'])} AND "
                f"{render(node.args['high'])})")
    if isinstance(node, exp.In) and node.expressions:
        return f"({render(node.this)} IN ({', '.join(render(e) for e in node.expressions)}))"
    if isinstance(node, exp.Neg):
        negative, inner = True, node.this.unnest()
        while isinstance(inner, exp.Neg):
            negative, inner = not negative, inner.this.unnest()
        if isinstance(inner, exp.Literal) and inner.is_number:  # DuckDB folds -1 into a literal
            return f"-{inner.this}" if negative else inner.this
        return f"(-({render(node.this)}))"
    if isinstance(node, exp.BitwiseNot):
        return f"(~({render(node.this)}))"
    if isinstance(node, exp.BitwiseXor):  # DuckDB's XOR is a function
        return f"xor({render(node.this)}, {render(node.expression)})"
    if isinstance(node, exp.Not):
        inner = node.this.unnest() if isinstance(node.this, exp.Paren) else node.this
        if isinstance(inner, exp.Is) and isinstance(inner.expression, exp.Null):
            return f"({render(inner.this)} IS NOT NULL)"
        return f"(NOT {render(node.this)})"
    if isinstance(node, _AGGREGATES):
        arg = node.this
        if isinstance(node, exp.Count) and (arg is None or isinstance(arg, exp.Star)):
            return "count_star()"
        if isinstance(arg, exp.Distinct):
            inner = ", ".join(render(e) for e in arg.expressions)
            return f"{node.sql_name().lower()}(DISTINCT {inner})"
        count = node.args.get("count")  # DuckDB's top-n min(x, n)
        inner = render(arg) + (f", {render(count)}" if count is not None else "")
        return f"{node.meta.get(SPELLING) or node.sql_name().lower()}({inner})"
    if isinstance(node, exp.Window):
        return _window(node)
    if isinstance(node, exp.Filter) and isinstance(node.expression, exp.Where):
        return f"{render(node.this)} FILTER (WHERE {render(node.expression.this)})"
    if isinstance(node, exp.IgnoreNulls) and isinstance(node.this, exp.AnyValue):
        return render(node.this)  # sqlglot's reading of ANY_VALUE, which skips NULLs anyway
    if isinstance(node, exp.Array):  # DuckDB names a list literal by its constructor
        return f"list_value({', '.join(render(e) for e in node.expressions)})"
    if isinstance(node, exp.Struct):  # DuckDB names a struct literal by its constructor
        return "struct_pack(" + ", ".join(
            f"{quoted_field_name(field_name(e))} := {render(e.expression)}"
            if isinstance(e, (exp.PropertyEQ, exp.Slice)) else render(e)
            for e in node.expressions) + ")"
    if isinstance(node, exp.Dot) and isinstance(node.expression, exp.Identifier):
        return f"({render(node.this)}).{quoted_field_name(node.expression.name)}"
    if isinstance(node, exp.Bracket) and len(node.expressions) == 1:
        return f"{render(node.this)}[{node.sql(dialect=DIALECT).rsplit('[', 1)[1]}"
    if isinstance(node, exp.Coalesce):  # DuckDB's own spelling for COALESCE and IFNULL
        return f"COALESCE({', '.join(render(a) for a in _arguments(node))})"
    if isinstance(node, exp.Cast) and node.meta.get(CAST_TYPE):
        function = "TRY_CAST" if isinstance(node, exp.TryCast) else "CAST"
        return f"{function}({render(node.this)} AS {node.meta[CAST_TYPE]})"
    if isinstance(node, exp.Case):  # as DuckDB prints a CASE, spaces and parentheses included
        operand = node.this  # CASE x WHEN v: each WHEN is x = v

        def condition(when: exp.Expression) -> str:
            return render(when) if operand is None else f"({render(operand)} = {render(when)})"

        whens = "".join(f" WHEN ({condition(w.this)}) THEN ({render(w.args['true'])})"
                        for w in node.args.get("ifs") or [])
        default = node.args.get("default")
        return f"CASE {whens} ELSE {'NULL' if default is None else render(default)} END"
    if isinstance(node, exp.Extract):  # DuckDB names EXTRACT by the date_part it becomes
        part = node.this
        if not (isinstance(part, exp.Literal) and part.is_string):
            part = node.meta.get(DATE_PART, part.name)
            part = part.upper() if part.lower() in _KEYWORD_PARTS else part
        else:
            part = part.name
        return f"date_part('{part}', {render(node.expression)})"
    if isinstance(node, exp.GroupConcat) and node.meta.get(SPELLING):
        this, order = node.this, ""
        if isinstance(this, exp.Order):  # ORDER BY inside the call: DuckDB puts it last
            order = " ORDER BY " + ", ".join(
                render(o.this) + (" DESC" if o.args.get("desc") else "")
                + (" NULLS FIRST" if o.args.get("nulls_first") else "") for o in this.expressions)
            this = this.this
        inner = (f"DISTINCT {', '.join(render(e) for e in this.expressions)}"
                 if isinstance(this, exp.Distinct) else render(this))
        separator = node.args.get("separator")
        if separator is not None and "start" in separator.meta:  # written, not sqlglot's ','
            inner += f", {render(separator)}"
        return f"{node.meta[SPELLING]}({inner}{order})"
    if node.meta.get(DATE_PART) is not None and node.meta.get(SPELLING):
        return f"{node.meta[SPELLING]}('{node.meta[DATE_PART]}', {render(node.this)})"
    if type(node) in _BARE_KEYWORDS and node.meta.get(BARE_KEYWORD):
        return node.meta[BARE_KEYWORD]  # CURRENT_DATE without parentheses: named as written
    name = _function_name(node)
    if name is not None:
        name = f'"{name}"' if name in _KEYWORD_FUNCTIONS else name
        return f"{name}({', '.join(render(a) for a in _arguments(node))})"
    return node.sql(dialect=DIALECT)


def _window(node: exp.Window) -> str:
    """`f(...) OVER (PARTITION BY ... ORDER BY ... frame)` as DuckDB prints it: the frame in full
    (`ROWS 2 PRECEDING` is BETWEEN 2 PRECEDING AND CURRENT ROW), ASC and NULLS as written,
    COUNT(*) as count(); a named window by its definition, with what OVER (w ...) adds."""
    named = None
    if node.args.get("alias") is not None:  # OVER w or OVER (w ...): w's definition, refined
        select = node.find_ancestor(exp.Select)
        found = [w for w in (select.args.get("windows") or []) if w.name == node.alias] \
            if select is not None else []
        if len(found) != 1:
            return node.sql(dialect=DIALECT)
        named = found[0]

    def clause(key: str):
        own = node.args.get(key)
        return own if own or named is None else named.args.get(key)

    function = node.this
    if isinstance(function, exp.Count) and (function.this is None or
                                            isinstance(function.this, exp.Star)):
        name = "count()"
    else:
        name = render(function)
    parts = []
    if clause("partition_by"):
        parts.append("PARTITION BY " + ", ".join(render(p) for p in clause("partition_by")))
    if clause("order") is not None:
        parts.append("ORDER BY " + ", ".join(_sort_key(o) for o in clause("order").expressions))
    frame = clause("spec")
    if frame is not None:
        start = _frame_bound(frame, "start")
        end = _frame_bound(frame, "end") if frame.args.get("end") is not None else "CURRENT ROW"
        text = f"{frame.args['kind'].upper()} BETWEEN {start} AND {end}"
        exclude = frame.args.get("exclude")
        if exclude is not None and exclude.name.upper() != "NO OTHERS":
            text += f" EXCLUDE {exclude.name.upper()}"
        parts.append(text)
    return f"{name} OVER ({' '.join(parts)})"


def _sort_key(ordered: exp.Expression) -> str:
    if not isinstance(ordered, exp.Ordered):
        return render(ordered)
    desc = ordered.args.get("desc")
    text = render(ordered.this) + (" DESC" if desc else " ASC" if desc is False else "")
    if ordered.args.get("nulls_first"):
        return text + " NULLS FIRST"
    return text + (" NULLS LAST" if ordered.meta.get(NULLS_LAST) else "")


def _frame_bound(frame: exp.Expression, which: str) -> str:
    bound = frame.args.get(which)
    side = frame.args.get(f"{which}_side")
    text = render(bound) if isinstance(bound, exp.Expression) else str(bound).upper()
    return text + (f" {side.upper()}" if side else "")


def _function_name(node: exp.Expression) -> str | None:
    """The name of a call as the user wrote it, else as sqlglot prints it, lower-case; None for
    what is not printed as NAME(arguments...) with the arguments in their written order (a
    call with a date part, which sqlglot moves to the end)."""
    if (not isinstance(node, exp.Func) or isinstance(node, (exp.Cast, exp.Extract))
            or node.args.get("unit") is not None):
        return None
    if node.meta.get(SPELLING):
        return node.meta[SPELLING]
    name = node.sql(dialect=DIALECT).split("(", 1)[0]
    return name.lower() if name.isidentifier() else None


def _arguments(node: exp.Func) -> list[exp.Expression]:
    """The arguments of a call as the user wrote them, without those sqlglot adds: the base of
    LOG2/LOG10 and the BOOLEAN cast of BOOL_AND/BOOL_OR."""
    if isinstance(node, exp.Log) and node.meta.get(SPELLING, "log") != "log":
        return [node.expression]
    if isinstance(node, exp.ArrayPrepend):  # list_prepend(x, l): sqlglot keeps l first
        return [node.expression, node.this]
    if isinstance(node, exp.ArraySort):  # its orders as written, not as sqlglot reads them
        return [node.this, *(exp.Literal.string(o) for o in node.meta.get(SORT_ORDERS, ()))]
    arguments = []
    for key in node.arg_types:
        if key == "scale" and isinstance(node, exp.UnixToTime):  # EPOCH_MS's 3, sqlglot's
            continue
        value = node.args.get(key)
        for argument in value if isinstance(value, list) else [value]:
            if isinstance(argument, exp.Expression):
                arguments.append(argument)
    if isinstance(node, (exp.LogicalOr, exp.LogicalAnd)) and isinstance(arguments[0], exp.Cast):
        arguments[0] = arguments[0].this
    return arguments
