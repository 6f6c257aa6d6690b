"""The Aggregate operator: group ids from the key columns, then one segment reduction per
aggregate over whole columns: SUM, COUNT, AVG, MIN, MAX, COUNT(DISTINCT), the variances and
standard deviations, BOOL_AND/BOOL_OR, STRING_AGG, GROUPING and the order statistics of
operators/statistics.py. An aggregate's FILTER and inner ORDER BY select and order the rows it
reads; grouping sets run one aggregation per set over the same input."""

from __future__ import annotations

from dataclasses import replace

import torch
from sqlglot import exp

from tqp.errors import DataError, NotSupportedError, ProgrammingError
from tqp.ml.calls import has_model_call
from tqp.operators import group as kernels
from tqp.operators.expressions import column_ref, evaluate, is_constant, user_names
from tqp.operators import list_aggregates, pivot, statistics
from tqp.operators.keys import pack_keys
from tqp.operators.lists import reject_list_keys
from tqp.operators.setops import concat
from tqp.operators.sort import sort_indices
from tqp.operators.string_agg import string_agg
from tqp.planner.logical import AggregateCall
from tqp.storage.column import Batch, Column, normalize_valid
from tqp.storage.gather import gather
from tqp.storage.masks import true_rows
from tqp.storage.wide import is_wide, to_double
from tqp.types import TEMPORAL_TYPES, DataType, sum_type


# The aggregates that take LIST values as they are (the others would compare whole lists).
LIST_ARGUMENTS = frozenset({"count", "list", "first", "last", "any_value", "single",
                            "group_value"})
# The aggregates that can read a filter's mask instead of the filtered rows: a row the filter
# drops is then an input they skip, like a NULL.
MASKABLE = frozenset({"count_star", "count", "sum", "avg", "min", "max"})


def takes_mask(keys, aggregates, sets=None) -> bool:
    """Can `aggregate` run with `keep` for these keys and aggregates? Every aggregate must skip
    NULL inputs, and no expression may call a model (a model scores only the rows the query
    keeps)."""
    expressions = [e for _, e in keys]
    expressions += [e for _, call in aggregates for e in call.expressions()]
    return sets is None and all(
        call.func in MASKABLE and not call.distinct and call.filter is None and not call.order
        for _, call in aggregates) and not any(has_model_call(e) for e in expressions)


def aggregate(keys, aggregates, batch: Batch, keep: torch.Tensor | None = None,
              ran: list | None = None, sets=None) -> Batch:
    """Group `batch` by `keys` (name, expression) and compute `aggregates` (name,
    AggregateCall) per group; with `keep` (see `takes_mask`), only the rows where it is True
    count: the result is that of the filtered batch, without copying its columns first. `keep`
    must hold at least one True (then every group has a kept row). `ran` receives the group
    numbering used. With grouping `sets` (key positions per set), the input is grouped once
    per set and the results are concatenated."""
    read = [e for _, e in keys] + [e for _, call in aggregates for e in call.expressions()]
    inputs = _Inputs(batch, read, reuse=sets is not None)
    columns = [inputs.of(e) for _, e in keys]
    if sets is None:
        return _aggregate_set(keys, aggregates, inputs, columns, tuple(range(len(columns))),
                              keep, ran)
    result = None
    for present in sets:  # a loop over the grouping sets, each a whole-column aggregation
        part = _aggregate_set(keys, aggregates, inputs, columns, present, None, None)
        result = part if result is None else concat(result, part, result.names)
    return result


class _Inputs:
    """The values of the keys and the aggregates' expressions over the input batch. Each is
    computed where it is read and freed after it (less memory held), except those read again:
    an expression read twice (SUM(x) and AVG(x)) or inside another one read (`a * b` in
    `a * b * c`), or with `reuse` (grouping sets, which all read every one) all of them. Those
    are computed once and kept, and a kept one stands in for its occurrences inside the
    expressions read after it. Every expression read is evaluated over all rows, so reading
    a kept value instead raises nothing the expression would not."""

    PREFIX = "$shared"

    def __init__(self, batch: Batch, expressions, reuse: bool):
        self.batch, self.num_rows, self.reuse = batch, batch.num_rows, reuse
        self._parts = _common_parts(expressions)
        self._shared = (set() if reuse else _read_again(expressions)) | \
            {p for parts in self._parts.values() for p in parts}
        self._known: dict[exp.Expression, Column] = {}

    def of(self, expression) -> Column:
        known = self._known.get(expression)
        if known is not None:
            return known
        for part in self._parts.get(expression, ()):  # innermost first
            self.of(part)
        if self._known and not isinstance(expression, exp.Column):
            names = {e: f"{self.PREFIX}{i}" for i, e in enumerate(self._known)}
            value = evaluate(
                expression.transform(lambda n: column_ref(names[n]) if n in names else n),
                self.batch.with_columns({names[e]: c for e, c in self._known.items()}))
        else:
            value = evaluate(expression, self.batch)
        if (self.reuse or expression in self._shared) and not _fixed(expression):
            self._known[expression] = value
        return value


