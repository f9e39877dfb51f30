"""Where the style goes, in the Stylize panel: the whole picture, a mask painted on the canvas (soft brush,
eraser, brush size, undo), a rectangle, or the subject / background from the composition analysis; and
"a second painting outside" (two region styles). The mask is drawn over the canvas, tinted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QPushButton,
    QSlider,
    QWidget,
)

from studio.state.style_mask import StyleMask

WHERE = (
    ("Whole picture", "whole"),
    ("Painted mask", "paint"),
    ("Rectangle", "rect"),
    ("Subject", "subject"),
    ("Background", "background"),
)


class MaskPainter:
    """Draws the mask over the picture: red where the style goes, nothing elsewhere."""

    def __init__(self) -> None:
        self.mask: StyleMask | None = None
        self.visible = False

    def paint(self, painter: QPainter, image_rect: QRectF, scale: float) -> None:
        if not self.visible or self.mask is None:
            return
        a = self.mask.pixels
        h, w = a.shape
        argb = np.zeros((h, w, 4), np.uint8)  # B, G, R, A in memory (Format_ARGB32 little-endian)
        argb[..., 2] = 230
        argb[..., 3] = (a.astype(np.uint16) * 110 // 255).astype(np.uint8)
        argb[..., :3] = (argb[..., :3].astype(np.uint16) * argb[..., 3:4] // 255).astype(np.uint8)
        image = QImage(argb.data, w, h, 4 * w, QImage.Format.Format_ARGB32_Premultiplied)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        painter.drawImage(image_rect, image)
        painter.restore()


class RegionControls(QWidget):
    """Emits ``changed()`` when the choice (not the painted mask) changes."""

    changed = Signal()

    def __init__(self, values: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.where_combo = QComboBox()
        for label, key in WHERE:
            self.where_combo.addItem(label, key)
        self.where_combo.setCurrentIndex(max(0, self.where_combo.findData(values.get("where", "whole"))))
        self.where_combo.setToolTip(
            "Where the style goes; the rest keeps the photo (or takes a second painting)"
        )
        self.brush_button = QPushButton("Brush")
        self.eraser_button = QPushButton("Eraser")
        for button in (self.brush_button, self.eraser_button):
            button.setCheckable(True)
        self.brush_button.setChecked(True)
        self.brush_button.setToolTip("Paint where the style goes (drag on the picture)")
        self.eraser_button.setToolTip("Take the style away where you drag")
        self.size_slider = QSlider(Qt.Orientation.Horizontal)
        self.size_slider.setRange(2, 300)
        self.size_slider.setValue(int(values.get("brush", 40)))
        self.size_slider.setToolTip("Brush size in picture pixels (radius)")
        self.undo_button = QPushButton("Undo stroke")
        self.clear_button = QPushButton("Clear")
        self.second_check = QCheckBox("Second painting outside")
        self.second_check.setChecked(bool(values.get("second", False)))
        self.second_check.setToolTip(
            "With two paintings selected: the first goes inside the mask, the second outside, "
            "each matched on its own region"
        )
        tools = QHBoxLayout()
        for w in (self.brush_button, self.eraser_button, self.undo_button, self.clear_button):
            tools.addWidget(w)
        self.tools = QWidget()
        self.tools.setLayout(tools)
        tools.setContentsMargins(0, 0, 0, 0)
        form = self.form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Where", self.where_combo)
        form.addRow("", self.tools)
        form.addRow("Brush", self.size_slider)
        form.addRow("", self.second_check)
        self.brush_button.clicked.connect(lambda: self._pick(erase=False))
        self.eraser_button.clicked.connect(lambda: self._pick(erase=True))
        self.where_combo.currentIndexChanged.connect(self._on_where)
        self.size_slider.valueChanged.connect(self.changed)
        self.second_check.toggled.connect(self.changed)
        self._on_where(emit=False)

    def where(self) -> str:
        return str(self.where_combo.currentData())

    @property
    def erasing(self) -> bool:
        return self.eraser_button.isChecked()

    def values(self) -> dict[str, Any]:
        return {
            "where": self.where(),
            "brush": self.size_slider.value(),
            "second": self.second_check.isChecked(),
        }

    def _pick(self, erase: bool) -> None:
        self.brush_button.setChecked(not erase)
        self.eraser_button.setChecked(erase)

    def _on_where(self, *_args: Any, emit: bool = True) -> None:
        """Only the rows that the choice uses are shown: the whole picture needs one row."""
        painting = self.where() == "paint"
        for w in (self.brush_button, self.eraser_button):
            w.setVisible(painting)
        # the tools (undo, clear; brush, eraser) edit a drawn mask; a found subject has nothing to undo
        self.form.setRowVisible(1, self.where() in ("paint", "rect"))
        self.form.setRowVisible(2, painting)  # brush size
        self.form.setRowVisible(3, self.where() != "whole")  # second painting outside
        if emit:
            self.changed.emit()


class RegionEditor:
    """Connects the controls, the canvas and the mask of the open picture (one per panel)."""

    def __init__(self, controls: RegionControls, canvas: Any, start_job: Callable[..., Any]) -> None:
        self.controls = controls
        self.canvas = canvas
        self.start_job = start_job
        self.mask: StyleMask | None = None
        self._pixels: np.ndarray | None = None
        self._last: tuple[float, float] | None = None
        self.painter = MaskPainter()
        canvas.add_overlay(self.painter)
        canvas.stroke_point.connect(self._on_stroke)
        canvas.region_selected.connect(self._on_rectangle)
        controls.changed.connect(self.refresh)
        controls.undo_button.clicked.connect(self.undo)
        controls.clear_button.clicked.connect(self.clear)

    def set_picture(self, pixels: np.ndarray | None) -> None:
        """A new (or no) picture: a fresh mask for it."""
        self._pixels = pixels
        self.mask = None if pixels is None else StyleMask(pixels.shape[1], pixels.shape[0])
        self.painter.mask = self.mask
        self.refresh()

    def mask_for_job(self) -> np.ndarray | None:
        """The mask to stylize with (None: the whole picture)."""
        if self.controls.where() == "whole" or self.mask is None:
            return None
        return self.mask.pixels.copy()

    def refresh(self) -> None:
        where = self.controls.where()
        self.painter.visible = where != "whole" and self.mask is not None
        tool = {"paint": "paint", "rect": "select_rect"}.get(where, "pan")
        if self.canvas.tool != tool and (tool != "pan" or self.canvas.tool in ("paint", "select_rect")):
            self.canvas.set_tool(tool)
        if where in ("subject", "background") and self._pixels is not None:
            self._find_subject(where == "background")
        self.canvas.update()

    def _find_subject(self, background: bool) -> None:
        from studio.state.style_mask import subject_map_steps

        pixels = self._pixels
        mask = self.mask

        def steps() -> Any:
            return subject_map_steps(pixels, background=background)

        def done(weights: np.ndarray) -> None:
            if mask is self.mask and mask is not None:
                mask.begin()
                mask.set_map(weights)
                self.canvas.update()

        self.start_job("Subject mask", steps, done=done)

    def _on_stroke(self, x: float, y: float, first: bool) -> None:
        if self.mask is None or self.controls.where() != "paint":
            return
        radius = float(self.controls.size_slider.value())
        if first or self._last is None:
            self.mask.begin()
            self.mask.dab(x, y, radius, self.controls.erasing)
        else:
            self.mask.line(self._last, (x, y), radius, self.controls.erasing)
        self._last = (x, y)
        self.canvas.update()

    def _on_rectangle(self, rect: Any) -> None:
        if self.mask is None or self.controls.where() != "rect":
            return
        self.mask.begin()
        self.mask.rectangle(rect.x(), rect.y(), rect.width(), rect.height())
        self.canvas.update()

    def undo(self) -> None:
        if self.mask is not None and self.mask.undo():
            self.canvas.update()

    def clear(self) -> None:
        if self.mask is not None:
            self.mask.begin()
            self.mask.clear()
            self.canvas.update()
