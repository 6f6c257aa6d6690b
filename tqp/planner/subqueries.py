"""Decorrelating subqueries into joins, once per query and never row by row.

- EXISTS / NOT EXISTS: a mark join. Correlated equalities become its keys, other correlated
  conditions its residual (so `l2.l_suppkey <> l1.l_suppkey` needs no array tricks).
- x [NOT] IN (SELECT ...): a null-aware mark join on x = the subquery's column.
- Uncorrelated scalar subqueries: planned once, their single value broadcast (ScalarApply).
- Correlated scalar subqueries: the subquery grouped by its correlation keys, left-joined back;
  an aggregate's value over no rows (COUNT -> 0) fills in where nothing matched.
- Correlated subqueries these cannot plan (one whose own subquery or derived table reads the
  outer query, one with GROUP BY, HAVING or DISTINCT, or outer columns in its select list): a
  dependent join (planner/dependent.py), answered per distinct tuple of the outer columns it
  reads and joined back on the tuple's id.
"""

from __future__ import annotations

from sqlglot import exp

from tqp.errors import NotSupportedError, ProgrammingError
from tqp.planner import dependent
from tqp.planner.aggregates import AggregateRewriter, contains_aggregate
from tqp.planner.logical import (
    Aggregate, AggregateCall, Filter, Join, Limit, MarkJoin, Plan, Project, RowNumber, ScalarApply,
)
from tqp.planner.resolve import free_columns, resolve, source_aliases
from tqp.planner.scope import Scope, conjuncts, ref, subquery_nodes, where_condition


# Aggregates whose value over no rows is NULL.
NULL_OVER_NO_ROWS = frozenset({"sum", "avg", "min", "max", "single"})
# Operators whose value is NULL when an operand is.
_STRICT = (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Neg, exp.Paren, exp.Cast)


def _null_over_no_rows(value: exp.Expression, calls) -> bool:
    """Is `value`, an expression of the aggregates `calls`, NULL over no rows? Then a
    correlated scalar subquery needs no answer over no rows apart: where no group matched,
    the left join's padding is NULL already. True when every call is NULL over no rows and
    `value` is arithmetic or casts over at least one of them and constants."""
    if not all(call.func in NULL_OVER_NO_ROWS for _, call in calls):
        return False
    names = {name for name, _ in calls}
    nodes = list(value.walk())
    return any(isinstance(n, exp.Column) and n.name in names for n in nodes) and all(
        isinstance(n, _STRICT + (exp.Literal, exp.DataType, exp.Identifier))
        or isinstance(n, exp.Column) and n.name in names for n in nodes)


