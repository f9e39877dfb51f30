"""What a GAN checkpoint says about itself: its JSON sidecar (or, without one, the safetensors header).

torch-free, so that the panel can list models (title, size, steps, trainable) at start-up.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from atelier_common.errors import UserError

FORMAT = "atelier-gan"


class CheckpointError(UserError):
    """A checkpoint that cannot be used; the message names the file and says why, in one line."""


def sidecar_path(path: str | Path) -> Path:
    """``model.safetensors`` → ``model.json``."""
    return Path(path).with_suffix(".json")


def read_info(path: str | Path) -> dict[str, Any]:
    """The sidecar of ``path`` (or a minimal one rebuilt from the safetensors header)."""
    path = Path(path)
    side = sidecar_path(path)
    if side.is_file():
        try:
            if side.stat().st_size > MAX_SIDECAR_BYTES:
                raise ValueError("far too large for a sidecar")
            info = json.loads(side.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
            reason = "nested too deeply" if isinstance(exc, RecursionError) else short_reason(exc)
            raise CheckpointError(f"{side}: the sidecar is not valid JSON ({reason})") from None
        if not isinstance(info, dict):
            raise CheckpointError(f"{side}: the sidecar is not a JSON object")
        return validate_info(info, side)
    meta = header(path)
    if meta.get("format") != FORMAT:
        raise CheckpointError(f"{path}: not an Atelier GAN checkpoint (no sidecar, no GAN header)")
    try:
        arch = json.loads(meta["arch"])
        steps = int(meta.get("steps", 0))
    except (KeyError, ValueError, TypeError):
        raise CheckpointError(f"{path}: the GAN header is damaged") from None
    return validate_info({"format": FORMAT, "arch": arch, "steps": steps}, path)


#: Limits of a sidecar: ours are a few kB, and no architecture field of a model we can run is this large.
MAX_SIDECAR_BYTES = 4 * 1024 * 1024
MAX_ARCH_VALUE = 4096
#: Known sidecar fields and their types; any other field is kept as it is (it is only shown, never used).
_INFO_TYPES: dict[str, type] = {
    "format": str,
    "format_version": int,
    "steps": int,
    "resolution": int,
    "trainable": bool,
    "date": str,
    "arch": dict,
}


def validate_info(info: dict[str, Any], where: str | Path) -> dict[str, Any]:
    """Check a sidecar's known fields for type and range (``"steps": "many"``, ``Infinity``, ``-1``, an
    architecture of ``ngf: 200000``); raise :class:`CheckpointError` naming the field."""
    for key, kind in _INFO_TYPES.items():
        if key not in info:
            continue
        value = info[key]
        ok = isinstance(value, kind) and (kind is bool or not isinstance(value, bool))
        if ok and kind is int and not 0 <= value <= 2**53:
            ok = False
        if not ok:
            raise CheckpointError(f"{where}: the sidecar's {key!r} is {_show(value)}, which is not valid")
    for key, value in info.get("arch", {}).items():
        if isinstance(value, str):
            continue  # a kind or a name; the architecture's own check reads it
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise CheckpointError(f"{where}: the architecture's {key!r} is {_show(value)}, not a number")
        if isinstance(value, float) and not value.is_integer():
            raise CheckpointError(
                f"{where}: the architecture's {key!r} is {_show(value)}, not a whole number"
            )
        if not 0 <= value <= MAX_ARCH_VALUE:
            raise CheckpointError(
                f"{where}: the architecture's {key!r} is {value}, outside 0..{MAX_ARCH_VALUE}"
            )
    return info


def _show(value: Any) -> str:
    text = type(value).__name__ if isinstance(value, dict | list) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def header(path: str | Path) -> dict[str, str]:
    """The safetensors metadata; a file that is not safetensors raises :class:`CheckpointError`."""
    from safetensors import safe_open

    try:
        with safe_open(str(path), framework="numpy") as f:
            return dict(f.metadata() or {})
    except Exception as exc:  # SafetensorError is not exported under a stable name
        raise CheckpointError(f"{path}: not a valid .safetensors file ({short_reason(exc)})") from None


def short_reason(exc: BaseException) -> str:
    """An exception's message on one line, at most 120 characters."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:120]


def read_info_or_empty(path: str | Path) -> dict[str, Any]:
    """:func:`read_info`, or ``{}`` for a file that is not a usable checkpoint (listing models)."""
    try:
        return read_info(path)
    except CheckpointError:
        return {}
