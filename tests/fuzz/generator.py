"""Random SQL over the fuzz tables: a small typed grammar, deterministic from a seed.

Every expression is generated for a wanted kind (int, double, varchar, date, bool), so most
queries are well typed and reach the executor instead of stopping at a type error. A query is a
SELECT (joins, WHERE, GROUP BY/HAVING, DISTINCT, ORDER BY/LIMIT) or a set operation of two with
matching kinds; subqueries (scalar, EXISTS, IN, correlated) and derived tables recurse with a
depth limit. Each construct belongs to a feature (FEATURES), and a generator built with some
features excluded never produces them: the CI slice leaves out the ones known to be broken.

Example:
    >>> gen = QueryGenerator(seed=7)
    >>> gen.query() == QueryGenerator(seed=7).query()
    True
"""

from __future__ import annotations

import random
from contextlib import contextmanager
from dataclasses import dataclass, field

from tests.fuzz.tables import TABLES

KINDS = ("int", "double", "varchar", "date", "bool")
# A table column's kind as an expression kind: INTEGER and BIGINT are both "int".
_EXPR_KIND = {"int": "int", "bigint": "int", "double": "double", "varchar": "varchar",
              "date": "date", "bool": "bool"}

# Every construct the grammar can produce, by name (excluded=... takes a subset of these).
FEATURES = frozenset({
    "inner_join", "left_join", "right_join", "full_join", "cross_join", "semi_anti_join",
    "join_residual", "derived_table", "where", "group_by", "having", "aggregate_distinct",
    "distinct", "order_by", "limit", "set_ops", "scalar_subquery", "exists", "in_subquery",
    "correlated", "case", "coalesce", "nullif", "arithmetic", "integer_division", "abs",
    "round", "cast", "between", "in_list", "like", "like_backslash", "ilike", "is_distinct",
    "string_functions", "trim", "concat", "date_arith", "extract", "greatest_least",
    "outer_join_where",  # a WHERE over an outer join's output
    "null_in_join_condition",  # a NULL literal in a join's ON
    "derived_order_by",  # ORDER BY/LIMIT inside a derived table
    "untyped_null_operand",  # a NULL literal as CEIL/FLOOR's argument or left of DATE - DATE
    "least",  # LEAST (GREATEST stays)
    "concat_operator",  # ||
})
_OUTER_JOINS = ("left_join", "right_join", "full_join")

MAX_EXPR_DEPTH = 3
MAX_QUERY_DEPTH = 2

# No -2147483648: DuckDB types that literal as INTEGER in some places (an INT32 overflow
# where tqp computes in BIGINT), a literal-typing quirk, not a bug of either.
_INT_LITERALS = ["0", "1", "2", "3", "-1", "5", "7", "10", "2147483647", "-2147483647"]
# No -0.0: DuckDB reads it as DECIMAL 0.0 (no sign), tqp as the double -0.0 (docs/sql.md#types).
_DOUBLE_LITERALS = ["0.5", "1.5", "-2.25", "0.0", "1e10", "2.5e0", "-1e0"]
_STRING_LITERALS = ["''", "'a'", "'A'", "'ab'", "'b'", "'x'", "' x '", "'Zed'", "'a%b'"]
_DATE_LITERALS = ["DATE '1995-06-15'", "DATE '1970-01-01'", "DATE '1996-01-01'",
                  "DATE '1969-12-31'", "DATE '2000-03-01'"]
_LIKE_PATTERNS = ["'%'", "'a%'", "'%b'", "'%a%'", "'_'", "'a_'", "'__'", "''", "'A%'",
                  "'%x%'", "'a%%c'", "'%_%'"]
_LIKE_BACKSLASH_PATTERNS = ["'a\\%%'", "'%\\_%'", "'a\\\\b'", "'%\\%'"]


