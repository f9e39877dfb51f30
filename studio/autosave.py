"""The autosaver: every few minutes (``Preferences.autosave_minutes``) and shortly after each finished job,
an open document with unsaved changes is written to this session's autosave slot, in a background thread
(the window never waits for it). See ``studio.io.autosave`` for the files and recovery."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from studio.io.autosave import AutosaveSlot, autosave_root
from studio.io.ora import ProjectError

#: After a job finishes, wait this long for more before writing (a slider drag runs many small jobs).
AFTER_JOB_DELAY_MS = 1500


class Autosaver(QObject):
    written = Signal(str)  # the autosave file, after each write (from the GUI thread)
    _done = Signal(object, object)  # (indices, error) from the writer thread

    def __init__(self, ctx: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.slot = AutosaveSlot(autosave_root(ctx.data_dir()))
        self._pending = False  # changed since the last autosave
        self._thread: threading.Thread | None = None
        self._again = False
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.save_now)
        self.set_interval(getattr(ctx.preferences, "autosave_minutes", 2))
        self._after_job = QTimer(self, singleShot=True, interval=AFTER_JOB_DELAY_MS)
        self._after_job.timeout.connect(self.save_now)
        self._done.connect(self._on_done)
        ctx.document_changed.connect(self._on_changed)
        ctx.palette_undo_stack.indexChanged.connect(self._on_changed)
        ctx.modified_changed.connect(self._on_modified_changed)
        ctx.runner.job_added.connect(self._on_job_added)

    def set_interval(self, minutes: float) -> None:
        """0 turns the timer off (jobs still trigger autosaves)."""
        if minutes and minutes > 0:
            self.timer.start(int(minutes * 60_000))
        else:
            self.timer.stop()

    def _on_changed(self, *_args: Any) -> None:
        self._pending = True

    def _on_modified_changed(self, modified: bool) -> None:
        if not modified and self._thread is None:  # saved (or undone to the saved state)
            self.slot.clear()
            self._pending = False

    def _on_job_added(self, job: Any) -> None:
        if not job.name.startswith(("Save ", "Export ")):
            job.succeeded.connect(lambda _result: self._after_job.start())

    def save_now(self) -> bool:
        """Start writing the document if it has unsaved changes not yet autosaved; True if started."""
        doc = self.ctx.document()
        if doc is None or not self.ctx.is_modified() or not self._pending:
            return False
        if self._thread is not None:  # one write at a time; the next follows this one
            self._again = True
            return False
        snapshot, extras, indices = doc.snapshot(), self.ctx.collect_extras(), self.ctx.undo_indices()
        self._pending = False

        def write() -> None:
            error: Exception | None = None
            try:
                self.slot.write(snapshot, extras)
            except (ProjectError, OSError) as exc:
                error = exc
            self._done.emit(indices, error)

        self._thread = threading.Thread(target=write, name="atelier-autosave", daemon=True)
        self._thread.start()
        return True

    def wait(self, timeout: float = 30.0) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _on_done(self, _indices: Any, error: Exception | None) -> None:
        self._thread = None
        if error is not None:
            self._pending = True
            self.ctx.status(f"Autosave failed: {error}")
        else:
            if not self.ctx.is_modified():  # saved meanwhile: the autosave is not needed
                self.slot.clear()
            self.written.emit(str(self.slot.work_path))
        if self._again:
            self._again = False
            self.save_now()

    def close(self) -> None:
        """A normal close: the work was saved or the user chose to discard it."""
        self.timer.stop()
        self._after_job.stop()
        self.wait()
        self.slot.remove()
