"""The one image loader and saver for everything Atelier opens or writes.

Loading goes through an allow-list of decoded formats, applies EXIF orientation, scales 16-bit data to
8 bits, converts palette/LA/CMYK images and embedded ICC profiles to sRGB, keeps only the first frame of
animations and refuses decompression bombs. Every failure is an :class:`ImageLoadError` whose message
names the file and the reason. Saving is atomic, never overwrites a protected original, records
provenance in PNG text chunks and never copies EXIF/GPS from inputs.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from models.progress import Progress, drive
from studio.io._decode import (
    MAX_PIXELS,
    ImageLoadError,
    decode_steps,
)
from studio.io._encode import (
    PROVENANCE_KEY,
    SAVE_EXTENSIONS,
    ImageSaveError,
    read_provenance,
    save_image,
)

__all__ = [
    "MAX_PIXELS",
    "PROVENANCE_KEY",
    "SAVE_EXTENSIONS",
    "ImageLoadError",
    "ImageSaveError",
    "LoadedImage",
    "load_image",
    "load_image_steps",
    "read_pixels",
    "read_provenance",
    "save_image",
]


@dataclass(frozen=True, eq=False)
class LoadedImage:
    """An image ready for the engines and the canvas.

    ``pixels`` is a C-contiguous, writable uint8 sRGB array (owned by this object), HxWx4 when ``has_alpha`` else HxWx3 (possibly
    downsampled by ``max_side``). ``size`` is (width, height) of the stored image after EXIF rotation,
    before any downsampling. ``format`` is Pillow's decoded format name ("PNG", "JPEG", ...). ``notes`` are
    human-readable remarks about conversions made while loading.
    """

    pixels: np.ndarray
    path: Path
    format: str
    size: tuple[int, int]
    has_alpha: bool
    notes: tuple[str, ...] = ()


def load_image_steps(
    path: str | os.PathLike[str], max_side: int | None = None
) -> Generator[Progress, None, LoadedImage]:
    """Load an image as a job-runner generator: yields :class:`Progress`, returns a :class:`LoadedImage`.

    Steps: opening, decoding, converting, downscaling. Raises :class:`ImageLoadError` on any bad input.
    """
    result = yield from decode_steps(Path(path), max_side)
    pixels, fmt, size, notes = result
    return LoadedImage(
        pixels=pixels,
        path=Path(path),
        format=fmt,
        size=size,
        has_alpha=pixels.shape[2] == 4,
        notes=tuple(notes),
    )


def load_image(path: str | os.PathLike[str], *, max_side: int | None = None) -> LoadedImage:
    """Load an image file into sRGB uint8 pixels; see :func:`load_image_steps`.

    ``max_side`` (optional) downsamples so that neither side exceeds it (Lanczos).
    Raises :class:`ImageLoadError` naming the file and the reason.
    """
    return drive(load_image_steps(path, max_side))


def read_pixels(path: str | os.PathLike[str], max_side: int | None = None) -> np.ndarray:
    """Just the pixels of :func:`load_image` (what engines that read files are handed, e.g. GAN training)."""
    return load_image(path, max_side=max_side).pixels
