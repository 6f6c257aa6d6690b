"""The WindowSort kernel against a plain-Python reference that follows SQL's definitions row by row.

Random small inputs with many ties, NULL partition and order keys and NULL arguments; every
function over every kind of frame bound and EXCLUDE. Ties keep input order in both (the kernel's
sort is stable), so even row_number over tied keys must match exactly.
"""

from __future__ import annotations

import random
import statistics

import pytest
import torch
from sqlglot import exp

from tests.conftest import devices
from tqp.operators.window import window
from tqp.planner.logical import FrameBound, OneRow, SortKey, Window, WindowCall, WindowFrame
from tqp.planner.scope import ref
from tqp.storage.column import Batch, Column
from tqp.types import DataType

N = 60


def _data(seed: int, n: int = N):
    rng = random.Random(seed)
    def pick(values, null_rate):
        return [None if rng.random() < null_rate else rng.choice(values) for _ in range(n)]
    return {"p": pick([1, 2, 3], 0.15), "o": pick(list(range(8)), 0.2),
            "x": pick(list(range(-5, 20)), 0.25)}


def _batch(data, device) -> Batch:
    columns = {}
    for name, values in data.items():
        valid = torch.tensor([v is not None for v in values], dtype=torch.bool, device=device)
        tensor = torch.tensor([0 if v is None else v for v in values], dtype=torch.int64,
                              device=device)
        columns[name] = Column(tensor, DataType.BIGINT, None if bool(valid.all()) else valid)
    return Batch(columns, len(data["p"]))


# -- the reference --------------------------------------------------------------------------------

def _sorted_partition(data, i, descending, nulls_first):
    """Row indices of row i's partition, sorted by `o` (stable: ties keep input order)."""
    rows = [j for j in range(len(data["p"])) if data["p"][j] == data["p"][i]]
    def key(j):
        v = data["o"][j]
        null_rank = 0 if (v is None) == nulls_first else 1
        return (null_rank, 0 if v is None else (-v if descending else v))
    return sorted(rows, key=key)


def _frame(data, rows, at, frame: WindowFrame, descending):
    """Positions (in `rows`) of the frame of the row at position `at`, after EXCLUDE."""
    o = [data["o"][j] for j in rows]
    n = len(rows)
    peers = [k for k in range(n) if o[k] == o[at]]
    groups = []  # peer groups in order, as lists of positions
    for k in range(n):
        if k == 0 or o[k] != o[k - 1]:
            groups.append([])
        groups[-1].append(k)
    g = next(gi for gi, grp in enumerate(groups) if at in grp)

    def edge(bound: FrameBound, start: bool):
        if bound.kind == "unbounded":
            return 0 if bound.preceding else n
        off = 0 if bound.kind == "current" else int(bound.offset.name)
        sign = -1 if bound.preceding else 1
        if frame.kind == "rows":
            return at + sign * off + (0 if start else 1)
        if frame.kind == "groups":
            target = g + sign * off
            if target < 0:
                return 0
            if target >= len(groups):
                return n
            return groups[target][0] if start else groups[target][-1] + 1
        if bound.kind == "current" or o[at] is None:
            return peers[0] if start else peers[-1] + 1
        # RANGE offset: compare values among the non-NULL keys (contiguous in the partition).
        limit = o[at] + (-sign if descending else sign) * off
        known = [k for k in range(n) if o[k] is not None]
        if start:  # the first key at or past the limit, in sort direction
            hits = [k for k in known if (o[k] <= limit if descending else o[k] >= limit)]
            return hits[0] if hits else known[-1] + 1
        hits = [k for k in known if (o[k] >= limit if descending else o[k] <= limit)]
        return hits[-1] + 1 if hits else known[0]

    lo = max(0, min(edge(frame.start, True), n))
    hi = max(lo, min(edge(frame.end, False), n))
    keep = list(range(lo, hi))
    if frame.exclude == "current row":
        keep = [k for k in keep if k != at]
    elif frame.exclude == "group":
        keep = [k for k in keep if k not in peers]
    elif frame.exclude == "ties":
        keep = [k for k in keep if k not in peers or k == at]
    return keep


