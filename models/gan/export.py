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
        "steps": int(model.info.get("steps", 0)),
    }


def sample_metadata(sample: Sample, model: GanModel, size: int | None = None) -> dict[str, Any]:
    """The sidecar/provenance of one sample: enough to make it again (recipe, truncation, model)."""
    meta: dict[str, Any] = {
        "tool": "atelier gan",
        "recipe": sample.recipe,
        "truncation": sample.truncation,
        "model": model_summary(model),
    }
    if "seed" in sample.recipe:
        meta["seed"] = sample.recipe["seed"]
    if size is not None:
        meta["upsampled_to"] = size
    return meta


def upsample(pixels: np.ndarray, size: int) -> np.ndarray:
    """Resize a square sample to ``size``×``size`` (Lanczos; the GAN's pixels are soft, not pixel art)."""
    from PIL import Image

    if pixels.shape[0] == size and pixels.shape[1] == size:
        return pixels
    img = Image.fromarray(np.ascontiguousarray(pixels[..., :3]))
    return np.asarray(img.resize((size, size), Image.Resampling.LANCZOS)).copy()


def sample_sidecar(path: str | Path) -> Path:
    """``sample.png`` → ``sample.json``: the sample's own sidecar."""
    return Path(path).with_suffix(".json")


def check_sample_target(path: str | Path, model: GanModel, *, png_must_be_ours: bool = False) -> None:
    """Before any work: refuse a sample ``path`` whose sidecar would land on the model or its sidecar, or
    on any JSON that is not a sample sidecar (``OutputRefused``, one line). With ``png_must_be_ours`` an
    existing PNG is only replaced when Atelier wrote it."""
    from studio.io.guard import check_output, is_ours_image, is_sample_sidecar

    inputs: tuple[Path, ...] = ()
    if model.path is not None:
        inputs = (Path(model.path), Path(model.path).with_suffix(".json"))
    check_output(path, inputs=inputs, replaceable=(is_ours_image if png_must_be_ours else _any), what="image")
    check_output(sample_sidecar(path), inputs=inputs, replaceable=is_sample_sidecar, what="sample sidecar")


def _any(path: Path) -> bool:
    return path.is_file()


def write_sample_sidecar(path: str | Path, meta: dict[str, Any]) -> Path:
    """Write ``meta`` to the sample's own sidecar (refusing a model's sidecar or a foreign file)."""
    from studio.io.atomic import atomic_write_text
    from studio.io.guard import check_output, is_sample_sidecar

    side = check_output(sample_sidecar(path), replaceable=is_sample_sidecar, what="sample sidecar")
    return atomic_write_text(side, json.dumps(meta, indent=2) + "\n")


def save_sample(path: str | Path, sample: Sample, model: GanModel, size: int | None = None) -> Path:
    """Save ``sample`` as PNG (optionally upsampled) with provenance and a ``.json`` sidecar beside it."""
    from studio.io.images import save_image

    path = Path(path)
    check_sample_target(path, model)
    meta = sample_metadata(sample, model, size)
    pixels = upsample(sample.pixels, size) if size else sample.pixels
    out = save_image(path, pixels, provenance=meta)
    write_sample_sidecar(path, meta)
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
        buf,
        format="GIF",
        save_all=True,
        append_images=quantised[1:],
        duration=frame_ms,
        loop=0,
        disposal=2,
        comment=b"Atelier",  # the mark that lets a later export replace it (studio.io.guard)
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
