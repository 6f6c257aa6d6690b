"""sqlglot's optimizer passes, minus those tqp does itself or does not need.

Planning time counts in every query's time, and sqlglot's passes cost about as much as running
a small query, so only those tqp relies on run (qualify, subquery merging and elimination,
projection pushdown, and normalize, as tqp's planner/normalize.py: only the conditions that span
tables). Left out:
- `unnest_subqueries`: tqp decorrelates with mark joins (sqlglot's rewrite of non-equality
  correlation needs arrays and lambdas);
- `optimize_joins`: tqp orders joins itself (the order_joins pass, planner/join_order.py);
- `pushdown_predicates`: tqp's pass of that name places each WHERE conjunct on the inputs it
  names, and prune_columns merges filters (sqlglot's pass was the costliest, and duplicated
  conditions);
- `simplify`: constant subexpressions are computed once per batch by the evaluator;
- `annotate_types` and `canonicalize`: the operators type values themselves (a date compared
  with a string literal, a number used as a condition);
- `eliminate_ctes` and `eliminate_joins`: a CTE nothing reads is never planned, and an unread
  LEFT-joined derived table costs only its join;
- `pushdown_projections`: tqp's prune_columns pass narrows every plan node to the columns read
  above it, a CTE read twice to those any of its readers needs.
Tables are not isolated into subqueries (sqlglot does that for pushdown_predicates), so a query
without derived tables or CTEs skips the subquery passes too.
"""

from __future__ import annotations

import difflib
import inspect
import itertools
import re

from sqlglot import exp
from sqlglot.errors import OptimizeError
from sqlglot.optimizer.optimizer import RULES as SQLGLOT_RULES
from sqlglot.schema import MappingSchema

from tqp.errors import NotSupportedError, ProgrammingError
from tqp.operators.expressions.dates import CONSTANT_ARGUMENT
from tqp.planner.eliminate_subqueries import eliminate_subqueries
from tqp.planner.inner_order_by import inner_order_by
from tqp.planner.lateral import lateral_reference, wrap_implicit_laterals
from tqp.planner.merge_subqueries import merge_subqueries
from tqp.planner.node_kinds import holds
from tqp.planner.normalize import normalize
from tqp.planner.quantified import rewrite_quantified
from tqp.planner.recursion import mark_recursive
from tqp.planner.spellings import (check_column_lists, column_lists, needs_spelling,
                                   record_alias_spellings, spell_outputs, table_spellings)
from tqp.planner.unique_aliases import unique_aliases

DIALECT = "duckdb"

# Everything sqlglot runs, in sqlglot's order, except the passes tqp does itself.
OWN_PASSES = ("unnest_subqueries", "optimize_joins", "pushdown_predicates", "simplify",
              "annotate_types", "canonicalize")
# And those whose work tqp's plan passes do or need not be done (see the module docstring).
# Each walked every scope of every query.
UNNEEDED_PASSES = ("eliminate_ctes", "eliminate_joins", "pushdown_projections")
_SQLGLOT = [r for r in SQLGLOT_RULES if r.__name__ not in OWN_PASSES + UNNEEDED_PASSES]
# tqp's merge_subqueries (which keeps sqlglot's from misplacing a derived table's WHERE) and
# eliminate_subqueries (which keeps a correlated derived table in place) in sqlglot's place; unique_aliases and inner_order_by right after qualify: merge_subqueries must not capture a
# correlated name, nor carry a derived table's ORDER BY on an alias the outer query lacks.
# check_column_lists and spell_outputs right after qualify, before merge_subqueries merges
# derived tables away.
RULES = tuple(itertools.chain.from_iterable(
    (r, check_column_lists, spell_outputs, unique_aliases, inner_order_by)
    if r.__name__ == "qualify"
    else (merge_subqueries,) if r.__name__ == "merge_subqueries"
    else (eliminate_subqueries,) if r.__name__ == "eliminate_subqueries"
    else (normalize,) if r.__name__ == "normalize" else (r,)
    for r in _SQLGLOT))
