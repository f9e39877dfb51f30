"""Checking and resizing the engine's input arrays (numpy + Pillow, torch-free)."""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TypeVar

import numpy as np
from PIL import Image

T = TypeVar("T")


def split_alpha(pixels: np.ndarray, what: str) -> tuple[np.ndarray, np.ndarray | None]:
    """HxWx3 uint8 RGB and the alpha channel (or None) from a greyscale, RGB or RGBA uint8 array."""
    if not isinstance(pixels, np.ndarray):
        raise ValueError(f"{what} must be an image array, got {type(pixels).__name__}")
    if pixels.dtype != np.uint8:
        raise ValueError(f"{what} must be 8-bit (uint8) pixels, got {pixels.dtype}")
    if pixels.ndim == 3 and pixels.shape[2] == 1:
        pixels = pixels[..., 0]
    if pixels.ndim == 2:
        return np.repeat(pixels[..., None], 3, axis=2), None
    if pixels.ndim != 3 or pixels.shape[2] not in (3, 4):
        raise ValueError(f"{what} must be greyscale, RGB or RGBA, got an array of shape {pixels.shape}")
    if pixels.shape[0] < 1 or pixels.shape[1] < 1:
        raise ValueError(f"{what} is empty ({pixels.shape[1]}×{pixels.shape[0]} pixels)")
    if pixels.shape[2] == 4:
        return pixels[..., :3], pixels[..., 3]
    return pixels, None


def fit_long_side(width: int, height: int, long_side: int) -> tuple[int, int]:
    """(w, h) scaled so the longer side is ``long_side``, each side at least 1."""
    scale = long_side / max(width, height)
    return max(1, int(round(width * scale))), max(1, int(round(height * scale)))


def resize(pixels: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Resize a uint8 HxW or HxWxC array to (w, h); Lanczos, with a box pre-reduction for huge inputs."""
    if (pixels.shape[1], pixels.shape[0]) == size:
        return np.ascontiguousarray(pixels)
    image = Image.fromarray(np.ascontiguousarray(pixels))
    return np.asarray(image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0))


def rgb_for_engine(pixels: np.ndarray, what: str) -> np.ndarray:
    """A style image as HxWx3 uint8 (greyscale expanded, alpha composited over white)."""
    rgb, alpha = split_alpha(pixels, what)
    if alpha is None:
        return rgb
    a = alpha[..., None].astype(np.float32) / 255.0
    return (rgb.astype(np.float32) * a + 255.0 * (1.0 - a)).round().astype(np.uint8)


def mask_weights(mask: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """A mask image (greyscale, RGB or RGBA uint8; RGBA is composited over black) as float32 weights in
    [0, 1] at ``size`` (w, h): 1 = stylize (white), 0 = keep the photo (black)."""
    if not isinstance(mask, np.ndarray) or mask.dtype != np.uint8:
        raise ValueError("the mask must be an 8-bit image (white = stylize, black = keep the photo)")
    rgb, alpha = split_alpha(mask, "the mask")
    grey = rgb.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
    if alpha is not None:
        grey = grey * (alpha.astype(np.float32) / 255.0)
    grey8 = np.clip(np.round(grey), 0, 255).astype(np.uint8)
    return resize_mask(grey8, size).astype(np.float32) / 255.0


def resize_mask(mask: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Resize a uint8 mask to (w, h) bilinearly: no ringing, so black stays exactly black (and white
    white) away from an edge, where Lanczos would leak a few levels of style into the kept photo."""
    if (mask.shape[1], mask.shape[0]) == size:
        return np.ascontiguousarray(mask)
    return np.asarray(Image.fromarray(np.ascontiguousarray(mask)).resize(size, Image.Resampling.BILINEAR))


#: Input pixels box-reduced per band by :func:`reduce_steps` (a yield between bands).
BAND_PIXELS = 1 << 21


def reduce_steps(
    pixels: np.ndarray, long_side: int, report: Callable[[], T]
) -> Generator[T, None, np.ndarray]:
    """Box-reduce a huge uint8 image by a whole factor to about three times ``long_side`` (what Pillow's
    ``reducing_gap=3`` does inside one uninterruptible call), band by band, yielding ``report()`` between
    bands so that a 100 MP photo can be stopped at once. Smaller images come back as they are."""
    h, w = pixels.shape[:2]
    factor = max(h, w) // (3 * long_side)
    if factor < 2:
        return pixels
    arr = pixels.reshape(h, w, -1)
    rows = factor * max(1, BAND_PIXELS // max(1, w * factor))
    pw = (-w) % factor
    out = []
    for top in range(0, h, rows):
        band = arr[top : top + rows].astype(np.float32)
        band = np.pad(band, ((0, (-band.shape[0]) % factor), (0, pw), (0, 0)), mode="edge")
        small = band.reshape(band.shape[0] // factor, factor, band.shape[1] // factor, factor, -1).mean(
            axis=(1, 3)
        )
        out.append(np.round(small).astype(np.uint8))
        yield report()
    reduced = np.concatenate(out, axis=0)
    return reduced.reshape(reduced.shape[:2]) if pixels.ndim == 2 else reduced
