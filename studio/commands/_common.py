"""Helpers shared by the headless subcommands: one error type, a text progress bar."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from atelier_common.errors import UserError
from models.progress import Progress


class CliError(UserError):
    """A user-facing error: printed as one line, exit code 2."""


class ProgressBar:
    """A one-line text progress bar on stderr, redrawn at most every 0.1 s."""

    def __init__(self, label: str = "", stream: TextIO | None = None, width: int = 30) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self._last = 0.0

    def __call__(self, report: Progress) -> None:
        if report.setting_up:
            return  # no step yet: an error in set-up stays the only line
        now = time.monotonic()
        if now - self._last < 0.1 and report.step < report.total:
            return
        self._last = now
        filled = int(round(report.fraction * self.width))
        bar = "#" * filled + "-" * (self.width - filled)
        eta = f" ETA {report.eta_s:5.0f}s" if report.eta_s is not None else ""
        text = f"\r{self.label}[{bar}] {report.step}/{report.total}{eta} {report.message}"
        self.stream.write(text[:160].ljust(100))
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()
