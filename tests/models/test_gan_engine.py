"""GAN networks, DiffAugment and sampling (seeds, truncation, variations, interpolation, crossing)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from models.gan import GanArch, GanModel, make_grid
from models.gan.diffaug import diff_augment
from models.gan.networks import Discriminator, Generator
from models.gan.sampling import cross_latents, slerp

TINY = GanArch(resolution=32, z_dim=16, ngf=8, ndf=8)


@pytest.fixture(scope="module")
def model() -> GanModel:
    torch.manual_seed(0)
    gen = Generator(TINY)
    # A freshly built BN generator in eval mode maps everything to nearly the same image; a few train-mode
    # passes give its running statistics some spread so that samples differ, as in a trained model.
    with torch.no_grad():
        for _ in range(3):
            gen(torch.randn(8, TINY.z_dim))
    return GanModel(gen, {"steps": 0})


@pytest.mark.parametrize("res", [32, 64, 128])
def test_generator_and_discriminator_shapes(res):
    arch = GanArch(resolution=res, z_dim=16, ngf=8, ndf=8)
    g, d = Generator(arch), Discriminator(arch)
    x = g(torch.randn(2, 16))
    assert x.shape == (2, 3, res, res)
    assert float(x.detach().abs().max()) <= 1.0
    assert d(x).shape == (2,)


def test_style_latents_change_the_image_but_not_its_shape():
    g = Generator(TINY).eval()
    z, s = torch.randn(1, 16), torch.randn(1, 16) * 3
    with torch.no_grad():
        assert g(z, s).shape == g(z).shape
        assert not torch.allclose(g(z, s), g(z))


def test_discriminator_is_spectrally_normalised():
    d = Discriminator(TINY)
    convs = [m for m in d.modules() if isinstance(m, torch.nn.Conv2d)]
    assert convs and all(hasattr(m, "weight_orig") for m in convs)


def test_arch_rejects_unsupported_resolution():
    with pytest.raises(ValueError, match="resolution"):
        GanArch(resolution=100)


def test_diff_augment_keeps_shape_and_passes_gradients():
    x = torch.rand(4, 3, 32, 32, requires_grad=True)
    y = diff_augment(x * 2 - 1)
    assert y.shape == x.shape
    y.sum().backward()
    assert x.grad is not None and float(x.grad.abs().sum()) > 0


def test_diff_augment_cutout_zeroes_a_patch_and_translation_moves_content():
    torch.manual_seed(1)
    x = torch.ones(2, 3, 32, 32)
    cut = diff_augment(x, "cutout")
    assert (cut == 0).float().mean() > 0.1
    ramp = torch.linspace(-1, 1, 32).expand(8, 3, 32, 32)
    assert not torch.equal(diff_augment(ramp, "translation"), ramp)


def test_diff_augment_rejects_unknown_policy():
    with pytest.raises(ValueError, match="unknown augmentation"):
        diff_augment(torch.zeros(1, 3, 8, 8), "color,blur")


def test_same_seed_gives_same_pixels_and_different_seeds_differ(model):
    a = model.sample([7, 8], truncation=0.7)
    b = model.sample([7, 8], truncation=0.7)
    assert a[0].pixels.shape == (32, 32, 3) and a[0].pixels.dtype == np.uint8
    assert np.array_equal(a[0].pixels, b[0].pixels)
    assert not np.array_equal(a[0].pixels, a[1].pixels)
    assert a[0].recipe == {"seed": 7} and a[0].label == "seed 7"


def test_truncation_zero_collapses_all_seeds_to_the_average(model):
    flat = model.sample([1, 2, 3], truncation=0.0)
    assert np.array_equal(flat[0].pixels, flat[2].pixels)
    full = model.sample([1, 2, 3], truncation=1.0)
    assert not np.array_equal(full[0].pixels, full[2].pixels)


def test_variations_are_deterministic_and_strength_controls_distance(model):
    parent = model.sample([5])[0]
    same = model.variations(parent, count=2, strength=0.0)
    assert np.array_equal(same[0].pixels, parent.pixels)
    near = model.variations(parent, count=3, strength=0.2, seed=10)
    far = model.variations(parent, count=3, strength=2.0, seed=10)
    again = model.variations(parent, count=3, strength=0.2, seed=10)
    assert np.array_equal(near[1].pixels, again[1].pixels)
    d_near = np.mean([np.linalg.norm(v.latent - parent.latent) for v in near])
    d_far = np.mean([np.linalg.norm(v.latent - parent.latent) for v in far])
    assert d_near < d_far
    assert near[0].recipe["of"] == {"seed": 5} and near[0].recipe["strength"] == 0.2
    assert near[1].label == "5 · v11"


def test_interpolation_runs_from_a_to_b(model):
    a, b = model.sample([1, 2], truncation=1.0)
    frames = model.interpolate(a, b, frames=5)
    assert frames.shape == (5, 32, 32, 3)
    assert np.array_equal(frames[0], a.pixels) and np.array_equal(frames[-1], b.pixels)


def test_slerp_keeps_norm_between_endpoints():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(64).astype(np.float32), rng.standard_normal(64).astype(np.float32)
    mid = slerp(a, b, 0.5)
    lo, hi = sorted([np.linalg.norm(a), np.linalg.norm(b)])
    assert lo * 0.99 <= np.linalg.norm(mid) <= hi * 1.01
    assert np.allclose(slerp(a, b, 0.0), a, atol=1e-5)


def test_crossing_mixes_parents(model):
    a, b = model.sample([3, 4], truncation=1.0)
    child = model.cross(a, b, seed=2, mode="mix")
    from_a = child.latent == a.latent
    from_b = child.latent == b.latent
    assert np.all(from_a | from_b) and from_a.any() and from_b.any()
    assert np.array_equal(cross_latents(a.latent, b.latent, 2), child.latent)
    styled = model.cross(a, b, mode="style")
    assert styled.recipe["cross"] == "style" and styled.pixels.shape == a.pixels.shape
    with pytest.raises(ValueError):
        model.cross(a, b, mode="average")


def test_make_grid_tiles_images():
    imgs = np.zeros((5, 8, 8, 3), np.uint8) + 100
    grid = make_grid(imgs, pad=1)
    assert grid.shape == (2 * 8 + 3, 3 * 8 + 4, 3)  # 5 images: 3 columns, 2 rows
    assert grid[1, 1, 0] == 100 and grid[0, 0, 0] == 255
