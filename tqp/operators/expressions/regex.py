"""Regular expressions (RE2, as in DuckDB): REGEXP_MATCHES, REGEXP_FULL_MATCH, REGEXP_EXTRACT and
REGEXP_REPLACE, each run once per dictionary entry with Arrow's RE2 kernels.

The pattern and options must be constants. DuckDB's option letters become RE2's inline flags in
front of the pattern, so every kernel sees the same pattern."""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc
from sqlglot import exp

from tqp.errors import NotSupportedError, ProgrammingError
from tqp.operators.expressions import evaluate, handles
from tqp.operators.expressions.strings import (_constant_or_null, _in_parallel, _is_int_literal,
                                               _null_boolean, require_string, map_strings,
                                               map_values)
from tqp.operators.structs import from_fields
from tqp.storage.column import Batch, Column, null_column
from tqp.types import DataType

# REGEXP_EXTRACT's group: RE2's rewrite strings name groups \0 to \9.
MAX_GROUP = 9
# The characters RE2 reads as operators: escaped for the literal option 'l'.
_RE2_OPERATORS = set("\\.+*?()|[]{}^$")


def _pattern(node: exp.Expression, flag: exp.Expression | None, what: str,
             may_replace_all: bool = False) -> tuple[str | None, bool]:
    """(the RE2 pattern, with DuckDB's options as inline flags; None for a NULL pattern, whether
    the option 'g' asks to replace every match). Options: c and i (the last one wins), s (`.`
    matches a newline), l (the pattern is literal text), g (REGEXP_REPLACE only)."""
    pattern = _constant_or_null(node, what)
    if flag is None:
        return pattern, False
    if isinstance(flag, exp.Null):
        raise ProgrammingError(f"{what}: the regex options must not be NULL")
    if not (isinstance(flag, exp.Literal) and flag.is_string):
        _not_literal(flag, f"{what}: the regex options")
    ignore_case = dot_all = literal = every = False
    for letter in flag.this:
        if letter in "ci":
            ignore_case = letter == "i"
        elif letter == "s":
            dot_all = True
        elif letter == "l":
            literal = True
        elif letter == "g" and may_replace_all:
            every = True
        elif letter == "g":
            raise ProgrammingError(f"{what}: option 'g' (global replace) is only valid for "
                                   "REGEXP_REPLACE")
        elif letter in "mnp":
            raise NotSupportedError(f"{what} option '{letter}' (newline-sensitive matching)")
        else:
            raise ProgrammingError(f"{what}: unrecognized regex option '{letter}'")
    if pattern is None:
        return None, every
    if literal:
        pattern = "".join("\\" + c if c in _RE2_OPERATORS else c for c in pattern)
    flags = ("i" if ignore_case else "") + ("s" if dot_all else "")
    return (f"(?{flags}){pattern}" if flags else pattern), every


def _not_literal(node: exp.Expression, what: str):
    """Refuse an argument DuckDB wants constant: an error if it reads columns, else (a constant
    expression tqp does not fold) not supported."""
    if any(isinstance(n, exp.Column) for n in node.walk()):
        raise ProgrammingError(f"{what} must be a constant")
    raise NotSupportedError(f"{what} as an expression (only a literal)")


def _run(what: str, fn, *args):
    """fn(*args), an invalid pattern or replacement reported as DuckDB does (an error)."""
    try:
        return fn(*args)
    except pa.ArrowInvalid as exc:
        raise ProgrammingError(f"{what}: {exc}") from None


def _string_argument(node: exp.Expression, batch: Batch) -> Column:
    column = evaluate(node.this, batch)
    require_string(column, node)
    return column


@handles(exp.RegexpLike)
def regexp_matches(node: exp.RegexpLike, batch: Batch) -> Column:
    """REGEXP_MATCHES(s, pattern[, options]): does `pattern` match anywhere in `s` (RE2, as in
    DuckDB; '.' does not match a newline unless the option 's' is given)."""
    pattern, _ = _pattern(node.expression, node.args.get("flag"), "REGEXP_MATCHES")
    return _match(node, batch, pattern, "REGEXP_MATCHES")


@handles(exp.RegexpFullMatch)
def regexp_full_match(node: exp.RegexpFullMatch, batch: Batch) -> Column:
    """REGEXP_FULL_MATCH(s, pattern[, options]): does `pattern` match the whole of `s`."""
    pattern, _ = _pattern(node.expression, node.args.get("options"), "REGEXP_FULL_MATCH")
    return _match(node, batch, None if pattern is None else rf"\A(?:{pattern})\z",
                  "REGEXP_FULL_MATCH")


def _match(node: exp.Expression, batch: Batch, pattern: str | None, what: str) -> Column:
    column = evaluate(node.this, batch)
    if pattern is None:
        return _null_boolean(column)
    require_string(column, node)
    return _run(what, map_values, column, lambda d: pc.match_substring_regex(d, pattern),
                DataType.BOOLEAN)


