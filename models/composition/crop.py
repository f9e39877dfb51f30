"""Crop proposals: a frame of a given aspect that puts the subject on a power point and keeps the mass."""

from __future__ import annotations

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


def propose_crop(
    size: tuple[int, int],
    aspect: float,
    saliency: np.ndarray | None = None,
    center: tuple[float, float] | None = None,
    box: Rect | None = None,
) -> tuple[int, int, int, int]:
    """Propose a crop ``(x, y, w, h)`` in pixels of an image of ``size`` (w, h) with width / height ``aspect``.

    Without a subject ``center`` this is the largest centred frame. With one, it tries frames from the
    largest that fits down to 40 % of its side, with the subject on each of the eight power points
    (thirds and golden intersections), and keeps the one that holds the most salient mass and the most of
    the subject's ``box`` while landing the subject within :data:`POWER_POINT_TOLERANCE` of its point
    (larger frames win ties). ``saliency`` may be a downsample of the image.
    """
    fw, fh = float(size[0]), float(size[1])
    w0, h0 = largest_fit((fw, fh), aspect)
    best_rect: Rect = ((fw - w0) / 2, (fh - h0) / 2, w0, h0)
    if center is not None:
        cx, cy = center
        integral = None
        total = 1.0
        scale = (1.0, 1.0)
        if saliency is not None and saliency.size and float(saliency.sum()) > 0:
            integral = np.pad(saliency.astype(np.float64).cumsum(0).cumsum(1), ((1, 0), (1, 0)))
            total = float(integral[-1, -1])
            scale = (fw / saliency.shape[1], fh / saliency.shape[0])
        best_score = -np.inf
        for s in np.linspace(1.0, 0.4, 25):
            w, h = w0 * s, h0 * s
            for px, py in power_points():
                x = min(max(cx - px * w, 0.0), fw - w)
                y = min(max(cy - py * h, 0.0), fh - h)
                err = max(abs(cx - (x + px * w)) / w, abs(cy - (y + py * h)) / h)
                rect = (x, y, w, h)
                kept = _mass_in(integral, rect, scale) / total if integral is not None else s * s
                score = kept + (0.5 * _overlap(box, rect) if box else 0.0) + 0.3 * s * s
                if err > POWER_POINT_TOLERANCE:
                    score -= 10.0 + err
                if score > best_score:
                    best_score, best_rect = score, rect
    return _to_pixels(best_rect, aspect, (fw, fh))


def _to_pixels(rect: Rect, aspect: float, size: tuple[float, float]) -> tuple[int, int, int, int]:
    """Round a float frame to whole pixels inside the image, keeping its aspect as close as pixels allow."""
    x, y, w, h = rect
    fw, fh = int(size[0]), int(size[1])
    if aspect >= 1.0:
        wi = max(1, min(fw, int(round(w))))
        hi = max(1, min(fh, int(round(wi / aspect))))
    else:
        hi = max(1, min(fh, int(round(h))))
        wi = max(1, min(fw, int(round(hi * aspect))))
    xi = min(max(0, int(round(x + (w - wi) / 2))), fw - wi)
    yi = min(max(0, int(round(y + (h - hi) / 2))), fh - hi)
    return (xi, yi, wi, hi)
