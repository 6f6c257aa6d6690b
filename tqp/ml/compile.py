"""Turning what `register_model` is given into a `Model`: once, at registration, on the device.

- A `torch.nn.Module` is copied (the caller's object is left alone), put in eval mode and moved.
- A TorchScript file is loaded onto the device; a pickled estimator file is unpickled.
- A fitted scikit-learn estimator or Pipeline (and LightGBM/XGBoost models, where installed) is
  compiled to a torch program by Hummingbird: trees and forests become tree-traversal tensor
  programs, linear models a matrix product.

Precision, so that PREDICT gives the estimator's own answers: tree thresholds and leaf values
stay float64 (`tree_op_precision_dtype`: float32 thresholds send values lying between a
threshold and its float32 rounding down the wrong branch). The input is float32 for the models
that score float32 themselves (scikit-learn trees, forests and gradient boosting cast X to
float32), float64 for those that score float64 (HistGradientBoosting, LightGBM). Hummingbird's
linear models and scalers compute in float32, as it builds them.
"""

from __future__ import annotations

import copy
import pickle
import warnings
from pathlib import Path

import numpy as np
import torch

from tqp.errors import NotSupportedError, OperationalError, ProgrammingError
from tqp.ml.model import LABEL_INDEX, LABEL_VALUES, Model
from tqp.ml.trees import count_trees, lean_forests

# Estimators that score in float64 (their thresholds sit between float64 values).
FLOAT64_ESTIMATORS = frozenset({
    "HistGradientBoostingClassifier", "HistGradientBoostingRegressor",
    "LGBMClassifier", "LGBMRegressor",
})
# Classifiers whose predict() is the first class of highest mean probability over their trees.
# Hummingbird sums the trees in another order, so a tie (0.5, 0.5) can come out 1 ulp apart and
# its argmax pick the other class: PREDICT applies the estimator's rule itself.
AVERAGING_CLASSIFIERS = frozenset({"RandomForestClassifier", "ExtraTreesClassifier"})
# Binary classifiers whose predict() is class 1 where the decision function is >= 0, where the
# probabilities tie: the argmax of (0.5, 0.5) would pick class 0.
BOUNDARY_TO_SECOND_CLASS = frozenset({"GradientBoostingClassifier"})
# A torch module's input width is looked for among these widths when its layers do not say.
MAX_PROBED_WIDTH = 64
_TREE_STRATEGIES = {
    "GEMM": "gemm", "PerfectTreeTraversal": "perf_tree_trav", "TreeTraversal": "tree_trav",
}


def compile_model(name: str, obj, device: torch.device) -> Model:
    """The `Model` for `obj`: a torch module, a TorchScript or pickle file path, or an estimator."""
    if isinstance(obj, (str, Path)):
        obj = load_model_file(obj, device)
        if isinstance(obj, torch.nn.Module):  # loaded here: nobody else holds it
            return _torch_model(name, obj, device, copy_module=False)
    if isinstance(obj, torch.nn.Module):
        return _torch_model(name, obj, device)
    if hasattr(obj, "predict") and not isinstance(obj, type):
        return _estimator_model(name, obj, device)
    if hasattr(obj, "transform") and not isinstance(obj, type):
        raise NotSupportedError(
            f"a {type(obj).__name__} transforms but does not predict: register a Pipeline that "
            "ends in a model, e.g. make_pipeline(StandardScaler(), LogisticRegression())")
    raise NotSupportedError(
        f"cannot register a {type(obj).__name__} as a model: register_model takes a "
        "torch.nn.Module, a TorchScript file path, or a fitted scikit-learn estimator or "
        "Pipeline (LightGBM/XGBoost models where installed)")


# -- files -------------------------------------------------------------------------------------

def load_model_file(path: str | Path, device: torch.device):
    """A TorchScript module (loaded onto `device`) or an unpickled estimator from `path`.

    Unpickling runs code from the file: load only files you trust.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise OperationalError(f"no such model file: {path}")
    try:
        with warnings.catch_warnings():  # torch 2.13 deprecates TorchScript; it still loads
            warnings.simplefilter("ignore", DeprecationWarning)
            return torch.jit.load(str(path), map_location=device)
    except (RuntimeError, ValueError):
        pass  # not TorchScript: try a pickle
    try:
        try:
            import joblib  # reads joblib.dump files and plain pickles alike
        except ImportError:  # pragma: no cover - joblib comes with scikit-learn
            with path.open("rb") as f:
                return pickle.load(f)
        return joblib.load(path)
    except Exception as exc:  # noqa: BLE001 - any unpickling failure is an unreadable file
        raise OperationalError(
            f"cannot load model file {path}: neither TorchScript nor a pickled model "
            f"({type(exc).__name__}: {exc})") from None


# -- torch modules -----------------------------------------------------------------------------

class TorchProgram(torch.nn.Module):
    """A user's module as a program: one prediction per row, no probabilities."""

    def __init__(self, module: torch.nn.Module):
        super().__init__()
        self.module = module

    def forward(self, x: torch.Tensor):
        return self.module(x), None


