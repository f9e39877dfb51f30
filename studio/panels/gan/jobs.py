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

GRID_SIZE = 256  # the side grid pages are painted at (a spatial model paints any size; saving re-renders)
SAVE_SIZE = 512  # Save PNG and Use as style
MAX_CANVAS_SIDE = 2048  # Send to canvas paints at the picture's size up to this; larger pictures get it
# enlarged (painting 4096² px takes several GB of memory on CPU)


@dataclass(frozen=True)
class PageSpec:
    """What a page of the grid shows, independent of truncation: latents with their recipes."""

    latents: np.ndarray = field(repr=False)  # N×latent_dim float32
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
    tileable: bool = False,
) -> Generator[Progress, None, list[Any]]:
    """Render a page (a :class:`PageSpec`, or a zero-argument callable making one in this thread) into
    ``GanSample``s, a few images per yield so that a newer request cancels it quickly. ``tileable``: the
    samples wrap seamlessly at their edges, as ``gan sample --tileable`` (spatial models; the first
    engine's fixed squares ignore it)."""
    from models.gan import GanSample

    yield Progress(0, 1, "loading model")
    if callable(spec):
        spec = spec()
    model = models.load(path, device)
    n = len(spec.latents)
    out: list[Any] = []
    from models.gan.sampling import root_seed

    size = GRID_SIZE if model.spatial else None
    tileable = bool(tileable and model.spatial)
    for i in range(0, n, chunk):
        yield Progress(i, n, "sampling")
        recipes = spec.recipes[i : i + chunk]
        seeds = [root_seed(r) for r in recipes]
        latents = spec.latents[i : i + chunk]
        pixels = model.render(latents, truncation, size=size, tileable=tileable, noise_seeds=seeds)
        out += [
            GanSample(p, z, truncation, r, tileable) for p, z, r in zip(pixels, latents, recipes, strict=True)
        ]
    yield Progress(n, n, "done")
    return out


def interpolate(
    models: ModelCache, path: str | Path, a: Any, b: Any, frames: int, truncation: float, device: str = "auto"
) -> Generator[Progress, None, np.ndarray]:
    """Frames from sample ``a`` to ``b`` (N×H×W×3), rendered a few at a time (tileable when ``a`` is)."""
    from models.gan.sampling import root_seed, slerp

    yield Progress(0, frames, "loading model")
    model = models.load(path, device)
    latents = np.stack([slerp(a.latent, b.latent, i / (frames - 1)) for i in range(frames)])
    size = GRID_SIZE if model.spatial else None
    noise = [root_seed(a.recipe)] * 4  # a's fine noise throughout: the texture flows, it does not flicker
    out = []
    for i in range(0, frames, 4):
        yield Progress(i, frames, "interpolating")
        chunk = latents[i : i + 4]
        out.append(
            model.render(chunk, truncation, size=size, tileable=a.tileable, noise_seeds=noise[: len(chunk)])
        )
    return np.concatenate(out)


def cross_page(
    models: ModelCache, path: str | Path, a: Any, b: Any, seed: int, count: int = 14, device: str = "auto"
) -> PageSpec:
    """A and B first, then ``count`` children of them (latent crossover with seeds ``seed, seed+1, …``)."""
    model = models.load(path, device)
    latents = [a.latent, b.latent] + [model.cross_latent(a.latent, b.latent, seed + i) for i in range(count)]
    recipes = [a.recipe, b.recipe] + [
        {"cross": "mix", "a": a.recipe, "b": b.recipe, "mix_seed": seed + i} for i in range(count)
    ]
    return PageSpec(np.stack(latents).astype(np.float32), tuple(recipes), "children of A × B")


def train(
    folder: str,
    out: str | Path,
    resolution: int,
    steps: int,
    device: str,
    resume: str | Path | None,
    init: str | Path | None = None,
) -> Generator[Progress, None, Any]:
    """Train (``init``: fine-tune that model; ``resume``: continue that run) on ``folder`` into ``out`` with
    the tested recipe's defaults (``TrainConfig()``, the bundled model's own)."""
    from models.gan import TrainConfig, default_arch
    from models.gan import train as train_gan
    from studio.io.images import read_pixels

    config = TrainConfig(
        # On resume or fine-tuning the model's own architecture replaces this one.
        arch=default_arch(resolution or 96),
        steps=steps,
        device=device,
        checkpoint_every_s=120.0,
        preview_every_s=10.0,
    )
    info = {"made_by": "Atelier GAN panel"}
    return (
        yield from train_gan(
            folder, out, config, resume=resume, init=init, extra_info=info, read_image=read_pixels
        )
    )


def save_sample(
    models: ModelCache,
    path: str | Path,
    sample: Any,
    model_path: str | Path,
    size: int | None,
    device: str = "auto",
) -> Generator[Progress, None, Path]:
    """Save a sample as PNG with its JSON sidecar: a spatial model's painted again at ``size`` (default
    512 px), the first engine's fixed square Lanczos-enlarged to ``size`` when one is given."""
    from dataclasses import replace

    from studio.io.gan_files import save_sample as _save

    yield Progress(0, 1, f"saving {Path(path).name}")
    model = models.load(model_path, device)
    if model.spatial:
        sample = replace(sample, pixels=model.render_samples([sample], size=size or SAVE_SIZE)[0])
        size = None
    out = _save(path, sample, model, size)
    yield Progress(1, 1, "saved")
    return out


def canvas_size(picture: tuple[int, int] | None, fallback: int) -> tuple[int, int]:
    """The (width, height) Send to canvas paints: the open picture's, else ``fallback`` square."""
    return picture if picture else (fallback, fallback)


def at_size(
    models: ModelCache,
    sample: Any,
    model_path: str | Path | None,
    size: tuple[int, int],
    device: str = "auto",
) -> Generator[Progress, None, np.ndarray]:
    """``sample`` at ``size`` (width, height): painted at that size by a spatial model (up to
    ``MAX_CANVAS_SIDE`` a side, then enlarged, keeping the aspect), Lanczos-enlarged for the first engine."""
    from models.gan.export import upsample

    w, h = size
    yield Progress(0, 1, f"painting {w}×{h}")
    model = models.load(model_path, device) if model_path is not None else None
    if model is None or not model.spatial:
        return upsample(sample.pixels, (w, h))
    scale = min(1.0, MAX_CANVAS_SIDE / max(w, h))
    pw, ph = max(16, round(w * scale)), max(16, round(h * scale))
    pixels = model.render_samples([sample], size=(pw, ph), tileable=False)[0]
    yield Progress(1, 1, "painted")
    return pixels if (pw, ph) == (w, h) else upsample(pixels, (w, h))


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
