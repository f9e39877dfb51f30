"""Job generators of the GAN panel (Qt-free; run in the job runner's torch pool).

torch and the engine are imported inside the functions, so importing the panel stays light. The panel's
:class:`ModelCache` keeps the loaded model by (path, modification time, device), so that a slider move
re-renders without reloading.
"""

from __future__ import annotations

import threading
from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from models.progress import Progress


@dataclass(frozen=True)
class PageSpec:
    """What a page of the grid shows, independent of truncation: latents with their recipes."""

    latents: np.ndarray = field(repr=False)  # N×z_dim float32
    recipes: tuple[dict[str, Any], ...]
    title: str = ""


class ModelCache:
    """The one loaded ``GanModel`` (one at a time is plenty), shared by the jobs of a panel."""

    def __init__(self) -> None:
        self._key: tuple[str, float, str] | None = None
        self._model: Any = None
        self._lock = threading.Lock()  # jobs run in the torch pool's thread, one at a time, but be safe

    def load(self, path: str | Path, device: str = "auto") -> Any:
        """The ``GanModel`` for ``path`` (reloaded when the file changes)."""
        from models.gan import GanModel

        path = Path(path)
        try:
            stamp = path.stat().st_mtime
        except OSError:
            stamp = -1.0
        key = (str(path), stamp, device)
        with self._lock:
            if self._key != key:
                self._model = None  # free the previous one first
                self._model = GanModel.load(path, device=device)
                self._key = key
            return self._model


def seed_page(models: ModelCache, path: str | Path, seeds: list[int], device: str = "auto") -> PageSpec:
    model = models.load(path, device)
    latents = np.stack([model.latent(s) for s in seeds])
    return PageSpec(latents, tuple({"seed": int(s)} for s in seeds), f"seeds {seeds[0]}–{seeds[-1]}")


def variation_page(
    models: ModelCache,
    path: str | Path,
    parent_latent: np.ndarray,
    parent_recipe: dict[str, Any],
    strength: float,
    seed: int,
    count: int = 15,
    device: str = "auto",
) -> PageSpec:
    """The parent first, then ``count`` variations of it."""
    from models.gan.sampling import vary_latent

    models.load(path, device)
    latents = [parent_latent] + [vary_latent(parent_latent, strength, seed + i) for i in range(count)]
    recipes = [parent_recipe] + [
        {"variation": seed + i, "strength": round(strength, 3), "of": parent_recipe} for i in range(count)
    ]
    return PageSpec(np.stack(latents).astype(np.float32), tuple(recipes), "variations")


def render_page(
    models: ModelCache,
    path: str | Path,
    spec: PageSpec | Any,
    truncation: float,
    device: str = "auto",
    chunk: int = 4,
) -> Generator[Progress, None, list[Any]]:
    """Render a page (a :class:`PageSpec`, or a zero-argument callable making one in this thread) into
    ``GanSample``s, a few images per yield so that a newer request cancels it quickly."""
    from models.gan import GanSample

    yield Progress(0, 1, "loading model")
    if callable(spec):
        spec = spec()
    model = models.load(path, device)
    n = len(spec.latents)
    out: list[Any] = []
    for i in range(0, n, chunk):
        yield Progress(i, n, "sampling")
        pixels = model.render(spec.latents[i : i + chunk], truncation)
        out += [
            GanSample(p, z, truncation, r)
            for p, z, r in zip(pixels, spec.latents[i : i + chunk], spec.recipes[i : i + chunk], strict=True)
        ]
    yield Progress(n, n, "done")
    return out


def interpolate(
    models: ModelCache, path: str | Path, a: Any, b: Any, frames: int, truncation: float, device: str = "auto"
) -> Generator[Progress, None, np.ndarray]:
    """Frames from sample ``a`` to ``b`` (N×H×W×3), rendered a few at a time."""
    from models.gan.sampling import slerp

    yield Progress(0, frames, "loading model")
    model = models.load(path, device)
    latents = np.stack([slerp(a.latent, b.latent, i / (frames - 1)) for i in range(frames)])
    out = []
    for i in range(0, frames, 4):
        yield Progress(i, frames, "interpolating")
        out.append(model.render(latents[i : i + 4], truncation))
    return np.concatenate(out)


def cross_page(
    models: ModelCache, path: str | Path, a: Any, b: Any, seed: int, count: int = 14, device: str = "auto"
) -> PageSpec:
    """A and B first, then ``count`` children of them (latent crossover with seeds ``seed, seed+1, …``)."""
    from models.gan.sampling import cross_latents

    models.load(path, device)
    latents = [a.latent, b.latent] + [cross_latents(a.latent, b.latent, seed + i) for i in range(count)]
    recipes = [a.recipe, b.recipe] + [
        {"cross": "mix", "a": a.recipe, "b": b.recipe, "mix_seed": seed + i} for i in range(count)
    ]
    return PageSpec(np.stack(latents).astype(np.float32), tuple(recipes), "children of A × B")


def train(
    folder: str, out: str | Path, resolution: int, steps: int, device: str, resume: str | Path | None
) -> Generator[Progress, None, Any]:
    """Train (or resume) a model on ``folder`` into ``out``; crops are large, as for whole paintings."""
    from models.gan import GanArch, TrainConfig, default_arch
    from models.gan import train as train_gan
    from studio.io.images import read_pixels

    config = TrainConfig(
        # On resume the checkpoint's own architecture replaces this one (resolution is then 0).
        arch=default_arch(resolution) if resolution else GanArch(),
        steps=steps,
        device=device,
        crop_scale=(0.6, 1.0),
        checkpoint_every_s=120.0,
        preview_every_s=10.0,
    )
    return (
        yield from train_gan(
            folder,
            out,
            config,
            resume=resume,
            extra_info={"made_by": "Atelier GAN panel"},
            read_image=read_pixels,
        )
    )


def save_sample(
    models: ModelCache, path: str | Path, sample: Any, model_path: str | Path, size: int | None
) -> Generator[Progress, None, Path]:
    """Save a sample as PNG with its JSON sidecar (optionally upsampled)."""
    from studio.io.gan_files import save_sample as _save

    yield Progress(0, 1, f"saving {Path(path).name}")
    out = _save(path, sample, models.load(model_path), size)
    yield Progress(1, 1, "saved")
    return out


def upsampled(sample: Any, size: int) -> Generator[Progress, None, np.ndarray]:
    from models.gan.export import upsample

    yield Progress(0, 1, f"upsampling to {size}×{size}")
    return upsample(sample.pixels, size)


def export_frames(
    target: str | Path, frames: np.ndarray, as_gif: bool, meta: dict[str, Any]
) -> Generator[Progress, None, Path]:
    from studio.io.gan_files import save_frames, save_gif

    yield Progress(0, 1, "exporting")
    target = Path(target)
    if as_gif:
        return save_gif(target, frames)
    save_frames(target, frames, meta)
    return target
