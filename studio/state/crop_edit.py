"""Dragging and resizing a proposed crop frame (Qt-free geometry; the canvas side is
``studio/canvas/crop_editor.py``).

A frame is ``(x, y, w, h)`` in image pixels. Grabbing inside moves it; grabbing a corner resizes it about
the opposite corner, keeping its ratio; grabbing an edge resizes it about the opposite edge's middle,
keeping its ratio too. The frame always stays inside the image and at least :data:`MIN_SIDE` pixels.
"""

from __future__ import annotations

Rect = tuple[int, int, int, int]
HANDLES = ("move", "top_left", "top_right", "bottom_left", "bottom_right", "left", "right", "top", "bottom")
MIN_SIDE = 8


def hit_test(rect: Rect, x: float, y: float, tolerance: float) -> str | None:
    """Which handle of ``rect`` is at image point (x, y), ``tolerance`` image pixels from an edge."""
    rx, ry, rw, rh = rect
    near_l, near_r = abs(x - rx) <= tolerance, abs(x - (rx + rw)) <= tolerance
    near_t, near_b = abs(y - ry) <= tolerance, abs(y - (ry + rh)) <= tolerance
    inside_x = rx - tolerance <= x <= rx + rw + tolerance
    inside_y = ry - tolerance <= y <= ry + rh + tolerance
    if not (inside_x and inside_y):
        return None
    if near_t and near_l:
        return "top_left"
    if near_t and near_r:
        return "top_right"
    if near_b and near_l:
        return "bottom_left"
    if near_b and near_r:
        return "bottom_right"
    if near_l:
        return "left"
    if near_r:
        return "right"
    if near_t:
        return "top"
    if near_b:
        return "bottom"
    return "move"


def drag(rect: Rect, handle: str, dx: float, dy: float, size: tuple[int, int], aspect: float | None) -> Rect:
    """``rect`` after its ``handle`` moved by (dx, dy) image pixels, in an image of ``size`` (w, h).

    ``aspect`` (w / h) is kept on resize; ``None`` keeps the frame's own ratio."""
    if handle not in HANDLES:
        raise ValueError(f"unknown handle {handle!r}")
    x, y, w, h = (float(v) for v in rect)
    iw, ih = float(size[0]), float(size[1])
    if handle == "move":
        nx = min(max(x + dx, 0.0), iw - w)
        ny = min(max(y + dy, 0.0), ih - h)
        return _round((nx, ny, w, h), size)
    ratio = aspect if aspect and aspect > 0 else w / max(h, 1e-9)
    # The fixed point (opposite corner, or middle of the opposite edge) and how the size grows.
    if handle in ("top_left", "top_right", "bottom_left", "bottom_right"):
        fx = x + w if "left" in handle else x
        fy = y + h if handle.startswith("top") else y
        sx = -1.0 if "left" in handle else 1.0
        sy = -1.0 if handle.startswith("top") else 1.0
        # The larger of the two proposals, so a corner follows the pointer along either axis.
        want_w = max(w + sx * dx, (h + sy * dy) * ratio)
        max_w = min((fx if sx < 0 else iw - fx), (fy if sy < 0 else ih - fy) * ratio)
        nw = min(max(want_w, MIN_SIDE * max(1.0, ratio)), max_w)
        nh = nw / ratio
        nx = fx - nw if sx < 0 else fx
        ny = fy - nh if sy < 0 else fy
        return _round((nx, ny, nw, nh), size)
    if handle in ("left", "right"):
        fx = x + w if handle == "left" else x
        cy = y + h / 2
        room_x = fx if handle == "left" else iw - fx
        room_h = 2 * min(cy, ih - cy)
        nw = min(
            max(w + (-dx if handle == "left" else dx), MIN_SIDE * max(1.0, ratio)), room_x, room_h * ratio
        )
        nh = nw / ratio
        nx = fx - nw if handle == "left" else fx
        return _round((nx, cy - nh / 2, nw, nh), size)
    fy = y + h if handle == "top" else y
    cx = x + w / 2
    room_y = fy if handle == "top" else ih - fy
    room_w = 2 * min(cx, iw - cx)
    nh = min(
        max(h + (-dy if handle == "top" else dy), MIN_SIDE * max(1.0, 1 / ratio)), room_y, room_w / ratio
    )
    nw = nh * ratio
    ny = fy - nh if handle == "top" else fy
    return _round((cx - nw / 2, ny, nw, nh), size)


def _round(rect: tuple[float, float, float, float], size: tuple[int, int]) -> Rect:
    x, y, w, h = rect
    wi = max(1, min(int(size[0]), int(round(w))))
    hi = max(1, min(int(size[1]), int(round(h))))
    xi = min(max(0, int(round(x))), int(size[0]) - wi)
    yi = min(max(0, int(round(y))), int(size[1]) - hi)
    return (xi, yi, wi, hi)
