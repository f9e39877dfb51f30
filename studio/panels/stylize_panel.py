"""The Stylize panel: a shelf of paintings, the style-transfer controls and a Stylize/Stop button.

Click a painting with an image open (or drop a photo on a painting) and the job starts in the runner's
torch pool; the canvas shows the live preview and the result arrives as an undoable layer. Stop (here, in
the jobs area or Esc) keeps the latest preview as the result. torch is never imported here.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from atelier_common.images import IMAGE_FILTER
from models.progress import Progress
from models.style.budget import estimate
from models.style.config import MAX_SIZE
from studio.context import AppContext
from studio.panels.base import Panel
from studio.panels.stylize import jobs
from studio.panels.stylize.controls import BACKBONE_LABELS, ORIGINAL_SIZE, StyleControls
from studio.panels.stylize.library import bundled_styles, thumbnail_steps, user_styles
from studio.panels.stylize.region import WHERE, RegionControls, RegionEditor
from studio.panels.stylize.shelf import StyleShelf
from studio.state.document import Document
from studio.state.panel_settings import Setting, SettingsSpec, between, one_of

JOB_KEY = "stylize"


class StylizePanel(Panel):
    SETTINGS = SettingsSpec(
        "stylize",
        1,
        (
            Setting("strength", 1.0, between(0.0, 1.0)),
            Setting("balance", 0.5, between(0.0, 1.0)),
            Setting("style_scale", 1.0, between(0.25, 4.0)),
            Setting("preserve_colors", False),
            Setting("size", 512, lambda v: v == ORIGINAL_SIZE or between(16, MAX_SIZE)(v)),
            Setting("backbone", "efficientnet-lite0", one_of(key for _, key in BACKBONE_LABELS)),
            Setting("selected", []),  # paths of the paintings chosen last
            Setting("where", "whole", one_of(key for _, key in WHERE)),
            Setting("brush", 40, between(2, 300)),
            Setting("second", False),
        ),
    )

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._job_styles: list[str] = []
        self._job_document: Document | None = None

        lay = QVBoxLayout(self)
        self.shelf = StyleShelf()
        lay.addWidget(self.shelf, 1)
        row = QHBoxLayout()
        self.add_button = QPushButton("Add painting…")
        self.add_button.setToolTip("Add your own painting to the shelf (or drop image files on the shelf)")
        row.addWidget(self.add_button)
        row.addStretch(1)
        lay.addLayout(row)
        self.controls = StyleControls(self.settings.as_dict(), ctx.preferences.quality)
        self.controls.refresh_backbones(ctx.preferences.vgg19_weights)
        lay.addWidget(self.controls)
        self.region = RegionControls(self.settings.as_dict())
        lay.addWidget(self.region)
        self.region_editor = RegionEditor(self.region, ctx.canvas, self.start_job)
        self.stylize_button = QPushButton("Stylize")
        self.stylize_button.setToolTip("Stylize the open image after the selected painting(s)")
        lay.addWidget(self.stylize_button)
        self.note("Open an image, then click a painting.")
        lay.addWidget(self.message)

        for path in bundled_styles():
            self.shelf.add_style(path, bundled=True)
        for path in user_styles(self.styles_dir()):
            self.shelf.add_style(path, bundled=False)
        self.shelf.select_paths(self.settings["selected"])
        self._load_thumbnails([Path(p) for p in self.shelf.paths()])

        self.shelf.itemClicked.connect(self._on_shelf_clicked)
        self.shelf.photo_dropped_on_style.connect(self._on_shelf_photo_dropped)
        self.shelf.styles_dropped.connect(self.add_styles)
        self.shelf.itemSelectionChanged.connect(self._on_controls_changed)
        self.controls.changed.connect(self._on_controls_changed)
        self.region.changed.connect(self._on_controls_changed)
        ctx.document_opened.connect(self._on_document_opened)
        self._on_document_opened()
        ctx.style_added.connect(self._on_ctx_style_added)
        self.add_button.clicked.connect(self._on_add_clicked)
        self.stylize_button.clicked.connect(self._on_stylize_clicked)

    # -- public API ---------------------------------------------------------------------------------
    def styles_dir(self) -> Path:
        return Path(self.ctx.data_dir()) / "styles"

    def set_output_size(self, size: int) -> None:
        self.controls.set_output_size(size)

    def config(self) -> Any:
        document = self.ctx.document()
        side = max(document.image.shape[:2]) if document is not None else 512
        return self.controls.config(self.ctx.preferences.device, side)

    @property
    def job(self) -> Any:
        """The running stylization, or None."""
        return self.running_job(JOB_KEY)

    def start(self, style_paths: list[str] | None = None) -> Any:
        """Stylize the open image after ``style_paths`` (default: the shelf's selection); returns the job."""
        document = self.ctx.document()
        paths = list(style_paths) if style_paths else self.shelf.selected_paths()
        if document is None:
            self.note("Open an image first (or drop a photo on a painting).")
            return None
        if not paths:
            self.note("Pick a painting on the shelf.")
            return None
        config, content = self.config(), document.image
        mask = self.region_editor.mask_for_job()
        if mask is not None and not mask.any() and not self.region.second_check.isChecked():
            self.note(
                "The mask is empty: paint, drag or pick where the style goes (or choose Whole picture)."
            )
            return None
        if mask is not None and self.region.second_check.isChecked():
            if len(paths) != 2:
                self.note(
                    "For a second painting outside the mask, select exactly two paintings (Ctrl+click)."
                )
                return None
            config = dataclasses.replace(config, region_styles=True)
        long_side = max(content.shape[:2])
        if config.size > max(2048, long_side):  # a layer is fitted to the picture: a print would shrink
            self.note(
                f"A {config.size} px print needs a picture at least that large; this one is {long_side} px. "
                f"Choose Original size, or run: atelier stylize PHOTO PAINTING -o OUT.png --size {config.size}"
            )
            return None
        self._job_styles, self._job_document = paths, document
        job = self.start_job(
            jobs.result_name(paths),
            lambda: jobs.stylize_steps(content, paths, config, mask),
            key=JOB_KEY,
            pool="torch",
            progress=self._on_job_progress,
            preview=self._on_job_preview,
            done=self._on_job_done,
            cancelled=self._on_job_cancelled,
            failed=self._on_job_failed,
            finished=self._on_job_finished,
        )
        self.stylize_button.setText("Stop")
        h, w = content.shape[:2]
        cost = f" ({estimate(w, h, config).describe()})" if config.size > 2048 else ""
        self.note(f"Stylizing after {', '.join(Path(p).stem for p in paths)}{cost}…")
        return job

    def stop(self) -> None:
        """Stop the running stylization; the latest preview becomes the result layer."""
        self.stop_job(JOB_KEY)

    def add_styles(self, paths: list[str]) -> Any:
        """Copy paintings into the user's style folder (in the runner) and show them on the shelf."""
        folder = self.styles_dir()
        return self.start_job(
            "Add styles", lambda: jobs.import_steps(list(paths), folder), done=self._on_import_done
        )

    # -- slots ----------------------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        self.controls.refresh_backbones(self.ctx.preferences.vgg19_weights)  # the weights may be new
        super().showEvent(event)

    def _on_document_opened(self) -> None:
        document = self.ctx.document()
        self.region_editor.set_picture(None if document is None else document.image)

    def _on_shelf_clicked(self, _item: Any) -> None:
        if self.ctx.document() is not None:
            self.start()

    def _on_shelf_photo_dropped(self, photo: str, style: str) -> None:
        self.shelf.select_paths([style])
        job = self.ctx.open_path(photo)
        job.succeeded.connect(lambda _loaded: self.start([style]))  # after the context set the document

    def _on_ctx_style_added(self, path: str) -> None:
        self.add_styles([path])

    def _on_add_clicked(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Add paintings", "", IMAGE_FILTER)
        if names:
            self.add_styles(names)

    def _on_stylize_clicked(self) -> None:
        if self.job is not None:
            self.stop()
        else:
            self.start()

    def _on_controls_changed(self, *_args: Any) -> None:
        cfg = self.config()
        self.settings.update(
            strength=cfg.strength,
            balance=cfg.balance,
            style_scale=cfg.style_scale,
            preserve_colors=cfg.preserve_colors,
            size=self.controls.size_choice(),
            backbone=cfg.backbone,
            selected=self.shelf.selected_paths(),
            **self.region.values(),
        )
        if self.ctx.preferences.quality != cfg.quality:
            self.ctx.preferences.quality = cfg.quality
            self.ctx.save_preferences_soon()

    def _on_job_progress(self, report: Progress) -> None:
        eta = f", about {report.eta_s:.0f} s left" if report.eta_s is not None and report.step > 0 else ""
        self.note(f"{report.message} — {report.step}/{report.total}{eta}")

    def _on_job_preview(self, pixels: Any) -> None:
        if self.ctx.document() is self._job_document:
            self.ctx.canvas.set_preview(pixels)

    def _on_job_done(self, result: Any) -> None:
        self.ctx.canvas.set_preview(None)
        if self._add_layer(result.image, result.provenance, stopped=False):
            message = f"Stylized in {result.seconds:.0f} s; the result is a new layer (Undo removes it)."
            self.say(enlarged_note(result.image, self.ctx.document()) or message)

    def _on_job_cancelled(self, latest: Any) -> None:
        self.ctx.canvas.set_preview(None)
        if latest is None:
            self.say("Stylizing stopped before the first preview; nothing was kept.")
            return
        provenance = {"engine": "atelier style transfer", **self.config().describe(), "stopped": True}
        provenance["styles"] = [Path(p).name for p in self._job_styles]
        if self._add_layer(latest, provenance, stopped=True):  # Stop keeps what the painter saw
            self.say("Stylizing stopped; the latest preview is kept as a layer.")

    def _on_job_failed(self, _message: str) -> None:
        self.ctx.canvas.set_preview(None)
        self.note("Stylizing failed (see the message).")

    def _on_job_finished(self) -> None:
        self.stylize_button.setText("Stylize")

    def _on_import_done(self, outcome: Any) -> None:
        added, problems = outcome
        for path, thumb in added:
            self.shelf.add_style(path, bundled=False)
            self.shelf.set_thumbnail(path, thumb)
        if added:
            self.shelf.select_paths([str(added[-1][0])])
            self.ctx.status(f"Added {len(added)} painting(s) to the shelf.")
        if problems:
            self.ctx.reporter.report("Add painting", "\n".join(problems))

    # -- helpers --------------------------------------------------------------------------------------
    def _add_layer(self, pixels: Any, provenance: dict[str, Any], stopped: bool) -> bool:
        if self.ctx.document() is not self._job_document:
            return False  # another picture was opened meanwhile: this result belongs to none
        self.ctx.add_result_layer(jobs.result_name(self._job_styles, stopped), pixels, provenance)
        return True

    def _load_thumbnails(self, paths: list[Path]) -> None:
        self.start_job("Style thumbnails", lambda: thumbnail_steps(paths), done=self._on_thumbnails_ready)

    def _on_thumbnails_ready(self, thumbs: Any) -> None:
        for path, pixels in thumbs:
            self.shelf.set_thumbnail(path, pixels)


def enlarged_note(pixels: Any, doc: Any) -> str:
    """What to tell the painter when a result smaller than the picture was stretched over it ("" if not)."""
    if doc is None:
        return ""
    rh, rw = pixels.shape[:2]
    dw, dh = doc.size
    if rw >= dw and rh >= dh:
        return ""
    return (
        f"The result was made at {rw}×{rh} px and enlarged to cover the {dw}×{dh} picture, so it looks "
        "soft up close; a larger Size gives more detail (and takes longer). It is a new layer (Undo removes it)."
    )
