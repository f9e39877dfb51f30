"""Saliency without downloaded weights: spectral residual plus colour contrast, and the subject it marks.

The map is computed on a small downsample (``ANALYSIS_SIDE`` pixels on the long side) because both cues
are about layout, not detail; callers map results back to full-size coordinates.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from models.progress import Progress

#: Long side of the image the analysis works on.
ANALYSIS_SIDE = 256


def downsample(pixels: np.ndarray, max_side: int = ANALYSIS_SIDE) -> np.ndarray:
    """Area-average ``pixels`` (HxWxC, any dtype) to at most ``max_side`` on the long side, as float32."""
    arr = np.asarray(pixels, dtype=np.float32)
    if arr.ndim == 2:
        arr = arr[:, :, None]
    h, w = arr.shape[:2]
    factor = int(np.ceil(max(h, w) / max_side))
    if factor <= 1:
        return arr
    # Pad to a multiple of the factor by edge replication, then average blocks: an exact box filter.
    ph, pw = (-h) % factor, (-w) % factor
    arr = np.pad(arr, ((0, ph), (0, pw), (0, 0)), mode="edge")
    hh, ww = arr.shape[0] // factor, arr.shape[1] // factor
    return arr.reshape(hh, factor, ww, factor, -1).mean(axis=(1, 3))


#: Pixels of the input read per band by :func:`downsample_steps` (a yield between bands; about 20 ms each).
BAND_PIXELS = 1 << 21


def downsample_steps(
    pixels: np.ndarray, max_side: int = ANALYSIS_SIDE, report: Callable[[], Progress] | None = None
) -> Generator[Progress, None, np.ndarray]:
    """:func:`downsample`, band by band: it yields ``report()`` between bands of rows, so that a 100 MP
    image can be stopped at once, and converts one band at a time to float (no full-size float copy)."""
    arr = np.asarray(pixels)
    if arr.ndim == 2:
        arr = arr[:, :, None]
    h, w = arr.shape[:2]
    factor = int(np.ceil(max(h, w) / max_side))
    if factor <= 1:
        return arr.astype(np.float32)
    rows_per_band = factor * max(1, BAND_PIXELS // max(1, w * factor))
    pw = (-w) % factor
    out = []
    for top in range(0, h, rows_per_band):
        band = arr[top : top + rows_per_band].astype(np.float32)
        ph = (-band.shape[0]) % factor  # only the last band is short: repeat its last row, as np.pad does
        band = np.pad(band, ((0, ph), (0, pw), (0, 0)), mode="edge")
        out.append(
            band.reshape(band.shape[0] // factor, factor, band.shape[1] // factor, factor, -1).mean(
                axis=(1, 3)
            )
        )
        if report is not None:
            yield report()
    return np.concatenate(out, axis=0)


def to_lab(rgb: np.ndarray) -> np.ndarray:
    """sRGB (0..255 floats, HxWx3) to CIE L*a*b* (D65)."""
    c = rgb / 255.0
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    m = np.array(
        [
            [0.4124564, 0.3575761, 0.1804375],
            [0.2126729, 0.7151522, 0.0721750],
            [0.0193339, 0.1191920, 0.9503041],
        ]
    )
    xyz = lin @ m.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    lab = np.empty_like(f)
    lab[..., 0] = 116 * f[..., 1] - 16
    lab[..., 1] = 500 * (f[..., 0] - f[..., 1])
    lab[..., 2] = 200 * (f[..., 1] - f[..., 2])
    return lab


def flatten_alpha(small: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split a float HxWxC image into RGB over mid-grey and an alpha weight in 0..1 (ones when opaque)."""
    if small.shape[2] == 1:
        return np.repeat(small, 3, axis=2), np.ones(small.shape[:2], np.float32)
    if small.shape[2] == 2:
        small = np.concatenate([np.repeat(small[..., :1], 3, axis=2), small[..., 1:]], axis=2)
    rgb = small[..., :3]
    if small.shape[2] < 4:
        return rgb, np.ones(small.shape[:2], np.float32)
    alpha = small[..., 3] / 255.0
    return rgb * alpha[..., None] + 128.0 * (1.0 - alpha[..., None]), alpha.astype(np.float32)


def _spectral_residual(channel: np.ndarray) -> np.ndarray:
    """Hou & Zhang (2007): what is left of the log spectrum after removing its smooth trend is 'novel'."""
    spectrum = np.fft.fft2(channel - channel.mean())
    log_amp = np.log(np.abs(spectrum) + 1e-8)
    # The mean was removed, so the DC term is ~0; left in, its log would pull its neighbours' local
    # average down and boost the lowest frequencies into stripes across the map.
    log_amp[0, 0] = 0.5 * (log_amp[0, 1 % log_amp.shape[1]] + log_amp[1 % log_amp.shape[0], 0])
    residual = log_amp - ndimage.uniform_filter(log_amp, size=3, mode="nearest")
    return np.abs(np.fft.ifft2(np.exp(residual + 1j * np.angle(spectrum)))) ** 2


