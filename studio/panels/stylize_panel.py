"""The Stylize panel: a shelf of paintings, the style-transfer controls and a Stylize/Stop button.

Click a painting with an image open (or drop a photo on a painting) and the job starts in the runner's
torch pool; the canvas shows the live preview and the result arrives as an undoable layer. Stop keeps the
latest preview as the result. Settings persist in ``ctx.preferences.sections["stylize"]``.
torch is never imported here.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from models.backbones import VGG19_HELP, backbone_available
from models.style.config import StyleConfig
from studio.panels.stylize import jobs
from studio.panels.stylize.library import bundled_styles, thumbnail_steps, user_styles
from studio.panels.stylize.shelf import StyleShelf

SECTION = "stylize"
SIZES = (256, 512, 1024, 1536, 2048)
QUALITY_LABELS = (("Draft", "draft"), ("Balanced", "balanced"), ("Fine", "fine"))
BACKBONE_LABELS = (("EfficientNet-Lite0 (fast)", "efficientnet-lite0"), ("VGG19 (classic, slow)", "vgg19"))


def _slider(lo: int, hi: int, value: int, tip: str) -> QSlider:
    s = QSlider(Qt.Orientation.Horizontal)
    s.setRange(lo, hi)
    s.setValue(max(lo, min(hi, value)))
    s.setToolTip(tip)
    return s


class StylizePanel(QWidget):
    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.settings: dict[str, Any] = ctx.preferences.sections.setdefault(SECTION, {})
        self.job: Any = None
        self._stop_requested = False
        self._job_styles: list[str] = []
        self._job_document: Any = None

        lay = QVBoxLayout(self)
        self.shelf = StyleShelf()
        lay.addWidget(self.shelf, 1)
        row = QHBoxLayout()
        self.add_button = QPushButton("Add painting…")
        self.add_button.setToolTip("Add your own painting to the shelf (or drop image files on the shelf)")
        row.addWidget(self.add_button)
        row.addStretch(1)
        lay.addLayout(row)

        form = QFormLayout()
        s = self.settings
        self.strength_slider = _slider(0, 100, int(round(100 * float(s.get("strength", 1.0)))),
                                       "How far the picture moves towards the painting's look")  # fmt: skip
        self.balance_slider = _slider(0, 100, int(round(100 * float(s.get("balance", 0.5)))),
                                      "Left keeps the photo's layout; right lets the painting take over")  # fmt: skip
        scale = float(s.get("style_scale", 1.0))
        self.scale_slider = _slider(-20, 20, int(round(10 * math.log2(max(0.25, min(4.0, scale))))),
                                    "Size of the painting's brush strokes in the result")  # fmt: skip
        self.preserve_check = QCheckBox("Keep the photo's colours")
        self.preserve_check.setChecked(bool(s.get("preserve_colors", False)))
        self.quality_combo = QComboBox()
        for label, key in QUALITY_LABELS:
            self.quality_combo.addItem(label, key)
        self.quality_combo.setCurrentIndex(max(0, self.quality_combo.findData(ctx.preferences.quality)))
        self.quality_combo.setToolTip("Draft is quick; Fine takes several times longer")
        self.size_combo = QComboBox()
        for size in SIZES:
            self.size_combo.addItem(f"{size} px", size)
        self.set_output_size(int(s.get("size", 512)))
        self.size_combo.setToolTip("Long side of the stylized image (the layer is fitted to the picture)")
        self.backbone_combo = QComboBox()
        for label, key in BACKBONE_LABELS:
            self.backbone_combo.addItem(label, key)
        self.refresh_backbones()
        self.backbone_combo.setCurrentIndex(max(0, self.backbone_combo.findData(s.get("backbone", ""))))
        self.refresh_backbones()
        form.addRow("Strength", self.strength_slider)
        form.addRow("Content ↔ style", self.balance_slider)
        form.addRow("Brush size", self.scale_slider)
        form.addRow("", self.preserve_check)
        form.addRow("Quality", self.quality_combo)
        form.addRow("Size", self.size_combo)
        form.addRow("Network", self.backbone_combo)
        lay.addLayout(form)

        self.stylize_button = QPushButton("Stylize")
        self.stylize_button.setToolTip("Stylize the open image after the selected painting(s)")
        lay.addWidget(self.stylize_button)
        self.status_label = QLabel("Open an image, then click a painting.")
        self.status_label.setWordWrap(True)
        lay.addWidget(self.status_label)

        for path in bundled_styles():
            self.shelf.add_style(path, bundled=True)
        for path in user_styles(self.styles_dir()):
            self.shelf.add_style(path, bundled=False)
        self.shelf.select_paths([p for p in s.get("selected", []) if isinstance(p, str)])
        self._load_thumbnails([Path(p) for p in self.shelf.paths()])

        self.shelf.itemClicked.connect(self._on_shelf_clicked)
        self.shelf.photo_dropped_on_style.connect(self._on_shelf_photo_dropped)
        self.shelf.styles_dropped.connect(self.add_styles)
        self.shelf.itemSelectionChanged.connect(self._on_controls_changed)
        ctx.style_added.connect(self._on_ctx_style_added)
        self.add_button.clicked.connect(self._on_add_clicked)
        self.stylize_button.clicked.connect(self._on_stylize_clicked)
        for slider in (self.strength_slider, self.balance_slider, self.scale_slider):
            slider.valueChanged.connect(self._on_controls_changed)
        self.preserve_check.toggled.connect(self._on_controls_changed)
        for combo in (self.quality_combo, self.size_combo, self.backbone_combo):
            combo.currentIndexChanged.connect(self._on_controls_changed)

    # -- public API ---------------------------------------------------------------------------------
    def styles_dir(self) -> Path:
        return Path(self.ctx.data_dir()) / "styles"

    def set_output_size(self, size: int) -> None:
        """Choose the output long side (an unlisted size, e.g. a tiny one for tests, is added)."""
        index = self.size_combo.findData(size)
        if index < 0:
            self.size_combo.addItem(f"{size} px", size)
            index = self.size_combo.count() - 1
        self.size_combo.setCurrentIndex(index)

    def config(self) -> StyleConfig:
        prefs = self.ctx.preferences
        return StyleConfig(
            size=int(self.size_combo.currentData()),
            quality=str(self.quality_combo.currentData()),
            strength=self.strength_slider.value() / 100.0,
            balance=self.balance_slider.value() / 100.0,
            preserve_colors=self.preserve_check.isChecked(),
            style_scale=2.0 ** (self.scale_slider.value() / 10.0),
            backbone=str(self.backbone_combo.currentData()),
            vgg19_weights=prefs.vgg19_weights,
            device=prefs.device,
        )

    def refresh_backbones(self) -> None:
        """Grey out VGG19 (with a tooltip saying how to add it) when its weights file is absent."""
        model = self.backbone_combo.model()
        index = self.backbone_combo.findData("vgg19")
        available = backbone_available("vgg19", self.ctx.preferences.vgg19_weights)
        if isinstance(model, QStandardItemModel) and index >= 0:
            model.item(index).setEnabled(available)
            tip = "Gatys' classic network: slower, the reference look" if available else VGG19_HELP
            self.backbone_combo.setItemData(index, tip, Qt.ItemDataRole.ToolTipRole)
        if not available and self.backbone_combo.currentData() == "vgg19":
            self.backbone_combo.setCurrentIndex(self.backbone_combo.findData("efficientnet-lite0"))
        self.backbone_combo.setToolTip("" if available else VGG19_HELP)

    def start(self, style_paths: list[str] | None = None) -> Any:
        """Stylize the open image after ``style_paths`` (default: the shelf's selection); returns the job."""
        document = self.ctx.document()
        paths = list(style_paths) if style_paths else self.shelf.selected_paths()
        if document is None:
            self._say("Open an image first (or drop a photo on a painting).")
            return None
        if not paths:
            self._say("Pick a painting on the shelf.")
            return None
        config = self.config()
        content = document.image
        self._stop_requested = False
        self._job_styles = paths
        self._job_document = document
        job = self.ctx.runner.submit(
            jobs.result_name(paths),
            lambda: jobs.stylize_steps(content, paths, config),
            key="stylize",
            pool="torch",
        )
        job.progressed.connect(self._on_job_progressed)
        job.previewed.connect(self._on_job_previewed)
        job.succeeded.connect(self._on_job_succeeded)
        job.cancelled.connect(self._on_job_cancelled)
        job.failed.connect(self._on_job_failed)
        job.finished.connect(lambda j=job: self._on_job_finished(j))
        self.job = job
        self.stylize_button.setText("Stop")
        self._say(f"Stylizing after {', '.join(Path(p).stem for p in paths)}…")
        return job

    def stop(self) -> None:
        """Stop the running stylization; the latest preview becomes the result layer."""
        if self.job is not None and self.job.is_running:
            self._stop_requested = True
            self.job.cancel()

    def add_styles(self, paths: list[str]) -> Any:
        """Copy paintings into the user's style folder (in the runner) and show them on the shelf."""
        folder = self.styles_dir()
        job = self.ctx.runner.submit("Add styles", lambda: jobs.import_steps(list(paths), folder), pool="cpu")
        job.succeeded.connect(self._on_import_succeeded)
        return job

    # -- slots ----------------------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        self.refresh_backbones()  # the user may have added the weights file meanwhile
        super().showEvent(event)

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
        names, _ = QFileDialog.getOpenFileNames(
            self, "Add paintings", "", "Images (*.png *.jpg *.jpeg *.webp *.tif *.tiff *.bmp)"
        )
        if names:
            self.add_styles(names)

    def _on_stylize_clicked(self) -> None:
        if self.job is not None and self.job.is_running:
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
            size=cfg.size,
            backbone=cfg.backbone,
            selected=self.shelf.selected_paths(),
        )
        self.ctx.preferences.quality = cfg.quality
        self.ctx.save_preferences()

    def _on_job_progressed(self, report: Any) -> None:
        eta = f", about {report.eta_s:.0f} s left" if report.eta_s is not None and report.step > 0 else ""
        self._say(f"{report.message} — {report.step}/{report.total}{eta}")

    def _on_job_previewed(self, pixels: Any) -> None:
        if self.ctx.document() is self._job_document:
            self.ctx.canvas.set_preview(pixels)

    def _on_job_succeeded(self, result: Any) -> None:
        self.ctx.canvas.set_preview(None)
        self._add_layer(result.image, result.provenance, stopped=False)
        self._say(f"Done in {result.seconds:.0f} s; the result is a new layer (Undo removes it).")

    def _on_job_cancelled(self, latest: Any) -> None:
        self.ctx.canvas.set_preview(None)
        if self._stop_requested and latest is not None:  # Stop keeps what the painter saw
            provenance = {"engine": "atelier style transfer", **self.config().describe(), "stopped": True}
            provenance["styles"] = [Path(p).name for p in self._job_styles]
            self._add_layer(latest, provenance, stopped=True)
            self._say("Stopped; the latest preview is kept as a layer.")

    def _on_job_failed(self, _message: str) -> None:
        self.ctx.canvas.set_preview(None)
        self._say("Stylizing failed (see the message).")

    def _on_job_finished(self, job: Any) -> None:
        if job is self.job:
            self.job = None
            self.stylize_button.setText("Stylize")

    def _on_import_succeeded(self, outcome: Any) -> None:
        added, problems = outcome
        for path, thumb in added:
            self.shelf.add_style(path, bundled=False)
            self.shelf.set_thumbnail(path, thumb)
        if added:
            self.shelf.select_paths([str(added[-1][0])])
            self._say(f"Added {len(added)} painting(s) to the shelf.")
        if problems:
            self.ctx.reporter.report("Add painting", "\n".join(problems))

    # -- helpers --------------------------------------------------------------------------------------
    def _add_layer(self, pixels: Any, provenance: dict[str, Any], stopped: bool) -> None:
        if self.ctx.document() is not self._job_document:
            return  # another picture was opened meanwhile: this result belongs to none
        self.ctx.add_result_layer(jobs.result_name(self._job_styles, stopped), pixels, provenance)

    def _load_thumbnails(self, paths: list[Path]) -> None:
        job = self.ctx.runner.submit("Style thumbnails", lambda: thumbnail_steps(paths), pool="cpu")
        job.succeeded.connect(self._on_thumbnails_ready)

    def _on_thumbnails_ready(self, thumbs: Any) -> None:
        for path, pixels in thumbs:
            self.shelf.set_thumbnail(path, pixels)

    def _say(self, text: str) -> None:
        self.status_label.setText(text)
