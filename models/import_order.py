"""One order for importing PyTorch and running the libraries that look for it.

scikit-learn and SciPy (their vendored ``array_api_compat``) ask ``sys.modules["torch"]`` whether an array
is a ``torch.Tensor``, and cache the answer. If another thread is half-way through ``import torch`` at that
moment, the module is in ``sys.modules`` without ``Tensor`` yet, and the call fails with "partially
initialized module 'torch' has no attribute 'Tensor'" (the palette's first extraction racing the start-up
warm-up did exactly this, one start in four).

So the import of torch and any step of a job that runs while torch is not fully imported hold one lock:
:func:`torch_settled` is free once torch is imported (a dictionary look-up), and serialises with the import
while it runs. The job worker wraps every step of every job in it; :func:`import_torch` is the only
first import of torch in the app.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

_LOCK = threading.RLock()


def torch_is_imported() -> bool:
    """True once torch is fully imported (no thread can see it half-made any more)."""
    module = sys.modules.get("torch")
    if module is None:
        return False
    spec = getattr(module, "__spec__", None)
    return not getattr(spec, "_initializing", False)


@contextmanager
def torch_settled() -> Iterator[None]:
    """Run the body while no thread is importing torch (free once torch is imported)."""
    if torch_is_imported():
        yield
        return
    with _LOCK:
        yield


def import_torch() -> ModuleType:
    """``import torch`` under the lock that :func:`torch_settled` waits on."""
    module = sys.modules.get("torch")
    if module is not None and torch_is_imported():
        return module
    with _LOCK:
        import torch

        return torch
