"""CanvasView: the document crisp at any zoom, result layers, live preview, before/after split, overlays.

The canvas emits intents (``files_dropped``, ``region_selected``, ``pixel_picked``); the controller changes
state. View maths live in ``studio.canvas.zoom``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np
from PySide6.QtCore import QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QDragEnterEvent,
    QDropEvent,
    QFont,
    QFontMetricsF,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QWidget

from atelier_common.images import is_image_path
from studio.canvas import zoom
from studio.canvas.convert import array_to_qimage, half_level, wrap_array, wrap_premultiplied
from studio.state.document import Document, Layer

TOOLS = ("pan", "select_rect", "pick", "paint")
BACKGROUND = QColor(38, 38, 40)


class OverlayPainter(Protocol):
    def paint(self, painter: QPainter, image_rect: QRectF, scale: float) -> None: ...


def _checkerboard() -> QBrush:
    tile = QPixmap(16, 16)
    tile.fill(QColor(200, 200, 200))
    p = QPainter(tile)
    p.fillRect(0, 0, 8, 8, QColor(150, 150, 150))
    p.fillRect(8, 8, 8, 8, QColor(150, 150, 150))
    p.end()
    return QBrush(tile)


def dropped_image_paths(urls: list) -> list[str]:
    """Local image files among dropped URLs, in the order given."""
    paths = []
    for url in urls:
        if url.isLocalFile():
            path = url.toLocalFile()
            if is_image_path(Path(path)) or Path(path).suffix.lower() == ".ora":
                paths.append(path)
    return paths


class CanvasView(QWidget):
    files_dropped = Signal(list)
    zoom_changed = Signal(float)
    region_selected = Signal(QRect)
    pixel_picked = Signal(int, int)
    stroke_point = Signal(float, float, bool)  # "paint" tool: image x, y, and whether a stroke starts
    stroke_finished = Signal()
    tool_changed = Signal(str)
    compare_changed = Signal(bool)
    content_changed = Signal()  # image, layers or preview changed (e.g. compare became possible)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(200, 150)
        self._document: Document | None = None
        self._base: QImage | None = None
        self._layers: list[tuple[Layer, QImage]] = []  # every layer with its image, bottom to top
        self._preview: QImage | None = None
        self._view = zoom.ViewTransform()
        self._fit_mode = True
        self._overlays: list[OverlayPainter] = []
        self._tool = "pan"
        self._compare = False
        self._split = 0.5
        self._drag: tuple[str, QPointF, zoom.ViewTransform] | None = None
        self._space_down = False
        self._selection: QRectF | None = None
        self._pyramids: dict[int, list[QImage]] = {}  # per image (cacheKey): halvings, for any zoom
        self._screen: dict[int, QImage] = {}  # per image: a copy at the size it is shown, when minified
        self._prepared: dict[int, tuple[np.ndarray, list[np.ndarray]]] = {}
        self._keep: dict[int, tuple[np.ndarray, list[np.ndarray]]] = {}  # buffers under zero-copy images
        self._checker = _checkerboard()

    # -- document -------------------------------------------------------------------------------
    def set_document(self, document: Document | None) -> None:
        if self._document is not None:
            self._connect(self._document, False)
        self._document = document
        self._preview = None
        self._compare = False
        if document is not None:
            self._connect(document, True)
        self.refresh()
        self.fit_to_window()

    def _connect(self, document: Document, on: bool) -> None:
        events = document.events
        pairs = [
            (events.image, self.refresh),
            (events.layers, self._on_document_layers),
            (events.opacity, self._on_document_layer_look),
            (events.visible, self._on_document_layer_look),
        ]
        for event, slot in pairs:
            event.connect(slot) if on else event.disconnect(slot)

    @property
    def document(self) -> Document | None:
        return self._document

    def refresh(self) -> None:
        """Rebuild every QImage from the document (a new document, or its base image replaced)."""
        doc = self._document
        self._pyramids.clear()
        self._keep.clear()
        self._screen.clear()
        old_size = self.image_size()
        self._layers = []
        self._base = None if doc is None else self._adopt_prepared(doc.image)
        if doc is not None and self.image_size() != old_size:
            self.fit_to_window()  # a crop (or its undo) changed the picture's size: show all of it again
        self._on_document_layers()

    def _on_document_layers(self) -> None:
        """Layers added or removed: convert only the new ones; the others keep their images and pyramids."""
        doc = self._document
        known = {id(layer): (layer, image) for layer, image in self._layers}
        self._layers = []
        for layer in doc.layers if doc is not None else []:
            kept = known.get(id(layer))
            if kept is not None and kept[0] is layer:
                image = kept[1]
            else:
                image = self._adopt_prepared(layer.image)
            self._layers.append((layer, image))
        self._prepared.clear()
        alive = {image.cacheKey() for _, image in self._layers}
        if self._base is not None:
            alive.add(self._base.cacheKey())
        if self._preview is not None:
            alive.add(self._preview.cacheKey())
        for cache in (self._pyramids, self._screen, self._keep):
            for key in set(cache) - alive:
                del cache[key]
        self._on_document_layer_look()

    def prepare_image(self, pixels: np.ndarray, levels: list[np.ndarray]) -> None:
        """Hand over the pyramid of ``pixels`` (from ``convert.pyramid_arrays``, made in a worker) for the
        layer about to be added, or the document about to be shown, with that very array: the canvas then
        wraps them without copying, and converts or scales nothing on the UI thread."""
        self._prepared[id(pixels)] = (pixels, levels)

    def _adopt_prepared(self, pixels: np.ndarray) -> QImage:
        entry = self._prepared.get(id(pixels))
        if entry is None or entry[0] is not pixels:
            return array_to_qimage(pixels)
        _, arrays = entry
        # Zero-copy views: the layer keeps ``pixels`` alive; the level arrays live in ``_keep``.
        image = wrap_array(pixels)
        self._pyramids[image.cacheKey()] = [image, *(wrap_premultiplied(a) for a in arrays)]
        self._keep[image.cacheKey()] = (pixels, arrays)
        return image

    def _on_document_layer_look(self, _index: int = -1) -> None:
        """An opacity or visibility changed: the cached images are drawn again with the new values."""
        if not self.can_compare:
            self.set_compare(False)
        self.content_changed.emit()
        self.update()

    def set_preview(self, pixels: np.ndarray | None) -> None:
        """Show a live preview over the document (any size: it is stretched to the image)."""
        if self._preview is not None:
            self._pyramids.pop(self._preview.cacheKey(), None)
            self._screen.pop(self._preview.cacheKey(), None)
        self._preview = None if pixels is None else array_to_qimage(pixels)
        if not self.can_compare:
            self.set_compare(False)
        self.content_changed.emit()
        self.update()

    @property
    def has_preview(self) -> bool:
        return self._preview is not None

    # -- overlays and tools -----------------------------------------------------------------------
    def add_overlay(self, painter: OverlayPainter) -> None:
        if painter not in self._overlays:
            self._overlays.append(painter)
        self.update()

    def remove_overlay(self, painter: OverlayPainter) -> None:
        if painter in self._overlays:
            self._overlays.remove(painter)
        self.update()

    def set_tool(self, tool: str) -> None:
        if tool not in TOOLS:
            raise ValueError(f"unknown tool {tool!r}; expected one of {TOOLS}")
        self._tool = tool
        self._selection = None
        cursor = {
            "pan": Qt.CursorShape.OpenHandCursor,
            "select_rect": Qt.CursorShape.CrossCursor,
            "pick": Qt.CursorShape.PointingHandCursor,
            "paint": Qt.CursorShape.CrossCursor,
        }[tool]
        self.setCursor(cursor)
        self.tool_changed.emit(tool)
        self.update()

    @property
    def tool(self) -> str:
        return self._tool

    # -- before/after -----------------------------------------------------------------------------
    @property
    def can_compare(self) -> bool:
        visible = any(layer.visible for layer, _ in self._layers)
        return self._base is not None and (visible or self._preview is not None)

    def set_compare(self, enabled: bool) -> None:
        enabled = bool(enabled) and self.can_compare
        if enabled != self._compare:
            self._compare = enabled
            self.compare_changed.emit(enabled)
            self.update()

    @property
    def compare(self) -> bool:
        return self._compare

    def set_split(self, fraction: float) -> None:
        self._split = min(1.0, max(0.0, fraction))
        self.update()

    @property
    def split(self) -> float:
        return self._split

    # -- zoom -----------------------------------------------------------------------------------
    @property
    def view(self) -> zoom.ViewTransform:
        return self._view

    @property
    def scale(self) -> float:
        return self._view.scale

    def _set_view(self, view: zoom.ViewTransform) -> None:
        changed = view.scale != self._view.scale
        self._view = view
        if changed:
            self.zoom_changed.emit(view.scale)
        self.update()

    def image_size(self) -> tuple[int, int]:
        return (self._base.width(), self._base.height()) if self._base is not None else (0, 0)

    def fit_to_window(self) -> None:
        self._fit_mode = True
        w, h = self.image_size()
        self._set_view(zoom.fit(w, h, self.width(), self.height()))

    def actual_size(self) -> None:
        self._fit_mode = False
        w, h = self.image_size()
        self._set_view(zoom.centred(w, h, self.width(), self.height(), 1.0))

    def zoom_by(self, factor: float, anchor: QPointF | None = None) -> None:
        self._fit_mode = False
        anchor = anchor if anchor is not None else QPointF(self.width() / 2, self.height() / 2)
        self._set_view(zoom.zoom_about(self._view, factor, anchor.x(), anchor.y()))

    def zoom_in(self) -> None:
        self.zoom_by(zoom.ZOOM_STEP**2)

    def zoom_out(self) -> None:
        self.zoom_by(1 / zoom.ZOOM_STEP**2)

    def image_rect(self) -> QRectF:
        """Where the image lies, in widget coordinates."""
        w, h = self.image_size()
        v = self._view
        return QRectF(v.offset_x, v.offset_y, w * v.scale, h * v.scale)

    def widget_to_image(self, pos: QPointF) -> tuple[float, float]:
        return self._view.to_image(pos.x(), pos.y())

    # -- painting -------------------------------------------------------------------------------
    def _draw_image(self, painter: QPainter, image: QImage, target: QRectF) -> None:
        scale = target.width() / max(1, image.width())
        if scale >= 1.0:
            # Crisp pixels when magnified: nearest neighbour.
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
            painter.drawImage(target, image, QRectF(image.rect()))
            return
        # Minified: draw from a half-size pyramid level at most 2× larger than the target, smoothly. Each
        # level is made once per image, so zooming a 24 MP photo costs milliseconds, not a full rescale.
        level = self._pyramid_level(image, scale)
        pixels = target.toAlignedRect()  # whole device pixels, covering what the checkerboard covers
        size = pixels.size()
        if size.width() * size.height() > 2 * self.width() * self.height():
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
            painter.drawImage(target, level, QRectF(level.rect()))
            return
        # The image as large as it is shown, made once per size: a repaint that changes only an opacity
        # (a slider tick) or a position (a pan) is then a plain blit of each layer, not a rescale.
        shown = self._screen.get(image.cacheKey())
        if shown is None or shown.size() != size:
            shown = level.scaled(
                size, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation
            ).convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
            self._screen[image.cacheKey()] = shown
        painter.drawImage(pixels.topLeft(), shown)

    def _pyramid_level(self, image: QImage, scale: float) -> QImage:
        levels = self._pyramids.get(image.cacheKey())
        if levels is None:
            levels = self._pyramids[image.cacheKey()] = [image]
        while scale * (2 ** (len(levels) - 1)) < 0.5 and min(levels[-1].width(), levels[-1].height()) > 1:
            levels.append(half_level(levels[-1]))
        index = 0
        while index + 1 < len(levels) and scale * (2 ** (index + 1)) <= 1.0:
            index += 1
        return levels[index]

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), BACKGROUND)
        if self._base is None:
            painter.setPen(QColor(170, 170, 175))
            painter.drawText(
                self.rect(), Qt.AlignmentFlag.AlignCenter, "Drop an image here, or press Ctrl+O to open one"
            )
            painter.end()
            return
        target = self.image_rect()
        painter.fillRect(target, self._checker)
        self._draw_image(painter, self._base, target)
        if self._compare:
            split_x = target.left() + target.width() * self._split
            painter.save()
            painter.setClipRect(QRectF(split_x, target.top(), target.right() - split_x, target.height()))
        for layer, image in self._layers:
            if layer.visible and layer.opacity > 0:
                painter.setOpacity(layer.opacity)
                self._draw_image(painter, image, target)
        painter.setOpacity(1.0)
        if self._preview is not None:
            self._draw_image(painter, self._preview, target)
        if self._compare:
            painter.restore()
            self._paint_split_handle(painter, split_x, target)
        for overlay in list(self._overlays):
            painter.save()
            overlay.paint(painter, target, self._view.scale)
            painter.restore()
        if self._selection is not None:
            painter.setPen(QPen(QColor(0, 0, 0), 1))
            painter.drawRect(self._selection)
            painter.setPen(QPen(QColor(255, 255, 255), 1, Qt.PenStyle.DashLine))
            painter.drawRect(self._selection)
        painter.end()

    def _paint_split_handle(self, painter: QPainter, x: float, target: QRectF) -> None:
        painter.setPen(QPen(QColor(0, 0, 0, 160), 3))
        painter.drawLine(QPointF(x, target.top()), QPointF(x, target.bottom()))
        painter.setPen(QPen(QColor(255, 255, 255), 1))
        painter.drawLine(QPointF(x, target.top()), QPointF(x, target.bottom()))
        mid = QPointF(x, (target.top() + target.bottom()) / 2)
        painter.setBrush(QColor(255, 255, 255))
        painter.drawEllipse(mid, 7, 7)
        self._paint_split_label(painter, x, target, "Before", left=True)
        self._paint_split_label(painter, x, target, "After", left=False)

    def _paint_split_label(self, painter: QPainter, x: float, target: QRectF, text: str, left: bool) -> None:
        """A label on a dark rounded backdrop beside the split line: readable on a light sky or a dark coat."""
        font = QFont(self.font())
        font.setPointSizeF(max(11.0, font.pointSizeF() * 1.25))
        font.setBold(True)
        painter.setFont(font)
        metrics = QFontMetricsF(font)
        w, h = metrics.horizontalAdvance(text) + 16, metrics.height() + 8
        top = max(target.top(), 0.0) + 10
        box = QRectF(x - 10 - w if left else x + 10, top, w, h)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(0, 0, 0, 170))
        painter.drawRoundedRect(box, h / 2, h / 2)
        painter.setPen(QColor(255, 255, 255))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    # -- events ---------------------------------------------------------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._fit_mode:
            self.fit_to_window()

    def wheelEvent(self, event: QWheelEvent) -> None:
        dy = event.angleDelta().y()
        if dy and self._base is not None:
            self.zoom_by(zoom.wheel_factor(dy), event.position())
            event.accept()

    def _near_split(self, pos: QPointF) -> bool:
        if not self._compare:
            return False
        target = self.image_rect()
        return abs(pos.x() - (target.left() + target.width() * self._split)) <= 8

    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        button = event.button()
        panning = button == Qt.MouseButton.MiddleButton or (
            button == Qt.MouseButton.LeftButton and (self._space_down or self._tool == "pan")
        )
        if button == Qt.MouseButton.LeftButton and self._near_split(pos):
            self._drag = ("split", pos, self._view)
        elif panning:
            self._drag = ("pan", pos, self._view)
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
        elif button == Qt.MouseButton.LeftButton and self._tool == "select_rect" and self._base is not None:
            self._drag = ("select", pos, self._view)
            self._selection = QRectF(pos, pos)
        elif button == Qt.MouseButton.LeftButton and self._tool == "paint" and self._base is not None:
            self._drag = ("paint", pos, self._view)
            self.stroke_point.emit(*self.widget_to_image(pos), True)
        elif button == Qt.MouseButton.LeftButton and self._tool == "pick" and self._base is not None:
            x, y = self.widget_to_image(pos)
            w, h = self.image_size()
            if 0 <= x < w and 0 <= y < h:
                self.pixel_picked.emit(int(x), int(y))
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag is None:
            return
        kind, start, view = self._drag
        pos = event.position()
        if kind == "pan":
            self._fit_mode = False
            self._set_view(zoom.pan(view, pos.x() - start.x(), pos.y() - start.y()))
        elif kind == "split":
            target = self.image_rect()
            self.set_split((pos.x() - target.left()) / max(1.0, target.width()))
        elif kind == "select":
            self._selection = QRectF(start, pos).normalized()
            self.update()
        elif kind == "paint":
            self.stroke_point.emit(*self.widget_to_image(pos), False)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drag is not None and self._drag[0] == "select" and self._selection is not None:
            rect = self._selection_in_image(self._selection)
            self._selection = None
            if rect.width() >= 2 and rect.height() >= 2:
                self.region_selected.emit(rect)
            self.update()
        if self._drag is not None and self._drag[0] == "paint":
            self.stroke_finished.emit()
        if self._drag is not None and self._drag[0] == "pan":
            self.set_tool(self._tool)  # restores the tool's cursor
        self._drag = None

    def _selection_in_image(self, rect: QRectF) -> QRect:
        x0, y0 = self.widget_to_image(rect.topLeft())
        x1, y1 = self.widget_to_image(rect.bottomRight())
        w, h = self.image_size()
        x0, x1 = max(0, int(round(x0))), min(w, int(round(x1)))
        y0, y1 = max(0, int(round(y0))), min(h, int(round(y1)))
        return QRect(x0, y0, max(0, x1 - x0), max(0, y1 - y0))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_down = True
            self.setCursor(Qt.CursorShape.OpenHandCursor)
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_down = False
            self.set_tool(self._tool)
            return
        super().keyReleaseEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and dropped_image_paths(event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = dropped_image_paths(event.mimeData().urls()) if event.mimeData().hasUrls() else []
        if paths:
            event.acceptProposedAction()
            self.files_dropped.emit(paths)
        else:
            event.ignore()
