"""How torch's CPU tensors use the C heap: freed pages handed back, or kept for the next step (torch-free).

glibc's malloc serves a block above its mmap threshold (which grows to at most 32 MB as large blocks are
freed) with a fresh ``mmap`` and unmaps it when it is freed; smaller blocks come from the heap, which keeps
freed pages. Every page of a fresh mapping is faulted in and zeroed by the kernel when first touched.

- :func:`release_free_memory` (``malloc_trim``) returns the heap's free pages. After the backward pass
  through the deep, smaller layers of a 2048 px image the heap holds most of a gigabyte of free pages,
  which would stay resident while the next, largest tensors (the early high-resolution layers) are mapped
  on top of them: 10-60 ms per call, and a lower peak.
- :func:`keep_freed_memory` is for the optimisation loop. A stylization step allocates and frees
  gigabytes of activations: at 2048 px, as fresh mappings, that was 3.3 million page faults (13 GB) per
  step, about 40 % of the step's CPU time spent in the kernel (251 million faults and 580 of 1283
  CPU-seconds for Draft at 4096 px). Inside it nothing is mapped per block (``M_MMAP_MAX`` 0) and the heap
  is not shrunk on free (``M_TRIM_THRESHOLD``), so a step reuses the pages the last one freed; the engine's
  explicit trims (between scales, before the largest recomputations) still bound the peak.
- :func:`share_one_heap`: ``M_MMAP_MAX`` binds only the main heap. A thread's own arena (the window runs
  jobs on a pool thread) is made of 64 MB heaps and still maps every larger block, so the entry point
  makes every later thread allocate from the main heap (``M_ARENA_MAX`` 1; a desktop app's threads rarely
  allocate at once, and it also stops one arena per thread from holding its own free memory).

Elsewhere (other C libraries, macOS, Windows) all three are no-ops.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import platform
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# mallopt parameters (glibc's malloc.h)
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
M_MMAP_MAX = -4
M_ARENA_MAX = -8
# What keep_freed_memory() restores on leaving: the mmap threshold and trim threshold glibc's dynamic
# policy reaches once torch has freed a large block (32 MB, twice that), and glibc's default mmap count.
AFTER_MMAP_THRESHOLD = 32 * 1024 * 1024
AFTER_TRIM_THRESHOLD = 64 * 1024 * 1024
AFTER_MMAP_MAX = 65536
KEEP_TRIM_THRESHOLD = 2**31 - 1  # mallopt takes an int: the largest, i.e. never shrink the heap on free

_libc: Any = None
_looked = False
_lock = threading.Lock()
_kept = 0  # nesting depth of keep_freed_memory (two jobs may run at once in the window)


def _glibc() -> Any:
    """glibc through ctypes, or None (another C library or system)."""
    global _libc, _looked
    if not _looked:
        _looked = True
        if sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc":
            try:
                lib = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
                lib.mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
                lib.malloc_trim.argtypes = (ctypes.c_size_t,)
                _libc = lib
            except (OSError, AttributeError):
                _libc = None
    return _libc


def _mallopt(param: int, value: int) -> bool:
    lib = _glibc()
    return lib is not None and lib.mallopt(param, value) == 1


def release_free_memory() -> bool:
    """Return the heap's free pages to the OS where the C library can (glibc); True when it did."""
    lib = _glibc()
    if lib is None:
        return False
    lib.malloc_trim(0)
    return True


def share_one_heap() -> bool:
    """Make every thread started from now on allocate from the main heap (glibc); True when it did.

    Call it first thing in a process, before any thread exists: a thread that has allocated keeps its arena.
    """
    return _mallopt(M_ARENA_MAX, 1)


@contextmanager
def keep_freed_memory() -> Iterator[bool]:
    """Inside, freed memory stays in the heap for the next allocation of this process (glibc): no block
    is given its own mapping and the heap is not shrunk on free. Leaving the outermost one restores
    glibc's steady-state thresholds and returns the free pages. Yields whether the tuning applies."""
    global _kept
    with _lock:
        applied = _glibc() is not None
        if applied and _kept == 0:
            applied = _mallopt(M_MMAP_MAX, 0) and _mallopt(M_TRIM_THRESHOLD, KEEP_TRIM_THRESHOLD)
        _kept += 1
    try:
        yield applied
    finally:
        with _lock:
            _kept -= 1
            if _kept == 0 and _glibc() is not None:
                _mallopt(M_MMAP_THRESHOLD, AFTER_MMAP_THRESHOLD)
                _mallopt(M_TRIM_THRESHOLD, AFTER_TRIM_THRESHOLD)
                _mallopt(M_MMAP_MAX, AFTER_MMAP_MAX)
                release_free_memory()


def keeping() -> bool:
    """Whether a :func:`keep_freed_memory` is in effect (for tests and benchmarks)."""
    return _kept > 0


__all__ = ["keep_freed_memory", "keeping", "release_free_memory", "share_one_heap"]
