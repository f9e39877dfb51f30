"""Training a GAN on a folder of images, as a job generator.

``train(folder, out_path, config)`` yields :class:`TrainProgress` (losses, ETA, a preview grid every so
often) and returns a :class:`TrainResult`. Each step: a hinge-loss discriminator update on DiffAugmented
real and fake images, then a generator update, then the EMA generator follows. The checkpoint is written
every ``checkpoint_every_s`` seconds, at the end, and when the job is stopped (``gen.close()``) or
interrupted, so a stopped run always leaves a usable model; ``resume=`` continues from one.
"""

from __future__ import annotations

import copy
import math
import os
import time
from collections.abc import Generator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from atelier_common.errors import UserError
from models.device import configure_threads, resolve_device
from models.gan.checkpoint import Checkpoint, load_checkpoint, load_into, save_checkpoint
from models.gan.config import GanArch, TrainConfig
from models.gan.data import CropSampler, ImageFolder, ReadImage, scan_folder
from models.gan.diffaug import diff_augment
from models.gan.networks import Discriminator
from models.gan.networks import Generator as GanGenerator
from models.gan.sampling import latent_for_seed, make_grid, to_pixels
from models.progress import EtaClock, Progress

PREVIEW_SEEDS = tuple(range(16))


class GanTrainError(UserError, ValueError):
    """Training cannot start or go on (too few images, a bad resume file, divergence); one-line message."""


@dataclass(frozen=True)
class TrainProgress(Progress):
    """A :class:`Progress` that also carries the latest losses (for the panel's loss plot)."""

    d_loss: float | None = None
    g_loss: float | None = None
    total_steps: int = 0  # steps of the model so far, counting resumed ones


@dataclass
class TrainResult:
    path: Path
    steps: int  # total steps of the saved model
    losses: list[tuple[int, float, float]] = field(default_factory=list)  # (step, d, g)
    images: int = 0
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    stopped: bool = False


