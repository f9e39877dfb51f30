"""The Composition panel: guide picker and settings, analysis (heat-map, advice) and a crop proposal.

Analysis runs in the job runner; Apply crops the document through ``ctx.crop`` (undoable).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
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
from studio.context import AppContext
from studio.jobs import Job
from studio.panels.base import Panel
from studio.panels.composition.guide_actions import GuideActions
from studio.panels.composition.guide_form import GuideForm
from studio.state.guides import FRAME_ASPECTS, CropOverlay, GuideOverlay, HeatmapOverlay
from studio.state.panel_settings import Setting, SettingsSpec, between, one_of

if TYPE_CHECKING:  # the analysis pulls in scipy.ndimage (~0.4 s): imported on first use, not at start-up
    from models.composition.analysis import Analysis
    from models.progress import Progress

JOB_KEY = "composition"


class CompositionPanel(Panel):
    SETTINGS = SettingsSpec(
        "composition",
        1,
        (
            Setting("guide", {}),  # GuideOverlay.from_dict repairs each of its fields
            Setting("heatmap_opacity", 0.7, between(0.1, 1.0)),
            Setting("crop_aspect", "4:5", one_of(FRAME_ASPECTS)),
        ),
    )

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.guide = GuideOverlay.from_dict(self.settings["guide"])
        self.heatmap = HeatmapOverlay()
        self.heatmap.opacity = self.settings["heatmap_opacity"]
        self.crop = CropOverlay()
        self.analysis: Analysis | None = None
        self._propose_when_done = False  # Suggest crop pressed before there was an analysis
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
        self.note("Open an image and press Analyse for a second opinion on its layout.")
        a_layout.addWidget(self.message)
        crop_row = QHBoxLayout()
        self.crop_combo = QComboBox()
        self.crop_combo.addItems(list(FRAME_ASPECTS))
        self.crop_combo.setCurrentText(self.settings["crop_aspect"])
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

        self.guide.changed.connect(self._on_guide_changed)
        self.analyse_button.clicked.connect(self._on_analyse_clicked)
        self.heatmap_box.toggled.connect(self._on_heatmap_toggled)
        self.heatmap_slider.valueChanged.connect(self._on_heatmap_slider_changed)
        self.propose_button.clicked.connect(self._on_propose_clicked)
        self.crop_combo.currentTextChanged.connect(self._on_crop_aspect_changed)
        self.apply_button.clicked.connect(self._on_apply_clicked)
        self.dismiss_button.clicked.connect(self._on_dismiss_clicked)
        ctx.document_changed.connect(self._on_document_changed)
        ctx.document_opened.connect(self._on_document_opened)
        ctx.project_extras["guides"] = self.guide.to_dict  # saved with projects
        self._update_buttons()

    # -- main window hooks -------------------------------------------------------------------------
    def contribute_actions(self, view_menu: QMenu, toolbar: QToolBar) -> None:
        self.actions.add_to(view_menu, toolbar)

    # -- settings ------------------------------------------------------------------------------------
    def _on_guide_changed(self, _names: set[str]) -> None:
        self.settings.update(guide=self.guide.to_dict())

    # -- analysis ------------------------------------------------------------------------------------
    def _on_analyse_clicked(self) -> None:
        self.start_analysis()

    def start_analysis(self) -> Job | None:
        """Analyse the flattened document in the job runner (a new request cancels a running one)."""
        doc = self.ctx.document()
        if doc is None:
            self.note("Open an image to analyse its composition.")
            return None
        from models.composition.analysis import AnalysisConfig, analyse

        snapshot, config = doc.snapshot(), AnalysisConfig(aspects=FRAME_ASPECTS)

        def steps() -> Generator[Progress, None, Analysis]:
            # The flatten runs in the job (seconds on a layered 24 MP picture), on the picture as it was
            # when Analyse was pressed.
            pixels = yield from snapshot.flatten_steps()
            return (yield from analyse(pixels, config))

        job = self.start_job(
            "Composition analysis",
            steps,
            key=JOB_KEY,
            done=self._on_job_done,
            failed=self._on_job_failed,
            finished=self._update_buttons,
        )
        self.note("Analysing…")
        self._update_buttons()
        return job

    def _on_job_done(self, result: Analysis) -> None:
        self.analysis = result
        self.heatmap.set_map(result.saliency)
        self.note("\n".join(f"• {s}" for s in result.suggestions))
        if self._propose_when_done:
            self._propose_when_done = False
            self._propose()

    def _on_job_failed(self, _message: str) -> None:
        self.note("The analysis failed; see the status bar.")

    def _on_document_changed(self) -> None:
        # Results describe the picture as it was; drop them rather than show stale advice.
        if self.analysis is not None or self.crop.rect is not None:
            self.analysis = None
            self.heatmap.set_map(None)
            self.crop.dismiss()
            self.note("The picture changed; press Analyse again.")
        self._update_buttons()

    def _on_document_opened(self) -> None:
        """A project brings back the guide it was saved with."""
        doc = self.ctx.document()
        saved = doc.extras.get("guides") if doc is not None else None
        if isinstance(saved, dict):
            self.guide.update(**GuideOverlay.from_dict(saved).to_dict())

    def _on_heatmap_toggled(self, checked: bool) -> None:
        self.heatmap.set_visible(checked)
        if checked and self.analysis is None and self.running_job(JOB_KEY) is None:
            self.start_analysis()

    def _on_heatmap_slider_changed(self, value: int) -> None:
        self.heatmap.set_opacity(value / 100)
        self.settings.update(heatmap_opacity=self.heatmap.opacity)

    # -- crop proposal -------------------------------------------------------------------------------
    def _on_propose_clicked(self) -> None:
        if self.analysis is None:
            self._propose_when_done = self.start_analysis() is not None
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

    def _on_crop_aspect_changed(self, text: str) -> None:
        self.settings.update(crop_aspect=text)
        if self.crop.rect is not None:
            self._propose()

    def _on_apply_clicked(self) -> None:
        rect = self.crop.rect
        if rect is None or self.ctx.document() is None:
            return
        self.crop.dismiss()
        self.ctx.crop(rect)
        self.say(f"Cropped to {rect[2]}×{rect[3]} ({self.crop_combo.currentText()}); Undo restores it.")

    def _on_dismiss_clicked(self) -> None:
        self.crop.dismiss()
        self._update_buttons()

    def _update_buttons(self) -> None:
        has_doc = self.ctx.document() is not None
        self.analyse_button.setEnabled(has_doc)
        self.propose_button.setEnabled(has_doc)
        self.apply_button.setEnabled(self.crop.rect is not None)
        self.dismiss_button.setEnabled(self.crop.rect is not None)
