"""Colour spaces and CIEDE2000 against published reference values."""

from __future__ import annotations

import numpy as np
import pytest

from models.palette.color import (
    hex_to_rgb,
    hsv_to_rgb,
    lab_to_rgb,
    oklab_to_rgb,
    oklch_to_rgb_clipped,
    rgb_to_hex,
    rgb_to_hsv,
    rgb_to_lab,
    rgb_to_oklab,
    rgb_to_oklch,
)
from models.palette.delta_e import ciede2000, nearest

# Sharma, Wu & Dalal (2005), "The CIEDE2000 color-difference formula", test data (pairs 1, 2, 7, 13, 17,
# 19, 25, 34): (Lab1, Lab2, ΔE00)
SHARMA = [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 3.1571, -77.2803), (50.0, 0.0, -82.7485), 2.8615),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.5, 0.0), (56.0, -27.0, -3.0), 31.9030),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((50.0, 2.5, 0.0), (50.0, 3.1736, 0.5854), 1.0000),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
]


@pytest.mark.parametrize(("lab1", "lab2", "expected"), SHARMA)
def test_ciede2000_matches_sharma_reference(lab1, lab2, expected):
    assert ciede2000(np.array(lab1), np.array(lab2)) == pytest.approx(expected, abs=1e-4)
    assert ciede2000(np.array(lab2), np.array(lab1)) == pytest.approx(expected, abs=1e-4)  # symmetric


def test_ciede2000_broadcasts_and_is_zero_on_identity():
    lab = rgb_to_lab(np.array([[10, 20, 30], [200, 100, 50], [255, 255, 255]], dtype=np.uint8))
    d = ciede2000(lab[:, None, :], lab[None, :, :])
    assert d.shape == (3, 3)
    assert np.allclose(np.diag(d), 0.0)
    assert (d[~np.eye(3, dtype=bool)] > 1).all()


def test_lab_reference_values():
    # white is L=100 exactly; sRGB red's Lab is well published (D65): 53.24, 80.09, 67.20
    assert np.allclose(rgb_to_lab(np.array([255, 255, 255], np.uint8)), [100, 0, 0], atol=1e-6)
    assert np.allclose(rgb_to_lab(np.array([255, 0, 0], np.uint8)), [53.24, 80.09, 67.20], atol=0.02)
    assert np.allclose(rgb_to_lab(np.array([0, 0, 0], np.uint8)), [0, 0, 0], atol=1e-9)


def test_rgb_lab_oklab_round_trip_all_cube_corners_and_random():
    rng = np.random.default_rng(1)
    rgb = np.concatenate(
        [rng.integers(0, 256, (500, 3)), np.array(np.meshgrid(*[[0, 255]] * 3)).T.reshape(-1, 3)]
    )
    rgb = rgb.astype(np.uint8)
    assert np.abs(lab_to_rgb(rgb_to_lab(rgb)) - rgb).max() < 1e-6
    assert np.abs(oklab_to_rgb(rgb_to_oklab(rgb)) - rgb).max() < 1e-5
    # float input goes through the same maths as the uint8 lookup table
    assert np.allclose(rgb_to_lab(rgb.astype(np.float64)), rgb_to_lab(rgb))


def test_oklab_reference_white_and_oklch_gamut_clip():
    assert np.allclose(rgb_to_oklab(np.array([255, 255, 255], np.uint8)), [1, 0, 0], atol=1e-6)
    lch = rgb_to_oklch(np.array([0, 200, 0], np.uint8))
    wild = np.array([lch[0], 0.9, lch[2]])  # far outside sRGB
    rgb = oklch_to_rgb_clipped(wild)
    assert rgb.dtype == np.uint8
    assert abs(rgb_to_oklch(rgb)[2] - lch[2]) < 3  # hue kept while chroma shrinks


def test_hsv_round_trip_and_hex():
    rgb = np.array([[255, 128, 0], [0, 0, 0], [12, 200, 77]], dtype=np.float64)
    assert np.allclose(hsv_to_rgb(rgb_to_hsv(rgb)), rgb)
    assert rgb_to_hsv(np.array([255, 128, 0]))[0] == pytest.approx(30.1, abs=0.1)
    assert hex_to_rgb("#FF8000") == (255, 128, 0) == hex_to_rgb("ff8000")
    assert rgb_to_hex((255, 128, 0)) == "#ff8000"
    for bad in ("#fff", "red", "#12345g", ""):
        with pytest.raises(ValueError):
            hex_to_rgb(bad)


def test_nearest_shortlist_agrees_with_exhaustive_search_on_image_colours():
    rng = np.random.default_rng(2)
    lab = rgb_to_lab(rng.integers(0, 256, (3000, 3)).astype(np.uint8))
    pal = rgb_to_lab(rng.integers(0, 256, (12, 3)).astype(np.uint8))
    i_exact, d_exact = nearest(lab, pal)
    _, d_short = nearest(lab, pal, shortlist=4)
    assert np.allclose(d_exact, ciede2000(lab, pal[i_exact]))
    assert (d_short >= d_exact - 1e-9).all()
    assert d_short.mean() < d_exact.mean() * 1.02  # random palettes are the hard case; real ones < 0.5 %
