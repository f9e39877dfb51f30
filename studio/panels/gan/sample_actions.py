"""Per-sample actions of the GAN panel: Send to canvas, Use as style, Extract palette, Save PNG, and the
interpolation strip's jobs and exports. A mixin of :class:`studio.panels.gan_panel.GanPanel`, which provides
``ctx``, ``grid``, ``strip``, ``send_size_combo``, ``settings``, ``model_path()`` and ``truncation()``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog

from studio.panels.gan import jobs


class SampleActions:
    def _device(self) -> str:
        return str(getattr(self.ctx.preferences, "device", "auto"))

    def _sample(self) -> Any | None:
        picked = self.grid.selected()
        return picked[0] if picked else None

    def _name(self, sample: Any) -> str:
        model = self.model_path().stem if self.model_path() else "gan"
        return re.sub(r"[^A-Za-z0-9_-]+", "_", f"gan_{model}_{sample.label}").strip("_")

    def send_to_canvas(self) -> None:
        """Paint the chosen sample at the open picture's size (or the chosen square) and open it."""
        sample = self._sample()
        if sample is None:
            return
        choice = int(self.send_size_combo.currentData())
        self.settings["send_size"] = choice
        self.ctx.save_preferences()
        doc = self.ctx.document()
        picture = tuple(doc.size) if (choice == 0 and doc is not None) else None
        size = jobs.canvas_size(picture, choice or 1024)
        path, device = self.model_path(), self._device()
        job = self.ctx.runner.submit(
            "Paint GAN sample", lambda: jobs.at_size(sample, path, size, device), pool="torch"
        )
        job.succeeded.connect(lambda pixels, label=sample.label: self.ctx.open_array(pixels, f"GAN {label}"))

    def use_as_style(self) -> None:
        sample, model = self._sample(), self.model_path()
        if sample is None or model is None:
            return
        folder = self.ctx.data_dir() / "styles"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{self._name(sample)}.png"
        job = self.ctx.runner.submit(
            "Save GAN style",
            lambda: jobs.save_sample(target, sample, model, 512, self._device()),
            pool="torch",
        )
        job.succeeded.connect(lambda path: self.ctx.request_style(str(path)))
        job.succeeded.connect(lambda path: self.ctx.status(f"Added {Path(path).name} to the styles"))

    def extract_palette(self) -> None:
        sample = self._sample()
        if sample is not None:
            self.ctx.request_palette(sample.pixels.copy())

    def ask_save_path(self, title: str, default: str, filters: str) -> str:  # tests replace this
        path, _ = QFileDialog.getSaveFileName(self, title, default, filters)
        return path

    def ask_folder(self, title: str) -> str:  # tests replace this
        return QFileDialog.getExistingDirectory(self, title)

    def save_png(self) -> None:
        sample, model = self._sample(), self.model_path()
        if sample is None or model is None:
            return
        path = self.ask_save_path("Save sample", f"{self._name(sample)}.png", "PNG images (*.png)")
        if not path:
            return
        target = Path(path).with_suffix(".png")
        job = self.ctx.runner.submit(
            "Save GAN sample",
            lambda: jobs.save_sample(target, sample, model, None, self._device()),
            pool="torch",
        )
        job.succeeded.connect(lambda saved: self.ctx.status(f"Saved {saved} with its JSON sidecar"))

    def interpolate(self, frames: int) -> None:
        picked, path = self.grid.selected(), self.model_path()
        if len(picked) < 2 or path is None:
            return
        self.settings["frames"] = frames
        self.ctx.save_preferences()
        a, b = picked
        truncation, device = self.truncation(), self._device()
        job = self.ctx.runner.submit(
            "GAN interpolation",
            lambda: jobs.interpolate(path, a, b, frames, truncation, device),
            key="gan-interp",
            pool="torch",
        )
        meta = {
            "tool": "atelier gan panel",
            "a": a.recipe,
            "b": b.recipe,
            "truncation": truncation,
            "model": path.name,
        }
        job.succeeded.connect(lambda out: self.strip.set_frames(out, meta))

    def export_frames(self, as_gif: bool) -> None:
        frames = self.strip.frames
        if frames is None:
            return
        if as_gif:
            target = self.ask_save_path("Export animation", "interpolation.gif", "GIF animations (*.gif)")
            target = str(Path(target).with_suffix(".gif")) if target else ""
        else:
            target = self.ask_folder("Export frames into a folder")
        if not target:
            return
        meta = dict(self.strip.meta)
        job = self.ctx.runner.submit(
            "Export interpolation", lambda: jobs.export_frames(target, frames, as_gif, meta), pool="torch"
        )
        job.succeeded.connect(lambda out: self.ctx.status(f"Exported {out}"))
