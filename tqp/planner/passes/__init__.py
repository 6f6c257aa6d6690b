"""tqp's own rewrite passes over the logical plan, in one ordered tuple.

Each pass is a function `plan -> plan` (given a `PassContext`) in a module of its own. sqlglot
has already done the SQL-level rewriting (planner/optimize.py); these passes need the plan:
row estimates, which input a column comes from, which side of an outer join pads NULLs.

`rewrite` runs them in order, skips those named in `RewriteOptions.disabled`, times each, and
checks that the root's output columns are unchanged and the plan is well formed (every
expression reads only columns its node's inputs produce), naming the pass that broke it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

from tqp.errors import ProgrammingError
from tqp.planner.logical import MultiJoin, Plan, Query
from tqp.planner.passes.check import PlanCheck
from tqp.planner.passes.context import PassContext
from tqp.planner.passes.distinct_join_inputs import distinct_join_inputs
from tqp.planner.passes.group_by_unique_keys import group_by_unique_keys
from tqp.planner.passes.magic_sets import magic_sets
from tqp.planner.passes.order_joins import order_joins, written_order_joins
from tqp.planner.passes.prune_columns import prune_columns
from tqp.planner.passes.push_limits import push_limits
from tqp.planner.passes.pushdown_predicates import pushdown_predicates
from tqp.planner.passes.reduce_semi_joins import reduce_semi_joins
from tqp.planner.passes.share_subplans import share_subplans
from tqp.planner.passes.simplify_outer_joins import simplify_outer_joins
from tqp.planner.passes.tree import transform

PASSES: tuple[Callable[[Plan, PassContext], Plan], ...] = (
    # First: the LEFT joins it makes inner join their blocks, which the passes below order.
    simplify_outer_joins,
    # Before pushdown: it moves whole `Filter(mark) <- MarkJoin` pairs into a join block's
    # input, where pushdown then stacks that input's own conditions above them.
    reduce_semi_joins,
    # Before order_joins, which reads the filters on each input as its selectivity.
    pushdown_predicates,
    order_joins,
    # After the joins are ordered: LIMIT 0 cuts the scans below it (a subquery's plan read
    # again for its answer over no rows becomes a copy over empty scans, so magic_sets can
    # reduce the original alone), LIMIT n moves under a projection (rows no result needs are
    # never computed).
    push_limits,
    # After order_joins: it reads the outer side of a decorrelated subquery as the finished
    # join tree, and shares that subplan.
    magic_sets,
    # After order_joins and magic_sets: it makes distinct the inputs of the finished Joins
    # that are read as sets (magic_sets' mark joins included).
    distinct_join_inputs,
    # After magic_sets, which matches an Aggregate joined back on all its group keys.
    group_by_unique_keys,
    # After every pass that reshapes subplans (copies of one subquery must be rewritten alike
    # before they are compared), before prune_columns narrows a shared one to what its readers
    # read.
    share_subplans,
    # Last: it narrows every node to the columns read above it, which any later rewrite
    # would have to respect.
    prune_columns,
)
PASS_NAMES = tuple(p.__name__ for p in PASSES)


@dataclass(frozen=True)
class RewriteOptions:
    """What `rewrite` needs: the catalog (row counts, distinct counts), the builder's name
    generator (new columns must not clash), and the names of passes to skip."""

    catalog: object
    fresh: Callable[[str], str]
    disabled: frozenset[str] = frozenset()


@dataclass
class Rewritten:
    """The rewritten query and the seconds each pass took (absent when switched off)."""

    query: Query
    seconds: dict[str, float] = field(default_factory=dict)


def rewrite(query: Query, options: RewriteOptions) -> Rewritten:
    """Run the passes of `PASSES` not in `options.disabled` over `query`, in order.

    The plan is checked once, at the end; when that check fails, or a pass raises, the passes
    run again from the start with a check after each, so that the error names the pass that
    broke the plan (checking after every pass cost a tenth of the passes' time)."""
    unknown = set(options.disabled) - set(PASS_NAMES)
    if unknown:
        raise ProgrammingError(f"unknown rewrite pass {sorted(unknown)[0]!r} "
                               f"(passes: {', '.join(PASS_NAMES)})")
    try:
        return _rewrite(query, options, check_each=False)
    except Exception:  # noqa: BLE001 - the checked run raises the error to report
        return _rewrite(query, options, check_each=True)


def _rewrite(query: Query, options: RewriteOptions, check_each: bool) -> Rewritten:
    context = PassContext(options.catalog, options.fresh)
    check = PlanCheck(context.reads)
    plan, seconds = query.plan, {}
    for rule in PASSES:
        name = rule.__name__
        if name in options.disabled:
            continue
        start = time.perf_counter()
        result = rule(plan, context)
        seconds[name] = time.perf_counter() - start
        if check_each:
            check(result, plan.columns, name)
        plan = result
    if "order_joins" in options.disabled:
        # The executor runs Joins: a join block still left joins in the order written.
        plan = transform(plan, lambda n: written_order_joins(n) if isinstance(n, MultiJoin) else n)
        if check_each:
            check(plan, query.plan.columns, "joins in written order")
    check(plan, query.plan.columns, "the rewrite passes")
    return Rewritten(Query(plan, query.names), seconds)
