"""Decoding for :mod:`studio.io.images`: open, decode, normalise to 8-bit sRGB, downscale.

Kept apart from the public module so that each file stays small; the public names live in
``studio.io.images``.
"""

from __future__ import annotations

import io
import os
import struct
import warnings
import zlib
from collections.abc import Generator
from pathlib import Path

import numpy as np
from PIL import Image

from atelier_common.errors import UserError
from models.progress import Progress
from studio.io._colour import to_srgb

#: Largest image (in pixels) we agree to decode: 100 megapixels, about 400 MB as RGBA.
MAX_PIXELS = 100_000_000

# Set once, process-wide: Pillow raises DecompressionBombError above twice this and warns above it; our
# own header check below turns both into an ImageLoadError before any pixel is decoded.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

#: Pillow plugin names we let decode user files. The JPEG plugin itself hands back an "MPO" image for
#: camera JPEGs that carry extra pictures; we report those as JPEG.
ALLOWED_FORMATS = ("PNG", "JPEG", "WEBP", "TIFF", "BMP", "GIF")
_FORMAT_NAMES = {"MPO": "JPEG"}
_SUPPORTED_TEXT = "PNG, JPEG, WebP, TIFF, BMP or GIF"

_EXTENSION_FORMATS = {
    ".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".jpe": "JPEG", ".jfif": "JPEG", ".webp": "WEBP",
    ".tif": "TIFF", ".tiff": "TIFF", ".bmp": "BMP", ".gif": "GIF",
}  # fmt: skip

# EXIF orientation tag → the transpose that shows the picture upright (as in ImageOps.exif_transpose).
_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_EXIF_ORIENTATION_TAG = 0x0112

STEPS = 4

# What Pillow's parsers and decoders raise on damaged input (beyond its documented OSError).
_DAMAGED = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    KeyError,
    TypeError,
    struct.error,
    zlib.error,
)


class ImageLoadError(UserError):
    """An image could not be loaded; ``str(error)`` is ``"<file name>: <reason>"`` for the user."""

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path.name}: {reason}")


DecodeResult = tuple[np.ndarray, str, tuple[int, int], list[str]]


def decode_steps(path: Path, max_side: int | None) -> Generator[Progress, None, DecodeResult]:
    """Load ``path``; yields a Progress per step and returns (pixels, format, size, notes)."""
    if max_side is not None and max_side < 1:
        raise ValueError(f"max_side must be a positive number of pixels, not {max_side}")
    name = path.name
    yield Progress(0, STEPS, f"Opening {name}")
    handle = _open_file(path)
    try:
        notes: list[str] = []
        im = _identify(path, handle)
        fmt = _FORMAT_NAMES.get(im.format or "", im.format or "?")
        full_size = im.size  # before any JPEG draft shrinks it
        _check_extension(path, fmt, notes)
        if _is_animated(im):
            what = "page" if fmt == "TIFF" else "frame"
            notes.append(f"showing the first {what} of a multi-{what} {fmt}")
        if max_side is not None and fmt == "JPEG":
            _draft(im, max_side)

        yield Progress(1, STEPS, f"Decoding {name}")
        _load(path, im)
        orientation = _orientation(im, notes)

        yield Progress(2, STEPS, f"Converting {name}")
        try:
            rgb = to_srgb(im, notes)
        except MemoryError as exc:
            raise ImageLoadError(path, "not enough memory to convert the image") from exc
        except (ValueError, OSError) as exc:
            raise ImageLoadError(path, f"cannot convert its pixels ({exc})") from exc
    finally:
        handle.close()

    stored_size = (full_size[1], full_size[0]) if orientation in (5, 6, 7, 8) else full_size

    yield Progress(3, STEPS, f"Downscaling {name}")
    try:
        if max_side is not None and max(rgb.size) > max_side:
            scale = max_side / max(rgb.size)
            target = (max(1, round(rgb.width * scale)), max(1, round(rgb.height * scale)))
            rgb = rgb.resize(target, Image.Resampling.LANCZOS, reducing_gap=3.0)
        if orientation in _ORIENTATION:
            rgb = rgb.transpose(_ORIENTATION[orientation])
        # np.array (not asarray) copies out of Pillow's read-only buffer: engines and torch.from_numpy
        # want a writable array, and the copy no longer pins the Pillow image.
        pixels = np.array(rgb, dtype=np.uint8, order="C")
    except MemoryError as exc:
        raise ImageLoadError(path, "not enough memory for the image") from exc
    return pixels, fmt, stored_size, notes


