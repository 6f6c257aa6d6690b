"""GROUP BY with GROUPING SETS, ROLLUP and CUBE: the distinct key expressions and, per grouping
set, the positions of the keys it groups by.

The items of a GROUP BY combine as a cross product, as in DuckDB: `GROUP BY a, ROLLUP (b, c)`
is the sets (a, b, c), (a, b), (a). Sets written twice are kept twice (their rows appear twice).
"""

from __future__ import annotations

import itertools

from sqlglot import exp

from tqp.errors import NotSupportedError

# CUBE over n keys makes 2^n sets; DuckDB's own limit on the number of sets is of this order.
MAX_SETS = 4096


def expand(group: exp.Group, key) -> tuple[list[exp.Expression], tuple[tuple[int, ...], ...] | None]:
    """(key expressions, sets) of a GROUP BY clause; sets is None for a plain GROUP BY.

    `key` maps one written key (a position, an alias, an expression) to the expression grouped
    by."""
    items = list(group.expressions)
    for kind in ("grouping_sets", "cube", "rollup"):
        items += list(group.args.get(kind) or [])
    if group.args.get("totals"):
        raise NotSupportedError("GROUP BY ... WITH TOTALS")
    if not any(isinstance(i, (exp.GroupingSets, exp.Cube, exp.Rollup)) for i in items):
        return [key(i) for i in items], None
    keys: list[exp.Expression] = []

    def position(e: exp.Expression) -> int:
        e = key(e)
        for i, k in enumerate(keys):
            if k == e:
                return i
        keys.append(e)
        return len(keys) - 1

    sets = [()]
    for item in items:
        options = _sets(item, position)
        sets = [a + b for a, b in itertools.product(sets, options)]
        if len(sets) > MAX_SETS:
            raise NotSupportedError(f"more than {MAX_SETS} grouping sets")
    return keys, tuple(tuple(sorted(set(s))) for s in sets)


def _members(item: exp.Expression) -> list[exp.Expression]:
    """The keys of one element of a set list: `(a, b)`, `(a)`, `()` or `a`."""
    if isinstance(item, exp.Tuple):
        return list(item.expressions)
    if isinstance(item, exp.Paren):
        return _members(item.this)
    return [item]


def _sets(item: exp.Expression, position) -> list[tuple[int, ...]]:
    """The sets one GROUP BY item stands for, as tuples of key positions."""
    if isinstance(item, exp.Rollup):
        parts = [tuple(position(m) for m in _members(e)) for e in item.expressions]
        return [sum(parts[:n], ()) for n in range(len(parts), -1, -1)]
    if isinstance(item, exp.Cube):
        parts = [tuple(position(m) for m in _members(e)) for e in item.expressions]
        if len(parts) > 12:
            raise NotSupportedError(f"CUBE over {len(parts)} keys")
        return [sum((p for p, on in zip(parts, mask) if on), ())
                for mask in itertools.product((True, False), repeat=len(parts))]
    if isinstance(item, exp.GroupingSets):
        result = []
        for element in item.expressions:
            if isinstance(element, (exp.Rollup, exp.Cube, exp.GroupingSets)):
                result += _sets(element, position)
            else:
                result.append(tuple(position(m) for m in _members(element)))
        return result
    return [tuple(position(m) for m in _members(item))]
