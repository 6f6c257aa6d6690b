"""Checks of the corpus itself, against DuckDB only: big enough, named, parseable, runnable,
deterministic, bounded, and covering every construct the engine has to support."""

from __future__ import annotations

import functools
import re
from collections import Counter

import duckdb
import numpy as np
import pyarrow as pa
import pytest
import sqlglot
from sqlglot import exp

from tests.oracle import assert_same_result, is_ordered
from tests.sql.fixtures import CORPUS_DIR, extra_tables, load_corpus, parse_corpus_file

QUERIES = load_corpus()
IDS = [q.id for q in QUERIES]
MAX_ROWS = 2000
_NAME = re.compile(r"^[a-z0-9_]+$")


def _arrow(con, sql: str) -> pa.Table:
    relation = con.sql(sql)
    for method in ("to_arrow_table", "fetch_arrow_table", "arrow"):  # across duckdb versions
        if hasattr(relation, method):
            return getattr(relation, method)()
    raise AssertionError(f"no way to fetch Arrow from duckdb {duckdb.__version__}")


def _shuffled(table: pa.Table, seed: int) -> pa.Table:
    schema = pa.schema([pa.field(f.name, pa.string() if pa.types.is_string_view(f.type) else f.type)
                        for f in table.schema])
    order = np.random.default_rng(seed).permutation(table.num_rows)
    return table.cast(schema).take(pa.array(order))


@pytest.fixture(scope="module")
def duck_pair(tpch_tables):
    """Two private DuckDB connections: the data as is on one thread, and shuffled on four."""
    tables = {**tpch_tables, **extra_tables()}
    plain, shuffled = duckdb.connect(), duckdb.connect()
    plain.execute("SET threads TO 1")
    shuffled.execute("SET threads TO 4")
    for con in (plain, shuffled):
        con.execute("SET TimeZone = 'UTC'")  # tqp's session time zone
    for name, table in tables.items():
        plain.register(name, table)
        shuffled.register(name, _shuffled(table, seed=7))
    yield plain, shuffled
    plain.close()
    shuffled.close()


@pytest.fixture(scope="module")
def duck_results(duck_pair):
    """query id -> (answer on the plain data, answer on the shuffled data), computed on demand."""
    plain, shuffled = duck_pair

    @functools.cache
    def run(query_id: str):
        query = QUERIES[IDS.index(query_id)]
        answers = []
        for con in (plain, shuffled):
            for statement in query.setup:
                con.execute(statement)
            answers.append(_arrow(con, query.sql))
        return tuple(answers)

    return run


def test_corpus_is_big_enough():
    assert len(QUERIES) >= 150, len(QUERIES)
    files = Counter(q.file for q in QUERIES)
    assert len(files) >= 8, files


def test_names_are_unique_and_tidy():
    for path in sorted(CORPUS_DIR.glob("*.sql")):
        names = [q.name for q in parse_corpus_file(path)]
        duplicates = [n for n, c in Counter(names).items() if c > 1]
        assert not duplicates, f"{path.name}: duplicate names {duplicates}"
        bad = [n for n in names if not _NAME.match(n)]
        assert not bad, f"{path.name}: names should be lower_snake_case: {bad}"
    assert len(set(IDS)) == len(IDS)


def test_every_entry_is_found():
    """Each file has as many `-- name:` lines as entries, and every query ends with `;`."""
    for path in sorted(CORPUS_DIR.glob("*.sql")):
        text = path.read_text()
        assert text.count("-- name:") == len(parse_corpus_file(path)), path.name
        for query in parse_corpus_file(path):
            assert ";" not in query.sql, f"{query.id}: two statements glued together"


@pytest.mark.parametrize("query", QUERIES, ids=IDS)
def test_parses_with_sqlglot(query):
    for statement in query.setup:
        tree = sqlglot.parse_one(statement, read="duckdb")
        assert isinstance(tree, exp.Create) and tree.kind == "VIEW", (
            f"{query.id}: setup statements may only create views")
        assert tree.args.get("replace"), f"{query.id}: use `create or replace view`"
    tree = sqlglot.parse_one(query.sql, read="duckdb")
    assert isinstance(tree, exp.Query), f"{query.id}: the last statement must be a query"
    is_ordered(query.sql)
    if tree.args.get("limit") is not None or tree.args.get("offset") is not None:
        assert tree.args.get("order") is not None, f"{query.id}: LIMIT/OFFSET without ORDER BY"


