"""Scanned string columns whose order no step of a plan needs.

A VARCHAR column is int32 codes into a dictionary. Sorting the dictionary (so that code order is
string order) is what makes comparisons, sorts and MIN/MAX work on codes, and it is the dominant
cost of reading a near-unique string column. A scanned column that is read only as the operand
of LIKE/ILIKE (evaluated once per dictionary entry, in any order) and never leaves the scan and
filters above it needs neither a sorted nor a duplicate-free dictionary: the scan is told so,
and gives each row its own entry (or keeps Parquet's dictionary as it is), with no hashing or
sorting at all.
"""

from __future__ import annotations

import dataclasses

from sqlglot import exp

from tqp.planner.logical import Filter, Plan, Scan


def order_free_columns(plan: Plan) -> frozenset[str]:
    """Names (`binding.field`) of the scanned columns of `plan` that only LIKE/ILIKE read."""
    scanned: set[str] = set()
    needed: set[str] = set(plan.columns)  # the result's columns keep their order
    seen: set[int] = set()
    stack = [plan]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.extend(node.children)
        if isinstance(node, Scan):
            scanned.update(node.columns)
            continue
        if not isinstance(node, Filter):
            needed.update(node.columns)  # passed on to steps that may order them
        expressions = _expressions(node)
        if expressions is None:
            return frozenset()  # a field of a kind not understood here: assume order matters
        for expression in expressions:
            for column in expression.find_all(exp.Column):
                if not _like_operand(column):
                    needed.add(column.name)
    return frozenset(scanned - needed)


def _like_operand(column: exp.Column) -> bool:
    parent = column.parent
    return isinstance(parent, (exp.Like, exp.ILike)) and parent.this is column


def _expressions(node: Plan) -> list[exp.Expression] | None:
    """Every sqlglot expression held by a plan node's fields (inside tuples, dicts and nested
    dataclasses too), or None when a field holds something else than those and plain values."""
    found = []
    stack = [getattr(node, f.name) for f in dataclasses.fields(node)]
    while stack:
        value = stack.pop()
        if isinstance(value, exp.Expression):
            found.append(value)
        elif isinstance(value, (tuple, list, frozenset, set)):
            stack.extend(value)
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, Plan):
            continue  # a child: visited on its own
        elif dataclasses.is_dataclass(value):
            stack.extend(getattr(value, f.name) for f in dataclasses.fields(value))
        elif value is not None and not isinstance(value, (str, int, float, bool)):
            return None
    return found
