"""The Composition panel: guide picker and settings, analysis (heat-map, advice) and a crop proposal.

Guide settings persist in ``ctx.preferences.sections["composition"]``. Analysis runs in the job runner;
Apply crops the document through ``ctx.crop`` (undoable).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSlider,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from studio.canvas.crop_editor import CropEditor
from studio.canvas.guide_painter import CropPainter, GuidePainter, HeatmapPainter
from studio.panels.composition.guide_actions import GuideActions
from studio.panels.composition.guide_form import GuideForm
from studio.state.guides import FRAME_ASPECTS, CropOverlay, GuideOverlay, HeatmapOverlay

if TYPE_CHECKING:  # the analysis pulls in scipy.ndimage (~0.4 s): imported on first use, not at start-up
    from models.composition.analysis import Analysis

SECTION = "composition"


class CompositionPanel(QWidget):
    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        section = ctx.preferences.sections.setdefault(SECTION, {})
        self.guide = GuideOverlay.from_dict(section.get("guide"))
        self.heatmap = HeatmapOverlay()
        self.heatmap.opacity = float(section.get("heatmap_opacity", 0.7))
        self.crop = CropOverlay()
        self.analysis: Analysis | None = None
        self._job: Any = None
        repaint = ctx.canvas.update
        self._painters = [
            HeatmapPainter(self.heatmap, repaint),
            GuidePainter(self.guide, repaint),
            CropPainter(self.crop, repaint),
        ]
        for painter in self._painters:
            ctx.canvas.add_overlay(painter)
        self.crop_editor = CropEditor(ctx.canvas, self.crop)  # drag or resize the frame before Apply
        self.actions = GuideActions(self.guide, self)

        layout = QVBoxLayout(self)
        guides_box = QGroupBox("Guides")
        QVBoxLayout(guides_box).addWidget(GuideForm(self.guide))
        layout.addWidget(guides_box)

        analysis_box = QGroupBox("Analysis")
        a_layout = QVBoxLayout(analysis_box)
        row = QHBoxLayout()
        self.analyse_button = QPushButton("Analyse")
        self.analyse_button.setToolTip("Find the subject, balance and horizon, and suggest crops")
        self.heatmap_box = QCheckBox("Saliency heat-map")
        self.heatmap_slider = QSlider(Qt.Orientation.Horizontal)
        self.heatmap_slider.setRange(10, 100)
        self.heatmap_slider.setValue(round(self.heatmap.opacity * 100))
        self.heatmap_slider.setToolTip("Heat-map opacity")
        row.addWidget(self.analyse_button)
        row.addWidget(self.heatmap_box)
        row.addWidget(self.heatmap_slider, 1)
        a_layout.addLayout(row)
        self.advice_label = QLabel("Open an image and press Analyse for a second opinion on its layout.")
        self.advice_label.setWordWrap(True)
        self.advice_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        a_layout.addWidget(self.advice_label)
        crop_row = QHBoxLayout()
        self.crop_combo = QComboBox()
        self.crop_combo.addItems(list(FRAME_ASPECTS))
        self.crop_combo.setCurrentText(str(section.get("crop_aspect", "4:5")))
        self.propose_button = QPushButton("Suggest crop")
        self.apply_button = QPushButton("Apply")
        self.dismiss_button = QPushButton("Dismiss")
        for w in (
            QLabel("Crop"),
            self.crop_combo,
            self.propose_button,
            self.apply_button,
            self.dismiss_button,
        ):
            crop_row.addWidget(w)
        a_layout.addLayout(crop_row)
        layout.addWidget(analysis_box)
        layout.addStretch(1)

        # Sliders send many changes; write the preferences file once they settle.
        self._save_timer = QTimer(self, singleShot=True, interval=400)
        self._save_timer.timeout.connect(self._save)
        self.guide.changed.connect(self._on_guide_changed)
        self.analyse_button.clicked.connect(self._on_analyse_clicked)
        self.heatmap_box.toggled.connect(self._on_heatmap_toggled)
        self.heatmap_slider.valueChanged.connect(self._on_heatmap_slider_changed)
        self.propose_button.clicked.connect(self._on_propose_clicked)
        self.crop_combo.currentTextChanged.connect(self._on_crop_aspect_changed)
        self.apply_button.clicked.connect(self._on_apply_clicked)
        self.dismiss_button.clicked.connect(self._on_dismiss_clicked)
        ctx.document_changed.connect(self._on_document_changed)
        self._update_buttons()

    # -- main window hooks -------------------------------------------------------------------------
    def contribute_actions(self, view_menu: QMenu, toolbar: QToolBar) -> None:
        self.actions.add_to(view_menu, toolbar)

    # -- preferences ---------------------------------------------------------------------------------
    def _on_guide_changed(self, _names: set[str]) -> None:
        self._save_timer.start()

    def _save(self) -> None:
        section = self.ctx.preferences.sections.setdefault(SECTION, {})
        section["guide"] = self.guide.to_dict()
        section["heatmap_opacity"] = self.heatmap.opacity
        section["crop_aspect"] = self.crop_combo.currentText()
        self.ctx.save_preferences()

    # -- analysis ------------------------------------------------------------------------------------
    def _on_analyse_clicked(self) -> None:
        self.start_analysis()

    def start_analysis(self) -> Any:
        """Analyse the flattened document in the job runner (a new request cancels a running one)."""
        doc = self.ctx.document()
        if doc is None:
            self.ctx.status("Open an image to analyse its composition.")
            return None
        pixels = doc.flatten()
        from models.composition.analysis import AnalysisConfig, analyse

        config = AnalysisConfig(aspects=FRAME_ASPECTS)
        self.advice_label.setText("Analysing…")
        job = self.ctx.runner.submit(
            "Composition analysis", lambda: analyse(pixels, config), key="composition"
        )
        job.succeeded.connect(self._on_job_succeeded)
        job.failed.connect(self._on_job_failed)
        self._job = job
        self._update_buttons()
        return job

    def _on_job_succeeded(self, result: Analysis) -> None:
        if self.sender() is not self._job:
            return
        self._job = None
        self.analysis = result
        self.heatmap.set_map(result.saliency)
        self.advice_label.setText("\n".join(f"• {s}" for s in result.suggestions))
        self._update_buttons()

    def _on_job_failed(self, _message: str) -> None:
        self._job = None
        self.advice_label.setText("The analysis failed; see the status bar.")
        self._update_buttons()

    def _on_document_changed(self) -> None:
        # Results describe the picture as it was; drop them rather than show stale advice.
        if self.analysis is not None or self.crop.rect is not None:
            self.analysis = None
            self.heatmap.set_map(None)
            self.crop.dismiss()
            self.advice_label.setText("The picture changed; press Analyse again.")
        self._update_buttons()

    def _on_heatmap_toggled(self, checked: bool) -> None:
        self.heatmap.set_visible(checked)
        if checked and self.analysis is None and self._job is None:
            self.start_analysis()

    def _on_heatmap_slider_changed(self, value: int) -> None:
        self.heatmap.set_opacity(value / 100)
        self._save_timer.start()

    # -- crop proposal -------------------------------------------------------------------------------
    def _on_propose_clicked(self) -> None:
        if self.analysis is None:
            job = self.start_analysis()
            if job is not None:
                job.succeeded.connect(lambda _r: self._propose())
            return
        self._propose()

    def _propose(self) -> None:
        if self.analysis is None:
            return
        aspect = self.crop_combo.currentText()
        rect = self.analysis.crops.get(aspect)
        self.crop.propose(rect, aspect)
        if rect is not None:
            self.ctx.status("Drag the frame to move it, or its edges and corners to resize it; then Apply.")
        self._update_buttons()

    def _on_crop_aspect_changed(self, _text: str) -> None:
        self._save_timer.start()
        if self.crop.rect is not None:
            self._propose()

    def _on_apply_clicked(self) -> None:
        rect = self.crop.rect
        if rect is None or self.ctx.document() is None:
            return
        self.crop.dismiss()
        self.ctx.crop(rect)
        self.ctx.status(
            f"Cropped to {rect[2]}×{rect[3]} ({self.crop_combo.currentText()}); Undo restores it."
        )

    def _on_dismiss_clicked(self) -> None:
        self.crop.dismiss()
        self._update_buttons()

    def _update_buttons(self) -> None:
        has_doc = self.ctx.document() is not None
        self.analyse_button.setEnabled(has_doc)
        self.propose_button.setEnabled(has_doc)
        self.apply_button.setEnabled(self.crop.rect is not None)
        self.dismiss_button.setEnabled(self.crop.rect is not None)
