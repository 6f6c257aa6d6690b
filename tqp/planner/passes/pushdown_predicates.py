"""Predicate pushdown: each condition runs as low in the plan as its meaning allows.

The builder plans a WHERE clause as Filters above the whole FROM clause. This pass moves each
condition down to the inputs it names:

- into a join block (`MultiJoin`): a condition naming one input filters that input; the others
  join the block's conditions, where `order_joins` makes them keys and residuals;
- through an inner join, to the side it names;
- through an outer join only to the side the join preserves (the left of a LEFT JOIN, the right
  of a RIGHT JOIN, neither of a FULL JOIN). Above an outer join a condition must see the NULLs
  the join pads in: `l RIGHT JOIN r ... WHERE l.x = 'p'` drops the rows of `r` without a match,
  which filtering `l` first would keep.

- through an uncorrelated scalar subquery's column (`ScalarApply`): a condition that does not
  read its value moves to its input; one that does (`d.m = (SELECT ...)`) takes the column with
  it into the one join-block input it otherwise reads, so that input is filtered before the
  joins, not the joined rows after them.

- through a projection, where every column it reads is one the projection passes on unchanged
  (a rename), and through an aggregate, where every column it reads is a group key that is an
  input column (not with grouping sets, nor for an aggregate without keys, whose one row
  exists even for no input): the condition is rewritten over the input's names. Such a
  condition keeps or drops whole groups, and it computes nothing the node did not.
- into a shared subplan (a CTE read twice): each reader's conditions stay above it, and when
  every reader has some, their disjunction moves into it (`d_moy = 1` for one reader and
  `d_moy = 2` for the other become `d_moy = 1 OR d_moy = 2` below both), so the subplan
  computes only rows some reader keeps.

A condition that calls a model stays where it is (it must score only the rows every other
condition keeps), and nothing moves below a MarkJoin or a window. Conditions that can raise
(`x // y`, a CAST) run after the others on the same input, and never move through a
projection, an aggregate or into a shared subplan (a condition left above could have
protected them).
"""

from __future__ import annotations

from sqlglot import exp

from tqp.ml.calls import has_model_call
from tqp.planner.logical import (
    Aggregate, Filter, Join, MultiJoin, Plan, Project, ScalarApply, SetOp,
)
from tqp.planner.passes.context import PassContext
from tqp.planner.passes.tree import use_counts, with_children
from tqp.operators.expressions import column_ref, may_raise


