"""Drawing primitives of composition guides, in normalised image coordinates.

``(0, 0)`` is the top-left corner of the image and ``(1, 1)`` the bottom-right one, whatever its size, so
that a guide stays exact at any zoom: the painter maps these to widget or pixel coordinates at draw time.
Angles follow image coordinates (y down): a point on an arc is ``(cx + rx cos t, cy + ry sin t)``, so a
positive span turns clockwise on screen.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np


@dataclass(frozen=True)
class Line:
    """A straight segment from ``(x0, y0)`` to ``(x1, y1)``; ``minor`` lines are drawn fainter."""

    x0: float
    y0: float
    x1: float
    y1: float
    minor: bool = False

    def transformed(self, flip_h: bool = False, flip_v: bool = False, transpose: bool = False) -> Line:
        (x0, y0), (x1, y1) = (
            _map_point(p, flip_h, flip_v, transpose) for p in ((self.x0, self.y0), (self.x1, self.y1))
        )
        return replace(self, x0=x0, y0=y0, x1=x1, y1=y1)


@dataclass(frozen=True)
class Polyline:
    """A chain of points; ``closed`` joins the last point back to the first (a frame)."""

    points: tuple[tuple[float, float], ...]
    closed: bool = False
    minor: bool = False

    def transformed(self, flip_h: bool = False, flip_v: bool = False, transpose: bool = False) -> Polyline:
        return replace(self, points=tuple(_map_point(p, flip_h, flip_v, transpose) for p in self.points))


@dataclass(frozen=True)
class Arc:
    """An elliptical arc around ``(cx, cy)`` with radii ``rx``, ``ry`` from ``start_deg`` over ``span_deg``.

    Angles are parametric (the same as polar ones at the quarter points that guides use).
    """

    cx: float
    cy: float
    rx: float
    ry: float
    start_deg: float
    span_deg: float
    minor: bool = False

    def point_at(self, deg: float) -> tuple[float, float]:
        t = math.radians(deg)
        return (self.cx + self.rx * math.cos(t), self.cy + self.ry * math.sin(t))

    @property
    def start(self) -> tuple[float, float]:
        return self.point_at(self.start_deg)

    @property
    def end(self) -> tuple[float, float]:
        return self.point_at(self.start_deg + self.span_deg)

    def transformed(self, flip_h: bool = False, flip_v: bool = False, transpose: bool = False) -> Arc:
        cx, cy, rx, ry = self.cx, self.cy, self.rx, self.ry
        start, span = self.start_deg, self.span_deg
        # Each reflection mirrors the angle and reverses the direction of travel.
        if transpose:
            cx, cy, rx, ry = cy, cx, ry, rx
            start, span = 90.0 - start, -span
        if flip_h:
            cx, start, span = 1.0 - cx, 180.0 - start, -span
        if flip_v:
            cy, start, span = 1.0 - cy, -start, -span
        return replace(self, cx=cx, cy=cy, rx=rx, ry=ry, start_deg=start, span_deg=span)


Primitive = Line | Polyline | Arc


def _map_point(p: tuple[float, float], flip_h: bool, flip_v: bool, transpose: bool) -> tuple[float, float]:
    x, y = p
    if transpose:
        x, y = y, x
    if flip_h:
        x = 1.0 - x
    if flip_v:
        y = 1.0 - y
    return (x, y)


def transform_all(
    prims: list[Primitive], flip_h: bool = False, flip_v: bool = False, transpose: bool = False
) -> list[Primitive]:
    """Mirror (and optionally transpose, x <-> y) every primitive; a no-op when nothing is asked."""
    if not (flip_h or flip_v or transpose):
        return list(prims)
    return [p.transformed(flip_h, flip_v, transpose) for p in prims]


@dataclass(frozen=True)
class PixelPath:
    """A primitive flattened to pixel coordinates: an (N, 2) float array of x, y."""

    points: np.ndarray
    closed: bool
    minor: bool


def to_pixel_paths(
    prims: list[Primitive], width: float, height: float, origin: tuple[float, float] = (0.0, 0.0)
) -> list[PixelPath]:
    """Flatten primitives to point lists in a ``width`` x ``height`` rectangle at ``origin``.

    Arcs get a segment every ~2 pixels of arc length, so curves stay smooth at the size drawn.
    """
    ox, oy = origin
    out: list[PixelPath] = []
    for p in prims:
        if isinstance(p, Line):
            pts = np.array([[p.x0, p.y0], [p.x1, p.y1]], dtype=np.float64)
            closed = False
        elif isinstance(p, Polyline):
            pts = np.array(p.points, dtype=np.float64).reshape(-1, 2)
            closed = p.closed
        else:
            length = abs(math.radians(p.span_deg)) * max(p.rx * width, p.ry * height)
            n = int(min(2048, max(8, length / 2.0)))
            t = np.radians(np.linspace(p.start_deg, p.start_deg + p.span_deg, n + 1))
            pts = np.stack([p.cx + p.rx * np.cos(t), p.cy + p.ry * np.sin(t)], axis=1)
            closed = False
        pts = pts * np.array([width, height]) + np.array([ox, oy])
        out.append(PixelPath(points=pts, closed=closed, minor=p.minor))
    return out