def train(
    folder: str | os.PathLike[str] | ImageFolder,
    out_path: str | os.PathLike[str],
    config: TrainConfig | None = None,
    resume: str | os.PathLike[str] | None = None,
    extra_info: dict[str, Any] | None = None,
    *,
    read_image: ReadImage | None = None,
) -> Generator[Progress, None, TrainResult]:
    """Train on the images in ``folder`` for ``config.steps`` steps and save to ``out_path``.

    A folder given by path is read with ``read_image`` (see :data:`models.gan.data.ReadImage`).

    With ``resume`` the networks (and their architecture) come from that checkpoint and the step count
    continues from it. Raises :class:`GanTrainError` when fewer than ``config.min_images`` images are usable.
    """
    config = config or TrainConfig()
    out_path = Path(out_path)
    if config.threads:
        configure_threads(config.threads)
    device = resolve_device(config.device)

    ckpt: Checkpoint | None = None
    arch = config.arch
    resume_path = Path(resume) if resume is not None else None
    if resume_path is not None:
        ckpt = load_checkpoint(resume_path, training=True)  # CheckpointError propagates: a clear message
        arch = ckpt.arch
        config = replace(config, arch=arch)

    if isinstance(folder, ImageFolder):
        data = folder
    elif read_image is None:
        raise TypeError("train() needs read_image to read a folder given by path")
    else:
        data = yield from scan_folder(folder, read_image, min_side=16)
    if len(data.images) < config.min_images:
        why = f"; {data.skipped_text()}" if data.skipped else ""
        raise GanTrainError(
            f"{data.folder}: found {len(data.images)} usable image(s), at least {config.min_images} are needed{why}"
        )

    start = ckpt.steps if ckpt else 0
    torch.manual_seed(config.seed + start)
    g = GanGenerator(arch).to(device)
    d = Discriminator(arch).to(device)
    g_ema = copy.deepcopy(g).eval()
    if ckpt is not None:
        assert ckpt.g is not None and ckpt.d is not None
        load_into(g, ckpt.g, resume_path or "", "generator")
        load_into(d, ckpt.d, resume_path or "", "discriminator")
        load_into(g_ema, ckpt.g_ema, resume_path or "", "EMA generator")
    for p in g_ema.parameters():
        p.requires_grad_(False)
    opt_g = torch.optim.Adam(g.parameters(), lr=config.lr_g, betas=config.betas)
    opt_d = torch.optim.Adam(d.parameters(), lr=config.lr_d, betas=config.betas)
    sampler = CropSampler(data.images, arch.resolution, config.crop_scale, seed=config.seed + start)
    preview_z = torch.from_numpy(np.stack([latent_for_seed(s, arch.z_dim) for s in PREVIEW_SEEDS])).to(device)

    losses: list[tuple[int, float, float]] = []
    step = start
    saved_step = start
    base_info = {
        "data": data.summary(),
        "train": {
            "batch_size": config.batch_size,
            "lr_g": config.lr_g,
            "lr_d": config.lr_d,
            "ema_decay": config.ema_decay,
            "augment": config.augment,
            "crop_scale": list(config.crop_scale),
            "seed": config.seed,
            "device": str(device),
        },
        **(extra_info or {}),
    }
    previous_seconds = float(ckpt.info.get("train_seconds", 0.0)) if ckpt else 0.0
    run_start = time.perf_counter()

    def save() -> None:
        nonlocal saved_step
        info = dict(base_info)
        info["steps"] = step
        info["train_seconds"] = round(previous_seconds + time.perf_counter() - run_start, 1)
        if losses:
            info["last_losses"] = {"step": losses[-1][0], "d": losses[-1][1], "g": losses[-1][2]}
        recalibrate_bn(g_ema, samples=64)
        save_checkpoint(out_path, Checkpoint(arch, g_ema.state_dict(), g.state_dict(), d.state_dict(), info))
        saved_step = step

    def preview() -> np.ndarray:
        recalibrate_bn(g_ema, samples=32)
        with torch.inference_mode():
            return make_grid(to_pixels(g_ema(preview_z)), cols=4)

    clock = EtaClock(config.steps)
    last_save = time.perf_counter()
    last_preview = float("-inf")  # a first preview right after the first step
    end = start + config.steps
    stopped = True
    last_message = f"step {step}"
    try:
        while step < end:
            real = sampler.batch(config.batch_size).to(device)
            z = torch.randn(config.batch_size, arch.z_dim, device=device)
            fake = g(z)

            # Discriminator: hinge loss, both sides augmented the same way (DiffAugment).
            d_real = d(diff_augment(real, config.augment))
            d_fake = d(diff_augment(fake.detach(), config.augment))
            loss_d = F.relu(1.0 - d_real).mean() + F.relu(1.0 + d_fake).mean()
            opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            opt_d.step()
            yield TrainProgress(
                step - start, config.steps, last_message, eta_s=clock.eta(step - start), total_steps=step
            )

            # Generator: through the (differentiable) augmentation, reusing this step's fakes.
            loss_g = -d(diff_augment(fake, config.augment)).mean()
            opt_g.zero_grad(set_to_none=True)
            loss_g.backward()
            opt_g.step()
            step += 1
            _ema_update(g_ema, g, min(config.ema_decay, (1 + step) / (10 + step)))

            ld, lg = loss_d.item(), loss_g.item()
            if not (math.isfinite(ld) and math.isfinite(lg)):
                raise GanTrainError(
                    f"training diverged at step {step} (loss is not finite); "
                    f"the checkpoint from step {saved_step} is kept"
                )
            losses.append((step, ld, lg))
            now = time.perf_counter()
            pic = None
            if now - last_preview >= config.preview_every_s or step == end:
                pic, last_preview = preview(), now
            if now - last_save >= config.checkpoint_every_s:
                save()
                last_save = time.perf_counter()
            last_message = f"step {step}  D {ld:.3f}  G {lg:.3f}"
            yield TrainProgress(
                step - start,
                config.steps,
                last_message,
                preview=pic,
                eta_s=clock.eta(step - start),
                d_loss=ld,
                g_loss=lg,
                total_steps=step,
            )
        stopped = False
        save()
    except (GeneratorExit, KeyboardInterrupt):
        # Stop keeps a usable checkpoint: everything learnt so far is saved before the job ends.
        if step > saved_step:
            save()
        raise
    return TrainResult(out_path, step, losses, len(data.images), list(data.skipped), stopped)


def _ema_update(ema: GanGenerator, live: GanGenerator, decay: float) -> None:
    # Weights only: the EMA generator's BatchNorm statistics are measured on its own weights
    # (recalibrate_bn); the live generator's statistics do not fit the averaged weights.
    with torch.no_grad():
        for pe, p in zip(ema.parameters(), live.parameters(), strict=True):
            pe.lerp_(p, 1.0 - decay)


def recalibrate_bn(gen: GanGenerator, samples: int = 64, batch: int = 32, seed: int = 0) -> None:
    """Re-measure the BatchNorm running statistics of ``gen`` on its own outputs (a cumulative average
    over ``samples`` latents from a fixed seed), then leave it in eval mode. Without this, EMA weights
    are normalised with statistics of other weights, which washes samples out toward one grey average."""
    norms = [m for m in gen.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    if not norms:
        return
    momenta = [m.momentum for m in norms]
    device = next(gen.parameters()).device
    rng = torch.Generator().manual_seed(seed)
    for m in norms:
        m.reset_running_stats()
        m.momentum = None  # cumulative average over the calibration batches
    gen.train()
    try:
        with torch.no_grad():
            for i in range(0, samples, batch):
                n = min(batch, samples - i)
                gen(torch.randn(n, gen.arch.z_dim, generator=rng).to(device))
    finally:
        for m, momentum in zip(norms, momenta, strict=True):
            m.momentum = momentum
        gen.eval()


def default_arch(resolution: int) -> GanArch:
    """The architecture the app and CLI train at each resolution (narrower at high resolution for CPU)."""
    return GanArch(resolution=resolution, z_dim=128, ngf=24 if resolution <= 128 else 32, ndf=24)
