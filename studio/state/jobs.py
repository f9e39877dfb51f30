"""Qt-free records of jobs, as the jobs area shows them."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from enum import Enum

_ids = itertools.count(1)


class JobState(Enum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        return self in (JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED)


@dataclass
class JobRecord:
    name: str
    key: str | None = None
    id: int = field(default_factory=lambda: next(_ids))
    state: JobState = JobState.QUEUED
    step: int = 0
    total: int = 0
    message: str = ""
    engine_eta_s: float | None = None
    started_at: float | None = None
    error: str | None = None

    def update(self, step: int, total: int, message: str, eta_s: float | None) -> None:
        if self.started_at is None:
            self.started_at = time.monotonic()
        self.state = JobState.RUNNING
        self.step, self.total, self.message, self.engine_eta_s = step, total, message, eta_s

    @property
    def fraction(self) -> float:
        return 0.0 if self.total <= 0 else min(1.0, max(0.0, self.step / self.total))

    def eta_s(self, now: float | None = None) -> float | None:
        """The engine's own estimate if it gave one, else extrapolated from elapsed time and fraction."""
        if self.engine_eta_s is not None:
            return max(0.0, self.engine_eta_s)
        if self.started_at is None or self.fraction <= 0.0:
            return None
        elapsed = (now if now is not None else time.monotonic()) - self.started_at
        return elapsed * (1.0 - self.fraction) / self.fraction


def format_eta(seconds: float | None) -> str:
    if seconds is None:
        return "…"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, sec = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {sec:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