class _KeptInputs:
    """`inputs` read with the rows that `keep` drops as NULLs (an aggregate with no keys reads
    the filter's mask this way). A column with no NULLs takes `keep` itself as its validity,
    so the aggregates over such columns share one count."""

    def __init__(self, inputs: _Inputs, keep: torch.Tensor):
        self.inputs, self.keep = inputs, keep
        self.batch, self.num_rows = inputs.batch, inputs.num_rows

    def of(self, expression) -> Column:
        column = self.inputs.of(expression)
        return replace(column, valid=self.keep if column.valid is None
                       else column.valid & self.keep)


def _common_parts(expressions) -> dict[exp.Expression, list[exp.Expression]]:
    """Per expression read, the computed subexpressions inside it that occur twice among the
    expressions (`a - b` in `CASE WHEN a - b <= 30 ...` and `CASE WHEN a - b > 30 ...`),
    innermost first: computed once and read again. Only parts that every row evaluates count
    (not a CASE branch, a later COALESCE argument, or the right side of AND/OR, which may run
    on some rows only and raise on others)."""
    found = {e: list(_evaluated_parts(e)) for e in expressions
             if not isinstance(e, exp.Column) and not is_constant(e)}
    counts: dict[exp.Expression, int] = {}
    for parts in found.values():
        for part in parts:
            counts[part] = counts.get(part, 0) + 1
    common = {e: [p for p in parts if counts[p] > 1] for e, parts in found.items()}
    return {e: parts for e, parts in common.items() if parts}


def _evaluated_parts(node: exp.Expression):
    """The computed subexpressions below `node` that are evaluated on every row `node` is,
    children before parents."""
    if isinstance(node, exp.Case):
        ifs = node.args.get("ifs") or []
        children = [node.this] + ([ifs[0].this] if ifs else [])
    elif isinstance(node, (exp.If, exp.Coalesce, exp.And, exp.Or)):
        children = [node.this]
    else:
        children = list(node.iter_expressions())
    for child in children:
        if child is None or isinstance(child, (exp.Column, exp.Identifier, exp.Literal)) or \
                is_constant(child):
            continue
        yield from _evaluated_parts(child)
        yield child


def _fixed(expression: exp.Expression) -> bool:
    """Is `expression` a literal or a constant? Such a value is not kept to stand in for its
    occurrences: it costs nothing to compute again, and a constant expression around such an
    occurrence is evaluated on one row with no columns (see `evaluate`), where a kept value,
    read as a column, is not (`-1` in `k + -1` once the `1` of `count(1)` is kept)."""
    return isinstance(expression, exp.Literal) or is_constant(expression)


def _read_again(expressions) -> set:
    """The computed expressions among `expressions` that are read twice, or inside another of
    them (bare columns and constants cost nothing to read again)."""
    computed = [e for e in expressions if not isinstance(e, exp.Column) and not _fixed(e)]
    seen, again = set(), set()
    for e in computed:
        (again if e in seen else seen).add(e)
    for e in computed:
        again.update(n for n in e.walk() if n is not e and n in seen)
    return again


