"""Harmonies on the RYB wheel and in OKLCh, closest-harmony detection, recolour preview."""

from __future__ import annotations

import numpy as np
import pytest

from models.palette import HARMONIES, PaletteColor, closest_harmony, harmony, normalize_harmony, posterize
from models.palette.harmony import hsv_hue_to_ryb, ryb_hue_to_hsv, wheel_hue


def test_ryb_wheel_complements_are_the_painters():
    assert harmony((255, 0, 0), "complementary") == [(255, 0, 0), (0, 255, 0)]  # red ↔ green
    assert harmony((0, 0, 255), "complementary")[1] == (255, 128, 0)  # blue ↔ orange
    yellow_partner = harmony((255, 255, 0), "complementary")[1]
    assert yellow_partner[2] > 200 and yellow_partner[1] < 60  # yellow ↔ violet


def test_ryb_mapping_is_monotonic_and_invertible():
    h = np.linspace(0, 359, 360)
    ryb = hsv_hue_to_ryb(h)
    assert (np.diff(ryb) > 0).all()
    assert np.allclose(ryb_hue_to_hsv(ryb), h)


@pytest.mark.parametrize("wheel", ["ryb", "oklch"])
@pytest.mark.parametrize("kind", HARMONIES)
def test_every_harmony_has_its_size_and_keeps_the_base(kind, wheel):
    base = (200, 80, 40)
    colors = harmony(base, kind, wheel)
    sizes = {"monochromatic": 5, "complementary": 2, "analogous": 3, "split-complementary": 3,
             "triadic": 3, "square": 4, "rectangle": 4}  # fmt: skip
    assert len(colors) == sizes[kind]
    assert colors[0] == base
    assert len(set(colors)) == len(colors)


def test_oklch_triadic_keeps_lightness_and_turns_hue():
    from models.palette.color import rgb_to_oklch

    colors = harmony((40, 120, 200), "triadic", "oklch")
    lch = rgb_to_oklch(np.array(colors, dtype=np.float64))
    assert np.allclose(lch[:, 0], lch[0, 0], atol=0.02)
    turns = (lch[1:, 2] - lch[0, 2]) % 360
    assert np.allclose(turns, [120, 240], atol=4)


def test_aliases_and_unknown():
    assert normalize_harmony("Tetradic") == "rectangle"
    assert normalize_harmony("split_complementary") == "split-complementary"
    with pytest.raises(ValueError, match="unknown harmony"):
        normalize_harmony("pentadic")


def _palette(rgbs, shares=None):
    shares = shares or [1 / len(rgbs)] * len(rgbs)
    return [PaletteColor.from_rgb(c, s) for c, s in zip(rgbs, shares, strict=True)]


@pytest.mark.parametrize("kind", ["complementary", "triadic", "square", "analogous", "split-complementary"])
def test_closest_harmony_recognises_generated_harmonies(kind):
    colors = harmony((210, 60, 40), kind)
    assert closest_harmony(_palette(colors)) == kind


def test_closest_harmony_of_greys_and_one_hue_is_monochromatic():
    assert closest_harmony(_palette([(0, 0, 0), (128, 128, 128), (250, 250, 250)])) == "monochromatic"
    assert closest_harmony(_palette(harmony((30, 90, 160), "monochromatic"))) == "monochromatic"
    # greys next to one hue do not change the answer
    assert closest_harmony(_palette([(30, 90, 160), (10, 10, 10), (240, 240, 240)])) == "monochromatic"


def test_wheel_hue_rejects_unknown_wheel():
    with pytest.raises(ValueError):
        wheel_hue((1, 2, 3), "cmy")


def test_posterize_maps_every_pixel_onto_the_palette_and_keeps_alpha():
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (50, 70, 4), dtype=np.uint8)
    pal = [(0, 0, 0), (255, 255, 255), (200, 30, 30)]
    out = posterize(img, pal)
    assert out.shape == img.shape and (out[..., 3] == img[..., 3]).all()
    assert {tuple(p) for p in out[..., :3].reshape(-1, 3)} <= set(pal)
    assert tuple(posterize(np.full((1, 1, 3), (250, 250, 250), np.uint8), pal)[0, 0]) == (255, 255, 255)
    assert tuple(posterize(np.full((1, 1, 3), (180, 40, 40), np.uint8), pal)[0, 0]) == (200, 30, 30)
