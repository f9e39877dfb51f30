"""Sampling from a trained generator: seeds, truncation, variations, interpolation and crossing.

Every sample is a latent vector made deterministically from integers (a seed, a variation seed), so the
same request always gives the same picture, and each :class:`GanSample` carries a ``recipe`` (JSON-ready)
that says how it was made.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from models.device import resolve_device
from models.gan.checkpoint import Checkpoint, load_checkpoint, load_into
from models.gan.config import GanArch
from models.gan.networks import Generator


@dataclass(frozen=True)
class GanSample:
    """One generated image (HxWx3 uint8) with its latent (before truncation) and how it was made."""

    pixels: np.ndarray = field(repr=False)
    latent: np.ndarray = field(repr=False)
    truncation: float
    recipe: dict[str, Any]

    @property
    def label(self) -> str:
        """A short caption: the seed, or what the sample descends from."""
        r = self.recipe
        if "seed" in r:
            return f"seed {r['seed']}"
        if "variation" in r:
            return f"{_short_label(r['of'])} · v{r['variation']}"
        if "cross" in r:
            return f"{_short_label(r['a'])} × {_short_label(r['b'])}"
        return "sample"


def _short_label(recipe: dict[str, Any]) -> str:
    return str(recipe["seed"]) if "seed" in recipe else "…"


def latent_for_seed(seed: int, z_dim: int) -> np.ndarray:
    """The standard-normal latent for ``seed`` (the same on every machine: torch's CPU generator)."""
    gen = torch.Generator().manual_seed(int(seed) & 0xFFFF_FFFF_FFFF_FFFF)
    return torch.randn(z_dim, generator=gen).numpy()


def vary_latent(z: np.ndarray, strength: float, seed: int) -> np.ndarray:
    """Mutate ``z`` by ``strength`` (0 = same, 1 = as far again as a fresh sample) keeping its spread."""
    noise = latent_for_seed(seed, z.shape[-1])
    return ((z + strength * noise) / math.sqrt(1.0 + strength * strength)).astype(np.float32)


def slerp(a: np.ndarray, b: np.ndarray, t: float) -> np.ndarray:
    """Spherical interpolation between two latents (stays where Gaussian latents live)."""
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    cos = float(np.clip(np.dot(a / max(na, 1e-8), b / max(nb, 1e-8)), -1.0, 1.0))
    omega = math.acos(cos)
    if omega < 1e-4:
        return ((1 - t) * a + t * b).astype(np.float32)
    s = math.sin(omega)
    return (math.sin((1 - t) * omega) / s * a + math.sin(t * omega) / s * b).astype(np.float32)


def cross_latents(a: np.ndarray, b: np.ndarray, seed: int, share: float = 0.5) -> np.ndarray:
    """Uniform crossover: each latent coordinate from ``b`` with probability ``share``, else from ``a``."""
    gen = torch.Generator().manual_seed(int(seed))
    mask = (torch.rand(a.shape[-1], generator=gen) < share).numpy()
    return np.where(mask, b, a).astype(np.float32)


def to_pixels(images: torch.Tensor) -> np.ndarray:
    """N×3×H×W in [-1, 1] → N×H×W×3 uint8."""
    x = ((images.detach().float().clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)
    return x.permute(0, 2, 3, 1).cpu().numpy()


class GanModel:
    """A generator ready to sample: load with :meth:`load`; thread-safe for use from one job thread."""

    def __init__(self, generator: Generator, info: dict[str, Any], path: Path | None = None) -> None:
        self.generator = generator.eval()
        self.arch: GanArch = generator.arch
        self.info = info
        self.path = path
        self.device = next(generator.parameters()).device
        self._lock = threading.Lock()

    @classmethod
    def from_checkpoint(cls, ckpt: Checkpoint, path: Path | None = None, device: str = "auto") -> GanModel:
        gen = Generator(ckpt.arch)
        load_into(gen, ckpt.g_ema, path or "checkpoint", "generator")
        return cls(gen.to(resolve_device(device)), ckpt.info, path)

    @classmethod
    def load(cls, path: str | Path, device: str = "auto") -> GanModel:
        """Load a checkpoint for sampling; raises ``CheckpointError`` with a clear message if malformed."""
        path = Path(path)
        return cls.from_checkpoint(load_checkpoint(path), path, device)

    @property
    def name(self) -> str:
        return self.path.stem if self.path is not None else "untitled"

    @property
    def resolution(self) -> int:
        return self.arch.resolution

    def latent(self, seed: int) -> np.ndarray:
        return latent_for_seed(seed, self.arch.z_dim)

    def render(
        self,
        latents: np.ndarray,
        truncation: float = 1.0,
        style_latents: np.ndarray | None = None,
        batch: int = 16,
    ) -> np.ndarray:
        """Images (N×H×W×3 uint8) for latents (N×z_dim); truncation < 1 pulls them toward the average."""
        latents = np.asarray(latents, dtype=np.float32).reshape(-1, self.arch.z_dim)
        out = []
        with self._lock, torch.inference_mode():
            for i in range(0, len(latents), batch):
                z = torch.from_numpy(latents[i : i + batch] * truncation).to(self.device)
                s = None
                if style_latents is not None:
                    s_np = np.asarray(style_latents, dtype=np.float32).reshape(-1, self.arch.z_dim)
                    s = torch.from_numpy(s_np[i : i + batch] * truncation).to(self.device)
                out.append(to_pixels(self.generator(z, s)))
        return np.concatenate(out) if out else np.zeros((0, self.resolution, self.resolution, 3), np.uint8)

    def sample(self, seeds: list[int], truncation: float = 1.0) -> list[GanSample]:
        """One sample per seed; the same seeds and truncation always give the same pixels."""
        latents = np.stack([self.latent(s) for s in seeds]) if seeds else np.zeros((0, self.arch.z_dim))
        pixels = self.render(latents, truncation)
        return [
            GanSample(p, z, truncation, {"seed": int(s)})
            for p, z, s in zip(pixels, latents, seeds, strict=True)
        ]

    def variations(
        self,
        parent: GanSample,
        count: int = 8,
        strength: float = 0.3,
        seed: int = 1,
        truncation: float | None = None,
    ) -> list[GanSample]:
        """``count`` mutations of ``parent``: variation seeds ``seed, seed+1, …``."""
        t = parent.truncation if truncation is None else truncation
        latents = np.stack([vary_latent(parent.latent, strength, seed + i) for i in range(count)])
        pixels = self.render(latents, t)
        return [
            GanSample(p, z, t, {"variation": seed + i, "strength": strength, "of": parent.recipe})
            for i, (p, z) in enumerate(zip(pixels, latents, strict=True))
        ]

    def interpolate(
        self, a: GanSample, b: GanSample, frames: int = 24, truncation: float | None = None
    ) -> np.ndarray:
        """``frames`` images (N×H×W×3) from ``a`` to ``b`` inclusive, along a great circle of latents."""
        t = a.truncation if truncation is None else truncation
        n = max(2, int(frames))
        latents = np.stack([slerp(a.latent, b.latent, i / (n - 1)) for i in range(n)])
        return self.render(latents, t)

    def cross(self, a: GanSample, b: GanSample, seed: int = 0, mode: str = "mix") -> GanSample:
        """A child of ``a`` and ``b``. ``mode="mix"``: latent crossover (a new individual between them);
        ``mode="style"``: ``a``'s layout with ``b``'s colours and texture (skip-layer excitation from b)."""
        t = a.truncation
        if mode == "mix":
            z = cross_latents(a.latent, b.latent, seed)
            pixels = self.render(z[None], t)[0]
        elif mode == "style":
            z = a.latent
            pixels = self.render(z[None], t, style_latents=b.latent[None])[0]
        else:
            raise ValueError(f"cross mode must be 'mix' or 'style', not {mode!r}")
        return GanSample(pixels, z, t, {"cross": mode, "a": a.recipe, "b": b.recipe, "mix_seed": seed})


def make_grid(images: np.ndarray, cols: int | None = None, pad: int = 2, background: int = 255) -> np.ndarray:
    """Tile N×H×W×3 images into one HxWx3 sheet, ``cols`` wide (default: as square as possible)."""
    n, h, w = images.shape[:3]
    if n == 0:
        raise ValueError("no images to tile")
    cols = cols or math.ceil(math.sqrt(n))
    rows = math.ceil(n / cols)
    sheet = np.full((rows * h + (rows + 1) * pad, cols * w + (cols + 1) * pad, 3), background, np.uint8)
    for i, img in enumerate(images):
        r, c = divmod(i, cols)
        y, x = pad + r * (h + pad), pad + c * (w + pad)
        sheet[y : y + h, x : x + w] = img[..., :3]
    return sheet