def _aggregate_set(keys, aggregates, inputs: _Inputs, columns: list[Column],
                   present: tuple[int, ...], keep: torch.Tensor | None, ran) -> Batch:
    """The aggregation grouped by the keys at positions `present`, the others NULL."""
    device = inputs.batch.device
    reject_list_keys([columns[i] for i in present], "GROUP BY")
    used = _numbered_keys([columns[i] for i in present])
    # Equal intervals may be written apart ('1 month', '30 days'): a group shows its first
    # row's, as DuckDB does
    intervals = any(columns[i].type is DataType.INTERVAL for i in present)
    numbering = kernels.key_slots(used, keep) if used and _reads_slots(aggregates) \
        and not intervals else None
    rows = None  # with no keys, the rows `keep` lets through
    if numbering is not None:  # reduced over the key range, then its occupied slots picked
        ids, slots, first, pick = numbering.ids, numbering.size, numbering.first, \
            numbering.occupied
        groups = pick.numel()
        if ran is not None:
            ran.append("by key range")
    else:
        if used:
            ids, groups, first = kernels.group_ids(used, first_row=intervals, keep=keep,
                                                   ran=ran)
        else:
            # One group: the rows `keep` drops are read as NULLs, which every aggregate that
            # takes a mask skips (COUNT(*) counts `keep`): plain reductions, no ids to write
            # and no scatter into a slot for the dropped rows.
            ids, groups, first = kernels.group_ids([], num_rows=inputs.num_rows, device=device)
            if keep is not None:
                inputs, rows, keep = _KeptInputs(inputs, keep), keep, None
        # The rows `keep` drops have the id `groups` (see group_ids): each reduction runs over
        # one slot more, which is dropped, so no aggregate applies the mask itself.
        slots, pick = (groups, None) if keep is None else (groups + 1, groups)
    out = {}
    for i, ((name, _), key) in enumerate(zip(keys, columns)):
        out[name] = key.take(first) if i in present else _nulls_like(key, groups)
    counts = _Counts(ids, slots, rows)
    reduced: dict[AggregateCall, Column] = {}  # the same call twice is computed once
    for found in pivot.find_pivots(aggregates):
        def reduce(funcs, value, pivot_ids, size, arg=found.arg):
            counts, done = _Counts(pivot_ids, size), {}
            for func in funcs:
                call = AggregateCall(func, arg)
                done[call] = _reduce(call, inputs, pivot_ids, size, device, counts, done, value)
            return {call.func: column for call, column in done.items()}
        reduced.update(pivot.reduce_pivot(found, inputs.of, ids, slots, reduce) or {})
    for _, call in aggregates:  # the value each group's rows share: read at a row of each
        if call.func == "group_value" and call not in reduced:
            reduced[call] = inputs.of(call.arg).take(first)
    # SUMs before AVGs, which divide a SUM of the same argument computed already.
    for _, call in sorted(aggregates, key=lambda named: named[1].func == "avg"):
        if call.func != "grouping" and call not in reduced:
            reduced[call] = _reduce(call, inputs, ids, slots, device, counts, reduced)
    for name, call in aggregates:
        if call.func == "grouping":
            out[name] = _grouping(call, present, groups, device)
        elif call.func == "group_value":  # one row per group already
            out[name] = reduced[call]
        else:
            column = reduced[call]
            out[name] = column if slots == groups else _pick(column, pick)
    return Batch(out, groups, device)


# Keys that are rows of a base input not gathered yet are grouped on the base when it has at
# most this share of the rows (see `_numbered_keys`).
GATHERED_BASE_SHARE = 0.25


def _numbered_keys(keys: list[Column]) -> list[tuple[torch.Tensor, torch.Tensor | None]]:
    """(values, valid) per key to number the groups by. A run of two or more adjacent keys
    that are rows of one small base at one shared Selection (a join's output columns from one
    input, not gathered yet) is one key instead: each row's group among the base's key tuples
    (`group.base_group_ids`). The groups and their order are those of the keys themselves,
    and the keys' rows are never gathered (each group's key values are taken from the base)."""
    used, i = [], 0
    while i < len(keys):
        deferred = keys[i].deferred
        end = i + 1
        if deferred is not None and \
                len(deferred[0]) <= GATHERED_BASE_SHARE * deferred[1].indices.shape[0]:
            while end < len(keys) and keys[end].deferred is not None \
                    and keys[end].deferred[1] is deferred[1]:
                end += 1
        if end - i > 1:
            bases = [(k.deferred[0].values, k.deferred[0].valid) for k in keys[i:end]]
            used.append((kernels.base_group_ids(bases, deferred[1].indices), None))
        else:  # one key alone packs as cheaply as its base group would
            used.append((keys[i].values, keys[i].valid))
        i = end
    return used


