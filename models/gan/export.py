"""Writing what the GAN makes: sample PNGs with JSON sidecars, interpolation GIFs and PNG frame folders."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np

from models.gan.sampling import GanModel, Sample


def model_summary(model: GanModel) -> dict[str, Any]:
    return {
        "name": model.name,
        "path": str(model.path) if model.path else None,
        "resolution": model.resolution,
        "kind": model.arch.kind,
        "steps": int(model.info.get("steps", 0)),
    }


def sample_metadata(
    sample: Sample, model: GanModel, size: int | tuple[int, int] | None = None
) -> dict[str, Any]:
    """The sidecar/provenance of one sample: enough to make it again (recipe, truncation, size, model)."""
    h, w = sample.pixels.shape[:2]
    meta: dict[str, Any] = {
        "tool": "atelier gan",
        "recipe": sample.recipe,
        "truncation": sample.truncation,
        "size": [w, h],
        "tileable": sample.tileable,
        "model": model_summary(model),
    }
    if "seed" in sample.recipe:
        meta["seed"] = sample.recipe["seed"]
    if size is not None:
        meta["upsampled_to"] = size
    return meta


def upsample(pixels: np.ndarray, size: int | tuple[int, int]) -> np.ndarray:
    """Resize a sample to ``size`` (a side, or (width, height)) with Lanczos: only for the first engine's
    fixed 64 px samples; spatial models paint the asked size directly."""
    from PIL import Image

    w, h = (size, size) if isinstance(size, int) else size
    if pixels.shape[0] == h and pixels.shape[1] == w:
        return pixels
    img = Image.fromarray(np.ascontiguousarray(pixels[..., :3]))
    return np.asarray(img.resize((w, h), Image.Resampling.LANCZOS)).copy()


def save_sample(
    path: str | Path, sample: Sample, model: GanModel, size: int | tuple[int, int] | None = None
) -> Path:
    """Save ``sample`` as PNG (optionally upsampled) with provenance and a ``.json`` sidecar beside it."""
    from studio.io.atomic import atomic_write_text
    from studio.io.images import save_image

    path = Path(path)
    meta = sample_metadata(sample, model, size)
    pixels = upsample(sample.pixels, size) if size else sample.pixels
    out = save_image(path, pixels, provenance=meta)
    atomic_write_text(path.with_suffix(".json"), json.dumps(meta, indent=2) + "\n")
    return out


def encode_gif(frames: np.ndarray, frame_ms: int = 80, bounce: bool = True) -> bytes:
    """An endlessly looping GIF of N×H×W×3 frames; ``bounce`` plays forward then back for a seamless loop."""
    from PIL import Image

    seq = list(frames)
    if bounce and len(seq) > 2:
        seq = seq + seq[-2:0:-1]
    images = [Image.fromarray(np.ascontiguousarray(f[..., :3])) for f in seq]
    # One adaptive palette per frame keeps painterly colour; dithering would add noise at 64 px.
    quantised = [
        im.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE) for im in images
    ]
    buf = io.BytesIO()
    quantised[0].save(
        buf, format="GIF", save_all=True, append_images=quantised[1:], duration=frame_ms, loop=0, disposal=2
    )
    return buf.getvalue()


def save_gif(path: str | Path, frames: np.ndarray, frame_ms: int = 80, bounce: bool = True) -> Path:
    from studio.io.atomic import atomic_write_bytes

    return atomic_write_bytes(Path(path), encode_gif(frames, frame_ms, bounce))


def save_frames(
    folder: str | Path, frames: np.ndarray, provenance: dict[str, Any] | None = None, stem: str = "frame"
) -> list[Path]:
    """One PNG per frame, ``frame_000.png`` …, in ``folder`` (created)."""
    from studio.io.images import save_image

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i, frame in enumerate(frames):
        meta = dict(provenance or {}, frame=i, frames=len(frames))
        out.append(save_image(folder / f"{stem}_{i:03d}.png", frame, provenance=meta))
    return out
