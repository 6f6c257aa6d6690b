"""From an optimized sqlglot AST to the logical plan.

One method per SQL construct: a SELECT becomes sources and joins, filters, an aggregate, a
projection, DISTINCT, ORDER BY and LIMIT; subqueries are decorrelated by `planner/subqueries.py`
into mark joins, scalar applies and left joins on aggregates, never evaluated row by row.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from dataclasses import dataclass, replace

from sqlglot import exp

from tqp.errors import NotSupportedError, ProgrammingError
from tqp.ml.calls import MODEL_CALL_TYPES, has_model_call
from tqp.planner import dependent, grouping_sets, recursion, unnest, unsupported
from tqp.planner.aggregates import (
    AggregateRewriter, contains_aggregate, owned_outer_aggregates, resolve_call,
)
from tqp.planner.join_order import key_pair
from tqp.planner.names import USER_ALIAS
from tqp.planner.spellings import output_spellings
from tqp.planner.node_kinds import holds
from tqp.planner.logical import (
    Aggregate, AggregateCall, AsofJoin, Distinct, Filter, Join, Limit, MarkJoin, MultiJoin, OneRow,
    Plan, Project, Query, RowNumber, Scan, SetOp, Sort, SortKey, Unnest, Window, WindowCall,
)
from tqp.operators.expressions import may_raise
from tqp.planner.resolve import free_columns, resolve
from tqp.planner.scope import (
    Scope, and_all, as_written, column_tables, conjuncts, has_subquery, ref, show_as,
    where_condition,
)
from tqp.planner.subqueries import SubqueryPlanner
from tqp.planner.typeof import mark_typeofs
from tqp.planner.windows import (
    RUNNING, WindowExtractor, contains_window, inline_named, named_windows, outer_windows,
    to_window_call,
)

@dataclass
class CteDef:
    """A WITH entry: its query, its column aliases and the CTEs visible where it was defined."""

    query: exp.Expression
    column_names: list[str]
    env: dict
    planned: tuple | None = None


@dataclass
class Source:
    """One FROM item, planned, with the join that brought it in (None for the first). A
    LATERAL item (`lateral`: its subquery) is planned when it is joined, over the items before
    it (`plan` None until then)."""

    plan: Plan | None
    alias: str
    join: exp.Join | None = None
    lateral: exp.Expression | None = None
    item: exp.Expression | None = None


class Builder:
    """Plans statements over one catalog; binding names are unique per Builder."""

    def __init__(self, catalog, kinds: set[type] | None = None):
        """`kinds`: the node classes the statements may hold (`node_kinds`), where known: a
        construct of none of them (a model call, UNNEST, a window function) is not looked
        for."""
        self.catalog = catalog
        self.model_calls = kinds is None or holds(kinds, *MODEL_CALL_TYPES)
        self.unnests = kinds is None or holds(kinds, exp.Explode)
        self.windows = kinds is None or holds(kinds, exp.Window)
        self.typeofs = kinds is None or holds(kinds, exp.Typeof)
        self._ids = itertools.count()
        self.subqueries = SubqueryPlanner(self)

    def fresh(self, prefix: str) -> str:
        return f"{prefix}#{next(self._ids)}"

    # -- queries -----------------------------------------------------------------------------

    def plan(self, statement: exp.Expression, names: list[str] | None = None) -> Query:
        """Plan a whole query; `names` overrides the user-facing output names. The plan is
        not yet rewritten (planner/passes: join order, pushdowns)."""
        unsupported.check(statement)
        plan, keys, out_names = self.query(statement, None, {})
        plan = Project(plan, tuple((k, ref(k)) for k in keys)) if tuple(keys) != plan.columns \
            else plan
        if names and len(names) == len(out_names):
            out_names = [n if n is not None else o for n, o in zip(names, out_names)]
        spelled = output_spellings(statement)  # a column's definition spells its name
        if len(spelled) == len(out_names):
            out_names = [s if s is not None else n for s, n in zip(spelled, out_names)]
        if self.typeofs:
            mark_typeofs(plan, self.catalog)
        return Query(plan, tuple(out_names))

    def query(self, node: exp.Expression, parent: Scope | None, ctes: dict,
              domain: dependent.Domain | None = None):
        """Plan any query expression: (plan, output column keys, output names). With a
        `domain` (planner/dependent.py) the query is a dependent one: its last output column
        is the domain's id."""
        if isinstance(node, exp.Subquery):
            plan, keys, names = self.query(node.this, parent, ctes, domain)
            return self._modifiers(plan, keys, names, node, parent, domain)
        if isinstance(node, exp.Select):
            return self.select(node, parent, ctes, domain)
        if isinstance(node, exp.SetOperation):
            return self.set_operation(node, parent, ctes, domain)
        if isinstance(node, exp.Values):
            raise NotSupportedError("VALUES lists")
        raise NotSupportedError(f"query of type {type(node).__name__}")

    def with_ctes(self, node: exp.Expression, ctes: dict) -> dict:
        with_ = node.args.get("with_") or node.args.get("with")
        if with_ is None:
            return ctes
        env = dict(ctes)
        for cte in with_.expressions:
            alias = cte.args.get("alias")
            columns = [c.name for c in alias.columns] if isinstance(alias, exp.TableAlias) else []
            definition = CteDef(cte.this, columns, dict(env))
            if recursion.is_recursive(cte):
                definition.planned = recursion.plan_recursive(self, cte, columns, env, CteDef)
            env[cte.alias] = definition
        return env

    def select(self, select: exp.Select, parent: Scope | None, ctes: dict,
               domain: dependent.Domain | None = None):
        ctes = self.with_ctes(select, ctes)
        scope = parent.child() if parent is not None else Scope()
        scope.ctes = ctes
        if domain is not None:
            domain.register(scope)
        for clause in ("connect", "prewhere"):
            if select.args.get(clause) is not None:
                raise NotSupportedError(clause.upper())
        if self.windows:
            _reject_misplaced_windows(select)
        _reject_misplaced_outer_aggregates(select)
        if self.unnests:
            unnest.reject_misplaced(select)
        sources = self.sources(select, scope, ctes)
        if domain is not None:
            sources = dependent.with_domain(sources, domain, Source)
        plan, leftover = self.join_sources(sources, conjuncts(where_condition(select)), scope)
        for condition in leftover:
            plan = self.filter(plan, condition, scope)

        items = list(select.expressions)
        names = [item.alias_or_name for item in items]
        aliased = [bool(item.meta_get(USER_ALIAS)) for item in items]
        exprs = [item.this if isinstance(item, exp.Alias) else item for item in items]
        group = select.args.get("group")
        having = select.args.get("having")
        order = select.args.get("order")
        order_items = _order_items(order, len(exprs))
        distinct = select.args.get("distinct")
        distinct_on = list(distinct.args["on"].expressions) if distinct is not None and \
            distinct.args.get("on") is not None else None
        qualify = select.args.get("qualify")
        qualify = qualify.this if qualify is not None else None
        windows = named_windows(select)
        if windows or self.windows and select.find(exp.Window):  # OVER w: the WINDOW clause's definition inlined
            exprs = [inline_named(e, windows) for e in exprs]
            order_items = [inline_named(o, windows) for o in order_items]
            qualify = inline_named(qualify, windows) if qualify is not None else None
        hoisted = owned_outer_aggregates(
            select, exprs + [o.this for o in order_items] + [qualify, having])
        aggregated = bool(hoisted) or group is not None or having is not None or any(
            contains_aggregate(e) for e in exprs + [o.this for o in order_items]
            + ([qualify] if qualify is not None else []))

        if aggregated:
            group_exprs, sets = self._group_exprs(group, exprs, names, aliased)
            if self.windows and any(outer_windows(g) for g in group_exprs):
                raise ProgrammingError("cannot group by a window function")
            if domain is not None:  # grouped per distinct outer tuple
                if sets is not None:
                    raise NotSupportedError("GROUPING SETS, ROLLUP or CUBE in a LATERAL or "
                                            "correlated subquery")
                group_exprs = group_exprs + domain.group_columns()
            rewriter = AggregateRewriter(group_exprs, self.fresh)
            outer = self.fresh("_aggregates")  # the hoisted calls' outputs, as a FROM item
            for node in hoisted:  # computed here; the subquery reads the output as a column
                node.replace(show_as(exp.column(rewriter.rewrite(node).name, table=outer,
                                                quoted=True), node))
            originals = exprs
            exprs = [rewriter.rewrite(e) for e in exprs]
            having_expr = rewriter.rewrite(having.this) if having is not None else None
            qualify = rewriter.rewrite(qualify) if qualify is not None else None
            order_exprs = [self._order_target(o.this, exprs, names, aliased, rewriter, originals,
                                               scope.sources)
                           for o in order_items]
            on_exprs = [self._order_target(e, exprs, names, aliased, rewriter, originals,
                                           scope.sources) for e in distinct_on or []]
            keys, calls = [], []
            for k, g in rewriter.groups:  # subqueries in keys and arguments run before grouping
                plan, g = self.subqueries.bind(plan, g, scope)
                keys.append((k, resolve(g, scope)))
            for k, call in rewriter.calls:
                if any(contains_window(e) for e in call.expressions()):
                    raise ProgrammingError("aggregate function calls cannot contain window "
                                           "function calls")
                for field_name in ("arg", "filter", "by"):
                    if getattr(call, field_name) is not None:
                        plan, bound = self.subqueries.bind(plan, getattr(call, field_name), scope)
                        call = replace(call, **{field_name: bound})
                calls.append((k, resolve_call(call, lambda e: resolve(e, scope))))
            plan = Aggregate(plan, tuple(keys), tuple(calls), sets)
            if domain is not None and group is None:
                plan = dependent.fill_empty_groups(plan, domain, self.fresh)
            scope = Scope(parent=scope.parent, depth=scope.depth, ctes=ctes)  # only the output
            for key, g in rewriter.groups:  # grouped columns stay visible to subqueries
                if isinstance(g, exp.Column) and g.table:
                    scope.sources.setdefault(g.table, {})[g.name] = key
            scope.sources[outer] = {key.lower(): key for key, _ in rewriter.calls}
            if having_expr is not None:
                plan = self.filter(plan, having_expr, scope)
        else:
            order_exprs = [self._order_target(o.this, exprs, names, aliased, None,
                                               sources=scope.sources) for o in order_items]
            on_exprs = [self._order_target(e, exprs, names, aliased, None,
                                            sources=scope.sources) for e in distinct_on or []]
        plan, exprs, order_exprs = self._windows(plan, exprs, order_exprs, qualify, scope,
                                                 domain)
        exprs, lists = unnest.extract(exprs, self.fresh) if self.unnests else (exprs, [])
        if lists:
            plan = Unnest(plan, tuple((k, resolve(e, scope)) for k, e in lists))

        # Projection: the select list plus any ORDER BY expression not in it.
        out_keys, projected = [], []
        for name, e in zip(names, exprs):
            plan, e = self.subqueries.bind(plan, e, scope)
            key = self.fresh(name or "_col")
            out_keys.append(key)
            projected.append((key, resolve(e, scope)))
        if domain is not None:  # the dependent query's rows name their outer tuple
            key = self.fresh(dependent.GID)
            out_keys.append(key)
            projected.append((key, resolve(domain.gid_column(), scope)))
            names = names + [dependent.GID]
        sort_keys = []
        for item, target in zip(order_items, order_exprs):
            plan, key = self._projected(plan, target, out_keys, projected, scope, "_sort")
            sort_keys.append(SortKey(ref(key), bool(item.args.get("desc")),
                                     bool(item.args.get("nulls_first"))))
        on_keys = []
        for target in on_exprs:
            plan, key = self._projected(plan, target, out_keys, projected, scope, "_on")
            on_keys.append(key)
        if domain is not None and distinct_on is not None:  # DISTINCT ON per outer tuple too
            on_keys.append(out_keys[-1])
        plan = Project(plan, tuple(projected))
        if distinct_on is not None:
            plan, sort_keys = self._distinct_on(plan, on_keys, sort_keys)
        elif distinct is not None:
            if len(projected) > len(out_keys):
                raise ProgrammingError(
                    "for SELECT DISTINCT, ORDER BY expressions must appear in select list")
            plan = Distinct(plan)
        if domain is not None:
            plan = self._limit_per_group(plan, sort_keys, select, out_keys[-1])
        else:
            plan = self._sort_and_limit(plan, sort_keys, select)
        return plan, out_keys, names

    def _windows(self, plan, exprs, order_exprs, qualify, scope, domain=None):
        """The window functions of the select list, ORDER BY and QUALIFY computed by one
        Window node (after grouping), then QUALIFY's filter; returns the plan and the select
        list and ORDER BY expressions reading the window columns. In a dependent query every
        window is partitioned by outer tuple too."""
        extractor = WindowExtractor(self.fresh)
        exprs = [extractor.extract(e) for e in exprs]
        order_exprs = [t if isinstance(t, int) else extractor.extract(t) for t in order_exprs]
        qualify = extractor.extract(qualify) if qualify is not None else None
        if extractor.windows:
            calls = []
            for key, w in extractor.windows:  # subqueries in arguments and keys run first
                plan, w = self.subqueries.bind(plan, w, scope)
                call = to_window_call(w, lambda e: resolve(e, scope))
                if domain is not None:
                    call = replace(call, partition=call.partition
                                   + (resolve(domain.gid_column(), scope),))
                calls.append((key, call))
            plan = Window(plan, tuple(calls))
        if qualify is not None:
            plan = self.filter(plan, qualify, scope)
        return plan, exprs, order_exprs

    def _projected(self, plan, target, out_keys, projected, scope, prefix):
        """The column holding an ORDER BY / DISTINCT ON target: a select item (by position)
        or a new projected expression."""
        if isinstance(target, int):
            return plan, out_keys[target]
        plan, target = self.subqueries.bind(plan, target, scope)
        key = self.fresh(prefix)
        projected.append((key, resolve(target, scope)))
        return plan, key

    def _distinct_on(self, plan: Plan, on_keys: list[str], sort_keys: list[SortKey]):
        """DISTINCT ON (keys): the first row of each key in the ORDER BY order. The rows are
        sorted and numbered, each key keeps the values of its lowest-numbered row (FIRST), and
        the result is ordered by that number: the ORDER BY order again."""
        if sort_keys:
            plan = Sort(plan, tuple(sort_keys))
        number = self.fresh("_row")
        plan = RowNumber(plan, number)
        keys = tuple((self.fresh("_g"), ref(k)) for k in on_keys)
        firsts = tuple((c, AggregateCall("first", ref(c))) for c in plan.columns)
        return Aggregate(plan, keys, firsts), [SortKey(ref(number), False, False)]

    def _group_exprs(self, group, exprs, names, aliased):
        """(key expressions, grouping sets or None) of a GROUP BY clause."""
        if group is None:
            return [], None
        if group.args.get("all"):
            # GROUP BY ALL: every select item that reads a column and holds no aggregate (a
            # constant is no key: `SELECT 1, count(*) ... GROUP BY ALL` is one row, as in DuckDB)
            return [e for e in exprs if not contains_aggregate(e) and e.find(exp.Column)], None

        def key(g):
            index = _position(g, "GROUP BY", len(exprs))
            if index is not None:
                g = exprs[index]
            elif isinstance(g, exp.Column) and not g.table and g.name in names:
                g = exprs[_named_item(g.name, names, aliased)]
            if contains_aggregate(g):
                raise ProgrammingError(
                    f"GROUP BY clause cannot contain aggregates: {g.sql(dialect='duckdb')}")
            return g

        return grouping_sets.expand(group, key)

    def _order_target(self, target, exprs, names, aliased, rewriter, originals=None, sources=None):
        """An output position (int) for ORDER BY items naming a select item, else the
        expression to compute (rewritten over the aggregate when there is one)."""
        index = _position(target, "ORDER BY", len(exprs))
        if index is not None:
            return index
        if isinstance(target, exp.Column) and not target.table and target.name in names:
            return _named_item(target.name, names, aliased)
        target = _inline_aliases(target, originals or exprs, names, sources or {})
        rewritten = rewriter.rewrite(target) if rewriter is not None else target
        bare = rewritten.unnest()  # parentheses change nothing: `DISTINCT (x) ... ORDER BY x`
        for i, e in enumerate(exprs):
            if e.unnest() == bare:
                return i
        return rewritten

    def _sort_and_limit(self, plan: Plan, sort_keys: list[SortKey], node: exp.Expression) -> Plan:
        percent = _limit_percent(node)
        if percent is not None:  # LIMIT n%: the row count is known only when the input runs
            _, offset = self._limit_values(node, with_limit=False)
            if sort_keys:
                plan = Sort(plan, tuple(sort_keys))
            return Limit(plan, None, offset, percent)
        limit, offset = self._limit_values(node)
        if sort_keys:
            top = None if limit is None else limit + offset
            plan = Sort(plan, tuple(sort_keys), top)
        if limit is not None or offset:
            plan = Limit(plan, limit, offset)
        return plan

    def _limit_values(self, node: exp.Expression, with_limit: bool = True) -> tuple[int | None, int]:
        limit = node.args.get("limit") if with_limit else None
        offset = node.args.get("offset")
        if isinstance(limit, exp.Fetch):
            raise NotSupportedError("FETCH FIRST")
        return (_constant_int(limit.expression, "LIMIT") if limit is not None else None,
                _constant_int(offset.expression, "OFFSET") if offset is not None else 0)

    def _modifiers(self, plan, keys, names, node, parent, domain=None):
        """ORDER BY / LIMIT written on a parenthesised query or a set operation (in a
        dependent query, per outer tuple: its id is the last of `keys`)."""
        sort_keys = []
        for item in _order_items(node.args.get("order"), len(keys)):
            target = item.this
            if isinstance(target, exp.Literal) and target.is_int:
                index = int(target.name) - 1
            elif isinstance(target, exp.Column) and target.name in names:
                index = names.index(target.name)
            else:
                raise NotSupportedError(
                    f"ORDER BY {target.sql()} on a set operation (use an output column)")
            sort_keys.append(SortKey(ref(keys[index]), bool(item.args.get("desc")),
                                     bool(item.args.get("nulls_first"))))
        if domain is not None:
            return self._limit_per_group(plan, sort_keys, node, keys[-1]), keys, names
        return self._sort_and_limit(plan, sort_keys, node), keys, names

    def _limit_per_group(self, plan: Plan, sort_keys: list[SortKey], node: exp.Expression,
                         gid: str) -> Plan:
        """LIMIT / OFFSET in a dependent query: the rows of each outer tuple (`gid`) numbered
        in the ORDER BY order, those in the window kept. ORDER BY alone orders nothing: the
        rows are joined back to the outer rows."""
        if _limit_percent(node) is not None:
            raise NotSupportedError("LIMIT ... PERCENT in a LATERAL or correlated subquery")
        limit, offset = self._limit_values(node)
        if limit is None and not offset:
            return plan
        number = self.fresh("_row")
        call = WindowCall("row_number", (), (ref(gid),), tuple(sort_keys), RUNNING)
        numbered = Window(plan, ((number, call),))
        keep = exp.GT(this=ref(number), expression=exp.Literal.number(offset))
        if limit is not None:
            keep = exp.And(this=keep, expression=exp.LTE(
                this=ref(number), expression=exp.Literal.number(offset + limit)))
        return Project(Filter(numbered, keep), tuple((c, ref(c)) for c in plan.columns))

    def set_operation(self, node: exp.SetOperation, parent, ctes, domain=None):
        ctes = self.with_ctes(node, ctes)
        left, lkeys, names = self.query(node.left, parent, ctes, domain)
        right, rkeys, rnames = self.query(node.right, parent, ctes, domain)
        if node.args.get("by_name"):
            (left, lkeys), (right, rkeys), names = self._by_name(
                (left, lkeys, names), (right, rkeys, rnames))
        if len(lkeys) != len(rkeys):
            raise ProgrammingError(
                f"set operation sides have {len(lkeys)} and {len(rkeys)} columns")
        out = [self.fresh(n or "_col") for n in names]
        left = Project(left, tuple((o, ref(k)) for o, k in zip(out, lkeys)))
        right = Project(right, tuple((o, ref(k)) for o, k in zip(out, rkeys)))
        kind = {exp.Union: "union", exp.Intersect: "intersect", exp.Except: "except"}[type(node)]
        plan = SetOp(kind, not node.args.get("distinct"), left, right)
        return self._modifiers(plan, out, names, node, parent, domain)

    def _by_name(self, left, right):
        """UNION [ALL] BY NAME: both sides' columns matched by name (case-insensitively); the
        output holds the left side's columns, then the right side's other ones, each side
        padded with NULLs where it lacks a column."""
        names = list(left[2])
        seen = {n.lower() for n in names}
        names += [n for n in right[2] if n.lower() not in seen]
        sides = []
        for plan, keys, side_names in (left, right):
            by_name = {n.lower(): k for n, k in zip(side_names, keys)}
            exprs, out = [], []
            for name in names:
                key = by_name.get(name.lower())
                if key is None:
                    key = self.fresh(name)
                    exprs.append((key, exp.Null()))
                else:
                    exprs.append((key, ref(key)))
                out.append(key)
            sides.append((Project(plan, tuple(exprs)), out))
        return sides[0], sides[1], names

    # -- FROM and joins ----------------------------------------------------------------------

    def sources(self, select: exp.Select, scope: Scope, ctes: dict) -> list[Source]:
        from_ = select.args.get("from_")
        if from_ is None:
            if select.args.get("joins"):
                raise ProgrammingError("JOIN without FROM")
            return [Source(OneRow(), "", None)]
        items = [(from_.this, None)] + [(j.this, j) for j in select.args.get("joins") or []]
        # the columns each table alias is read by: one walk, made when a base table needs it
        used = functools.cache(lambda: _columns_by_table(select))
        sources: list[Source] = []
        for item, join in items:
            later = {s.alias for s in sources if s.plan is None}  # LATERALs not yet in `scope`
            sources.append(self.source(item, join, scope, ctes, used, later))
        return sources

    def source(self, item, join, scope: Scope, ctes: dict,
               used: Callable[[], dict[str, set[str]]], lateral: set[str] = frozenset()) -> Source:
        """One FROM item planned; `lateral`: the aliases of earlier LATERAL items, which are
        planned (and enter `scope`) only when joined."""
        alias = item.alias_or_name
        binding = self.fresh(alias)
        if isinstance(item, exp.Lateral) and not isinstance(item.this, exp.Subquery):
            raise NotSupportedError(f"LATERAL {item.this.sql(dialect='duckdb')[:60]}")
        if isinstance(item, (exp.Subquery, exp.Lateral)) and _reads_any(
                item.this, set(scope.sources) | lateral):
            return Source(None, alias, join, lateral=item.this if isinstance(item, exp.Lateral)
                          else item, item=item)  # reads an earlier FROM item: planned later
        if isinstance(item, exp.Table) and not isinstance(item.this, exp.Identifier):
            raise NotSupportedError(f"table function {item.this.sql(dialect='duckdb')[:60]}")
        if isinstance(item, exp.Table) and item.name in ctes:
            plan, keys, names = self._cte(ctes[item.name], scope)
            names = _alias_columns(item, names)
            scope.add(alias, binding, names)
            exprs = tuple((f"{binding}.{n}", ref(k)) for k, n in zip(keys, names))
            return Source(Project(plan, exprs), alias, join)
        if isinstance(item, exp.Table):
            if item.args.get("db"):
                raise NotSupportedError(f"qualified table name {item.sql()}")
            columns = self.catalog.schema(item.name).names
            scope.add(alias, binding, columns)
            wanted = {u.lower() for u in used().get(alias, ())}
            fields = tuple(c for c in columns if c.lower() in wanted)
            return Source(Scan(item.name, binding, fields), alias, join)
        if isinstance(item, (exp.Subquery, exp.Lateral)):  # a LATERAL reading no FROM item
            query = item.this if isinstance(item, exp.Lateral) else item
            plan, keys, names = self.query(query.this, scope.parent, ctes)
            plan, keys, names = self._modifiers(plan, keys, names, query, scope.parent)
            names = _alias_columns(item, names)
            scope.add(alias, binding, names)
            exprs = tuple((f"{binding}.{n}", ref(k)) for k, n in zip(keys, names))
            return Source(Project(plan, exprs), alias, join)
        raise NotSupportedError(f"FROM item {item.sql(dialect='duckdb')[:60]}")

    def _cte(self, cte: CteDef, scope: Scope):
        if cte.planned is None:
            plan, keys, names = self.query(cte.query, None, cte.env)
            if cte.column_names:
                names = cte.column_names + names[len(cte.column_names):]
            cte.planned = (plan, keys, names)
        return cte.planned

    def join_sources(self, sources: list[Source], where: list, scope: Scope):
        """Join the FROM items; returns the plan and the WHERE conditions to apply above it,
        in order.

        The inner and cross joins become one unordered join block (`MultiJoin`) holding their
        ON conditions; outer joins follow in the order written. Every WHERE condition is left
        to the caller, to filter the whole FROM clause: the passes move them down
        (pushdown_predicates) and order the block (order_joins).

        A comma binds loosest: `a, l RIGHT JOIN r` is `a` times `(l RIGHT JOIN r)`, so an item
        whose joins include a RIGHT or FULL join is joined on its own first (with a LEFT join
        both readings give the same rows)."""
        items = []
        aliases = {s.alias for s in sources}
        outer = set(scope.sources) - aliases  # in a dependent query: the outer query's aliases
        for segment in _comma_segments(sources):
            if not any(_join_kind(s.join) in ("right", "full") for s in segment[1:]):
                items.extend(segment)
                continue
            if segment[0].lateral is not None:  # it reads an item outside its join
                raise NotSupportedError("LATERAL item before a RIGHT or FULL join")
            inside = {s.alias for s in segment}
            for s in segment[1:]:
                named = column_tables(s.join.args.get("on") or exp.true())
                if named & outer:
                    raise NotSupportedError(
                        f"a RIGHT or FULL join's ON condition naming {sorted(named & outer)[0]}, "
                        "a column of the query around a LATERAL or correlated subquery")
                outside = (named & aliases) - inside
                if outside:
                    raise NotSupportedError(
                        f"an ON condition naming {sorted(outside)[0]}, a FROM item outside its "
                        "join (a comma binds loosest: the join is planned on its own)")
            first = Source(segment[0].plan, segment[0].alias)
            items.append(Source(self._join_chain([first] + segment[1:], scope), "",
                                segment[0].join))
        # Conditions that can raise (x // y, CAST) run after the others, on the rows that are
        # left: `z <> 0 AND 10 // z > 1` must not divide by zero. Subqueries come next,
        # semi-join filters (IN, EXISTS) before scalar subqueries, which aggregate; a model call
        # filters last: it scores only the rows the rest of the query keeps.
        late = [(self.model_calls and has_model_call(c), has_subquery(c)) for c in where]
        plain = [c for c, (call, sub) in zip(where, late) if not call and not sub]
        lateral = any(s.lateral is not None for s in items)
        plan = self._join_chain(items, scope,
                                [c for c in plain if not may_raise(c)] if lateral else (), outer)
        rest = [(call, c.find(exp.In, exp.Exists) is None, i) for i, (c, (call, sub))
                in enumerate(zip(where, late)) if call or sub]
        return plan, sorted(plain, key=may_raise) + [where[i] for *_, i in sorted(rest)]

    def _join_chain(self, sources: list[Source], scope: Scope, where: list = (),
                    joined: set[str] = frozenset()) -> Plan:
        """The first source joined with the others, in the order written: each run of inner
        and cross joins is one join block whose first input is the plan so far (`a LEFT JOIN b,
        c, d WHERE ...` orders `(a LEFT JOIN b)`, `c` and `d` by the WHERE keys), and each
        outer join joins the plan so far.

        `where`: WHERE conditions (that cannot raise) the caller applies above the chain. Those
        reading only the items before a LATERAL (and `joined`, a dependent query's outer
        aliases) also filter its outer rows first, so that it runs for the rows kept only."""
        plan, run = sources[0].plan, []
        joined = set(joined) | {sources[0].alias}
        for s in sources[1:]:
            if s.lateral is not None:
                plan = self._inner_block(plan, run, scope)
                early = [c for c in where if (tables := column_tables(c)) and tables <= joined]
                if early:
                    plan = Filter(plan, resolve(and_all(early), scope))
                plan = self._lateral_join(plan, s, scope)
                joined.add(s.alias)
                run = []
                continue
            joined.add(s.alias)
            if _join_kind(s.join) in ("inner", "cross"):
                run.append(s)
                continue
            plan = self._inner_block(plan, run, scope)
            run = []
            plan = self._outer_join(plan, s, scope)
        return self._inner_block(plan, run, scope)

    def _inner_block(self, plan: Plan, sources: list[Source], scope: Scope) -> Plan:
        """`plan` joined with `sources` (inner and cross joins) as one join block holding their
        ON conditions; ON conditions with subqueries filter the joined rows."""
        if not sources:
            return plan
        on, bound = [], []
        for s in sources:
            if s.join.args.get("using"):
                raise NotSupportedError("JOIN ... USING")
            for c in conjuncts(s.join.args.get("on")):
                (bound if has_subquery(c) or self.model_calls and has_model_call(c)
                 else on).append(c)
        plan = MultiJoin((plan, *(s.plan for s in sources)),
                         tuple(resolve(c, scope) for c in sorted(on, key=may_raise)))
        for c in bound:
            plan = self.filter(plan, c, scope)
        return plan

    def _lateral_join(self, left: Plan, source: Source, scope: Scope) -> Plan:
        """`left` (the FROM items before it) joined with a LATERAL item: a dependent join
        (planner/dependent.py) on the id of each left row's tuple of the columns it reads."""
        kind = _join_kind(source.join)
        if kind not in ("inner", "cross", "left") or source.join.args.get("using"):
            raise NotSupportedError(f"LATERAL in a {kind.upper()} JOIN (only INNER, CROSS, LEFT "
                                    "and comma joins)")
        per_row = bool(source.item.meta.get(dependent.PER_ROW)) or dependent.per_row(
            source.lateral)
        left, gid, plan, keys, inner_gid, names = dependent.plan_dependent(
            self, left, source.lateral, scope, per_row)
        names = _alias_columns(source.item, names)
        binding = self.fresh(source.alias)
        scope.add(source.alias, binding, names)
        right_gid = self.fresh(dependent.GID)
        right = Project(plan, tuple((f"{binding}.{n}", ref(k)) for k, n in zip(keys, names))
                        + ((right_gid, ref(inner_gid)),))
        on = conjuncts(source.join.args.get("on")) if source.join is not None else []
        if any(has_subquery(c) for c in on):
            raise NotSupportedError("subquery in the ON clause of a LATERAL join")
        condition = and_all([resolve(c, scope) for c in on if c != exp.true()])
        return Join(left, right, "left" if kind == "left" else "inner", (ref(gid),),
                    (ref(right_gid),), condition)

    def _outer_join(self, plan: Plan, source: Source, scope: Scope) -> Plan:
        kind = _join_kind(source.join)
        if source.join.args.get("using"):
            raise NotSupportedError("JOIN ... USING")
        if kind.startswith("asof"):
            return self._asof_join(plan, source, scope, "left" if kind == "asof_left" else "inner")
        on = conjuncts(source.join.args.get("on"))
        if any(has_subquery(c) for c in on):
            raise NotSupportedError("subquery in the ON clause of an outer join")
        left, right = plan, source.plan
        right_aliases = {source.alias}
        semi = kind in ("semi", "anti")
        if semi:
            kind = "left"  # conditions split as for a LEFT join: right-only ones filter the right
        if kind == "right":  # a RIGHT join is a LEFT join with the inputs swapped
            left, right, kind = right, left, "left"
            right_aliases = None
        lkeys, rkeys, residual = [], [], []
        for c in on:
            pair = key_pair(resolve(c, scope), left, right)
            if pair is not None:
                lkeys.append(pair[0])
                rkeys.append(pair[1])
                continue
            tables = {col.table for col in c.find_all(exp.Column) if col.table}
            if kind == "left" and right_aliases is not None and tables and tables <= right_aliases:
                right = Filter(right, resolve(c, scope))  # only restricts which rows match
            else:
                residual.append(c)
        cond = None
        for c in residual:
            r = resolve(c, scope)
            cond = r if cond is None else exp.And(this=cond, expression=r)
        if semi:  # SEMI/ANTI JOIN: the left rows with (without) a match, left columns only
            mark = self.fresh("_semi")
            marked = MarkJoin(left, right, mark, tuple(lkeys), tuple(rkeys), cond)
            keep = ref(mark) if _join_kind(source.join) == "semi" else exp.Not(this=ref(mark))
            scope.hidden[source.alias] = (f"is the right side of a {_join_kind(source.join).upper()} "
                                          "JOIN: only its ON clause can read it")
            return Filter(marked, keep)
        if kind == "inner" or kind == "cross":
            kind = "inner" if lkeys or cond is not None else "cross"
        return Join(left, right, kind, tuple(lkeys), tuple(rkeys), cond)

    def _asof_join(self, left: Plan, source: Source, scope: Scope, kind: str) -> Plan:
        """ASOF JOIN ... ON equalities AND one inequality between the two sides; conditions
        on the right input alone restrict which rows can match."""
        right, lkeys, rkeys, nearest = source.plan, [], [], []
        for c in conjuncts(source.join.args.get("on")):
            pair = key_pair(resolve(c, scope), left, right)
            if pair is not None:
                lkeys.append(pair[0])
                rkeys.append(pair[1])
                continue
            tables = {col.table for col in c.find_all(exp.Column) if col.table}
            sides = _asof_sides(c, left, right, scope)
            if sides is not None:
                nearest.append(sides)
            elif tables and tables <= {source.alias} and not has_subquery(c):
                right = Filter(right, resolve(c, scope))
            else:
                raise NotSupportedError(f"ASOF JOIN condition {c.sql(dialect='duckdb')}")
        if len(nearest) != 1:
            raise NotSupportedError("ASOF JOIN needs exactly one inequality between the inputs")
        left_on, op, right_on = nearest[0]
        return AsofJoin(left, right, kind, tuple(lkeys), tuple(rkeys), left_on, right_on, op)

    def filter(self, plan: Plan, condition: exp.Expression, scope: Scope) -> Plan:
        plan, condition = self.subqueries.bind(plan, condition, scope)
        return Filter(plan, resolve(condition, scope))


