"""The spatial generator: any size and aspect without upscaling, seamless tiling, and seeds, variations,
interpolation and crossing on its latents."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from models.gan import GanArch, GanModel
from models.gan.augment import AdaptiveP, augment
from models.gan.spatial import SpatialDiscriminator, SpatialGenerator

TINY = GanArch(
    kind="spatial", resolution=32, ngf=8, ndf=8, levels=3, local_dim=4, global_dim=8, periodic_dim=2
)


@pytest.fixture(scope="module")
def model() -> GanModel:
    torch.manual_seed(0)
    gen = SpatialGenerator(TINY)
    with torch.no_grad():  # give the BN statistics some spread, as in a trained model
        for _ in range(3):
            gen(gen.random_grid(8, 4, 4))
    return GanModel(gen, {"steps": 0})


def test_samples_any_size_and_aspect_without_upscaling(model):
    for size in [(32, 32), (72, 40), (40, 200)]:
        px = model.sample([1], size=size)[0].pixels
        assert px.shape == (size[1], size[0], 3)
    with pytest.raises(ValueError, match="16–4096"):
        model.sample([1], size=8)


def test_a_seed_is_the_same_picture_at_every_size(model):
    small = model.sample([5], size=64)[0].pixels.astype(float)
    large = model.sample([5], size=(160, 96))[0].pixels.astype(float)
    other = model.sample([6], size=64)[0].pixels.astype(float)
    inner = (slice(8, 48), slice(8, 48))  # away from the small picture's borders
    same = np.abs(small[inner] - large[inner]).mean()
    assert same < 0.3 * np.abs(small[inner] - other[inner]).mean()
    again = model.sample([5], size=64)[0].pixels
    assert np.array_equal(again, small.astype(np.uint8))


def test_tileable_generator_is_exactly_periodic():
    torch.manual_seed(1)
    g = SpatialGenerator(TINY).eval()
    grid = g.latent_grid(torch.randn(1, 4, 4, 6), torch.randn(1, 8), torch.rand(1, 2) * 6, tileable=True)
    noise = [torch.randn(1, 1, h, w) for h, w in g.noise_shapes(4, 6)]
    cell = 2**TINY.levels
    with torch.no_grad():
        out = g(grid, noise, tileable=True)
        shifted = g(
            torch.roll(grid, 1, dims=3),
            [torch.roll(n, n.shape[3] // 6, dims=3) for n in noise],
            tileable=True,
        )
    # Moving the latents one cell round the torus moves the picture one cell: no edge anywhere.
    torch.testing.assert_close(shifted, torch.roll(out, cell, dims=3), atol=1e-5, rtol=1e-4)


def test_tileable_samples_wrap_without_a_seam(model):
    px = model.sample([3], size=64, tileable=True)[0].pixels.astype(float)
    plain = model.sample([3], size=64)[0].pixels.astype(float)

    def seam(p):  # the step across the wrap-around edge, relative to steps inside
        inside = np.abs(np.diff(p, axis=1)).mean()
        return np.abs(p[:, 0] - p[:, -1]).mean() / inside

    assert seam(px) < 1.5
    assert seam(px) < seam(plain)
    with pytest.raises(ValueError, match="multiples"):
        model.sample([3], size=60, tileable=True)


def test_seeds_variations_interpolation_and_crossing(model):
    a, b = model.sample([10, 11], size=48)
    assert not np.array_equal(a.pixels, b.pixels)
    near = model.variations(a, count=2, strength=0.1, seed=4, size=48)
    far = model.variations(a, count=2, strength=1.0, seed=4, size=48)
    assert np.array_equal(
        near[0].pixels, model.variations(a, count=1, strength=0.1, seed=4, size=48)[0].pixels
    )
    dist = lambda s: np.abs(s.pixels.astype(float) - a.pixels).mean()  # noqa: E731
    assert dist(near[0]) < dist(far[0])
    frames = model.interpolate(a, b, frames=5, size=48)
    assert frames.shape == (5, 48, 48, 3)
    assert np.array_equal(frames[0], a.pixels)
    assert np.abs(frames[-1].astype(float) - b.pixels).mean() < 1  # b (its noise, unlearnt here, aside)
    child = model.cross(a, b, seed=1, mode="mix", size=48)
    assert child.pixels.shape == (48, 48, 3) and child.recipe["cross"] == "mix"
    styled = model.cross(a, b, mode="style", size=48)
    # B's look over A's layout: its latent is B's global part and A's local grid.
    n = TINY.global_dim + TINY.periodic_dim
    assert np.array_equal(styled.latent[:n], b.latent[:n]) and np.array_equal(styled.latent[n:], a.latent[n:])
    again = model.render_samples([styled], size=(64, 48))  # the same child at another size
    assert again.shape == (1, 48, 64, 3)


def test_discriminator_scores_patches_and_reconstructs():
    d = SpatialDiscriminator(TINY)
    logits, recon = d(torch.rand(2, 3, 64, 64) * 2 - 1, reconstruct=True)
    assert logits.shape == (2, 1, 4, 4) and recon is not None and recon.shape == (2, 3, 16, 16)


def test_adaptive_probability_follows_overfitting():
    ada = AdaptiveP(target=0.6, speed_images=40)
    for _ in range(5):
        ada.observe(torch.ones(8, 1, 2, 2))  # the discriminator is sure every real image is real
        ada.adjust()
    assert ada.p == pytest.approx(1.0)
    for _ in range(2):
        ada.observe(-torch.ones(8, 1, 2, 2))
        ada.adjust()
    assert ada.p == pytest.approx(0.6)
    x = torch.rand(64, 3, 16, 16)
    assert torch.equal(augment(x, 0.0, "translation,cutout"), x)
    changed = (augment(x, 0.5, "cutout") != x).flatten(1).any(1).float().mean()
    assert 0.25 < float(changed) < 0.75  # about half the images augmented


def test_spatial_crossing_takes_whole_regions_from_each_parent(model):
    a, b = model.latent(1), model.latent(2)
    child = model.cross_latent(a, b, seed=3)
    n = TINY.global_dim + TINY.periodic_dim
    cells = child[n:].reshape(TINY.local_dim, 64, 64)
    from_a = np.all(cells == a[n:].reshape(TINY.local_dim, 64, 64), axis=0)
    from_b = np.all(cells == b[n:].reshape(TINY.local_dim, 64, 64), axis=0)
    assert np.all(from_a | from_b) and 0.2 < from_a.mean() < 0.8  # every cell whole, from one parent
    # regions, not salt and pepper: most cells have the same parent as their right-hand neighbour
    assert (from_a[:, 1:] == from_a[:, :-1]).mean() > 0.85
