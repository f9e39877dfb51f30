"""Pure view maths for the canvas (no Qt): the view is a scale and the widget position of image (0, 0)."""

from __future__ import annotations

import math
from dataclasses import dataclass

MIN_SCALE = 1 / 64
MAX_SCALE = 64.0
ZOOM_STEP = 2**0.25  # four wheel notches per doubling


@dataclass(frozen=True)
class ViewTransform:
    """widget = image * scale + offset."""

    scale: float = 1.0
    offset_x: float = 0.0
    offset_y: float = 0.0

    def to_widget(self, x: float, y: float) -> tuple[float, float]:
        return x * self.scale + self.offset_x, y * self.scale + self.offset_y

    def to_image(self, x: float, y: float) -> tuple[float, float]:
        return (x - self.offset_x) / self.scale, (y - self.offset_y) / self.scale


def clamp_scale(scale: float) -> float:
    if not math.isfinite(scale) or scale <= 0:
        return 1.0
    return min(MAX_SCALE, max(MIN_SCALE, scale))


def fit(image_w: int, image_h: int, view_w: int, view_h: int, margin: int = 8) -> ViewTransform:
    """Scale so the whole image fills the view, centred (enlarging a small image too)."""
    if image_w <= 0 or image_h <= 0 or view_w <= 0 or view_h <= 0:
        return ViewTransform()
    avail_w, avail_h = max(1, view_w - 2 * margin), max(1, view_h - 2 * margin)
    scale = min(avail_w / image_w, avail_h / image_h)
    if scale >= 2.0:
        # Tiny images show at a whole-number zoom so pixels stay square and crisp.
        scale = float(math.floor(scale))
    scale = clamp_scale(scale)
    return centred(image_w, image_h, view_w, view_h, scale)


def centred(image_w: int, image_h: int, view_w: int, view_h: int, scale: float) -> ViewTransform:
    return ViewTransform(scale, (view_w - image_w * scale) / 2, (view_h - image_h * scale) / 2)


def zoom_about(view: ViewTransform, factor: float, anchor_x: float, anchor_y: float) -> ViewTransform:
    """Zoom by ``factor`` keeping the image point under the widget point (anchor) fixed."""
    new_scale = clamp_scale(view.scale * factor)
    ix, iy = view.to_image(anchor_x, anchor_y)
    return ViewTransform(new_scale, anchor_x - ix * new_scale, anchor_y - iy * new_scale)


def zoom_to(view: ViewTransform, scale: float, anchor_x: float, anchor_y: float) -> ViewTransform:
    return zoom_about(view, clamp_scale(scale) / view.scale, anchor_x, anchor_y)


def pan(view: ViewTransform, dx: float, dy: float) -> ViewTransform:
    return ViewTransform(view.scale, view.offset_x + dx, view.offset_y + dy)


def wheel_factor(angle_delta_y: int) -> float:
    """One notch (120 units) is one zoom step; smooth-scrolling touchpads give fractions of it."""
    return ZOOM_STEP ** (angle_delta_y / 120.0)


def visible_image_rect(
    view: ViewTransform, image_w: int, image_h: int, view_w: int, view_h: int
) -> tuple[int, int, int, int]:
    """The part of the image (x0, y0, x1, y1) in whole pixels that the widget shows, clamped."""
    x0, y0 = view.to_image(0, 0)
    x1, y1 = view.to_image(view_w, view_h)
    left, top = max(0, int(math.floor(x0))), max(0, int(math.floor(y0)))
    left, top = min(left, image_w), min(top, image_h)
    return left, top, max(left, min(image_w, int(math.ceil(x1)))), max(top, min(image_h, int(math.ceil(y1))))
