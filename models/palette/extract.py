"""Palette extraction: the colours of an image, each with its share.

Clustering runs on a bounded sample (see ``sampling``). Centroids start from weighted KMeans in a
chroma-compressed CIELAB (:func:`warp`, where Euclidean distance tracks ΔE00) and are then refined for the
measure painters see, CIEDE2000: a few Lloyd-like rounds that assign by ΔE00 and move each centroid by a
Weiszfeld (geometric-median) step, because the quality we report is the *mean* ΔE00 from each pixel to
its palette colour, which medians minimise and means do not; then a few swap moves.
"""

from __future__ import annotations

import warnings
from collections.abc import Generator
from dataclasses import dataclass, field

import numpy as np

from models.palette.color import lab_to_lch, lab_to_rgb, lch_to_lab, rgb_to_hex, rgb_to_lab, to_uint8
from models.palette.delta_e import nearest
from models.palette.sampling import (
    PaletteError,
    PixelSample,
    check_image,
    crop_region,
    extra_distinct_colors,
    pack_rgb,
    take_sample,
    unpack_rgb,
)
from models.progress import Progress

MIN_COLORS, MAX_COLORS = 1, 16
SORTS = ("share", "hue", "lightness")
MOODS = ("colorful", "bright", "muted", "deep", "dark")


@dataclass(frozen=True)
class PaletteConfig:
    """How to extract. ``colors`` is 2..16, or ``None`` for "auto" (add colours while they help)."""

    colors: int | None = 8
    mood: str | None = None
    region: tuple[int, int, int, int] | None = None
    sort: str = "share"
    max_samples: int = 40_000
    refine_iterations: int = 6
    seed: int = 0

    def __post_init__(self) -> None:
        if self.colors is not None and not MIN_COLORS <= self.colors <= MAX_COLORS:
            raise PaletteError(f"colour count must be {MIN_COLORS}..{MAX_COLORS} or auto, got {self.colors}")
        if self.sort not in SORTS:
            raise PaletteError(f"unknown sort {self.sort!r}; choose one of {', '.join(SORTS)}")
        if self.mood is not None and self.mood not in MOODS:
            raise PaletteError(f"unknown mood {self.mood!r}; choose one of {', '.join(MOODS)}")


@dataclass(frozen=True)
class PaletteColor:
    """One palette colour: sRGB, its share of the (sampled) image and its CIELAB coordinates."""

    rgb: tuple[int, int, int]
    share: float = 0.0
    lab: tuple[float, float, float] = field(default=(0.0, 0.0, 0.0))

    @property
    def hex(self) -> str:
        return rgb_to_hex(self.rgb)

    @classmethod
    def from_rgb(cls, rgb: tuple[int, int, int] | np.ndarray, share: float = 0.0) -> PaletteColor:
        r, g, b = (int(v) for v in rgb)
        lab = rgb_to_lab(np.array([r, g, b], dtype=np.uint8))
        return cls((r, g, b), float(share), (float(lab[0]), float(lab[1]), float(lab[2])))


@dataclass(frozen=True)
class PaletteResult:
    """Extracted palette (sorted as asked), the harmony it is closest to, and the fit to the sample."""

    colors: tuple[PaletteColor, ...]
    closest_harmony: str
    mean_delta_e: float
    sample_size: int


def sort_colors(colors: list[PaletteColor] | tuple[PaletteColor, ...], key: str) -> list[PaletteColor]:
    """Sort by share (largest first), hue (greys last, dark to light) or lightness (dark to light)."""
    if key == "share":
        return sorted(colors, key=lambda c: (-c.share, c.lab[0]))
    if key == "lightness":
        return sorted(colors, key=lambda c: (c.lab[0], c.hex))
    if key == "hue":

        def hue_key(c: PaletteColor) -> tuple[int, float, float]:
            lch = lab_to_lch(np.array(c.lab))
            grey = lch[1] < 8.0  # hue of a near-grey is noise; keep greys together at the end
            return (int(grey), 0.0 if grey else float(lch[2]), float(lch[0]))

        return sorted(colors, key=hue_key)
    raise PaletteError(f"unknown sort {key!r}")


# --- clustering -------------------------------------------------------------------------------------


def kmeans_lab(lab: np.ndarray, weight: np.ndarray, k: int, seed: int = 0) -> np.ndarray:
    """Weighted KMeans (scikit-learn) on 3-D colour points, deterministic for a given seed; k ≤ len(lab)."""
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    # a few thousand points: one thread is fast, and OpenMP threads spin badly on a busy machine
    with warnings.catch_warnings(), threadpool_limits(limits=1):
        # duplicate points make sklearn warn about fewer distinct clusters; we fix duplicates ourselves
        warnings.simplefilter("ignore")
        km = KMeans(n_clusters=k, n_init=2, random_state=seed, max_iter=60, tol=1e-3)
        km.fit(lab, sample_weight=weight)
    return np.asarray(km.cluster_centers_, dtype=np.float64)