def _reads_any(query: exp.Expression, aliases: set[str]) -> bool:
    """Does `query` read a column of one of `aliases` (FROM items around it)?"""
    if not aliases or not any(c.table in aliases for c in query.find_all(exp.Column)):
        return False  # the quick test: most derived tables name no outer alias at all
    return any(c.table in aliases for c in free_columns(query))


def _reject_misplaced_outer_aggregates(select: exp.Select) -> None:
    """An aggregate of `select`'s columns inside a subquery of its WHERE, ON or GROUP BY is an
    aggregate where SQL allows none (DuckDB's error)."""
    parts = [select.args.get("where"), select.args.get("group")]
    parts += [join.args.get("on") for join in select.args.get("joins") or []]
    misplaced = owned_outer_aggregates(select, parts)
    if misplaced:
        raise ProgrammingError("aggregate functions are not allowed in WHERE, ON or GROUP BY: "
                               f"{as_written(misplaced[0])}")


def _reject_misplaced_windows(select: exp.Select) -> None:
    """Window functions run after grouping: not in WHERE, GROUP BY, HAVING or a join's ON."""
    clauses = [("WHERE", select.args.get("where")), ("GROUP BY", select.args.get("group")),
               ("HAVING", select.args.get("having"))]
    clauses += [("JOIN ... ON", j.args.get("on")) for j in select.args.get("joins") or []]
    for clause, node in clauses:
        if node is not None and outer_windows(node):
            raise ProgrammingError(f"window functions are not allowed in {clause}")