def reference(data, call: WindowCall):
    descending = call.order[0].descending if call.order else False
    nulls_first = call.order[0].nulls_first if call.order else False
    out = []
    for i in range(len(data["p"])):
        rows = _sorted_partition(data, i, descending, nulls_first)
        at = rows.index(i)
        o = [data["o"][j] for j in rows]
        x = [data["x"][j] for j in rows]
        n = len(rows)
        first_peer = min(k for k in range(n) if o[k] == o[at])
        last_peer = max(k for k in range(n) if o[k] == o[at])
        f = call.func
        if f == "row_number":
            out.append(at + 1)
        elif f == "rank":
            out.append(first_peer + 1)
        elif f == "dense_rank":
            out.append(len({v if v is not None else "null" for v in o[:at + 1]}))
        elif f == "percent_rank":
            out.append(first_peer / (n - 1) if n > 1 else 0.0)
        elif f == "cume_dist":
            out.append((last_peer + 1) / n)
        elif f == "ntile":
            buckets = min(int(call.args[0].name), n)
            small, large = divmod(n, buckets)
            sizes = [small + 1] * large + [small] * (buckets - large)
            edges = [sum(sizes[:b + 1]) for b in range(buckets)]
            out.append(next(b for b, e in enumerate(edges) if at < e) + 1)
        elif f in ("lag", "lead"):
            steps = int(call.args[1].name) * (1 if f == "lead" else -1)
            candidates = [k for k in range(n) if not call.ignore_nulls or x[k] is not None]
            if f == "lag":
                before = [k for k in candidates if k < at]
                target = before[-abs(steps)] if len(before) >= abs(steps) else None
            else:
                after = [k for k in candidates if k > at]
                target = after[steps - 1] if len(after) >= steps else None
            out.append(x[target] if target is not None else None)
        else:
            frame = [x[k] for k in _frame(data, rows, at, call.frame, descending)]
            values = [v for v in frame if v is not None]
            if f in ("first_value", "last_value", "nth_value"):
                seq = values if call.ignore_nulls else frame
                k = {"first_value": 1, "last_value": len(seq)}.get(f)
                k = int(call.args[1].name) if f == "nth_value" else k
                out.append(seq[k - 1] if 1 <= k <= len(seq) else None)
            elif f == "count_star":
                out.append(len(frame))
            elif f == "count":
                out.append(len(values))
            elif not values:
                out.append(None)
            elif f in ("var_samp", "stddev_samp") and len(values) < 2:
                out.append(None)
            else:
                out.append({"sum": sum, "min": min, "max": max,
                            "avg": lambda v: sum(v) / len(v),
                            "var_samp": statistics.variance, "var_pop": statistics.pvariance,
                            "stddev_samp": statistics.stdev,
                            "stddev_pop": statistics.pstdev}[f](values))
    return out


# -- the cases ------------------------------------------------------------------------------

def _bound(text: str) -> FrameBound:
    words = text.split()
    if words[0] == "unbounded":
        return FrameBound("unbounded", words[1] == "preceding")
    if words[0] == "current":
        return FrameBound("current", False)
    return FrameBound("offset", words[1] == "preceding", exp.Literal.number(int(words[0])))


FRAMES = [
    ("rows", "unbounded preceding", "current row", "no others"),
    ("rows", "2 preceding", "1 following", "no others"),
    ("rows", "3 following", "5 following", "no others"),
    ("rows", "4 preceding", "1 preceding", "current row"),
    ("rows", "unbounded preceding", "unbounded following", "ties"),
    ("range", "unbounded preceding", "current row", "no others"),
    ("range", "2 preceding", "1 following", "no others"),
    ("range", "current row", "3 following", "group"),
    ("range", "1 following", "unbounded following", "ties"),
    ("groups", "1 preceding", "1 following", "no others"),
    ("groups", "2 preceding", "1 preceding", "current row"),
    ("groups", "current row", "unbounded following", "group"),
]
FRAMED = ["count_star", "count", "sum", "avg", "min", "max", "first_value", "last_value",
          "nth_value", "var_samp", "stddev_pop"]


def _call(func, frame=None, descending=False, nulls_first=False, args=(), ignore_nulls=False):
    x = ref("x")
    default_args = {"count_star": (), "nth_value": (x, exp.Literal.number(2)),
                    "lag": (x, exp.Literal.number(2), exp.Null()),
                    "lead": (x, exp.Literal.number(1), exp.Null())}
    if not args:
        args = default_args.get(func, (x,) if func in FRAMED else ())
    if frame is None:
        frame = WindowFrame("range", FrameBound("unbounded", True), FrameBound("current", False))
    return WindowCall(func, tuple(args), (ref("p"),), (SortKey(ref("o"), descending, nulls_first),),
                      frame, ignore_nulls)


def _run(data, call, device):
    node = Window(OneRow(), (("w", call),))
    column = window(node, _batch(data, device), device)["w"]
    values = column.values.cpu().tolist()
    valid = column.validity().cpu().tolist()
    return [v if ok else None for v, ok in zip(values, valid)]


