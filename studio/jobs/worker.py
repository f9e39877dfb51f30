"""A QRunnable that drives one engine generator in a pool thread."""

from __future__ import annotations

import threading
import time
import traceback
import warnings
from collections.abc import Callable, Generator
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Signal

from models.import_order import torch_settled
from models.progress import Progress
from studio.jobs.errors import readable_error


class WorkerSignals(QObject):
    """Created and owned in the GUI thread; emitted from the worker thread (queued to the GUI)."""

    started = Signal()
    progressed = Signal(object)
    previewed = Signal(object)
    succeeded = Signal(object)
    failed = Signal(str, str)
    cancelled = Signal(object)
    done = Signal()


WORKER_SIGNALS = ("started", "progressed", "previewed", "succeeded", "failed", "cancelled", "done")


def disconnect_all(owner: QObject, names: tuple[str, ...]) -> None:
    """Drop every connection of ``owner``'s signals ``names``, one signal at a time.

    Not ``owner.disconnect(None)``: PySide has no such overload, and the TypeError it raises is built from
    the signature of every loaded module (~80 ms on the UI thread once torch is imported, at the end of
    each job that imported something new: a visible freeze)."""
    for name in names:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a signal nobody connected to
            try:
                getattr(owner, name).disconnect()
            except (RuntimeError, TypeError):
                pass


class GeneratorWorker(QRunnable):
    """Runs ``factory()`` (an engine generator) to its end, a cancel request, or an error.

    Every yield is a cancellation point: on cancel the generator is closed here, in its own thread, so
    its ``finally`` blocks run at once. Previews are throttled to ``preview_interval_s``; the latest one is
    always kept so that Stop can hand it back.
    """

    def __init__(
        self,
        factory: Callable[[], Generator[Progress, None, Any]],
        signals: WorkerSignals,
        preview_interval_s: float = 0.25,
        initializer: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        # Qt deletes the C++ runnable when run() returns; with autoDelete off, PySide's pool kept every
        # worker (and its signals) alive for good. The Job only touches Python attributes afterwards.
        self.setAutoDelete(True)
        self._factory = factory
        self._initializer = initializer
        self.signals = signals
        self._cancel = threading.Event()
        self._preview_interval_s = preview_interval_s
        self.latest_preview: Any = None

    def cancel(self) -> None:
        self._cancel.set()

    def release(self) -> None:
        """Drop what the finished job held: the factory (and the inputs it closes over), the preview,
        and the signal connections to the job."""
        self._factory = None  # type: ignore[assignment]
        self._initializer = None
        self.latest_preview = None
        disconnect_all(self.signals, WORKER_SIGNALS)

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:  # noqa: C901 - one loop, every exit path explicit
        signals = self.signals
        gen = None
        try:
            if self._cancel.is_set():
                signals.cancelled.emit(None)
                return
            signals.started.emit()
            with torch_settled():  # see models/import_order.py: no step runs while torch half-imports
                if self._initializer is not None:
                    self._initializer()
                gen = self._factory()
            last_preview = last_report = 0.0
            pending_preview = False
            unsent: Progress | None = None
            while True:
                if self._cancel.is_set():
                    with torch_settled():
                        gen.close()
                    signals.cancelled.emit(self.latest_preview)
                    return
                try:
                    with torch_settled():
                        report = next(gen)
                except StopIteration as stop:
                    if unsent is not None:
                        signals.progressed.emit(unsent)
                    if pending_preview:
                        signals.previewed.emit(self.latest_preview)
                    signals.succeeded.emit(stop.value)
                    return
                if not isinstance(report, Progress):
                    continue
                if report.preview is not None:
                    self.latest_preview = report.preview
                    pending_preview = True
                now = time.monotonic()
                if pending_preview and now - last_preview >= self._preview_interval_s:
                    signals.previewed.emit(self.latest_preview)
                    last_preview, pending_preview = now, False
                # Progress too is throttled (~20 per second) so a chatty engine cannot flood the GUI.
                if now - last_report >= 0.05 or report.step >= report.total:
                    signals.progressed.emit(report)
                    last_report, unsent = now, None
                else:
                    unsent = report
        except BaseException as exc:  # noqa: BLE001 - every failure must reach the error sink
            if gen is not None:
                try:
                    with torch_settled():
                        gen.close()
                except Exception:  # noqa: BLE001 - the original error is the one to report
                    pass
            details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
            signals.failed.emit(readable_error(exc), details)
        finally:
            signals.done.emit()