def _comma_segments(sources: list[Source]) -> list[list[Source]]:
    """The FROM items split at each comma: every part is an item with the joins written after
    it, up to the next comma."""
    segments: list[list[Source]] = []
    for s in sources:
        join = s.join
        comma = join is None or not any(join.args.get(k) for k in ("kind", "side", "on", "using"))
        if comma or not segments:
            segments.append([s])
        else:
            segments[-1].append(s)
    return segments


_INEQUALITIES = {exp.GTE: ">=", exp.GT: ">", exp.LTE: "<=", exp.LT: "<"}
_FLIPPED = {">=": "<=", ">": "<", "<=": ">=", "<": ">"}


def _asof_sides(condition, left: Plan, right: Plan, scope: Scope):
    """(left expression, operator, right expression) of an inequality between an expression of
    the left input and one of the right input; None for any other condition."""
    op = _INEQUALITIES.get(type(condition))
    if op is None or has_subquery(condition):
        return None
    a, b = resolve(condition.this, scope), resolve(condition.expression, scope)
    ca = {c.name for c in a.find_all(exp.Column)}
    cb = {c.name for c in b.find_all(exp.Column)}
    lcols, rcols = set(left.columns), set(right.columns)
    if ca and cb and ca <= lcols and cb <= rcols:
        return a, op, b
    if ca and cb and cb <= lcols and ca <= rcols:
        return b, _FLIPPED[op], a
    return None


