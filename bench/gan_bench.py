"""GAN speed: sampling throughput at 64/128/256 px and training steps per second (not a test).

    .venv/bin/python bench/gan_bench.py [--device auto|cpu|cuda] [--threads N] [--repeats 5]

Networks are the ones the app trains (``default_arch``) with random weights: speed does not depend on
what was learnt. Prints medians of warm runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from models.device import resolve_device  # noqa: E402
from models.gan import GanModel, default_arch  # noqa: E402
from models.gan.data import CropSampler  # noqa: E402
from models.gan.diffaug import diff_augment  # noqa: E402
from models.gan.networks import Discriminator, Generator  # noqa: E402


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def bench_sampling(res: int, device: torch.device, repeats: int, count: int = 16) -> float:
    gen = Generator(default_arch(res)).to(device)
    model = GanModel(gen, {})
    seeds = list(range(count))
    model.sample(seeds, 0.7)  # warm-up
    times = []
    for _ in range(repeats):
        _sync(device)
        t = time.perf_counter()
        model.sample(seeds, 0.7)
        _sync(device)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def bench_training(res: int, device: torch.device, steps: int, batch: int = 8) -> float:
    arch = default_arch(res)
    g, d = Generator(arch).to(device), Discriminator(arch).to(device)
    opt_g = torch.optim.Adam(g.parameters(), 2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), 2e-4, betas=(0.5, 0.999))
    sampler = CropSampler([torch.rand(3, 600, 800) * 2 - 1], res, (0.2, 0.6))
    times = []
    for i in range(steps + 2):
        _sync(device)
        t = time.perf_counter()
        real = sampler.batch(batch).to(device)
        fake = g(torch.randn(batch, arch.z_dim, device=device))
        loss_d = (
            torch.relu(1 - d(diff_augment(real))).mean()
            + torch.relu(1 + d(diff_augment(fake.detach()))).mean()
        )
        opt_d.zero_grad()
        loss_d.backward()
        opt_d.step()
        loss_g = -d(diff_augment(fake)).mean()
        opt_g.zero_grad()
        loss_g.backward()
        opt_g.step()
        _sync(device)
        if i >= 2:  # the first steps pay for allocator and kernel warm-up
            times.append(time.perf_counter() - t)
    return 1.0 / statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--device", default="auto")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--train-steps", type=int, default=6)
    ap.add_argument("--sizes", default="64,128,256")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(resolve_device(args.device))
    torch.manual_seed(0)
    np.random.seed(0)
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"device={device} torch={torch.__version__} threads={torch.get_num_threads()}")
    for res in sizes:
        s = bench_sampling(res, device, args.repeats)
        print(f"sample 16 @ {res:3d}px: median {s * 1000:7.1f} ms  ({16 / s:6.1f} images/s)")
    for res in sizes[:2]:
        sps = bench_training(res, device, args.train_steps)
        print(f"train  batch 8 @ {res:3d}px: median {sps:5.2f} steps/s ({1 / sps:5.2f} s/step)")


if __name__ == "__main__":
    main()
