"""Files the GAN panel and ``atelier gan`` write: sample PNGs with a JSON sidecar (and provenance), looping
GIFs and folders of PNG frames. The pixels and metadata come from ``models.gan.export``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from atelier_common.atomic import atomic_write_bytes, atomic_write_text
from models.gan.export import encode_gif, sample_metadata, upsample
from models.gan.info import sidecar_path
from studio.io.guard import check_output, is_ours_image, is_sample_sidecar
from studio.io.images import save_image


def sample_sidecar(path: str | Path) -> Path:
    """``sample.png`` → ``sample.json``: the sample's own sidecar."""
    return Path(path).with_suffix(".json")


def check_sample_target(path: str | Path, model: Any, *, png_must_be_ours: bool = False) -> None:
    """Before any work: refuse a sample ``path`` whose sidecar would land on the model or its sidecar, or
    on any JSON that is not a sample sidecar (``OutputRefused``, one line). With ``png_must_be_ours`` an
    existing PNG is only replaced when Atelier wrote it."""
    inputs: tuple[Path, ...] = ()
    if getattr(model, "path", None) is not None:
        inputs = (Path(model.path), sidecar_path(model.path))
    check_output(
        path, inputs=inputs, replaceable=is_ours_image if png_must_be_ours else Path.is_file, what="image"
    )
    check_output(sample_sidecar(path), inputs=inputs, replaceable=is_sample_sidecar, what="sample sidecar")


def write_sample_sidecar(path: str | Path, meta: dict[str, Any]) -> Path:
    """Write ``meta`` to the sample's own sidecar (refusing a model's sidecar or a foreign file)."""
    side = check_output(sample_sidecar(path), replaceable=is_sample_sidecar, what="sample sidecar")
    return atomic_write_text(side, json.dumps(meta, indent=2) + "\n")


def save_sample(path: str | Path, sample: Any, model: Any, size: int | None = None) -> Path:
    """Save ``sample`` (a ``models.gan.GanSample``) of ``model`` as PNG (optionally upsampled) with
    provenance and a ``.json`` sidecar of its own beside it (never the model's sidecar)."""
    path = Path(path)
    check_sample_target(path, model)
    meta = sample_metadata(sample, model, size)
    pixels = upsample(sample.pixels, size) if size else sample.pixels
    out = save_image(path, pixels, provenance=meta)
    write_sample_sidecar(path, meta)
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