def _order_items(order: exp.Order | None, width: int) -> list[exp.Ordered]:
    """The ORDER BY items; `ORDER BY ALL [DESC]` orders by every output column, left to
    right."""
    items = list(order.expressions) if order is not None else []
    if len(items) == 1 and isinstance(items[0].this, exp.Var) and items[0].name.upper() == "ALL":
        return [exp.Ordered(this=exp.Literal.number(i + 1), desc=items[0].args.get("desc"),
                            nulls_first=items[0].args.get("nulls_first")) for i in range(width)]
    return items


def _limit_percent(node: exp.Expression) -> float | None:
    """The percentage of `LIMIT n%` / `LIMIT n PERCENT`, else None."""
    limit = node.args.get("limit")
    options = limit.args.get("limit_options") if isinstance(limit, exp.Limit) else None
    if options is None or not options.args.get("percent"):
        return None
    value = limit.expression
    if not (isinstance(value, exp.Literal) and not value.is_string):
        raise NotSupportedError(f"LIMIT {value.sql()}% with a non-constant expression")
    percent = float(value.name)
    if not 0 <= percent <= 100:
        raise ProgrammingError(f"LIMIT percentage {percent} is not between 0 and 100")
    return percent



def _join_kind(join: exp.Join | None) -> str:
    if join is None:
        return "inner"
    side = (join.args.get("side") or "").lower()
    kind = (join.args.get("kind") or "").lower()
    if kind in ("semi", "anti"):
        return kind
    method = (join.args.get("method") or "").lower()
    if method == "asof" and side in ("", "left") and kind in ("", "inner", "outer"):
        return "asof_left" if side == "left" else "asof"
    if kind in ("asof", "positional") or method:
        raise NotSupportedError(f"{' '.join(w for w in (method, side, kind) if w).upper()} JOIN")
    if side in ("left", "right", "full"):
        return side
    if kind == "cross":
        return "cross"
    if kind == "outer":
        return "full"
    return "inner"


