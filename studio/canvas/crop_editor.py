"""Lets the painter move and resize a proposed crop frame on the canvas before Apply.

An event filter on the canvas: while a crop is proposed, a press on the frame (inside, an edge or a
corner) drags it, and the cursor says what a press would do; every other press goes to the canvas as
before (pan, select, pick). The geometry is ``studio.state.crop_edit``.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QMouseEvent

from models.composition import parse_aspect
from studio.state import crop_edit
from studio.state.guides import CropOverlay

#: How near (in screen pixels) to an edge a press grabs it.
GRAB_PX = 8

_CURSORS = {
    "move": Qt.CursorShape.SizeAllCursor,
    "top_left": Qt.CursorShape.SizeFDiagCursor,
    "bottom_right": Qt.CursorShape.SizeFDiagCursor,
    "top_right": Qt.CursorShape.SizeBDiagCursor,
    "bottom_left": Qt.CursorShape.SizeBDiagCursor,
    "left": Qt.CursorShape.SizeHorCursor,
    "right": Qt.CursorShape.SizeHorCursor,
    "top": Qt.CursorShape.SizeVerCursor,
    "bottom": Qt.CursorShape.SizeVerCursor,
}


class CropEditor(QObject):
    def __init__(self, canvas, overlay: CropOverlay) -> None:
        super().__init__(canvas)
        self.canvas = canvas
        self.overlay = overlay
        self._drag: tuple[str, QPointF, tuple[int, int, int, int]] | None = None
        self._cursor_set = False
        canvas.setMouseTracking(True)
        canvas.installEventFilter(self)

    def _aspect(self) -> float | None:
        try:
            return parse_aspect(self.overlay.aspect) if self.overlay.aspect else None
        except ValueError:
            return None

    def _handle_at(self, pos: QPointF) -> str | None:
        if self.overlay.rect is None:
            return None
        x, y = self.canvas.widget_to_image(pos)
        return crop_edit.hit_test(self.overlay.rect, x, y, GRAB_PX / max(self.canvas.scale, 1e-6))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress and isinstance(event, QMouseEvent):
            if event.button() == Qt.MouseButton.LeftButton and self.overlay.rect is not None:
                handle = self._handle_at(event.position())
                if handle is not None:
                    self._drag = (handle, event.position(), self.overlay.rect)
                    return True
        elif kind == QEvent.Type.MouseMove and isinstance(event, QMouseEvent):
            if self._drag is not None:
                handle, start, rect = self._drag
                scale = max(self.canvas.scale, 1e-6)
                dx = (event.position().x() - start.x()) / scale
                dy = (event.position().y() - start.y()) / scale
                new = crop_edit.drag(rect, handle, dx, dy, self.canvas.image_size(), self._aspect())
                self.overlay.propose(new, self.overlay.aspect)
                return True
            self._update_cursor(event.position())
        elif kind == QEvent.Type.MouseButtonRelease and self._drag is not None:
            self._drag = None
            return True
        return False

    def _update_cursor(self, pos: QPointF) -> None:
        handle = self._handle_at(pos)
        if handle is not None:
            self.canvas.setCursor(_CURSORS[handle])
            self._cursor_set = True
        elif self._cursor_set:
            self._cursor_set = False
            self.canvas.set_tool(self.canvas.tool)  # the tool's own cursor
