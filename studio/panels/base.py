"""The base every dock panel builds on: the context, declared settings, one way to run jobs, messages.

A panel is ``class MyPanel(Panel)`` with ``SETTINGS = SettingsSpec(...)`` (or none), built as
``MyPanel(ctx)``. Long work goes through :meth:`Panel.start_job` with fixed hooks; reading one panel teaches
the others (Orange3's ``ConcurrentWidgetMixin`` is the model). See "How to add a panel" in
``docs/architecture.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from models.progress import Progress
from studio.context import AppContext
from studio.jobs import Job
from studio.state.panel_settings import PanelSettings, SettingsSpec

Hook = Callable[[Any], None]


class Panel(QWidget):
    """``self.ctx`` (the :class:`AppContext`), ``self.settings`` (the declared settings, saved by the
    context a moment after each change), ``self.message`` (a label for the panel's latest outcome, cleared
    when the document changes), :meth:`start_job` and :meth:`say`."""

    SETTINGS: ClassVar[SettingsSpec | None] = None

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        spec = self.SETTINGS or SettingsSpec(type(self).__name__, 1, ())
        self.settings: PanelSettings = ctx.panel_settings(spec)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._current: dict[str, Job] = {}
        ctx.document_changed.connect(self._on_ctx_document_changed)

    # -- jobs ---------------------------------------------------------------------------------------
    def start_job(
        self,
        name: str,
        factory: Callable[[], Generator[Progress, None, Any]],
        *,
        key: str | None = None,
        pool: str = "cpu",
        progress: Hook | None = None,
        preview: Hook | None = None,
        done: Hook | None = None,
        cancelled: Hook | None = None,
        failed: Hook | None = None,
        finished: Callable[[], None] | None = None,
    ) -> Job:
        """Run ``factory()`` (an engine generator, called in a worker thread) in the context's runner.

        A job with a ``key`` supersedes the running one with the same key; the superseded job's hooks are
        never called again. The hooks run in the GUI thread: ``progress(Progress)``, ``preview(array)``,
        ``done(result)``, ``cancelled(latest preview or None)`` when the user stopped it (the panel's
        button, the jobs area or Esc: the hook decides what is kept), ``failed(message)`` (the error has
        already been reported) and ``finished()`` last, always.
        """
        job = self.ctx.runner.submit(name, factory, key=key, pool=pool)
        if key is not None:
            self._current[key] = job

        def current() -> bool:
            return key is None or self._current.get(key) is job

        for signal, hook in (
            (job.progressed, progress),
            (job.previewed, preview),
            (job.succeeded, done),
            (job.cancelled, cancelled),
            (job.failed, failed),
        ):
            if hook is not None:
                signal.connect(lambda value, hook=hook: hook(value) if current() else None)
        job.finished.connect(lambda: self._release_job(job, key, finished))
        return job

    def running_job(self, key: str) -> Job | None:
        """The job started with ``key`` while it runs."""
        job = self._current.get(key)
        return job if job is not None and job.is_running else None

    def stop_job(self, key: str) -> None:
        """Stop the job started with ``key``, as the jobs area's Stop would."""
        job = self.running_job(key)
        if job is not None:
            job.cancel()

    def _release_job(self, job: Job, key: str | None, finished: Callable[[], None] | None) -> None:
        current = key is None or self._current.get(key) is job
        if key is not None and current:
            del self._current[key]
        if finished is not None and current:
            finished()

    # -- messages -----------------------------------------------------------------------------------
    def say(self, text: str) -> None:
        """An outcome: shown in the status bar and in the panel's message until the document changes."""
        self.message.setText(text)
        self.ctx.status(text)

    def note(self, text: str) -> None:
        """A passing note (progress, a hint) in the panel's message only."""
        self.message.setText(text)

    def _on_ctx_document_changed(self) -> None:
        self.message.clear()  # it spoke of the picture as it was
