"""Files the GAN panel and ``atelier gan`` write: sample PNGs with a JSON sidecar (and provenance), looping
GIFs and folders of PNG frames. The pixels and metadata come from ``models.gan.export``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from atelier_common.atomic import atomic_write_bytes, atomic_write_text
from models.gan.export import encode_gif, sample_metadata, upsample
from studio.io.images import save_image


def save_sample(path: str | Path, sample: Any, model: Any, size: int | None = None) -> Path:
    """Save ``sample`` (a ``models.gan.GanSample``) of ``model`` as PNG (optionally upsampled) with
    provenance and a ``.json`` sidecar beside it."""
    path = Path(path)
    meta = sample_metadata(sample, model, size)
    pixels = upsample(sample.pixels, size) if size else sample.pixels
    out = save_image(path, pixels, provenance=meta)
    atomic_write_text(path.with_suffix(".json"), json.dumps(meta, indent=2) + "\n")
    return out


def save_gif(path: str | Path, frames: np.ndarray, frame_ms: int = 80, bounce: bool = True) -> Path:
    return atomic_write_bytes(Path(path), encode_gif(frames, frame_ms, bounce))


def save_frames(
    folder: str | Path, frames: np.ndarray, provenance: dict[str, Any] | None = None, stem: str = "frame"
) -> list[Path]:
    """One PNG per frame, ``frame_000.png`` …, in ``folder`` (created)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i, frame in enumerate(frames):
        meta = dict(provenance or {}, frame=i, frames=len(frames))
        out.append(save_image(folder / f"{stem}_{i:03d}.png", frame, provenance=meta))
    return out
