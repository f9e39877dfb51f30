"""Checks of a checkpoint's weights against its architecture, made before and right after loading.

``check_shapes`` reads only the safetensors header and builds the networks on torch's ``meta`` device (no
memory), so a sidecar that does not match its weights, or a model too large for the machine, is refused in
a second with one line instead of allocating gigabytes first. ``check_values`` refuses weights of the wrong
dtype (int, bool) or with NaN/infinity, which would otherwise sample a garbage image and exit 0.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from models.gan.config import GanArch
from models.gan.info import CheckpointError
from models.memory import MemoryLimitError, check_fits

_DTYPE_BYTES = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1,
                "BOOL": 1}  # fmt: skip
_FLOAT = {"F64", "F32", "F16", "BF16"}
_INT = {"I64", "I32", "I16", "I8", "U8"}


def _header_shapes(path: Path) -> dict[str, tuple[str, tuple[int, ...]]]:
    from safetensors import safe_open

    try:
        with safe_open(str(path), framework="pt") as f:
            return {k: (f.get_slice(k).get_dtype(), tuple(f.get_slice(k).get_shape())) for k in f.keys()}
    except Exception as exc:  # noqa: BLE001 - SafetensorError has no stable name
        raise CheckpointError(f"{path}: not a valid .safetensors file ({str(exc)[:120]})") from None


def expected_state(arch: GanArch, part: str) -> dict[str, tuple[tuple[int, ...], torch.dtype]]:
    """Names, shapes and dtypes of the state of ``part`` ("g_ema", "g" or "d"), built without memory."""
    if arch.spatial:
        from models.gan.spatial import SpatialDiscriminator as Discriminator
        from models.gan.spatial import SpatialGenerator as Generator
    else:
        from models.gan.networks import Discriminator, Generator  # type: ignore[assignment]

    with torch.device("meta"):
        module = Discriminator(arch) if part == "d" else Generator(arch)
    return {k: (tuple(v.shape), v.dtype) for k, v in module.state_dict().items()}


def check_shapes(path: str | Path, arch: GanArch) -> None:
    """Refuse (:class:`CheckpointError`) weights whose names, shapes or dtypes do not fit ``arch``, and a
    model that would not fit in memory; reads only the file's header."""
    path = Path(path)
    header = _header_shapes(path)
    parts: dict[str, dict[str, tuple[str, tuple[int, ...]]]] = {}
    total = 0
    for key, (dtype, shape) in header.items():
        prefix, _, name = key.partition(".")
        parts.setdefault(prefix, {})[name] = (dtype, shape)
        numel = 1
        for side in shape:
            numel *= side
        total += numel * 4  # loaded as float32
    try:
        check_fits(2 * total, f"{path.name}")
    except MemoryLimitError as exc:
        raise CheckpointError(f"{path}: {exc}") from None
    for part, stored in parts.items():
        if part not in ("g_ema", "g", "d"):
            continue  # load_checkpoint names the unexpected tensor
        expected = expected_state(arch, part)
        missing = sorted(set(expected) - set(stored))
        extra = sorted(set(stored) - set(expected))
        if missing or extra:
            first = f"missing {part}.{missing[0]}" if missing else f"unexpected {part}.{extra[0]}"
            raise CheckpointError(f"{path}: the weights do not fit the architecture in its sidecar ({first})")
        for name, (dtype, shape) in stored.items():
            want_shape, want_dtype = expected[name]
            if shape != want_shape:
                raise CheckpointError(
                    f"{path}: the weights do not fit the architecture in its sidecar ({part}.{name} is "
                    f"{'×'.join(map(str, shape)) or 'a scalar'}, the architecture needs "
                    f"{'×'.join(map(str, want_shape)) or 'a scalar'})"
                )
            want_float = want_dtype.is_floating_point
            if dtype not in (_FLOAT if want_float else _INT | _FLOAT):  # counters are saved as floats
                raise CheckpointError(
                    f"{path}: {part}.{name} holds {dtype} values where "
                    f"{'floating-point weights' if want_float else 'whole numbers'} belong"
                )


def check_values(path: str | Path, tensors: dict[str, Any]) -> None:
    """Refuse weights with NaN or infinite values (they sample garbage)."""
    for key, value in tensors.items():
        if value.is_floating_point() and value.numel() and not bool(torch.isfinite(value).all()):
            raise CheckpointError(f"{path}: {key} holds NaN or infinite values; the model is damaged")
