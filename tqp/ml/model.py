"""A registered model: the torch program a query calls, and how to read what it returns.

Every kind of model (a scikit-learn estimator compiled by Hummingbird, a torch module, a
TorchScript file) becomes the same thing here: a `torch.nn.Module` on the connection's device that
maps a (rows x features) float tensor to `(prediction, probabilities)`, the probabilities being
None for models that have none.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from tqp.errors import NotSupportedError, ProgrammingError

# What a program's prediction holds for a classifier: the label itself (integer classes) or the
# index of the label in `Model.classes` (any other labels: strings, booleans, floats).
LABEL_VALUES = "values"
LABEL_INDEX = "index"


@dataclass(frozen=True, eq=False)
class Model:
    """One registered model; `program` lives on the connection's device (moved in place)."""

    name: str
    description: str  # what was registered, e.g. "RandomForestClassifier (scikit-learn, ...)"
    program: torch.nn.Module
    n_features: int | None  # None when it cannot be known before a call (some torch modules)
    input_dtype: torch.dtype
    classes: np.ndarray | None = None  # a classifier's labels, sorted; None for other models
    labels: str = LABEL_VALUES
    torch_module: bool = False  # a user's module: one value per row, no probabilities
    probabilities: bool = False  # a classifier with predict_proba (not e.g. LinearSVC)
    chunk_rows: int = 1 << 16  # rows per call of the program (see tqp/ml/predict.py)
    # The label is the first class of highest averaged probability (scikit-learn's forests);
    # tqp takes it from the probabilities itself, ties included (see tqp/ml/predict.py).
    label_by_probability: bool = False
    # ... except that a tie goes to the last class of highest probability (a binary gradient
    # boosting classifier: class 1 where its decision function is >= 0).
    ties_to_last: bool = False

    @property
    def is_classifier(self) -> bool:
        return self.classes is not None

    def to(self, device: torch.device) -> None:
        self.program.to(device)

    def check_call(self, n_features: int, proba: bool) -> None:
        """Reject a call that cannot work, before the query runs."""
        what = "PREDICT_PROBA" if proba else "PREDICT"
        if n_features == 0:
            raise ProgrammingError(f"{what}('{self.name}', ...) needs at least one feature")
        if self.n_features is not None and n_features != self.n_features:
            raise ProgrammingError(
                f"model {self.name!r} expects {self.n_features} features, "
                f"{what} gave it {n_features}")
        if proba and not self.is_classifier:
            if self.torch_module:
                raise NotSupportedError(
                    f"PREDICT_PROBA on model {self.name!r}, a torch module: it returns one value "
                    "per row, use PREDICT")
            raise ProgrammingError(
                f"PREDICT_PROBA needs a classifier; model {self.name!r} is a regressor "
                f"({self.description})")
        if proba and not self.probabilities:
            raise ProgrammingError(
                f"PREDICT_PROBA needs class probabilities; model {self.name!r} "
                f"({self.description}) has no predict_proba")
        if proba and len(self.classes) != 2:
            raise ProgrammingError(
                f"PREDICT_PROBA needs a binary classifier; model {self.name!r} has "
                f"{len(self.classes)} classes")