def _reads_slots(aggregates) -> bool:
    """Can these aggregates reduce over slots that no row occupies (see group.Slots)? Those
    that skip NULLs can: an empty slot's value is computed, then dropped."""
    return all(call.func in MASKABLE and not call.distinct for _, call in aggregates)


def _pick(column: Column, pick: int | torch.Tensor) -> Column:
    """The groups' values among a reduction's slots: the first `pick` ones, or those at the
    positions `pick` holds."""
    if isinstance(pick, torch.Tensor):
        return column.take(pick)
    valid = None if column.valid is None else column.valid[:pick]
    return Column(column.values[:pick], column.type, normalize_valid(valid), column.dictionary,
                  column.decimal)


def _nulls_like(column: Column, length: int) -> Column:
    """`length` NULLs of `column`'s type (a key absent from a grouping set)."""
    values = torch.zeros(length, dtype=column.values.dtype, device=column.device)
    return Column(values, column.type, torch.zeros(length, dtype=torch.bool,
                                                   device=column.device),
                  column.dictionary, column.decimal)


def _grouping(call: AggregateCall, present: tuple[int, ...], groups: int, device) -> Column:
    """GROUPING(a, b, ...): a bit per argument, the first the most significant, set where the
    key is not grouped by in this set (DuckDB's order)."""
    value = 0
    for position in call.param:
        value = value * 2 + (position not in present)
    return Column(torch.full((groups,), value, dtype=torch.int64, device=device), DataType.BIGINT)


class _Counts:
    """Rows per group that a validity mask lets through, computed once per mask (COUNT(*),
    COUNT(x) and AVG over the same rows share it); likewise each group's first or last row
    (FIRST, LAST and ANY_VALUE of columns without NULLs share it)."""

    def __init__(self, ids: torch.Tensor, groups: int, rows: torch.Tensor | None = None):
        self.ids, self.groups, self.rows, self._known, self._picked = ids, groups, rows, {}, {}

    def picked(self, valid: torch.Tensor | None, last: bool) -> torch.Tensor:
        """Each group's first (last) row where `valid` holds (every row for None, or the
        `rows` mask where one was given)."""
        valid = self.rows if valid is None else valid
        key = (None if valid is None else id(valid), last)
        if key not in self._picked:
            self._picked[key] = (valid, statistics.picked_rows(valid, self.ids, self.groups,
                                                               last))
        return self._picked[key][1]

    def of(self, valid: torch.Tensor | None) -> torch.Tensor:
        """The count of rows where `valid` holds (every row counted for None, or the `rows`
        mask where one was given)."""
        valid = self.rows if valid is None else valid
        key = None if valid is None else id(valid)
        if key not in self._known:
            self._known[key] = (valid, kernels.segment_count(valid, self.ids, self.groups))
        return self._known[key][1]


def _distinct_rows(arg: Column, ids: torch.Tensor) -> torch.Tensor:
    """Indices of the first row of each distinct (group, value) pair, in input order; NULL is a
    value of its own (a NULL row's stored value must not stand for a real one)."""
    values = arg.values.double() if arg.values.is_floating_point() else arg.values.long()
    keys = [ids, values]
    if arg.valid is not None:
        keys = [ids, ~arg.valid, torch.where(arg.valid, values, torch.zeros_like(values))]
    packed = pack_keys(keys)
    _, inverse = torch.unique(packed, return_inverse=True)
    first = torch.full((int(inverse.max()) + 1 if inverse.numel() else 0,), inverse.numel(),
                       dtype=torch.long, device=ids.device)
    first.scatter_reduce_(0, inverse, torch.arange(inverse.numel(), device=ids.device), "amin")
    return torch.sort(first).values


def _call_rows(call: AggregateCall, inputs: _Inputs, device) -> torch.Tensor:
    """The rows an aggregate reads, in the order it reads them: those where its FILTER
    condition is TRUE, sorted by the ORDER BY inside the call (stable)."""
    rows = torch.arange(inputs.num_rows, device=device)
    if call.filter is not None:
        condition = inputs.of(call.filter)
        if condition.type not in (DataType.BOOLEAN, DataType.NULL):
            raise ProgrammingError(f"FILTER condition {call.filter.sql()} is not BOOLEAN")
        rows = true_rows(condition.values.bool() & condition.validity())
    if call.order:
        keys = []
        for key in call.order:
            column = inputs.of(key.expr).take(rows)
            reject_list_keys([column], "ORDER BY")
            keys.append((column.values.contiguous(), column.valid, key.descending,
                         key.nulls_first))
        rows = rows[sort_indices(keys)]
    return rows


