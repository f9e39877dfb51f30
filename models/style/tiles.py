"""Tiles for print-size stylization (torch-free geometry).

A scale too large to run through the network at once is cut into a grid of tiles. Each tile is its *core*
(the pixels it is responsible for; the cores partition the image) plus a *margin* of context on every side
that is inside the image, so the network sees the same neighbourhood at a core's edge as it would in the
whole image. Statistics and losses are taken on cores only and every tile's gradient is added into one
gradient of the whole image (margins included: a pixel in a margin feeds the neighbour core's features),
so one optimiser step over all tiles is, up to the network's receptive field beyond the margin, the step
the whole image would take. Nothing is blended after the fact, which is why no seam shows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Above this many pixels a scale is optimised on tiles. 2048 px images (2048 x 1365, or square) still run
# whole: their memory was measured and fits (bench/style_bench.py --memory).
TILE_PIXELS = 2048 * 2048
# Cores of 640 px (bench/style_tile_probe.py, one step of the last scale): smaller tiles need less memory
# for their passes (at 4096 px a tile's passes rose 1.0 GiB above the rest with 1024 px cores, 0.8 with 768,
# 0.5 with 512) and their tensors are more often reused than mapped afresh and faulted in, so the step was
# faster too, margins included (68 s with 1024 px cores, 51 s with 768, 56 s with 512). At 6000 px the
# peak was 2.37 GiB with 640 px cores and 2.54 with 768.
TILE_CORE = 640  # long side of a core, px
TILE_MARGIN = 96  # context on each side, px (the deep style layers' receptive field mostly lies within)
# In a print run (its last scale tiled) the scales before the last are tiled above this many pixels: the
# 2048 x 2048 scale of a square print, run whole, peaked at 2.76 GiB (measured), more than the tiled last
# scale of a 6000 x 4000 print. 2048 x 1536 (4:3) and wider still run whole.
PRINT_WHOLE_PIXELS = 2048 * 1536


@dataclass(frozen=True)
class Tile:
    """Pixel rectangles ``(y0, y1, x0, x1)`` of a tile in the image and of its core within the tile."""

    y0: int
    y1: int
    x0: int
    x1: int
    core: tuple[int, int, int, int]  # (y0, y1, x0, x1) relative to the tile

    @property
    def pixels(self) -> int:
        return (self.y1 - self.y0) * (self.x1 - self.x0)


def _cuts(length: int, core: int) -> list[int]:
    n = max(1, math.ceil(length / core))
    return [round(i * length / n) for i in range(n + 1)]


def tile_grid(
    height: int, width: int, core: int | None = None, margin: int | None = None, tiled: bool | None = None
) -> list[Tile]:
    """Tiles covering a ``height`` x ``width`` image: one whole tile when it is at most ``TILE_PIXELS``
    (or ``tiled`` is False), else cores of about ``core`` px (equal sizes) with ``margin`` px of context,
    clipped to the image."""
    core = TILE_CORE if core is None else core
    margin = TILE_MARGIN if margin is None else margin
    if not (is_tiled(height, width) if tiled is None else tiled):
        return [Tile(0, height, 0, width, (0, height, 0, width))]
    ys, xs = _cuts(height, core), _cuts(width, core)
    tiles = []
    for cy0, cy1 in zip(ys[:-1], ys[1:], strict=True):
        for cx0, cx1 in zip(xs[:-1], xs[1:], strict=True):
            y0, y1 = max(0, cy0 - margin), min(height, cy1 + margin)
            x0, x1 = max(0, cx0 - margin), min(width, cx1 + margin)
            tiles.append(Tile(y0, y1, x0, x1, (cy0 - y0, cy1 - y0, cx0 - x0, cx1 - x0)))
    return tiles


def is_tiled(height: int, width: int) -> bool:
    return height * width > TILE_PIXELS


def scale_is_tiled(height: int, width: int, out_height: int, out_width: int) -> bool:
    """Whether one scale (``height`` x ``width``) of a run whose result is ``out_height`` x ``out_width``
    runs on tiles: above ``TILE_PIXELS``, and in a print run (its result tiled) above
    ``PRINT_WHOLE_PIXELS`` too."""
    if is_tiled(height, width):
        return True
    return is_tiled(out_height, out_width) and height * width > min(PRINT_WHOLE_PIXELS, TILE_PIXELS)
