"""GAN engine: a compact FastGAN-like generator trained with DiffAugment on a few images, and sampling.

- :class:`GanModel` — load a checkpoint and sample (seeds, truncation, variations, interpolation, crossing).
- :func:`train` — a job generator that trains on a folder and writes ``.safetensors`` + JSON sidecar.
- :func:`load_checkpoint`, :class:`CheckpointError` — checkpoint reading with clear errors.

The names below are loaded on first use (PEP 562), so that ``models.gan.paths`` — which the panel imports
at start-up — does not pull in torch; ``from models.gan import GanModel`` imports it then.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Checkpoint": "checkpoint",
    "CheckpointError": "checkpoint",
    "load_checkpoint": "checkpoint",
    "read_info": "checkpoint",
    "save_checkpoint": "checkpoint",
    "GanArch": "config",
    "TrainConfig": "config",
    "GanModel": "sampling",
    "GanSample": "sampling",
    "make_grid": "sampling",
    "GanTrainError": "training",
    "TrainProgress": "training",
    "TrainResult": "training",
    "default_arch": "training",
    "train": "training",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'models.gan' has no attribute {name!r}")
    loaded = importlib.import_module(f"models.gan.{module}")
    for export, where in _EXPORTS.items():  # bind every name of that module: later look-ups skip this
        if where == module:
            globals().setdefault(export, getattr(loaded, export))
    return globals()[name]
