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
            info = json.loads(side.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CheckpointError(f"{side}: the sidecar is not valid JSON ({exc})") from None
        if not isinstance(info, dict):
            raise CheckpointError(f"{side}: the sidecar is not a JSON object")
        return info
    meta = header(path)
    if meta.get("format") != FORMAT:
        raise CheckpointError(f"{path}: not an Atelier GAN checkpoint (no sidecar, no GAN header)")
    try:
        arch = json.loads(meta["arch"])
        steps = int(meta.get("steps", 0))
    except (KeyError, ValueError, TypeError):
        raise CheckpointError(f"{path}: the GAN header is damaged") from None
    return {"format": FORMAT, "arch": arch, "steps": steps}


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