# Without a derived table or a CTE in the query these passes have nothing to do (tables are not
# isolated into subqueries, see `optimize`), yet each walks every scope.
SUBQUERY_PASSES = ("eliminate_subqueries", "merge_subqueries")
# A query of one SELECT (no nested query, no set operation) has one scope: no alias can shadow
# another and no inner ORDER BY exists.
NESTED_PASSES = ("unique_aliases", "inner_order_by")
FLAT_RULES = tuple(r for r in RULES if r.__name__ not in SUBQUERY_PASSES)
SINGLE_SELECT_RULES = tuple(r for r in FLAT_RULES if r.__name__ not in NESTED_PASSES)
# A pass that rewrites one construct, which no earlier pass makes: without it in the statement
# the pass has nothing to do (normalize rewrites ORs under ANDs), yet it walks every condition.
CONSTRUCT_PASSES = {"normalize": exp.Or}


def optimize(statement: exp.Expression, schema: dict, copy: bool = True) -> exp.Expression:
    """Run the passes over a query; unknown columns become ProgrammingErrors. With
    `copy=False` the passes rewrite `statement` itself (a tree the caller owns and drops):
    copying a large tree costs about a millisecond."""
    try:
        statement = statement.copy() if copy else statement
        nodes = list(statement.walk())  # one walk for tqp's own steps below
        date_interval_as_timestamp(nodes)
        mark_constant_date_parts(nodes)
        mark_recursive(n for n in nodes if isinstance(n, exp.With))
        from_first_joins(nodes)
        kinds = {type(n) for n in nodes}
        if holds(kinds, exp.Any, exp.All):
            rewrite_quantified(nodes)
            nodes = list(statement.walk())  # the rewrite added subqueries
            kinds = {type(n) for n in nodes}
        if exp.Subquery in kinds:  # before qualify, which resolves columns inside a LATERAL
            wrap_implicit_laterals(nodes, schema)
        # sqlglot wraps every table in a subquery (isolate_tables) for pushdown_predicates, which
        # tqp does not run, and merge_subqueries then unwraps them: neither is needed here.
        prepared, spellings = _prepared(schema), _spellings(schema)
        arguments = _arguments(prepared)
        arguments["expand_alias_refs"] = may_reference_alias(nodes)
        if exp.Subquery in kinds:
            arguments["column_lists"] = column_lists(nodes)
        if needs_spelling(nodes, spellings):
            record_alias_spellings(nodes)
            arguments["spellings"] = spellings
        optimized = statement
        for rule in _rules(nodes, kinds):
            optimized = rule(optimized, **{k: v for k, v in arguments.items()
                                           if k in _RULE_ARGUMENTS[rule]})
        return optimized
    except OptimizeError as exc:
        lateral = lateral_reference(statement)
        if lateral is not None:
            raise NotSupportedError(f"LATERAL: {lateral}") from None
        raise ProgrammingError(_with_suggestion(str(exc), statement, schema)) from None


def may_reference_alias(nodes: list[exp.Expression]) -> bool:
    """Whether a name in the statement of `nodes` may stand for an alias of its SELECT's items
    (`SELECT a + 1 AS x ... WHERE x > 2`, `GROUP BY x`), which qualify then expands: a bare
    column in the items, WHERE or GROUP BY of a SELECT with an item of that alias (compared
    without case, which can only say yes more often). A SELECT with HAVING or QUALIFY counts
    as yes: qualify resolves their names on a path of its own. Expanding walks those clauses of
    every scope, about a quarter of qualify's time, for the few queries that need it."""
    aliases: dict[int, set[str]] = {}
    for node in nodes:
        if isinstance(node, exp.Select):
            if node.args.get("having") is not None or node.args.get("qualify") is not None:
                return True
            aliases[id(node)] = {e.alias.lower() for e in node.expressions
                                 if isinstance(e, exp.Alias)}
    for node in nodes:
        if not isinstance(node, exp.Column) or node.table:
            continue
        clause, select = node, node.parent
        while select is not None and not isinstance(select, exp.Select):
            clause, select = select, select.parent
        if (select is not None and clause.arg_key in ("expressions", "where", "group")
                and node.name.lower() in aliases.get(id(select), ())):
            return True
    return False


