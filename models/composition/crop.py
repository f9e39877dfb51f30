"""Crop proposals: a frame of a given aspect that puts the subject on a power point and keeps the mass."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from models.composition.guides import power_points

#: How far (as a fraction of the crop's width and height) the subject may sit from its power point.
POWER_POINT_TOLERANCE = 0.03

Rect = tuple[float, float, float, float]


def largest_fit(size: tuple[float, float], aspect: float) -> tuple[float, float]:
    """Width and height of the largest frame of ``aspect`` (w / h) inside ``size`` (w, h)."""
    fw, fh = size
    return (fw, fw / aspect) if aspect >= fw / fh else (fh * aspect, fh)


def _mass_in(integral: np.ndarray, rect: Rect, scale: tuple[float, float]) -> float:
    x, y, w, h = rect
    sx, sy = scale
    c0, c1 = int(round(x / sx)), int(round((x + w) / sx))
    r0, r1 = int(round(y / sy)), int(round((y + h) / sy))
    return float(integral[r1, c1] - integral[r0, c1] - integral[r1, c0] + integral[r0, c0])


def _overlap(box: Rect, rect: Rect) -> float:
    bx, by, bw, bh = box
    x, y, w, h = rect
    iw = max(0.0, min(bx + bw, x + w) - max(bx, x))
    ih = max(0.0, min(by + bh, y + h) - max(by, y))
    return iw * ih / max(bw * bh, 1e-9)


def _fit_keep(keep: Rect | None, w: float, h: float, anchor: tuple[float, float]) -> Rect | None:
    """The part of ``keep`` a ``w``×``h`` frame can hold: all of it when it fits, else a frame-sized piece of
    it around ``anchor`` (a subject too big for the frame keeps its heart)."""
    if keep is None:
        return None
    kx, ky, kw, kh = keep
    if kw <= w and kh <= h:
        return keep
    nw, nh = min(kw, w), min(kh, h)
    nx = min(max(anchor[0] - nw / 2, kx), kx + kw - nw)
    ny = min(max(anchor[1] - nh / 2, ky), ky + kh - nh)
    return (nx, ny, nw, nh)


def _place(
    centre: float, point: float, length: float, limit: float, keep: tuple[float, float] | None
) -> float:
    """Frame start on one axis: the anchor on ``point`` of the frame, inside the image and around ``keep``."""
    start = centre - point * length
    if keep is not None:  # keep = (start, end) of what must stay inside; it fits by construction
        start = min(max(start, keep[1] - length), keep[0])
    return min(max(start, 0.0), limit - length)


def propose_crop(
    size: tuple[int, int],
    aspect: float,
    saliency: np.ndarray | None = None,
    center: tuple[float, float] | None = None,
    box: Rect | None = None,
    keep: Rect | None = None,
    points: Sequence[tuple[float, float]] | None = None,
) -> tuple[int, int, int, int]:
    """Propose a crop ``(x, y, w, h)`` in pixels of an image of ``size`` (w, h) with width / height ``aspect``.

    Without a subject ``center`` this is the largest centred frame. With one, it tries frames from the
    largest that fits down to 35 % of its side, with the subject on each of the eight power points
    (thirds and golden intersections), and keeps the one that holds the most salient mass and the most of
    the subject's ``box`` while landing the subject within :data:`POWER_POINT_TOLERANCE` of its point
    (larger frames win ties). ``keep`` (default: ``box``) is never cut: only frames that hold it whole are
    tried, and where none can, the frame holds as much of it as fits around the subject. ``saliency`` may
    be a downsample of the image. ``points`` narrows the power points tried (a face's eyes belong on the
    upper ones).
    """
    fw, fh = float(size[0]), float(size[1])
    w0, h0 = largest_fit((fw, fh), aspect)
    best_rect: Rect = ((fw - w0) / 2, (fh - h0) / 2, w0, h0)
    if center is None:
        return _to_pixels(best_rect, aspect, (fw, fh))
    cx, cy = center
    keep = keep if keep is not None else box
    if keep is not None:
        kx, ky, kw, kh = keep
        keep = (max(0.0, kx), max(0.0, ky), min(kw, fw - max(0.0, kx)), min(kh, fh - max(0.0, ky)))
    integral = None
    total = 1.0
    scale = (1.0, 1.0)
    if saliency is not None and saliency.size and float(saliency.sum()) > 0:
        integral = np.pad(saliency.astype(np.float64).cumsum(0).cumsum(1), ((1, 0), (1, 0)))
        total = float(integral[-1, -1])
        scale = (fw / saliency.shape[1], fh / saliency.shape[0])
    best_score = -np.inf
    for s in np.linspace(1.0, 0.35, 27):
        w, h = w0 * s, h0 * s
        held = _fit_keep(keep, w, h, (cx, cy))
        if held is not None and held is not keep and s < 1.0:
            break  # a frame too small for the subject: the larger ones were better
        kx_span = None if held is None else (held[0], held[0] + held[2])
        ky_span = None if held is None else (held[1], held[1] + held[3])
        for px, py in points or power_points():
            x = _place(cx, px, w, fw, kx_span)
            y = _place(cy, py, h, fh, ky_span)
            err = max(abs(cx - (x + px * w)) / w, abs(cy - (y + py * h)) / h)
            rect = (x, y, w, h)
            kept = _mass_in(integral, rect, scale) / total if integral is not None else s * s
            score = kept + (0.5 * _overlap(box, rect) if box else 0.0) + 0.3 * s * s
            if err > POWER_POINT_TOLERANCE:
                score -= 10.0 + err
            if score > best_score:
                best_score, best_rect = score, rect
    return _to_pixels(best_rect, aspect, (fw, fh), keep=_fit_keep(keep, best_rect[2], best_rect[3], (cx, cy)))


def _to_pixels(
    rect: Rect, aspect: float, size: tuple[float, float], keep: Rect | None = None
) -> tuple[int, int, int, int]:
    """Round a float frame to whole pixels inside the image, keeping its aspect as close as pixels allow
    (and ``keep`` inside it where the rounding would shave it)."""
    x, y, w, h = rect
    fw, fh = int(size[0]), int(size[1])
    if aspect >= 1.0:
        wi = max(1, min(fw, int(round(w))))
        hi = max(1, min(fh, int(round(wi / aspect))))
    else:
        hi = max(1, min(fh, int(round(h))))
        wi = max(1, min(fw, int(round(hi * aspect))))
    xi = int(round(x + (w - wi) / 2))
    yi = int(round(y + (h - hi) / 2))
    if keep is not None:
        xi = min(max(xi, int(np.ceil(keep[0] + keep[2])) - wi), int(np.floor(keep[0])))
        yi = min(max(yi, int(np.ceil(keep[1] + keep[3])) - hi), int(np.floor(keep[1])))
    xi = min(max(0, xi), fw - wi)
    yi = min(max(0, yi), fh - hi)
    return (xi, yi, wi, hi)
