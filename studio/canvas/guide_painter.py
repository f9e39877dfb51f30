"""Qt painters of the composition overlays: guides, the saliency heat-map and a proposed crop frame.

Each painter listens to its Qt-free model in :mod:`studio.state.guides` and draws through the canvas
overlay contract ``paint(qpainter, image_rect, scale)``: ``image_rect`` is where the image lies in widget
coordinates, so normalised guide geometry maps straight onto it and stays crisp at any zoom.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen

from models.composition import Arc, Line, Polyline, Primitive
from studio.state.guides import CropOverlay, GuideOverlay, HeatmapOverlay


def contrast_colour(colour: QColor) -> QColor:
    """Black under light colours, white under dark ones: the solid line that makes a guide read."""
    return QColor(0, 0, 0) if colour.lightnessF() >= 0.5 else QColor(255, 255, 255)


def _snap(v: float) -> float:
    # A line through a pixel centre covers whole pixels; one on a pixel edge smears over two at half
    # strength and stops reading on mid-tones.
    return math.floor(v) + 0.5


def primitive_path(prim: Primitive, rect: QRectF) -> QPainterPath:
    """A primitive in normalised coordinates as a path in ``rect`` (widget coordinates).

    Horizontal and vertical runs are snapped to pixel centres so that thin guides stay crisp.
    """
    x0, y0, w, h = rect.x(), rect.y(), rect.width(), rect.height()
    path = QPainterPath()
    if isinstance(prim, Line | Polyline):
        pts = [(prim.x0, prim.y0), (prim.x1, prim.y1)] if isinstance(prim, Line) else list(prim.points)
        xy = [(x0 + px * w, y0 + py * h) for px, py in pts]
        n = len(xy)
        # Snap a coordinate shared with a neighbouring point (an axis-aligned run).
        xs = [
            _snap(x) if any(x == xy[j][0] for j in (i - 1, (i + 1) % n) if j != i) else x
            for i, (x, _) in enumerate(xy)
        ]
        ys = [
            _snap(y) if any(y == xy[j][1] for j in (i - 1, (i + 1) % n) if j != i) else y
            for i, (_, y) in enumerate(xy)
        ]
        path.moveTo(xs[0], ys[0])
        for px, py in zip(xs[1:], ys[1:], strict=True):
            path.lineTo(px, py)
        if isinstance(prim, Polyline) and prim.closed:
            path.closeSubpath()
    elif isinstance(prim, Arc):
        sx, sy = prim.start
        path.moveTo(x0 + sx * w, y0 + sy * h)
        box = QRectF(
            x0 + (prim.cx - prim.rx) * w, y0 + (prim.cy - prim.ry) * h, 2 * prim.rx * w, 2 * prim.ry * h
        )
        # Qt counts angles counter-clockwise with y up; ours run clockwise on screen (y down).
        path.arcTo(box, -prim.start_deg, -prim.span_deg)
    return path


def stroke_two_tone(
    painter: QPainter, path: QPainterPath, colour: QColor, width: float, opacity: float, minor: bool = False
) -> None:
    """A dark (or light) solid line under a dashed one in ``colour``, so it reads on any picture."""
    if minor:
        opacity, width = opacity * 0.55, max(0.5, width * 0.75)
    under = contrast_colour(colour)
    under.setAlphaF(min(1.0, opacity * 0.7))
    pen = QPen(under, width + 2.0)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    painter.setPen(pen)
    painter.drawPath(path)
    top = QColor(colour)
    top.setAlphaF(opacity)
    pen = QPen(top, width)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    # Dash lengths are in pen widths; keep dashes ~5 px long whatever the width.
    unit = max(width, 0.5)
    pen.setDashPattern([5.0 / unit, 4.0 / unit])
    painter.setPen(pen)
    painter.drawPath(path)


class _OverlayPainter:
    """Listens to a Qt-free overlay model and asks the canvas to repaint (``repaint``, e.g. ``canvas.update``)."""

    def __init__(self, overlay: Any, repaint: Callable[[], object] | None = None) -> None:
        self.overlay = overlay
        self._repaint = repaint
        overlay.changed.connect(self._on_overlay_changed)

    def detach(self) -> None:
        self.overlay.changed.disconnect(self._on_overlay_changed)

    def _on_overlay_changed(self, _names: set[str]) -> None:
        if self._repaint is not None:
            self._repaint()


class GuidePainter(_OverlayPainter):
    """Draws the guide of a :class:`GuideOverlay`."""

    overlay: GuideOverlay

    def paint(self, painter: QPainter, image_rect: QRectF, scale: float) -> None:
        if not self.overlay.visible or image_rect.width() <= 0 or image_rect.height() <= 0:
            return
        size = (max(1, round(image_rect.width() / scale)), max(1, round(image_rect.height() / scale)))
        colour = QColor(self.overlay.colour)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        prims = self.overlay.primitives(size)
        # Minor lines first, so major ones stay on top where they cross.
        for prim in sorted(prims, key=lambda p: not p.minor):
            path = primitive_path(prim, image_rect)
            stroke_two_tone(painter, path, colour, self.overlay.line_width, self.overlay.opacity, prim.minor)
        painter.restore()


#: Colour stops of the heat-map (a "turbo"-like scale: cool blue where little draws the eye, through green
#: and yellow, to red where most does); alpha rises with heat so hot regions stand out clearly.
_HEAT_STOPS = np.array([0.0, 0.25, 0.5, 0.75, 1.0], np.float32)
_HEAT_RGB = np.array(
    [(35, 40, 120), (40, 140, 240), (60, 220, 120), (250, 200, 40), (225, 30, 20)], np.float32
)


def heatmap_image(saliency: np.ndarray) -> QImage:
    """A 0..1 map as an ARGB32 QImage: a blue-to-red scale, clear where cold, strong where hot.

    The map is stretched so its 99th percentile is full heat (a single hot pixel cannot wash out the rest)."""
    s = np.clip(np.asarray(saliency, dtype=np.float32), 0.0, None)
    top = float(np.percentile(s, 99)) if s.size else 0.0
    s = np.clip(s / top, 0.0, 1.0) if top > 1e-6 else np.zeros_like(s)
    h, w = s.shape
    rgb = np.stack([np.interp(s, _HEAT_STOPS, _HEAT_RGB[:, c]) for c in range(3)], axis=-1)
    argb = np.empty((h, w, 4), np.uint8)
    # Little-endian ARGB32 is stored B, G, R, A.
    argb[..., 0] = rgb[..., 2].astype(np.uint8)
    argb[..., 1] = rgb[..., 1].astype(np.uint8)
    argb[..., 2] = rgb[..., 0].astype(np.uint8)
    # Clear where nothing draws the eye (the picture reads through), then rising quickly with heat.
    argb[..., 3] = (240 * np.clip((s - 0.1) / 0.9, 0.0, 1.0) ** 0.7).astype(np.uint8)
    image = QImage(argb.data, w, h, 4 * w, QImage.Format.Format_ARGB32)
    return image.copy()  # own the pixels: argb dies with this function


class HeatmapPainter(_OverlayPainter):
    """Draws the saliency map of a :class:`HeatmapOverlay` stretched over the image."""

    overlay: HeatmapOverlay

    def __init__(self, overlay: HeatmapOverlay, repaint: Callable[[], object] | None = None) -> None:
        self._image: QImage | None = None
        super().__init__(overlay, repaint)

    def _on_overlay_changed(self, names: set[str]) -> None:
        if "saliency" in names:
            sal = self.overlay.saliency
            self._image = None if sal is None or sal.size == 0 else heatmap_image(sal)
        super()._on_overlay_changed(names)

    def paint(self, painter: QPainter, image_rect: QRectF, scale: float) -> None:
        if not self.overlay.visible or self._image is None:
            return
        painter.save()
        painter.setOpacity(self.overlay.opacity)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        painter.drawImage(image_rect, self._image)
        painter.restore()


class CropPainter(_OverlayPainter):
    """Draws a proposed crop of a :class:`CropOverlay`: the outside dimmed, a two-tone frame and thirds."""

    overlay: CropOverlay

    def paint(self, painter: QPainter, image_rect: QRectF, scale: float) -> None:
        if self.overlay.rect is None:
            return
        x, y, w, h = self.overlay.rect
        frame = QRectF(image_rect.x() + x * scale, image_rect.y() + y * scale, w * scale, h * scale)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        outside = QPainterPath()
        outside.addRect(image_rect)
        inner = QPainterPath()
        inner.addRect(frame)
        painter.fillPath(outside.subtracted(inner), QColor(0, 0, 0, 110))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        white = QColor(255, 255, 255)
        for f in (1 / 3, 2 / 3):
            for a, b in (
                (
                    QPointF(frame.x() + f * frame.width(), frame.top()),
                    QPointF(frame.x() + f * frame.width(), frame.bottom()),
                ),
                (
                    QPointF(frame.left(), frame.y() + f * frame.height()),
                    QPointF(frame.right(), frame.y() + f * frame.height()),
                ),
            ):
                path = QPainterPath(a)
                path.lineTo(b)
                stroke_two_tone(painter, path, white, 1.0, 0.8, minor=True)
        path = QPainterPath()
        path.addRect(frame)
        stroke_two_tone(painter, path, white, 2.0, 1.0)
        # Handles at the corners and edge middles: the frame can be dragged and resized before Apply.
        painter.setPen(QColor(0, 0, 0, 200))
        painter.setBrush(QColor(255, 255, 255, 230))
        for hx in (frame.left(), frame.center().x(), frame.right()):
            for hy in (frame.top(), frame.center().y(), frame.bottom()):
                if hx == frame.center().x() and hy == frame.center().y():
                    continue
                painter.drawRect(QRectF(hx - 4, hy - 4, 8, 8))
        painter.restore()
