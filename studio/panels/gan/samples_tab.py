"""The GAN panel's Samples tab: its widgets and how they show the panel's state (a mixin of ``GanPanel``).

The tab holds the model chooser, the truncation and variation sliders, Refresh / Back, the 4×4 grid, the
per-sample buttons and the interpolation strip; the panel connects them (``studio/panels/gan_panel.py``).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from studio.panels.gan.interp_strip import InterpolationStrip
from studio.panels.gan.sample_grid import SampleGrid

SEND_SIZES = (256, 512, 1024, 2048)
TILEABLE_TIP = (
    "Samples that repeat seamlessly at their edges, for patterns and backgrounds (as gan sample --tileable); "
    "Save PNG and the interpolation keep it"
)
NOT_TILEABLE_TIP = "This model paints fixed squares, which cannot tile; a spatial model (the bundled one) can"


def _slider(value: float, lo: int, hi: int) -> QSlider:
    s = QSlider(Qt.Orientation.Horizontal)
    s.setRange(lo, hi)
    s.setValue(int(round(value * 100)))
    return s


def _row(layout: QVBoxLayout, *widgets: QWidget, stretch: QWidget | None = None) -> None:
    """One row of ``widgets``; ``stretch`` (one of them) takes the spare width."""
    row = QHBoxLayout()
    for w in widgets:
        row.addWidget(w, 1 if w is stretch else 0)
    layout.addLayout(row)


class SamplesTabMixin:
    settings: Any
    message: QLabel

    def _build_samples_tab(self) -> QWidget:
        tab = QWidget()
        lay = QVBoxLayout(tab)
        self.model_combo = QComboBox()
        self.model_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        _row(lay, QLabel("Model"), self.model_combo, stretch=self.model_combo)

        grid = QGridLayout()
        self.truncation_slider = _slider(self.settings["truncation"], 5, 150)
        self.truncation_label = QLabel()
        self.truncation_slider.setToolTip("Lower is tamer and more typical; higher is wilder")
        grid.addWidget(QLabel("Truncation"), 0, 0)
        grid.addWidget(self.truncation_slider, 0, 1)
        grid.addWidget(self.truncation_label, 0, 2)
        self.strength_slider = _slider(self.settings["strength"], 2, 150)
        self.strength_label = QLabel()
        grid.addWidget(QLabel("Variation"), 1, 0)
        grid.addWidget(self.strength_slider, 1, 1)
        grid.addWidget(self.strength_label, 1, 2)
        lay.addLayout(grid)

        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setToolTip("Sixteen new seeds")
        self.back_button = QPushButton("Back")
        self.back_button.setEnabled(False)  # nothing to go back to yet
        self.page_label = QLabel()
        self.tileable_box = QCheckBox("Tileable")
        self.tileable_box.setChecked(self.settings["tileable"])
        self.tileable_box.setToolTip(TILEABLE_TIP)
        _row(
            lay,
            self.refresh_button,
            self.back_button,
            self.tileable_box,
            self.page_label,
            stretch=self.page_label,
        )

        self.grid = SampleGrid()
        lay.addWidget(self.grid)
        self.selection_label = QLabel()
        self.selection_label.setWordWrap(True)
        lay.addWidget(self.selection_label)

        self.vary_button = QPushButton("Variations")
        self.vary_button.setToolTip("Variations of A (or double-click a sample)")
        self.cross_button = QPushButton("Cross A × B")
        _row(lay, self.vary_button, self.cross_button)
        self.send_size_combo = QComboBox()
        self.send_size_combo.addItem("picture size", 0)
        for size in SEND_SIZES:
            self.send_size_combo.addItem(f"{size} px", size)
        self.send_size_combo.setToolTip(
            "The size Send to canvas paints at: the open picture's (a new 1024 px square when none is open) "
            "or a square. Spatial models paint it directly; the older 64 px model is enlarged"
        )
        self.send_size_combo.setCurrentIndex(
            max(0, self.send_size_combo.findData(self.settings["send_size"]))
        )
        self.send_button = QPushButton("Send to canvas")
        _row(lay, self.send_button, self.send_size_combo, stretch=self.send_button)
        self.style_button = QPushButton("Use as style")
        self.palette_button = QPushButton("Extract palette")
        self.save_button = QPushButton("Save PNG…")
        _row(lay, self.style_button, self.palette_button, self.save_button)
        self.strip = InterpolationStrip()
        self.strip.frames_spin.setValue(self.settings["frames"])
        lay.addWidget(self.strip)
        lay.addWidget(self.message)
        lay.addStretch(1)
        return tab

    # -- showing the state ----------------------------------------------------------------------
    def truncation(self) -> float:
        return self.truncation_slider.value() / 100.0

    def strength(self) -> float:
        return self.strength_slider.value() / 100.0

    def _update_labels(self) -> None:
        self.truncation_label.setText(f"{self.truncation():.2f}")
        self.strength_label.setText(f"{self.strength():.2f}")

    def _on_grid_selection_changed(self) -> None:
        picked = self.grid.selected()
        one, two = bool(picked), len(picked) == 2
        for b in (
            self.vary_button,
            self.send_button,
            self.style_button,
            self.palette_button,
            self.save_button,
        ):
            b.setEnabled(one)
        self.cross_button.setEnabled(two)
        self.strip.set_can_interpolate(two)
        if not picked:
            self.selection_label.setText(
                "Click a sample to select it (A); Ctrl+click another for B to cross them, or to interpolate "
                "A → B further down."
            )
        else:
            text = "  ·  ".join(f"{'AB'[i]}: {s.label}" for i, s in enumerate(picked))
            if two:
                text += "  —  Interpolate A → B is below ↓"
            self.selection_label.setText(text)
