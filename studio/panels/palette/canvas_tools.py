"""The Palette panel's canvas tools: Region (drag a rectangle to take its colours) and Eyedropper (click to
add a pixel's colour). A button on gives the canvas that tool (the other goes off); off, the canvas goes
back to panning; another panel taking the canvas turns them off."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QRect, Signal
from PySide6.QtWidgets import QPushButton


class CanvasTools(QObject):
    """``region_chosen(x, y, w, h)`` and ``pixel_chosen(x, y)`` come only while their button is on."""

    region_chosen = Signal(int, int, int, int)
    pixel_chosen = Signal(int, int)

    def __init__(self, canvas: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.canvas = canvas
        self.region_button = QPushButton("Region")
        self.region_button.setCheckable(True)
        self.region_button.setToolTip("Drag a rectangle on the canvas to take its colours")
        self.pick_button = QPushButton("Eyedropper")
        self.pick_button.setCheckable(True)
        self.pick_button.setToolTip("Click the canvas to add that pixel's colour")
        self.region_button.toggled.connect(self._on_region_toggled)
        self.pick_button.toggled.connect(self._on_pick_toggled)
        canvas.region_selected.connect(self._on_canvas_region_selected)
        canvas.pixel_picked.connect(self._on_canvas_pixel_picked)
        canvas.tool_changed.connect(self._on_canvas_tool_changed)

    def _on_region_toggled(self, checked: bool) -> None:
        self._take_tool("select_rect", checked, other=self.pick_button)

    def _on_pick_toggled(self, checked: bool) -> None:
        self._take_tool("pick", checked, other=self.region_button)

    def _take_tool(self, tool: str, checked: bool, other: QPushButton) -> None:
        """A tool button on: the canvas takes that tool (the other button goes off); off: back to pan."""
        if checked:
            other.setChecked(False)
            self.canvas.set_tool(tool)
        elif self.canvas.tool == tool:
            self.canvas.set_tool("pan")

    def _on_canvas_tool_changed(self, tool: str) -> None:
        # another panel took the canvas tool: our buttons follow
        self.region_button.setChecked(tool == "select_rect" and self.region_button.isChecked())
        self.pick_button.setChecked(tool == "pick" and self.pick_button.isChecked())

    def _on_canvas_region_selected(self, rect: QRect) -> None:
        if self.region_button.isChecked() and rect.width() > 0 and rect.height() > 0:
            self.region_chosen.emit(rect.x(), rect.y(), rect.width(), rect.height())

    def _on_canvas_pixel_picked(self, x: int, y: int) -> None:
        if self.pick_button.isChecked():
            self.pixel_chosen.emit(x, y)
