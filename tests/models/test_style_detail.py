"""The pixel-level statistics: absolute filter responses (sparsity), the palette, recomputed for backward
on large images with the same gradient; results whose detail is as sparse as the painting's, paintings
that keep their detail when reduced."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image
from scipy.ndimage import laplace

import models.style.scale as scale
import models.style.transfer as transfer
from models.progress import drive
from models.style import StyleConfig, stylize
from models.style.config import Preset
from models.style.losses import pixel_features


@pytest.mark.parametrize("name", ["px1", "px2", "px4"])
def test_pixel_features_carry_their_absolute_values(name):
    x = torch.rand(1, 3, 20, 28)
    plain = pixel_features(x, name, sparse=False)
    both = pixel_features(x, name)
    assert plain.shape[1] == 9 and both.shape[1] == 18
    torch.testing.assert_close(both[:, :9], plain)
    torch.testing.assert_close(both[:, 9:], plain.abs())


def test_colour_layer_is_the_box_averaged_picture():
    x = torch.rand(1, 3, 20, 28)
    torch.testing.assert_close(pixel_features(x, "rgb4"), torch.nn.functional.avg_pool2d(x, 4))


def _photo(n: int = 96) -> np.ndarray:
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:n, 0:n]
    base = np.stack([120 + 60 * np.sin(xx / 9.0), 110 + 50 * np.cos(yy / 7.0), 100 + 0 * xx], -1)
    return np.clip(base + rng.normal(0, 10, base.shape), 0, 255).astype(np.uint8)  # grainy


def _flat_patches(n: int = 96) -> np.ndarray:
    """Flat areas of colour with sharp edges: most derivatives are 0, a few large (a sparse painting)."""
    rng = np.random.default_rng(1)
    img = np.zeros((n, n, 3), np.uint8)
    for _ in range(40):
        y, x = rng.integers(0, n, 2)
        h, w = rng.integers(8, 30, 2)
        img[y : y + h, x : x + w] = rng.integers(0, 255, 3)
    return img


def _sparsity(a: np.ndarray) -> float:
    """Mean absolute Laplacian over its RMS: about 0.8 for grain, lower the more the detail is edges."""
    lap = np.abs(laplace(a.astype(float) @ np.array([0.299, 0.587, 0.114])))[1:-1, 1:-1]
    return float(lap.mean() / np.sqrt((lap**2).mean()))


@pytest.fixture
def short_preset(monkeypatch):
    monkeypatch.setitem(
        transfer.PRESETS, "draft", Preset(start=48, ratio=2.0, iters_coarse=30, iters_fine=30, lr=0.03)
    )


def test_results_are_as_sparse_as_the_painting_only_with_the_absolute_statistics(monkeypatch, short_preset):
    photo, painting = _photo(), _flat_patches()
    config = StyleConfig(size=96, quality="draft")
    found = {}
    for sparse in (False, True):
        monkeypatch.setattr(transfer, "SMOOTHING", transfer.Smoothing(pixel_sparse=sparse))
        found[sparse] = _sparsity(drive(stylize(photo, [painting], config, threads=1)).image)
    target = _sparsity(painting)
    assert _sparsity(photo) > 0.75 and target < 0.5
    assert found[True] < found[False] - 0.08  # covariance alone leaves grain; the absolute values don't


def test_the_palette_statistic_keeps_the_paintings_colours(monkeypatch, short_preset):
    photo, painting = _photo(), _flat_patches()
    config = StyleConfig(size=96, quality="draft")
    p = painting.reshape(-1, 3).astype(float)
    off = {}
    for colours in (False, True):
        monkeypatch.setattr(transfer, "SMOOTHING", transfer.Smoothing(pixel_colours=colours))
        r = drive(stylize(photo, [painting], config, threads=1)).image.reshape(-1, 3).astype(float)
        off[colours] = (np.abs(r.mean(0) - p.mean(0)).sum(), np.abs(np.cov(r.T) - np.cov(p.T)).sum())
    assert off[True][0] < off[False][0] and off[True][1] < 0.9 * off[False][1]


def test_recomputed_pixel_features_give_the_same_result(monkeypatch):
    monkeypatch.setitem(
        transfer.PRESETS, "draft", Preset(start=48, ratio=2.0, iters_coarse=6, iters_fine=6, lr=0.03)
    )
    config = StyleConfig(size=64, quality="draft")
    photo, painting = _photo(64), _flat_patches(64)
    kept = drive(stylize(photo, [painting], config, threads=1)).image
    monkeypatch.setattr(scale, "PIXEL_CHECKPOINT", 0)  # every scale recomputes them in backward
    recomputed = drive(stylize(photo, [painting], config, threads=1)).image
    assert np.abs(kept.astype(int) - recomputed.astype(int)).max() <= 1


def test_paintings_keep_their_detail_when_reduced():
    """The statistics are taken from the painting as a viewer sees it at that size (Lanczos, as the photo
    is reduced): a blurring filter would have the result match a softer painting than the real one."""
    painting = _flat_patches(256)
    reference = np.asarray(Image.fromarray(painting).resize((128, 128), Image.Resampling.LANCZOS))
    reduced = transfer.painting_at(painting, 128, "cpu")[0].permute(1, 2, 0).numpy() * 255.0
    assert reduced.shape == (128, 128, 3)

    def contrast(a: np.ndarray) -> float:
        return float(np.abs(laplace(a.astype(float) @ np.array([0.299, 0.587, 0.114]))).mean())

    assert contrast(reduced) > 0.95 * contrast(reference)