def _torch_model(name: str, module: torch.nn.Module, device: torch.device,
                 copy_module: bool = True) -> Model:
    """A user's module as a model: a copy (eval mode, moving it to the device must not change
    the caller's object), fed the dtype of its parameters."""
    if copy_module:
        try:
            module = copy.deepcopy(module)
        except Exception as exc:  # noqa: BLE001 - the module's own state decides
            raise NotSupportedError(f"cannot copy torch module {type(module).__name__}: {exc}")
    module = module.eval().to(device)
    dtype = next((p.dtype for p in list(module.parameters()) + list(module.buffers())
                  if p.is_floating_point()), torch.float32)
    width = _input_width(module, dtype, device)
    if width is not None:
        with torch.no_grad():
            out = module(torch.zeros(2, width, dtype=dtype, device=device))
        if not isinstance(out, torch.Tensor) or out.numel() != 2 or out.shape[0] != 2:
            shape = tuple(out.shape) if isinstance(out, torch.Tensor) else type(out).__name__
            raise NotSupportedError(
                f"torch module {type(module).__name__} returns {shape} for 2 rows; PREDICT needs "
                "one value per row")
    kind = "TorchScript module" if isinstance(module, torch.jit.ScriptModule) else "torch module"
    description = f"{kind} {getattr(module, 'original_name', type(module).__name__)}"
    return Model(name, description, TorchProgram(module), width, dtype, torch_module=True)


def _input_width(module: torch.nn.Module, dtype: torch.dtype, device: torch.device) -> int | None:
    """The number of features `module` takes, when exactly one width works; else None."""
    def accepts(width: int) -> bool:
        try:
            with torch.no_grad():
                module(torch.zeros(2, width, dtype=dtype, device=device))
        except Exception:  # noqa: BLE001 - a width the module rejects, however it says so
            return False
        return True

    declared = next((m.in_features for m in module.modules()
                     if isinstance(getattr(m, "in_features", None), int)), None)
    if declared is not None and accepts(declared) and not accepts(declared + 1):
        return declared
    widths = [w for w in range(1, MAX_PROBED_WIDTH + 1) if accepts(w)]
    return widths[0] if len(widths) == 1 else None


# -- scikit-learn API estimators, through Hummingbird -------------------------------------------

class HummingbirdProgram(torch.nn.Module):
    """A Hummingbird-compiled pipeline: its operators wired as Hummingbird's Executor wires them,
    minus the Executor's input conversion (which casts float64 to float32 and moves tensors), so
    the float64 models get float64 and every tensor stays where it is."""

    def __init__(self, executor: torch.nn.Module, classifier: bool):
        super().__init__()
        self.executor = executor
        self.classifier = classifier

    def forward(self, x: torch.Tensor):
        executor = self.executor
        values = {executor._input_names[0]: x}
        for op in executor._operators:
            out = op(*(values[n] for n in op.inputs))
            if len(op.outputs) == 1:
                values[op.outputs[0]] = out
            else:
                values.update(zip(op.outputs, out))
        names = executor._output_names
        result = values[names[0]] if len(names) == 1 else tuple(values[n] for n in names)
        if self.classifier:  # (labels, probabilities)
            return result[0], result[1]
        return result, None


