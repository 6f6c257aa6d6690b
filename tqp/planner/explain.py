"""Plans as deterministic indented text, for EXPLAIN and golden tests."""

from __future__ import annotations

from sqlglot import exp

from tqp.physical.operator import sql_text
from tqp.planner.logical import (
    Aggregate, AsofJoin, Distinct, Filter, Join, Limit, MarkJoin, MultiJoin, OneRow, Plan, Project,
    RowNumber,
    RecursiveUnion, ScalarApply, Scan, SetOp, Sort, Unnest, WorkTable,
)


def _sql(e: exp.Expression) -> str:
    return sql_text(e)


def describe(node: Plan) -> str:
    """One line naming the operator, its algorithm and its arguments."""
    if isinstance(node, Scan):
        return f"Scan {node.table} AS {node.binding} [{', '.join(node.fields)}]"
    if isinstance(node, OneRow):
        return "OneRow"
    if isinstance(node, Filter):
        return f"Filter {_sql(node.condition)}"
    if isinstance(node, Project):
        return "Project " + ", ".join(f"{n} := {_sql(e)}" for n, e in node.exprs)
    if isinstance(node, Join):
        keys = " AND ".join(f"{_sql(a)} = {_sql(b)}" for a, b in zip(node.left_keys, node.right_keys))
        algo = "DirectOrSortJoin" if node.left_keys else "NestedLoopJoin"
        text = f"{algo}[{node.kind}]" + (f" ON {keys}" if keys else "")
        return text + (f" WHERE {_sql(node.residual)}" if node.residual is not None else "")
    if isinstance(node, MultiJoin):
        return "MultiJoin" + (f" WHERE {' AND '.join(_sql(c) for c in node.conditions)}"
                              if node.conditions else "")
    if isinstance(node, AsofJoin):
        keys = "".join(f"{_sql(a)} = {_sql(b)} AND " for a, b in zip(node.left_keys, node.right_keys))
        return f"AsofJoin[{node.kind}] ON {keys}{_sql(node.left_on)} {node.op} {_sql(node.right_on)}"
    if isinstance(node, MarkJoin):
        keys = " AND ".join(f"{_sql(a)} = {_sql(b)}" for a, b in zip(node.left_keys, node.right_keys))
        text = f"MarkJoin[{node.mark}{', null-aware' if node.null_aware else ''}]"
        text += f" ON {keys}" if keys else ""
        return text + (f" WHERE {_sql(node.residual)}" if node.residual is not None else "")
    if isinstance(node, RowNumber):
        return f"RowNumber {node.name}"
    if isinstance(node, WorkTable):
        return f"WorkTable {node.name}"
    if isinstance(node, RecursiveUnion):
        return f"RecursiveUnion{'' if node.distinct else ' ALL'} over {node.work.name}"
    if isinstance(node, Unnest):
        return "Unnest " + ", ".join(f"{n} := {_sql(e)}" for n, e in node.lists)
    if isinstance(node, ScalarApply):
        return f"ScalarApply {node.name}"
    if isinstance(node, Aggregate):
        keys = ", ".join(f"{n} := {_sql(e)}" for n, e in node.keys)
        aggs = ", ".join(f"{n} := {c.sql()}" for n, c in node.aggregates)
        sets = "" if node.sets is None else f" sets={[list(s) for s in node.sets]}"
        return f"GroupAggregate keys=[{keys}]{sets} aggregates=[{aggs}]"
    if isinstance(node, Distinct):
        return "Distinct"
    if isinstance(node, Sort):
        keys = ", ".join(f"{_sql(k.expr)} {'DESC' if k.descending else 'ASC'}"
                         f"{' NULLS FIRST' if k.nulls_first else ''}" for k in node.keys)
        return (f"TopK[{node.limit}] " if node.limit is not None else "Sort ") + keys
    if isinstance(node, Limit):
        count = f"{node.percent:g}%" if node.percent is not None else node.limit
        return f"Limit {count} OFFSET {node.offset}"
    if isinstance(node, SetOp):
        return f"{node.kind.upper()}{' ALL' if node.all else ''}"
    return type(node).__name__


def explain(plan: Plan, profile: dict | None = None) -> str:
    """The plan as an indented tree; with a profile, rows and milliseconds per node."""
    lines: list[str] = []
    seen: set[int] = set()

    def walk(node: Plan, depth: int):
        line = "  " * depth + describe(node)
        if profile is not None and id(node) in profile:
            rows, own, _ = profile[id(node)]
            line += f"  (rows={rows}, {own * 1000:.2f} ms)"
        if id(node) in seen:
            lines.append(line + "  [shared, see above]")
            return
        seen.add(id(node))
        lines.append(line)
        for child in node.children:
            walk(child, depth + 1)

    walk(plan, 0)
    return "\n".join(lines)
