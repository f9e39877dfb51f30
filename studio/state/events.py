"""The one event mechanism of ``studio/state``: Qt-free state tells the Qt layer what changed.

Each state object has one :class:`Event` per field that views draw (``Document.events.opacity``, …) or one
``changed`` event carrying the names of the fields that changed (the overlay models), never a second kind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Event:
    """Callbacks called in order with the emitted arguments."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[..., Any]] = []

    def connect(self, callback: Callable[..., Any]) -> None:
        self._callbacks.append(callback)

    def disconnect(self, callback: Callable[..., Any]) -> None:
        self._callbacks.remove(callback)

    def emit(self, *args: Any) -> None:
        for callback in list(self._callbacks):
            callback(*args)