def _estimator_model(name: str, estimator, device: torch.device) -> Model:
    what = type(estimator).__name__
    try:
        import hummingbird.ml as hb
        from hummingbird.ml.exceptions import MissingConverter
        from sklearn.base import is_classifier
        from sklearn.exceptions import NotFittedError
        from sklearn.utils.validation import check_is_fitted
    except ImportError as exc:
        raise NotSupportedError(
            f"registering a {what} needs scikit-learn and hummingbird-ml "
            f"(pip install 'tqp[ml]'): {exc}") from None
    try:
        check_is_fitted(estimator)
    except NotFittedError:
        raise ProgrammingError(f"{what} is not fitted: call fit() before registering it") from None
    except TypeError:
        pass  # not a scikit-learn estimator: Hummingbird decides below
    final = estimator.steps[-1][1] if hasattr(estimator, "steps") else estimator
    n_features = getattr(estimator, "n_features_in_", None)
    if n_features is None:
        raise NotSupportedError(f"{what}: the number of features it was fitted on is unknown")
    n_features = int(n_features)
    classifier = bool(is_classifier(estimator)) and hasattr(final, "classes_")
    classes, labels, target = None, LABEL_VALUES, estimator
    if classifier:
        classes = np.asarray(final.classes_)
        if not _int32_labels(classes):  # Hummingbird knows int32 labels only
            target, labels = _with_index_classes(estimator, final, len(classes)), LABEL_INDEX
    # float64 where the estimator scores in float64, unless some operator insists on float32:
    # then as Hummingbird builds it.
    wants_float64 = type(final).__name__ in FLOAT64_ESTIMATORS and final is estimator
    for float64 in ((True, False) if wants_float64 else (False,)):
        program = _hummingbird(hb, MissingConverter, target, n_features, classifier, float64,
                               what)
        try:
            out = _probe(program, n_features, torch.float64 if float64 else torch.float32)
            break
        except Exception as exc:  # noqa: BLE001 - whatever the compiled program raises
            error = exc
    else:
        raise NotSupportedError(f"model type {what}: its compiled program fails "
                                f"({type(error).__name__}: {error})")
    if not classifier and (not isinstance(out, torch.Tensor) or out.numel() != 2):
        raise NotSupportedError(f"model type {what}: PREDICT needs one value per row")
    program = program.to(device)
    description = f"{what} (scikit-learn API, Hummingbird{_strategy(program)})"
    return Model(name, description, program, n_features,
                 torch.float64 if float64 else torch.float32, classes, labels,
                 probabilities=classifier and hasattr(estimator, "predict_proba"),
                 chunk_rows=_chunk_rows(count_trees(program.executor)),
                 label_by_probability=classifier and (
                     type(final).__name__ in AVERAGING_CLASSIFIERS | BOUNDARY_TO_SECOND_CLASS),
                 ties_to_last=classifier and len(classes) == 2
                 and type(final).__name__ in BOUNDARY_TO_SECOND_CLASS)


def _hummingbird(hb, missing_converter, estimator, n_features: int, classifier: bool,
                 float64: bool, what: str) -> HummingbirdProgram:
    sample = np.zeros((1, n_features), dtype=np.float32)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            container = hb.convert(estimator, "torch", sample,
                                   extra_config={"tree_op_precision_dtype": "float64"})
    except missing_converter as exc:
        first = str(exc).strip().splitlines()[0]
        raise NotSupportedError(f"model type {what}: Hummingbird cannot compile it ({first})") \
            from None
    except Exception as exc:  # noqa: BLE001 - Hummingbird reports unsupported options so
        raise NotSupportedError(f"model type {what}: Hummingbird cannot compile it "
                                f"({type(exc).__name__}: {exc})") from None
    executor = container.model
    if float64:
        executor = executor.double()
    lean_forests(executor, float32_input=not float64)
    return HummingbirdProgram(executor.eval(), classifier)


def _int32_labels(classes: np.ndarray) -> bool:
    if classes.dtype.kind not in "iu" or not len(classes):
        return False
    return bool(classes.min() >= -(1 << 31) and classes.max() < (1 << 31))


def _with_index_classes(estimator, final, n_classes: int):
    """A shallow copy of `estimator` whose labels are 0..n-1, which Hummingbird can compile;
    PREDICT maps the indices back to the real labels."""
    relabelled = copy.copy(final)
    try:
        relabelled.classes_ = np.arange(n_classes)
    except AttributeError:
        raise NotSupportedError(
            f"{type(final).__name__} with {np.asarray(final.classes_).dtype} class labels: "
            "Hummingbird compiles integer labels only") from None
    if final is estimator:
        return relabelled
    pipeline = copy.copy(estimator)
    pipeline.steps = list(estimator.steps[:-1]) + [(estimator.steps[-1][0], relabelled)]
    return pipeline


def _probe(program: HummingbirdProgram, n_features: int, dtype: torch.dtype):
    """The program's prediction for two rows of zeros (raises if it cannot run)."""
    with torch.no_grad():
        return program(torch.zeros(2, n_features, dtype=dtype))[0]


def _chunk_rows(trees: int) -> int:
    """Rows per program call: about 2^18 (row, tree) pairs for a forest, 2^16 rows for other
    models. A forest's per-level tensors then stay in the CPU's cache. Measured with 32 trees
    of depth 10 on 2 cores: 8K-row calls took ~30% less time than 64K-row calls (500K rows of
    the ML benchmark's shape), and 16K-row calls 60% more than 8K (the ML benchmark at SF 0.1)."""
    if not trees:
        return 1 << 16
    rows = (1 << 18) // trees
    return max(1 << 10, min(1 << 16, 1 << (rows.bit_length() - 1) if rows else 0))


def _strategy(program: HummingbirdProgram) -> str:
    """The tree strategy Hummingbird picked (from the operator class names), for descriptions."""
    for op in program.executor._operators:
        name = type(getattr(op, "op", op)).__name__  # a LeanPerfectTraversal wraps the original
        for prefix, strategy in _TREE_STRATEGIES.items():
            if name.startswith(prefix):
                return f" {strategy}"
    return ""
