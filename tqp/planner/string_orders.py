"""How much order each scanned string column needs from its dictionary.

A VARCHAR column is int32 codes into a dictionary. A sorted dictionary (code order is string
order) is what comparisons, sorts and MIN/MAX on codes need, and sorting it is the dominant
cost of reading a near-unique string column. Most string columns need less:
- one only compared for equality (a GROUP BY key, DISTINCT, COUNT) needs a duplicate-free
  dictionary in any order: equal strings, equal codes. Hashing gives that without a sort
  (`UNIQUE`);
- one read only as the operand of LIKE/ILIKE or of a string function evaluated once per
  dictionary entry (SUBSTRING, LEFT, RIGHT, UPPER, LOWER, TRIM, REVERSE, LENGTH) needs neither:
  each row may keep its own entry (`AS_READ`). The function's result is a column of its own,
  with a dictionary of its own, whatever its uses need (sorting 1.5M near-unique phone numbers
  to take their first two characters cost 2.4 s);
- so does one only returned, or carried to the result through joins, sorts, filters and
  aggregates that give one row's value (ANY_VALUE, FIRST, LAST): what takes a query's result
  (its conversion to Arrow, for the user or for a table created from it) takes each row's
  string, not its code. A query returning the top 20 rows of a large table need not hash
  that table's near-unique text columns on their way in.

The analysis is by column name (plan column names are unique) and conservative: a column met
anywhere this module does not understand needs `SORTED`. A name a projection or an aggregate
key gives to a bare column passes its needs on to that column.
"""

from __future__ import annotations

from sqlglot import exp

from tqp.planner.logical import (Aggregate, Distinct, Filter, Join, Limit, MarkJoin, MultiJoin,
                                 Plan, Project, ScalarApply, Scan, Sort)
from tqp.storage.dictionary import AS_READ, ORDERS, SORTED, UNIQUE
from tqp.walk import each_node

# Aggregates whose result does not depend on the order of their argument's codes (ANY_VALUE,
# FIRST, LAST give some row's string, whatever code it has).
_EQUALITY_AGGREGATES = frozenset({"count", "count_star", "any_value", "first", "last",
                                  "group_value"})
# Of those, the ones whose result is a value of their argument, dictionary and all: what their
# result needs, the argument needs.
_PASSING_AGGREGATES = frozenset({"any_value", "first", "last", "group_value"})

# How strongly each order binds: a use needing more (earlier in ORDERS) wins.
_RANK = {order: len(ORDERS) - i for i, order in enumerate(ORDERS)}


def string_orders(plan: Plan) -> dict[str, str]:
    """For the scanned columns of `plan` (names `binding.field`) that need less than a sorted
    dictionary: `UNIQUE` or `AS_READ` (see the module docstring). Columns not named need
    `SORTED`; so do all whose type is not a string: the scan only applies it to strings."""
    needs: dict[str, str] = {}
    aliases: list[tuple[str, str]] = []  # (name given, bare column it names)
    scanned: set[str] = set()

    def need(name: str, order: str) -> None:
        if name not in needs or _RANK[order] > _RANK[needs[name]]:
            needs[name] = order

    for node in each_node(plan):
        if isinstance(node, Scan):
            scanned.update(node.columns)
        elif not _understood(node, need, aliases):
            # Whatever it reads (its expressions read only its inputs' columns) or makes.
            for name in (*node.columns, *(c for child in node.children for c in child.columns)):
                need(name, SORTED)
    changed = True
    while changed:  # a name's needs flow to the column it names
        changed = False
        for given, named in aliases:
            if given in needs:
                before = needs.get(named)
                need(named, needs[given])
                changed |= needs[named] != before
    return {name: needs.get(name, AS_READ) for name in scanned
            if needs.get(name, AS_READ) != SORTED}


def _understood(node: Plan, need, aliases: list) -> bool:
    """Record the needs of a node of a kind this module understands; False for other kinds."""
    if isinstance(node, Filter):
        _sorted((node.condition,), need)
        return True
    if isinstance(node, Project):
        for name, expression in node.exprs:
            _read(expression, name, need, aliases)
        return True
    if isinstance(node, Aggregate):
        for name, expression in node.keys:
            _read(expression, name, need, aliases, bare=UNIQUE)
        for name, call in node.aggregates:
            equality = call.func in _EQUALITY_AGGREGATES and not call.order
            if equality and call.func in _PASSING_AGGREGATES and \
                    isinstance(call.arg, exp.Column) and len(call.expressions()) == 1:
                aliases.append((name, call.arg.name))  # one row's value: its result's needs
                continue
            for expression in call.expressions():
                bare = isinstance(expression, exp.Column) and expression is call.arg
                for column in expression.find_all(exp.Column):
                    need(column.name, _order_read(column, UNIQUE if equality and bare
                                                  else SORTED))
            if call.func in _PASSING_AGGREGATES and isinstance(call.arg, exp.Column):
                aliases.append((name, call.arg.name))  # its result is one of the arg's values
        return True
    if isinstance(node, Distinct):
        for name in node.columns:
            need(name, UNIQUE)
        return True
    if isinstance(node, Sort):
        _sorted(tuple(k.expr for k in node.keys), need)
        return True
    if isinstance(node, Limit):
        return True
    if isinstance(node, Join):  # keys and conditions: compared, keep order
        _sorted(node.left_keys + node.right_keys + (node.residual,), need)
        return True
    if isinstance(node, MultiJoin):
        _sorted(node.conditions, need)
        return True
    if isinstance(node, MarkJoin):  # keys and condition compared; the left's rows pass through
        _sorted(node.left_keys + node.right_keys + (node.residual,), need)
        return True
    if isinstance(node, ScalarApply):  # the input's rows pass through beside the value
        for name in (*node.subquery.columns, node.name):
            need(name, SORTED)
        return True
    return False


def _sorted(expressions, need) -> None:
    """Every column `expressions` read needs a sorted dictionary (compared, ordered, computed
    on), but for the operands of functions evaluated per dictionary entry."""
    for expression in expressions:
        if expression is not None:
            for column in expression.find_all(exp.Column):
                need(column.name, _order_read(column, SORTED))


def _read(expression: exp.Expression, name: str, need, aliases: list, bare: str | None = None):
    """A projection's or a key's `expression` named `name`: a bare column passes `name`'s needs
    on (and needs `bare` itself); anything computed from columns needs their order."""
    if isinstance(expression, exp.Column):
        aliases.append((name, expression.name))
        if bare is not None:
            need(expression.name, bare)
    else:
        _sorted((expression,), need)


# Functions computed once per entry of their string operand's dictionary (operators/expressions/
# strings.py: `map_strings`, `map_values`), whichever order or repeats the entries have.
_PER_ENTRY = (exp.Like, exp.ILike, exp.Substring, exp.Left, exp.Right, exp.Upper, exp.Lower,
              exp.Trim, exp.Reverse, exp.Length)


def _order_read(column: exp.Column, otherwise: str) -> str:
    """The order `column` needs where it is read: none as the string operand of a function
    evaluated per dictionary entry, else `otherwise`."""
    parent = column.parent
    return AS_READ if isinstance(parent, _PER_ENTRY) and parent.this is column else otherwise