def _reduce(call: AggregateCall, inputs: _Inputs, ids: torch.Tensor, groups: int, device,
            counts: _Counts, reduced: dict, value: Column | None = None) -> Column:
    """One aggregate per slot; `reduced` holds those computed already (an AVG reuses the SUM
    of its argument); `value`, when given, is the argument's column."""
    arg = value if value is not None else inputs.of(call.arg) if call.arg is not None else None
    by = inputs.of(call.by) if call.by is not None else None
    if call.filter is not None or call.order:
        rows = _call_rows(call, inputs, ids.device)
        ids = gather(ids, rows)
        counts = _Counts(ids, groups)
        # An explicit mask: a group may now have no row at all, which the segment kernels
        # detect only through a validity mask.
        if arg is not None:
            arg = arg.take(rows)
            arg = replace(arg, valid=arg.validity())
        by = by.take(rows) if by is not None else None
    if call.func == "count_star":
        return Column(counts.of(None), DataType.BIGINT)
    if arg.type in (DataType.LIST, DataType.STRUCT) and (
            call.distinct or call.func not in LIST_ARGUMENTS):
        raise NotSupportedError(f"{user_names(call.sql())} of {arg.type.value} values")
    if call.func == "count" and call.distinct:
        return Column(kernels.segment_count_distinct(arg.values, arg.valid, ids, groups),
                      DataType.BIGINT)
    if call.distinct and call.func not in ("min", "max", "bool_and", "bool_or"):
        rows = _distinct_rows(arg, ids)
        arg, ids = arg.take(rows), gather(ids, rows)
        counts = _Counts(ids, groups)
        by = by.take(rows) if by is not None else None
    if call.func == "count":
        return Column(counts.of(arg.valid), DataType.BIGINT)  # COUNT(DISTINCT) returned above
    if call.func == "single":
        if groups and int(torch.bincount(ids, minlength=groups).max()) > 1:
            raise DataError("More than one row returned by a subquery used as an expression")
        # the group's one value; a list or struct is moved whole (its row number, not compared)
        nested = arg.type in (DataType.LIST, DataType.STRUCT)
        call = AggregateCall("first" if nested else "max", call.arg)
    if call.func in ("min", "max"):
        if arg.type is DataType.NULL:
            return Column(torch.zeros(groups, dtype=torch.int32, device=device), DataType.NULL,
                          torch.zeros(groups, dtype=torch.bool, device=device))
        if arg.type is DataType.INTERVAL:  # equal intervals differ ('1 month', '30 days'):
            # the last row holding the least (greatest) one, as DuckDB keeps it
            order = Column(pack_keys([arg.values]), DataType.BIGINT, arg.valid)
            return statistics.arg_extreme(arg, order, ids, groups, largest=call.func == "max",
                                          last=True)
        if arg.is_broadcast and len(arg):
            # One value on every row (a one-row input a join broadcast): every group's least
            # and greatest are that value, NULL where the group has no row or it is NULL.
            valid = counts.of(None) > 0
            if arg.valid is not None:
                valid = valid & arg.valid[:1]
            values = arg.values[:1].expand(groups, *arg.values.shape[1:]).contiguous()
            return Column(values, arg.type, normalize_valid(valid), arg.dictionary, arg.decimal)
        fn = kernels.segment_min if call.func == "min" else kernels.segment_max
        values, valid = fn(arg.values, arg.valid, ids, groups)
        return Column(values, arg.type, normalize_valid(valid), arg.dictionary, arg.decimal)
    if call.func in ("first", "last", "any_value"):
        valid = arg.valid if call.func == "any_value" else None
        return statistics.first_or_last(arg, ids, groups, last=call.func == "last",
                                        skip_nulls=valid is not None,
                                        picked=counts.picked(valid, call.func == "last"))
    if call.func in ("arg_min", "arg_max"):
        return statistics.arg_extreme(arg, by, ids, groups, largest=call.func == "arg_max")
    if call.func == "mode":
        return statistics.mode(arg, ids, groups)
    if call.func == "quantile_disc":
        return statistics.quantile(arg, ids, groups, call.param[0], True, call.param[1])
    if call.func == "string_agg":
        return string_agg(arg, ids, groups, call.param)
    if call.func == "list":
        return list_aggregates.collect(arg, ids, groups)
    if call.func in ("min_n", "max_n"):
        return list_aggregates.top_n(arg, ids, groups, call.param, call.func == "max_n")
    if call.func in ("bool_and", "bool_or"):
        return _bool_reduce(call, arg, ids, groups)
    if arg.type is DataType.NULL:  # SUM(NULL) is a HUGEINT in DuckDB, the others DOUBLE
        type_ = DataType.HUGEINT if call.func == "sum" else DataType.DOUBLE
        return Column(torch.zeros(groups, dtype=type_.torch_dtype, device=device), type_,
                      torch.zeros(groups, dtype=torch.bool, device=device))
    if call.func in VARIANCES:
        if not arg.type.is_numeric:
            raise ProgrammingError(f"{call.func.upper()} of a {arg.type.value} value: {user_names(call.sql())}")
        return _variance(arg, ids, groups, counts.of(arg.valid), *VARIANCES[call.func])
    if call.func == "median":
        return statistics.quantile(arg, ids, groups, 0.5, False)
    if call.func == "quantile_cont":
        return statistics.quantile(arg, ids, groups, call.param[0], False, call.param[1])
    if arg.type is DataType.INTERVAL and (call.func == "avg" or call.func == "sum"
                                          and call.param == AVERAGED):
        sums = interval_sums(arg, ids, groups)
        if call.func == "sum":  # an AVG's partial sums (physical/aggregate.py)
            return Column(sums, DataType.INTERVAL, normalize_valid(counts.of(arg.valid) > 0))
        return interval_average(sums, counts.of(arg.valid))
    if call.func == "avg" and arg.type in TEMPORAL_TYPES:  # DuckDB averages instants
        raise NotSupportedError(f"AVG of a {arg.type.value} value: {user_names(call.sql())}")
    if not (arg.type.is_numeric or arg.type is DataType.BOOLEAN):
        raise ProgrammingError(f"{call.func.upper()} of a {arg.type.value} value: {user_names(call.sql())}")
    if call.func == "sum":
        if kernels.sum_needs_words(arg.values):  # exact past int64: HUGEINT, DECIMAL(38)
            values, valid = kernels.segment_sum_wide(arg.values, arg.valid, ids, groups)
        else:
            values, valid = kernels.segment_sum(arg.values, arg.valid, ids, groups)
        type_, decimal = sum_type(arg.type, arg.decimal)
        return Column(values, type_, normalize_valid(valid), None, decimal)
    if call.func == "avg":  # integers and decimals summed exactly, then divided in float64
        summed = reduced.get(AggregateCall("sum", call.arg)) if call == AggregateCall(
            "avg", call.arg) and arg.type in _AVG_READS_SUM else None
        if summed is not None:
            sums = to_double(summed.values) if is_wide(summed.values) else summed.values.double()
        elif kernels.sum_needs_words(arg.values):
            sums = to_double(kernels.segment_sum_wide(arg.values, arg.valid, ids, groups)[0])
        else:
            exact = arg.type is DataType.DECIMAL or arg.type.is_integer
            values = arg.values if exact else arg.values.to(torch.float64)
            sums = kernels.segment_sum(values, arg.valid, ids, groups)[0].double()
        n = counts.of(arg.valid)
        values = sums / n.clamp(min=1).double()
        if arg.type is DataType.DECIMAL:  # the scaled integers' mean, then the scale divided out
            values = values / arg.decimal.unit
        return Column(values, DataType.DOUBLE, normalize_valid(n > 0))
    raise NotSupportedError(f"aggregate {call.func}")


