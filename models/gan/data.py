"""Training images: every readable image in a folder, served as random square crops."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from atelier_common.errors import UserError
from atelier_common.images import is_image_path
from models.progress import Progress

MAX_SIDE = 1024  # training crops never need more detail; bounds memory for big scans

#: ``read_image(path, max_side)`` → HxWx3 or HxWx4 uint8 sRGB pixels; raises a ``UserError`` for a file it
#: cannot read (the app passes ``studio.io.images.read_pixels``, the one loader).
ReadImage = Callable[[Path, int], np.ndarray]


@dataclass
class ImageFolder:
    """The images found in a folder (float tensors 3×H×W in [-1, 1]) and the files skipped, with reasons."""

    folder: Path
    images: list[torch.Tensor] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)

    def summary(self) -> dict[str, object]:
        """JSON-ready description for the checkpoint sidecar."""
        return {
            "folder": str(self.folder),
            "images": len(self.images),
            "files": [p.name for p in self.paths][:200],
            "skipped": len(self.skipped),
        }

    def skipped_text(self, limit: int = 5) -> str:
        """ "skipped 2 files: a.txt (not an image file), b.png (truncated)" or ""."""
        if not self.skipped:
            return ""
        parts = [f"{p.name} ({reason})" for p, reason in self.skipped[:limit]]
        more = f", and {len(self.skipped) - limit} more" if len(self.skipped) > limit else ""
        noun = "file" if len(self.skipped) == 1 else "files"
        return f"skipped {len(self.skipped)} {noun}: " + ", ".join(parts) + more


def scan_folder(
    folder: str | os.PathLike[str], read_image: ReadImage, min_side: int = 16
) -> Generator[Progress, None, ImageFolder]:
    """Load every image under ``folder`` (recursively; hidden files ignored) with ``read_image``, one yield
    per file. Files that are not images, cannot be decoded or are smaller than ``min_side`` are skipped and
    recorded with the reason. Raises ``FileNotFoundError`` / ``NotADirectoryError`` for a bad folder.
    """
    root = Path(folder)
    if not root.exists():
        raise FileNotFoundError(f"{root}: no such folder")
    if not root.is_dir():
        raise NotADirectoryError(f"{root}: not a folder")
    files = sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )
    result = ImageFolder(root)
    for i, path in enumerate(files):
        yield Progress(i, len(files), f"reading {path.name}")
        if not is_image_path(path):
            result.skipped.append((path, "not an image file"))
            continue
        try:
            pixels = read_image(path, MAX_SIDE)
        except (UserError, OSError, ValueError, MemoryError) as exc:  # the last three: be safe
            result.skipped.append((path, _reason(str(exc), path)))
            continue
        if min(pixels.shape[:2]) < min_side:
            result.skipped.append((path, f"too small ({pixels.shape[1]}×{pixels.shape[0]})"))
            continue
        rgb = _flatten_alpha(pixels)
        tensor = torch.from_numpy(np.array(rgb, copy=True)).permute(2, 0, 1).float() / 127.5 - 1.0
        result.images.append(tensor)
        result.paths.append(path)
    yield Progress(len(files), len(files), f"read {len(result.images)} images")
    return result


def _reason(message: str, path: Path) -> str:
    # The loader's message names the file; keep only the reason for the compact summary.
    text = message.replace(str(path), "").replace(path.name, "").strip(" :-")
    return (text or "unreadable")[:80]


def _flatten_alpha(pixels: np.ndarray) -> np.ndarray:
    if pixels.shape[2] == 3:
        return pixels
    alpha = pixels[..., 3:4].astype(np.float32) / 255.0
    # Transparent areas become white paper rather than black.
    return (pixels[..., :3] * alpha + 255.0 * (1 - alpha)).round().astype(np.uint8)


def training_region(width: int, height: int, holdout: float) -> tuple[int, int]:
    """The part of an image that training may crop from: its left ``1 - holdout`` of the width (the right
    strip is reserved for held-out crops). Returns (left, right) columns; the rows are all used."""
    return 0, max(1, int(round(width * (1.0 - holdout))))


def holdout_region(width: int, height: int, holdout: float) -> tuple[int, int]:
    """The reserved right strip (left, right columns) that training never sees; empty when holdout is 0."""
    return training_region(width, height, holdout)[1], width


class CropSampler:
    """Random square crops (side a random fraction of the image's short side), flipped at random and
    resized to ``resolution``: many distinct training examples from a handful of paintings.

    Crops come only from each image's training region (``holdout`` keeps the right strip out). Every
    process of a distributed run draws the whole global batch's crop positions from the same generator and
    cuts out only its own share (``rank`` of ``world_size``), so the data a run sees does not depend on how
    many processes share it; :attr:`digest` fingerprints the crops drawn so far and :attr:`seen` counts them.
    """

    def __init__(
        self,
        images: list[torch.Tensor],
        resolution: int,
        scale: tuple[float, float],
        seed: int = 0,
        holdout: float = 0.0,
        rank: int = 0,
        world_size: int = 1,
    ) -> None:
        if not images:
            raise ValueError("no images to sample from")
        lo, hi = scale
        if not 0 < lo <= hi <= 1:
            raise ValueError(f"crop scale must satisfy 0 < min ≤ max ≤ 1, got {scale}")
        if not 0.0 <= holdout < 0.9:
            raise ValueError(f"the held-out share must be in [0, 0.9), got {holdout}")
        self.images, self.resolution, self.scale = images, resolution, (lo, hi)
        self.holdout, self.rank, self.world_size = holdout, rank, world_size
        self.rng = np.random.default_rng(seed)
        self.seen = 0
        self._hash = hashlib.sha256()

    @property
    def digest(self) -> str:
        return self._hash.hexdigest()[:16]

    def state(self) -> dict[str, Any]:
        """JSON-ready state: a resumed sampler draws exactly the crops this one would have drawn next."""
        return {"rng": self.rng.bit_generator.state, "seen": self.seen, "hash": self._hash.hexdigest()}

    def set_state(self, state: dict[str, Any]) -> None:
        self.rng.bit_generator.state = state["rng"]
        self.seen = int(state["seen"])
        # sha256 cannot be restored mid-stream; continue a chain from the saved digest instead.
        self._hash = hashlib.sha256(str(state["hash"]).encode())

    def _spec(self) -> tuple[int, int, int, int, bool]:
        index = int(self.rng.integers(len(self.images)))
        _, h, w = self.images[index].shape
        left, right = training_region(w, h, self.holdout)
        side = max(8, int(round(min(h, w) * self.rng.uniform(*self.scale))))
        side = min(side, h, right - left)
        top = int(self.rng.integers(0, h - side + 1))
        x0 = left + int(self.rng.integers(0, right - left - side + 1))
        return index, top, x0, side, bool(self.rng.random() < 0.5)

    def batch(self, n: int) -> torch.Tensor:
        """This process's share of a global batch of ``n`` crops (all of it in a single-process run)."""
        if n % self.world_size:
            raise ValueError(
                f"the batch ({n}) must be a multiple of the number of processes ({self.world_size})"
            )
        specs = [self._spec() for _ in range(n)]
        self._hash.update(repr(specs).encode())
        self.seen += n
        share = n // self.world_size
        out = [self._cut(*spec) for spec in specs[self.rank * share : (self.rank + 1) * share]]
        return torch.cat(out).clamp(-1, 1)

    def _cut(self, index: int, top: int, left: int, side: int, flip: bool) -> torch.Tensor:
        crop = self.images[index][:, top : top + side, left : left + side].unsqueeze(0)
        crop = F.interpolate(
            crop,
            size=(self.resolution, self.resolution),
            mode="bilinear",
            antialias=side > self.resolution,
            align_corners=False,
        )
        return crop.flip(3) if flip else crop


class HeldOutSampler(CropSampler):
    """Crops from the reserved right strip of each image only (what training never saw)."""

    def __init__(
        self,
        images: list[torch.Tensor],
        resolution: int,
        scale: tuple[float, float],
        holdout: float,
        seed: int = 0,
    ) -> None:
        strips = []
        for img in images:
            _, h, w = img.shape
            left, right = holdout_region(w, h, holdout)
            if right - left >= 8:
                strips.append(img[:, :, left:right])
        super().__init__(strips or images, resolution, scale, seed=seed)
