"""A style per region: hard masks keep the photo outside, two paintings take two regions, bad masks."""

from __future__ import annotations

import numpy as np
import pytest

import models.style.transfer as transfer
from models.progress import drive
from models.style import StyleConfig, stylize
from models.style.config import Preset


@pytest.fixture(autouse=True)
def tiny_preset(monkeypatch):
    monkeypatch.setitem(
        transfer.PRESETS, "draft", Preset(start=32, ratio=2.0, iters_coarse=10, iters_fine=10, lr=0.03)
    )


def _photo(h: int = 48, w: int = 64) -> np.ndarray:
    rng = np.random.default_rng(3)
    base = np.full((h, w, 3), 128.0)
    base[:, :, 1] += 40 * np.sin(np.arange(w) / 4.0)[None, :]
    return np.clip(base + rng.normal(0, 10, base.shape), 0, 255).astype(np.uint8)


def _solid(rgb: tuple[int, int, int]) -> np.ndarray:
    rng = np.random.default_rng(sum(rgb))
    img = np.zeros((40, 40, 3), np.uint8) + np.array(rgb, np.uint8)
    img[::4] = np.clip(img[::4].astype(int) + 40, 0, 255)  # some texture
    return np.clip(img.astype(int) + rng.integers(-15, 15, img.shape), 0, 255).astype(np.uint8)


RED, BLUE = _solid((220, 40, 30)), _solid((30, 50, 220))
CFG = StyleConfig(size=64, quality="draft")


def _half_mask(h: int = 48, w: int = 64) -> np.ndarray:
    mask = np.zeros((h, w), np.uint8)
    mask[:, : w // 2] = 255
    return mask


def test_outside_a_hard_mask_the_photo_is_unchanged_inside_it_is_stylized():
    photo = _photo()
    result = drive(stylize(photo, [RED], CFG, mask=_half_mask()))
    out = result.image.astype(int)
    assert np.array_equal(out[:, 32:], photo[:, 32:].astype(int))  # black: the photo, exactly
    inside = out[:, :32]
    assert inside[..., 0].mean() - photo[:, :32, 0].mean() > 30  # white: moved towards the red painting
    assert result.provenance["mask"] == "stylize where white"


def test_two_region_styles_take_each_paintings_colours_in_their_region():
    photo = _photo()
    config = StyleConfig(size=64, quality="draft", region_styles=True)
    out = drive(stylize(photo, [RED, BLUE], config, mask=_half_mask())).image.astype(float)
    left, right = out[:, :24], out[:, 40:]  # away from the soft boundary
    assert left[..., 0].mean() > left[..., 2].mean() + 60  # red after the first painting
    assert right[..., 2].mean() > right[..., 0].mean() + 60  # blue after the second
    # matched per region: each side alone is about as red (blue) as a whole image after that painting
    whole_red = drive(stylize(photo, [RED], CFG)).image.astype(float)
    assert abs(left[..., 0].mean() - whole_red[..., 0].mean()) < 25


def test_a_mask_of_another_size_is_resized_and_greys_mix():
    photo = _photo()
    small = _half_mask(12, 16)  # a quarter of the size, same layout
    out = drive(stylize(photo, [RED], CFG, mask=small)).image.astype(int)
    assert out.shape == (48, 64, 3)
    assert np.array_equal(out[:, 36:], photo[:, 36:].astype(int))
    grey = np.full((48, 64), 128, np.uint8)
    mixed = drive(stylize(photo, [RED], CFG, mask=grey)).image.astype(float)
    full = drive(stylize(photo, [RED], CFG)).image.astype(float)
    gain_mixed = mixed[..., 0].mean() - photo[..., 0].mean()
    gain_full = full[..., 0].mean() - photo[..., 0].mean()
    assert 0.25 * gain_full < gain_mixed < 0.75 * gain_full


def test_an_all_black_mask_gives_the_photo_back_with_a_note():
    photo = _photo()
    result = drive(stylize(photo, [RED], CFG, mask=np.zeros((10, 10), np.uint8)))
    assert np.array_equal(result.image, photo) and result.steps == 0
    assert "all black" in result.notes[0]


@pytest.mark.parametrize(
    ("styles", "config", "mask", "message"),
    [
        ([RED, BLUE], StyleConfig(size=64, region_styles=True), None, "two region styles need a mask"),
        ([RED], StyleConfig(size=64, region_styles=True), _half_mask(), "exactly two paintings, got 1"),
        ([RED], CFG, np.zeros((4, 4), np.float32), "the mask must be an 8-bit image"),
        ([RED], CFG, np.zeros((4, 4, 2), np.uint8), "must be greyscale, RGB or RGBA"),
    ],
)
def test_bad_masks_are_clear_value_errors(styles, config, mask, message):
    with pytest.raises(ValueError, match=message):
        next(stylize(_photo(), styles, config, mask=mask))
