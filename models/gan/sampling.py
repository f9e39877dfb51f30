"""Sampling from a trained generator: seeds, truncation, variations, interpolation and crossing.

Every sample is a latent vector made deterministically from integers (a seed, a variation seed), so the
same request always gives the same picture, and each :class:`GanSample` carries a ``recipe`` (JSON-ready)
that says how it was made.

For the spatial generator (``arch.kind == "spatial"``) a latent is one flat float32 vector: the global
latent, the periodic phases, then a canonical grid of local latents (``CANONICAL_CELLS`` square, one cell
per ``2**levels`` px). A sample of any size uses the top-left part of that grid (wrapping beyond it), so the
same seed at 256 px and at 1024 px shows the same picture, the larger one extending it; the per-pixel
noise of a sample is drawn from its recipe's root seed in the same way. Variations, interpolation
(``slerp``) and crossing work on these vectors exactly as on the first engine's ``z``.
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

CANONICAL_CELLS = 64  # the latent grid every seed defines: 1024 px at 16 px a cell, wrapped beyond
MAX_SIDE = 4096  # the largest side sampled (a canvas at its own size); memory grows with the area


@dataclass(frozen=True)
class GanSample:
    """One generated image (HxWx3 uint8) with its latent (before truncation) and how it was made."""

    pixels: np.ndarray = field(repr=False)
    latent: np.ndarray = field(repr=False)
    truncation: float
    recipe: dict[str, Any]
    tileable: bool = False

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


def root_seed(recipe: dict[str, Any]) -> int:
    """The seed a sample descends from (a variation's parent's, a child's first parent's): its noise."""
    for _ in range(64):
        if "seed" in recipe:
            return int(recipe["seed"])
        nxt = recipe.get("of") or recipe.get("a")
        if not isinstance(nxt, dict):
            break
        recipe = nxt
    return 0


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
    x = images.detach().float().clamp(-1, 1)  # a new tensor: the steps below work in place on it
    x = x.add_(1).mul_(127.5).round_().to(torch.uint8)
    return x.permute(0, 2, 3, 1).cpu().numpy()


def _parse_size(size: int | tuple[int, int] | None, default: int) -> tuple[int, int]:
    if size is None:
        return default, default
    if isinstance(size, int):
        return size, size
    return int(size[0]), int(size[1])


class GanModel:
    """A generator ready to sample: load with :meth:`load`; thread-safe for use from one job thread.

    ``size`` (an int for a square, or (width, height)) and ``tileable`` apply to spatial models, which
    paint any size from 16 to :data:`MAX_SIDE` px; the first engine's models always give their fixed
    square (and ignore ``tileable``).
    """

    def __init__(self, generator: torch.nn.Module, info: dict[str, Any], path: Path | None = None) -> None:
        self.generator = generator.eval()
        self.arch: GanArch = generator.arch  # type: ignore[assignment]
        if self.arch.spatial:  # channels-last convolutions: about 1.4× faster sampling on CPU
            self.generator.to(memory_format=torch.channels_last)
        self.info = info
        self.path = path
        self.device = next(generator.parameters()).device
        self._lock = threading.Lock()

    @classmethod
    def from_checkpoint(cls, ckpt: Checkpoint, path: Path | None = None, device: str = "auto") -> GanModel:
        if ckpt.arch.spatial:
            from models.gan.spatial import SpatialGenerator

            gen: torch.nn.Module = SpatialGenerator(ckpt.arch)
        else:
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
    def spatial(self) -> bool:
        return self.arch.spatial

    @property
    def resolution(self) -> int:
        """The training crop side (spatial) or the fixed sample side (first engine)."""
        return self.arch.resolution

    @property
    def default_size(self) -> int:
        return 512 if self.spatial else self.arch.resolution

    @property
    def latent_dim(self) -> int:
        a = self.arch
        if not a.spatial:
            return a.z_dim
        return a.global_dim + a.periodic_dim + a.local_dim * CANONICAL_CELLS * CANONICAL_CELLS

    def latent(self, seed: int) -> np.ndarray:
        if not self.spatial:
            return latent_for_seed(seed, self.arch.z_dim)
        a = self.arch
        gen = torch.Generator().manual_seed(int(seed) & 0xFFFF_FFFF_FFFF_FFFF)
        glob = torch.randn(a.global_dim, generator=gen)
        phase = torch.rand(a.periodic_dim, generator=gen) * (2 * math.pi)
        local = torch.randn(a.local_dim * CANONICAL_CELLS * CANONICAL_CELLS, generator=gen)
        return torch.cat([glob, phase, local]).numpy()

    def check_size(self, size: int | tuple[int, int] | None) -> tuple[int, int]:
        """(width, height) of a request; ValueError with a clear message when out of range."""
        w, h = _parse_size(size, self.default_size)
        if not self.spatial:
            return self.arch.resolution, self.arch.resolution
        if not (16 <= w <= MAX_SIDE and 16 <= h <= MAX_SIDE):
            raise ValueError(f"sample sides must be 16–{MAX_SIDE} px, not {w}×{h}")
        return w, h

    def _split(self, vec: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        a = self.arch
        g_end = a.global_dim
        p_end = g_end + a.periodic_dim
        local = vec[p_end:].reshape(a.local_dim, CANONICAL_CELLS, CANONICAL_CELLS)
        return vec[:g_end], vec[g_end:p_end], local

    def _spatial_batch(
        self,
        latents: np.ndarray,
        truncation: float,
        style: np.ndarray | None,
        noise_seeds: list[int],
        cells: tuple[int, int],
        tileable: bool,
    ) -> tuple[torch.Tensor, list[torch.Tensor]]:
        gen_mod = self.generator
        h, w = cells
        ry = -(-h // CANONICAL_CELLS)
        rx = -(-w // CANONICAL_CELLS)
        locs, globs, phases = [], [], []
        for i, vec in enumerate(latents):
            glob, phase, local = self._split(vec)
            if style is not None:  # the look (global latent and waves) from the style latent
                glob, phase, _ = self._split(style[i])
            if ry > 1 or rx > 1:
                local = np.tile(local, (1, ry, rx))
            locs.append(local[:, :h, :w] * truncation)
            globs.append(glob * truncation)
            phases.append(phase)
        dev = self.device
        z_local = torch.from_numpy(np.stack(locs).astype(np.float32)).to(dev)
        z_global = torch.from_numpy(np.stack(globs).astype(np.float32)).to(dev)
        phase_t = torch.from_numpy(np.stack(phases).astype(np.float32)).to(dev)
        grid = gen_mod.latent_grid(z_local, z_global, phase_t, tileable=tileable)  # type: ignore[operator]
        noise = []
        for level, (nh, nw) in enumerate(gen_mod.noise_shapes(h, w)):  # type: ignore[operator]
            scale = nh // h
            maps = []
            for seed in noise_seeds:
                g = torch.Generator().manual_seed((int(seed) * 7919 + level) & 0xFFFF_FFFF_FFFF_FFFF)
                side = CANONICAL_CELLS * scale
                canon = torch.randn(1, 1, side, side, generator=g)
                if nh > side or nw > side:
                    canon = canon.repeat(1, 1, -(-nh // side), -(-nw // side))
                maps.append(canon[:, :, :nh, :nw])
            noise.append(torch.cat(maps).to(dev))
        return grid, noise

    def render(
        self,
        latents: np.ndarray,
        truncation: float = 1.0,
        style_latents: np.ndarray | None = None,
        batch: int = 16,
        size: int | tuple[int, int] | None = None,
        tileable: bool = False,
        noise_seeds: list[int] | None = None,
    ) -> np.ndarray:
        """Images (N×H×W×3 uint8) for latents (N×latent_dim); truncation < 1 pulls them toward the
        average. ``noise_seeds`` (spatial: the per-pixel noise of each image; default 0)."""
        latents = np.asarray(latents, dtype=np.float32).reshape(-1, self.latent_dim)
        styles = (
            None
            if style_latents is None
            else np.asarray(style_latents, dtype=np.float32).reshape(-1, self.latent_dim)
        )
        w, h = self.check_size(size)
        out = []
        with self._lock, torch.inference_mode():
            if self.spatial:
                cell = 2**self.arch.levels
                if tileable and (h % cell or w % cell):
                    raise ValueError(f"a tileable sample's sides must be multiples of {cell} px, not {w}×{h}")
                # Painted two cells beyond every edge and cut: the network's zero padding leaves a frame
                # (at the same place in every sample) that a picture should not show. Tiles need none.
                m = 0 if tileable else 2
                cells = (-(-h // cell) + 2 * m, -(-w // cell) + 2 * m)
                seeds = list(noise_seeds) if noise_seeds is not None else [0] * len(latents)
                # Large pictures one at a time: memory grows with the area.
                step = max(1, min(batch, (1 << 22) // max(1, w * h)))
                for i in range(0, len(latents), step):
                    sl = slice(i, i + step)
                    grid, noise = self._spatial_batch(
                        latents[sl],
                        truncation,
                        None if styles is None else styles[sl],
                        seeds[sl],
                        cells,
                        tileable,
                    )
                    img = self.generator(grid, noise, tileable=tileable)
                    out.append(to_pixels(img[:, :, m * cell : m * cell + h, m * cell : m * cell + w]))
            else:
                for i in range(0, len(latents), batch):
                    z = torch.from_numpy(latents[i : i + batch] * truncation).to(self.device)
                    s = None
                    if styles is not None:
                        s = torch.from_numpy(styles[i : i + batch] * truncation).to(self.device)
                    out.append(to_pixels(self.generator(z, s)))
        return np.concatenate(out) if out else np.zeros((0, h, w, 3), np.uint8)

    def sample(
        self,
        seeds: list[int],
        truncation: float = 1.0,
        size: int | tuple[int, int] | None = None,
        tileable: bool = False,
    ) -> list[GanSample]:
        """One sample per seed; the same seeds, truncation and size always give the same pixels."""
        latents = np.stack([self.latent(s) for s in seeds]) if seeds else np.zeros((0, self.latent_dim))
        pixels = self.render(latents, truncation, size=size, tileable=tileable, noise_seeds=list(seeds))
        return [
            GanSample(p, z, truncation, {"seed": int(s)}, tileable)
            for p, z, s in zip(pixels, latents, seeds, strict=True)
        ]

    def render_samples(
        self,
        samples: list[GanSample],
        size: int | tuple[int, int] | None = None,
        tileable: bool | None = None,
    ) -> np.ndarray:
        """The pixels of existing samples at another size (e.g. a canvas's): the same picture, extended."""
        if not samples:
            w, h = self.check_size(size)
            return np.zeros((0, h, w, 3), np.uint8)
        t = samples[0].truncation
        tile = samples[0].tileable if tileable is None else tileable
        if not self.spatial and any(s.recipe.get("cross") == "style" for s in samples):
            raise ValueError("a style cross of the first engine cannot be rendered again at another size")
        latents = np.stack([s.latent for s in samples])
        seeds = [root_seed(s.recipe) for s in samples]
        return self.render(latents, t, size=size, tileable=tile, noise_seeds=seeds)

    def cross_latent(self, a: np.ndarray, b: np.ndarray, seed: int) -> np.ndarray:
        """A child latent of ``a`` and ``b``. Spatial models cross in patches: whole regions of the local
        grid (blobs of a few cells, from a smooth random mask) come from one parent or the other, and the
        global latent and waves are crossed coordinate by coordinate; the first engine's ``z`` is crossed
        uniformly (:func:`cross_latents`)."""
        if not self.spatial:
            return cross_latents(a, b, seed)
        n = self.arch.global_dim + self.arch.periodic_dim
        head = cross_latents(a[:n], b[:n], seed)
        gen = torch.Generator().manual_seed(int(seed) + 1)
        coarse = torch.randn(1, 1, CANONICAL_CELLS // 4, CANONICAL_CELLS // 4, generator=gen)
        field = torch.nn.functional.interpolate(coarse, size=(CANONICAL_CELLS,) * 2, mode="bicubic")
        mask = (field[0, 0] > 0).numpy()
        la = a[n:].reshape(self.arch.local_dim, CANONICAL_CELLS, CANONICAL_CELLS)
        lb = b[n:].reshape(self.arch.local_dim, CANONICAL_CELLS, CANONICAL_CELLS)
        local = np.where(mask[None], lb, la).reshape(-1)
        return np.concatenate([head, local]).astype(np.float32)

    def variations(
        self,
        parent: GanSample,
        count: int = 8,
        strength: float = 0.3,
        seed: int = 1,
        truncation: float | None = None,
        size: int | tuple[int, int] | None = None,
    ) -> list[GanSample]:
        """``count`` mutations of ``parent``: variation seeds ``seed, seed+1, …`` (the parent's noise)."""
        t = parent.truncation if truncation is None else truncation
        latents = np.stack([vary_latent(parent.latent, strength, seed + i) for i in range(count)])
        seeds = [root_seed(parent.recipe)] * count
        pixels = self.render(latents, t, size=size, tileable=parent.tileable, noise_seeds=seeds)
        return [
            GanSample(
                p, z, t, {"variation": seed + i, "strength": strength, "of": parent.recipe}, parent.tileable
            )
            for i, (p, z) in enumerate(zip(pixels, latents, strict=True))
        ]

    def interpolate(
        self,
        a: GanSample,
        b: GanSample,
        frames: int = 24,
        truncation: float | None = None,
        size: int | tuple[int, int] | None = None,
    ) -> np.ndarray:
        """``frames`` images (N×H×W×3) from ``a`` to ``b`` inclusive, along a great circle of latents
        (with ``a``'s fine noise throughout, so the texture flows instead of flickering)."""
        t = a.truncation if truncation is None else truncation
        n = max(2, int(frames))
        latents = np.stack([slerp(a.latent, b.latent, i / (n - 1)) for i in range(n)])
        return self.render(latents, t, size=size, tileable=a.tileable, noise_seeds=[root_seed(a.recipe)] * n)

    def cross(
        self,
        a: GanSample,
        b: GanSample,
        seed: int = 0,
        mode: str = "mix",
        size: int | tuple[int, int] | None = None,
    ) -> GanSample:
        """A child of ``a`` and ``b``. ``mode="mix"``: latent crossover (a new individual between them);
        ``mode="style"``: ``a``'s layout with ``b``'s colours and texture (the spatial generator takes
        ``b``'s global latent and waves; the first engine its skip-layer excitation)."""
        t = a.truncation
        noise = [root_seed(a.recipe)]
        if mode == "mix":
            z = self.cross_latent(a.latent, b.latent, seed)
            pixels = self.render(z[None], t, size=size, tileable=a.tileable, noise_seeds=noise)[0]
        elif mode == "style" and self.spatial:
            # The child's own latent: B's global latent and waves over A's local grid.
            a_len = self.arch.global_dim + self.arch.periodic_dim
            z = np.concatenate([b.latent[:a_len], a.latent[a_len:]]).astype(np.float32)
            pixels = self.render(z[None], t, size=size, tileable=a.tileable, noise_seeds=noise)[0]
        elif mode == "style":
            z = a.latent
            pixels = self.render(
                z[None], t, style_latents=b.latent[None], size=size, tileable=a.tileable, noise_seeds=noise
            )[0]
        else:
            raise ValueError(f"cross mode must be 'mix' or 'style', not {mode!r}")
        return GanSample(
            pixels, z, t, {"cross": mode, "a": a.recipe, "b": b.recipe, "mix_seed": seed}, a.tileable
        )


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
