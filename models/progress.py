"""The small progress record that every long-running engine generator yields.

Engines are generators: they ``yield Progress(...)`` at least every ~250 ms of work (each yield is a
cancellation point) and ``return`` their result. ``studio.jobs`` runs them on a thread pool; the CLI drives
them with :func:`drive`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np

R = TypeVar("R")

#: Message prefix of a report an engine yields while it sets up (no step made yet): it exists so that a
#: long set-up can be stopped (every yield is a cancellation point); bars and ETAs may skip it.
SETUP = "setting up: "


@dataclass(frozen=True)
class Progress:
    """One progress report from a running engine.

    ``preview`` is an optional HxWx3 or HxWx4 uint8 array the UI may show; ``eta_s`` is the engine's own
    estimate of seconds left, or ``None`` when it cannot tell.
    """

    step: int
    total: int
    message: str = ""
    preview: np.ndarray | None = field(default=None, repr=False, compare=False)
    eta_s: float | None = None

    @property
    def setting_up(self) -> bool:
        return self.message.startswith(SETUP)

    @property
    def fraction(self) -> float:
        return 0.0 if self.total <= 0 else min(1.0, max(0.0, self.step / self.total))


class EtaClock:
    """Estimates time left from the average time per step so far."""

    def __init__(self, total: int) -> None:
        self.total = total
        self._start = time.perf_counter()

    def eta(self, step: int) -> float | None:
        if step <= 0:
            return None
        elapsed = time.perf_counter() - self._start
        return elapsed / step * max(0, self.total - step)


def drive(gen: Generator[Progress, None, R], on_progress: Callable[[Progress], Any] | None = None) -> R:
    """Run an engine generator to completion in the calling thread and return its result."""
    while True:
        try:
            report = next(gen)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]
        if on_progress is not None:
            on_progress(report)
