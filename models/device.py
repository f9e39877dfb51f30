"""Where torch work runs: the one device resolver and the one CPU thread policy of every engine.

torch is imported inside the functions, so importing this module stays light.
"""

from __future__ import annotations

import os

from atelier_common.errors import UserError

DEVICES = ("auto", "cpu", "cuda")


class DeviceError(UserError, ValueError):
    """The device asked for cannot be used (no CUDA GPU, an unknown name)."""


def resolve_device(device: str = "auto") -> str:
    """``"auto"`` → ``"cuda"`` when a CUDA GPU is available, else ``"cpu"``; a missing CUDA is an error.

    The result is a device name that ``tensor.to()`` takes and provenance can record as it is."""
    import torch

    if device not in DEVICES:
        raise DeviceError(f"device must be auto, cpu or cuda, not {device!r}")
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise DeviceError("device 'cuda' was asked for but no CUDA GPU is available; use 'auto' or 'cpu'")
    return device


def default_threads() -> int:
    """All cores but one: the UI thread (or the shell) always keeps a core."""
    return max(1, (os.cpu_count() or 2) - 1)


def configure_threads(threads: int | None = None) -> None:
    """Set torch's intra-op threads to ``threads`` (default: :func:`default_threads`) if they differ."""
    import torch

    wanted = threads or default_threads()
    if torch.get_num_threads() != wanted:
        torch.set_num_threads(wanted)