@pytest.mark.parametrize("query", QUERIES, ids=IDS)
def test_runs_on_duckdb_deterministically(query, duck_results):
    plain, shuffled = duck_results(query.id)
    assert plain.num_rows <= MAX_ROWS, f"{query.id}: {plain.num_rows} rows; aggregate or LIMIT it"
    # Same answer on shuffled input with more threads: an ORDER BY that is not a total order
    # (or a LIMIT that cuts through ties) shows up here.
    assert_same_result(shuffled, plain, is_ordered(query.sql), context=query.id)


def test_some_results_are_empty(duck_results):
    empty = [q.id for q in QUERIES if duck_results(q.id)[0].num_rows == 0]
    assert 0.03 * len(QUERIES) <= len(empty) <= 0.15 * len(QUERIES), empty


# --- coverage of the constructs the issue lists ---

def _nodes(query):
    trees = [sqlglot.parse_one(s, read="duckdb") for s in (*query.setup, query.sql)]
    return trees, [node for tree in trees for node in tree.walk()]


def _is_correlated(select: exp.Select, schema: dict[str, set[str]]) -> bool:
    """A subquery that names a column its own FROM tables do not have (so: from outside)."""
    local_aliases, local_columns = set(), set()
    for table in select.find_all(exp.Table):
        local_aliases.add(table.alias_or_name)
        local_columns |= schema.get(table.name, set())
    for column in select.find_all(exp.Column):
        if column.table:
            if column.table not in local_aliases:
                return True
        elif column.name not in local_columns and schema.get("*", set()) & {column.name}:
            return True
    return False


