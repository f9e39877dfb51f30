"""The parts of a training run that are state rather than steps: optimiser moments as named tensors (for
the checkpoint), the thinned loss history, the EMA update and the EMA generator's batch-norm statistics."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import torch

from models.gan.checkpoint import CheckpointError

LOSS_HISTORY = 4000  # loss points kept in the sidecar (thinned evenly beyond that)


def optimizer_tensors(prefix: str, opt: torch.optim.Optimizer) -> dict[str, torch.Tensor]:
    out = {}
    for index, st in opt.state_dict()["state"].items():
        for name, value in st.items():
            if isinstance(value, torch.Tensor):
                out[f"{prefix}.{index}.{name}"] = value.detach().cpu().clone()
    return out


def load_optimizer(
    opt: torch.optim.Optimizer, prefix: str, state: dict[str, torch.Tensor], path: Any
) -> None:
    per_param: dict[int, dict[str, torch.Tensor]] = {}
    for key, value in state.items():
        head, _, rest = key.partition(".")
        if head != prefix:
            continue
        index, _, name = rest.partition(".")
        per_param.setdefault(int(index), {})[name] = value
    if not per_param:
        return  # an older checkpoint without optimiser state: Adam starts afresh
    sd = opt.state_dict()
    sd["state"] = per_param
    try:
        opt.load_state_dict(sd)
    except (ValueError, KeyError, RuntimeError) as exc:
        raise CheckpointError(f"{path}: its optimiser state does not fit the networks ({exc})") from None


def thin(history: list[list[float]]) -> list[list[float]]:
    if len(history) <= LOSS_HISTORY:
        return history
    stride = math.ceil(len(history) / LOSS_HISTORY)
    return history[::stride] + ([history[-1]] if (len(history) - 1) % stride else [])


def ema_update(ema: torch.nn.Module, live: torch.nn.Module, decay: float) -> None:
    # Weights only: the EMA generator's BatchNorm statistics are measured on its own weights
    # (recalibrate_bn); the live generator's statistics do not fit the averaged weights.
    with torch.no_grad():
        for pe, p in zip(ema.parameters(), live.parameters(), strict=True):
            pe.lerp_(p, 1.0 - decay)


def recalibrate_bn(
    gen: torch.nn.Module,
    make_input: Callable[[int, torch.Generator], torch.Tensor],
    samples: int = 64,
    batch: int = 16,
    seed: int = 0,
) -> None:
    """Re-measure the BatchNorm running statistics of ``gen`` on its own outputs (a cumulative average
    over ``samples`` inputs from ``make_input(n, generator)`` with a fixed seed), then leave it in eval
    mode. Without this, EMA weights are normalised with statistics of other weights, which washes
    samples out toward one grey average."""
    norms = [m for m in gen.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    if not norms:
        return
    momenta = [m.momentum for m in norms]
    rng = torch.Generator().manual_seed(seed)
    cpu_state = torch.get_rng_state()  # noise injection draws from the global generator: give it back
    for m in norms:
        m.reset_running_stats()
        m.momentum = None  # cumulative average over the calibration batches
    gen.train()
    try:
        with torch.no_grad():
            for i in range(0, samples, batch):
                gen(make_input(min(batch, samples - i), rng))
    finally:
        torch.set_rng_state(cpu_state)
        for m, momentum in zip(norms, momenta, strict=True):
            m.momentum = momentum
        gen.eval()
