"""Recolour preview: the image mapped onto a palette (posterised) so a painter sees how it reads."""

from __future__ import annotations

from collections.abc import Generator, Sequence

import numpy as np

from models.palette.color import rgb_to_lab
from models.palette.delta_e import nearest
from models.progress import Progress


def palette_lut(palette_rgb: Sequence[Sequence[int]] | np.ndarray) -> np.ndarray:
    """32×32×32 table: for each 5-bit RGB cell centre, the index of the nearest palette colour (ΔE00).
    A table keeps full-image recolouring at a few array lookups per pixel instead of ΔE00 per pixel."""
    levels = (np.arange(32) * 8 + 4).astype(np.uint8)
    grid = np.stack(np.meshgrid(levels, levels, levels, indexing="ij"), -1).reshape(-1, 3)
    idx, _ = nearest(rgb_to_lab(grid), rgb_to_lab(np.asarray(palette_rgb, dtype=np.uint8)))
    return idx.reshape(32, 32, 32).astype(np.uint8)


def posterize_steps(
    pixels: np.ndarray, palette_rgb: Sequence[Sequence[int]] | np.ndarray, rows: int = 512
) -> Generator[Progress, None, np.ndarray]:
    """Engine generator: map every pixel of an HxWx3/4 uint8 image to its nearest palette colour
    (alpha is kept). Works in row bands so each yield comes after a bounded amount of work."""
    pal = np.asarray(palette_rgb, dtype=np.uint8).reshape(-1, 3)
    if len(pal) == 0:
        raise ValueError("the palette is empty")
    lut = palette_lut(pal)
    out = np.empty_like(pixels)
    h = pixels.shape[0]
    for y in range(0, h, rows):
        band = pixels[y : y + rows]
        q = band[..., :3] >> 3
        out[y : y + rows, :, :3] = pal[lut[q[..., 0], q[..., 1], q[..., 2]]]
        if pixels.shape[2] == 4:
            out[y : y + rows, :, 3] = band[..., 3]
        yield Progress(min(h, y + rows), h, "recolouring")
    return out


def posterize(pixels: np.ndarray, palette_rgb: Sequence[Sequence[int]] | np.ndarray) -> np.ndarray:
    """Run :func:`posterize_steps` to completion."""
    from models.progress import drive

    return drive(posterize_steps(pixels, palette_rgb))
