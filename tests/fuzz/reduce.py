"""Shrink a failing case to a small reproducer that still fails the same way.

Greedy and syntax-directed: each step tries to replace one node of one part's sqlglot tree with
something smaller (a binary operation by one operand, a function or CASE by an argument, a
subquery predicate by TRUE, a set operation by one side; a SELECT without one of its clauses,
items or joins) and keeps the first candidate that the oracle still fails with the same status
and error class. It stops when no candidate helps or after MAX_CHECKS oracle calls.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, Iterator

import sqlglot
from sqlglot import exp

from tests.fuzz.oracles import Case, Engines, Outcome, check

MAX_CHECKS = 300
_CLAUSES = ("where", "having", "order", "limit", "offset", "group", "distinct")


def reduce_case(case: Case, failure: Outcome, engines: Engines,
                max_checks: int = MAX_CHECKS) -> tuple[Case, Outcome]:
    """The smallest case found that fails like `failure`, and its outcome."""
    checks = 0
    improved = True
    while improved and checks < max_checks:
        improved = False
        for candidate in _candidates(case):
            checks += 1
            outcome = check(candidate, engines)
            if outcome.same_failure(failure):
                case, failure, improved = candidate, outcome, True
                break
            if checks >= max_checks:
                break
    return case, failure


def _candidates(case: Case) -> Iterator[Case]:
    """Smaller versions of `case`, one change each, in the order they are worth trying."""
    for name, sql in case.parts.items():
        try:
            tree = sqlglot.parse_one(sql, read="duckdb")
        except sqlglot.errors.ParseError:
            continue
        size = len(sql)
        seen = {sql}
        for smaller in _smaller_trees(tree):
            try:
                text = smaller.sql(dialect="duckdb")
            except ValueError:  # an edit that left no valid tree (a flag where a node was)
                continue
            if text not in seen and len(text) < size:
                seen.add(text)
                yield replace(case, parts={**case.parts, name: text})


def _smaller_trees(tree: exp.Expression) -> Iterator[exp.Expression]:
    count = sum(1 for _ in tree.walk())
    for index in range(count):
        for change in _changes(_nth(tree, index)):
            copy = tree.copy()
            node = _nth(copy, index)
            try:
                result = change(node)
            except (AttributeError, IndexError, TypeError, ValueError):
                continue  # an edit that does not apply to this node's shape
            if isinstance(result, exp.Expression):
                yield copy if node is not copy else result


def _nth(tree: exp.Expression, index: int) -> exp.Expression:
    for i, node in enumerate(tree.walk()):
        if i == index:
            return node
    raise IndexError(index)


def _changes(node: exp.Expression) -> Iterator[Callable[[exp.Expression], exp.Expression]]:
    """Edits of `node` (applied to the same node in a copy); each returns the new node."""
    if isinstance(node, exp.Select):
        for clause in _CLAUSES:
            if node.args.get(clause):
                yield lambda n, c=clause: (n.set(c, None), n)[1]
        for i in range(len(node.expressions) if len(node.expressions) > 1 else 0):
            yield lambda n, i=i: (n.expressions.pop(i), n)[1]
        for i in range(len(node.args.get("joins") or [])):
            yield lambda n, i=i: (n.args["joins"].pop(i), n)[1]
        return
    if isinstance(node, exp.SetOperation):
        yield lambda n: n.replace(n.this)
        yield lambda n: n.replace(n.expression)
        return
    if isinstance(node, (exp.Exists, exp.In)) or (isinstance(node, exp.Subquery) and not (
            isinstance(node.parent, (exp.From, exp.Join, exp.In, exp.Exists)))):
        yield lambda n: n.replace(exp.true())
        yield lambda n: n.replace(exp.Null())
    if isinstance(node, exp.Join) and node.args.get("on"):
        yield lambda n: (n.set("on", exp.true()), n)[1]
    if isinstance(node, (exp.Binary, exp.Connector)) and not isinstance(node, exp.Dot):
        yield lambda n: n.replace(n.left)
        yield lambda n: n.replace(n.right)
    if isinstance(node, (exp.Not, exp.Paren, exp.Neg)):
        yield lambda n: n.replace(n.this)
    if isinstance(node, exp.Case):
        for i in range(len(node.args.get("ifs") or [])):
            yield lambda n, i=i: n.replace(n.args["ifs"][i].args["true"])
        if node.args.get("default"):
            yield lambda n: n.replace(n.args["default"])
    if isinstance(node, exp.Func) and not isinstance(node, exp.AggFunc) and isinstance(
            node.this, exp.Expression) and not isinstance(node, exp.Case):
        yield lambda n: n.replace(n.this)
        for i in range(len(node.expressions)):
            yield lambda n, i=i: n.replace(n.expressions[i])
    if isinstance(node, exp.Between):
        yield lambda n: n.replace(n.this)
    if isinstance(node, exp.Literal) and node.this not in ("0", "1", ""):
        yield lambda n: n.replace(exp.Literal.number(1) if n.is_number else exp.Literal.string(""))