class SubqueryPlanner:
    def __init__(self, builder):
        self.builder = builder

    def bind(self, plan: Plan, expression: exp.Expression, scope: Scope):
        """Plan the subqueries in `expression` on top of `plan`; return the new plan and the
        expression with each subquery replaced by a reference to the column that answers it."""
        if not subquery_nodes(expression):  # most expressions: no copy (the caller resolves
            return plan, expression        # them into new trees)
        expression = expression.copy()
        nodes = subquery_nodes(expression)
        for node in nodes:
            if isinstance(node, exp.Exists):
                plan, replacement = self.exists(plan, _unwrap(node.this), scope)
            elif isinstance(node, exp.In):
                plan, replacement = self.in_subquery(plan, node, scope)
            else:
                plan, replacement = self.scalar(plan, _unwrap(node), scope)
            if node is expression:
                expression = replacement
            else:
                node.replace(replacement)
        return plan, expression

    # -- EXISTS --------------------------------------------------------------------------------

    def exists(self, plan: Plan, sub: exp.Expression, scope: Scope):
        mark = self.builder.fresh("_exists")
        if isinstance(sub, exp.Select) and contains_aggregate(sub) and not sub.args.get("group") \
                and not sub.args.get("having") and not sub.args.get("limit") \
                and not sub.args.get("offset"):
            return plan, exp.true()  # an aggregate without GROUP BY always yields one row
        if free_columns(sub) and (not _is_simple_select(sub) or contains_aggregate(sub)
                                  or sub.args.get("group") or _nested_correlation(sub)
                                  or _windowed(sub)):
            plan, gid, inner, _, inner_gid = self._dependent(plan, sub, scope)
            return MarkJoin(plan, inner, mark, (ref(gid),), (ref(inner_gid),)), ref(mark)
        if not _is_simple_select(sub) or contains_aggregate(sub) or sub.args.get("group"):
            inner, _, _ = self.builder.query(sub, scope, scope.ctes)
            return MarkJoin(plan, inner, mark), ref(mark)
        inner, child, correlated = self._inner_relation(sub, scope)
        okeys, ikeys, residual = self._correlation(correlated, child, scope, allow_residual=True)
        return MarkJoin(plan, inner, mark, okeys, ikeys, residual), ref(mark)

    # -- IN (SELECT ...) -------------------------------------------------------------------

    def in_subquery(self, plan: Plan, node: exp.In, scope: Scope):
        sub = _unwrap(node.args["query"])
        plan, probe = self.bind(plan, node.this, scope)
        if free_columns(sub):
            plan, result = self._correlated_in(plan, probe, sub, scope)
        else:
            inner, keys, _ = self.builder.query(sub, scope, scope.ctes)
            if len(keys) != 1:
                raise ProgrammingError(f"IN subquery returns {len(keys)} columns, expected 1")
            mark = self.builder.fresh("_in")
            plan = MarkJoin(plan, inner, mark, (resolve(probe, scope),), (ref(keys[0]),), None,
                            null_aware=True)
            result = ref(mark)
        return plan, exp.Not(this=result) if node.args.get("negate") else result

    def _correlated_in(self, plan: Plan, probe: exp.Expression, sub: exp.Expression, scope: Scope):
        """x IN (correlated SELECT y ...) with IN's NULL rules, from three mark joins: a match
        (x = y), a NULL y, and any row at all, each under the correlation."""
        if not _is_simple_select(sub) or sub.args.get("group") or contains_aggregate(sub) \
                or len(sub.expressions) != 1 or _nested_correlation(sub) or _windowed(sub):
            plan, gid, inner, keys, inner_gid = self._dependent(plan, sub, scope)
            if len(keys) != 1:
                raise ProgrammingError(f"IN subquery returns {len(keys)} columns, expected 1")
            okeys, ikeys, residual = (ref(gid),), (ref(inner_gid),), None
            inner_value = ref(keys[0])
        else:
            value = sub.expressions[0]
            value = value.this if isinstance(value, exp.Alias) else value
            inner, child, correlated = self._inner_relation(sub, scope)
            okeys, ikeys, residual = self._correlation(correlated, child, scope,
                                                       allow_residual=True)
            inner_value = resolve(value, child)
        outer_value = resolve(probe, scope)
        match, has_null, any_row = (self.builder.fresh(p) for p in ("_in", "_in_null", "_in_any"))
        plan = MarkJoin(plan, inner, match, okeys + (outer_value,), ikeys + (inner_value,), residual)
        null_check = exp.Is(this=inner_value, expression=exp.Null())
        plan = MarkJoin(plan, inner, has_null, okeys, ikeys,
                        null_check if residual is None else exp.And(this=residual, expression=null_check))
        plan = MarkJoin(plan, inner, any_row, okeys, ikeys, residual)
        unknown = exp.Or(this=exp.Is(this=outer_value, expression=exp.Null()), expression=ref(has_null))
        answer = exp.Case(ifs=[
            exp.If(this=ref(match), true=exp.true()),
            exp.If(this=exp.Not(this=ref(any_row)), true=exp.false()),
            exp.If(this=unknown, true=exp.Null())], default=exp.false())
        return plan, answer

    # -- scalar subqueries -------------------------------------------------------------------

    def scalar(self, plan: Plan, sub: exp.Expression, scope: Scope):
        name = self.builder.fresh("_scalar")
        if not free_columns(sub):
            inner, keys, _ = self.builder.query(sub, scope, scope.ctes)
            if len(keys) != 1:
                raise ProgrammingError(f"scalar subquery returns {len(keys)} columns, expected 1")
            return ScalarApply(plan, inner, name), ref(name)
        if not _is_simple_select(sub) or sub.args.get("group") or len(sub.expressions) != 1 \
                or _nested_correlation(sub) or _windowed(sub) \
                or free_columns(sub.expressions[0], frozenset(source_aliases(sub))):
            return self._dependent_scalar(plan, sub, scope, name)
        value = sub.expressions[0]
        value = value.this if isinstance(value, exp.Alias) else value
        inner, child, correlated = self._inner_relation(sub, scope)
        okeys, ikeys, residual = self._correlation(correlated, child, scope, allow_residual=True)

        if contains_aggregate(value):
            rewriter = AggregateRewriter([], self.builder.fresh)
            rewritten = resolve(rewriter.rewrite(value), Scope())
            calls = rewriter.aggregate_calls(lambda e: resolve(e, child))
        else:  # at most one row may match: its value
            key = self.builder.fresh("_single")
            rewritten, calls = ref(key), ((key, AggregateCall("single", resolve(value, child))),)
        matched = self.builder.fresh("_matched")
        if residual is None:
            # Group the subquery by its correlation keys and left-join the groups back (the
            # magic_sets pass then groups only the rows whose keys an outer row holds).
            key_names = tuple(self.builder.fresh("_corr") for _ in ikeys)
            grouped = Aggregate(inner, tuple(zip(key_names, ikeys)), calls)
            projected = Project(grouped, tuple((k, ref(k)) for k in key_names) + (
                (name, rewritten), (matched, exp.true())))
            plan = Join(plan, projected, "left", okeys, tuple(ref(k) for k in key_names))
            # The answer over no rows reads the inner plan cut to no rows (push_limits), not
            # all its rows filtered away: magic_sets may reduce those below its joins.
            no_rows = Limit(inner, 0, 0)
        else:
            # Other correlated conditions: pair each outer row with its matching inner rows,
            # aggregate per outer row, and join the answers back by row number.
            row = self.builder.fresh("_row")
            numbered = RowNumber(plan, row)
            pairs = Join(numbered, inner, "inner", okeys, ikeys, residual)
            grouped = Aggregate(pairs, ((row + "_g", ref(row)),), calls)
            projected = Project(grouped, ((row + "_g", ref(row + "_g")), (name, rewritten),
                                          (matched, exp.true())))
            plan = Join(numbered, projected, "left", (ref(row),), (ref(row + "_g"),))
            no_rows = Filter(inner, exp.false())  # the pairs read the inner rows anyway
        if _null_over_no_rows(rewritten, calls):  # the join's NULL padding is the answer
            return plan, ref(name)
        # Where no row matched, the answer is the aggregate over no rows (COUNT(*) -> 0).
        empty = Project(Aggregate(no_rows, (), calls),
                        ((self.builder.fresh("_v"), rewritten),))
        empty_name = self.builder.fresh("_empty")
        plan = ScalarApply(plan, empty, empty_name)
        answer = exp.Case(ifs=[exp.If(this=exp.Is(this=ref(matched), expression=exp.Null()),
                                      true=ref(empty_name))], default=ref(name))
        return plan, answer

    def _dependent_scalar(self, plan: Plan, sub: exp.Expression, scope: Scope, name: str):
        """A correlated scalar subquery as a dependent join: its rows per outer tuple, at most
        one each (the `single` aggregate), left-joined back (NULL where there is none)."""
        plan, gid, inner, keys, inner_gid = self._dependent(plan, sub, scope)
        if len(keys) != 1:
            raise ProgrammingError(f"scalar subquery returns {len(keys)} columns, expected 1")
        group = self.builder.fresh("_gid")
        grouped = Aggregate(inner, ((group, ref(inner_gid)),),
                            ((name, AggregateCall("single", ref(keys[0]))),))
        return Join(plan, grouped, "left", (ref(gid),), (ref(group),)), ref(name)

    # -- shared ----------------------------------------------------------------------------------

    def _dependent(self, plan: Plan, sub: exp.Expression, scope: Scope):
        """Plan `sub` as a dependent join over `plan`'s rows (dependent.plan_dependent)."""
        return dependent.plan_dependent(self.builder, plan, sub, scope)[:5]

    def _inner_relation(self, sub: exp.Select, scope: Scope):
        """Plan the FROM and the local WHERE conditions of a correlated subquery; return the
        plan, its scope and the correlated conditions left over."""
        child = scope.child()
        ctes = self.builder.with_ctes(sub, scope.ctes)
        child.ctes = ctes
        sources = self.builder.sources(sub, child, ctes)
        bound = frozenset(source_aliases(sub))
        local, correlated = [], []
        for c in conjuncts(where_condition(sub)):
            (correlated if free_columns(c, bound) else local).append(c)
        inner, leftover = self.builder.join_sources(sources, local, child)
        for c in leftover:
            inner = self.builder.filter(inner, c, child)
        return inner, child, correlated

    def _correlation(self, correlated, child: Scope, outer: Scope, allow_residual: bool):
        """Split correlated conditions into (outer keys, inner keys, residual)."""
        bound = frozenset(child.sources)
        okeys, ikeys, residual = [], [], None
        for c in correlated:
            pair = None
            if isinstance(c, exp.EQ):
                a_free, b_free = free_columns(c.this, bound), free_columns(c.expression, bound)
                a_all = list(c.this.find_all(exp.Column))
                b_all = list(c.expression.find_all(exp.Column))
                if a_free and len(a_free) == len(a_all) and not b_free and b_all:
                    pair = (c.this, c.expression)
                elif b_free and len(b_free) == len(b_all) and not a_free and a_all:
                    pair = (c.expression, c.this)
            if pair is not None:
                okeys.append(resolve(pair[0], outer))
                ikeys.append(resolve(pair[1], child))
            elif allow_residual:
                r = resolve(c, child, allowed=(outer,))
                residual = r if residual is None else exp.And(this=residual, expression=r)
            else:
                raise NotSupportedError(
                    f"correlated condition {c.sql(dialect='duckdb')} in a scalar subquery "
                    "(only equalities are decorrelated)")
        return tuple(okeys), tuple(ikeys), residual


def _unwrap(node: exp.Expression) -> exp.Expression:
    while isinstance(node, (exp.Subquery, exp.Paren)):
        if isinstance(node, exp.Subquery) and (node.args.get("order") or node.args.get("limit")):
            break
        node = node.this
    return node


def _nested_correlation(sub: exp.Expression) -> bool:
    """Does a subquery or derived table inside `sub` read the query around `sub`?"""
    outer = {c.table for c in free_columns(sub)}
    return any(node is not sub and any(c.table in outer for c in free_columns(node))
               for node in sub.find_all(exp.Select))


def _windowed(sub: exp.Expression) -> bool:
    """Does `sub` compute window functions (per outer tuple, in a dependent join)?"""
    return isinstance(sub, exp.Select) and any(
        part is not None and part.find(exp.Window) is not None
        for part in [*sub.expressions, sub.args.get("order"), sub.args.get("qualify")])


def _is_simple_select(node: exp.Expression) -> bool:
    return isinstance(node, exp.Select) and not any(
        node.args.get(k) for k in ("limit", "offset", "having", "distinct", "with_", "with"))