def _same(actual, expected):
    assert len(actual) == len(expected)
    for row, (a, e) in enumerate(zip(actual, expected)):
        if isinstance(e, float) and a is not None:
            assert a == pytest.approx(e), f"row {row}: {a} != {e}"
        else:
            assert a == e, f"row {row}: {actual} != {expected}"


@pytest.mark.parametrize("device", devices())
@pytest.mark.parametrize("func", ["row_number", "rank", "dense_rank", "percent_rank", "cume_dist"])
@pytest.mark.parametrize("descending,nulls_first", [(False, False), (True, True), (True, False)])
def test_ranking(device, func, descending, nulls_first):
    data = _data(1)
    call = _call(func, descending=descending, nulls_first=nulls_first)
    _same(_run(data, call, device), reference(data, call))


@pytest.mark.parametrize("device", devices())
@pytest.mark.parametrize("buckets", [1, 3, 7, 100])
def test_ntile(device, buckets):
    data = _data(2)
    call = _call("ntile", args=(exp.Literal.number(buckets),))
    _same(_run(data, call, device), reference(data, call))


@pytest.mark.parametrize("device", devices())
@pytest.mark.parametrize("func", ["lag", "lead"])
@pytest.mark.parametrize("ignore_nulls", [False, True])
def test_lag_lead(device, func, ignore_nulls):
    data = _data(3)
    call = _call(func, ignore_nulls=ignore_nulls)
    _same(_run(data, call, device), reference(data, call))


@pytest.mark.parametrize("device", devices())
@pytest.mark.parametrize("frame", FRAMES, ids=[" ".join(f) for f in FRAMES])
@pytest.mark.parametrize("func", FRAMED)
@pytest.mark.parametrize("descending", [False, True])
def test_framed_functions(device, frame, func, descending):
    data = _data(4 + descending)
    kind, start, end, exclude = frame
    call = _call(func, WindowFrame(kind, _bound(start), _bound(end), exclude), descending)
    _same(_run(data, call, device), reference(data, call))


@pytest.mark.parametrize("device", devices())
@pytest.mark.parametrize("func", ["first_value", "last_value", "nth_value"])
def test_value_functions_ignore_nulls(device, func):
    data = _data(6)
    frame = WindowFrame("rows", _bound("3 preceding"), _bound("2 following"), "current row")
    call = _call(func, frame, ignore_nulls=True)
    _same(_run(data, call, device), reference(data, call))


@pytest.mark.parametrize("device", devices())
def test_empty_input(device):
    data = {"p": [], "o": [], "x": []}
    for func in ["row_number", "rank", "lag", "sum", "min", "first_value", "var_samp"]:
        frame = WindowFrame("rows", _bound("1 preceding"), _bound("1 following"))
        assert _run(data, _call(func, frame), device) == []


@pytest.mark.parametrize("device", devices())
def test_results_keep_input_order_and_columns(device):
    data = _data(7)
    node = Window(OneRow(), (("rn", _call("row_number")), ("s", _call("sum"))))
    batch = _batch(data, device)
    result = window(node, batch, device)
    assert result.names == ["p", "o", "x", "rn", "s"]
    assert result["x"] is batch["x"]  # the input columns pass through untouched


@pytest.mark.parametrize("device", devices())
@pytest.mark.parametrize("func", ["row_number", "rank", "lag", "sum", "max", "last_value"])
def test_input_already_in_window_order(device, func):
    data = _data(8)
    rows = sorted(range(N), key=lambda i: (data["p"][i] is None, data["p"][i] or 0,
                                           data["o"][i] is None, data["o"][i] or 0))
    data = {name: [values[i] for i in rows] for name, values in data.items()}
    frame = WindowFrame("rows", _bound("2 preceding"), _bound("1 following"))
    call = _call(func, frame)
    _same(_run(data, call, device), reference(data, call))


@pytest.mark.parametrize("device", devices())
def test_sliding_double_sums_do_not_cancel_against_earlier_rows(device):
    import math

    values = [1e17, 1.5, 2.25, -3.0, 0.5, 7.0, 1e-3, 2.0, -1e17, 0.25]
    batch = Batch({"p": Column(torch.zeros(10, dtype=torch.int64, device=device), DataType.BIGINT),
                   "o": Column(torch.arange(10, device=device), DataType.BIGINT),
                   "x": Column(torch.tensor(values, dtype=torch.float64, device=device),
                               DataType.DOUBLE)}, 10)
    frame = WindowFrame("rows", _bound("1 preceding"), _bound("current row"))
    column = window(Window(OneRow(), (("w", _call("sum", frame)),)), batch, device)["w"]
    expected = [math.fsum(values[max(0, i - 1):i + 1]) for i in range(10)]
    assert column.values.cpu().tolist() == pytest.approx(expected, rel=1e-12, abs=0)
