"""Colour-space conversions: sRGB ↔ linear RGB ↔ XYZ (D65) ↔ CIELAB, OKLab/OKLCh, HSV and hex codes.

All functions are vectorised over leading axes: they take ``(..., 3)`` arrays and return ``(..., 3)``
float64 arrays. sRGB is 0..255 (uint8 or float), linear RGB 0..1, CIELAB L 0..100, OKLab L 0..1.
"""

from __future__ import annotations

import re

import numpy as np

# sRGB (IEC 61966-2-1) primaries with the D65 white point; matrix as published by the standard.
_RGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)
_XYZ_TO_RGB = np.linalg.inv(_RGB_TO_XYZ)
_WHITE_D65 = _RGB_TO_XYZ.sum(axis=1)  # XYZ of RGB (1, 1, 1), so white maps exactly to L=100, a=b=0

# Björn Ottosson's OKLab matrices (linear sRGB → LMS, LMS' → Lab).
_OK_M1 = np.array(
    [
        [0.4122214708, 0.5363325363, 0.0514459929],
        [0.2119034982, 0.6806995451, 0.1073969566],
        [0.0883024619, 0.2817188376, 0.6299787005],
    ]
)
_OK_M2 = np.array(
    [
        [0.2104542553, 0.7936177850, -0.0040720468],
        [1.9779984951, -2.4285922050, 0.4505937099],
        [0.0259040371, 0.7827717662, -0.8086757660],
    ]
)
_OK_M1_INV = np.linalg.inv(_OK_M1)
_OK_M2_INV = np.linalg.inv(_OK_M2)

# Lookup table for the common uint8 case: decoding the transfer curve is the costly part.
_LINEAR_LUT = np.where(
    (np.arange(256) / 255.0) <= 0.04045,
    (np.arange(256) / 255.0) / 12.92,
    (((np.arange(256) / 255.0) + 0.055) / 1.055) ** 2.4,
)

_HEX_RE = re.compile(r"^#?([0-9a-fA-F]{6})$")