def pushdown_predicates(plan: Plan, context: PassContext) -> Plan:
    """Move the conditions of Filters down to the inputs they name.

    Example: `Filter(l.x = 'p') <- MultiJoin(l, r) WHERE l.k = r.k` becomes
    `MultiJoin(Filter(l.x = 'p') <- l, r) WHERE l.k = r.k`."""
    uses = use_counts(plan)
    reads = context.reads
    raises: dict[int, tuple[exp.Expression, bool]] = {}

    def last(condition: exp.Expression) -> bool:
        """Can the condition raise? (Such conditions run after the others.)"""
        known = raises.get(id(condition))
        if known is None or known[0] is not condition:  # holding it keeps its id unique
            known = raises[id(condition)] = (condition, may_raise(condition))
        return known[1]

    def stack(plan: Plan, conditions: list[exp.Expression]) -> Plan:
        """Filters for `conditions` over `plan`, those that can raise last."""
        for c in sorted(conditions, key=last) if len(conditions) > 1 else conditions:
            plan = Filter(plan, c)
        return plan

    def run(extra: dict[int, exp.Expression]):
        """The plan with its conditions placed, `extra` conditions pushed into the shared
        subplans they are keyed by; and, per shared subplan, each reader's conditions."""
        done: dict[int, Plan] = {}
        readers: dict[int, list[list[exp.Expression]]] = {}

        def visit(node: Plan, pending: list[exp.Expression]) -> Plan:
            """`node` with the conditions `pending` (in the order they apply) placed in it."""
            key = id(node)
            if uses[key] > 1:  # a shared subplan is the same for every reader
                readers.setdefault(key, []).append(pending)
                if key not in done:
                    done[key] = place(node, [extra[key]] if key in extra else [])
                return stack(done[key], pending)
            if not pending and key in done:
                return done[key]
            result = place(node, pending)
            if not pending:
                done[key] = result
            return result

        def place(node: Plan, pending: list[exp.Expression]) -> Plan:
            if isinstance(node, Filter):
                if has_model_call(node.condition):
                    return stack(Filter(visit(node.input, []), node.condition), pending)
                return visit(node.input, [node.condition] + pending)
            if isinstance(node, MultiJoin):
                return _into_block(node, pending, visit, reads, last)
            if isinstance(node, Join):
                return stack(*_through_join(node, pending, visit, reads))
            if isinstance(node, ScalarApply):
                return _through_scalar(node, pending, visit, reads, last, stack, uses)
            if isinstance(node, Project):
                renames = {n: e for n, e in node.exprs if isinstance(e, exp.Column)}
                down, kept = _renamed(pending, renames, reads, last)
                return stack(with_children(node, (visit(node.input, down),)), kept)
            if isinstance(node, SetOp):
                return _through_set_op(node, pending, visit, reads, last, stack)
            if isinstance(node, Aggregate) and node.keys and node.sets is None:
                keys = {n: e for n, e in node.keys if isinstance(e, exp.Column)}
                down, kept = _renamed(pending, keys, reads, last)
                return stack(with_children(node, (visit(node.input, down),)), kept)
            return stack(with_children(node, tuple(visit(c, []) for c in node.children)),
                         pending)

        return visit(plan, []), readers

    result, readers = run({})
    extra = {key: _disjunction(conditions) for key, conditions in readers.items()
             if len(conditions) == uses[key] and all(conditions)
             and not any(last(c) for cs in conditions for c in cs)}
    if not extra:
        return result
    pushed, again = run(extra)
    # Pushing into one shared subplan may change what reaches another: keep the result only
    # where every reader still applies (at least) the conditions its disjunct came from.
    if all(set(map(_key, old)) <= set(map(_key, new))
           for key in extra for old, new in zip(readers[key], again.get(key, ())))\
            and all(len(readers[key]) == len(again.get(key, ())) for key in extra):
        return pushed
    return result


def _key(condition: exp.Expression) -> str:
    """A condition's identity for comparing two placements of the same plan."""
    return condition.sql()


def _disjunction(conditions: list[list[exp.Expression]]) -> exp.Expression:
    """OR over the readers' conjunctions, each distinct one once."""
    terms, seen = [], set()
    for conjuncts in conditions:
        term = exp.and_(*(c.copy() for c in conjuncts), copy=False)
        if _key(term) not in seen:
            seen.add(_key(term))
            terms.append(term)
    return terms[0] if len(terms) == 1 else exp.or_(*terms, copy=False)


def _renamed(pending, names: dict[str, exp.Column], reads, last):
    """(the conditions that read only columns of `names` (output name -> input column),
    rewritten over the input columns; the others). A condition that can raise stays."""
    down, kept = [], []
    for c in pending:
        columns = reads(c)
        if columns and columns <= names.keys() and not last(c):
            down.append(c.transform(
                lambda n: names[n.name].copy() if isinstance(n, exp.Column) and n.name in names
                else n))
        else:
            kept.append(c)
    return down, kept


# The node types of a condition that reads the same on a set operation's inputs as on its
# output: comparisons of columns with numeric constants, and IS NULL, under AND/OR/NOT. Its
# value cannot depend on the type an input's column has before the inputs are aligned to a
# common one, as a cast to text or an integer division would (INTEGER beside DOUBLE), or a
# comparison with a string (an INTEGER beside a VARCHAR becomes text: '10' < '2').
_SET_OP_SAFE = (exp.Column, exp.Identifier, exp.Literal, exp.Null, exp.Paren, exp.And, exp.Or,
                exp.Not, exp.EQ, exp.NEQ, exp.LT, exp.LTE, exp.GT, exp.GTE, exp.Between, exp.In,
                exp.Is, exp.Neg)


def _reads_alike(condition: exp.Expression) -> bool:
    """Is `condition` built of _SET_OP_SAFE nodes over columns, and of numeric constants
    (`2002 - 1`)?"""
    return not any(isinstance(n, exp.Literal) and n.is_string for n in condition.walk()) \
        and _plain(condition)


