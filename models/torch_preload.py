"""Import PyTorch from a worker thread without freezing the UI thread.

Python's extension loader calls ``dlopen`` with the GIL held, and ``libtorch_cpu.so`` alone takes ~0.2 s to
map and relocate: a worker thread importing torch stalls the UI thread for that long (measured 258 ms).
Calling libc's ``dlopen`` through ctypes releases the GIL, so we map torch's shared libraries that way
first; the ``import torch`` that follows finds them loaded. What remains is torch's own module setup.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import sys
from collections.abc import Generator
from pathlib import Path

from models.device import configure_threads
from models.progress import Progress

_RTLD_NOW_GLOBAL = 0x2 | 0x100
# In dependency order; missing ones (CPU builds, other platforms) are skipped.
_LIBRARIES = (
    "libc10.so",
    "libtorch_global_deps.so",
    "libtorch_cpu.so",
    "libc10_cuda.so",
    "libtorch_cuda.so",
    "libtorch.so",
    "libtorch_python.so",
)


def _preload_libraries() -> None:
    if not sys.platform.startswith("linux"):
        return
    spec = importlib.util.find_spec("torch")
    if spec is None or spec.origin is None:
        return
    lib_dir = Path(spec.origin).parent / "lib"
    try:
        libc = ctypes.CDLL(None)
        dlopen = libc.dlopen
    except (OSError, AttributeError):
        return
    dlopen.restype = ctypes.c_void_p
    dlopen.argtypes = [ctypes.c_char_p, ctypes.c_int]
    for name in _LIBRARIES:
        path = lib_dir / name
        if path.exists():
            dlopen(os.fsencode(path), _RTLD_NOW_GLOBAL)  # a foreign call: the GIL is released meanwhile


def ensure_torch() -> None:
    """Import torch the way the app always does (libraries first, then the import, under the import lock
    of models/import_order.py) and set its threads; cheap once done."""
    from models.import_order import import_torch

    if "torch" not in sys.modules:
        _preload_libraries()
    import_torch()
    configure_threads()


def preload_torch() -> Generator[Progress, None, bool]:
    """A job generator: map torch's libraries without the GIL, then import torch. Returns True if loaded."""
    if "torch" in sys.modules:
        return True
    yield Progress(0, 2, "loading PyTorch libraries")
    _preload_libraries()
    yield Progress(1, 2, "importing PyTorch")
    configure_threads()
    yield Progress(2, 2, "PyTorch ready")
    return True