def srgb_to_linear(rgb: np.ndarray) -> np.ndarray:
    """sRGB 0..255 → linear RGB 0..1 (exact LUT for uint8 input)."""
    rgb = np.asarray(rgb)
    if rgb.dtype == np.uint8:
        return _LINEAR_LUT[rgb]
    c = rgb.astype(np.float64) / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((np.maximum(c, 0.04045) + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(lin: np.ndarray) -> np.ndarray:
    """Linear RGB 0..1 → sRGB 0..255 floats (not clipped: out-of-gamut values stay visible)."""
    lin = np.asarray(lin, dtype=np.float64)
    a = np.abs(lin)
    c = np.where(a <= 0.0031308, 12.92 * a, 1.055 * np.power(np.maximum(a, 0.0031308), 1 / 2.4) - 0.055)
    return np.sign(lin) * c * 255.0


def rgb_to_xyz(rgb: np.ndarray) -> np.ndarray:
    """sRGB 0..255 → CIE XYZ (D65, Y of white = 1)."""
    return srgb_to_linear(rgb) @ _RGB_TO_XYZ.T


def xyz_to_rgb(xyz: np.ndarray) -> np.ndarray:
    """CIE XYZ (D65) → sRGB 0..255 floats, unclipped."""
    return linear_to_srgb(np.asarray(xyz, dtype=np.float64) @ _XYZ_TO_RGB.T)


def xyz_to_lab(xyz: np.ndarray) -> np.ndarray:
    """CIE XYZ (D65) → CIELAB."""
    t = np.asarray(xyz, dtype=np.float64) / _WHITE_D65
    eps, kappa = 216 / 24389, 24389 / 27
    f = np.where(t > eps, np.cbrt(t), (kappa * t + 16) / 116)
    lab = np.empty_like(f)
    lab[..., 0] = 116 * f[..., 1] - 16
    lab[..., 1] = 500 * (f[..., 0] - f[..., 1])
    lab[..., 2] = 200 * (f[..., 1] - f[..., 2])
    return lab


def lab_to_xyz(lab: np.ndarray) -> np.ndarray:
    """CIELAB → CIE XYZ (D65)."""
    lab = np.asarray(lab, dtype=np.float64)
    fy = (lab[..., 0] + 16) / 116
    f = np.stack([fy + lab[..., 1] / 500, fy, fy - lab[..., 2] / 200], axis=-1)
    eps, kappa = 216 / 24389, 24389 / 27
    t = np.where(f**3 > eps, f**3, (116 * f - 16) / kappa)
    # L decides Y directly (avoids a kink at the linear segment for Y)
    t[..., 1] = np.where(lab[..., 0] > kappa * eps, fy**3, lab[..., 0] / kappa)
    return t * _WHITE_D65


def rgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """sRGB 0..255 (uint8 or float) → CIELAB (D65)."""
    return xyz_to_lab(rgb_to_xyz(rgb))


def lab_to_rgb(lab: np.ndarray) -> np.ndarray:
    """CIELAB → sRGB 0..255 floats, unclipped."""
    return xyz_to_rgb(lab_to_xyz(lab))


def to_uint8(rgb: np.ndarray) -> np.ndarray:
    """Round and clip float sRGB 0..255 to uint8."""
    return np.clip(np.rint(np.asarray(rgb, dtype=np.float64)), 0, 255).astype(np.uint8)


def rgb_to_oklab(rgb: np.ndarray) -> np.ndarray:
    """sRGB 0..255 → OKLab (L 0..1)."""
    lms = srgb_to_linear(rgb) @ _OK_M1.T
    return np.cbrt(lms) @ _OK_M2.T


def oklab_to_rgb(lab: np.ndarray) -> np.ndarray:
    """OKLab → sRGB 0..255 floats, unclipped."""
    lms = (np.asarray(lab, dtype=np.float64) @ _OK_M2_INV.T) ** 3
    return linear_to_srgb(lms @ _OK_M1_INV.T)


def lab_to_lch(lab: np.ndarray) -> np.ndarray:
    """Cartesian (L, a, b) → cylindrical (L, C, h°) with h in [0, 360). Works for CIELAB and OKLab."""
    lab = np.asarray(lab, dtype=np.float64)
    out = np.empty_like(lab)
    out[..., 0] = lab[..., 0]
    out[..., 1] = np.hypot(lab[..., 1], lab[..., 2])
    out[..., 2] = np.degrees(np.arctan2(lab[..., 2], lab[..., 1])) % 360.0
    return out


def lch_to_lab(lch: np.ndarray) -> np.ndarray:
    """Cylindrical (L, C, h°) → cartesian (L, a, b)."""
    lch = np.asarray(lch, dtype=np.float64)
    h = np.radians(lch[..., 2])
    return np.stack([lch[..., 0], lch[..., 1] * np.cos(h), lch[..., 1] * np.sin(h)], axis=-1)


def rgb_to_oklch(rgb: np.ndarray) -> np.ndarray:
    """sRGB 0..255 → OKLCh (L 0..1, C, h°)."""
    return lab_to_lch(rgb_to_oklab(rgb))


def oklch_to_rgb_clipped(lch: np.ndarray) -> np.ndarray:
    """OKLCh → uint8 sRGB, reducing chroma (keeping L and h) until the colour is inside the gamut."""
    lch = np.array(lch, dtype=np.float64, copy=True)
    scale = np.ones(lch.shape[:-1])
    for _ in range(24):  # bisection-free shrink: 24 steps of 0.85 reach ~2 % of the start chroma
        rgb = oklab_to_rgb(
            lch_to_lab(np.concatenate([lch[..., :1], (lch[..., 1] * scale)[..., None], lch[..., 2:]], -1))
        )
        outside = np.any((rgb < -0.5) | (rgb > 255.5), axis=-1)
        if not np.any(outside):
            break
        scale = np.where(outside, scale * 0.85, scale)
    return to_uint8(rgb)


def rgb_to_hsv(rgb: np.ndarray) -> np.ndarray:
    """sRGB 0..255 → HSV with h in degrees [0, 360), s and v in 0..1."""
    c = np.asarray(rgb, dtype=np.float64) / 255.0
    mx, mn = c.max(axis=-1), c.min(axis=-1)
    d = mx - mn
    safe = np.where(d == 0, 1.0, d)
    r, g, b = c[..., 0], c[..., 1], c[..., 2]
    h = np.where(mx == r, ((g - b) / safe) % 6, np.where(mx == g, (b - r) / safe + 2, (r - g) / safe + 4))
    h = np.where(d == 0, 0.0, h * 60.0) % 360.0
    s = np.where(mx == 0, 0.0, d / np.where(mx == 0, 1.0, mx))
    return np.stack([h, s, mx], axis=-1)


def hsv_to_rgb(hsv: np.ndarray) -> np.ndarray:
    """HSV (h degrees, s, v in 0..1) → sRGB 0..255 floats."""
    hsv = np.asarray(hsv, dtype=np.float64)
    h, s, v = hsv[..., 0] % 360.0, hsv[..., 1], hsv[..., 2]
    k = lambda n: (n + h / 60.0) % 6  # noqa: E731
    f = lambda n: v - v * s * np.clip(np.minimum(k(n), 4 - k(n)), 0, 1)  # noqa: E731
    return np.stack([f(5), f(3), f(1)], axis=-1) * 255.0


def hex_to_rgb(code: str) -> tuple[int, int, int]:
    """'#rrggbb' or 'rrggbb' → (r, g, b). Raises ValueError on anything else."""
    m = _HEX_RE.match(code.strip())
    if not m:
        raise ValueError(f"not a colour code like #RRGGBB: {code!r}")
    v = int(m.group(1), 16)
    return (v >> 16) & 255, (v >> 8) & 255, v & 255


def rgb_to_hex(rgb: tuple[int, int, int] | np.ndarray) -> str:
    """(r, g, b) 0..255 → '#rrggbb' (lower case)."""
    r, g, b = (int(x) for x in rgb)
    return f"#{r:02x}{g:02x}{b:02x}"
