"""One sink for every error: jobs and the UI report here; the main window shows it."""

from __future__ import annotations

import sys
import traceback

from PySide6.QtCore import QObject, Signal

# Exceptions whose message is already written for the user: show it as it is.
_USER_FACING = (
    "ImageLoadError",
    "ImageSaveError",
    "CliError",
    "ValueError",
    "FileNotFoundError",
    "PermissionError",
    "CheckpointError",
    "PaletteFileError",
    "WeightsError",
)


def readable_error(exc: BaseException) -> str:
    """A one-paragraph message for a person, never a bare traceback."""
    text = str(exc).strip()
    if any(cls.__name__ in _USER_FACING for cls in type(exc).__mro__) and text:
        return text
    if isinstance(exc, MemoryError):
        return "Not enough memory for this job. Try a smaller size or a lower quality preset."
    name = type(exc).__name__
    return f"{name}: {text}" if text else f"Unexpected {name}."


class ErrorReporter(QObject):
    """Collects errors; ``reported(title, message, details)`` drives the message box and status bar."""

    reported = Signal(str, str, str)

    def report(self, title: str, message: str, details: str = "") -> None:
        print(f"atelier: {title}: {message}", file=sys.stderr)
        self.reported.emit(title, message, details)

    def report_exception(self, title: str, exc: BaseException) -> None:
        details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        self.report(title, readable_error(exc), details)
