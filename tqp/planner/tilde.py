"""DuckDB's reach of the prefix `~` (bitwise NOT) over arithmetic, which sqlglot does not keep.

sqlglot binds `~` to the operand right after it, as it does `-`: `~a + 1` is `(~a) + 1`. In
DuckDB's grammar `~` is an operator of lower precedence than `+ - * / // % ^ **`, so it takes
the arithmetic after it: `~a + 1` is `~(a + 1)`, `2 * ~a + 1` is `2 * ~(a + 1)`; its reach stops
before an operator followed by another `~` (`~a + ~b + 1` is `(~a) + ~(b + 1)`, as DuckDB's
parse tree shows with json_serialize_sql). `(~a) + 1` stays as written.

Each run of arithmetic operators (a "region": the operators written without parentheses, in
text order with the operands between them) that has a `~` operand is rebuilt with that reach.
"""

from __future__ import annotations

from sqlglot import exp

# Arithmetic operators by precedence, all left-associative (DuckDB: `2 ^ 3 ^ 2` is 64).
_PRECEDENCE = {exp.Add: 1, exp.Sub: 1, exp.Mul: 2, exp.Div: 2, exp.IntDiv: 2, exp.Mod: 2,
               exp.Pow: 3}


def bind_prefix_tilde(statement: exp.Expression) -> exp.Expression:
    """`statement` with each `~` reaching as far as in DuckDB (in place)."""
    roots = [node for node in statement.walk() if _is_operator(node)
             and not (_is_operator(node.parent) and node.arg_key in ("this", "expression"))]
    for root in roots:
        items = _flatten(root)
        if not any(isinstance(item, exp.BitwiseNot) for item in items[::2]):
            continue
        placeholder = exp.Null()
        root.replace(placeholder)
        placeholder.replace(_climb(_absorb(items)))
    return statement


def _is_operator(node: exp.Expression | None) -> bool:
    """An arithmetic operator as written between operands: the function forms (`mod(a, b)`,
    `power(a, b)`) carry the parser's position of their name."""
    return type(node) in _PRECEDENCE and node.meta.get("start") is None


def _flatten(node: exp.Expression) -> list[exp.Expression]:
    """The region below `node` in text order: operand, operator, operand, ..."""
    if not _is_operator(node):
        return [node]
    return _flatten(node.this) + [node] + _flatten(node.expression)


def _absorb(items: list[exp.Expression]) -> list[exp.Expression]:
    """Each `~x` operand with the operators and operands after it that it reaches, as one."""
    result, i = [], 0
    while i < len(items):
        item = items[i]
        if i % 2 or not isinstance(item, exp.BitwiseNot):
            result.append(item)
            i += 1
            continue
        reach = [item.this]
        i += 1
        while i + 1 < len(items) and not isinstance(items[i + 1], exp.BitwiseNot):
            reach += items[i:i + 2]
            i += 2
        item.set("this", _climb(reach))
        result.append(item)
    return result


def _climb(items: list[exp.Expression], low: int = 1) -> exp.Expression:
    """The tree of `operand op operand ...` by precedence (left-associative), reusing the
    operator nodes; consumes `items` from the front."""
    if isinstance(items, list):
        items = _Items(items)
    left = items.next()
    while items.peek() is not None and _PRECEDENCE[type(items.peek())] >= low:
        operator = items.next()
        right = _climb(items, _PRECEDENCE[type(operator)] + 1)
        operator.set("this", left)
        operator.set("expression", right)
        left = operator
    return left


class _Items:
    def __init__(self, items: list[exp.Expression]):
        self.items, self.position = items, 0

    def next(self) -> exp.Expression:
        self.position += 1
        return self.items[self.position - 1]

    def peek(self) -> exp.Expression | None:
        return self.items[self.position] if self.position < len(self.items) else None
