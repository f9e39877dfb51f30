"""Encoded files kept by the identity of the pixel arrays they were made from (Qt-free).

A writer that writes the same document again and again (autosave) keeps what it encoded last and encodes
only what changed; ``studio.io.ora.write_ora(..., cache=EncodeCache())`` uses it.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import Any

import numpy as np

__all__ = ["EncodeCache"]


class EncodeCache:
    """What one writer encoded last, by the identity of the pixel arrays it came from, so that writing the
    same document again (autosave) re-encodes only what changed.

    A document never changes a pixel array in place (an edit, a crop or an undo puts another array in its
    place), so the same array object means the same pixels; an entry holds only weak references to its
    arrays and counts as a miss once one of them is gone. After each write the cache keeps only what that
    write used (:meth:`finish`): the PNGs of one document, never a history of them. One writer at a time.
    """

    def __init__(self) -> None:
        self._entries: dict[Hashable, tuple[tuple[weakref.ref[np.ndarray], ...], Any]] = {}
        self._used: dict[Hashable, tuple[tuple[weakref.ref[np.ndarray], ...], Any]] = {}

    def get(self, arrays: tuple[np.ndarray, ...], detail: Hashable, make: Callable[[], Any]) -> Any:
        """``make()``'s value for these arrays (and ``detail``: what else it depends on), made once."""
        key = (tuple(id(a) for a in arrays), detail)
        hit = self._entries.get(key) or self._used.get(key)
        if hit is not None and all(ref() is a for ref, a in zip(hit[0], arrays, strict=True)):
            value = hit[1]
        else:
            value = make()
        self._used[key] = (tuple(weakref.ref(a) for a in arrays), value)
        return value

    def begin(self) -> None:
        """A write starts (one that failed half-way leaves nothing behind to keep)."""
        self._used = {}

    def finish(self) -> None:
        """A write is complete: forget what it did not use."""
        self._entries, self._used = self._used, {}

    def clear(self) -> None:
        self._entries.clear()
        self._used.clear()
