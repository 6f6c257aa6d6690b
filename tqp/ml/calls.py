"""PREDICT and PREDICT_PROBA in SQL: the expression nodes that call a registered model, and the
binding of the calls a query writes to the models registered on its connection.

The parser leaves `PREDICT('name', expr, ...)` as a plain function call (tqp/planner/dialect.py).
After the optimizer, `bind_models` replaces each call by a `ModelCall` node that holds the model
itself, so the plan carries everything it needs and the expression evaluator
(tqp/ml/predict.py) looks nothing up. This module imports only sqlglot: the planner asks it
whether an expression calls a model without loading any machine-learning package.
"""

from __future__ import annotations

import difflib

from sqlglot import exp

from tqp.errors import ProgrammingError


class ModelCall(exp.Expression, exp.Func):
    """A call of a registered model on feature expressions: `this` is the model name (a string
    literal), `expressions` the features. `args["model"]` is the registered model object; it is
    no SQL argument (so it is not printed) and copies of the node share it."""

    arg_types = {"this": True, "expressions": True}
    is_var_len_args = True
    proba = False

    @property
    def model(self):
        return self.args["model"]

    @property
    def model_name(self) -> str:
        return self.this.name


class PredictCall(ModelCall):
    """PREDICT('name', x, ...): the model's prediction, a class label or a value."""

    _sql_names = ["PREDICT"]


class PredictProbaCall(ModelCall):
    """PREDICT_PROBA('name', x, ...): the positive-class probability of a binary classifier."""

    _sql_names = ["PREDICT_PROBA"]
    proba = True


_CALLS = {"predict": PredictCall, "predict_proba": PredictProbaCall}
MODEL_CALL_TYPES = (ModelCall, exp.Anonymous)  # the node types a call can be, bound or not yet


def _is_model_function(node: exp.Expression) -> bool:
    return isinstance(node, exp.Anonymous) and node.name.lower() in _CALLS


def is_model_call(node: exp.Expression) -> bool:
    """Whether the node itself is a model call, bound or not yet."""
    return isinstance(node, ModelCall) or _is_model_function(node)


def has_model_call(expression: exp.Expression) -> bool:
    """Whether `expression` calls a model, bound or not yet (one walk of the tree)."""
    return any(isinstance(n, MODEL_CALL_TYPES) and is_model_call(n) for n in expression.walk())


def bind_models(statement: exp.Expression, models) -> exp.Expression:
    """`statement` with every PREDICT/PREDICT_PROBA call bound to its registered model.

    The tree is changed in place. Unknown names, a name that is not a string literal, a wrong
    number of features and PREDICT_PROBA on a model without a positive-class probability are
    errors here, before anything runs.
    """
    calls = [n for n in statement.find_all(exp.Anonymous, bfs=False) if _is_model_function(n)]
    for node in reversed(calls):  # inner calls first: a feature may itself be a PREDICT
        node.replace(_bind(node, models))
    return statement


def _bind(node: exp.Anonymous, models) -> ModelCall:
    call = _CALLS[node.name.lower()]
    what = call.sql_name()
    args = list(node.expressions)
    if not args or not (isinstance(args[0], exp.Literal) and args[0].is_string):
        raise ProgrammingError(f"{what} takes the model name as a string literal first: "
                               f"{what}('model', feature, ...)")
    name, features = args[0].this, args[1:]
    model = models.get(name)
    if model is None:
        known = models.names()
        close = difflib.get_close_matches(name.lower(), known, n=1)
        hint = f" (did you mean {close[0]}?)" if close else (
            "" if known else " (register one with register_model, or .model in tqp-shell)")
        raise ProgrammingError(f"model {name!r} is not registered{hint}")
    model.check_call(len(features), proba=call.proba)
    bound = call(this=exp.Literal.string(name), expressions=features)
    bound.set("model", model)
    return bound