def _plain(node: exp.Expression) -> bool:
    if node.find(exp.Column) is None:  # a constant: any expression but a subquery
        return node.find(exp.Subquery, exp.Query) is None
    return isinstance(node, _SET_OP_SAFE) and all(_plain(c) for c in node.iter_expressions())


def _through_set_op(node: SetOp, pending, visit, reads, last, stack) -> Plan:
    """A set operation with each plain numeric comparison (see _SET_OP_SAFE) applied to its
    inputs instead, the right input's columns by position: a row is kept by UNION, INTERSECT
    and EXCEPT, [ALL] or not, only where the condition holds of it, and equal rows agree on
    it. EXCEPT tests its right input only to remove rows, so the condition goes to its left."""
    down, kept, output = [], [], set(node.columns)
    for c in pending:
        columns = reads(c)
        if columns and columns <= output and not last(c) and _reads_alike(c):
            down.append(c)
        else:
            kept.append(c)
    if not down:
        return stack(with_children(node, tuple(visit(c, []) for c in node.children)), pending)
    renames = {out: column_ref(name) for out, name in zip(node.columns, node.right.columns)}
    right = [] if node.kind == "except" else _renamed(down, renames, reads, last)[0]
    return stack(with_children(node, (visit(node.left, down), visit(node.right, right))), kept)


def _into_block(node: MultiJoin, pending, visit, reads, last) -> Plan:
    """The join block with each condition on the one input it names, or among its own."""
    owner = {c: i for i, p in enumerate(node.inputs) for c in p.columns}
    on_input: list[list] = [[] for _ in node.inputs]
    kept = []
    for c in sorted(node.conditions + tuple(pending), key=last):
        inputs = {owner.get(name) for name in reads(c)}
        if len(inputs) == 1 and None not in inputs:
            on_input[inputs.pop()].append(c)
        else:
            kept.append(c)
    inputs = tuple(visit(p, conditions) for p, conditions in zip(node.inputs, on_input))
    return MultiJoin(inputs, tuple(kept))


def _through_join(node: Join, pending, visit, reads):
    """(the join with the conditions it lets through placed in its inputs, the others).

    A condition moves only to a side whose rows the join never pads with NULLs."""
    to_left = node.kind in ("inner", "cross", "left")
    to_right = node.kind in ("inner", "cross", "right")
    left_columns, right_columns = set(node.left.columns), set(node.right.columns)
    on_left, on_right, kept = [], [], []
    for c in pending:
        names = reads(c)
        if names and to_left and names <= left_columns:
            on_left.append(c)
        elif names and to_right and names <= right_columns:
            on_right.append(c)
        else:
            kept.append(c)
    return with_children(node, (visit(node.left, on_left), visit(node.right, on_right))), kept


def _through_scalar(node: ScalarApply, pending, visit, reads, last, stack, uses) -> Plan:
    """The scalar subquery's column added with the conditions that read it (and those that can
    raise) on the one join-block input they otherwise read, or above its input when there is
    no such input; the other conditions go down into its input. Other subqueries' columns
    added just below with no condition of their own (`x BETWEEN (SELECT ...) AND (SELECT
    ...)`) move along with it."""
    value = [reads(c) >= {node.name} or last(c) for c in pending]
    kept = [c for c, v in zip(pending, value) if v]
    below = visit(node.input, [c for c, v in zip(pending, value) if not v])
    subquery = visit(node.subquery, [])
    chain, written = [], node.input
    while isinstance(below, ScalarApply) and isinstance(written, ScalarApply) \
            and uses[id(written)] == 1:
        chain.append(below)
        below, written = below.input, written.input
    others = reads(*kept) - {node.name} - {a.name for a in chain}
    if kept and others and isinstance(below, MultiJoin) and uses[id(written)] == 1:
        targets = [i for i, p in enumerate(below.inputs) if others <= set(p.columns)]
        if len(targets) == 1:
            i = targets[0]
            moved = below.inputs[i]
            for apply in reversed(chain):
                moved = ScalarApply(moved, apply.subquery, apply.name)
            moved = stack(ScalarApply(moved, subquery, node.name), kept)
            return MultiJoin(below.inputs[:i] + (moved,) + below.inputs[i + 1:],
                             below.conditions)
    for apply in reversed(chain):
        below = ScalarApply(below, apply.subquery, apply.name)
    return stack(ScalarApply(below, subquery, node.name), kept)
