"""WITH RECURSIVE: a CTE that reads itself becomes a RecursiveUnion node.

`name AS (anchor UNION [ALL] step)`: the anchor is planned as any query; inside the step, the
CTE's name reads a WorkTable, the rows the previous iteration added. The executor
(physical/recursion.py) runs the step again and again over whole batches until an iteration
adds no row. Anything else that reads itself (the name in the anchor, INTERSECT/EXCEPT, a step
with ORDER BY/LIMIT on the union) is refused.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlglot import exp

from tqp.errors import NotSupportedError, ProgrammingError
from tqp.planner.logical import Project, RecursiveUnion, WorkTable
from tqp.planner.scope import ref


# Set on the query of each CTE of a WITH RECURSIVE before sqlglot's passes, which may move the
# CTE into another WITH (out of a derived table) and lose the RECURSIVE keyword.
RECURSIVE = "tqp_recursive"


def mark_recursive(withs: Iterable[exp.With]) -> None:
    """Note, on the query of every CTE of these WITH clauses that is a `WITH RECURSIVE`, that
    it may read itself."""
    for with_ in withs:
        if with_.args.get("recursive"):
            for cte in with_.expressions:
                cte.this.meta[RECURSIVE] = True


def is_recursive(cte: exp.CTE) -> bool:
    """Is the CTE one of a WITH RECURSIVE that names itself (as a table) in its query?"""
    return bool(cte.this.meta.get(RECURSIVE)) and any(
        t.name == cte.alias and not t.args.get("db") for t in cte.this.find_all(exp.Table))


def plan_recursive(builder, cte: exp.CTE, column_names: list[str], env: dict, cte_def) -> tuple:
    """(plan, output keys, output names) of a recursive CTE; `cte_def` makes a CteDef."""
    union = cte.this
    if not isinstance(union, exp.Union):
        raise NotSupportedError(f"WITH RECURSIVE {cte.alias} whose query is not "
                                "anchor UNION [ALL] step")
    for clause in ("order", "limit", "offset", "with_"):
        if union.args.get(clause) is not None:
            raise NotSupportedError(f"{clause.rstrip('_').upper()} on the union of WITH "
                                    f"RECURSIVE {cte.alias}")
    if union.args.get("by_name"):
        raise NotSupportedError("UNION BY NAME in WITH RECURSIVE")
    anchor_query, step_query = union.left, union.right
    if any(t.name == cte.alias for t in anchor_query.find_all(exp.Table)):
        raise NotSupportedError(f"WITH RECURSIVE {cte.alias} reading itself in its first "
                                "(anchor) query")
    anchor, anchor_keys, names = builder.query(anchor_query, None, env)
    if column_names:
        if len(column_names) > len(names):
            raise ProgrammingError(f"WITH RECURSIVE {cte.alias} names {len(column_names)} "
                                   f"columns, its query has {len(names)}")
        names = column_names + names[len(column_names):]
    work_keys = tuple(builder.fresh(n or "_col") for n in names)
    work = WorkTable(builder.fresh(f"_work_{cte.alias}"), work_keys)
    step_env = dict(env)
    step_env[cte.alias] = cte_def(None, names, dict(env), planned=(work, list(work_keys), names))
    step, step_keys, _ = builder.query(step_query, None, step_env)
    if len(step_keys) != len(anchor_keys):
        raise ProgrammingError(f"set operation sides have {len(anchor_keys)} and "
                               f"{len(step_keys)} columns")
    out = tuple(builder.fresh(n or "_col") for n in names)
    anchor = Project(anchor, tuple((o, ref(k)) for o, k in zip(out, anchor_keys)))
    step = Project(step, tuple((o, ref(k)) for o, k in zip(out, step_keys)))
    fields = tuple(builder.fresh(n or "_col") for n in names)
    plan = RecursiveUnion(anchor, step, work, bool(union.args.get("distinct")), fields)
    return plan, list(fields), names
