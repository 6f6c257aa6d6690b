"""PREDICT models on Ray workers: put in the object store once per connection, loaded once per
worker process.

A stage plan holds the models it calls (a bound PREDICT call carries its Model). Pickled with the
plan, a model would be copied into the object store with every stage of every query and
unpickled by every task. Instead `pack` pickles a stage plan with each model replaced by a
reference to one object-store copy, put while the connection keeps that model object
(`ShippedModels`), and `unpack`, in a task, loads each reference once per worker process and
keeps the model for the worker's later tasks (the last `KEPT_MODELS` of them).
"""

from __future__ import annotations

import io
import pickle
from collections import OrderedDict

import ray
from ray import cloudpickle

from tqp.ml.model import Model

# Models a worker process keeps loaded, the least recently used dropped first.
KEPT_MODELS = 8

_loaded: OrderedDict[str, Model] = OrderedDict()  # in a worker: models by their ref's id


class ShippedModels:
    """The object-store copies of the models one connection's queries call."""

    def __init__(self):
        self._puts: dict[int, tuple[Model, ray.ObjectRef]] = {}  # id -> (model kept, ref)

    def ref(self, model: Model) -> ray.ObjectRef:
        """The ref of `model` in the object store, put once while the model lives."""
        found = self._puts.get(id(model))
        if found is None or found[0] is not model:
            found = (model, ray.put(model))
            self._puts[id(model)] = found
        return found[1]


def pack(plan, shipped: ShippedModels) -> tuple[bytes, dict[str, ray.ObjectRef]]:
    """`plan` pickled with its models as references, and the refs by their ids."""
    refs: dict[str, ray.ObjectRef] = {}

    class Pickler(cloudpickle.CloudPickler):
        def persistent_id(self, obj):
            if isinstance(obj, Model):
                ref = shipped.ref(obj)
                refs[ref.hex()] = ref
                return ref.hex()
            return None

    out = io.BytesIO()
    Pickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(plan)
    return out.getvalue(), refs


def unpack(data: bytes, refs: dict[str, ray.ObjectRef]):
    """The plan `pack` pickled, its models loaded once per worker process."""

    class Unpickler(pickle.Unpickler):
        def persistent_load(self, key):
            if key not in _loaded:
                _loaded[key] = ray.get(refs[key])
                while len(_loaded) > KEPT_MODELS:
                    _loaded.popitem(last=False)
            _loaded.move_to_end(key)
            return _loaded[key]

    return Unpickler(io.BytesIO(data)).load()
