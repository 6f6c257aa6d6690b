"""Fused expression kernels: several expressions over one batch run as one compiled program.

Eager evaluation (tqp.operators.expressions) materialises every intermediate column: `a * (1 - b)
* (1 + c)` writes four full columns to produce one. Here the same evaluators are traced by
torch.compile (TorchDynamo, then Inductor: C++/OpenMP on cpu, Triton on cuda) into one kernel that
reads each input once and writes only the results. The semantics stay those of the eager code: it
is that code being traced, and what cannot be traced (a host check such as an overflow test)
becomes a graph break, run by Python between compiled pieces.

Kernels are keyed by the expressions' shape, not by a query: input columns are renamed by
position, and each constant subexpression is computed once, eagerly, and passed in as a
one-element tensor, so `x < 5` and `y < 7` over columns of one type share a kernel. Sizes are
dynamic, so one kernel serves every batch; Inductor's on-disk cache serves later processes.
Anything outside the traced subset (strings and their dictionaries, functions with host work)
leaves the expressions to the eager path, and so does any failure to compile.
"""

from __future__ import annotations

import logging
import threading
import types
from dataclasses import dataclass

import torch
from sqlglot import exp

from tqp.errors import Error
from tqp.operators.expressions import column_ref, evaluate, is_constant
from tqp.storage.column import Batch, Column
from tqp.types import DataType

MODES = ("auto", "off", "always")
# Off by default: measured on the benchmark (2 cores), compiled kernels cut its scan-and-aggregate
# queries by a quarter to a half but left the geomean unchanged, and "auto" pays Inductor's
# import and a background compile competing for the cores in every new process.
DEFAULT_MODE = "off"
# In "auto" mode, batches with fewer rows run eager: a compile (seconds) pays off only where
# the columns are long enough for the memory traffic it saves to matter.
COMPILE_MIN_ROWS = 1 << 20
# Rows the eager probe of a new kernel reads to learn its output types.
PROBE_ROWS = 8
# Rows (copied) a background compile runs the new kernel over: sizes are symbolic, so any
# later batch reuses what it compiles.
WARM_ROWS = 4096

# The nodes a kernel may contain (besides constant subexpressions): their evaluators are
# whole-column tensor code with no host work on the common path.
_TRACED = (exp.Column, exp.Paren, exp.And, exp.Or, exp.Not, exp.EQ, exp.NEQ, exp.LT, exp.LTE,
           exp.GT, exp.GTE, exp.Between, exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Neg, exp.Is,
           exp.Cast)
# Argument slots that are not values: a CAST's target type, the NULL/TRUE/FALSE after IS.
_NOT_VALUES = {exp.Cast: frozenset({"to"}), exp.Is: frozenset({"expression"})}
# Types a kernel's inputs may have: plain tensors, no dictionary (DECIMAL stays eager: its
# overflow checks remember magnitudes per tensor, host work a kernel cannot trace).
_TENSOR_TYPES = frozenset({DataType.INTEGER, DataType.BIGINT, DataType.DOUBLE,
                           DataType.DATE, DataType.TIMESTAMP, DataType.TIMESTAMPTZ,
                           DataType.BOOLEAN})

log = logging.getLogger(__name__)


def check_mode(mode: str) -> str:
    """`mode` if it is a known compile mode, else a clear error."""
    if mode not in MODES:
        from tqp.errors import ProgrammingError

        raise ProgrammingError(f"compile must be one of {', '.join(MODES)}, not {mode!r}")
    return mode


def applies(mode: str, rows: int) -> bool:
    """Is a batch of `rows` rows worth a compiled kernel in this mode?"""
    return mode == "always" and rows > 0 or mode == "auto" and rows >= COMPILE_MIN_ROWS


def is_true(condition: exp.Expression) -> exp.Expression:
    """`condition IS TRUE`: a filter's mask (NULL counts as FALSE) as an expression."""
    return exp.Is(this=condition, expression=exp.true())


