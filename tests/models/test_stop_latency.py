"""Stop is quick on the slow paths (issue 14, case 6): the set-up of a stylization and the analysis of a
huge image yield between their heavy stages, so a Stop (``gen.close()`` at the next yield) never waits
for them. Measured in work between yields, not in seconds (bench/stop_latency.py gives the seconds)."""

from __future__ import annotations

import numpy as np

from models.progress import Progress


def test_case6_stop_at_the_start_of_a_stylization_skips_the_set_up(monkeypatch):
    import models.backbones
    from models.style import StyleConfig, stylize

    loads = []
    real = models.backbones.load_backbone
    monkeypatch.setattr(models.backbones, "load_backbone", lambda *a, **k: loads.append(a) or real(*a, **k))
    photo = np.zeros((1500, 2000, 3), np.uint8)
    style = np.full((64, 64, 3), 200, np.uint8)
    gen = stylize(photo, [style], StyleConfig(size=256, quality="draft"))
    first = next(gen)
    assert first.setting_up
    gen.close()  # Stop right away: nothing heavy has run, nothing more will
    assert loads == []


def test_case6_every_heavy_set_up_stage_of_a_stylization_is_a_place_to_stop(monkeypatch):
    from models.style import StyleConfig, stylize

    photo = np.random.default_rng(0).integers(0, 255, (60, 80, 3), np.uint8)
    styles = [np.full((64, 64, 3), v, np.uint8) for v in (40, 200)]
    gen = stylize(photo, styles, StyleConfig(size=64, quality="draft"))
    setup = []
    for report in gen:
        if not report.setting_up:
            break
        setup.append(report.message)
    gen.close()
    stages = [m.split(": ", 1)[1] for m in setup]
    assert stages[:4] == [
        "preparing the photo",
        "loading the network",
        "matching the colours",
        "reading the photo",
    ]
    assert stages.count("reading the painting") == 2  # one stop between the statistics of each painting


def test_case6_analysing_a_huge_image_yields_band_by_band(monkeypatch):
    from models.composition import analysis, saliency

    sizes = []
    real_pad = np.pad

    def spy_pad(array, *args, **kwargs):
        sizes.append(array.shape[0] * array.shape[1])
        return real_pad(array, *args, **kwargs)

    monkeypatch.setattr(saliency.np, "pad", spy_pad)
    pixels = np.zeros((3000, 4000, 3), np.uint8)  # 12 MP; a 99 MP photo makes 8× as many bands
    gen = analysis.analyse(pixels)
    before_saliency = 0
    for report in gen:
        if report.message != "downsampling":
            break
        before_saliency += 1
    gen.close()
    assert before_saliency >= 6  # the downsample stops between bands
    assert sizes and max(sizes) <= saliency.BAND_PIXELS * 1.1  # and no band is much bigger than its share


def test_case6_banded_downsample_is_the_same_box_filter():
    from models.composition.saliency import downsample, downsample_steps

    rng = np.random.default_rng(3)
    for shape in [(1001, 777, 3), (37, 5000, 4), (6000, 8, 3), (300, 200)]:
        pixels = rng.integers(0, 255, shape, np.uint8)
        gen = downsample_steps(pixels, 256, lambda: Progress(0, 1))
        while True:
            try:
                next(gen)
            except StopIteration as stop:
                banded = stop.value
                break
        assert np.array_equal(banded, downsample(pixels, 256))


def test_case6_a_huge_photo_is_reduced_band_by_band_to_the_same_picture():
    from models.style.images import reduce_steps, resize

    rng = np.random.default_rng(1)
    small = rng.integers(0, 255, (64, 96, 3), np.uint8)
    big = np.kron(small, np.ones((40, 40, 1), np.uint8))  # 2560×3840, smooth blocks
    gen = reduce_steps(big, 256, lambda: Progress(0, 1))
    bands = 0
    while True:
        try:
            next(gen)
            bands += 1
        except StopIteration as stop:
            reduced = stop.value
            break
    assert bands >= 4  # a place to stop between bands, not one long call
    ours, direct = resize(reduced, (256, 171)), resize(big, (256, 171))
    assert np.abs(ours.astype(int) - direct.astype(int)).mean() < 0.5
