"""Rejecting SQL the planner does not understand, before it can give a wrong answer.

sqlglot parses far more than tqp plans: node types tqp has no operator for, and arguments of
the nodes it does plan (`LIMIT 10 PERCENT`, `TABLESAMPLE`, `UNION ... BY NAME` modifiers, join
methods) that the builder would otherwise silently ignore. `check` walks the optimized
statement once and raises NotSupportedError naming the first such construct.
"""

from __future__ import annotations

from sqlglot import exp

from tqp.errors import NotSupportedError

UNSUPPORTED_NODES = {
    exp.Unnest: "UNNEST",
    exp.Pivot: "PIVOT",
    exp.Lambda: "lambda functions",
    exp.Any: "ANY/SOME other than `x op ANY (subquery)` (a list, or on the left side)",
    exp.All: "ALL other than `x op ALL (subquery)` (a list, or on the left side)",
    exp.TableSample: "TABLESAMPLE / USING SAMPLE",
    exp.Columns: "COLUMNS(...)",
}

# The arguments of each planned node type that the builder reads; any other argument that is
# set names a construct tqp does not run.
UNDERSTOOD_ARGS = {
    exp.Select: {"with_", "expressions", "distinct", "from_", "joins", "where", "group", "having",
                 "qualify", "windows", "order", "limit", "offset"},
    exp.SetOperation: {"with_", "this", "expression", "distinct", "by_name", "order", "limit",
                       "offset"},
    exp.Subquery: {"this", "alias", "order", "limit", "offset"},
    exp.Table: {"this", "alias", "db"},
    exp.Join: {"this", "on", "side", "kind", "using", "method"},
    exp.Order: {"this", "expressions"},
    exp.Ordered: {"this", "desc", "nulls_first"},
    exp.From: {"this"},
    exp.Limit: {"this", "expression", "limit_options"},
    exp.LimitOptions: {"percent"},
    exp.Offset: {"this", "expression"},
    exp.Group: {"expressions", "grouping_sets", "cube", "rollup", "all"},
    exp.Star: set(),
    exp.Distinct: {"expressions", "on"},
    exp.With: {"expressions", "recursive"},
    exp.CTE: {"this", "alias", "materialized"},
    # LATERAL (subquery): the builder plans it as a dependent join (planner/dependent.py);
    # LATERAL VIEW and CROSS/OUTER APPLY set other arguments.
    exp.Lateral: {"this", "alias"},
}

# Readable names of the arguments, for the error message.
ARG_NAMES = {
    "qualify": "QUALIFY", "windows": "WINDOW clause", "sample": "TABLESAMPLE / USING SAMPLE",
    "laterals": "LATERAL", "pivots": "PIVOT", "connect": "CONNECT BY", "into": "SELECT INTO",
    "match_condition": "ASOF JOIN MATCH_CONDITION", "nearest": "NEAREST join",
    "directed": "directed join", "view": "LATERAL VIEW",
    "cross_apply": "CROSS/OUTER APPLY", "ordinality": "LATERAL ... WITH ORDINALITY", "with_fill": "ORDER BY ... WITH FILL",
    "with_ties": "LIMIT ... WITH TIES", "totals": "GROUP BY ... WITH TOTALS",
    "except_": "* EXCLUDE", "replace": "* REPLACE", "rename": "* RENAME", "ilike": "* ILIKE",
    "joins": "nested joins (JOIN ... JOIN ... ON ... ON ...)", "search": "WITH ... SEARCH", "cycle": "WITH ... CYCLE"
}


def check(statement: exp.Expression) -> None:
    """Raise NotSupportedError naming the first construct of `statement` tqp does not run."""
    for node in statement.walk():
        what, understood = _by_type(type(node))
        if what is not None:
            raise NotSupportedError(what)
        if understood is None:
            continue
        for name, value in node.args.items():
            if name not in understood and value not in (None, False, [], ""):
                if name in ARG_NAMES:
                    raise NotSupportedError(ARG_NAMES[name])
                raise NotSupportedError(f"{name.rstrip('_').upper()} in {type(node).__name__}")


# Node type -> (what is unsupported about it or None, its understood arguments or None): the
# isinstance tests of `check` done once per type, not once per node.
_BY_TYPE: dict[type, tuple[str | None, set[str] | None]] = {}


def _by_type(node_type: type) -> tuple[str | None, set[str] | None]:
    rules = _BY_TYPE.get(node_type)
    if rules is None:
        what = next((what for t, what in UNSUPPORTED_NODES.items()
                     if issubclass(node_type, t)), None)
        understood = next((args for t, args in UNDERSTOOD_ARGS.items()
                           if issubclass(node_type, t)), None)
        rules = _BY_TYPE[node_type] = (what, understood)
    return rules
