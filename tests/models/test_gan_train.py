"""GAN training as a job generator: skipped files, too few images, Stop keeps a checkpoint, resume."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from models.gan import GanArch, GanModel, GanTrainError, TrainConfig, load_checkpoint, train
from models.gan.training import TrainProgress
from models.progress import drive
from studio.io.images import read_pixels

TINY = GanArch(resolution=32, z_dim=16, ngf=8, ndf=8)


def _config(steps=3, **kw):
    return TrainConfig(
        arch=TINY, steps=steps, batch_size=2, min_images=3, preview_every_s=0.0, threads=1, **kw
    )


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "work"
    root.mkdir()
    rng = np.random.default_rng(0)
    for i in range(4):
        Image.fromarray(rng.integers(0, 256, (40, 48, 3), dtype=np.uint8)).save(root / f"img{i}.png")
    (root / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    (root / "notes.txt").write_text("not a picture")
    Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(root / "tiny.png")
    return root


def test_trains_saves_and_reports_skipped_files(folder, tmp_path):
    out = tmp_path / "m.safetensors"
    reports = []
    result = drive(train(folder, out, _config(), read_image=read_pixels), reports.append)
    assert result.steps == 3 and result.images == 4 and not result.stopped
    reasons = {p.name: why for p, why in result.skipped}
    assert set(reasons) == {"broken.png", "notes.txt", "tiny.png"}
    assert "too small" in reasons["tiny.png"] and "not an image" in reasons["notes.txt"]
    steps = [r for r in reports if isinstance(r, TrainProgress) and r.d_loss is not None]
    assert [r.total_steps for r in steps] == [1, 2, 3]
    assert all(np.isfinite(r.d_loss) and np.isfinite(r.g_loss) for r in steps)
    assert steps[-1].preview is not None and steps[-1].preview.ndim == 3
    info = json.loads(out.with_suffix(".json").read_text())
    assert info["steps"] == 3 and info["data"]["images"] == 4 and info["data"]["skipped"] == 3
    assert GanModel.load(out).sample([1])[0].pixels.shape == (32, 32, 3)


def test_too_few_images_is_a_clear_error(tmp_path):
    root = tmp_path / "few"
    root.mkdir()
    Image.fromarray(np.zeros((32, 32, 3), np.uint8)).save(root / "one.png")
    (root / "bad.jpg").write_bytes(b"nope")
    with pytest.raises(GanTrainError, match=r"found 1 usable image.*at least 3.*bad\.jpg"):
        drive(train(root, tmp_path / "m.safetensors", _config(), read_image=read_pixels))
    assert not (tmp_path / "m.safetensors").exists()


def test_stop_keeps_a_usable_checkpoint_and_resume_continues(folder, tmp_path):
    out = tmp_path / "m.safetensors"
    gen = train(folder, out, _config(steps=50), read_image=read_pixels)
    done = 0
    for report in gen:
        if isinstance(report, TrainProgress) and report.d_loss is not None:
            done = report.total_steps
            if done == 2:
                break
    gen.close()  # what the job runner does on Stop
    assert load_checkpoint(out, training=True).steps == 2
    result = drive(
        train(folder, tmp_path / "m2.safetensors", _config(steps=2), resume=out, read_image=read_pixels)
    )
    assert result.steps == 4
    assert json.loads((tmp_path / "m2.json").read_text())["steps"] == 4


def test_generator_learns_the_colour_of_its_data(tmp_path):
    # Every training image is pure red: after a short run the EMA generator must lean red.
    root = tmp_path / "red"
    root.mkdir()
    for i in range(3):
        Image.fromarray(np.full((32, 32, 3), (230, 20, 20), np.uint8)).save(root / f"r{i}.png")
    out = tmp_path / "red.safetensors"
    config = TrainConfig(
        arch=TINY,
        steps=40,
        batch_size=4,
        min_images=3,
        lr_g=2e-3,
        lr_d=2e-3,
        augment="translation",
        threads=1,
        preview_every_s=1e9,
    )
    drive(train(root, out, config, read_image=read_pixels))
    pixels = np.stack([s.pixels for s in GanModel.load(out).sample(list(range(8)))]).astype(float)
    red, green, blue = pixels[..., 0].mean(), pixels[..., 1].mean(), pixels[..., 2].mean()
    assert red > green + 40 and red > blue + 40


def test_recalibrate_bn_measures_statistics_on_the_generator_itself():
    import torch

    from models.gan.networks import Generator
    from models.gan.training import recalibrate_bn

    g = Generator(TINY)
    norms = [m for m in g.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    for m in norms:
        m.running_mean.fill_(100.0)  # statistics that belong to some other weights
        m.running_var.fill_(1e4)
    recalibrate_bn(g, samples=32, batch=16)
    assert not g.training
    assert all(float(m.running_mean.abs().max()) < 10 for m in norms)
    assert all(m.momentum == 0.1 for m in norms)  # the training momentum is restored
    first = [m.running_mean.clone() for m in norms]
    recalibrate_bn(g, samples=32, batch=16)
    assert all(
        torch.equal(a, m.running_mean) for a, m in zip(first, norms, strict=True)
    )  # same seed, same stats
