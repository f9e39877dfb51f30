"""The jobs area: one row per running job with progress, ETA and a Stop button."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from studio.jobs import Job, JobRunner
from studio.state.jobs import format_eta


class JobRow(QWidget):
    def __init__(self, job: Job, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job = job
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        self.label = QLabel(job.name)
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(160)
        self.bar.setTextVisible(True)
        self.eta = QLabel("…")
        self.stop = QPushButton("Stop")
        self.stop.setToolTip(f"Stop “{job.name}” (keeps the latest result)")
        self.stop.clicked.connect(self._on_stop_clicked)
        for w in (self.label, self.bar, self.eta, self.stop):
            layout.addWidget(w)
        job.changed.connect(self.refresh)
        self.refresh()

    def _on_stop_clicked(self) -> None:
        self.job.cancel()
        self.stop.setEnabled(False)
        self.stop.setText("Stopping…")

    def refresh(self) -> None:
        rec = self.job.record
        if rec.total > 0:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(rec.fraction * 1000))
        else:
            self.bar.setRange(0, 0)  # busy indicator
        self.label.setText(rec.name + (f" — {rec.message}" if rec.message else ""))
        self.eta.setText(f"ETA {format_eta(rec.eta_s())}")


class JobsArea(QWidget):
    """Lives in the status bar; hidden when nothing runs."""

    def __init__(self, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: dict[int, JobRow] = {}
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(0)
        runner.job_added.connect(self._on_runner_job_added)
        runner.job_removed.connect(self._on_runner_job_removed)
        self._ticker = QTimer(self)  # ETAs tick down between progress reports
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self._on_ticker_timeout)
        self.setVisible(False)

    def rows(self) -> list[JobRow]:
        return list(self._rows.values())

    def _on_runner_job_added(self, job: Job) -> None:
        row = JobRow(job, self)
        self._rows[id(job)] = row
        self._layout.addWidget(row)
        self.setVisible(True)
        self._ticker.start()

    def _on_runner_job_removed(self, job: Job) -> None:
        row = self._rows.pop(id(job), None)
        if row is not None:
            self._layout.removeWidget(row)
            row.deleteLater()
        if not self._rows:
            self.setVisible(False)
            self._ticker.stop()

    def _on_ticker_timeout(self) -> None:
        for row in self._rows.values():
            row.refresh()
