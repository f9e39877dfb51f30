"""Runs "Train on a folder" for the GAN panel: the job, Stop (keeps a checkpoint) and Resume."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog

from studio.panels.gan import jobs
from studio.panels.gan.train_box import TrainBox


class TrainController(QObject):
    """Owns the training job of a :class:`TrainBox`; emits ``model_saved(path)`` when a checkpoint is ready."""

    model_saved = Signal(str)

    def __init__(self, ctx: Any, box: TrainBox, settings: dict[str, Any]) -> None:
        super().__init__(box)
        self.ctx, self.box, self.settings = ctx, box, settings
        self.job: Any = None
        self.out_path: Path | None = None
        box.folder_edit.setText(settings.get("train_folder", ""))
        index = box.size_combo.findData(int(settings.get("train_size", 96)))
        box.size_combo.setCurrentIndex(max(0, index))
        box.start_combo.setCurrentIndex(
            max(0, box.start_combo.findData(settings.get("train_start", "bundled")))
        )
        box.steps_spin.setValue(int(settings.get("train_steps", 3000)))
        box.browse_requested.connect(self._on_box_browse_requested)
        box.train_requested.connect(self._on_box_train_requested)
        box.resume_requested.connect(self._on_box_resume_requested)
        box.stop_requested.connect(self.stop)

    @property
    def running(self) -> bool:
        return self.job is not None and self.job.is_running

    def models_dir(self) -> Path:
        folder = self.ctx.data_dir() / "gan"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def ask_folder(self) -> str:  # tests replace this
        return QFileDialog.getExistingDirectory(
            self.box, "Train on a folder of images", self.box.folder_edit.text()
        )

    def set_resume_target(self, path: Path | None) -> None:
        """The checkpoint Resume continues (the model chosen in the panel, when it can be trained further)."""
        if not self.running:
            self.out_path = path
            self.box.set_running(False, can_resume=path is not None and path.is_file())

    def stop(self) -> None:
        if self.running:
            self.box.status_label.setText("Stopping — saving the checkpoint…")
            self.job.cancel()

    def _on_box_browse_requested(self) -> None:
        folder = self.ask_folder()
        if folder:
            self.box.folder_edit.setText(folder)

    def _on_box_train_requested(self, folder: str, resolution: int, steps: int) -> None:
        if not folder or not Path(folder).is_dir():
            self.ctx.reporter.report("Train GAN", "Choose a folder of images to train on first.")
            return
        init = self.bundled_model() if self.box.fine_tune() else None
        if self.box.fine_tune() and init is None:
            self.ctx.reporter.report(
                "Train GAN",
                "The bundled model cannot be fine-tuned (it is missing or sampling-only); "
                "choose Start from: scratch.",
            )
            return
        start = "bundled" if init else "scratch"
        self.settings.update(train_folder=folder, train_size=resolution, train_steps=steps, train_start=start)
        self.ctx.save_preferences()
        name = "tuned" if init else f"{resolution}px"
        self._start(folder, self._new_model_path(folder, name), resolution, steps, resume=None, init=init)

    def bundled_model(self) -> Path | None:
        """The bundled model when it can be fine-tuned (a spatial model holding its training state)."""
        from models.gan.paths import BUNDLED_MODEL

        try:
            info = json.loads(BUNDLED_MODEL.with_suffix(".json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        ok = (
            isinstance(info, dict) and info.get("trainable") and info.get("arch", {}).get("kind") == "spatial"
        )
        return BUNDLED_MODEL if ok and BUNDLED_MODEL.is_file() else None

    def _on_box_resume_requested(self, steps: int) -> None:
        if self.out_path is None or not self.out_path.is_file():
            return
        folder = self.box.folder_edit.text().strip() or _sidecar_folder(self.out_path)
        if not folder or not Path(folder).is_dir():
            self.ctx.reporter.report("Train GAN", "Choose the folder of images to continue training on.")
            return
        self._start(folder, self.out_path, 0, steps, resume=self.out_path)

    def _new_model_path(self, folder: str, suffix: str) -> Path:
        stem = re.sub(r"[^A-Za-z0-9_-]+", "_", Path(folder).name).strip("_") or "model"
        base = self.models_dir() / f"{stem}-{suffix}"
        path, n = base.with_suffix(".safetensors"), 2
        while path.exists():
            path, n = self.models_dir() / f"{base.name}-{n}.safetensors", n + 1
        return path

    def _start(
        self,
        folder: str,
        out: Path,
        resolution: int,
        steps: int,
        resume: Path | None,
        init: Path | None = None,
    ) -> None:
        device = getattr(self.ctx.preferences, "device", "auto")
        self.out_path = out
        self.box.plot.clear() if resume is None else None
        job = self.ctx.runner.submit(
            f"Train GAN on {Path(folder).name}",
            lambda: jobs.train(folder, out, resolution, steps, device, resume, init),
            key="gan-train",
            pool="torch",
        )
        self.job = job
        self.box.set_running(True, can_resume=False)
        self.box.status_label.setText("Reading images…")
        job.progressed.connect(self.box.show_progress)
        job.previewed.connect(self.box.show_preview)
        job.succeeded.connect(self._on_job_succeeded)
        job.cancelled.connect(self._on_job_cancelled)
        job.failed.connect(self._on_job_failed)
        job.finished.connect(self._on_job_finished)

    def _on_job_succeeded(self, result: Any) -> None:
        skipped = f"; skipped {len(result.skipped)} unreadable file(s)" if result.skipped else ""
        self.box.status_label.setText(
            f"Done: {result.steps} steps on {result.images} images{skipped}. Saved {result.path.name}."
        )
        self.model_saved.emit(str(result.path))

    def _on_job_cancelled(self, _latest: Any) -> None:
        if self.out_path is not None and self.out_path.is_file():
            self.box.status_label.setText(
                f"Stopped; the checkpoint so far is in {self.out_path.name}. Resume continues."
            )
            self.model_saved.emit(str(self.out_path))
        else:
            self.box.status_label.setText("Stopped before the first step; nothing was saved.")

    def _on_job_failed(self, message: str) -> None:
        self.box.status_label.setText(f"Training failed: {message}")

    def _on_job_finished(self) -> None:
        self.box.set_running(False, can_resume=self.out_path is not None and self.out_path.is_file())


def _sidecar_folder(path: Path) -> str:
    try:
        return str(json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))["data"]["folder"])
    except (OSError, ValueError, KeyError, TypeError):
        return ""