def warp(lab: np.ndarray) -> np.ndarray:
    """CIELAB with chroma compressed as ΔE00's S_C = 1 + 0.045·C compresses it (C' = ln(1+0.045C)/0.045),
    so Euclidean distances here track ΔE00 far better than in plain CIELAB. Clustering and centroid
    updates happen in this space; distances are always true ΔE00."""
    lch = lab_to_lch(lab)
    lch[..., 1] = np.log1p(0.045 * lch[..., 1]) / 0.045
    return lch_to_lab(lch)


def unwarp(w: np.ndarray) -> np.ndarray:
    """Inverse of :func:`warp`."""
    lch = lab_to_lch(w)
    lch[..., 1] = np.expm1(0.045 * lch[..., 1]) / 0.045
    return lch_to_lab(lch)


def refine_step(
    lab: np.ndarray, warped: np.ndarray, weight: np.ndarray, centers: np.ndarray
) -> tuple[np.ndarray, float]:
    """One ΔE00 assignment + Weiszfeld update (in the warped space). Returns new centres (CIELAB) and the
    weighted mean ΔE00 *before* the move (the objective of ``centers``)."""
    idx, dist = nearest(lab, centers, shortlist=4)
    objective = float(np.sum(dist * weight) / np.sum(weight))
    # Weiszfeld: weights w/d pull each centre towards the geometric median of its members
    w = weight / np.maximum(dist, 0.3)
    k = len(centers)
    num = np.stack([np.bincount(idx, weights=w * warped[:, c], minlength=k) for c in range(3)], -1)
    den = np.bincount(idx, weights=w, minlength=k)
    new = warp(centers)
    has = den > 0
    new[has] = num[has] / den[has, None]
    return unwarp(new), objective


def objective(lab: np.ndarray, weight: np.ndarray, centers: np.ndarray) -> float:
    _, dist = nearest(lab, centers, shortlist=4)
    return float(np.sum(dist * weight) / np.sum(weight))


def distinct_palette(centers_lab: np.ndarray, sample: PixelSample, k: int, pixels: np.ndarray) -> np.ndarray:
    """Round centres to sRGB and make them k *distinct* colours when the image has k distinct colours.

    Rounding can merge centres; each duplicate is replaced by the image colour farthest (ΔE00) from the
    palette so far, which is also the colour the palette represents worst.
    """
    rgb = to_uint8(lab_to_rgb(centers_lab))
    keys = list(dict.fromkeys(int(v) for v in pack_rgb(rgb)))  # order-preserving de-duplication
    if len(keys) >= k:
        return unpack_rgb(np.array(keys[:k], dtype=np.uint32))
    candidates = pack_rgb(sample.rgb)
    if len(candidates) < k and sample.subsampled:
        extra = extra_distinct_colors(pixels, candidates, k - len(candidates))
        candidates = np.concatenate([candidates, extra])
    cand_lab = rgb_to_lab(unpack_rgb(candidates))
    while len(keys) < k:
        pal_lab = rgb_to_lab(unpack_rgb(np.array(keys, dtype=np.uint32)))
        _, dist = nearest(cand_lab, pal_lab)
        dist[np.isin(candidates, np.array(keys, dtype=np.uint32))] = -1.0
        best = int(np.argmax(dist))
        if dist[best] < 0:
            break  # the image has no further distinct colour
        keys.append(int(candidates[best]))
    return unpack_rgb(np.array(keys, dtype=np.uint32))


def shares_of(sample: PixelSample, palette_rgb: np.ndarray) -> tuple[np.ndarray, float]:
    """Share of the sample nearest (ΔE00) to each palette colour, and the weighted mean ΔE00."""
    pal_lab = rgb_to_lab(palette_rgb)
    # exact colours when there are few (tiny or flat images), the 6-bit bins otherwise (fast, ~same)
    if len(sample.rgb) <= 4096:
        lab, weight = rgb_to_lab(sample.rgb), sample.weight
    else:
        lab, weight = sample.bin_lab, sample.bin_weight
    idx, dist = nearest(lab, pal_lab)
    share = np.bincount(idx, weights=weight, minlength=len(palette_rgb)) / weight.sum()
    return share, float(np.sum(dist * weight) / weight.sum())