def _is_animated(im: Image.Image) -> bool:
    # For GIF this peeks at the next frame, which can fail on a damaged file; the first frame may
    # still be fine, and _load reports it if not.
    try:
        return bool(getattr(im, "is_animated", False))
    except _DAMAGED:
        return False


def _open_file(path: Path) -> io.BufferedReader:
    try:
        if path.is_dir():
            raise ImageLoadError(path, "is a folder, not an image file")
        handle = open(path, "rb")  # noqa: SIM115 - closed by decode_steps' finally
    except ImageLoadError:
        raise
    except FileNotFoundError as exc:
        raise ImageLoadError(path, "file not found") from exc
    except IsADirectoryError as exc:
        raise ImageLoadError(path, "is a folder, not an image file") from exc
    except PermissionError as exc:
        raise ImageLoadError(path, "permission denied (cannot read the file)") from exc
    except OSError as exc:
        raise ImageLoadError(path, f"cannot read the file ({exc.strerror or exc})") from exc
    return handle


def _identify(path: Path, handle: io.BufferedReader) -> Image.Image:
    """Read only the header, through the allow-list; refuse bombs before any pixel is decoded."""
    try:
        size_on_disk = os.fstat(handle.fileno()).st_size
    except OSError:
        size_on_disk = -1
    if size_on_disk == 0:
        raise ImageLoadError(path, "the file is empty")
    # Register the plugins (once; later calls return at once): Image.open(formats=...) looks each allowed
    # name up without doing so itself. Done here rather than at import to keep the window's start fast.
    Image.init()
    try:
        with warnings.catch_warnings():
            # Between the limit and twice it Pillow only warns (on stderr); we refuse below, in our words.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im = Image.open(handle, formats=ALLOWED_FORMATS)
    except Image.UnidentifiedImageError as exc:
        raise ImageLoadError(path, f"not a {_SUPPORTED_TEXT} image, or the file is damaged") from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageLoadError(path, f"the image is too large ({_bomb_detail(str(exc))})") from exc
    except _DAMAGED as exc:
        raise ImageLoadError(path, f"the file is damaged ({exc})") from exc
    w, h = im.size
    if w < 1 or h < 1:
        raise ImageLoadError(path, f"the image has no pixels ({w}×{h})")
    if w * h > MAX_PIXELS:
        raise ImageLoadError(
            path,
            f"the image is too large ({w}×{h} = {w * h / 1e6:.0f} megapixels; "
            f"the limit is {MAX_PIXELS / 1e6:.0f} megapixels)",
        )
    return im


def _bomb_detail(message: str) -> str:
    return f"{message.split(',')[0]}; the limit is {MAX_PIXELS / 1e6:.0f} megapixels"


def _check_extension(path: Path, fmt: str, notes: list[str]) -> None:
    expected = _EXTENSION_FORMATS.get(path.suffix.lower())
    if expected is not None and expected != fmt:
        notes.append(f"the file is a {fmt} image despite its {path.suffix} name")


def _draft(im: Image.Image, max_side: int) -> None:
    """Let libjpeg decode at 1/2, 1/4 or 1/8 scale when the result is downscaled anyway."""
    w, h = im.size
    scale = max_side / max(w, h)
    if scale >= 1:
        return
    # draft keeps the decoded size at or above the request, so Lanczos still does the final step.
    im.draft(None, (max(1, int(w * scale)), max(1, int(h * scale))))


def _load(path: Path, im: Image.Image) -> None:
    try:
        im.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageLoadError(path, f"the image is too large ({_bomb_detail(str(exc))})") from exc
    except MemoryError as exc:
        raise ImageLoadError(path, "not enough memory to decode the image") from exc
    except _DAMAGED as exc:
        detail = str(exc) or type(exc).__name__
        if "truncated" in detail.lower():
            raise ImageLoadError(path, "the file is truncated (cut off before the end)") from exc
        raise ImageLoadError(path, f"the file is damaged or truncated ({detail})") from exc


def _orientation(im: Image.Image, notes: list[str]) -> int:
    try:
        value = im.getexif().get(_EXIF_ORIENTATION_TAG, 1)
    except Exception:  # noqa: BLE001 - broken EXIF must not stop a picture from opening
        notes.append("EXIF data is unreadable; orientation not applied")
        return 1
    try:
        orientation = int(value)
    except (TypeError, ValueError):
        return 1
    if orientation in _ORIENTATION:
        notes.append("rotated upright from its EXIF orientation")
        return orientation
    return 1
