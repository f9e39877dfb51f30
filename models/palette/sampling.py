"""Bounded, cheap pixel sampling for palette work: region crop, strided downsample, alpha handling and
binning of near-identical colours into weighted representatives."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from atelier_common.errors import UserError
from models.palette.color import rgb_to_lab


class PaletteError(UserError, ValueError):
    """Bad input for the palette engine (message is shown to the user as is)."""


@dataclass(frozen=True)
class PixelSample:
    """Weighted colours standing for an image.

    ``rgb`` (N×3 uint8) are exact pixel colours of the sample, ``weight`` their alpha-weighted counts.
    ``bin_lab``/``bin_weight`` are the same pixels merged into 6-bit-per-channel bins (mean CIELAB per bin):
    far fewer points, used for clustering. ``subsampled`` tells whether pixels were skipped.
    """

    rgb: np.ndarray
    weight: np.ndarray
    bin_lab: np.ndarray
    bin_weight: np.ndarray
    subsampled: bool


def check_image(pixels: np.ndarray) -> np.ndarray:
    """Validate an HxWx3/HxWx4 uint8 array (HxW greyscale is widened to RGB)."""
    pixels = np.asarray(pixels)
    if pixels.ndim == 2:
        pixels = np.repeat(pixels[:, :, None], 3, axis=2)
    if pixels.ndim != 3 or pixels.shape[2] not in (3, 4) or pixels.dtype != np.uint8:
        raise PaletteError(f"expected an HxWx3 or HxWx4 uint8 image, got {pixels.dtype} {pixels.shape}")
    if pixels.shape[0] == 0 or pixels.shape[1] == 0:
        raise PaletteError("the image is empty")
    return pixels


def crop_region(pixels: np.ndarray, region: tuple[int, int, int, int] | None) -> np.ndarray:
    """Crop to ``(x, y, w, h)`` clipped to the image; a region with nothing inside the image is an error."""
    if region is None:
        return pixels
    x, y, w, h = (int(v) for v in region)
    if w <= 0 or h <= 0:
        raise PaletteError(f"region {x},{y},{w},{h} has no area")
    H, W = pixels.shape[:2]
    x0, y0, x1, y1 = max(0, x), max(0, y), min(W, x + w), min(H, y + h)
    if x0 >= x1 or y0 >= y1:
        raise PaletteError(f"region {x},{y},{w},{h} lies outside the {W}x{H} image")
    return pixels[y0:y1, x0:x1]


def strided(pixels: np.ndarray, max_pixels: int) -> tuple[np.ndarray, bool]:
    """Aspect-preserving strided view with at most ``max_pixels`` pixels (no copy of the full image:
    reading every 20th pixel of a 24-MP photo is what keeps extraction fast and memory flat)."""
    H, W = pixels.shape[:2]
    step = max(1, math.ceil(math.sqrt(H * W / max_pixels)))
    if step == 1:
        return pixels, False
    off = step // 2
    return pixels[off::step, off::step], True


def pack_rgb(rgb: np.ndarray) -> np.ndarray:
    """N×3 uint8 → N uint32 keys 0xRRGGBB."""
    rgb = rgb.astype(np.uint32)
    return (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]


def unpack_rgb(keys: np.ndarray) -> np.ndarray:
    keys = np.asarray(keys, dtype=np.uint32)
    return np.stack([(keys >> 16) & 255, (keys >> 8) & 255, keys & 255], axis=-1).astype(np.uint8)


def take_sample(pixels: np.ndarray, max_pixels: int = 40_000, max_bins: int = 6000) -> PixelSample:
    """PixelSample an image for palette extraction; raises PaletteError when no pixel is visible."""
    view, subsampled = strided(pixels, max_pixels)
    flat = np.ascontiguousarray(view).reshape(-1, view.shape[2])
    if flat.shape[1] == 4:
        alpha = flat[:, 3]
        keep = alpha > 0
        if not np.any(keep):
            raise PaletteError("the image (or region) is fully transparent: no colours to extract")
        weights = alpha[keep].astype(np.float64) / 255.0
        rgb = flat[keep, :3]
    else:
        rgb = flat
        weights = np.ones(len(rgb))
    keys, inverse = np.unique(pack_rgb(rgb), return_inverse=True)
    weight = np.bincount(inverse, weights=weights, minlength=len(keys))
    urgb = unpack_rgb(keys)
    lab = rgb_to_lab(urgb)
    # 6 bits per channel: colours inside one bin differ by < 4 levels, a ΔE00 of ~1 at most in practice;
    # very varied images fall back to 5 bits so the clustering cost stays bounded
    for shift in (2, 3):
        bins, binv = np.unique(pack_rgb(urgb >> shift), return_inverse=True)
        if len(bins) <= max_bins:
            break
    bw = np.bincount(binv, weights=weight, minlength=len(bins))
    sums = [np.bincount(binv, weights=weight * lab[:, c], minlength=len(bins)) for c in range(3)]
    blab = np.stack(sums, -1).astype(np.float64) / bw[:, None]
    return PixelSample(rgb=urgb, weight=weight, bin_lab=blab, bin_weight=bw, subsampled=subsampled)


def extra_distinct_colors(pixels: np.ndarray, known: np.ndarray, limit: int, rows: int = 256) -> np.ndarray:
    """Distinct colours of the full image that are not in ``known`` (uint32 keys), at most ``limit`` of
    them. Scans in row chunks so memory stays bounded on huge images; only used when the sample shows
    fewer distinct colours than were asked for."""
    found: list[int] = []
    known_set = set(int(k) for k in known)
    for y in range(0, pixels.shape[0], rows):
        block = pixels[y : y + rows]
        if block.shape[2] == 4:
            block = block[block[..., 3] > 0][:, :3]
        keys = pack_rgb(block.reshape(-1, 3))
        new = keys[~np.isin(keys, np.fromiter(known_set, dtype=np.uint32, count=len(known_set)))]
        if len(new):
            for k in np.unique(new)[: limit - len(found)]:
                known_set.add(int(k))
                found.append(int(k))
        if len(found) >= limit:
            break
    return np.array(found, dtype=np.uint32)