@handles(exp.RegexpExtract)
def regexp_extract(node: exp.RegexpExtract, batch: Batch) -> Column:
    """REGEXP_EXTRACT(s, pattern[, group[, options]]): the text the group (0: the whole match,
    1 to 9: a parenthesized group) captured in the first match of `pattern` in `s`; '' when
    nothing matches or the group took no part."""
    if node.args.get("position") is not None or node.args.get("occurrence") is not None:
        raise NotSupportedError("REGEXP_EXTRACT with a position or occurrence")
    pattern, _ = _pattern(node.expression, node.args.get("parameters"), "REGEXP_EXTRACT")
    group = node.args.get("group")
    column = _string_argument(node, batch)
    if pattern is None:
        if isinstance(group, exp.Array):
            raise ProgrammingError("REGEXP_EXTRACT with a list of group names takes a constant "
                                   "pattern, not NULL")
        return null_column(len(column), DataType.VARCHAR, column.device)
    if isinstance(group, exp.Null):  # DuckDB: '' for every string
        return map_strings(column, lambda d: pc.utf8_slice_codeunits(d, 0, 0))
    if isinstance(group, exp.Array):
        return _extract_named(column, pattern, group)
    if group is not None and not _is_int_literal(group):
        _not_literal(group, "REGEXP_EXTRACT: the group")
    number = 0 if group is None else int(group.sql())
    if not 0 <= number <= MAX_GROUP:
        raise ProgrammingError(f"REGEXP_EXTRACT: the group index must be between 0 and "
                               f"{MAX_GROUP}, not {number}")
    return _extract_group(column, pattern, number)


def _extract_named(column: Column, pattern: str, names: exp.Array) -> Column:
    """REGEXP_EXTRACT(s, pattern, ['a', 'b', ...]): a STRUCT of VARCHAR fields, field i the
    text group i captured ('' where nothing matched); NULL where `s` is NULL."""
    if not names.expressions:
        raise ProgrammingError("REGEXP_EXTRACT: the group name list must be non-empty")
    if not all(isinstance(n, exp.Literal) and n.is_string for n in names.expressions):
        if any(isinstance(n, exp.Null) for n in names.expressions):
            raise ProgrammingError("REGEXP_EXTRACT: a NULL group name")
        raise NotSupportedError("REGEXP_EXTRACT with group names that are not string literals")
    fields = [n.this for n in names.expressions]
    if len(set(fields)) != len(fields):
        raise ProgrammingError(f"REGEXP_EXTRACT: a duplicate group name in {', '.join(fields)}")
    groups = _group_count(pattern)
    if groups is not None and groups < len(fields):
        raise ProgrammingError(f"REGEXP_EXTRACT: not enough capturing groups ({groups}) for the "
                               f"names given ({len(fields)})")
    values = [_extract_group(column, pattern, i + 1) for i in range(len(fields))]
    return from_fields(fields, values, column.valid)


def _group_count(pattern: str) -> int | None:
    """The capturing groups of `pattern`, where Python's `re` reads it as RE2 does (else
    None: not checked)."""
    try:
        return re.compile(pattern).groups
    except re.error:
        return None


def _extract_group(column: Column, pattern: str, number: int) -> Column:
    # The whole string, rewritten to the group: the lazy prefix makes the match the leftmost,
    # and the pattern keeps its own choices and group numbers (group 0 gets a group of its own).
    inner, rewrite = (f"({pattern})", r"\1") if number == 0 else (f"(?:{pattern})", f"\\{number}")
    whole = rf"\A(?s:.*?){inner}(?s:.*)\z"
    return _run("REGEXP_EXTRACT", map_strings, column, lambda d: _in_parallel(
        lambda part: _extract(part, pattern, whole, rewrite), d))


def _extract(strings: pa.Array, pattern: str, whole: str, rewrite: str) -> pa.Array:
    found = pc.match_substring_regex(strings, pattern)
    try:
        taken = pc.replace_substring_regex(strings, whole, rewrite, max_replacements=1)
    except pa.ArrowInvalid as exc:
        if "Rewrite schema" not in str(exc):
            raise
        return pc.utf8_slice_codeunits(strings, 0, 0)  # a group past the pattern's: '' (DuckDB)
    return pc.if_else(found, taken, pa.scalar("", strings.type))


@handles(exp.RegexpReplace)
def regexp_replace(node: exp.RegexpReplace, batch: Batch) -> Column:
    """REGEXP_REPLACE(s, pattern, replacement[, options]): the first match of `pattern` (every
    match with the option 'g') replaced; `\\0` to `\\9` in the replacement stand for groups."""
    if node.args.get("position") is not None or node.args.get("occurrence") is not None:
        raise NotSupportedError("REGEXP_REPLACE with a position or occurrence")
    pattern, every = _pattern(node.expression, node.args.get("modifiers"), "REGEXP_REPLACE",
                              may_replace_all=True)
    replacement = node.args.get("replacement")
    if replacement is None:
        raise ProgrammingError("REGEXP_REPLACE needs a replacement string")
    if not isinstance(replacement, exp.Null) and not (isinstance(replacement, exp.Literal)
                                                      and replacement.is_string):
        raise NotSupportedError("REGEXP_REPLACE with a non-constant replacement")
    replacement = _constant_or_null(replacement, "REGEXP_REPLACE")
    column = _string_argument(node, batch)
    if pattern is None or replacement is None:
        return null_column(len(column), DataType.VARCHAR, column.device)
    limit = None if every else 1
    return _run("REGEXP_REPLACE", map_strings, column, lambda d: _in_parallel(
        lambda part: pc.replace_substring_regex(part, pattern, replacement,
                                                max_replacements=limit), d))