def _inline_aliases(target: exp.Expression, exprs, names, sources: dict) -> exp.Expression:
    """ORDER BY expressions may name select aliases (qualify leaves them unqualified). Inside an
    expression a name that is also a column of one FROM item means the column, as in DuckDB
    (`SELECT i % 2 AS i ... ORDER BY i + 1` sorts by the column i)."""
    def replace(node):
        if isinstance(node, exp.Column) and not node.table and node.name in names:
            owners = [alias for alias, columns in sources.items() if node.name.lower() in columns]
            if len(owners) == 1:
                return exp.column(node.name, table=owners[0], quoted=True)
            return exprs[names.index(node.name)].copy()
        return node

    return target.copy().transform(replace)


def _alias_columns(item: exp.Expression, names: list[str]) -> list[str]:
    """The column names of a derived table or CTE read in FROM: its query's, renamed by the
    item's column aliases. Two equal names (DuckDB makes the second `a_1`) are refused: the
    star expansion has already read both as the first."""
    alias = item.args.get("alias")
    if isinstance(alias, exp.TableAlias) and alias.columns:
        given = [c.name for c in alias.columns]
        if len(given) > len(names):
            raise ProgrammingError(f"{item.alias} has {len(names)} columns, {len(given)} named")
        names = given + names[len(given):]
    seen = set()
    for name in names:
        if name.lower() in seen:
            raise NotSupportedError(f"a subquery or CTE in FROM with two columns named {name!r} "
                                    "(give them different names)")
        seen.add(name.lower())
    return names


