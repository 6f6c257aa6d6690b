"""Dependent joins: a subquery that reads columns of the query around it (a LATERAL item, or a
correlated subquery the mark joins of planner/subqueries.py cannot plan, such as one whose own
subquery reads the outermost query) planned once for all outer rows, never row by row.

The outer plan's rows are numbered and each gets the id of the first row holding the same
values of the columns the subquery reads (NULLs equal, as in GROUP BY): `gid`. The *domain*
holds one row per distinct tuple of those values with its gid. The subquery is planned with
the domain as one more FROM item, the outer columns naming the domain's columns; its grouping
is per gid (an aggregate without GROUP BY yields a row for every gid, COUNT 0 where no row
reached it), and it outputs gid as a last column, on which its rows join back to the outer
rows. Two levels deep, the inner subquery reads the outermost columns from the middle one's
domain: to it they are columns of the query around it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlglot import exp

from tqp.errors import NotSupportedError
from tqp.planner.aggregates import LIST_RESULTS
from tqp.planner.logical import (
    Aggregate, Filter, Join, OneRow, Plan, Project, RowNumber, Window, WindowCall,
)
from tqp.planner.resolve import free_columns
from tqp.planner.scope import Scope, ref
from tqp.planner.windows import WHOLE_PARTITION

GID = "_gid"  # the column name under which a domain's id is visible in the subquery's scope
# Marks (in its meta) a LATERAL planned per outer row, without looking for equal tuples: a table
# function over an earlier FROM item's columns (a list column cannot be compared whole).
PER_ROW = "tqp_per_row"


@dataclass
class Domain:
    """The distinct values of the outer columns a dependent subquery reads."""

    plan: Plan  # one row per distinct tuple: `gid`, then the columns
    alias: str  # the scope alias under which `gid` is visible (as column GID)
    gid: str
    sources: dict[str, dict[str, str]]  # outer alias -> column (lower case) -> key in `plan`

    def register(self, scope: Scope) -> None:
        """Make the outer columns (and the id) resolve to the domain's columns in `scope`."""
        for alias, columns in self.sources.items():
            if alias in scope.sources:
                raise NotSupportedError(f"a dependent subquery binding {alias!r} again")
            scope.sources[alias] = dict(columns)
        scope.sources[self.alias] = {GID.lower(): self.gid}

    def group_columns(self) -> list[exp.Column]:
        """The outer columns and the id, as the subquery's SQL names them: its extra group
        keys."""
        columns = [exp.column(name, table=alias, quoted=True)
                   for alias, names in self.sources.items() for name in names]
        return columns + [self.gid_column()]

    def gid_column(self) -> exp.Column:
        return exp.column(GID, table=self.alias, quoted=True)


def outer_columns(query: exp.Expression, scope: Scope, plan: Plan) -> list[tuple[str, str, str]]:
    """(alias, column, plan key) of each column of `plan` that `query` reads from `scope`;
    NotSupportedError for a column of a query further out."""
    found, seen = [], set()
    for column in free_columns(query):
        key, owner = scope.lookup(column.table, column.name)
        if owner is not scope or key not in plan.columns:
            raise NotSupportedError(
                f"LATERAL or correlated subquery reading {column.table}.{column.name}: only the "
                "columns of the FROM items before it (or of the query right around it)")
        if (column.table, column.name.lower()) not in seen:
            seen.add((column.table, column.name.lower()))
            found.append((column.table, column.name, key))
    return found


def per_row(query: exp.Expression) -> bool:
    """Is `query` no cheaper per distinct tuple than per row: a SELECT without FROM or
    subqueries (`SELECT t.x * 10 AS y`)? Computed per row, a LATERAL also sees each row's
    own value where equal values differ (-0.0 and 0.0), as in DuckDB (whose scalar subqueries,
    like tqp's, see one value per distinct tuple)."""
    while isinstance(query, exp.Subquery):
        query = query.this
    return isinstance(query, exp.Select) and query.args.get("from_") is None and \
        not any(isinstance(n, exp.Query) for n in query.find_all(exp.Query) if n is not query)


def domain(plan: Plan, columns: list[tuple[str, str, str]], fresh,
           per_row: bool = False) -> tuple[Plan, str, Domain]:
    """`plan` with a gid column (returned with its name), and the domain of `columns` (with
    `per_row`, one domain row per row of `plan`: its row number is the gid)."""
    keys = list(dict.fromkeys(key for _, _, key in columns))
    row = fresh("_row")
    names = {k: fresh("_outer") for k in keys}
    domain_gid = fresh("_gid")
    if per_row:
        outer = firsts = RowNumber(plan, row)
        gid = row
    else:
        gid = fresh("_gid")
        call = WindowCall("min", (ref(row),), tuple(ref(k) for k in keys), (), WHOLE_PARTITION)
        outer = Window(RowNumber(plan, row), ((gid, call),))
        firsts = Filter(outer, exp.EQ(this=ref(row), expression=ref(gid)))
    distinct = Project(firsts, ((domain_gid, ref(gid)),) + tuple((names[k], ref(k)) for k in keys))
    sources: dict[str, dict[str, str]] = {}
    for alias, name, key in columns:
        sources.setdefault(alias, {})[name.lower()] = names[key]
    return outer, gid, Domain(distinct, fresh("_domain"), domain_gid, sources)


def with_domain(sources: list, domain: Domain, source_type) -> list:
    """The FROM items of a dependent subquery: the domain first, then its own items."""
    first = source_type(domain.plan, domain.alias, None)
    if isinstance(sources[0].plan, OneRow):  # no FROM: one row per domain row
        return [first] + sources[1:]
    return [first, replace(sources[0], join=exp.Join())] + sources[1:]


def fill_empty_groups(aggregate: Aggregate, domain: Domain, fresh) -> Plan:
    """An aggregate without GROUP BY, grouped by the domain, with a row for every domain row:
    where no input row reached it, the aggregates' values over no rows (COUNT 0, SUM NULL)."""
    gid = next(k for k, e in aggregate.keys if e.name == domain.gid)
    plan = Join(domain.plan, aggregate, "left", (ref(domain.gid),), (ref(gid),))
    exprs = [(k, ref(e.name)) for k, e in aggregate.keys]  # the domain side is never NULL
    # A LIST result over no rows is NULL, as the left join leaves it (and CASE takes no LIST).
    exprs += [(k, ref(k)) for k, call in aggregate.aggregates if call.func in LIST_RESULTS]
    filled = tuple((k, call) for k, call in aggregate.aggregates if call.func not in LIST_RESULTS)
    if filled:
        empty = Aggregate(Filter(aggregate.input, exp.false()), (), filled)
        names = {k: fresh("_empty") for k, _ in filled}
        plan = Join(plan, Project(empty, tuple((names[k], ref(k)) for k in names)), "cross")
        missing = exp.Is(this=ref(gid), expression=exp.Null())
        exprs += [(k, exp.Case(ifs=[exp.If(this=missing, true=ref(names[k]))], default=ref(k)))
                  for k in names]
    return Project(plan, tuple(exprs))


def plan_dependent(builder, plan: Plan, query: exp.Expression, scope: Scope,
                   per_row: bool = False):
    """`query` planned as a dependent query over `plan`'s rows, by `builder`: (`plan` with an
    id column, that column, the query's plan, its output keys, the key of its id column, its
    output names)."""
    columns = outer_columns(query, scope, plan)
    plan, gid, found = domain(plan, columns, builder.fresh, per_row)
    inner, keys, names = builder.query(query, scope, scope.ctes, found)
    return plan, gid, inner, keys[:-1], keys[-1], names[:-1]
