"""PREDICT and PREDICT_PROBA in SQL: the expression nodes that call a registered model, and the
binding of the calls a query writes to the models registered on its connection.

The parser leaves `PREDICT('name', expr, ...)` as a plain function call (tqp/planner/dialect.py).
After the optimizer, `bind_models` gives each call the model itself, so the plan carries
everything it needs and the expression evaluator (tqp/ml/predict.py) looks nothing up. This
module imports only sqlglot: the planner asks it whether an expression calls a model without
loading any machine-learning package.
"""

from __future__ import annotations

import difflib

from sqlglot import exp

from tqp.errors import ProgrammingError

# A call stays sqlglot's plain function call: `this` its name, `expressions` the model's name
# (a string literal) and then the features. sqlglot's compiled build allows no node classes of
# tqp's own, so binding sets `args[MODEL]`, the registered model object: no SQL argument (it is
# not printed), and copies of the node share it.
MODEL = "model"
_PROBA = {"predict": False, "predict_proba": True}  # by name: a probability, not a prediction
MODEL_CALL_TYPES = (exp.Anonymous,)  # the node types a call can be, bound or not yet


def is_model_call(node: exp.Expression) -> bool:
    """Whether the node itself is a model call, bound or not yet."""
    return isinstance(node, exp.Anonymous) and node.name.lower() in _PROBA


def has_model_call(expression: exp.Expression) -> bool:
    """Whether `expression` calls a model, bound or not yet (one walk of the tree)."""
    return any(is_model_call(n) for n in expression.walk())


def is_proba(node: exp.Anonymous) -> bool:
    """Whether the call asks for the positive-class probability (PREDICT_PROBA)."""
    return _PROBA[node.name.lower()]


def features(node: exp.Anonymous) -> list[exp.Expression]:
    """The feature expressions of a model call, in the model's order."""
    return node.expressions[1:]


def bind_models(statement: exp.Expression, models) -> exp.Expression:
    """`statement` with every PREDICT/PREDICT_PROBA call bound to its registered model.

    The tree is changed in place. Unknown names, a name that is not a string literal, a wrong
    number of features and PREDICT_PROBA on a model without a positive-class probability are
    errors here, before anything runs.
    """
    for node in statement.find_all(exp.Anonymous):
        if is_model_call(node):
            node.set(MODEL, _model(node, models))
    return statement


def _model(node: exp.Anonymous, models):
    """The registered model a call names, checked against the call."""
    what = node.name.upper()
    args = list(node.expressions)
    if not args or not (isinstance(args[0], exp.Literal) and args[0].is_string):
        raise ProgrammingError(f"{what} takes the model name as a string literal first: "
                               f"{what}('model', feature, ...)")
    name = args[0].this
    model = models.get(name)
    if model is None:
        known = models.names()
        close = difflib.get_close_matches(name.lower(), known, n=1)
        hint = f" (did you mean {close[0]}?)" if close else (
            "" if known else " (register one with register_model, or .model in tqp-shell)")
        raise ProgrammingError(f"model {name!r} is not registered{hint}")
    model.check_call(len(args) - 1, proba=is_proba(node))
    return model
