"""Mood palettes, like Adobe Color's: representative image colours whose lightness and chroma fit a
mood (colorful, bright, muted, deep, dark)."""

from __future__ import annotations

import numpy as np

from models.palette.color import lab_to_lch, lab_to_rgb, rgb_to_lab, to_uint8
from models.palette.delta_e import ciede2000, nearest
from models.palette.sampling import PaletteError, PixelSample, pack_rgb, unpack_rgb

# (target L*, L* tolerance, target C*ab, C* tolerance) for a Gaussian fit score per mood.
MOOD_TARGETS: dict[str, tuple[float, float, float, float]] = {
    "colorful": (60.0, 25.0, 85.0, 40.0),
    "bright": (82.0, 14.0, 60.0, 35.0),
    "muted": (60.0, 20.0, 16.0, 12.0),
    "deep": (35.0, 14.0, 55.0, 30.0),
    "dark": (16.0, 12.0, 12.0, 25.0),
}


def mood_fit(lab: np.ndarray, mood: str) -> np.ndarray:
    """0..1 score of how well each CIELAB colour fits the mood."""
    if mood not in MOOD_TARGETS:
        raise PaletteError(f"unknown mood {mood!r}; choose one of {', '.join(MOOD_TARGETS)}")
    lt, ls, ct, cs = MOOD_TARGETS[mood]
    lch = lab_to_lch(lab)
    return np.exp(-(((lch[..., 0] - lt) / ls) ** 2) - ((lch[..., 1] - ct) / cs) ** 2)


def mood_palette(sample: PixelSample, k: int, mood: str, seed: int = 0) -> np.ndarray:
    """k distinct sRGB colours (k×3 uint8) taken from the image, chosen for the mood.

    The image is split into up to 3k colour regions (KMeans in CIELAB); each region offers its member
    colour that best fits the mood, scored by fit × share^0.3 so that prominent regions win over specks.
    Colours are then picked greedily, skipping any within ΔE00 12 of one already picked (relaxed when the
    image does not have enough different colours).
    """
    from models.palette.extract import kmeans_lab

    lab, w = sample.bin_lab, sample.bin_weight
    regions = min(len(lab), max(3 * k, 12))
    centers = kmeans_lab(lab, w, regions, seed)
    idx, _ = nearest(lab, centers)
    fit = mood_fit(lab, mood)
    total = w.sum()
    cand_lab, cand_score = [], []
    for r in range(regions):
        members = np.flatnonzero(idx == r)
        if len(members) == 0:
            continue
        best = members[np.argmax(fit[members] * np.sqrt(w[members]))]
        cand_lab.append(lab[best])
        cand_score.append(fit[best] * (w[members].sum() / total) ** 0.3)
    order = np.argsort(-np.array(cand_score), kind="stable")
    cand = np.array(cand_lab)[order]
    rgb_keys: list[int] = []
    for min_de in (12.0, 6.0, 0.0):
        for c in cand:
            key = int(pack_rgb(to_uint8(lab_to_rgb(c))[None])[0])
            if key in rgb_keys:
                continue
            if rgb_keys and min_de > 0:
                chosen = rgb_to_lab(unpack_rgb(np.array(rgb_keys, dtype=np.uint32)))
                if ciede2000(chosen, c[None]).min() < min_de:
                    continue
            rgb_keys.append(key)
            if len(rgb_keys) == k:
                return unpack_rgb(np.array(rgb_keys, dtype=np.uint32))
    # fewer regions than k: top up with the image's own distinct colours
    for key in pack_rgb(sample.rgb[np.argsort(-sample.weight, kind="stable")]):
        if int(key) not in rgb_keys:
            rgb_keys.append(int(key))
            if len(rgb_keys) == k:
                break
    return unpack_rgb(np.array(rgb_keys, dtype=np.uint32))
