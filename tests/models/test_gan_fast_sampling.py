"""Sampling's fast path (batch norm folded into the convolutions, the last bilinear doubling and RGB
convolution as one polyphase convolution) paints the same pictures as the plain layer-by-layer path."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from models.gan import GanModel
from models.gan.paths import BUNDLED_MODEL
from models.gan.sampling import to_pixels


def _both(model: GanModel, cells: tuple[int, int], tileable: bool) -> tuple[torch.Tensor, torch.Tensor]:
    seeds = [3, 11]
    latents = np.stack([model.latent(s) for s in seeds])
    gen = model.generator
    with torch.inference_mode():  # the fast path (eval mode, no autograd)
        grid, noise = model._spatial_batch(latents, 0.8, None, seeds, cells, tileable)
        fast = gen(grid, noise, tileable=tileable)
    assert not gen.training
    with torch.enable_grad():  # autograd on: the plain path, layer by layer
        grid, noise = grid.clone(), [n.clone() for n in noise]
        plain = gen(grid, noise, tileable=tileable).detach()
    return fast, plain


@pytest.fixture(scope="module")
def bundled() -> GanModel:
    if not BUNDLED_MODEL.is_file():
        pytest.skip("the bundled model is not in this checkout")
    return GanModel.load(BUNDLED_MODEL, device="cpu")


@pytest.mark.parametrize("tileable", [False, True])
def test_fast_path_paints_what_the_plain_path_paints(bundled, tileable):
    fast, plain = _both(bundled, (5, 7), tileable)
    assert fast.shape == plain.shape == (2, 3, 5 * bundled.generator.cell, 7 * bundled.generator.cell)
    # float32 rounding only; a wrong fold, phase order or edge padding is off by far more (~0.1 and up)
    assert (fast - plain).abs().max().item() < 1e-4
    assert plain.std().item() > 0.05  # a real picture, not a flat one that anything would match
    assert np.abs(to_pixels(fast).astype(int) - to_pixels(plain).astype(int)).max() <= 1


def test_fast_path_matches_with_random_weights_and_statistics():
    """Every weight that the fast path folds set away from its initial value (so a fold that dropped one
    would show), on a small generator."""
    from models.gan.config import GanArch
    from models.gan.spatial import SpatialGenerator

    torch.manual_seed(1)
    gen = SpatialGenerator(
        GanArch(
            kind="spatial", resolution=32, ngf=8, ndf=8, levels=3, local_dim=4, global_dim=8, periodic_dim=2
        )
    )
    with torch.no_grad():
        for name, t in gen.state_dict().items():
            if t.is_floating_point():
                if name.endswith("running_var"):
                    t.copy_(torch.rand_like(t) + 0.5)
                else:
                    t.copy_(torch.randn_like(t) * 0.5)
    model = GanModel(gen, {"steps": 0})
    for tileable in (False, True):
        fast, plain = _both(model, (3, 4), tileable)
        assert (fast - plain).abs().max().item() < 1e-4
