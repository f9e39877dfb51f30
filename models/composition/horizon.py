"""Find a dominant near-horizontal line (a horizon, a table edge) and its tilt."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

#: Lines steeper than this are not horizons.
MAX_TILT_DEG = 12.0


@dataclass(frozen=True)
class Horizon:
    """A near-horizontal line: ``angle_deg`` is positive when it rises to the right; ``y_at_centre`` is its
    height at the picture's centre as a fraction of the height; ``coverage`` the share of columns it spans."""

    angle_deg: float
    y_at_centre: float
    coverage: float


def find_horizon(grey: np.ndarray, min_coverage: float = 0.6) -> Horizon | None:
    """The strongest straight near-horizontal edge spanning at least ``min_coverage`` of the width.

    A Hough vote over angles within ±``MAX_TILT_DEG``, weighted by gradient strength, on edges whose
    gradient points up or down. ``grey`` is a float HxW image (a downsample is plenty).
    """
    h, w = grey.shape
    if h < 8 or w < 16:
        return None
    smooth = ndimage.gaussian_filter(grey.astype(np.float64), 1.0)
    gy = ndimage.sobel(smooth, axis=0)
    gx = ndimage.sobel(smooth, axis=1)
    mag = np.hypot(gx, gy)
    if float(mag.max()) < 1e-6:
        return None
    # Near-horizontal edges have a gradient within MAX_TILT_DEG of vertical.
    horizontalish = np.abs(gx) <= np.abs(gy) * np.tan(np.radians(MAX_TILT_DEG + 3))
    strong = mag >= max(0.2 * float(mag.max()), float(np.percentile(mag, 90)))
    ys, xs = np.nonzero(horizontalish & strong)
    if len(xs) < w * min_coverage:
        return None
    weights = mag[ys, xs]
    angles = np.radians(np.arange(-MAX_TILT_DEG, MAX_TILT_DEG + 1e-9, 0.1))
    # Line through the centre column: y = y_c - tan(angle) * (x - w/2) (y grows downwards).
    xc = xs - w / 2.0
    best = (-1.0, 0.0, 0.0)
    for a in angles:
        yc = ys + np.tan(a) * xc
        bins = np.round(yc).astype(int)
        ok = (bins >= 0) & (bins < h)
        votes = np.bincount(bins[ok], weights=weights[ok], minlength=h)
        k = int(np.argmax(votes))
        if votes[k] > best[0]:
            best = (float(votes[k]), float(a), float(k))
    _, angle, yc = best
    # How many columns does the line really cross at an edge pixel (within a pixel)?
    near = np.abs(ys + np.tan(angle) * xc - yc) <= 1.0
    coverage = len(np.unique(xs[near])) / w
    if coverage < min_coverage:
        return None
    return Horizon(angle_deg=round(float(np.degrees(angle)), 2), y_at_centre=yc / h, coverage=coverage)