def _coverage(tpch_tables) -> Counter:
    schema = {name: set(t.column_names) for name, t in {**tpch_tables, **extra_tables()}.items()}
    schema["*"] = set().union(*schema.values())
    covered = Counter()
    for query in QUERIES:
        trees, nodes = _nodes(query)
        low = " ".join("\n".join((*query.setup, query.sql)).lower().split())
        types = {type(n) for n in nodes}
        joins = [n for n in nodes if isinstance(n, exp.Join)]
        subqueries = [n for n in nodes if isinstance(n, exp.Subquery) and isinstance(n.this, exp.Select)]
        nested = [n.this for n in subqueries] + [n.this for n in nodes if isinstance(n, exp.Exists)] + [
            n.args["query"].this for n in nodes if isinstance(n, exp.In) and n.args.get("query")]
        scalar = [s for s in subqueries if not isinstance(s.parent, (exp.From, exp.Join, exp.In))]
        checks = {
            "scalar subquery, uncorrelated": any(not _is_correlated(s.this, schema) for s in scalar),
            "scalar subquery, correlated": any(_is_correlated(s.this, schema) for s in scalar),
            "correlated EXISTS/IN": any(_is_correlated(s, schema) for s in nested if s not in
                                        [x.this for x in scalar]),
            "EXISTS": exp.Exists in types and "not exists" not in low,
            "NOT EXISTS": "not exists" in low,
            "IN subquery": any(isinstance(n, exp.In) and n.args.get("query") for n in nodes),
            "NOT IN subquery": bool(re.search(r"not in \((select|with)", low)),
            "NOT IN subquery over NULLs": bool(re.search(r"not in \(select \w+ from t_", low)),
            "subquery in SELECT": any(isinstance(n.parent, exp.Select) and n in n.parent.expressions
                                      or isinstance(n.parent, exp.Alias) and isinstance(n.parent.parent, exp.Select)
                                      for n in nodes if isinstance(n, (exp.Subquery, exp.Exists, exp.In))
                                      and (not isinstance(n, exp.In) or n.args.get("query"))),
            "subquery in WHERE": any(isinstance(n, exp.Where) and any(
                isinstance(x, (exp.Subquery, exp.Exists)) for x in n.walk()) for n in nodes),
            "subquery in HAVING": any(isinstance(n, exp.Having) and n.find(exp.Subquery) for n in nodes),
            "derived table": any(isinstance(s.parent, (exp.From, exp.Join)) for s in subqueries),
            "CTE": exp.With in types,
            "view": any(isinstance(t, exp.Create) for t in trees),
            "JOIN ... ON": any(j.args.get("on") for j in joins),
            "comma join": any(not j.args.get("on") and not j.side and not j.kind for j in joins),
            "LEFT JOIN": any(j.side == "LEFT" for j in joins),
            "RIGHT JOIN": any(j.side == "RIGHT" for j in joins),
            "FULL JOIN": any(j.side == "FULL" for j in joins),
            "outer join with more than the keys": any(
                j.side and isinstance(j.args.get("on"), (exp.And, exp.Or)) for j in joins),
            "self-join": any(len([t.name for t in tree.find_all(exp.Table)]) >
                             len({t.name for t in tree.find_all(exp.Table)}) for tree in trees),
            "join on several keys": any(j.args.get("on") is not None and
                                        len(list(j.args["on"].find_all(exp.EQ))) >= 2 for j in joins),
            "join on string keys": any(j.args.get("on") is not None and any(
                re.search(r"(name|s|container|segment|type)$", eq.this.name or "")
                for eq in j.args["on"].find_all(exp.EQ) if isinstance(eq.this, exp.Column)) for j in joins),
            "many-table join": any(isinstance(n, exp.Select) and len(n.args.get("joins") or []) >= 4
                                   for n in nodes),
            "COUNT(DISTINCT)": any(isinstance(n, exp.Count) and isinstance(n.this, exp.Distinct)
                                   for n in nodes),
            "aggregate over expression": any(isinstance(n, (exp.Sum, exp.Avg, exp.Min, exp.Max))
                                             and not isinstance(n.this, exp.Column) for n in nodes),
            "aggregate of empty input": "t_empty" in low or "empty" in query.name,
            "GROUP BY ordinal": any(isinstance(n, exp.Group) and any(
                isinstance(e, exp.Literal) for e in n.expressions) for n in nodes),
            "HAVING": exp.Having in types,
            "UNION": any(isinstance(n, exp.Union) and n.args.get("distinct") for n in nodes),
            "UNION ALL": any(isinstance(n, exp.Union) and not n.args.get("distinct") for n in nodes),
            "INTERSECT": exp.Intersect in types,
            "EXCEPT": exp.Except in types,
            "SELECT DISTINCT": any(isinstance(n, exp.Select) and n.args.get("distinct") for n in nodes),
            "LIMIT": exp.Limit in types,
            "OFFSET": exp.Offset in types,
            "SUBSTRING": exp.Substring in types,
            "UPPER": exp.Upper in types,
            "LOWER": exp.Lower in types,
            "LENGTH": exp.Length in types,
            "||": exp.DPipe in types,
            "TRIM": exp.Trim in types,
            "LIKE with _": any(isinstance(n, exp.Like) and "_" in n.expression.sql() for n in nodes),
            "LIKE with %": any(isinstance(n, exp.Like) and "%" in n.expression.sql() for n in nodes),
            "ILIKE": exp.ILike in types,
            "DATE_TRUNC": bool({exp.TimestampTrunc, exp.DateTrunc} & types),
            "ROUND": exp.Round in types,
            "ABS": exp.Abs in types,
            "CAST": exp.Cast in types,
            "division /": exp.Div in types,
            "integer division //": exp.IntDiv in types,
            "COALESCE": exp.Coalesce in types,
            "NULLIF": exp.Nullif in types,
            "CASE": exp.Case in types,
            "CASE ... THEN NULL": any(isinstance(n, exp.If) and isinstance(n.args.get("true"), exp.Null)
                                      for n in nodes),
            "BETWEEN": exp.Between in types,
            "IN list": any(isinstance(n, exp.In) and n.expressions for n in nodes),
            "IS NULL": " is null" in low,
            "IS NOT NULL": " is not null" in low,
            "NULLS FIRST": "nulls first" in low,
            "NULLS LAST": "nulls last" in low,
            "default NULL ordering": bool(re.search(r"\bt_nulls\b", low)) and exp.Ordered in types
            and not re.search(r"\bnulls (first|last)\b", low),
            "NULL-bearing fixture tables": bool(re.search(r"\bt_(nulls|left|right|keys|names|str)\b", low)),
        }
        for unit in ("YEAR", "MONTH", "DAY", "QUARTER"):
            checks[f"EXTRACT {unit}"] = any(isinstance(n, exp.Extract) and n.this.name.upper() == unit
                                            for n in nodes)
        for unit in ("DAY", "MONTH", "YEAR"):
            checks[f"+/- INTERVAL {unit}"] = any(isinstance(n, exp.Interval) and n.unit is not None
                                                 and n.unit.name.upper() == unit for n in nodes)
        for name, hit in checks.items():
            covered[name] += bool(hit)  # zero counts stay listed
    return covered


def test_every_construct_is_covered(tpch_tables):
    covered = _coverage(tpch_tables)
    missing = sorted(name for name, count in covered.items() if count < 1)
    assert not missing, f"constructs no corpus query covers: {missing}"
