"""sqlglot's optimizer passes, minus the two tqp does itself.

`unnest_subqueries` is left out because tqp decorrelates with mark joins (sqlglot's rewrite of
non-equality correlation needs arrays and lambdas), and `optimize_joins` because tqp orders joins
itself (see planner/join_order.py). The order of the rest is sqlglot's own.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.errors import OptimizeError
from sqlglot.optimizer import optimize as sqlglot_optimize
from sqlglot.optimizer.optimizer import RULES as SQLGLOT_RULES

from tqp.errors import ProgrammingError

DIALECT = "duckdb"

# Everything sqlglot runs, in sqlglot's order, except the passes tqp does itself.
RULES = tuple(r for r in SQLGLOT_RULES if r.__name__ not in ("unnest_subqueries", "optimize_joins"))


def optimize(statement: exp.Expression, schema: dict) -> exp.Expression:
    """Run the passes over a query; unknown columns become ProgrammingErrors."""
    try:
        return sqlglot_optimize(statement, schema=schema, dialect=DIALECT, rules=RULES)
    except OptimizeError as exc:
        raise ProgrammingError(str(exc)) from None
