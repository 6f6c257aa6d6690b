"""Parsing tqp's SQL: DuckDB's dialect, except that PREDICT is an ordinary function call.

sqlglot reads PREDICT as BigQuery ML's `ML.PREDICT(MODEL m, table)`, which takes at most three
arguments; tqp's `PREDICT('model', feature, ...)` (tqp/ml) takes any number, so the parser must
leave it as a plain call for `tqp.ml.calls.bind_models` to bind. The name token of each call is
renamed before parsing, so that the parser does not know the function, and named back after.

A subscript `l[i]` is stored by sqlglot 0-based (i - 1) when it can tell that i is an integer
(a literal) and as written otherwise; each subscript is marked with whether it was shifted, so
that the list kernels read DuckDB's 1-based position either way.

DuckDB's parser is used as it is, not subclassed: sqlglot's compiled build (`sqlglotc`, about a
third faster to plan with) does not let an interpreted class inherit from a compiled one.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.expressions import INTERVAL_STRING_RE
from sqlglot.dialects.duckdb import DuckDB
from sqlglot.tokens import Token, TokenType

from tqp.errors import NotSupportedError
from tqp.operators.expressions.lists import INDEX_SHIFTED
from tqp.operators.expressions.structs import FIELD_NAME
from tqp.planner.tilde import bind_prefix_tilde
from tqp.operators.expressions.typeof import LEADING_POINT

DIALECT = DuckDB()

# The deepest nesting of parentheses, brackets, braces and CASE parsed, DuckDB's default
# max_expression_depth. sqlglot's parser descends once per level; compiled (`sqlglotc`), its
# calls run on the C stack, which a few thousand levels overflow (the process dies), before
# Python's recursion limit is reached.
MAX_NESTING = 1000
_OPENING = {TokenType.L_PAREN, TokenType.L_BRACKET, TokenType.L_BRACE, TokenType.CASE}
_CLOSING = {TokenType.R_PAREN, TokenType.R_BRACKET, TokenType.R_BRACE, TokenType.END}

# Appended to the name token of a PREDICT call: no name the tokenizer reads holds it, and the
# parser looks the name up as written, so the call stays an anonymous function.
_PLAIN_CALL = "\x00"


def parse(sql: str) -> list[exp.Expression]:
    """The statements of `sql` (sqlglot's ParseError and TokenError pass through); nesting
    deeper than MAX_NESTING is refused."""
    tokens = DIALECT.tokenize(sql)
    if len(tokens) > MAX_NESTING:
        _check_nesting(tokens)
    if "?::" in sql:
        tokens = _split_placeholder_casts(tokens)
    if "interval" in sql.lower():
        _check_interval_texts(tokens)
    renamed = _rename_predict_calls(tokens)
    typed = _group_typed_literals(tokens) if "::" in sql else set()
    statements = [s for s in DIALECT.parser().parse(tokens, sql) if s is not None]
    if typed:
        _ungroup_typed_literals(statements, typed)
    if "~" in sql:
        statements = [bind_prefix_tilde(s) for s in statements]
    if "''" in sql and any(t.token_type == TokenType.STRING and t.text == "" for t in tokens) \
            and not any(t.token_type == TokenType.STRING and t.text == "None" for t in tokens):
        _restore_empty_formats(statements)
    if "typeof" in sql.lower() and any(
            a.token_type == TokenType.DOT and b.token_type == TokenType.NUMBER
           for a, b in zip(tokens, tokens[1:])):  # `.5` (or `t.5`: refused too, rare)
        for statement in statements:
            for node in statement.find_all(exp.Typeof):
                node.meta[LEADING_POINT] = True
    if "{" in sql or "struct_pack" in sql.lower():  # field names keep their case, as in DuckDB
        for statement in statements:
            for node in statement.find_all(exp.Struct):
                for item in node.expressions:
                    if isinstance(item, exp.PropertyEQ) and isinstance(item.this, exp.Identifier):
                        item.this.meta[FIELD_NAME] = item.this.name
    if not renamed and "[" not in sql:  # no subscript to mark
        return statements
    for statement in statements:
        for node in statement.walk():
            if isinstance(node, exp.Bracket):
                node.meta[INDEX_SHIFTED] = _shifted(node)
            elif renamed and isinstance(node, exp.Anonymous) and isinstance(node.this, str) \
                    and node.this.endswith(_PLAIN_CALL):
                node.set("this", node.this[:-1])
    return statements


_TYPE_TOKENS = DIALECT.parser_class.TYPE_TOKENS - {TokenType.INTERVAL}


def _group_typed_literals(tokens: list[Token]) -> set[int]:
    """Parenthesize each typed literal followed by `::` (`DATE '2020-01-01'::TIMESTAMP`), in
    place: sqlglot applies the `::` to the string before the literal's type (a DATE cast of a
    TIMESTAMP), where DuckDB casts the DATE to TIMESTAMP. The start offsets of those strings."""
    starts = set()
    i = 1
    while i < len(tokens) - 1:
        token = tokens[i]
        if token.token_type == TokenType.STRING and tokens[i - 1].token_type in _TYPE_TOKENS \
                and tokens[i + 1].token_type == TokenType.DCOLON \
                and not (i > 1 and tokens[i - 2].token_type == TokenType.DOT):
            kind = tokens[i - 1]
            tokens.insert(i + 1, Token(TokenType.R_PAREN, ")", token.line, token.col,
                                       token.end, token.end))
            tokens.insert(i - 1, Token(TokenType.L_PAREN, "(", kind.line, kind.col,
                                       kind.start, kind.start))
            starts.add(token.start)
            i += 2
        i += 1
    return starts


def _ungroup_typed_literals(statements: list[exp.Expression], starts: set[int]) -> None:
    """Drop the parentheses `_group_typed_literals` put around typed literals (they would show
    in output names)."""
    for statement in statements:
        for paren in list(statement.find_all(exp.Paren)):
            cast = paren.this
            if isinstance(cast, exp.Cast) and isinstance(cast.this, exp.Literal) \
                    and cast.this.meta.get("start") in starts:
                paren.replace(cast)


def _restore_empty_formats(statements: list[exp.Expression]) -> None:
    """sqlglot turns an empty STRFTIME/STRPTIME format into the text 'None': set it back (the
    caller checked that the query writes '' and no 'None')."""
    for statement in statements:
        for node in statement.find_all(exp.TimeToStr, exp.StrToTime):
            fmt = node.args.get("format")
            if isinstance(fmt, exp.Literal) and fmt.is_string and fmt.this == "None":
                node.set("format", exp.Literal.string(""))


def _split_placeholder_casts(tokens: list[Token]) -> list[Token]:
    """`?::type` as a parameter cast: sqlglot reads `?::` as one operator (a TRY_CAST of other
    dialects), which DuckDB does not have, and `SELECT ?::DOUBLE` failed to parse."""
    out = []
    for token in tokens:
        if token.token_type != TokenType.QDCOLON:
            out.append(token)
            continue
        out.append(Token(TokenType.PLACEHOLDER, "?", token.line, token.col - 2, token.start,
                         token.start, []))
        out.append(Token(TokenType.DCOLON, "::", token.line, token.col, token.start + 1,
                         token.end, token.comments))
    return out


def _check_interval_texts(tokens: list[Token]) -> None:
    """Refuse `INTERVAL '3 days ago'` and other texts of one amount and unit followed by more:
    sqlglot reads them as the amount and unit alone (`3 days`)."""
    for token, text in zip(tokens, tokens[1:]):
        if token.token_type == TokenType.INTERVAL and text.token_type == TokenType.STRING and \
                len(INTERVAL_STRING_RE.findall(text.text)) == 1 and \
                not INTERVAL_STRING_RE.fullmatch(text.text):
            raise NotSupportedError(f"INTERVAL '{text.text}' (write it as "
                                    f"CAST('{text.text}' AS INTERVAL))")


def _check_nesting(tokens: list[Token]) -> None:
    depth = 0
    for token in tokens:
        if token.token_type in _OPENING:
            depth += 1
            if depth > MAX_NESTING:
                raise NotSupportedError(
                    f"query too deeply nested (more than {MAX_NESTING} levels of parentheses "
                    f"or CASE), near line {token.line}")
        elif token.token_type in _CLOSING and depth:
            depth -= 1


def _rename_predict_calls(tokens: list[Token]) -> bool:
    """Mark the name token of each `PREDICT(` call (not `x.PREDICT(`) in place, and of each
    `DATE_TRUNC(` whose unit is not a string literal (`date_trunc(u, d)`: sqlglot would read
    the column `u` as the unit name U); whether any."""
    renamed = False
    for i, token in enumerate(tokens[:-1]):
        if token.token_type != TokenType.VAR and token.text.upper() not in _UNIT_CALLS \
                or tokens[i + 1].token_type != TokenType.L_PAREN \
                or (i > 0 and tokens[i - 1].token_type == TokenType.DOT):
            continue
        name = token.text.upper()
        if name == "PREDICT" or name in _UNIT_CALLS and not _string_first(tokens, i + 2):
            token.text += _PLAIN_CALL
            renamed = True
    return renamed


# Calls whose first argument sqlglot reads as a unit name even when it is a column.
_UNIT_CALLS = {"DATE_TRUNC", "DATETRUNC"}


def _string_first(tokens: list[Token], i: int) -> bool:
    """Is the call argument starting at token i one string literal?"""
    return i + 1 < len(tokens) and tokens[i].token_type == TokenType.STRING \
        and tokens[i + 1].token_type == TokenType.COMMA


def _shifted(bracket: exp.Bracket) -> bool:
    """Did sqlglot's `apply_index_offset` subtract 1 from this subscript? It does when the
    subscripted value is untyped or an array and the index types as an integer."""
    from sqlglot.optimizer.annotate_types import annotate_types

    if len(bracket.expressions) != 1 or isinstance(bracket.expressions[0], exp.Slice):
        return False
    this, index = bracket.this, bracket.expressions[0]
    if this.type is None:
        annotate_types(this, dialect=DuckDB)
    if this.type.this not in (exp.DataType.Type.UNKNOWN, exp.DataType.Type.ARRAY):
        return False
    if index.type is None:
        annotate_types(index, dialect=DuckDB)
    return index.type.this in exp.DataType.INTEGER_TYPES
