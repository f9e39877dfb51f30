"""The Palette panel's harmony box: harmony and wheel choosers, the closest harmony of the palette, and the
colour wheel with the palette as dots and the chosen harmony (from a base colour) as spokes."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QGroupBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from models.palette import HARMONIES, WHEELS, harmony
from models.palette.extract import PaletteColor
from models.palette.harmony import closest_harmony
from studio.panels.palette.wheel import ColorWheel
from studio.state.swatches import Swatch


class HarmonyBox(QGroupBox):
    """``changed(harmony, wheel)`` when either chooser moves."""

    changed = Signal(str, str)

    def __init__(self, harmony_name: str, wheel: str, parent: QWidget | None = None) -> None:
        super().__init__("Harmony", parent)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.harmony_combo = QComboBox()
        self.harmony_combo.addItems(list(HARMONIES))
        self.harmony_combo.setCurrentText(harmony_name)
        self.wheel_combo = QComboBox()
        self.wheel_combo.addItems(list(WHEELS))
        self.wheel_combo.setCurrentText(wheel)
        row.addWidget(self.harmony_combo, 1)
        row.addWidget(self.wheel_combo)
        layout.addLayout(row)
        self.closest_label = QLabel()
        layout.addWidget(self.closest_label)
        self.wheel = ColorWheel()
        self.wheel.set_wheel(wheel)
        layout.addWidget(self.wheel, 1)
        self.harmony_combo.currentTextChanged.connect(self._on_combo_changed)
        self.wheel_combo.currentTextChanged.connect(self._on_combo_changed)

    def show_palette(self, swatches: Sequence[Swatch], base: tuple[int, int, int] | None) -> None:
        """The palette's dots and closest harmony, and the chosen harmony built on ``base``."""
        wheel = self.wheel_combo.currentText()
        self.wheel.set_wheel(wheel)
        self.wheel.set_colors([s.rgb for s in swatches])
        colors = [PaletteColor.from_rgb(s.rgb, s.share if s.share is not None else 1.0) for s in swatches]
        self.closest_label.setText(f"Closest harmony: {closest_harmony(colors, wheel)}" if colors else "")
        self.show_base(base)

    def show_base(self, base: tuple[int, int, int] | None) -> None:
        wheel = self.wheel_combo.currentText()
        self.wheel.set_wheel(wheel)
        self.wheel.set_harmony([] if base is None else harmony(base, self.harmony_combo.currentText(), wheel))

    def _on_combo_changed(self, _text: str) -> None:
        self.changed.emit(self.harmony_combo.currentText(), self.wheel_combo.currentText())
