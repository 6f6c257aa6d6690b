"""Splitting the shell's input into SQL statements and dot commands."""

from __future__ import annotations

import re

_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)
# The first word of a statement that returns rows (what `.explain on` explains).
_QUERY_START = re.compile(r"\s*(\(|(select|with|from|values|table)\b)", re.IGNORECASE)


def strip_comments(sql: str) -> str:
    return _COMMENTS.sub("", sql)


def has_content(sql: str) -> bool:
    """True when `sql` holds more than whitespace and comments."""
    return bool(strip_comments(sql).strip())


def split_statements(text: str) -> tuple[list[str], str]:
    """Split off the complete statements of `text`; return them and the unfinished rest.

    A statement ends at a ';' outside string literals, quoted identifiers and comments. Empty
    statements (only whitespace and comments) are dropped.
    """
    statements: list[str] = []
    start = i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c in "'\"":
            j = i + 1
            while True:
                j = text.find(c, j)
                if j == -1:
                    return statements, text[start:]  # unterminated: wait for more input
                if j + 1 < n and text[j + 1] == c:  # '' inside a literal is an escaped quote
                    j += 2
                    continue
                break
            i = j + 1
        elif text.startswith("--", i):
            j = text.find("\n", i)
            i = n if j == -1 else j + 1
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            if j == -1:
                return statements, text[start:]
            i = j + 2
        elif c == ";":
            if has_content(text[start:i]):
                statements.append(text[start:i].strip())
            start = i = i + 1
        else:
            i += 1
    return statements, text[start:]


def is_complete(text: str) -> bool:
    """Whether the input typed so far should run now (on Enter) rather than continue a line."""
    stripped = text.strip()
    if not stripped or stripped.startswith("."):
        return True
    statements, rest = split_statements(text)
    return bool(statements) and not has_content(rest)


def is_explain(sql: str) -> bool:
    return strip_comments(sql).lstrip()[:7].upper() == "EXPLAIN"


def is_query(sql: str) -> bool:
    """Does `sql` start like a query (SELECT, WITH, FROM, VALUES, TABLE or '(')?"""
    return bool(_QUERY_START.match(strip_comments(sql)))
