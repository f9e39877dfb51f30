"""Handing freed heap memory back to the operating system (torch-free).

glibc's malloc serves tensors under its mmap threshold (which grows to 32 MB as large blocks are freed)
from the heap, and the heap keeps freed pages. After the backward pass through the deep, smaller layers of
a 2048 px image the heap holds most of a gigabyte of such free pages, which stay resident while the next,
largest tensors (the early high-resolution layers) are mapped on top of them. ``malloc_trim`` returns them
(MADV_DONTNEED): 10-60 ms per call, under 1 % of a 2048 px step. Elsewhere (other C libraries, macOS,
Windows) this is a no-op. A fixed low ``M_MMAP_THRESHOLD`` would do the same for every allocation, but
made 2048 px steps about 20 % slower (page faults on every medium-sized tensor).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from collections.abc import Callable

_trim: Callable[[int], int] | None = None
_looked = False


def release_free_memory() -> bool:
    """Return the heap's free pages to the OS where the C library can (glibc); True when it did."""
    global _trim, _looked
    if not _looked:
        _looked = True
        if sys.platform.startswith("linux"):
            try:
                _trim = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
            except (OSError, AttributeError):  # musl and others have no malloc_trim
                _trim = None
    if _trim is None:
        return False
    _trim(0)
    return True