def _columns_by_table(select: exp.Select) -> dict[str, set[str]]:
    used: dict[str, set[str]] = {}
    for column in select.find_all(exp.Column):
        if column.table:
            used.setdefault(column.table, set()).add(column.name)
    return used


def _named_item(name: str, names: list[str], aliased: list[bool]) -> int:
    """The select item a bare name in GROUP BY or ORDER BY means: the first one the user named
    with AS, else the first one called so (DuckDB binds aliases first)."""
    candidates = [i for i, n in enumerate(names) if n == name]
    return ([i for i in candidates if aliased[i]] or candidates)[0]


def _position(node: exp.Expression, clause: str, count: int) -> int | None:
    """The 0-based select-list index an integer constant in GROUP BY / ORDER BY names, checked
    to be in range (a negative one is out of range too, as in DuckDB); None for other terms."""
    negative = isinstance(node, exp.Neg)
    literal = node.this if negative else node
    if not (isinstance(literal, exp.Literal) and literal.is_int):
        return None
    position = -int(literal.name) if negative else int(literal.name)
    if not 1 <= position <= count:
        raise ProgrammingError(f"{clause} term out of range: {position} (should be between 1 and {count})")
    return position - 1


def _constant_int(node: exp.Expression, clause: str) -> int:
    if isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal) and node.this.is_int:
        raise ProgrammingError(f"{clause} must not be negative")
    if isinstance(node, exp.Literal) and node.is_int:
        value = int(node.name)
        if value < 0:
            raise ProgrammingError(f"{clause} must not be negative")
        return value
    raise NotSupportedError(f"{clause} with a non-constant expression {node.sql()}")
