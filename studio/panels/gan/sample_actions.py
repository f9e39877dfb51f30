"""Per-sample actions of the GAN panel: Send to canvas, Use as style, Extract palette, Save PNG, and the
interpolation strip's jobs and exports. Each runs through the panel's ``start_job``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFileDialog

from atelier_common.names import safe_stem
from studio.panels.gan import jobs

if TYPE_CHECKING:
    from studio.panels.gan_panel import GanPanel


class SampleActions:
    """The actions on the selected sample(s) of ``panel``."""

    def __init__(self, panel: GanPanel) -> None:
        self.panel = panel
        self.ctx = panel.ctx

    def _sample(self) -> Any | None:
        picked = self.panel.grid.selected()
        return picked[0] if picked else None

    def _name(self, sample: Any) -> str:
        path = self.panel.model_path()
        return safe_stem(f"gan_{path.stem if path else 'gan'}_{sample.label}")

    def send_to_canvas(self) -> None:
        """Paint the chosen sample at the open picture's size (or the chosen square) and open it."""
        sample = self._sample()
        if sample is None:
            return
        choice = int(self.panel.send_size_combo.currentData())
        self.panel.settings.update(send_size=choice)
        doc = self.ctx.document()
        # The open picture's size, so that the study is painted for it, not enlarged to cover it.
        picture = tuple(doc.size) if (choice == 0 and doc is not None) else None
        size = jobs.canvas_size(picture, choice or 1024)
        path, device, models = self.panel.model_path(), self.ctx.preferences.device, self.panel.models
        name = f"GAN {sample.label}"
        provenance = {
            "tool": "atelier gan",
            "sample": sample.label,
            "recipe": getattr(sample, "recipe", None),
            "size": list(size),
        }
        self.panel.start_job(
            "Paint GAN sample",
            lambda: jobs.at_size(models, sample, path, size, device),
            pool="torch",
            # A layer over the open picture (a new document only when none is open).
            done=lambda pixels: self.ctx.send_to_canvas(pixels, name, provenance),
        )

    def use_as_style(self) -> None:
        sample, model = self._sample(), self.panel.model_path()
        if sample is None or model is None:
            return
        folder = self.ctx.data_dir() / "styles"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{self._name(sample)}.png"
        models, device = self.panel.models, self.ctx.preferences.device
        self.panel.start_job(
            "Save GAN style",
            lambda: jobs.save_sample(models, target, sample, model, 512, device),
            pool="torch",
            done=self._on_style_saved,
        )

    def _on_style_saved(self, path: Path) -> None:
        self.ctx.request_style(str(path))
        self.ctx.status(f"Added {Path(path).name} to the styles")

    def extract_palette(self) -> None:
        sample = self._sample()
        if sample is not None:
            self.ctx.request_palette(sample.pixels.copy())

    def ask_save_path(self, title: str, default: str, filters: str) -> str:  # tests replace this
        path, _ = QFileDialog.getSaveFileName(self.panel, title, default, filters)
        return path

    def ask_folder(self, title: str) -> str:  # tests replace this
        return QFileDialog.getExistingDirectory(self.panel, title)

    def save_png(self) -> None:
        sample, model = self._sample(), self.panel.model_path()
        if sample is None or model is None:
            return
        path = self.ask_save_path("Save sample", f"{self._name(sample)}.png", "PNG images (*.png)")
        if not path:
            return
        target, models = Path(path).with_suffix(".png"), self.panel.models
        device = self.ctx.preferences.device
        self.panel.start_job(
            "Save GAN sample",
            lambda: jobs.save_sample(models, target, sample, model, None, device),
            pool="torch",
            done=lambda saved: self.ctx.status(f"Saved {saved} with its JSON sidecar"),
        )

    def interpolate(self, frames: int) -> None:
        panel = self.panel
        picked, path = panel.grid.selected(), panel.model_path()
        if len(picked) < 2 or path is None:
            return
        panel.settings.update(frames=frames)
        a, b = picked
        truncation, device, models = panel.truncation(), self.ctx.preferences.device, panel.models
        meta = {
            "tool": "atelier gan panel",
            "a": a.recipe,
            "b": b.recipe,
            "truncation": truncation,
            "model": path.name,
        }
        panel.start_job(
            "GAN interpolation",
            lambda: jobs.interpolate(models, path, a, b, frames, truncation, device),
            key="gan-interp",
            pool="torch",
            done=lambda out: panel.strip.set_frames(out, meta),
        )

    def export_frames(self, as_gif: bool) -> None:
        frames = self.panel.strip.frames
        if frames is None:
            return
        if as_gif:
            target = self.ask_save_path("Export animation", "interpolation.gif", "GIF animations (*.gif)")
            target = str(Path(target).with_suffix(".gif")) if target else ""
        else:
            target = self.ask_folder("Export frames into a folder")
        if not target:
            return
        meta = dict(self.panel.strip.meta)
        self.panel.start_job(
            "Export interpolation",
            lambda: jobs.export_frames(target, frames, as_gif, meta),
            pool="torch",
            done=lambda out: self.ctx.status(f"Exported {out}"),
        )
