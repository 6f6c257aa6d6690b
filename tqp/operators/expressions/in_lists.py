"""`x IN (c1, c2, ...)` over many constants: one sorted lookup instead of a chain of `=`/`OR`.

A list of integer or string literals is read once into a `ConstantList` held by the `IN` node
(`compact_in_lists`, right after parsing), so that the optimizer's copies and walks of the tree
do not visit a hundred thousand literal nodes, and is then matched with `torch.isin` (a sort
and a binary search on the device).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc
import torch
from sqlglot import exp

from tqp.operators.expressions.coerce import align, gather_map
from tqp.operators.keys import float_key
from tqp.storage import dictionary as dicts
from tqp.storage.column import Column
from tqp.types import FLOAT_TYPES, DataType

# Shorter lists keep their literal nodes and the per-item comparisons (cheap, and their SQL
# text stays readable in EXPLAIN).
COMPACT_MIN_ITEMS = 64
# Lists from this many items are looked up (`lookup`) rather than compared item by item. A
# string list is looked up from two: its membership is found once per dictionary entry, and a
# gather by code is one pass over the rows where two comparisons and an OR are three (6M rows,
# 2 threads: 2.8 ms against 4.9).
LOOKUP_MIN_ITEMS = 8
STRING_LOOKUP_MIN_ITEMS = 2


@dataclass(frozen=True)
class ConstantList:
    """The items of an IN list of literals: integers or strings, NULLs counted apart."""

    values: tuple
    is_string: bool
    has_null: bool

    def __len__(self) -> int:
        return len(self.values) + int(self.has_null)

    def __deepcopy__(self, memo) -> ConstantList:  # immutable: copies of a tree share it
        return self


def constant_list(node: exp.In) -> ConstantList | None:
    """The constants of `node` when every item is an integer literal, a string literal or NULL
    (all integers or all strings); None otherwise."""
    known = node.args.get("constants")
    if known is not None or node.args.get("query") is not None:
        return known
    values, kinds, has_null = [], set(), False
    for item in node.expressions:
        if isinstance(item, exp.Null):
            has_null = True
            continue
        negative = isinstance(item, exp.Neg)
        literal = item.this if negative else item
        if not isinstance(literal, exp.Literal):
            return None
        if literal.is_string and not negative:
            values.append(literal.this)
            kinds.add(str)
        elif literal.is_int:
            values.append(-int(literal.this) if negative else int(literal.this))
            kinds.add(int)
        else:
            return None
    if len(kinds) != 1 or not all(-2**63 <= v < 2**63 for v in values if isinstance(v, int)):
        return None
    return ConstantList(tuple(values), kinds == {str}, has_null)


def compact_in_lists(tree: exp.Expression, lifted: dict[str, ConstantList] | None = None
                     ) -> exp.Expression:
    """Replace the items of every long IN list of literals by one `ConstantList` (in place).
    With `lifted`, only the lists `lift_in_lists` took out of the text, by placeholder name."""
    for node in list(tree.find_all(exp.In)):
        if lifted is not None:
            items = node.expressions
            name = items[0].name if len(items) == 1 and isinstance(items[0], exp.Column) else None
            constants = lifted.get(name)
        elif len(node.expressions) >= COMPACT_MIN_ITEMS:
            constants = constant_list(node)
        else:
            constants = None
        if constants is not None:
            # One Var in place of the items, so that EXPLAIN and output names show the size.
            node.set("expressions", [exp.Var(this=f"<{len(constants)} constants>")])
            node.set("constants", constants)
    return tree


def item_count(node: exp.In) -> int:
    """How many items `node`'s list holds, compacted or not."""
    constants = node.args.get("constants")
    return len(node.expressions) if constants is None else len(constants)


def _as_column(constants: ConstantList, device: torch.device) -> Column:
    if constants.is_string:
        codes, dictionary = dicts.encode(pa.array(constants.values, dicts.STRING))
        return Column(dicts.to_device_map(codes, device), DataType.VARCHAR, None, dictionary)
    values = torch.tensor(constants.values, dtype=torch.int64, device=device)
    narrow = all(-2**31 <= v < 2**31 for v in constants.values)
    return Column(values.int() if narrow else values,
                  DataType.INTEGER if narrow else DataType.BIGINT, None)