class ComputedColumns:
    """Expressions over one batch collected to run as one kernel: `add` gives the reference to
    read an expression's value by, `run` the batch holding them as extra columns. Bare columns
    and expressions outside the traced subset stay as they are (evaluated where read)."""

    PREFIX = "$fused"

    def __init__(self, batch: Batch):
        self.batch, self.expressions = batch, []

    def add(self, expression: exp.Expression | None) -> exp.Expression | None:
        if expression is None or isinstance(expression, exp.Column) or \
                is_constant(expression) or _template(expression, self.batch, {}, []) is None:
            return expression
        self.expressions.append(expression)
        return column_ref(f"{self.PREFIX}{len(self.expressions) - 1}")

    def holds(self, expression: exp.Expression | None) -> bool:
        """Is `expression` a reference `add` gave (its value computed by the kernel)?"""
        return isinstance(expression, exp.Column) and expression.name.startswith(self.PREFIX)

    def run(self, mode: str) -> Batch | None:
        """The batch with the computed columns, or None when nothing was compiled."""
        if not self.expressions:
            return None
        columns = fused_columns(self.expressions, self.batch, mode)
        if columns is None:
            return None
        return self.batch.with_columns(
            {f"{self.PREFIX}{i}": column for i, column in enumerate(columns)})


def fused_columns(expressions, batch: Batch, mode: str) -> list[Column] | None:
    """The values of `expressions` over `batch` from one compiled kernel, or None where that
    does not apply (mode off, a small batch in auto mode, an expression outside the traced
    subset, a failed compile): the caller then evaluates them eagerly. A query error (an
    overflow, a division by zero) raises as in eager evaluation."""
    if not applies(mode, batch.num_rows):
        return None
    shape = _shape(expressions, batch)
    if shape is None:
        return None
    if shape.key not in _KERNELS:
        _KERNELS[shape.key] = _Kernel.build(shape, batch)
    kernel = _KERNELS[shape.key]
    if kernel is None or kernel.broken:
        return None
    if not kernel.compiled_once and mode == "auto":  # eager while the kernel compiles
        kernel.compile_in_background(shape, batch)
        return None
    return kernel.run(shape, batch)  # "always": compiles on its first run


@dataclass(frozen=True)
class _Shape:
    """Expressions with their columns renamed by position and constants made inputs."""

    templates: tuple[exp.Expression, ...]
    columns: tuple[str, ...]  # the batch's names, in the order of the inputs $c0, $c1, ...
    constants: tuple[Column, ...]  # one-row values of $k0, $k1, ...
    key: tuple


def _shape(expressions, batch: Batch) -> _Shape | None:
    columns: dict[str, str] = {}
    constants: list[Column] = []
    templates = []
    for expression in expressions:
        if is_constant(expression):
            return None  # a constant result: nothing to fuse
        template = _template(expression, batch, columns, constants)
        if template is None:
            return None
        templates.append(template)
    specs = tuple(_spec(batch[name]) for name in columns) + tuple(_spec(c) for c in constants)
    key = (tuple(t.sql() for t in templates), specs, batch.device.type)
    return _Shape(tuple(templates), tuple(columns), tuple(constants), key)


def _spec(column: Column) -> tuple:
    return column.type, column.decimal, column.values.dtype, column.valid is not None


def _template(node: exp.Expression, batch: Batch, columns: dict, constants: list):
    """`node` with columns as `$c<i>` and constant subexpressions as `$k<j>`, or None when it
    has a part outside the traced subset."""
    if (isinstance(node, exp.Literal) or is_constant(node)) and \
            not isinstance(node, (exp.Interval, exp.DataType)):
        try:
            value = evaluate(node, batch.empty_like(1))
        except Error:
            return None  # raised for every row alike: let the eager path say it
        if value.type not in _TENSOR_TYPES or value.dictionary is not None:
            return None
        constants.append(value)
        ref = column_ref(f"$k{len(constants) - 1}")
        # A literal compares as an exact value, a computed constant as a computed one.
        exact = isinstance(node, exp.Literal) or (isinstance(node, exp.Neg)
                                                  and isinstance(node.this, exp.Literal))
        return ref if exact else exp.Paren(this=ref)
    if isinstance(node, exp.Column):
        if node.name not in batch.columns:
            return None
        column = batch[node.name]
        if column.type not in _TENSOR_TYPES or column.dictionary is not None:
            return None
        if node.name not in columns:
            columns[node.name] = f"$c{len(columns)}"
        return column_ref(columns[node.name])
    if type(node) not in _TRACED:
        return None
    args = {}
    for name, value in node.args.items():
        if isinstance(value, exp.Expression) and name not in _NOT_VALUES.get(type(node), ()):
            value = _template(value, batch, columns, constants)
            if value is None:
                return None
        elif isinstance(value, list):
            return None  # lists of values (IN) stay eager
        elif isinstance(value, exp.Expression):
            value = value.copy()
        args[name] = value
    return type(node)(**args)


