"""Colour harmonies on the painter's RYB wheel (default) or in OKLCh, and which harmony a palette is
closest to.

The RYB wheel is the artists' wheel (red–yellow–blue primaries): its complement of red is green and of
blue is orange, unlike the RGB/HSV wheel. We map HSV hue to RYB hue with a piecewise-linear table through
the primaries and secondaries, as painting tools (Adobe Color's "artist wheel", Paletton) do.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from models.palette.color import (
    hsv_to_rgb,
    lab_to_lch,
    oklch_to_rgb_clipped,
    rgb_to_hsv,
    rgb_to_oklch,
    to_uint8,
)

# (HSV hue, RYB hue): red 0/0, orange 30/60, yellow 60/120, green 120/180, blue 240/240,
# violet 280/300 — so complements on the RYB wheel are red↔green, yellow↔violet, blue↔orange.
_HSV_ANCHORS = np.array([0.0, 30.0, 60.0, 120.0, 240.0, 280.0, 360.0])
_RYB_ANCHORS = np.array([0.0, 60.0, 120.0, 180.0, 240.0, 300.0, 360.0])

# Hue offsets (degrees on the wheel) of each harmony's colours from the base colour.
HARMONY_OFFSETS: dict[str, tuple[float, ...]] = {
    "monochromatic": (0.0,),
    "complementary": (0.0, 180.0),
    "analogous": (0.0, -30.0, 30.0),
    "split-complementary": (0.0, 150.0, 210.0),
    "triadic": (0.0, 120.0, 240.0),
    "square": (0.0, 90.0, 180.0, 270.0),
    "rectangle": (0.0, 60.0, 180.0, 240.0),
}
HARMONIES = tuple(HARMONY_OFFSETS)
ALIASES = {"split_complementary": "split-complementary", "tetradic": "rectangle", "tetradic-square": "square"}
WHEELS = ("ryb", "oklch")


def normalize_harmony(kind: str) -> str:
    """Canonical harmony name (accepts a few aliases); raises ValueError for unknown kinds."""
    k = ALIASES.get(kind.strip().lower(), kind.strip().lower())
    if k not in HARMONY_OFFSETS:
        raise ValueError(f"unknown harmony {kind!r}; choose one of {', '.join(HARMONIES)}")
    return k


def hsv_hue_to_ryb(h: np.ndarray | float) -> np.ndarray:
    """HSV/RGB hue in degrees → RYB wheel hue in degrees."""
    return np.interp(np.asarray(h, dtype=np.float64) % 360.0, _HSV_ANCHORS, _RYB_ANCHORS)


def ryb_hue_to_hsv(h: np.ndarray | float) -> np.ndarray:
    """RYB wheel hue in degrees → HSV/RGB hue in degrees."""
    return np.interp(np.asarray(h, dtype=np.float64) % 360.0, _RYB_ANCHORS, _HSV_ANCHORS)


def wheel_hue(rgb: Sequence[int] | np.ndarray, wheel: str = "ryb") -> np.ndarray:
    """Hue of sRGB colours on the chosen wheel (degrees)."""
    rgb = np.asarray(rgb, dtype=np.float64)
    if wheel == "ryb":
        return hsv_hue_to_ryb(rgb_to_hsv(rgb)[..., 0])
    if wheel == "oklch":
        return rgb_to_oklch(rgb)[..., 2]
    raise ValueError(f"unknown wheel {wheel!r}; choose ryb or oklch")


def harmony(base: Sequence[int], kind: str, wheel: str = "ryb") -> list[tuple[int, int, int]]:
    """Colours of the harmony ``kind`` built from ``base`` (sRGB), base first.

    On the RYB wheel the hue turns while HSV saturation and value stay; in OKLCh the hue turns at
    constant lightness and chroma (chroma reduced where needed to stay in sRGB). Monochromatic gives five
    lightness steps of the base hue.
    """
    kind = normalize_harmony(kind)
    base_arr = np.asarray(base, dtype=np.float64)
    if kind == "monochromatic":
        lch = rgb_to_oklch(base_arr)
        steps = np.clip(lch[0] + np.array([0.0, -0.24, -0.12, 0.12, 0.24]), 0.12, 0.97)
        # steps on the far side of a clip would repeat; reflect them instead
        steps = np.where(np.abs(steps - lch[0]) < 0.05, lch[0] - np.sign(steps - lch[0] + 1e-9) * 0.18, steps)
        steps[0] = lch[0]
        out = oklch_to_rgb_clipped(np.stack([steps, np.full(5, lch[1]), np.full(5, lch[2])], -1))
        return _unique_rgb([tuple(int(v) for v in c) for c in out])
    offsets = np.array(HARMONY_OFFSETS[kind])
    if wheel == "ryb":
        hsv = rgb_to_hsv(base_arr)
        hues = ryb_hue_to_hsv(hsv_hue_to_ryb(hsv[0]) + offsets)
        rgb = to_uint8(
            hsv_to_rgb(np.stack([hues, np.full_like(hues, hsv[1]), np.full_like(hues, hsv[2])], -1))
        )
    elif wheel == "oklch":
        lch = rgb_to_oklch(base_arr)
        hues = lch[2] + offsets
        rgb = oklch_to_rgb_clipped(
            np.stack([np.full_like(hues, lch[0]), np.full_like(hues, lch[1]), hues], -1)
        )
    else:
        raise ValueError(f"unknown wheel {wheel!r}; choose ryb or oklch")
    result = [tuple(int(v) for v in c) for c in rgb]
    result[0] = tuple(int(v) for v in base)  # the base itself, exactly
    return result  # type: ignore[return-value]


def _unique_rgb(colors: list[tuple[int, ...]]) -> list[tuple[int, int, int]]:
    return [c for c in dict.fromkeys(colors)]  # type: ignore[misc]


def _angular(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    d = np.abs(a - b) % 360.0
    return np.minimum(d, 360.0 - d)


def harmony_costs(colors: Sequence[object], wheel: str = "ryb") -> dict[str, float]:
    """Cost of fitting each harmony template to a palette: the share-weighted mean angle (degrees) from
    each chromatic colour's hue to the nearest template hue at the best rotation, plus 4° per extra hue
    of the template so that simpler harmonies win ties. Near-greys (CIELAB chroma < 10) are ignored.

    ``colors`` are objects with ``rgb``, ``lab`` and ``share`` attributes (PaletteColor).
    """
    rgb = np.array([c.rgb for c in colors], dtype=np.float64)  # type: ignore[attr-defined]
    lab = np.array([c.lab for c in colors], dtype=np.float64)  # type: ignore[attr-defined]
    share = np.array([max(float(c.share), 1e-3) for c in colors])  # type: ignore[attr-defined]
    chroma = lab_to_lch(lab)[:, 1] if len(lab) else np.zeros(0)
    keep = chroma >= 10.0
    if keep.sum() < 2:
        return {k: (0.0 if k == "monochromatic" else 180.0) for k in HARMONIES}
    hues = wheel_hue(rgb[keep], wheel)
    w = share[keep] / share[keep].sum()
    rotations = np.arange(0.0, 360.0, 1.0)
    costs = {}
    for kind, offsets in HARMONY_OFFSETS.items():
        template = (rotations[:, None] + np.array(offsets)[None, :]) % 360.0  # R × T
        d = _angular(hues[None, :, None], template[:, None, :]).min(axis=2)  # R × N
        costs[kind] = float((d @ w).min()) + 4.0 * (len(offsets) - 1)
    return costs


def closest_harmony(colors: Sequence[object], wheel: str = "ryb") -> str:
    """Name of the harmony whose template fits the palette's hues best (see :func:`harmony_costs`)."""
    costs = harmony_costs(colors, wheel)
    return min(HARMONIES, key=lambda k: (costs[k], HARMONIES.index(k)))
