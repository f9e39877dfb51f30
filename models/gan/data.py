"""Training images: every readable image in a folder, served as random square crops."""

from __future__ import annotations

import os
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from pathlib import Path

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


class CropSampler:
    """Random square crops (side a random fraction of the image's short side), flipped at random and
    resized to ``resolution``: many distinct training examples from a handful of paintings."""

    def __init__(
        self, images: list[torch.Tensor], resolution: int, scale: tuple[float, float], seed: int = 0
    ) -> None:
        if not images:
            raise ValueError("no images to sample from")
        lo, hi = scale
        if not 0 < lo <= hi <= 1:
            raise ValueError(f"crop scale must satisfy 0 < min ≤ max ≤ 1, got {scale}")
        self.images, self.resolution, self.scale = images, resolution, (lo, hi)
        self.rng = np.random.default_rng(seed)

    def batch(self, n: int) -> torch.Tensor:
        out = []
        for _ in range(n):
            img = self.images[int(self.rng.integers(len(self.images)))]
            _, h, w = img.shape
            side = max(8, int(round(min(h, w) * self.rng.uniform(*self.scale))))
            top = int(self.rng.integers(0, h - side + 1))
            left = int(self.rng.integers(0, w - side + 1))
            crop = img[:, top : top + side, left : left + side].unsqueeze(0)
            crop = F.interpolate(
                crop,
                size=(self.resolution, self.resolution),
                mode="bilinear",
                antialias=side > self.resolution,
                align_corners=False,
            )
            if self.rng.random() < 0.5:
                crop = crop.flip(3)
            out.append(crop)
        return torch.cat(out).clamp(-1, 1)
