"""Training the spatial GAN on a folder of images, as a job generator.

``train(folder, out_path, config)`` yields :class:`TrainProgress` (losses, ETA, a preview grid every so
often) and returns a :class:`TrainResult`. One step (the few-shot recipe, after FastGAN and ADA):

1. the discriminator scores real crops and generated ones, both augmented with the adaptive probability
   ``p``, under the hinge loss, and its decoder rebuilds the real crops from its features (reconstruction
   loss); every ``r1_every`` steps a lazy R1 penalty on real images follows;
2. the generator is updated through the (frozen) discriminator, and the EMA generator follows it;
3. every 4 steps ``p`` moves toward keeping the discriminator's real-image sign at the target.

The checkpoint (with the complete training state: both networks, EMA, both Adam optimisers, step, RNG and
data-sampler state) is written every ``checkpoint_every_s``, at the end, and when the job is stopped, so a
stopped run always leaves a usable model and ``resume=`` continues the same curve. ``init=`` starts a new
run from another model's weights (fine-tuning the bundled model on a painter's own folder). Under
``torchrun`` the step runs in every process on its share of the batch (``models.gan.distributed``) and
only rank 0 writes.
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
from models.gan import distributed as dist
from models.gan.augment import AdaptiveP, augment
from models.gan.checkpoint import Checkpoint, load_checkpoint, load_into, save_checkpoint
from models.gan.config import GanArch, TrainConfig
from models.gan.data import CropSampler, HeldOutSampler, ImageFolder, ReadImage, scan_folder
from models.gan.sampling import make_grid, to_pixels
from models.gan.spatial import SpatialDiscriminator, SpatialGenerator, reconstruction_target
from models.gan.train_state import ema_update, load_optimizer, optimizer_tensors, recalibrate_bn, thin
from models.progress import EtaClock, Progress

PREVIEW_COUNT = 16
ADA_EVERY = 4


class GanTrainError(UserError, ValueError):
    """Training cannot start or go on (too few images, a bad resume file, divergence); one-line message."""


@dataclass(frozen=True)
class TrainProgress(Progress):
    """A :class:`Progress` that also carries the latest losses (for the panel's loss plot)."""

    d_loss: float | None = None
    g_loss: float | None = None
    total_steps: int = 0  # steps of the model so far, counting resumed ones
    augment_p: float | None = None
    score: float | None = None  # the latest quality measurement (patch SWD, lower is better)


@dataclass
class TrainResult:
    path: Path
    steps: int  # total steps of the saved model
    losses: list[tuple[int, float, float]] = field(default_factory=list)  # (step, d, g) of this run
    images: int = 0
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    stopped: bool = False
    best: tuple[int, float] | None = None  # (step, score) of the best checkpoint written, if measured
    images_seen: int = 0
    data_digest: str = ""


def default_arch(resolution: int = 96) -> GanArch:
    """The architecture the app and CLI train: the spatial generator on ``resolution`` px crops."""
    return GanArch(kind="spatial", resolution=resolution, ngf=32, ndf=32)


def best_path(out_path: str | os.PathLike[str]) -> Path:
    """``model.safetensors`` → ``model.best.safetensors``: the best-scoring checkpoint of a measured run."""
    p = Path(out_path)
    return p.with_name(p.stem + ".best" + p.suffix)


def _requires_grad(module: torch.nn.Module, flag: bool) -> None:
    for p in module.parameters():
        p.requires_grad_(flag)


def train(
    folder: str | os.PathLike[str] | ImageFolder,
    out_path: str | os.PathLike[str],
    config: TrainConfig | None = None,
    resume: str | os.PathLike[str] | None = None,
    extra_info: dict[str, Any] | None = None,
    *,
    init: str | os.PathLike[str] | None = None,
    read_image: ReadImage | None = None,
) -> Generator[Progress, None, TrainResult]:
    """Train on the images in ``folder`` for ``config.steps`` steps and save to ``out_path``.

    A folder given by path is read with ``read_image`` (see :data:`models.gan.data.ReadImage`).
    ``resume``: continue that checkpoint's run exactly (architecture, state and step count from it).
    ``init``: start a new run from that model's weights (fine-tuning). Raises :class:`GanTrainError` when
    fewer than ``config.min_images`` images are usable, ``CheckpointError`` for an unusable file.
    """
    config = config or TrainConfig()
    out_path = Path(out_path)
    if resume is not None and init is not None:
        raise GanTrainError("choose either resume (continue a run) or init (start from a model), not both")
    if config.threads:
        configure_threads(config.threads)
    device = torch.device(resolve_device(config.device))  # DeviceError (a UserError) propagates
    world = dist.from_environment()
    device = dist.setup(world, device)
    if config.batch_size % world.world_size:
        raise GanTrainError(
            f"the batch ({config.batch_size}) must be a multiple of the number of processes ({world.world_size})"
        )

    ckpt: Checkpoint | None = None
    source = Path(resume if resume is not None else init) if (resume or init) else None
    if source is not None:
        ckpt = load_checkpoint(source, training=True)  # CheckpointError propagates: a clear message
        if not ckpt.arch.spatial:
            raise GanTrainError(
                f"{source}: a model of the first, fixed-size engine; it samples but cannot be trained "
                "further (train a new model, or start from the bundled one)"
            )
        config = replace(config, arch=ckpt.arch)
    arch = config.arch
    if not arch.spatial:
        raise GanTrainError("only the spatial generator is trained; use default_arch()")

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

    resumed = resume is not None and ckpt is not None
    run_state: dict[str, Any] = dict(ckpt.info.get("run_state", {})) if resumed and ckpt else {}
    start = ckpt.steps if resumed and ckpt else 0
    torch.manual_seed(config.seed)  # the same initial weights in every process (DDP also broadcasts them)
    g_raw = SpatialGenerator(arch).to(device)
    d_raw = SpatialDiscriminator(arch).to(device)
    g_ema = copy.deepcopy(g_raw).eval()
    if ckpt is not None:
        assert ckpt.g is not None and ckpt.d is not None
        load_into(g_raw, ckpt.g, source or "", "generator")
        load_into(d_raw, ckpt.d, source or "", "discriminator")
        load_into(g_ema, ckpt.g_ema, source or "", "EMA generator")
    _requires_grad(g_ema, False)
    opt_g = torch.optim.Adam(g_raw.parameters(), lr=config.lr_g, betas=config.betas)
    opt_d = torch.optim.Adam(d_raw.parameters(), lr=config.lr_d, betas=config.betas)
    sampler = CropSampler(
        data.images,
        arch.resolution,
        config.crop_scale,
        seed=config.seed,
        holdout=config.holdout,
        rank=world.rank,
        world_size=world.world_size,
    )
    ada = AdaptiveP(target=config.ada_target, speed_images=config.ada_speed_images)
    torch.manual_seed(config.seed * 1000 + world.rank + 1)  # each process its own latents and noise
    if resumed and ckpt is not None:
        state = ckpt.state or {}
        load_optimizer(opt_g, "opt_g", state, source)
        load_optimizer(opt_d, "opt_d", state, source)
        if "sampler" in run_state:
            sampler.set_state(run_state["sampler"])
        ada.p = float(run_state.get("augment_p", 0.0))
        rng = state.get(f"rng.torch.{world.rank}")
        if rng is not None and int(run_state.get("world_size", 1)) == world.world_size:
            torch.set_rng_state(rng.to(torch.uint8))
        else:
            torch.manual_seed(config.seed * 1000 + world.rank + 1 + start)
    g = dist.wrap(g_raw, world, device)
    d = dist.wrap(d_raw, world, device)
    local_batch = config.batch_size // world.world_size
    cells = arch.resolution // 2**arch.levels
    preview_gen = torch.Generator().manual_seed(12345)
    preview_grid = g_raw.random_grid(PREVIEW_COUNT, cells * 2, cells * 2, preview_gen)
    preview_noise = [
        torch.randn(PREVIEW_COUNT, 1, h, w, generator=preview_gen).to(device)
        for h, w in g_raw.noise_shapes(cells * 2, cells * 2)
    ]
    reference = _reference_crops(data, config, arch) if config.eval_every and world.is_main else None

    losses: list[tuple[int, float, float]] = []
    history: list[list[float]] = (
        [list(x) for x in ckpt.info.get("loss_history", [])] if resumed and ckpt else []
    )
    step = start
    saved_step = start
    best: tuple[int, float] | None = None
    if resumed and ckpt is not None and "best" in run_state:
        best = (int(run_state["best"]["step"]), float(run_state["best"]["score"]))
    base_info = {
        "data": {**data.summary(), "holdout": config.holdout},
        "train": {
            "recipe": "spatial GAN; hinge loss; self-supervised D (reconstruction); lazy R1; adaptive augmentation",
            "batch_size": config.batch_size,
            "batch_per_process": local_batch,
            "world_size": world.world_size,
            "lr_g": config.lr_g,
            "lr_d": config.lr_d,
            "betas": list(config.betas),
            "ema_decay": config.ema_decay,
            "augment": config.augment,
            "ada_target": config.ada_target,
            "r1_gamma": config.r1_gamma,
            "r1_every": config.r1_every,
            "recon_weight": config.recon_weight,
            "crop_scale": list(config.crop_scale),
            "seed": config.seed,
            "device": str(device),
        },
        **(extra_info or {}),
    }
    if init is not None and ckpt is not None:
        base_info["init"] = {"from": str(init), "steps": ckpt.steps}
    previous_seconds = float(ckpt.info.get("train_seconds", 0.0)) if resumed and ckpt else 0.0
    run_start = time.perf_counter()

    def recalibrate() -> None:
        recalibrate_bn(g_ema, lambda n, gen: g_ema.random_grid(n, cells * 2, cells * 2, gen), samples=32)

    def save(path: Path = out_path, score: float | None = None) -> None:
        """Collective: every process calls it; rank 0 writes."""
        nonlocal saved_step
        rng_states = dist.gather(torch.get_rng_state(), world)
        if not world.is_main:
            return
        info = dict(base_info)
        info["steps"] = step
        info["images_seen"] = sampler.seen
        info["data_digest"] = sampler.digest
        info["train_seconds"] = round(previous_seconds + time.perf_counter() - run_start, 1)
        info["loss_history"] = thin(history)
        info["run_state"] = {
            "sampler": sampler.state(),
            "augment_p": ada.p,
            "world_size": world.world_size,
            **({"best": {"step": best[0], "score": best[1]}} if best else {}),
        }
        if score is not None:
            info["score"] = {"patch_swd": score, "step": step}
        if losses:
            info["last_losses"] = {"step": losses[-1][0], "d": losses[-1][1], "g": losses[-1][2]}
        state = {**optimizer_tensors("opt_g", opt_g), **optimizer_tensors("opt_d", opt_d)}
        for r, rng in enumerate(rng_states):
            state[f"rng.torch.{r}"] = rng
        recalibrate()
        ckpt_out = Checkpoint(arch, g_ema.state_dict(), g_raw.state_dict(), d_raw.state_dict(), info, state)
        save_checkpoint(path, ckpt_out)
        if path == out_path:
            saved_step = step

    def preview() -> np.ndarray:
        recalibrate()
        with torch.inference_mode():
            return make_grid(to_pixels(g_ema(preview_grid, preview_noise)), cols=4)

    def measure() -> float:
        recalibrate()
        assert reference is not None
        cpu_state = torch.get_rng_state()
        with torch.inference_mode():
            gen = torch.Generator().manual_seed(777)
            fakes = torch.cat(
                [g_ema(g_ema.random_grid(16, cells, cells, gen)) for _ in range(max(1, len(reference) // 16))]
            )
        torch.set_rng_state(cpu_state)
        from models.gan.metrics import patch_swd

        return patch_swd(fakes, reference)

    clock = EtaClock(config.steps)
    last_save = time.perf_counter()
    last_preview = float("-inf")  # a first preview right after the first step
    end = start + config.steps
    stopped = True
    score: float | None = None
    last_message = f"step {step}"
    try:
        while step < end:
            real = sampler.batch(config.batch_size).to(device)
            fake = g(g_raw.random_grid(local_batch, cells, cells))

            # Discriminator: hinge loss on augmented real and fake crops, plus the reconstruction of reals.
            _requires_grad(d_raw, True)
            x = torch.cat(
                [augment(real, ada.p, config.augment), augment(fake.detach(), ada.p, config.augment)]
            )
            logits, recon = d(x, reconstruct=True)
            real_logits, fake_logits = logits[:local_batch], logits[local_batch:]
            loss_adv = F.relu(1.0 - real_logits).mean() + F.relu(1.0 + fake_logits).mean()
            assert recon is not None
            loss_rec = F.mse_loss(recon[:local_batch], reconstruction_target(x[:local_batch]))
            loss_d = loss_adv + config.recon_weight * loss_rec + 0.0 * recon[local_batch:].sum()
            opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            opt_d.step()
            ada.observe(real_logits)
            if config.r1_gamma > 0 and config.r1_every > 0 and (step + 1) % config.r1_every == 0:
                _r1_step(d, opt_d, augment(real, ada.p, config.augment), config)
            yield TrainProgress(
                step - start, config.steps, last_message, eta_s=clock.eta(step - start), total_steps=step
            )

            # Generator: through the frozen discriminator (not the DDP wrapper: D's weights do not change).
            _requires_grad(d_raw, False)
            gen_logits, _ = d_raw(augment(fake, ada.p, config.augment))
            loss_g = -gen_logits.mean()
            opt_g.zero_grad(set_to_none=True)
            loss_g.backward()
            opt_g.step()
            step += 1
            ema_update(g_ema, g_raw, min(config.ema_decay, (1 + step) / (10 + step)))
            if step % ADA_EVERY == 0:
                ada.adjust(*dist.all_sum([ada.sum_sign, ada.count], world, device))

            ld, lg = loss_adv.item(), loss_g.item()
            if not (math.isfinite(ld) and math.isfinite(lg)):
                raise GanTrainError(
                    f"training diverged at step {step} (loss is not finite); "
                    f"the checkpoint from step {saved_step} is kept"
                )
            losses.append((step, ld, lg))
            history.append([step, round(ld, 5), round(lg, 5)])
            now = time.perf_counter()
            pic = None
            if world.is_main and (now - last_preview >= config.preview_every_s or step == end):
                pic, last_preview = preview(), now
            if config.eval_every and step % config.eval_every == 0:
                if world.is_main:
                    score = measure()
                if world.is_main and (best is None or score is not None and score < best[1]):
                    assert score is not None
                    best = (step, score)
                    take_best = True
                else:
                    take_best = False
                if dist.broadcast_flag(take_best, world, device):
                    save(best_path(out_path), score)
            if dist.broadcast_flag(now - last_save >= config.checkpoint_every_s, world, device):
                save()
                last_save = time.perf_counter()
            last_message = f"step {step}  D {ld:.3f}  G {lg:.3f}  p {ada.p:.2f}" + (
                f"  swd {score:.3f}" if score is not None else ""
            )
            yield TrainProgress(
                step - start,
                config.steps,
                last_message,
                preview=pic,
                eta_s=clock.eta(step - start),
                d_loss=ld,
                g_loss=lg,
                total_steps=step,
                augment_p=ada.p,
                score=score,
            )
        stopped = False
        save()
    except (GeneratorExit, KeyboardInterrupt):
        # Stop keeps a usable checkpoint: everything learnt so far is saved before the job ends.
        if step > saved_step and not world.enabled:
            save()
        raise
    return TrainResult(
        out_path,
        step,
        losses,
        len(data.images),
        list(data.skipped),
        stopped,
        best,
        sampler.seen,
        sampler.digest,
    )


def _r1_step(
    d: torch.nn.Module, opt_d: torch.optim.Optimizer, real: torch.Tensor, config: TrainConfig
) -> None:
    """Lazy R1: γ/2·E‖∇ₓD(x)‖² on real images, scaled by the interval it is applied at."""
    real = real.detach().requires_grad_(True)
    logits, recon = d(real, reconstruct=True)
    score = logits.flatten(1).mean(1).sum()
    (grad,) = torch.autograd.grad(score, real, create_graph=True)
    penalty = grad.pow(2).flatten(1).sum(1).mean()
    assert recon is not None
    # The zero terms keep every parameter in the graph, as DistributedDataParallel expects.
    loss = config.r1_gamma / 2 * penalty * config.r1_every + 0.0 * recon.sum() + 0.0 * logits.sum()
    opt_d.zero_grad(set_to_none=True)
    loss.backward()
    opt_d.step()


def _reference_crops(data: ImageFolder, config: TrainConfig, arch: GanArch, count: int = 64) -> torch.Tensor:
    """Crops to score samples against: from the held-out strips when there are any, else training crops.
    Drawn from their own generator, so measuring never changes the run's data."""
    sampler = CropSampler(data.images, arch.resolution, config.crop_scale, seed=99991)
    if config.holdout > 0:
        sampler = HeldOutSampler(data.images, arch.resolution, config.crop_scale, config.holdout, seed=99991)
    return sampler.batch(count)