# The argument types whose SUM holds the exact sum an AVG divides (BOOLEAN sums differ).
_AVG_READS_SUM = frozenset({DataType.INTEGER, DataType.BIGINT, DataType.HUGEINT,
                            DataType.DECIMAL, DataType.DOUBLE})
# function -> (divide by n - 1, take the square root)
VARIANCES = {"var_samp": (True, False), "var_pop": (False, False),
             "stddev_samp": (True, True), "stddev_pop": (False, True)}


# The `param` of the SUMs an AVG is merged from (physical/aggregate.py): over INTERVAL values
# they sum each part (a SUM of intervals is otherwise refused, as in DuckDB).
AVERAGED = "average"


def interval_sums(arg: Column, ids: torch.Tensor, groups: int) -> torch.Tensor:
    """Per group, the sums of the intervals' months, days and microseconds apart, (groups, 3)."""
    sums = []
    for part in range(3):  # months, days, microseconds: whole columns each
        values = arg.values[:, part]
        if kernels.sum_may_overflow(values):
            raise NotSupportedError("AVG of INTERVAL values whose sum passes 64 bits")
        sums.append(kernels.segment_sum(values, arg.valid, ids, groups)[0].long())
    return torch.stack(sums, dim=1)


def interval_average(sums: torch.Tensor, counts: torch.Tensor) -> Column:
    """AVG of intervals from their summed parts, as DuckDB (after Postgres): each part divided
    toward zero, the months' remainder carried into days (30 a month) and the days' into
    microseconds."""
    sums = [sums[:, 0], sums[:, 1], sums[:, 2]]
    n = counts.clamp(min=1).long()

    def divmod_(a):
        q = torch.div(a, n, rounding_mode="trunc")
        return q, a - q * n

    months, month_rest = divmod_(sums[0])
    days, day_rest = divmod_(sums[1])
    micros, micro_rest = divmod_(sums[2])
    month_rest = month_rest * 30
    days = days + torch.div(month_rest, n, rounding_mode="trunc")
    day_rest = day_rest + (month_rest - torch.div(month_rest, n, rounding_mode="trunc") * n)
    # DuckDB adds the microseconds' remainder itself, not divided (its Finalize does so)
    micros = micros + micro_rest + torch.div(day_rest * 86_400_000_000, n, rounding_mode="trunc")
    return Column(torch.stack([months, days, micros], dim=1), DataType.INTERVAL,
                  normalize_valid(counts > 0))