def _member(values: torch.Tensor, constants: torch.Tensor) -> torch.Tensor:
    """values[i] in constants, by a binary search in the sorted constants."""
    if not len(constants):
        return torch.zeros(len(values), dtype=torch.bool, device=values.device)
    ordered = torch.sort(constants.to(values.dtype)).values
    at = torch.searchsorted(ordered, values).clamp_(max=len(ordered) - 1)
    return ordered[at] == values


def worth_lookup(value: Column, constants: ConstantList) -> bool:
    """Is `value IN constants` looked up rather than compared item by item?"""
    if value.type is DataType.VARCHAR and constants.is_string:
        return len(constants) >= STRING_LOOKUP_MIN_ITEMS
    return len(constants) >= LOOKUP_MIN_ITEMS


def lookup(value: Column, constants: ConstantList, what) -> Column | None:
    """`value IN constants` with SQL's NULL rule (TRUE on a match; NULL when `value` is NULL
    or, without a match, when the list holds a NULL); None where the common type is not
    compared by value (a NULL column), for the caller's per-item comparison."""
    if value.type is DataType.NULL:
        return None
    if value.type is DataType.VARCHAR and constants.is_string:  # once per dictionary entry
        hits = pc.is_in(value.dictionary.cast(dicts.STRING), value_set=pa.array(constants.values, dicts.STRING))
        found = gather_map(hits.to_numpy(zero_copy_only=False), value.values)
        return _with_nulls(found, value.valid, constants)
    left, right = align([value, _as_column(constants, value.device)], what)
    a, b = left.values, right.values
    if left.type in FLOAT_TYPES:  # SQL's equality of doubles: -0.0 = 0.0, NaN = NaN
        a, b = float_key(a), float_key(b)
    return _with_nulls(_member(a.contiguous(), b), left.valid, constants)


def _with_nulls(found: torch.Tensor, valid: torch.Tensor | None,
                constants: ConstantList) -> Column:
    """IN's result: NULL for a NULL value (`valid` False; None: no NULLs), and without a match
    when the list holds a NULL."""
    if constants.has_null:
        valid = found if valid is None else valid & found
    elif valid is None:
        return Column(found, DataType.BOOLEAN, None)
    return Column(found, DataType.BOOLEAN, None if bool(valid.all()) else valid)


# A long IN list costs sqlglot's tokenizer and parser a node per item (seconds for 100,000
# items), so such lists are cut out of the SQL text before parsing: a scan that skips strings,
# quoted names and comments finds `IN (` followed by integer or string literals only.
_ITEM = r"(?:-?\d+|'(?:[^']|'')*'|NULL\b)"
_SCAN = re.compile(
    r"(?P<skip>'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|/\*.*?\*/)"
    rf"|(?P<head>\bIN\s*\()(?P<items>\s*{_ITEM}\s*(?:,\s*{_ITEM}\s*){{{COMPACT_MIN_ITEMS - 1},}})\)",
    re.IGNORECASE | re.DOTALL)
_ITEMS = re.compile(_ITEM, re.IGNORECASE)
PLACEHOLDER = "__tqp_in_list_"
LIFT_MIN_CHARS = 4096


def lift_in_lists(sql: str) -> tuple[str, dict[str, ConstantList]]:
    """`sql` with every long IN list of integer or string literals replaced by a placeholder
    name, and the lists by name (see `compact_in_lists`, which puts them back)."""
    if len(sql) < LIFT_MIN_CHARS:
        return sql, {}
    lists: dict[str, ConstantList] = {}

    def replace(match: re.Match) -> str:
        if match.group("skip") is not None:
            return match.group(0)
        texts = _ITEMS.findall(match.group("items"))
        has_null = any(t.upper() == "NULL" for t in texts)
        texts = [t for t in texts if t.upper() != "NULL"]
        strings = [t.startswith("'") for t in texts]
        if not texts or (any(strings) and not all(strings)):
            return match.group(0)
        if strings[0]:
            values = tuple(t[1:-1].replace("''", "'") for t in texts)
        else:
            values = tuple(int(t) for t in texts)
            if not all(-2**63 <= v < 2**63 for v in values):
                return match.group(0)
        name = f"{PLACEHOLDER}{len(lists)}"
        lists[name] = ConstantList(values, strings[0], has_null)
        return f"{match.group('head')}{name})"

    return _SCAN.sub(replace, sql), lists
