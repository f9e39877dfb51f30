"""Palette extraction: exact counts, bad input, determinism, shares, sorting, moods, regions."""

from __future__ import annotations

import numpy as np
import pytest

from models.palette import MOODS, PaletteConfig, PaletteError, extract_palette, extract_palette_steps
from models.palette.moods import mood_fit
from models.progress import Progress


def _blocks(colors, size=20):
    """An image of vertical stripes, one per colour, of equal width."""
    return np.concatenate([np.full((size, size, 3), c, np.uint8) for c in colors], axis=1)


def _photo(h=120, w=160, seed=0):
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[:h, :w] / max(h, w)
    base = np.stack([200 * xx + 30, 120 + 80 * np.sin(6 * yy), 90 + 100 * yy * xx], -1)
    return np.clip(base + rng.normal(0, 6, (h, w, 3)), 0, 255).astype(np.uint8)


def test_returns_exactly_k_distinct_colours_with_shares_summing_to_one():
    result = extract_palette(_photo(), PaletteConfig(colors=8))
    hexes = [c.hex for c in result.colors]
    assert len(hexes) == 8 == len(set(hexes))
    assert sum(c.share for c in result.colors) == pytest.approx(1.0)
    assert [c.share for c in result.colors] == sorted((c.share for c in result.colors), reverse=True)
    assert result.closest_harmony


def test_deterministic():
    a = extract_palette(_photo(seed=3), PaletteConfig(colors=6))
    b = extract_palette(_photo(seed=3), PaletteConfig(colors=6))
    assert a == b


def test_finds_the_colours_of_a_flat_image_and_their_shares():
    colors = [(255, 0, 0), (0, 0, 255), (250, 250, 250)]
    img = np.concatenate(
        [_blocks(colors[:1]), _blocks(colors[1:2]), _blocks(colors[1:2]), _blocks(colors[2:])], 1
    )
    result = extract_palette(img, PaletteConfig(colors=3))
    got = {c.rgb: c.share for c in result.colors}
    assert set(got) == set(colors)
    assert got[(0, 0, 255)] == pytest.approx(0.5)
    assert result.mean_delta_e == pytest.approx(0.0, abs=1e-6)


def test_one_colour_image_returns_one_colour_never_duplicates():
    result = extract_palette(np.full((30, 40, 3), (12, 34, 56), np.uint8), PaletteConfig(colors=8))
    assert [c.rgb for c in result.colors] == [(12, 34, 56)]
    assert result.colors[0].share == pytest.approx(1.0)


def test_k_larger_than_distinct_colours_returns_all_of_them():
    colors = [(0, 0, 0), (255, 255, 255), (0, 128, 0), (1, 1, 1)]  # two nearly identical blacks
    result = extract_palette(_blocks(colors), PaletteConfig(colors=12))
    assert sorted(c.rgb for c in result.colors) == sorted(colors)


def test_near_identical_colours_still_give_exactly_k():
    # colours one level apart fall into one clustering bin; the palette must still separate them
    colors = [(100, 100, 100), (101, 100, 100), (100, 101, 100), (100, 100, 101), (0, 0, 0)]
    result = extract_palette(_blocks(colors), PaletteConfig(colors=5))
    assert sorted(c.rgb for c in result.colors) == sorted(colors)


def test_rare_colours_missed_by_the_sample_are_found_in_the_full_image():
    img = np.full((600, 600, 3), 40, np.uint8)
    img[1, 1] = (255, 0, 0)  # a speck the strided sample skips
    result = extract_palette(img, PaletteConfig(colors=2, max_samples=1000))
    assert sorted(c.rgb for c in result.colors) == [(40, 40, 40), (255, 0, 0)]


def test_transparent_pixels_are_ignored_and_fully_transparent_is_a_clear_error():
    img = np.zeros((20, 20, 4), np.uint8)
    img[..., :3] = (0, 255, 0)
    img[:10, :, :3] = (255, 0, 255)
    img[10:, :, 3] = 255  # only the green half is visible
    assert [c.rgb for c in extract_palette(img, PaletteConfig(colors=4)).colors] == [(0, 255, 0)]
    img[..., 3] = 0
    with pytest.raises(PaletteError, match="transparent"):
        extract_palette(img)


