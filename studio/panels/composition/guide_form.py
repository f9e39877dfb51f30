"""The guide picker and its settings (colour, opacity, width, flips, grid counts, frame ratio)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QPushButton,
    QSlider,
    QSpinBox,
    QWidget,
)

from models.composition import GUIDES
from studio.state.guides import FRAME_ASPECTS, GuideOverlay


class GuideForm(QWidget):
    """Edits a :class:`GuideOverlay`; follows it when it changes elsewhere (menu, O / Shift+O)."""

    def __init__(self, overlay: GuideOverlay, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.overlay = overlay
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.show_box = QCheckBox("Show on canvas")
        self.kind_combo = QComboBox()
        for name, info in GUIDES.items():
            self.kind_combo.addItem(info.title, name)
        top = QHBoxLayout()
        top.addWidget(self.kind_combo, 1)
        top.addWidget(self.show_box)
        form.addRow("Guide", top)
        self.colour_button = QPushButton()
        self.colour_button.setToolTip("Guide colour (a contrasting solid line runs underneath)")
        self.opacity_slider = QSlider(Qt.Orientation.Horizontal)
        self.opacity_slider.setRange(5, 100)
        colour_row = QHBoxLayout()
        colour_row.addWidget(self.colour_button)
        colour_row.addWidget(self.opacity_slider, 1)
        form.addRow("Colour", colour_row)
        self.width_spin = QDoubleSpinBox()
        self.width_spin.setRange(0.5, 8.0)
        self.width_spin.setSingleStep(0.5)
        self.width_spin.setSuffix(" px")
        form.addRow("Line width", self.width_spin)
        self.flip_h_box = QCheckBox("Horizontal")
        self.flip_v_box = QCheckBox("Vertical")
        flips = QHBoxLayout()
        flips.addWidget(self.flip_h_box)
        flips.addWidget(self.flip_v_box)
        form.addRow("Flip", flips)
        self.cols_spin, self.rows_spin, self.sub_spin = QSpinBox(), QSpinBox(), QSpinBox()
        for spin, top_value in ((self.cols_spin, 24), (self.rows_spin, 24), (self.sub_spin, 8)):
            spin.setRange(1, top_value)
        grid = QHBoxLayout()
        grid.addWidget(self.cols_spin)
        grid.addWidget(self.rows_spin)
        grid.addWidget(self.sub_spin)
        self.cols_spin.setToolTip("Columns")
        self.rows_spin.setToolTip("Rows")
        self.sub_spin.setToolTip("Subdivisions of each cell")
        form.addRow("Grid", grid)
        self.aspect_combo = QComboBox()
        self.aspect_combo.addItems(list(FRAME_ASPECTS))
        form.addRow("Frame ratio", self.aspect_combo)

        self._sync()
        self.show_box.toggled.connect(lambda v: self.overlay.update(visible=v))
        self.kind_combo.currentIndexChanged.connect(self._on_kind_combo_changed)
        self.colour_button.clicked.connect(self._on_colour_button_clicked)
        self.opacity_slider.valueChanged.connect(lambda v: self.overlay.update(opacity=v / 100))
        self.width_spin.valueChanged.connect(lambda v: self.overlay.update(line_width=v))
        self.flip_h_box.toggled.connect(lambda v: self.overlay.update(flip_h=v))
        self.flip_v_box.toggled.connect(lambda v: self.overlay.update(flip_v=v))
        self.cols_spin.valueChanged.connect(lambda v: self.overlay.update(grid_cols=v))
        self.rows_spin.valueChanged.connect(lambda v: self.overlay.update(grid_rows=v))
        self.sub_spin.valueChanged.connect(lambda v: self.overlay.update(grid_subdivisions=v))
        self.aspect_combo.currentTextChanged.connect(lambda t: self.overlay.update(aspect=t))
        overlay.changed.connect(self._on_overlay_changed)

    def _on_overlay_changed(self, _names: set[str]) -> None:
        self._sync()

    def _sync(self) -> None:
        o = self.overlay
        widgets = (
            self.show_box, self.kind_combo, self.opacity_slider, self.width_spin, self.flip_h_box,
            self.flip_v_box, self.cols_spin, self.rows_spin, self.sub_spin, self.aspect_combo,
        )  # fmt: skip
        for w in widgets:
            w.blockSignals(True)
        self.show_box.setChecked(o.visible)
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(o.kind)))
        self.opacity_slider.setValue(round(o.opacity * 100))
        self.width_spin.setValue(o.line_width)
        self.flip_h_box.setChecked(o.flip_h)
        self.flip_v_box.setChecked(o.flip_v)
        self.cols_spin.setValue(o.grid_cols)
        self.rows_spin.setValue(o.grid_rows)
        self.sub_spin.setValue(o.grid_subdivisions)
        index = self.aspect_combo.findText(o.aspect)
        if index < 0:
            self.aspect_combo.addItem(o.aspect)
            index = self.aspect_combo.count() - 1
        self.aspect_combo.setCurrentIndex(index)
        for w in widgets:
            w.blockSignals(False)
        is_grid = o.kind == "grid"
        for w in (self.cols_spin, self.rows_spin, self.sub_spin):
            w.setEnabled(is_grid)
        self.aspect_combo.setEnabled(o.kind == "crop-frame")
        flips = GUIDES[o.kind].flips if o.kind in GUIDES else False
        self.flip_h_box.setEnabled(flips)
        self.flip_v_box.setEnabled(flips)
        self.colour_button.setText(o.colour)
        self.colour_button.setStyleSheet(
            f"background-color: {o.colour}; color: {'#000' if QColor(o.colour).lightnessF() > 0.5 else '#fff'};"
        )

    def _on_kind_combo_changed(self, index: int) -> None:
        self.overlay.update(kind=self.kind_combo.itemData(index), visible=True)

    def _on_colour_button_clicked(self) -> None:
        colour = QColorDialog.getColor(QColor(self.overlay.colour), self, "Guide colour")
        if colour.isValid():
            self.overlay.update(colour=colour.name())
