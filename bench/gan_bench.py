"""GAN quality and speed: the bundled spatial model against the first 64 px model, in one run (not a test).

    .venv/bin/python bench/gan_bench.py [--threads 2] [--repeats 5] [--old PATH] [--new PATH]

Quality is measured against *held-out* crops of the shelf paintings (``resources/styles``): the right strip
of each painting that the new model's run kept out of training (``holdout`` in its sidecar), cut at the
crop scale of each model's own recipe. The first model trained on whole paintings, so for it those crops
are not truly held out (said in the output). Figures (medians where timed):

- high-frequency share: spectral energy above a quarter of Nyquist, samples / crops (target 0.5–2×);
- pairwise diversity: mean L1 between images of a set, samples / crops (target ≥ 0.6×);
- position lock: mean (max) correlation of each sample's high-pass image with the others' mean (≤ 0.1);
- memorisation: each image's distance to its nearest training crop in EfficientNet-Lite0 features; no
  sample may be nearer than the nearest held-out crop is;
- speed: 16 samples at 512 px (the old model: 64 px, then Lanczos to 512 as the app did), and training
  steps per second at batch 8.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from models.gan import GanModel  # noqa: E402
from models.gan.data import (  # noqa: E402
    CropSampler,
    HeldOutSampler,  # noqa: E402
    scan_folder,
)
from models.gan.export import upsample  # noqa: E402
from models.gan.metrics import high_frequency_share, pairwise_diversity, position_lock  # noqa: E402
from models.progress import drive  # noqa: E402
from studio.io.images import read_pixels  # noqa: E402

STYLES = ROOT / "resources" / "styles"
NEW = ROOT / "resources" / "gan" / "paintings.safetensors"
OLD = ROOT / "resources" / "gan" / "paintings64.safetensors"


def _pixels(t: torch.Tensor) -> np.ndarray:
    return ((t.clamp(-1, 1) + 1) * 127.5).round().byte().permute(0, 2, 3, 1).numpy()


def _features(images: np.ndarray, net: torch.nn.Module) -> torch.Tensor:
    x = torch.from_numpy(images).permute(0, 3, 1, 2).float() / 255.0
    x = F.interpolate(x, size=(192, 192), mode="bilinear", align_corners=False, antialias=True)
    out = []
    with torch.inference_mode():
        for i in range(0, len(x), 32):
            out.append(net.features(x[i : i + 32], ["head"])["head"].mean(dim=(2, 3)))
    return F.normalize(torch.cat(out), dim=1)


def _nearest(a: torch.Tensor, b: torch.Tensor) -> np.ndarray:
    return torch.cdist(a, b).min(dim=1).values.numpy()


def _time(fn, repeats: int) -> float:  # type: ignore[no-untyped-def]
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def measure(model: GanModel, images, holdout: float, crop: tuple[float, float], repeats: int, net) -> dict:  # type: ignore[no-untyped-def]
    res = model.resolution
    held = HeldOutSampler(images, res, crop, holdout, seed=1).batch(64)
    train = CropSampler(images, res, crop, seed=2, holdout=holdout).batch(512)
    held_px, train_px = _pixels(held), _pixels(train)
    seeds = list(range(64))
    if model.spatial:
        # Each sample painted larger than a crop and cut at its centre: the crop's scale, no border.
        big = np.stack([s.pixels for s in model.sample(seeds, 0.8, size=res + 64)])
        samples = big[:, 32 : 32 + res, 32 : 32 + res]
        full = np.stack([s.pixels for s in model.sample(list(range(16)), 0.8, size=512)])
        speed = _time(lambda: model.sample(list(range(16)), 0.8, size=512), repeats)
        load = os.getloadavg()[0]
    else:
        samples = np.stack([s.pixels for s in model.sample(seeds, 0.8)])
        full = samples[:16]

        def old_at_512() -> None:
            for s in model.sample(list(range(16)), 0.8):
                upsample(s.pixels, 512)

        speed = _time(old_at_512, repeats)
        load = os.getloadavg()[0]
    lock_mean, lock_max = position_lock(full)
    f_train = _features(train_px, net)
    d_samples = _nearest(_features(samples, net), f_train)
    d_held = _nearest(_features(held_px, net), f_train)
    return {
        "hf_samples": high_frequency_share(samples),
        "hf_crops": high_frequency_share(held_px),
        "div_samples": pairwise_diversity(samples),
        "div_crops": pairwise_diversity(held_px),
        "lock_mean": lock_mean,
        "lock_max": lock_max,
        "nn_sample_min": float(d_samples.min()),
        "nn_sample_median": float(np.median(d_samples)),
        "nn_held_min": float(d_held.min()),
        "nn_held_median": float(np.median(d_held)),
        "sample16_512_s": speed,
        "load_avg": load,  # the 1-minute load average just after timing (the machine may be shared)
    }


def train_speed(model_path: Path, old: bool, steps: int) -> float:
    """Training steps per second at batch 8 on the shelf paintings (the model's own recipe)."""
    if old:
        from models.gan.config import GanArch
        from models.gan.diffaug import diff_augment
        from models.gan.networks import Discriminator, Generator

        arch = GanArch(resolution=64, z_dim=128, ngf=24, ndf=24)
        g, d = Generator(arch), Discriminator(arch)
        opt_g = torch.optim.Adam(g.parameters(), 2e-4, betas=(0.5, 0.999))
        opt_d = torch.optim.Adam(d.parameters(), 2e-4, betas=(0.5, 0.999))
        data = drive(scan_folder(STYLES, read_pixels))
        sampler = CropSampler(data.images, 64, (0.12, 0.45))
        times = []
        for i in range(steps + 2):
            t = time.perf_counter()
            real = sampler.batch(8)
            fake = g(torch.randn(8, arch.z_dim))
            aug = "translation,cutout"
            loss_d = (
                torch.relu(1 - d(diff_augment(real, aug))).mean()
                + torch.relu(1 + d(diff_augment(fake.detach(), aug))).mean()
            )
            opt_d.zero_grad()
            loss_d.backward()
            opt_d.step()
            loss_g = -d(diff_augment(fake, aug)).mean()
            opt_g.zero_grad()
            loss_g.backward()
            opt_g.step()
            if i >= 2:
                times.append(time.perf_counter() - t)
        return 1.0 / statistics.median(times)
    import tempfile

    from models.gan import TrainConfig, load_checkpoint, train
    from models.gan.training import TrainProgress

    arch = load_checkpoint(model_path).arch
    stamps: list[float] = []
    config = TrainConfig(
        arch=arch, steps=steps + 2, preview_every_s=1e9, checkpoint_every_s=1e9, min_images=1
    )

    def on(report) -> None:  # type: ignore[no-untyped-def]
        if isinstance(report, TrainProgress) and report.d_loss is not None:
            stamps.append(time.perf_counter())

    with tempfile.TemporaryDirectory() as tmp:
        drive(train(STYLES, Path(tmp) / "m.safetensors", config, read_image=read_pixels), on)
    gaps = np.diff(stamps[1:])
    return 1.0 / float(np.median(gaps))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--train-steps", type=int, default=8)
    ap.add_argument("--new", default=str(NEW))
    ap.add_argument("--old", default=str(OLD))
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    from models.backbones import load_backbone

    net = load_backbone("efficientnet-lite0")
    data = drive(scan_folder(STYLES, read_pixels))
    new, old = GanModel.load(args.new, device="cpu"), GanModel.load(args.old, device="cpu")
    holdout = float(new.info.get("data", {}).get("holdout", 0.3)) or 0.3
    new_crop = tuple(new.info.get("train", {}).get("crop_scale", (0.16, 0.24)))
    old_crop = tuple(old.info.get("train", {}).get("crop_scale", (0.12, 0.45)))
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} threads, CPU; held-out strip: right {holdout:.0%}"
    )
    rows = {
        "new": measure(new, data.images, holdout, new_crop, args.repeats, net),
        "old": measure(old, data.images, holdout, old_crop, args.repeats, net),
    }
    rows["new"]["train_steps_s"] = train_speed(Path(args.new), False, args.train_steps)
    rows["old"]["train_steps_s"] = train_speed(Path(args.old), True, args.train_steps)
    for name, path, r in (("new", args.new, rows["new"]), ("old", args.old, rows["old"])):
        model = new if name == "new" else old
        print(f"\n{name}: {Path(path).name} ({model.arch.kind}, {model.resolution} px crops)")
        hf = r["hf_samples"] / max(r["hf_crops"], 1e-9)
        div = r["div_samples"] / max(r["div_crops"], 1e-9)
        print(
            f"  high-frequency share  samples {r['hf_samples']:.4f}  crops {r['hf_crops']:.4f}  ratio {hf:.2f} (0.5–2)"
        )
        print(
            f"  pairwise diversity    samples {r['div_samples']:.4f}  crops {r['div_crops']:.4f}  ratio {div:.2f} (≥ 0.6)"
        )
        print(f"  position lock         mean {r['lock_mean']:.3f}  max {r['lock_max']:.3f} (≤ 0.1)")
        ok = r["nn_sample_min"] >= r["nn_held_min"]
        print(
            f"  nearest training crop samples min {r['nn_sample_min']:.4f} median {r['nn_sample_median']:.4f}; "
            f"held-out min {r['nn_held_min']:.4f} median {r['nn_held_median']:.4f} -> "
            f"{'no sample nearer than a held-out crop' if ok else 'SOME SAMPLE NEARER THAN EVERY HELD-OUT CROP'}"
        )
        print(
            f"  16 samples at 512 px  median {r['sample16_512_s']:.2f} s (load average {r['load_avg']:.1f} "
            f"on {os.cpu_count()} cores)"
        )
        print(f"  training              {r['train_steps_s']:.2f} steps/s (batch 8)")
    if "holdout" not in old.info.get("data", {}):
        print(
            "\nnote: the old model trained on whole paintings; its 'held-out' crops were in its training data"
        )
    print("\njson " + json.dumps(rows))


if __name__ == "__main__":
    main()