def _rules(nodes: list[exp.Expression], kinds: set[type]) -> tuple:
    """The passes that can change the statement of `nodes` (the node types `kinds`; see
    SUBQUERY_PASSES and `_derived_tables`, NESTED_PASSES and CONSTRUCT_PASSES)."""
    if holds(kinds, exp.CTE) or exp.Subquery in kinds and _derived_tables(nodes):
        rules = RULES
    else:
        rules = FLAT_RULES if sum(isinstance(n, exp.Query) for n in nodes) > 1 \
            else SINGLE_SELECT_RULES
    return tuple(r for r in rules if r.__name__ not in CONSTRUCT_PASSES
                 or holds(kinds, CONSTRUCT_PASSES[r.__name__]))


def _derived_tables(nodes: list[exp.Expression]) -> bool:
    """Does the statement hold a query in parentheses that the subquery passes rewrite: a
    derived table (in FROM or a JOIN), a branch of a set operation, or the statement itself?
    Subqueries in expressions (IN, EXISTS, a comparison, a select item) they leave alone, but
    scoping the statement to find that out cost sqlglot about 0.4 ms."""
    return any(isinstance(n, exp.Subquery) and (
        n.parent is None or isinstance(n.parent, (exp.From, exp.Join, exp.SetOperation,
                                                  exp.Subquery)))
               for n in nodes)


def _arguments(schema: MappingSchema) -> dict:
    """The keyword arguments sqlglot's optimizer offers its passes; each takes those it names
    (sqlglot's `optimize` looks each pass's signature up on every call)."""
    return {"schema": schema, "dialect": DIALECT, "db": None, "catalog": None, "sql": None,
            "isolate_tables": False, "quote_identifiers": False, "spellings": None,
            "column_lists": ()}


_RULE_ARGUMENTS = {rule: frozenset(inspect.getfullargspec(rule).args) for rule in RULES}


# (schema dict, sqlglot's form of it) for the last few schema dicts optimized against.
_PREPARED: list[tuple[dict, MappingSchema]] = []
PREPARED_KEPT = 4
# (schema dict, its table_spellings), as _PREPARED.
_SPELLINGS: list[tuple[dict, dict]] = []


def _spellings(schema: dict) -> dict[str, dict[str, str]]:
    """`table_spellings(schema)`, made once per schema dict (as `_prepared`)."""
    for known, spellings in _SPELLINGS:
        if known is schema:
            return spellings
    spellings = table_spellings(schema)
    _SPELLINGS.insert(0, (schema, spellings))
    del _SPELLINGS[PREPARED_KEPT:]
    return spellings


def _prepared(schema: dict) -> MappingSchema:
    """sqlglot's schema for `schema`, built once per dict object: building it normalizes every
    table and column name (about 7 ms for two dozen tables, each query), and the caller
    (Engine._schema) hands the same dict while no table changed."""
    for known, prepared in _PREPARED:
        if known is schema:
            return prepared
    prepared = MappingSchema(schema, dialect=DIALECT)
    _PREPARED.insert(0, (schema, prepared))
    del _PREPARED[PREPARED_KEPT:]
    return prepared


def from_first_joins(nodes: list[exp.Expression]) -> None:
    """DuckDB's FROM-first form (`FROM a JOIN b ON ... SELECT ...`) parses with the joins
    attached to the first FROM item; they belong to the SELECT, as in `SELECT ... FROM a JOIN b`.
    `nodes`: every node of the statement."""
    for select in nodes:
        if not isinstance(select, exp.Select):
            continue
        from_ = select.args.get("from_")
        item = from_.this if from_ is not None else None
        if item is not None and item.args.get("joins"):
            joins = item.args["joins"]
            item.set("joins", None)
            select.set("joins", list(joins) + list(select.args.get("joins") or []))


