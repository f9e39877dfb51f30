"""One sink for every error: jobs and the UI report here; the main window shows it."""

from __future__ import annotations

import sys
import traceback

from PySide6.QtCore import QObject, Signal

from atelier_common.errors import UserError


def readable_error(exc: BaseException) -> str:
    """A one-paragraph message for a person, never a bare traceback.

    A :class:`UserError` is shown as it is; an operating-system error says what the system said about
    which file; anything else is an unexpected error (a bug), shown as such, the traceback in the details.
    """
    text = " ".join(str(exc).split())
    if isinstance(exc, UserError) and text:
        return text
    if isinstance(exc, MemoryError):
        return "Not enough memory for this job. Try a smaller size or a lower quality preset."
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
    name = type(exc).__name__
    return f"Unexpected error ({name}: {text})." if text else f"Unexpected error ({name})."


class ErrorReporter(QObject):
    """Collects errors; ``reported(title, message, details)`` drives the message box and status bar."""

    reported = Signal(str, str, str)

    def report(self, title: str, message: str, details: str = "") -> None:
        print(f"atelier: {title}: {message}", file=sys.stderr)
        self.reported.emit(title, message, details)

    def report_exception(self, title: str, exc: BaseException) -> None:
        details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        self.report(title, readable_error(exc), details)
