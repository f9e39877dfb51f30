"""Saliency, subject, balance, horizon, crop proposals and advice on synthetic pictures."""

from __future__ import annotations

import json

import numpy as np
import pytest

from models.composition.analysis import AnalysisConfig, analyse
from models.composition.crop import POWER_POINT_TOLERANCE, propose_crop
from models.composition.guides import parse_aspect, power_points
from models.composition.horizon import find_horizon
from models.progress import drive


def _textured(h: int, w: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    base = rng.normal(110, 6, (h, w, 1)).clip(0, 255)
    return np.repeat(base, 3, axis=2).astype(np.uint8)


def _with_blob(img: np.ndarray, cx: float, cy: float, r: float, colour=(220, 40, 30)) -> np.ndarray:
    out = img.copy()
    yy, xx = np.mgrid[: img.shape[0], : img.shape[1]]
    out[(xx - cx) ** 2 + (yy - cy) ** 2 <= r * r] = colour
    return out


def test_saliency_finds_a_synthetic_blob():
    img = _with_blob(_textured(120, 180), cx=130, cy=40, r=12)
    result = drive(analyse(img))
    assert result.subject is not None
    assert result.subject.center == pytest.approx((130, 40), abs=4)
    x, y, w, h = result.subject.box
    assert x <= 130 <= x + w and y <= 40 <= y + h
    assert w < 60 and h < 60
    peak = np.unravel_index(np.argmax(result.saliency), result.saliency.shape)
    assert abs(peak[0] - 40) < 10 and abs(peak[1] - 130) < 10


def test_results_are_in_full_size_pixels_of_a_large_image():
    img = _with_blob(_textured(600, 1200), cx=300, cy=400, r=50)
    result = drive(analyse(img, AnalysisConfig(side=128)))
    assert result.saliency.shape[1] <= 128
    assert result.subject.center == pytest.approx((300, 400), abs=15)
    assert result.size == (1200, 600)


def test_full_size_maps_a_downsample_back():
    img = _with_blob(_textured(100, 200), cx=50, cy=50, r=10)
    result = drive(analyse(img, full_size=(2000, 1000)))
    assert result.subject.center == pytest.approx((500, 500), abs=40)


@pytest.mark.parametrize("aspect_name", ["1:1", "4:5", "3:2", "16:9"])
@pytest.mark.parametrize("where", [(0.5, 0.5), (0.8, 0.3), (0.25, 0.6)])
def test_suggested_crop_puts_the_subject_on_a_power_point(aspect_name, where):
    h, w = 200, 300
    img = _with_blob(_textured(h, w, seed=3), cx=where[0] * w, cy=where[1] * h, r=9)
    result = drive(analyse(img))
    cx, cy = result.subject.center
    x, y, cw, ch = result.crops[aspect_name]
    assert 0 <= x and 0 <= y and x + cw <= w and y + ch <= h
    assert cw / ch == pytest.approx(parse_aspect(aspect_name), rel=0.03)
    u, v = (cx - x) / cw, (cy - y) / ch
    assert min(max(abs(u - px), abs(v - py)) for px, py in power_points()) <= 0.03 + 1 / ch


def test_crop_without_a_subject_is_the_largest_centred_frame():
    assert propose_crop((300, 200), 1.0) == (50, 0, 200, 200)
    assert propose_crop((300, 200), 16 / 9) == (0, 16, 300, 169)


def test_crop_keeps_the_subject_when_it_can():
    sal = np.zeros((100, 150))
    sal[45:55, 70:80] = 1.0
    x, y, w, h = propose_crop((150, 100), 1.0, sal, center=(75, 50), box=(70, 45, 10, 10))
    assert x <= 70 and x + w >= 80 and y <= 45 and y + h >= 55
    u, v = (75 - x) / w, (50 - y) / h
    assert min(max(abs(u - px), abs(v - py)) for px, py in power_points()) <= POWER_POINT_TOLERANCE + 0.01


def test_uniform_image_has_no_subject_and_says_so():
    result = drive(analyse(np.full((60, 90, 3), 128, np.uint8)))
    assert result.subject is None
    assert "uniform" in result.suggestions[0]
    assert result.horizon is None
    assert result.crops["1:1"] == (15, 0, 60, 60)


@pytest.mark.parametrize("shape", [(1, 300, 3), (300, 1, 3), (1, 1, 3), (2, 5000, 3)])
def test_thin_images_do_not_break(shape):
    img = np.random.default_rng(1).integers(0, 255, shape, dtype=np.uint8)
    result = drive(analyse(img))
    assert result.subject is None
    for x, y, w, h in result.crops.values():
        assert w >= 1 and h >= 1 and x + w <= shape[1] and y + h <= shape[0]
    json.dumps(result.to_json())


def test_transparent_pixels_carry_no_weight():
    rgb = _with_blob(_textured(100, 100), 25, 50, 8)
    rgb[:, 50:] = 255  # behind the transparent half: bright, but invisible
    rgb[20:30, 70:80] = (0, 0, 255)
    alpha = np.where(np.arange(100) < 50, 255, 0).astype(np.uint8)[None, :].repeat(100, 0)
    result = drive(analyse(np.dstack([rgb, alpha])))
    assert result.balance.left > 0.9
    assert result.subject.center[0] < 50


def test_balance_leans_towards_the_heavy_side():
    img = _with_blob(_textured(100, 200), cx=40, cy=50, r=15)
    result = drive(analyse(img))
    assert result.balance.left > 0.65
    assert any("leans left" in s for s in result.suggestions)


def test_centred_subject_advice_mentions_dead_centre():
    img = _with_blob(_textured(150, 150), cx=75, cy=75, r=14)
    assert "dead centre" in drive(analyse(img)).suggestions[0]


def _horizon_picture(angle_deg: float, h: int = 160, w: int = 240) -> np.ndarray:
    yy, xx = np.mgrid[:h, :w].astype(float)
    line = h * 0.4 - np.tan(np.radians(angle_deg)) * (xx - w / 2)
    img = np.where((yy > line)[..., None], [70, 90, 60], [170, 200, 235]).astype(float)
    img += np.random.default_rng(0).normal(0, 3, img.shape)
    return img.clip(0, 255).astype(np.uint8)


@pytest.mark.parametrize("angle", [3.0, -2.0, 0.0])
def test_horizon_tilt_and_its_sign(angle):
    result = drive(analyse(_horizon_picture(angle)))
    assert result.horizon is not None
    assert result.horizon.angle_deg == pytest.approx(angle, abs=0.3)
    assert result.horizon.y_at_centre == pytest.approx(0.4, abs=0.03)
    if angle > 0:
        assert any("counter-clockwise; rotate" in s for s in result.suggestions)
    if angle < 0:
        assert any("tilts 2.0° clockwise" in s for s in result.suggestions)


def test_no_horizon_in_a_blob_picture():
    assert find_horizon(_with_blob(_textured(100, 150), 75, 50, 20).mean(axis=2)) is None


def test_json_has_the_documented_shape():
    data = drive(analyse(_with_blob(_textured(80, 120), 30, 30, 8))).to_json()
    assert set(data) == {"subject", "balance", "horizon_deg", "suggestions", "crops"}
    assert set(data["subject"]) == {"kind", "center", "box"} and len(data["subject"]["box"]) == 4
    assert set(data["crops"]) == {"1:1", "4:5", "3:2", "16:9"}
    json.dumps(data)


def test_analysis_can_be_closed_midway():
    gen = analyse(_textured(50, 50))
    next(gen)
    gen.close()
