"""The style-transfer generator on tiny images: shapes, progress, cancel, determinism, bad inputs."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from models.progress import Progress, drive
from models.style import StyleConfig, stylize

TINY = StyleConfig(size=32, quality="draft")


def _content(h: int = 32, w: int = 32, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w]
    base = np.stack([xx * 255 // max(1, w - 1), yy * 255 // max(1, h - 1), np.full_like(xx, 128)], -1)
    return np.clip(base + rng.integers(-20, 20, base.shape), 0, 255).astype(np.uint8)


def _stripes(h: int = 40, w: int = 24) -> np.ndarray:
    img = np.zeros((h, w, 3), np.uint8)
    img[..., 0] = 230
    img[::4, :, 1] = 200  # red with yellow stripes
    return img


def test_output_shape_progress_and_previews():
    reports: list[Progress] = []
    result = drive(stylize(_content(24, 40), [_stripes()], TINY), reports.append)
    assert reports[0].setting_up  # set-up yields too (Stop at the start is quick)
    reports = [r for r in reports if not r.setting_up]
    assert result.image.shape == (19, 32, 3) and result.image.dtype == np.uint8
    assert result.steps == reports[-1].total == reports[-1].step
    assert [r.step for r in reports] == list(range(1, len(reports) + 1))
    assert reports[0].preview is not None  # the first step already shows something
    assert all(r.preview.shape == (19, 32, 3) for r in reports if r.preview is not None)
    assert all(r.eta_s is not None and r.eta_s >= 0 for r in reports)
    assert reports[-1].eta_s == pytest.approx(0.0, abs=1e-6)
    assert result.provenance["quality"] == "draft" and result.provenance["backbone"] == "efficientnet-lite0"


def test_result_moves_towards_the_style():
    content = _content()
    result = drive(stylize(content, [_stripes()], TINY))
    red_gain = result.image[..., 0].mean() - content[..., 0].mean()
    blue_drop = content[..., 2].mean() - result.image[..., 2].mean()
    assert red_gain > 20 and blue_drop > 20


def test_strength_zero_returns_the_photo():
    content = _content()
    result = drive(stylize(content, [_stripes()], StyleConfig(size=32, strength=0.0)))
    assert np.abs(result.image.astype(int) - content.astype(int)).max() <= 1


def test_preserve_colors_keeps_the_photos_chroma():
    content = _content()
    plain = drive(stylize(content, [_stripes()], TINY)).image
    kept = drive(
        stylize(content, [_stripes()], StyleConfig(size=32, quality="draft", preserve_colors=True))
    ).image

    def chroma(a: np.ndarray) -> np.ndarray:
        f = a.astype(float)
        return f - f.mean(axis=2, keepdims=True)

    assert np.abs(chroma(kept) - chroma(content)).mean() < np.abs(chroma(plain) - chroma(content)).mean() / 2


def test_same_seed_same_image_other_seed_differs():
    a = drive(stylize(_content(), [_stripes()], TINY)).image
    b = drive(stylize(_content(), [_stripes()], TINY)).image
    c = drive(stylize(_content(), [_stripes()], StyleConfig(size=32, quality="draft", seed=1))).image
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_cancel_keeps_the_latest_preview():
    gen = stylize(_content(), [_stripes()], TINY)
    latest = None
    for report in gen:
        if report.preview is not None:
            latest = report.preview
        if report.step == 3:
            break
    gen.close()  # what the job runner does on Stop
    assert latest is not None and latest.shape == (32, 32, 3)
    with pytest.raises(StopIteration):
        next(gen)


def test_rgba_content_gets_its_alpha_back():
    content = np.dstack([_content(), np.tile(np.linspace(0, 255, 32, dtype=np.uint8), (32, 1))])
    result = drive(stylize(content, [_stripes()], TINY))
    assert result.image.shape == (32, 32, 4)
    assert np.array_equal(result.image[..., 3], content[..., 3])


def test_greyscale_content_and_rgba_style():
    grey = _content()[..., 0]
    style = np.dstack([_stripes(), np.full((40, 24), 128, np.uint8)])
    assert drive(stylize(grey, [style], TINY)).image.shape == (32, 32, 3)
    assert drive(stylize(grey[..., None], [style[..., :1]], TINY)).image.shape == (32, 32, 3)


def test_huge_content_tiny_style_and_two_styles_of_different_sizes():
    huge = np.zeros((3000, 4000, 3), np.uint8)
    huge[:, 2000:] = 255
    result = drive(
        stylize(
            huge,
            [_stripes(2, 3), _content(64, 20)],
            StyleConfig(size=32, quality="draft", style_weights=(2.0, 1.0)),
        )
    )
    assert result.image.shape == (24, 32, 3)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (StyleConfig(strength=float("nan")), "strength must be a number"),
        (StyleConfig(balance=2.0), "balance must be between 0 and 1"),
        (StyleConfig(style_scale=0.0), "style_scale must be between"),
        (StyleConfig(style_weights=(0.0, 0.0)), "sum to zero"),
        (StyleConfig(style_weights=(1.0, float("nan"))), "finite numbers"),
        (StyleConfig(style_weights=(1.0,)), "1 style weights given for 2 style images"),
        (StyleConfig(size=7000), "size must be between 16 and 6000"),
        (StyleConfig(quality="ultra"), "quality must be one of draft, balanced, fine"),
        (StyleConfig(backbone="resnet"), "backbone must be one of"),
        (StyleConfig(device="tpu"), "device must be one of"),
    ],
)
def test_bad_settings_are_clear_value_errors(config, message):
    with pytest.raises(ValueError, match=message):
        next(stylize(_content(), [_stripes(), _stripes()], config))


def test_bad_arrays_are_clear_value_errors():
    with pytest.raises(ValueError, match="content image must be 8-bit"):
        next(stylize(_content().astype(np.float32), [_stripes()], TINY))
    with pytest.raises(ValueError, match="style image 2 must be greyscale, RGB or RGBA"):
        next(stylize(_content(), [_stripes(), np.zeros((4, 4, 5), np.uint8)], TINY))
    with pytest.raises(ValueError, match="at least one style image"):
        next(stylize(_content(), [], TINY))


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the message shown when CUDA is absent")
def test_cuda_without_a_gpu_is_a_clear_error():
    with pytest.raises(ValueError, match="no CUDA GPU is available"):
        next(stylize(_content(), [_stripes()], StyleConfig(size=32, device="cuda")))


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_runs_on_cuda():
    result = drive(stylize(_content(), [_stripes()], StyleConfig(size=64, quality="draft", device="cuda")))
    assert result.image.shape == (64, 64, 3) and result.provenance["device"] == "cuda"


def test_previews_of_coarse_scales_are_bounded_and_the_last_scale_is_full_size(monkeypatch):
    import models.style.transfer as transfer
    from models.style.config import Preset

    monkeypatch.setitem(
        transfer.PRESETS, "draft", Preset(start=16, ratio=2.0, iters_coarse=3, iters_fine=2, lr=0.03)
    )
    monkeypatch.setattr(transfer, "PREVIEW_SIDE", 20)
    monkeypatch.setattr(transfer, "PREVIEW_INTERVAL_S", 0.0)  # a preview after every step
    content = np.dstack([_content(24, 48), np.full((24, 48), 200, np.uint8)])
    reports: list[Progress] = []
    result = drive(stylize(content, [_stripes()], StyleConfig(size=48, quality="draft")), reports.append)
    reports = [r for r in reports if not r.setting_up]
    widths = {r.message.split("(")[1].split("×")[0]: r.preview.shape for r in reports}
    assert widths == {
        "16": (10, 20, 4),
        "32": (16, 32, 4),
        "48": (24, 48, 4),
    }  # working size, ≥ 20, then full
    assert result.image.shape == (24, 48, 4) and (reports[-1].preview == result.image).all()
