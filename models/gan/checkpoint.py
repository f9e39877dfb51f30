"""GAN checkpoints: one ``.safetensors`` file plus a JSON sidecar next to it (``model.json``).

The file holds the EMA generator (``g_ema.*``, float32) that sampling uses and, when the model can be
trained further, the training generator and discriminator (``g.*``, ``d.*``) and the rest of the training
state (``state.*``: both Adam optimisers' moments and step counts, and each process's random-number
state), so that a resumed run continues the same loss curve; the sidecar holds the JSON part of that state
(step, augmentation probability, the data sampler's generator). Format 2 (the spatial generator) stores
everything as float32; format 1 (the first, fixed-size generator) stored ``g``/``d`` as float16 and no
optimiser state, and still loads for sampling. The architecture is written both in the sidecar and in the
safetensors header, so a model whose sidecar went missing still loads. Nothing is ever unpickled.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from models.gan.config import GanArch
from models.gan.info import FORMAT, CheckpointError, header, read_info, short_reason, sidecar_path

__all__ = ["Checkpoint", "CheckpointError", "load_checkpoint", "read_info", "save_checkpoint", "sidecar_path"]

FORMAT_VERSION = 2  # 1: the fixed-size "fastgan" generator


@dataclass
class Checkpoint:
    """What a checkpoint file holds. ``g``/``d`` are None for a sampling-only model."""

    arch: GanArch
    g_ema: dict[str, torch.Tensor]
    g: dict[str, torch.Tensor] | None = None
    d: dict[str, torch.Tensor] | None = None
    info: dict[str, Any] = field(default_factory=dict)  # the sidecar: steps, data summary, date, ...
    state: dict[str, torch.Tensor] | None = None  # optimiser moments and RNG states, for an exact resume

    @property
    def steps(self) -> int:
        return int(self.info.get("steps", 0))

    @property
    def trainable(self) -> bool:
        return self.g is not None and self.d is not None


def check_checkpoint_target(path: str | Path) -> Path:
    """Refuse (:class:`CheckpointError`, one line) to write a checkpoint over a file that is not an Atelier
    GAN, or its sidecar over a JSON that is not a GAN sidecar, or into a missing or read-only folder.
    Call it before training starts; :func:`save_checkpoint` calls it on every write."""
    from atelier_common.outputs import OutputRefused, check_output, check_output_dir, is_gan_sidecar

    path = Path(path)
    try:
        check_output_dir(path.parent)  # save_checkpoint makes a missing folder
        if not path.parent.is_dir():
            return path
        check_output(path, replaceable=_is_gan_file, what="GAN checkpoint")
        check_output(sidecar_path(path), replaceable=is_gan_sidecar, what="GAN sidecar")
    except OutputRefused as exc:
        raise CheckpointError(str(exc)) from None
    return path


def _is_gan_file(path: Path) -> bool:
    try:
        return header(path).get("format") == FORMAT
    except CheckpointError:
        return False


def save_checkpoint(path: str | Path, ckpt: Checkpoint) -> Path:
    """Write the checkpoint and its sidecar atomically; returns the checkpoint path."""
    from safetensors.torch import save

    from atelier_common.atomic import atomic_write_bytes, atomic_write_text

    path = Path(check_checkpoint_target(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    tensors = {f"g_ema.{k}": v.detach().float().contiguous().cpu() for k, v in ckpt.g_ema.items()}
    half = not ckpt.arch.spatial  # format 1 kept its training nets in float16
    for prefix, part in (("g", ckpt.g), ("d", ckpt.d), ("state", ckpt.state)):
        if part is not None:
            for k, v in part.items():
                v = v.detach().cpu()
                v = v.half() if half and v.is_floating_point() else v.clone()  # never shares g_ema's storage
                tensors[f"{prefix}.{k}"] = v.contiguous()
    info = dict(ckpt.info)
    info.update(
        format=FORMAT,
        format_version=FORMAT_VERSION if ckpt.arch.spatial else 1,
        arch=ckpt.arch.to_dict(),
        resolution=ckpt.arch.resolution,
        trainable=ckpt.trainable,
        date=info.get("date") or _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    )
    header = {"format": FORMAT, "arch": json.dumps(ckpt.arch.to_dict()), "steps": str(info.get("steps", 0))}
    atomic_write_bytes(path, save(tensors, metadata=header))
    atomic_write_text(sidecar_path(path), json.dumps(info, indent=2, sort_keys=True) + "\n")
    return path


def load_checkpoint(path: str | Path, *, training: bool = False) -> Checkpoint:
    """Read and validate a checkpoint. With ``training`` the discriminator and training generator must be
    present too. Raises :class:`CheckpointError` with a one-line reason for any malformed file."""
    from safetensors.torch import load_file

    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"{path}: no such checkpoint file")
    if path.suffix.lower() != ".safetensors":
        raise CheckpointError(f"{path}: checkpoints are .safetensors files")
    header(path)  # fails fast, with a clear message, on random bytes or a renamed pickle
    info = read_info(path)
    try:
        arch = GanArch.from_dict(info["arch"])
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
        raise CheckpointError(f"{path}: the sidecar does not describe a GAN architecture ({exc})") from None
    # Before anything is allocated: the weights' shapes must be the ones this architecture has, and the
    # model must fit in memory (a sidecar claiming ngf 600 or 200000 must not build gigabytes first).
    from models.gan.weights_check import check_shapes, check_values

    check_shapes(path, arch)
    try:
        tensors = load_file(str(path))
    except Exception as exc:
        raise CheckpointError(f"{path}: not a valid .safetensors file ({short_reason(exc)})") from None
    check_values(path, tensors)
    parts: dict[str, dict[str, torch.Tensor]] = {"g_ema": {}, "g": {}, "d": {}, "state": {}}
    for key, value in tensors.items():
        prefix, _, name = key.partition(".")
        if prefix not in parts or not name:
            raise CheckpointError(f"{path}: unexpected tensor {key!r}; not an Atelier GAN checkpoint")
        parts[prefix][name] = value.float() if value.is_floating_point() and prefix != "state" else value
    if not parts["g_ema"]:
        raise CheckpointError(f"{path}: holds no generator weights")
    ckpt = Checkpoint(
        arch, parts["g_ema"], parts["g"] or None, parts["d"] or None, info, parts["state"] or None
    )
    if training and not ckpt.trainable:
        raise CheckpointError(f"{path}: a sampling-only model; it holds no training state to resume from")
    return ckpt


def load_into(module: torch.nn.Module, state: dict[str, torch.Tensor], path: str | Path, what: str) -> None:
    """``module.load_state_dict(state)`` with shape/name mismatches turned into a :class:`CheckpointError`."""
    try:
        module.load_state_dict(state, strict=True)
    except RuntimeError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "mismatch"
        raise CheckpointError(f"{path}: the {what} weights do not fit its architecture ({first})") from None
