"""The Palette panel's extraction options: the number of colours (or Auto), the mood and the sort order,
and the :class:`PaletteConfig` they make."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QLabel, QSlider, QWidget

from models.palette import MOODS, SORTS, PaletteConfig

ANY_MOOD = "any mood"


class ExtractOptions(QWidget):
    """The option widgets, set from the panel's saved ``values``; the panel connects their signals."""

    def __init__(self, values: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.count_slider = QSlider(Qt.Orientation.Horizontal)
        self.count_slider.setRange(2, 16)
        self.count_slider.setValue(int(values["colors"]))
        self.count_label = QLabel()
        self.auto_box = QCheckBox("Auto")
        self.auto_box.setChecked(bool(values["auto"]))
        self.mood_combo = QComboBox()
        self.mood_combo.addItems([ANY_MOOD, *MOODS])
        self.mood_combo.setCurrentText(values["mood"] or ANY_MOOD)
        self.sort_combo = QComboBox()
        self.sort_combo.addItems(list(SORTS))
        self.sort_combo.setCurrentText(values["sort"])
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(QLabel("Colours"), 0, 0)
        grid.addWidget(self.count_slider, 0, 1)
        grid.addWidget(self.count_label, 0, 2)
        grid.addWidget(self.auto_box, 0, 3)
        grid.addWidget(QLabel("Mood"), 1, 0)
        grid.addWidget(self.mood_combo, 1, 1)
        grid.addWidget(QLabel("Sort"), 1, 2)
        grid.addWidget(self.sort_combo, 1, 3)
        self.update_count_label()

    def mood(self) -> str:
        """The chosen mood, "" for any."""
        mood = self.mood_combo.currentText()
        return "" if mood == ANY_MOOD else mood

    def config(self, region: tuple[int, int, int, int] | None) -> PaletteConfig:
        return PaletteConfig(
            colors=None if self.auto_box.isChecked() else self.count_slider.value(),
            mood=self.mood() or None,
            region=region,
            sort=self.sort_combo.currentText(),
        )

    def update_count_label(self) -> None:
        self.count_label.setText("auto" if self.auto_box.isChecked() else str(self.count_slider.value()))
        self.count_slider.setEnabled(not self.auto_box.isChecked())
