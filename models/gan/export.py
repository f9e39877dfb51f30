"""What the GAN makes, ready to be written: sample metadata (to make it again), upsampling, GIF bytes.

The files themselves are written by ``studio.io.gan_files`` (atomic saves live in ``studio/io``)."""

from __future__ import annotations

import io
from typing import Any

import numpy as np

from models.gan.sampling import GanModel, GanSample


def model_summary(model: GanModel) -> dict[str, Any]:
    return {
        "name": model.name,
        "path": str(model.path) if model.path else None,
        "resolution": model.resolution,
        "kind": model.arch.kind,
        "steps": int(model.info.get("steps", 0)),
    }


def sample_metadata(
    sample: GanSample, model: GanModel, size: int | tuple[int, int] | None = None
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
