"""Models inside SQL: `PREDICT('name', x, ...)` and `PREDICT_PROBA('name', x, ...)`.

- calls.py: the PREDICT expression nodes, and binding a query's calls to registered models
- registry.py: the models registered on a connection (`Connection.register_model`)
- compile.py: torch modules, TorchScript files and scikit-learn estimators (via Hummingbird)
  turned into torch programs on the connection's device, once, at registration
- model.py: a registered model and the checks a call must pass
- predict.py: evaluating a call over a batch, one model call per slice of rows

See docs/ml.md.
"""