def _polish(
    lab: np.ndarray,
    weight: np.ndarray,
    centers: np.ndarray,
    iterations: int,
    warped: np.ndarray | None = None,
) -> tuple[np.ndarray, float]:
    """Weiszfeld rounds from ``centers``; returns the best centres seen and their objective."""
    warped = warp(lab) if warped is None else warped
    best, best_obj = centers, float("inf")
    for _ in range(iterations):
        new, obj = refine_step(lab, warped, weight, centers)
        if obj < best_obj - 1e-9:
            best, best_obj = centers, obj
        elif obj > best_obj * 1.001:
            break
        centers = new
    final = objective(lab, weight, centers)
    if final < best_obj:
        best, best_obj = centers, final
    return best, best_obj


def fit_centers(
    sample: PixelSample, k: int, iterations: int, seed: int, swaps: int = 2
) -> Generator[Progress, None, tuple[np.ndarray, float]]:
    """KMeans-in-Lab start, ΔE00 refinement, then a few swap moves: the centre serving the least weight
    jumps to the worst-served colour and the palette is refined again, kept only if the mean ΔE00 drops
    (k-medians gets stuck with two centres in one dense region; swaps free one). Yields per stage."""
    lab, w = sample.bin_lab, sample.bin_weight
    warped = warp(lab)
    k_eff = min(k, len(lab))
    total = swaps + 2
    centers = unwarp(kmeans_lab(warped, w, k_eff, seed))
    yield Progress(1, total, f"clustering {k} colours")
    best, best_obj = _polish(lab, w, centers, iterations, warped)
    yield Progress(2, total, f"refining {k} colours")
    for s in range(swaps):
        if k_eff < 2:
            break
        idx, dist = nearest(lab, best, shortlist=4)
        served = np.bincount(idx, weights=w, minlength=k_eff)
        trial = best.copy()
        trial[int(np.argmin(served))] = lab[int(np.argmax(dist * w))]
        trial, obj = _polish(lab, w, trial, iterations, warped)
        yield Progress(3 + s, total, f"refining {k} colours")
        if obj >= best_obj:
            break
        best, best_obj = trial, obj
    return best, best_obj


def auto_count(sample: PixelSample, seed: int) -> Generator[Progress, None, int]:
    """Smallest k after which neither of the next two colours lowers the mean ΔE00 by 8 % (or the fit
    is already under 3 ΔE00, below what most people see at a glance in a swatch). Looking two ahead
    skips over KMeans' occasional poor local optimum at one k."""
    lab, w = sample.bin_lab, sample.bin_weight
    n = len(lab)
    fits = {1: objective(lab, w, np.average(lab, axis=0, weights=w)[None])}
    k = 1
    top = min(MAX_COLORS, n)
    for cand in range(2, top + 1):
        _, fits[cand] = _polish(lab, w, kmeans_lab(lab, w, cand, seed), 3)
        yield Progress(cand, MAX_COLORS, f"trying {cand} colours")
        if fits[k] < 3.0:
            break
        if fits[cand] <= fits[k] * 0.92:
            k = cand
        elif cand - k >= 2:
            break
    return max(k, min(2, n))


def extract_palette_steps(
    pixels: np.ndarray, config: PaletteConfig | None = None
) -> Generator[Progress, None, PaletteResult]:
    """Extract a palette from an HxWx3/HxWx4 uint8 sRGB image (engine generator; see models.progress).

    Transparent pixels are ignored (partly transparent ones weigh by alpha). Returns exactly ``colors``
    distinct colours when the image has that many, fewer (never duplicates) otherwise. Deterministic.
    """
    from models.palette.harmony import closest_harmony
    from models.palette.moods import mood_palette

    config = config or PaletteConfig()
    pixels = crop_region(check_image(pixels), config.region)
    sample = take_sample(pixels, config.max_samples)
    yield Progress(0, 4, "sampled")
    if config.colors is None:
        k = yield from auto_count(sample, config.seed)
    else:
        k = config.colors
    if config.mood is not None:
        rgb = mood_palette(sample, k, config.mood, config.seed)
    else:
        centers, _ = yield from fit_centers(sample, k, config.refine_iterations, config.seed)
        rgb = distinct_palette(centers, sample, k, pixels)
    share, mean_de = shares_of(sample, rgb)
    colors = [PaletteColor.from_rgb(c, s) for c, s in zip(rgb, share, strict=True)]
    colors = sort_colors(colors, config.sort)
    yield Progress(4, 4, "done")
    return PaletteResult(
        colors=tuple(colors),
        closest_harmony=closest_harmony(colors),
        mean_delta_e=mean_de,
        sample_size=int(round(sample.weight.sum())),
    )


def extract_palette(pixels: np.ndarray, config: PaletteConfig | None = None) -> PaletteResult:
    """Run :func:`extract_palette_steps` to completion (CLI, tests, benchmarks)."""
    from models.progress import drive

    return drive(extract_palette_steps(pixels, config))