@dataclass
class Scope:
    """What an expression may name: row columns, outer (correlated) columns, and, in a grouped
    query, aggregates over `rows` with `columns` holding the group keys."""

    columns: list[tuple[str, str]]  # (SQL, kind)
    outer: list[tuple[str, str]] = field(default_factory=list)
    rows: Scope | None = None  # set in a grouped query: aggregate arguments come from here
    depth: int = 0  # query nesting depth, for subqueries

    def of_kind(self, kind: str) -> list[str]:
        return [sql for sql, k in self.columns if k == kind]

    def outer_of_kind(self, kind: str) -> list[str]:
        return [sql for sql, k in self.outer if k == kind]


class QueryGenerator:
    """Random queries from `seed`; `excluded` names FEATURES the queries must not use."""

    def __init__(self, seed: int, excluded: frozenset[str] = frozenset()):
        unknown = set(excluded) - FEATURES
        if unknown:
            raise ValueError(f"unknown fuzz features: {sorted(unknown)}")
        self.rng = random.Random(seed)
        self.excluded = frozenset(excluded)
        self._aliases = 0
        self._null_literals = True

    # -- helpers ---------------------------------------------------------------------------

    def on(self, feature: str, p: float = 1.0) -> bool:
        """True with probability `p` when `feature` is allowed."""
        return feature not in self.excluded and self.rng.random() < p

    @contextmanager
    def _null_literals_unless(self, feature: str | bool):
        """No NULL literals inside the block when `feature` is excluded."""
        saved = self._null_literals
        self._null_literals = saved and (not feature or feature not in self.excluded)
        try:
            yield
        finally:
            self._null_literals = saved

    def _alias(self) -> str:
        self._aliases += 1
        return f"a{self._aliases}"

    def _pick(self, options):
        return self.rng.choice(options)

    # -- queries ---------------------------------------------------------------------------

    def query(self) -> str:
        """One top-level query."""
        self._aliases = 0
        if self.on("set_ops", 0.12):
            return self.set_operation()
        return self.select(0, top=True)[0]

    def set_operation(self) -> str:
        left, kinds = self.select(0, orderable=False)
        right, _ = self.select(0, kinds=kinds, orderable=False)
        op = self._pick(["UNION", "UNION ALL", "INTERSECT", "EXCEPT"])
        sql = f"{left} {op} {right}"
        return sql + self._order_limit(len(kinds))

    def select(self, depth: int, kinds: list[str] | None = None, top: bool = False,
               orderable: bool = True, filtered: bool = False) -> tuple[str, list[str]]:
        """An uncorrelated SELECT at nesting `depth` and the kinds of its columns (`kinds` when
        given). `filtered`: the query that reads it has a WHERE."""
        where = self.on("where", 0.6)
        from_sql, columns = self.from_clause(depth, filtered=where or filtered)
        scope = Scope(columns, depth=depth)
        if kinds is None:
            kinds = [self._pick(KINDS) for _ in range(self.rng.randint(1, 3))]
        sql = f" FROM {from_sql}"
        if where:
            sql += f" WHERE {self.expr('bool', scope)}"
        if self.on("group_by", 0.3):
            keys = self.group_keys(scope)
            grouped = Scope(keys, outer=scope.outer, rows=scope, depth=depth)
            items = [self.expr(k, grouped) for k in kinds]
            if keys:
                sql += " GROUP BY " + ", ".join(k for k, _ in keys)
            if self.on("having", 0.3):
                sql += f" HAVING {self.expr('bool', grouped)}"
        else:
            items = [self.expr(k, scope) for k in kinds]
        distinct = "DISTINCT " if self.on("distinct", 0.12) else ""
        listed = ", ".join(self._item(e, i, top) for i, e in enumerate(items))
        sql = f"SELECT {distinct}{listed}{sql}"
        if orderable:
            sql += self._order_limit(len(kinds))
        return sql, kinds

    def _item(self, expr: str, i: int, top: bool) -> str:
        # A bare column keeps its own name now and then (top level only, so that derived
        # tables and subqueries never hold two columns of one name).
        if top and "." in expr and expr.replace(".", "").isalnum() and self.rng.random() < 0.3:
            return expr
        return f"{expr} AS c{i}"

    def _order_limit(self, width: int) -> str:
        sql = ""
        if self.on("order_by", 0.3):
            # Every output column, so the order is total and LIMIT keeps a determined set.
            positions = list(range(1, width + 1))
            self.rng.shuffle(positions)
            keys = [f"{p}{self._pick(['', ' DESC', ' ASC'])}"
                    f"{self._pick(['', '', ' NULLS FIRST', ' NULLS LAST'])}" for p in positions]
            sql += " ORDER BY " + ", ".join(keys)
            if self.on("limit", 0.5):
                sql += f" LIMIT {self.rng.randint(0, 8)}"
                if self.rng.random() < 0.3:
                    sql += f" OFFSET {self.rng.randint(0, 4)}"
        return sql

    def group_keys(self, scope: Scope) -> list[tuple[str, str]]:
        keys = []
        for _ in range(self.rng.choice([0, 1, 1, 2])):
            sql, kind = self._pick(scope.columns)
            if self.rng.random() < 0.2:
                kind = self._pick(KINDS)
                sql = self.expr(kind, Scope(scope.columns, depth=MAX_QUERY_DEPTH), depth=2)
            # A key names a column: DuckDB reads a constant integer key as a position.
            if "." in sql and all(sql != k for k, _ in keys):
                keys.append((sql, kind))
        return keys

    # -- FROM ------------------------------------------------------------------------------

    def from_clause(self, depth: int, filtered: bool = False) -> tuple[str, list[tuple[str, str]]]:
        """Tables joined in any way, and the columns they make visible. `filtered`: a WHERE
        will follow (no outer joins then, when "outer_join_where" is excluded)."""
        sql, columns = self._table_ref(depth, filtered)
        joins = self.rng.choice([0, 0, 1, 1, 1, 2]) if depth < MAX_QUERY_DEPTH else 0
        outer = not (filtered and "outer_join_where" in self.excluded)
        for _ in range(joins):
            right_sql, right_cols = self._table_ref(depth, filtered)
            kind = self._join_kind(outer)
            if kind == "CROSS JOIN":
                sql = f"{sql} CROSS JOIN {right_sql}"
            else:
                on = self._join_condition(columns, right_cols, depth)
                sql = f"{sql} {kind} {right_sql} ON {on}"
            if kind not in ("SEMI JOIN", "ANTI JOIN"):
                columns = columns + right_cols
        return sql, columns

    def _join_kind(self, outer: bool = True) -> str:
        options = [("inner_join", "JOIN", 4), ("inner_join", "INNER JOIN", 1),
                   ("left_join", "LEFT JOIN", 3), ("right_join", "RIGHT JOIN", 2),
                   ("full_join", "FULL OUTER JOIN", 2), ("cross_join", "CROSS JOIN", 1),
                   ("semi_anti_join", "SEMI JOIN", 1), ("semi_anti_join", "ANTI JOIN", 1)]
        allowed = [(sql, w) for feature, sql, w in options if feature not in self.excluded
                   and (outer or feature not in _OUTER_JOINS)]
        if not allowed:
            return "CROSS JOIN" if "cross_join" not in self.excluded else "JOIN"
        return self.rng.choices([s for s, _ in allowed], [w for _, w in allowed])[0]

    def _join_condition(self, left, right, depth: int) -> str:
        pairs = [(lsql, rsql) for lsql, lk in left for rsql, rk in right if lk == rk]
        keys = [(lsql, rsql) for lsql, rsql in pairs if lsql.endswith(".k") and rsql.endswith(".k")]
        terms = []
        if keys and self.rng.random() < 0.8:
            terms.append("{} = {}".format(*self._pick(keys)))
        elif pairs and self.rng.random() < 0.7:
            terms.append("{} = {}".format(*self._pick(pairs)))
        if not terms or self.on("join_residual", 0.3):
            scope = Scope(left + right, depth=MAX_QUERY_DEPTH)  # no subqueries in ON
            with self._null_literals_unless("null_in_join_condition"):
                terms.append(self.expr("bool", scope, depth=1))
        return " AND ".join(terms)

    def _table_ref(self, depth: int, filtered: bool) -> tuple[str, list[tuple[str, str]]]:
        alias = self._alias()
        if depth < MAX_QUERY_DEPTH and self.on("derived_table", 0.1):
            inner, kinds = self.select(depth + 1, filtered=filtered,
                                       orderable="derived_order_by" not in self.excluded)
            return f"({inner}) AS {alias}", [(f"{alias}.c{i}", k) for i, k in enumerate(kinds)]
        spec = self.rng.choices(TABLES, [5, 4, 3, 1])[0]
        return (f"{spec.name} AS {alias}",
                [(f"{alias}.{c.name}", _EXPR_KIND[c.kind]) for c in spec.columns])

    # -- expressions -----------------------------------------------------------------------

    def expr(self, kind: str, scope: Scope, depth: int = 0) -> str:
        """An expression of `kind` over `scope`."""
        if depth >= MAX_EXPR_DEPTH or self.rng.random() < 0.3 + 0.15 * depth:
            return self._leaf(kind, scope)
        return getattr(self, f"_{kind}_expr")(scope, depth + 1)

    def _leaf(self, kind: str, scope: Scope) -> str:
        r = self.rng.random()
        if scope.rows is not None and r < 0.6:
            return self._aggregate(kind, scope.rows)
        outer = scope.outer_of_kind(kind)
        if outer and self.on("correlated", 0.25):
            return self._pick(outer)
        columns = scope.of_kind(kind)
        if columns and r < 0.85:
            return self._pick(columns)
        return self._literal(kind)

    def _literal(self, kind: str) -> str:
        if self.rng.random() < 0.05 and self._null_literals:
            return "NULL"
        return self._pick({
            "int": _INT_LITERALS, "double": _DOUBLE_LITERALS, "varchar": _STRING_LITERALS,
            "date": _DATE_LITERALS, "bool": ["TRUE", "FALSE"],
        }[kind])

    def _aggregate(self, kind: str, rows: Scope) -> str:
        distinct = "DISTINCT " if self.on("aggregate_distinct", 0.15) else ""
        inner = Scope(rows.columns, depth=MAX_QUERY_DEPTH)  # no subqueries inside aggregates
        if kind == "int":
            choice = self.rng.random()
            if choice < 0.3:
                return "count(*)"
            if choice < 0.6:
                return f"count({distinct}{self.expr(self._pick(KINDS), inner, 1)})"
            return f"{self._pick(['sum', 'min', 'max'])}({distinct}{self.expr('int', inner, 1)})"
        if kind == "double":
            arg_kind = self._pick(["int", "double"])
            fn = self._pick(["avg", "sum", "min", "max"] if arg_kind == "double" else ["avg"])
            return f"{fn}({distinct}{self.expr(arg_kind, inner, 1)})"
        if kind == "bool":
            return f"{self._pick(['bool_and', 'bool_or'])}({self.expr('bool', inner, 2)})"
        return f"{self._pick(['min', 'max'])}({distinct}{self.expr(kind, inner, 1)})"

    def _common(self, kind: str, scope: Scope, depth: int) -> str | None:
        """Constructs of any kind: CASE, COALESCE, NULLIF, scalar subqueries."""
        r = self.rng.random()
        if r < 0.08 and self.on("case"):
            whens = " ".join(f"WHEN {self.expr('bool', scope, depth)} THEN "
                             f"{self.expr(kind, scope, depth)}"
                             for _ in range(self.rng.randint(1, 2)))
            default = f" ELSE {self.expr(kind, scope, depth)}" if self.rng.random() < 0.7 else ""
            return f"CASE {whens}{default} END"
        if r < 0.12 and kind != "bool" and self.on("case"):
            subject = self.expr(kind, scope, depth)
            return (f"CASE {subject} WHEN {self._literal(kind)} THEN {self.expr(kind, scope, depth)}"
                    f" ELSE {self.expr(kind, scope, depth)} END")
        if r < 0.18 and self.on("coalesce"):
            args = [self.expr(kind, scope, depth) for _ in range(self.rng.randint(2, 3))]
            return f"coalesce({', '.join(args)})"
        if r < 0.2 and kind != "bool" and self.on("nullif"):
            return f"nullif({self.expr(kind, scope, depth)}, {self.expr(kind, scope, depth)})"
        if r < 0.25 and scope.depth < MAX_QUERY_DEPTH and self.on("scalar_subquery"):
            return self._scalar_subquery(kind, scope)
        return None

    def _int_expr(self, scope: Scope, depth: int) -> str:
        common = self._common("int", scope, depth)
        if common:
            return common
        e = lambda: self.expr("int", scope, depth)  # noqa: E731
        r = self.rng.random()
        if r < 0.35 and self.on("arithmetic"):
            return f"({e()} {self._pick(['+', '-', '*', '%'])} {e()})"
        if r < 0.42 and self.on("integer_division"):
            return f"({e()} // {e()})"
        if r < 0.5 and self.on("arithmetic"):
            return f"(- {e()})"  # a space: "--" would start a comment
        if r < 0.56 and self.on("abs"):
            return f"abs({e()})"
        if r < 0.64 and self.on("string_functions"):
            return f"length({self.expr('varchar', scope, depth)})"
        if r < 0.72 and self.on("extract"):
            part = self._pick(["year", "month", "day", "dow", "doy", "quarter"])
            return f"extract({part} FROM {self.expr('date', scope, depth)})"
        if r < 0.78 and self.on("cast"):
            return f"CAST({self.expr('double', scope, depth)} AS {self._pick(['INTEGER', 'BIGINT'])})"
        if r < 0.84 and self.on("greatest_least"):
            return f"{self._greatest_least()}({e()}, {e()})"
        if r < 0.9 and self.on("date_arith"):
            with self._null_literals_unless("untyped_null_operand"):
                left = self.expr("date", scope, depth)
            return f"({left} - {self.expr('date', scope, depth)})"
        return self._leaf("int", scope)

    def _double_expr(self, scope: Scope, depth: int) -> str:
        common = self._common("double", scope, depth)
        if common:
            return common
        num = lambda: self.expr(self._pick(["int", "double"]), scope, depth)  # noqa: E731
        r = self.rng.random()
        if r < 0.4 and self.on("arithmetic"):
            return f"({self.expr('double', scope, depth)} {self._pick(['+', '-', '*', '/'])} {num()})"
        if r < 0.5 and self.on("arithmetic"):
            return f"({num()} / {num()})"
        if r < 0.6 and self.on("abs"):
            return f"abs({self.expr('double', scope, depth)})"
        if r < 0.7 and self.on("round"):
            fn = self._pick(["round", "ceil", "floor"])
            digits = f", {self.rng.randint(0, 2)}" if fn == "round" else ""
            with self._null_literals_unless(fn != "round" and "untyped_null_operand"):
                argument = self.expr("double", scope, depth)
            return f"{fn}({argument}{digits})"
        if r < 0.8 and self.on("cast"):
            return f"CAST({self.expr('int', scope, depth)} AS DOUBLE)"
        if r < 0.86 and self.on("greatest_least"):
            return (f"{self._greatest_least()}({self.expr('double', scope, depth)}, "
                    f"{self.expr('double', scope, depth)})")
        return self._leaf("double", scope)

    def _varchar_expr(self, scope: Scope, depth: int) -> str:
        common = self._common("varchar", scope, depth)
        if common:
            return common
        s = lambda: self.expr("varchar", scope, depth)  # noqa: E731
        r = self.rng.random()
        if r < 0.3 and self.on("string_functions"):
            fn = self._pick(["upper", "lower", "reverse"])
            return f"{fn}({s()})"
        if r < 0.4 and self.on("trim"):
            return f"{self._pick(['trim', 'ltrim', 'rtrim'])}({s()})"
        if r < 0.55 and self.on("string_functions"):
            return self._pick([f"substring({s()}, {self.rng.randint(0, 3)}, {self.rng.randint(0, 3)})",
                               f"left({s()}, {self.rng.randint(0, 3)})",
                               f"right({s()}, {self.rng.randint(0, 3)})",
                               f"replace({s()}, 'a', 'xy')"])
        if r < 0.62 and self.on("concat_operator"):
            return f"({s()} || {s()})"
        if r < 0.7 and self.on("concat"):
            return f"concat({s()}, {s()})"
        if r < 0.75 and self.on("cast"):
            return f"CAST({self.expr('int', scope, depth)} AS VARCHAR)"
        return self._leaf("varchar", scope)

    def _date_expr(self, scope: Scope, depth: int) -> str:
        common = self._common("date", scope, depth)
        if common:
            return common
        if self.on("date_arith", 0.5):
            n = self._pick(["1", "30", "365", "-1", "0"])
            return f"({self.expr('date', scope, depth)} {self._pick(['+', '-'])} {n})"
        return self._leaf("date", scope)

    def _bool_expr(self, scope: Scope, depth: int) -> str:
        common = self._common("bool", scope, depth) if self.rng.random() < 0.5 else None
        if common:
            return common
        b = lambda: self.expr("bool", scope, depth)  # noqa: E731
        r = self.rng.random()
        if r < 0.3:
            kind = self._pick(["int", "int", "double", "varchar", "date", "bool"])
            op = self._pick(["=", "<>", "<", "<=", ">", ">="])
            return f"({self.expr(kind, scope, depth)} {op} {self.expr(kind, scope, depth)})"
        if r < 0.45:
            return f"({b()} {self._pick(['AND', 'OR'])} {b()})"
        if r < 0.5:
            return f"(NOT {b()})"
        if r < 0.57:
            return f"({self.expr(self._pick(KINDS), scope, depth)} IS {self._pick(['', 'NOT '])}NULL)"
        if r < 0.62 and self.on("between"):
            kind = self._pick(["int", "double", "date", "varchar"])
            e = lambda: self.expr(kind, scope, depth)  # noqa: E731
            return f"({e()} {self._pick(['', 'NOT '])}BETWEEN {e()} AND {e()})"
        if r < 0.68 and self.on("in_list"):
            kind = self._pick(["int", "double", "date", "varchar"])
            values = ", ".join(self._literal(kind) for _ in range(self.rng.randint(1, 4)))
            return f"({self.expr(kind, scope, depth)} {self._pick(['', 'NOT '])}IN ({values}))"
        if r < 0.75 and self.on("like"):
            patterns = _LIKE_PATTERNS + (
                _LIKE_BACKSLASH_PATTERNS if "like_backslash" not in self.excluded else [])
            op = self._pick(["LIKE", "NOT LIKE"] + (["ILIKE"] if self.on("ilike") else []))
            return f"({self.expr('varchar', scope, depth)} {op} {self._pick(patterns)})"
        if r < 0.79 and self.on("is_distinct"):
            kind = self._pick(KINDS)
            return (f"({self.expr(kind, scope, depth)} IS {self._pick(['', 'NOT '])}DISTINCT FROM "
                    f"{self.expr(kind, scope, depth)})")
        if r < 0.85 and scope.depth < MAX_QUERY_DEPTH and scope.rows is None and self.on("exists"):
            return f"({self._pick(['', 'NOT '])}EXISTS ({self._subquery_body(scope)}))"
        if r < 0.9 and scope.depth < MAX_QUERY_DEPTH and scope.rows is None and self.on("in_subquery"):
            kind = self._pick(["int", "varchar", "date", "double"])
            sub, _ = self._subselect(scope, [kind])
            return f"({self.expr(kind, scope, depth)} {self._pick(['', 'NOT '])}IN ({sub}))"
        return self._leaf("bool", scope)

    def _greatest_least(self) -> str:
        return self._pick(["greatest", "least"] if self.on("least") else ["greatest"])

    # -- subqueries ------------------------------------------------------------------------

    def _subquery_scope(self, scope: Scope) -> Scope:
        """The outer columns a subquery of `scope` may name (none when correlation is off)."""
        if "correlated" in self.excluded or scope.rows is not None:
            return Scope([], depth=scope.depth)
        return Scope(scope.columns if scope.rows is None else scope.rows.columns,
                     outer=scope.outer, depth=scope.depth)

    def _subselect(self, scope: Scope, kinds: list[str]) -> tuple[str, list[str]]:
        outer = self._subquery_scope(scope)
        if outer.columns or outer.outer:
            return self._correlated_select(outer, kinds)
        return self.select(scope.depth + 1, kinds=kinds)

    def _correlated_select(self, outer: Scope, kinds: list[str]) -> tuple[str, list[str]]:
        """SELECT items FROM one table WHERE [a correlated equality AND] a predicate."""
        alias = self._alias()
        spec = self.rng.choices(TABLES, [5, 4, 3, 1])[0]
        columns = [(f"{alias}.{c.name}", _EXPR_KIND[c.kind]) for c in spec.columns]
        inner = Scope(columns, outer=outer.columns + outer.outer, depth=outer.depth + 1)
        items = ", ".join(f"{self.expr(k, inner, 1)} AS c{i}" for i, k in enumerate(kinds))
        terms = []
        if self.on("correlated", 0.7):
            pairs = [(i, o) for i, ik in columns for o, ok in inner.outer if ik == ok]
            if pairs:
                terms.append("{} = {}".format(*self._pick(pairs)))
        if self.rng.random() < 0.6:
            terms.append(self.expr("bool", inner, 1))
        where = f" WHERE {' AND '.join(terms)}" if terms else ""
        return f"SELECT {items} FROM {spec.name} AS {alias}{where}", kinds

    def _subquery_body(self, scope: Scope) -> str:
        return self._subselect(scope, [self._pick(KINDS)])[0]

    def _scalar_subquery(self, kind: str, scope: Scope) -> str:
        """One value: an aggregate over a (maybe correlated) subquery, or LIMIT 1."""
        outer = self._subquery_scope(scope)
        alias = self._alias()
        spec = self.rng.choices(TABLES, [5, 4, 3, 1])[0]
        columns = [(f"{alias}.{c.name}", _EXPR_KIND[c.kind]) for c in spec.columns]
        inner = Scope(columns, outer=outer.columns + outer.outer, depth=outer.depth + 1)
        terms = []
        if inner.outer and self.on("correlated", 0.6):
            pairs = [(i, o) for i, ik in columns for o, ok in inner.outer if ik == ok]
            if pairs:
                terms.append("{} = {}".format(*self._pick(pairs)))
        if self.rng.random() < 0.5:
            terms.append(self.expr("bool", inner, 1))
        where = f" WHERE {' AND '.join(terms)}" if terms else ""
        if not inner.outer and self.rng.random() < 0.3:
            value = self.expr(kind, Scope(columns, depth=MAX_QUERY_DEPTH), 1)
            order = f" ORDER BY 1{self._pick(['', ' DESC'])} NULLS LAST LIMIT 1"
            return f"(SELECT {value} AS c0 FROM {spec.name} AS {alias}{where}{order})"
        value = self._aggregate(kind, Scope(columns, depth=MAX_QUERY_DEPTH))
        return f"(SELECT {value} AS c0 FROM {spec.name} AS {alias}{where})"