def test_greyscale_and_one_pixel_images():
    grey = np.tile(np.arange(0, 256, 4, dtype=np.uint8), (10, 1))
    result = extract_palette(grey, PaletteConfig(colors=5))
    assert len(result.colors) == 5
    assert all(c.rgb[0] == c.rgb[1] == c.rgb[2] for c in result.colors)
    assert result.closest_harmony == "monochromatic"
    one = extract_palette(np.array([[[9, 8, 7]]], np.uint8), PaletteConfig(colors=16))
    assert [c.rgb for c in one.colors] == [(9, 8, 7)]


def test_region_takes_colours_from_the_rectangle_only_and_rejects_outside():
    img = _blocks([(255, 0, 0), (0, 0, 255)], size=20)  # 20 tall, 40 wide
    result = extract_palette(
        img, PaletteConfig(colors=4, region=(25, 0, 100, 100))
    )  # clipped to the blue half
    assert [c.rgb for c in result.colors] == [(0, 0, 255)]
    for region in [(40, 0, 5, 5), (-10, -10, 5, 5), (0, 0, 0, 5)]:
        with pytest.raises(PaletteError):
            extract_palette(img, PaletteConfig(region=region))


def test_bad_config_and_bad_arrays_raise_palette_error():
    for kwargs in ({"colors": 0}, {"colors": 17}, {"sort": "size"}, {"mood": "sad"}):
        with pytest.raises(PaletteError):
            PaletteConfig(**kwargs)
    for bad in (
        np.zeros((4, 4, 3), np.float32),
        np.zeros((4, 4, 2), np.uint8),
        np.zeros((0, 4, 3), np.uint8),
    ):
        with pytest.raises(PaletteError):
            extract_palette(bad)


def test_sorting_by_lightness_and_hue():
    colors = [(250, 250, 250), (200, 0, 0), (0, 0, 200), (0, 150, 0), (20, 20, 20)]
    by_l = extract_palette(_blocks(colors), PaletteConfig(colors=5, sort="lightness")).colors
    assert [c.lab[0] for c in by_l] == sorted(c.lab[0] for c in by_l)
    by_h = [c.rgb for c in extract_palette(_blocks(colors), PaletteConfig(colors=5, sort="hue")).colors]
    assert by_h[:3] == [(200, 0, 0), (0, 150, 0), (0, 0, 200)]  # red, green, blue by CIELAB hue
    assert set(by_h[3:]) == {(20, 20, 20), (250, 250, 250)}  # greys at the end


def test_auto_count_grows_with_the_number_of_clear_colours():
    few = extract_palette(_blocks([(255, 0, 0), (0, 0, 255)]), PaletteConfig(colors=None))
    many_cols = [(255, 0, 0), (0, 0, 255), (0, 160, 0), (250, 250, 250), (20, 20, 20), (255, 220, 0)]
    many = extract_palette(_blocks(many_cols), PaletteConfig(colors=None))
    assert len(few.colors) == 2
    assert len(many.colors) == 6


@pytest.mark.parametrize("mood", MOODS)
def test_moods_pick_image_colours_that_fit_the_mood(mood):
    img = _photo(seed=5)
    plain = extract_palette(img, PaletteConfig(colors=5))
    moody = extract_palette(img, PaletteConfig(colors=5, mood=mood))
    assert len({c.hex for c in moody.colors}) == 5
    fit = lambda res: np.mean(mood_fit(np.array([c.lab for c in res.colors]), mood))  # noqa: E731
    assert fit(moody) > fit(plain)
    # every mood colour is a colour that occurs in the image (within the 6-bit bins' spread)
    flat = img.reshape(-1, 3).astype(int)
    for c in moody.colors:
        assert np.abs(flat - np.array(c.rgb)).max(axis=1).min() <= 8


def test_generator_yields_progress_and_can_be_closed_early():
    gen = extract_palette_steps(_photo(), PaletteConfig(colors=8))
    first = next(gen)
    assert isinstance(first, Progress)
    gen.close()  # a cancelled job: no error, nothing left running


def test_large_image_uses_a_bounded_sample():
    img = np.broadcast_to(_photo(60, 80)[:, :, None, :], (60, 80, 40, 3)).reshape(60, 3200, 3)
    img = np.ascontiguousarray(np.repeat(img, 50, axis=0))  # 3000 × 3200 ≈ 10 MP
    result = extract_palette(img, PaletteConfig(colors=8))
    assert result.sample_size <= 40_000
    assert len(result.colors) == 8
