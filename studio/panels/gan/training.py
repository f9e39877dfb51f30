"""Runs "Train on a folder" for the GAN panel: the job, Stop (keeps a checkpoint) and Resume."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog

from atelier_common.names import safe_stem
from models.gan.info import read_info_or_empty
from studio.panels.gan import jobs
from studio.panels.gan.train_box import TrainBox

if TYPE_CHECKING:
    from studio.panels.gan_panel import GanPanel

JOB_KEY = "gan-train"


class TrainController(QObject):
    """Runs the training job of a :class:`TrainBox` through ``panel.start_job``; emits
    ``model_saved(path)`` when a checkpoint is ready (done, or stopped after the first step)."""

    model_saved = Signal(str)

    def __init__(self, panel: GanPanel, box: TrainBox) -> None:
        super().__init__(box)
        self.panel, self.ctx, self.box = panel, panel.ctx, box
        self.out_path: Path | None = None
        settings = panel.settings
        box.folder_edit.setText(settings["train_folder"])
        box.size_combo.setCurrentIndex(max(0, box.size_combo.findData(settings["train_size"])))
        box.start_combo.setCurrentIndex(max(0, box.start_combo.findData(settings["train_start"])))
        box.steps_spin.setValue(settings["train_steps"])
        box.browse_requested.connect(self._on_box_browse_requested)
        box.train_requested.connect(self._on_box_train_requested)
        box.resume_requested.connect(self._on_box_resume_requested)
        box.stop_requested.connect(self.stop)

    @property
    def running(self) -> bool:
        return self.panel.running_job(JOB_KEY) is not None

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
            self.panel.stop_job(JOB_KEY)

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
        self.panel.settings.update(
            train_folder=folder, train_size=resolution, train_steps=steps, train_start=start
        )
        name = "tuned" if init else f"{resolution}px"
        self._start(folder, self._new_model_path(folder, name), resolution, steps, resume=None, init=init)

    def bundled_model(self) -> Path | None:
        """The bundled model when it can be fine-tuned (a spatial model holding its training state)."""
        from models.gan.paths import BUNDLED_MODEL

        info = read_info_or_empty(BUNDLED_MODEL)
        arch = info.get("arch")
        ok = bool(info.get("trainable")) and isinstance(arch, dict) and arch.get("kind") == "spatial"
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
        stem = safe_stem(Path(folder).name, "model")
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
        device = self.ctx.preferences.device
        self.out_path = out
        if resume is None:
            self.box.plot.clear()
        self.panel.start_job(
            f"Train GAN on {Path(folder).name}",
            lambda: jobs.train(folder, out, resolution, steps, device, resume, init),
            key=JOB_KEY,
            pool="torch",
            progress=self.box.show_progress,
            preview=self.box.show_preview,
            done=self._on_job_done,
            cancelled=self._on_job_cancelled,
            failed=self._on_job_failed,
            finished=self._on_job_finished,
        )
        self.box.set_running(True, can_resume=False)
        self.box.status_label.setText("Reading images…")

    def _on_job_done(self, result: Any) -> None:
        skipped = f"; skipped {len(result.skipped)} unreadable file(s)" if result.skipped else ""
        self.box.status_label.setText(
            f"Done: {result.steps} steps on {result.images} images{skipped}. Saved {result.path.name}."
        )
        self.ctx.status(f"GAN training done; saved {result.path.name}.")
        self.model_saved.emit(str(result.path))

    def _on_job_cancelled(self, _latest: Any) -> None:
        if self.out_path is not None and self.out_path.is_file():
            text = f"Training stopped; the checkpoint so far is in {self.out_path.name}. Resume continues."
            self.model_saved.emit(str(self.out_path))
        else:
            text = "Training stopped before the first step; nothing was saved."
        self.box.status_label.setText(text)
        self.ctx.status(text)

    def _on_job_failed(self, message: str) -> None:
        self.box.status_label.setText(f"Training failed: {message}")

    def _on_job_finished(self) -> None:
        self.box.set_running(False, can_resume=self.out_path is not None and self.out_path.is_file())


def _sidecar_folder(path: Path) -> str:
    folder = read_info_or_empty(path).get("data", {}).get("folder", "")
    return folder if isinstance(folder, str) else ""