def date_interval_as_timestamp(nodes: list[exp.Expression]) -> None:
    """In select lists, `DATE '...' +/- INTERVAL` becomes a TIMESTAMP first. `nodes`: every
    node of the statement.

    DuckDB types DATE + INTERVAL as TIMESTAMP, but sqlglot's simplify folds a constant one into a
    DATE. Where the value is returned (a select list) the type shows, so keep DuckDB's; inside
    predicates the fold is harmless and is left alone (it keeps date columns unconverted)."""
    if not any(isinstance(n, exp.Interval) for n in nodes):
        return
    for select in [n for n in nodes if isinstance(n, exp.Select)]:
        for item in select.expressions:
            for node in list(item.find_all(exp.Add, exp.Sub)):
                for side, other in (("this", "expression"), ("expression", "this")):
                    operand = node.args.get(side)
                    if isinstance(node.args.get(other), exp.Interval) and _is_date_literal(operand):
                        node.set(side, exp.Cast(this=operand.copy(),
                                                to=exp.DataType.build("TIMESTAMP")))


def mark_constant_date_parts(nodes: list[exp.Expression]) -> None:
    """Mark each EXTRACT/DATE_PART (of `nodes`, every node of the statement) whose argument, as
    written, reads no column and calls no aggregate or window function.

    DuckDB folds such an argument at bind time, and EXTRACT of a NULL it folds to is a DOUBLE
    NULL. A derived table's column merged into the outer query later looks the same, but
    DuckDB binds it as a column (BIGINT), so the mark is made before merging."""
    for node in nodes:
        if isinstance(node, exp.Extract):
            argument = node.expression
        elif isinstance(node, exp.Anonymous) and node.name.lower() in ("date_part", "datepart") \
                and len(node.expressions) == 2:
            argument = node.expressions[1]
        else:
            continue
        if argument.find(exp.Column, exp.Subquery, exp.AggFunc, exp.Window) is None:
            node.meta[CONSTANT_ARGUMENT] = True


def _holders(name: str, statement: exp.Expression, schema: dict) -> list[str]:
    """The names of the FROM items of `statement` that have a column `name`: tables by the
    schema, derived tables and CTEs by their select lists."""
    ctes = {cte.alias_or_name: cte.this for cte in statement.find_all(exp.CTE)}
    holders = []
    for item in statement.find_all(exp.Table, exp.Subquery):
        if isinstance(item, exp.Subquery):
            inner, alias = item.this, item.alias
        elif item.name in ctes and not item.db:
            inner, alias = ctes[item.name], item.alias_or_name
        else:
            if name in schema.get(item.name.lower(), {}):
                holders.append(item.alias_or_name)
            continue
        if alias and isinstance(inner, exp.Query) and name in inner.named_selects:
            holders.append(alias)
    return holders


def _is_date_literal(node) -> bool:
    return isinstance(node, exp.Cast) and node.to.is_type("date") and isinstance(node.this, exp.Literal)


def _with_suggestion(message: str, statement: exp.Expression, schema: dict) -> str:
    """Name the closest existing column of the query's tables, when there is one."""
    position = re.fullmatch(r"Unknown output column: (\d+)", message)
    if position:  # sqlglot's word for a GROUP BY / ORDER BY position past the select list
        return f"GROUP BY or ORDER BY term out of range: {position.group(1)} is not a select item"
    match = re.search(r"Column '([^']+)' could not be resolved|Unknown column: (\S+)", message)
    if not match:
        return message
    name = (match.group(1) or match.group(2)).split(".")[-1].strip('"')
    holders = _holders(name, statement, schema)
    if len(holders) > 1:  # sqlglot cannot tell which table's column is meant
        choices = " or ".join(f"'{h}.{name}'" for h in dict.fromkeys(holders))
        return f'Ambiguous reference to column name "{name}" (use: {choices})'
    tables = {t.name.lower() for t in statement.find_all(exp.Table)}
    columns = sorted({c for t in tables for c in schema.get(t, {})})
    close = difflib.get_close_matches(name, columns, n=1)
    text = f"column {name} does not exist"
    return text + (f" (did you mean {close[0]}?)" if close else "")
