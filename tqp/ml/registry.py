"""The models registered on one connection, by case-insensitive name, on its device.

Registering compiles the model once (tqp/ml/compile.py); queries then call the compiled
program. `set_device` moves every registered model along with the connection.
"""

from __future__ import annotations

import torch

from tqp.errors import ProgrammingError
from tqp.ml.compile import compile_model
from tqp.ml.model import Model


class ModelRegistry:
    """Name -> Model for one connection."""

    def __init__(self, device: torch.device):
        self.device = device
        self._models: dict[str, Model] = {}

    def register(self, name: str, obj) -> Model:
        """Compile `obj` on the device and register it as `name` (replacing any model so named)."""
        if not isinstance(name, str) or not name.strip():
            raise ProgrammingError(f"a model name must be a non-empty string, not {name!r}")
        model = compile_model(name, obj, self.device)
        self._models[name.lower()] = model
        return model

    def drop(self, name: str) -> None:
        if self._models.pop(name.lower(), None) is None:
            raise ProgrammingError(f"model {name!r} is not registered")

    def get(self, name: str) -> Model | None:
        return self._models.get(name.lower())

    def names(self) -> list[str]:
        """Registered names (lower case), sorted."""
        return sorted(self._models)

    def models(self) -> list[Model]:
        return [self._models[n] for n in self.names()]

    def set_device(self, device: torch.device) -> None:
        for model in self._models.values():
            model.to(device)
        self.device = device
