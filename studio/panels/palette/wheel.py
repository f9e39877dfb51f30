"""Colour wheel: the painter's RYB (or OKLCh) hue ring with the palette as dots and the chosen harmony
marked as spokes from the centre."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QConicalGradient, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from models.palette.color import hsv_to_rgb, oklch_to_rgb_clipped, rgb_to_hsv, rgb_to_oklch
from models.palette.harmony import ryb_hue_to_hsv, wheel_hue


def ring_colors(wheel: str, steps: int = 36) -> list[tuple[float, tuple[int, int, int]]]:
    """(wheel angle, sRGB) stops for the hue ring of the chosen wheel."""
    angles = np.linspace(0.0, 360.0, steps + 1)
    if wheel == "ryb":
        hsv = np.stack([ryb_hue_to_hsv(angles), np.ones_like(angles), np.ones_like(angles)], -1)
        rgb = np.clip(np.rint(hsv_to_rgb(hsv)), 0, 255).astype(int)
    else:
        rgb = oklch_to_rgb_clipped(
            np.stack([np.full_like(angles, 0.75), np.full_like(angles, 0.15), angles], -1)
        )
    return [(float(a), (int(c[0]), int(c[1]), int(c[2]))) for a, c in zip(angles, rgb, strict=True)]


class ColorWheel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._colors: list[tuple[int, int, int]] = []
        self._harmony: list[tuple[int, int, int]] = []
        self._wheel = "ryb"
        self.setMinimumSize(160, 160)

    def sizeHint(self) -> QSize:
        return QSize(200, 200)

    def set_wheel(self, wheel: str) -> None:
        self._wheel = wheel
        self.update()

    def set_colors(self, colors: Sequence[tuple[int, int, int]]) -> None:
        self._colors = list(colors)
        self.update()

    def set_harmony(self, colors: Sequence[tuple[int, int, int]]) -> None:
        self._harmony = list(colors)
        self.update()

    def _geometry(self) -> tuple[QPointF, float]:
        side = min(self.width(), self.height()) - 8
        return QPointF(self.width() / 2, self.height() / 2), side / 2

    def position(self, rgb: tuple[int, int, int], radius: float) -> QPointF:
        """Where a colour sits: angle = wheel hue (0° at the top, clockwise), distance = saturation."""
        centre, _ = self._geometry()
        angle = float(wheel_hue(rgb, self._wheel))
        if self._wheel == "ryb":
            sat = float(rgb_to_hsv(np.array(rgb, dtype=np.float64))[1])
        else:
            sat = min(1.0, float(rgb_to_oklch(np.array(rgb, dtype=np.float64))[1]) / 0.25)
        r = radius * (0.15 + 0.85 * sat)
        a = math.radians(angle - 90.0)
        return QPointF(centre.x() + r * math.cos(a), centre.y() + r * math.sin(a))

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        centre, radius = self._geometry()
        ring = radius * 0.14
        # QConicalGradient runs counter-clockwise from 3 o'clock; our wheel runs clockwise from 12
        grad = QConicalGradient(centre, 90.0)
        for angle, rgb in ring_colors(self._wheel):
            grad.setColorAt((1.0 - angle / 360.0) % 1.0 if angle < 360 else 0.0, QColor(*rgb))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(grad)
        p.drawEllipse(centre, radius, radius)
        p.setBrush(self.palette().color(self.palette().ColorRole.Window))
        p.drawEllipse(centre, radius - ring, radius - ring)
        inner = radius - ring - 4
        p.setPen(QPen(QColor(128, 128, 128, 90), 1))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawEllipse(centre, inner, inner)
        if self._harmony:
            pen = QPen(self.palette().color(self.palette().ColorRole.WindowText), 1.5, Qt.PenStyle.DashLine)
            points = [self.position(c, inner) for c in self._harmony]
            for pt in points:
                p.setPen(pen)
                p.drawLine(centre, pt)
            p.setPen(QPen(self.palette().color(self.palette().ColorRole.WindowText), 2))
            for pt, c in zip(points, self._harmony, strict=True):
                p.setBrush(QColor(*c))
                p.drawRect(QRectF(pt.x() - 7, pt.y() - 7, 14, 14))
        for c in self._colors:
            pt = self.position(c, inner)
            p.setPen(QPen(QColor(255, 255, 255), 2))
            p.setBrush(QColor(*c))
            p.drawEllipse(pt, 6.5, 6.5)
            p.setPen(QPen(QColor(0, 0, 0, 160), 1))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawEllipse(pt, 8, 8)
        p.end()