def _resize(arr: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Bilinear resize of a 2-D array to exactly ``shape`` (pixel centres aligned)."""
    ys = (np.arange(shape[0]) + 0.5) * arr.shape[0] / shape[0] - 0.5
    xs = (np.arange(shape[1]) + 0.5) * arr.shape[1] / shape[1] - 0.5
    coords = np.meshgrid(ys, xs, indexing="ij")
    return ndimage.map_coordinates(arr, coords, order=1, mode="nearest")


def _normalise(m: np.ndarray) -> np.ndarray:
    lo, hi = float(m.min()), float(m.max())
    return np.zeros_like(m) if hi - lo < 1e-12 else (m - lo) / (hi - lo)


def saliency_map(small: np.ndarray) -> np.ndarray:
    """A saliency map in 0..1, the same height and width as ``small`` (a float HxWxC downsample).

    Averages two weight-free cues: the spectral residual of L*, a*, b* at a 64-pixel scale (what breaks
    the picture's statistics) and frequency-tuned colour contrast (how far each blurred pixel's colour is
    from the picture's mean colour, Achanta et al. 2009). Transparent pixels weigh nothing. A uniform
    picture gives all zeros.
    """
    rgb, alpha = flatten_alpha(small)
    h, w = rgb.shape[:2]
    lab = to_lab(rgb)
    if float(lab.std(axis=(0, 1)).max()) < 0.5 or min(h, w) < 4:
        return np.zeros((h, w), np.float32)
    scale = 64.0 / max(h, w)
    sh, sw = max(4, round(h * scale)), max(4, round(w * scale))
    lab_small = np.stack([_resize(lab[..., c], (sh, sw)) for c in range(3)], axis=2)
    sr = sum(_spectral_residual(lab_small[..., c]) for c in range(3))
    sr = ndimage.gaussian_filter(sr, sigma=max(sh, sw) / 24.0)
    sr = _normalise(_resize(sr, (h, w)))
    blurred = ndimage.gaussian_filter(lab, sigma=(max(h, w) / 100.0, max(h, w) / 100.0, 0))
    contrast = np.linalg.norm(
        blurred - (lab * alpha[..., None]).sum(axis=(0, 1)) / max(alpha.sum(), 1e-6), axis=2
    )
    contrast = _normalise(contrast)
    combined = ndimage.gaussian_filter(0.5 * sr + 0.5 * contrast, sigma=max(h, w) / 64.0) * alpha
    return _normalise(combined).astype(np.float32)


@dataclass(frozen=True)
class Subject:
    """A salient region in analysis-image pixels: weighted centre, bounding box and share of the mass."""

    center: tuple[float, float]
    box: tuple[float, float, float, float]
    mass: float


def find_subjects(sal: np.ndarray, max_subjects: int = 3) -> list[Subject]:
    """The salient regions of a map, strongest first; empty when nothing stands out.

    A region is a connected blob above a threshold 40 % of the way from the map's mean to its peak (near
    blobs joined); blobs holding under 10 % of the thresholded mass are dropped as noise.
    """
    if sal.size == 0 or float(sal.max()) <= 0.0:
        return []
    # A picture with no focus has a flat map: its mean is close to its peak.
    if float(sal.mean()) > 0.6 * float(sal.max()):
        return []
    threshold = float(sal.mean()) + 0.4 * (float(sal.max()) - float(sal.mean()))
    mask = sal >= threshold
    # Parts of one subject (a cat's eyes and nose) form separate peaks; a closing joins near neighbours.
    radius = max(1, round(0.06 * max(sal.shape)))
    structure = np.ones((2 * radius + 1, 2 * radius + 1), bool)
    mask = ndimage.binary_closing(np.pad(mask, radius), structure)[radius:-radius, radius:-radius]
    labels, count = ndimage.label(mask)
    if count == 0:
        return []
    idx = np.arange(1, count + 1)
    masses = ndimage.sum_labels(sal, labels, idx)
    total = float(masses.sum())
    subjects = []
    ys, xs = np.indices(sal.shape, dtype=np.float64)
    for label in idx[np.argsort(masses)[::-1]][:max_subjects]:
        m = float(masses[label - 1])
        if m < 0.1 * total:
            break
        region = labels == label
        weights = sal * region
        cx = float((weights * (xs + 0.5)).sum() / m)
        cy = float((weights * (ys + 0.5)).sum() / m)
        rows, cols = np.nonzero(region)
        box = (
            float(cols.min()),
            float(rows.min()),
            float(cols.max() - cols.min() + 1),
            float(rows.max() - rows.min() + 1),
        )
        subjects.append(Subject(center=(cx, cy), box=box, mass=m / total))
    return subjects
