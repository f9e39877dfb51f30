"""Draw guides onto pixels with Pillow (the headless twin of ``studio/canvas/guide_painter.py``).

Same geometry, same look: a solid line in the contrasting tone under a dashed line in the chosen colour,
so that the guide reads on light and dark pictures alike.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw

from models.composition.primitives import Primitive, to_pixel_paths

DASH_ON, DASH_OFF = 5.0, 4.0


def hex_to_rgb(colour: str) -> tuple[int, int, int]:
    """``"#rrggbb"`` to a tuple; ValueError on anything else."""
    text = colour.strip().lstrip("#")
    if len(text) != 6:
        raise ValueError(f"colour {colour!r} is not #rrggbb")
    return (int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16))


def _contrast(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    lightness = (max(rgb) + min(rgb)) / 510.0
    return (0, 0, 0) if lightness >= 0.5 else (255, 255, 255)


def _dashes(points: np.ndarray, on: float, off: float) -> list[list[tuple[float, float]]]:
    """Split a polyline into dash polylines of ``on`` pixels separated by ``off`` pixels."""
    out: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    drawing, left = True, on
    for (x0, y0), (x1, y1) in zip(points[:-1], points[1:], strict=True):
        seg = math.hypot(x1 - x0, y1 - y0)
        pos = 0.0
        if drawing and not current:
            current.append((x0, y0))
        while seg - pos > left:
            pos += left
            t = pos / seg
            p = (x0 + t * (x1 - x0), y0 + t * (y1 - y0))
            if drawing:
                current.append(p)
                out.append(current)
                current = []
            else:
                current = [p]
            drawing = not drawing
            left = on if drawing else off
        left -= seg - pos
        if drawing:
            current.append((x1, y1))
    if drawing and len(current) > 1:
        out.append(current)
    return out


def _snap_axis_runs(points: np.ndarray) -> np.ndarray:
    # Pillow paints the pixel a coordinate falls in; flooring keeps axis-aligned guides on one column.
    pts = points.copy()
    for axis in (0, 1):
        same = np.isclose(pts[:-1, axis], pts[1:, axis])
        for i in np.nonzero(same)[0]:
            pts[i : i + 2, axis] = math.floor(pts[i, axis])
    return pts


def draw_guides(
    pixels: np.ndarray,
    prims: list[Primitive],
    colour: str = "#ffffff",
    opacity: float = 0.8,
    width: float = 1.0,
) -> np.ndarray:
    """A copy of ``pixels`` (HxWx3/4 uint8) with ``prims`` drawn on it; ``width`` in image pixels."""
    arr = np.asarray(pixels)
    if arr.ndim == 2:
        arr = np.repeat(arr[:, :, None], 3, axis=2)
    h, w = arr.shape[:2]
    rgb = hex_to_rgb(colour)
    under = _contrast(rgb)
    base = Image.fromarray(np.ascontiguousarray(arr)).convert("RGBA")
    layer = Image.new("RGBA", base.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    paths = to_pixel_paths(prims, w, h)
    width_px = max(1, round(width))
    dash_scale = max(1.0, width)
    for path in sorted(paths, key=lambda p: not p.minor):
        alpha = opacity * (0.55 if path.minor else 1.0)
        lw = max(1, round(width_px * (0.75 if path.minor else 1.0)))
        pts = path.points
        if path.closed:
            pts = np.vstack([pts, pts[:1]])
        pts = _snap_axis_runs(pts)
        flat = [tuple(p) for p in pts]
        draw.line(flat, fill=(*under, int(255 * alpha * 0.7)), width=lw + 2, joint="curve")
    top = Image.new("RGBA", base.size, (0, 0, 0, 0))
    draw_top = ImageDraw.Draw(top)
    for path in sorted(paths, key=lambda p: not p.minor):
        alpha = opacity * (0.55 if path.minor else 1.0)
        lw = max(1, round(width_px * (0.75 if path.minor else 1.0)))
        pts = path.points if not path.closed else np.vstack([path.points, path.points[:1]])
        pts = _snap_axis_runs(pts)
        for dash in _dashes(pts, DASH_ON * dash_scale, DASH_OFF * dash_scale):
            draw_top.line(dash, fill=(*rgb, int(255 * alpha)), width=lw)
    out = Image.alpha_composite(Image.alpha_composite(base, layer), top)
    channels = 4 if arr.shape[2] == 4 else 3
    return np.asarray(out)[:, :, :channels].copy()


def draw_box(
    pixels: np.ndarray, rect: tuple[float, float, float, float], colour: str = "#ffd400", width: int = 2
) -> np.ndarray:
    """A copy of ``pixels`` with a rectangle ``(x, y, w, h)`` outlined (the subject box, a crop)."""
    arr = np.asarray(pixels)
    image = Image.fromarray(np.ascontiguousarray(arr))
    x, y, w, h = rect
    ImageDraw.Draw(image).rectangle([x, y, x + w - 1, y + h - 1], outline=hex_to_rgb(colour), width=width)
    return np.asarray(image).copy()
