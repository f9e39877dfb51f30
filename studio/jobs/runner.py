"""JobRunner: submits engine generators to thread pools and maps them to Job objects in the GUI thread."""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

from models.progress import Progress
from studio.jobs.errors import ErrorReporter
from studio.jobs.worker import GeneratorWorker, WorkerSignals, disconnect_all
from studio.state.jobs import JobRecord, JobState

POOLS = ("cpu", "torch")


class Job(QObject):
    """A running job as the GUI sees it. Signals arrive in the GUI thread; ``finished`` is always last."""

    started = Signal()
    progressed = Signal(object)
    previewed = Signal(object)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal(object)
    finished = Signal()
    changed = Signal()  # the record changed (progress or state): the jobs area listens to this

    def __init__(self, record: JobRecord, worker: GeneratorWorker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.record = record
        self._worker = worker
        self.result: Any = None
        self.latest_preview: Any = None
        self._done = False
        self._details = ""
        # (on_failed(job, message) | None, on_finished(job)), set by the runner that submitted the job
        self._runner_hooks: tuple[Callable[[Job, str], None] | None, Callable[[Job], None]] | None = None
        s = worker.signals
        s.started.connect(self._on_worker_started)
        s.progressed.connect(self._on_worker_progressed)
        s.previewed.connect(self._on_worker_previewed)
        s.succeeded.connect(self._on_worker_succeeded)
        s.failed.connect(self._on_worker_failed)
        s.cancelled.connect(self._on_worker_cancelled)
        s.done.connect(self._on_worker_done)

    @property
    def name(self) -> str:
        return self.record.name

    @property
    def state(self) -> JobState:
        return self.record.state

    @property
    def is_running(self) -> bool:
        """True until ``finished`` has been emitted."""
        return not self._done

    def cancel(self) -> None:
        """Ask the job to stop at its next yield (engines yield at least every ~250 ms)."""
        if self._worker is not None:
            self._worker.cancel()

    @Slot()
    def _on_worker_started(self) -> None:
        self.record.state = JobState.RUNNING
        self.started.emit()
        self.changed.emit()

    @Slot(object)
    def _on_worker_progressed(self, report: Progress) -> None:
        self.record.update(report.step, report.total, report.message, report.eta_s)
        self.progressed.emit(report)
        self.changed.emit()

    @Slot(object)
    def _on_worker_previewed(self, preview: Any) -> None:
        self.latest_preview = preview
        self.previewed.emit(preview)

    @Slot(object)
    def _on_worker_succeeded(self, result: Any) -> None:
        self.result = result
        self.record.state = JobState.SUCCEEDED
        self.succeeded.emit(result)

    @Slot(str, str)
    def _on_worker_failed(self, message: str, details: str) -> None:
        self.record.state = JobState.FAILED
        self.record.error = message
        self._details = details
        if self._runner_hooks is not None and self._runner_hooks[0] is not None:
            self._runner_hooks[0](self, message)
        self.failed.emit(message)

    @Slot(object)
    def _on_worker_cancelled(self, latest: Any) -> None:
        self.record.state = JobState.CANCELLED
        if latest is not None:
            self.latest_preview = latest
        self.cancelled.emit(self.latest_preview)

    @Slot()
    def _on_worker_done(self) -> None:
        self._done = True
        hooks, self._runner_hooks = self._runner_hooks, None
        if hooks is not None:
            hooks[1](self)  # the runner forgets the job first, as before
        self.changed.emit()
        self.finished.emit()
        self._disconnect_all()
        # Let go of the worker (its generator factory and the inputs it closes over).
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.release()

    def _disconnect_all(self) -> None:
        """``finished`` is the last signal: drop every connection, so that a slot holding the job (a
        ``lambda j=job: ...``) cannot keep the job, its result and its previews alive."""
        disconnect_all(self, _SIGNALS)


_SIGNALS = ("started", "progressed", "previewed", "succeeded", "failed", "cancelled", "finished", "changed")


class JobRunner(QObject):
    """Owns the pools and a strong reference to every running job.

    ``submit(name, factory, key=..., pool=...)``: ``factory()`` is called in the worker thread and must
    return an engine generator. A new job with the same ``key`` supersedes (cancels) the old one. Every
    failure goes to the one ``ErrorReporter``.
    """

    job_added = Signal(object)
    job_removed = Signal(object)

    def __init__(self, reporter: ErrorReporter | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.reporter = reporter or ErrorReporter(self)
        self._pools: dict[str, QThreadPool] = {}
        for name in POOLS:
            pool = QThreadPool(self)
            # One slot each: torch work must not run twice at once, and the UI thread keeps a core.
            pool.setMaxThreadCount(1)
            self._pools[name] = pool
        self._jobs: list[Job] = []
        self._closing = False
        self._initializers: dict[str, Callable[[], None]] = {}

    def set_pool_initializer(self, pool: str, initializer: Callable[[], None] | None) -> None:
        """Call ``initializer()`` in the worker thread before each job of ``pool`` (e.g. torch threads)."""
        if pool not in self._pools:
            raise ValueError(f"unknown pool {pool!r}; expected one of {POOLS}")
        if initializer is None:
            self._initializers.pop(pool, None)
        else:
            self._initializers[pool] = initializer

    @property
    def jobs(self) -> list[Job]:
        return list(self._jobs)

    def submit(
        self,
        name: str,
        factory: Callable[[], Generator[Progress, None, Any]],
        *,
        key: str | None = None,
        pool: str = "cpu",
    ) -> Job:
        if pool not in self._pools:
            raise ValueError(f"unknown pool {pool!r}; expected one of {POOLS}")
        if self._closing:
            raise RuntimeError("the job runner is shutting down")
        if key is not None:
            for job in self._jobs:
                if job.record.key == key:
                    job.cancel()
        signals = WorkerSignals()  # created (so owned) in the GUI thread
        worker = GeneratorWorker(factory, signals, initializer=self._initializers.get(pool))
        job = Job(JobRecord(name=name, key=key), worker)
        # No lambda holding the job is connected to the job's own signals: PySide keeps such a slot alive
        # with the job, a cycle the collector cannot see, and every finished job (with its result and
        # previews) would stay in memory for good. The job calls these runner hooks itself.
        job._runner_hooks = (self._on_job_failed, self._on_job_finished)
        self._jobs.append(job)
        self.job_added.emit(job)
        self._pools[pool].start(worker)
        return job

    def cancel_all(self) -> None:
        for job in self._jobs:
            job.cancel()

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Cancel everything and wait for the pools; True when every job has stopped."""
        self._closing = True
        self.cancel_all()
        ok = all(pool.waitForDone(timeout_ms) for pool in self._pools.values())
        return ok

    def _on_job_failed(self, job: Job, message: str) -> None:
        self.reporter.report(job.name + " failed", message, job._details)

    def _on_job_finished(self, job: Job) -> None:
        if job in self._jobs:
            self._jobs.remove(job)
            self.job_removed.emit(job)
        # No deleteLater: a panel may still hold the Job; Python frees it when the last reference goes.