class _Kernel:
    """One compiled program for one shape, and the types of its outputs."""

    def __init__(self, shape: _Shape, outputs: list[Column]):
        self.outputs = [(c.type, c.decimal, c.values.dtype) for c in outputs]
        self.broken = False
        self.compiled_once = False
        self.compiling: threading.Thread | None = None
        self.compiled = torch.compile(_program(shape), dynamic=True)

    def compile(self, shape: _Shape, batch: Batch, rows: int) -> None:
        """Compile by running the kernel once over a copy of the first `rows` rows."""
        inputs = [None if t is None else t.clone() for t in _inputs(shape, batch, rows)]
        try:
            self.compiled(*inputs)
        except Error:
            pass  # these rows raise in the query too; the kernel itself compiled
        except Exception as error:  # Dynamo or Inductor gave up: this shape runs eager
            log.warning("tqp: compiling %s failed, running it eager: %s", shape.key[0], error)
            self.broken = True
        self.compiled_once = True

    def compile_in_background(self, shape: _Shape, batch: Batch) -> None:
        """Start compiling on a thread of its own (once): TorchDynamo traces per thread, so
        the query's eager work goes on meanwhile."""
        if self.compiling is None:
            # Imported here, not on the thread: a thread importing them holds import locks
            # that stalled the query's own lazy imports for seconds.
            import torch._dynamo  # noqa: F401
            import torch._inductor.compile_fx  # noqa: F401

            self.compiling = threading.Thread(target=self.compile, args=(shape, batch, WARM_ROWS),
                                              name="tqp-compile", daemon=True)
            self.compiling.start()

    @classmethod
    def build(cls, shape: _Shape, batch: Batch) -> "_Kernel | None":
        """A kernel for `shape`, once an eager run over a few rows gave its output types."""
        probe = _batch_of(shape, _inputs(shape, batch, PROBE_ROWS))
        try:
            outputs = [evaluate(t, probe) for t in shape.templates]
        except Error:
            return None  # the eager path decides what these rows raise
        if any(c.dictionary is not None for c in outputs):
            return None
        return cls(shape, outputs)

    def run(self, shape: _Shape, batch: Batch) -> list[Column] | None:
        """The outputs over `batch`, or None (and the kernel marked broken) when compiling or
        running the compiled code failed for a reason other than the query's data."""
        try:
            tensors = self.compiled(*_inputs(shape, batch))
            self.compiled_once = True
        except Error:
            raise
        except Exception as error:  # Dynamo or Inductor gave up: this shape runs eager
            log.warning("tqp: compiling %s failed, running it eager: %s", shape.key[0], error)
            self.broken = True
            return None
        out = []
        for (type_, scale, dtype), values, valid in zip(self.outputs, tensors[::2], tensors[1::2]):
            if values.dtype != dtype or values.shape[0] != batch.num_rows:
                self.broken = True
                return None
            out.append(Column(values, type_, valid, None, scale))
        return out


def _inputs(shape: _Shape, batch: Batch, rows: int | None = None) -> list[torch.Tensor | None]:
    """The kernel's arguments: each input column's values and validity, then each constant's."""
    out = []
    for name in shape.columns:
        column = batch[name]
        values, valid = column.values, column.valid
        if rows is not None:
            values = values[:rows]
            valid = None if valid is None else valid[:rows]
        out += [values, valid]
    for constant in shape.constants:
        out += [constant.values[:1], None if constant.valid is None else constant.valid[:1]]
    return out


def _batch_of(shape: _Shape, tensors) -> Batch:
    """The batch the templates read: inputs by position, constants broadcast as views."""
    rows = tensors[0].shape[0]
    columns = {}
    for i, (type_, scale, _, _) in enumerate(shape.key[1]):
        values, valid = tensors[2 * i], tensors[2 * i + 1]
        if i >= len(shape.columns):
            name = f"$k{i - len(shape.columns)}"
            values = values.expand(rows)
            valid = None if valid is None else valid.expand(rows)
        else:
            name = f"$c{i}"
        columns[name] = Column(values, type_, valid, None, scale)
    return Batch(columns, rows, tensors[0].device)


def _program(shape: _Shape):
    """The function torch.compile traces: the eager evaluators over the inputs, as a fresh code
    object so that every shape has a compile cache of its own (TorchDynamo keeps one per code
    object)."""

    def fused_kernel(*tensors):
        batch = _batch_of(shape, tensors)
        out = []
        for template in shape.templates:
            column = evaluate(template, batch)
            out += [column.values, column.valid]
        return out

    return types.FunctionType(fused_kernel.__code__.replace(), fused_kernel.__globals__,
                              "fused_kernel", None, fused_kernel.__closure__)


_KERNELS: dict[tuple, _Kernel | None] = {}