def _variance(arg: Column, ids: torch.Tensor, groups: int, counts: torch.Tensor, sample: bool,
              root: bool) -> Column:
    """Variance or standard deviation per group (`counts`: its non-NULL values), in two passes
    for numerical stability: the group means first, then the sum of squared deviations from
    them. NULL where the group has no value (or just one, for the sample versions)."""
    values = arg.as_double()
    sums, _ = kernels.segment_sum(values, arg.valid, ids, groups)
    means = sums / counts.clamp(min=1).double()
    deviations = values - gather(means, ids)
    squares, _ = kernels.segment_sum(deviations * deviations, arg.valid, ids, groups)
    divisor = counts - 1 if sample else counts
    result = squares / divisor.clamp(min=1).double()
    return Column(result.sqrt() if root else result, DataType.DOUBLE, normalize_valid(divisor > 0))


def _bool_reduce(call: AggregateCall, arg: Column, ids: torch.Tensor, groups: int) -> Column:
    """BOOL_AND / BOOL_OR of a BOOLEAN argument (DuckDB takes no other type)."""
    if arg.type is DataType.NULL:
        return Column(torch.zeros(groups, dtype=torch.bool, device=ids.device), DataType.BOOLEAN,
                      torch.zeros(groups, dtype=torch.bool, device=ids.device))
    if arg.type is not DataType.BOOLEAN:
        raise ProgrammingError(f"{call.func.upper()} of a {arg.type.value} value: {user_names(call.sql())}")
    fn = kernels.segment_all if call.func == "bool_and" else kernels.segment_any
    values, valid = fn(arg.values, arg.valid, ids, groups)
    return Column(values, DataType.BOOLEAN, normalize_valid(valid))


def reduce_groups(call: AggregateCall, batch: Batch, ids: torch.Tensor, groups: int,
                  device) -> Column:
    """One aggregate of `batch` per group of `ids` (0..groups-1, each present): what a window
    aggregate over whole partitions computes before it is spread back to the rows."""
    return _reduce(call, _Inputs(batch, call.expressions(), reuse=False), ids, groups, device,
                   _Counts(ids, groups), {})
