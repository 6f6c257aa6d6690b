"""Evaluating PREDICT and PREDICT_PROBA over a Batch: features in, one value per row out.

The feature expressions are evaluated, cast to the model's float type and written side by side
into one (rows x features) matrix; rows with a NULL feature are left out (their prediction is
NULL) and the model runs on the rest, in slices of `Model.chunk_rows` rows (a forest's
(rows x trees) intermediates then stay in the CPU's cache). Labels come back as the
classifier's own values: BIGINT for integer classes, VARCHAR (a sorted dictionary) for strings,
BOOLEAN, DOUBLE.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import torch
from sqlglot import exp

from tqp.errors import NotSupportedError, ProgrammingError
from tqp.ml.calls import MODEL, features, is_proba
from tqp.ml.model import LABEL_INDEX, Model
from tqp.operators.expressions import evaluate
from tqp.operators.expressions import handles_anonymous
from tqp.storage import dictionary as dicts
from tqp.storage.column import Batch, Column
from tqp.storage.masks import true_rows
from tqp.types import DataType

_FEATURE_TYPES = {DataType.INTEGER, DataType.BIGINT, DataType.HUGEINT, DataType.FLOAT,
                  DataType.DOUBLE, DataType.DECIMAL, DataType.BOOLEAN, DataType.NULL}


@handles_anonymous("predict", "predict_proba")
def model_call(node: exp.Anonymous, batch: Batch) -> Column:
    model: Model = node.args[MODEL]  # bound by tqp.ml.calls.bind_models before planning
    proba = is_proba(node)
    columns = [evaluate(f, batch) for f in features(node)]
    _check_types(node, columns)
    n = batch.num_rows
    device = columns[0].device
    valid = _all_valid(columns)
    rows = None if valid is None else true_rows(valid)
    m = n if rows is None else int(rows.shape[0])
    x = torch.empty((m, len(columns)), dtype=model.input_dtype, device=device)
    for i, column in enumerate(columns):
        values = column.as_double() if column.type is DataType.DECIMAL else column.values
        x[:, i] = values if rows is None else values.index_select(0, rows)
    out = _run(model, x, proba)
    column = _as_column(model, out, proba, device)
    if rows is None:
        return column
    values = torch.zeros(n, dtype=column.values.dtype, device=device)
    values[rows] = column.values
    return Column(values, column.type, valid, column.dictionary)


def _check_types(node: exp.Anonymous, columns: list[Column]) -> None:
    for i, (feature, column) in enumerate(zip(features(node), columns), start=1):
        if column.type not in _FEATURE_TYPES:
            raise NotSupportedError(
                f"{node.name.upper()} feature {i} ({feature.sql(dialect='duckdb')[:60]}) is "
                f"{column.type.value}: model features must be numbers or booleans (turn dates "
                "into numbers with EXTRACT or date subtraction, strings with CASE)")


def _all_valid(columns: list[Column]) -> torch.Tensor | None:
    """Rows where every feature is non-NULL; None when that is every row."""
    valid = None
    for column in columns:
        if column.type is DataType.NULL:
            column_valid = torch.zeros(len(column), dtype=torch.bool, device=column.device)
        else:
            column_valid = column.valid
        if column_valid is not None:
            valid = column_valid if valid is None else valid & column_valid
    return valid


def _run(model: Model, x: torch.Tensor, proba: bool) -> torch.Tensor:
    """The model's prediction (or positive-class probability) for each row of `x`."""
    parts = []
    try:
        with torch.no_grad():
            for start in range(0, x.shape[0], model.chunk_rows):
                prediction, probabilities = model.program(x[start:start + model.chunk_rows])
                if proba:
                    parts.append(probabilities[:, 1])
                elif model.label_by_probability:
                    parts.append(_label_of_highest(model, probabilities))
                else:
                    parts.append(_one_per_row(model, prediction))
    except torch.cuda.OutOfMemoryError:
        raise
    except RuntimeError as exc:  # e.g. a torch module given the wrong number of features
        first = (str(exc).strip().splitlines() or [""])[0]
        raise ProgrammingError(
            f"model {model.name!r} failed on {x.shape[1]} features per row: {first}") from None
    if not parts:
        return torch.zeros(0, dtype=torch.float64 if proba else torch.float32, device=x.device)
    return torch.cat(parts)


# Probabilities this close (relative) to the highest count as tied with it: a mean of tree votes
# summed in another order than scikit-learn's is off by an ulp or so, never by this much.
TIE_TOLERANCE = 1e-12


def _label_of_highest(model: Model, probabilities: torch.Tensor) -> torch.Tensor:
    """The first class of highest probability (numpy's argmax rule, as scikit-learn applies it),
    or the last one for `ties_to_last` models, as the program would give it: a class value, or
    its index for LABEL_INDEX models."""
    top = probabilities.max(dim=1, keepdim=True).values
    highest = (probabilities >= top - top.abs() * TIE_TOLERANCE).int()
    if model.ties_to_last:
        index = highest.shape[1] - 1 - highest.flip(1).argmax(dim=1)
    else:
        index = highest.argmax(dim=1)
    if model.labels == LABEL_INDEX:
        return index
    return torch.as_tensor(model.classes.astype(np.int64), device=index.device)[index]


def _one_per_row(model: Model, prediction: torch.Tensor) -> torch.Tensor:
    if prediction.dim() == 2 and prediction.shape[1] == 1:
        prediction = prediction[:, 0]
    if prediction.dim() != 1:
        raise ProgrammingError(f"model {model.name!r} returned shape {tuple(prediction.shape)} "
                               "for its input; PREDICT needs one value per row")
    return prediction


def _as_column(model: Model, out: torch.Tensor, proba: bool, device: torch.device) -> Column:
    if proba:
        return Column(out.double(), DataType.DOUBLE)
    if not model.is_classifier:
        if out.dtype == torch.bool:
            return Column(out, DataType.BOOLEAN)
        if not out.is_floating_point():
            return Column(out.long(), DataType.BIGINT)
        return Column(out.double(), DataType.DOUBLE)
    classes = model.classes
    if model.labels != LABEL_INDEX:  # integer labels, as the program computed them
        return Column(out.long(), DataType.BIGINT)
    index = out.long()
    if classes.dtype.kind == "b":
        lookup = torch.as_tensor(classes.astype(bool), device=device)
        return Column(lookup[index], DataType.BOOLEAN)
    if classes.dtype.kind in "iu":
        lookup = torch.as_tensor(classes.astype(np.int64), device=device)
        return Column(lookup[index], DataType.BIGINT)
    if classes.dtype.kind == "f":
        lookup = torch.as_tensor(classes.astype(np.float64), device=device)
        return Column(lookup[index], DataType.DOUBLE)
    codes, dictionary = dicts.encode(pa.array([str(c) for c in classes], pa.large_string()))
    return Column(dicts.to_device_map(codes, device)[index], DataType.VARCHAR, None, dictionary)
