"""GAN training as a job generator: skipped files, too few images, Stop keeps a checkpoint, an exact resume,
fine-tuning from a model, and that a broken model fails (one colour family, copies of training crops)."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from PIL import Image

from models.gan import GanArch, GanModel, GanTrainError, TrainConfig, load_checkpoint
from models.gan import train as _train
from models.gan.training import TrainProgress
from models.progress import drive
from studio.io.images import read_pixels


def train(*args, **kwargs):  # the app's loader, as the CLI and the panel pass it
    return _train(*args, read_image=read_pixels, **kwargs)


TINY = GanArch(
    kind="spatial", resolution=32, ngf=8, ndf=8, levels=3, local_dim=4, global_dim=8, periodic_dim=2
)


def _config(steps=3, **kw):
    kw.setdefault("batch_size", 2)
    kw.setdefault("preview_every_s", 0.0)
    return TrainConfig(arch=TINY, steps=steps, min_images=3, threads=1, **kw)


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
    result = drive(train(folder, out, _config()), reports.append)
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
    assert info["images_seen"] == 6 and info["train"]["world_size"] == 1
    model = GanModel.load(out)
    assert model.sample([1], size=(72, 40))[0].pixels.shape == (40, 72, 3)  # any size, no upscaling


def test_too_few_images_is_a_clear_error(tmp_path):
    root = tmp_path / "few"
    root.mkdir()
    Image.fromarray(np.zeros((32, 32, 3), np.uint8)).save(root / "one.png")
    (root / "bad.jpg").write_bytes(b"nope")
    with pytest.raises(GanTrainError, match=r"found 1 usable image.*at least 3.*bad\.jpg"):
        drive(train(root, tmp_path / "m.safetensors", _config()))
    assert not (tmp_path / "m.safetensors").exists()


def _losses(gen):
    out = []
    result = drive(
        gen,
        lambda r: (
            out.append((r.total_steps, r.d_loss, r.g_loss))
            if getattr(r, "d_loss", None) is not None
            else None
        ),
    )
    return out, result


def test_resume_continues_the_same_loss_curve(folder, tmp_path):
    # R1 every 2 steps and ADA moving every 4: the resumed half must replay the uninterrupted run exactly,
    # which needs both nets, the EMA, both Adam states, the step, the RNG and the data sampler restored.
    kw = dict(r1_every=2, ada_target=-2.0, ada_speed_images=20.0, preview_every_s=1e9)
    whole, _ = _losses(train(folder, tmp_path / "whole.safetensors", _config(steps=8, **kw)))

    first = tmp_path / "half.safetensors"
    gen = train(folder, first, _config(steps=50, **kw))
    for report in gen:
        if isinstance(report, TrainProgress) and report.d_loss is not None and report.total_steps == 4:
            break
    gen.close()  # what the job runner does on Stop: the checkpoint is written
    ckpt = load_checkpoint(first, training=True)
    assert ckpt.steps == 4 and ckpt.state is not None
    assert any(k.startswith("opt_g.") and k.endswith("exp_avg_sq") for k in ckpt.state)
    assert ckpt.info["run_state"]["augment_p"] > 0  # the adaptive probability moved and is kept

    rest, result = _losses(train(folder, tmp_path / "rest.safetensors", _config(steps=4, **kw), resume=first))
    assert result.steps == 8 and [s for s, _, _ in rest] == [5, 6, 7, 8]
    np.testing.assert_allclose([x[1:] for x in rest], [x[1:] for x in whole[4:]], rtol=1e-4, atol=1e-5)
    whole_info = json.loads((tmp_path / "whole.json").read_text())
    rest_info = json.loads((tmp_path / "rest.json").read_text())
    assert rest_info["images_seen"] == whole_info["images_seen"] == 16
    assert [p[0] for p in rest_info["loss_history"]] == list(range(1, 9))  # the curve continues in the file
    a, b = load_checkpoint(tmp_path / "whole.safetensors"), load_checkpoint(tmp_path / "rest.safetensors")
    for key in a.g_ema:
        torch.testing.assert_close(a.g_ema[key], b.g_ema[key], rtol=1e-4, atol=1e-5)


def test_fine_tune_starts_from_the_model_and_counts_afresh(folder, tmp_path):
    base = tmp_path / "base.safetensors"
    drive(train(folder, base, _config(steps=2)))
    tuned = tmp_path / "tuned.safetensors"
    result = drive(train(folder, tuned, _config(steps=1, lr_g=0.0, lr_d=0.0), init=base))
    assert result.steps == 1
    info = json.loads(tuned.with_suffix(".json").read_text())
    assert info["init"] == {"from": str(base), "steps": 2}
    src, dst = load_checkpoint(base, training=True), load_checkpoint(tuned, training=True)
    assert src.g is not None and dst.g is not None
    for key in src.g:  # with a zero learning rate the generator's weights are the source's
        if src.g[key].is_floating_point() and "running" not in key:
            torch.testing.assert_close(src.g[key], dst.g[key])
    with pytest.raises(GanTrainError, match="either"):
        drive(train(folder, tuned, _config(steps=1), init=base, resume=base))


RED, BLUE = (205, 45, 35), (35, 70, 210)


def _family_folder(root, rng):
    root.mkdir()
    for i in range(8):
        base = np.array(RED if i % 2 == 0 else BLUE, np.float32)
        img = base + rng.normal(0, 25, (32, 32, 3))
        Image.fromarray(img.clip(0, 255).astype(np.uint8)).save(root / f"{i}.png")
    return root


def _families(model, seeds=range(24)):
    pixels = np.stack([s.pixels for s in model.sample(list(seeds), size=32)]).astype(np.float32)
    means = pixels.mean(axis=(1, 2))
    red = int((means[:, 0] > means[:, 2] + 60).sum())
    blue = int((means[:, 2] > means[:, 0] + 60).sum())
    return red, blue, pixels


@pytest.fixture(scope="module")
def two_family_model(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("families")
    root = _family_folder(tmp / "data", np.random.default_rng(1))
    out = tmp / "fam.safetensors"
    config = TrainConfig(
        arch=TINY,
        steps=150,
        batch_size=8,
        min_images=3,
        lr_g=1e-3,
        lr_d=1e-3,
        crop_scale=(0.9, 1.0),
        augment="translation",
        threads=1,
        preview_every_s=1e9,
        checkpoint_every_s=1e9,
    )
    drive(train(root, out, config))
    return GanModel.load(out), root


def test_both_colour_families_appear(two_family_model):
    model, _ = two_family_model
    red, blue, _ = _families(model)
    assert red >= 4 and blue >= 4, (red, blue)  # a generator that ignores its latent paints one family


def test_a_latent_ignoring_generator_fails_the_family_check(two_family_model):
    model, _ = two_family_model
    broken = GanModel.load(model.path)
    with torch.no_grad():  # one fixed latent for everyone: the broken generator ignores its input
        fixed = broken.latent(0)
        broken.latent = lambda seed: fixed  # type: ignore[method-assign]
    red, blue, _ = _families(broken)
    assert min(red, blue) == 0


def test_samples_differ_from_every_training_image(two_family_model):
    model, root = two_family_model
    _, _, pixels = _families(model)
    train_imgs = np.stack([np.asarray(Image.open(p), np.float32) for p in sorted(root.glob("*.png"))])
    train_imgs = np.concatenate([train_imgs, train_imgs[:, :, ::-1]])  # and their flips
    nearest = np.abs(pixels[:, None] - train_imgs[None]).mean(axis=(2, 3, 4)).min(axis=1)
    assert nearest.min() > 8.0  # a memorising generator returns its training crops (distance ~0)
    # ...and the check would catch one: a training image scores far below the threshold
    copied = np.abs(train_imgs[:1, None] - train_imgs[None]).mean(axis=(2, 3, 4)).min()
    assert copied == 0.0


def test_recalibrate_bn_measures_statistics_on_the_generator_itself():
    from models.gan.spatial import SpatialGenerator
    from models.gan.training import recalibrate_bn

    g = SpatialGenerator(TINY)
    norms = [m for m in g.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    for m in norms:
        m.running_mean.fill_(100.0)  # statistics that belong to some other weights
        m.running_var.fill_(1e4)

    def make(n, gen):
        return g.random_grid(n, 4, 4, gen)

    recalibrate_bn(g, make, samples=32, batch=16)
    assert not g.training
    assert all(float(m.running_mean.abs().max()) < 10 for m in norms)
    assert all(m.momentum == 0.1 for m in norms)  # the training momentum is restored
    first = [m.running_mean.clone() for m in norms]
    recalibrate_bn(g, make, samples=32, batch=16)
    assert all(torch.equal(a, m.running_mean) for a, m in zip(first, norms, strict=True))  # same seed
