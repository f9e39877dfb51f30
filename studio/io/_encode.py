"""Saving for :mod:`studio.io.images`: atomic writes, protected originals, provenance, no EXIF."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, PngImagePlugin

from atelier_common.atomic import atomic_writer
from atelier_common.errors import UserError
from studio import __version__
from studio.io._decode import ImageLoadError

#: The PNG iTXt keyword that holds an output's provenance as JSON.
PROVENANCE_KEY = "atelier:provenance"

#: Extensions ``save_image`` writes (lower case, with the dot) → Pillow format.
SAVE_EXTENSIONS: dict[str, str] = {
    ".png": "PNG",
    ".jpg": "JPEG",
    ".jpeg": "JPEG",
    ".webp": "WEBP",
    ".tif": "TIFF",
    ".tiff": "TIFF",
}


class ImageSaveError(UserError):
    """An image could not be saved; ``str(error)`` is ``"<file name>: <reason>"`` for the user."""

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path.name}: {reason}")


def save_image(
    path: str | os.PathLike[str],
    pixels: np.ndarray,
    *,
    provenance: dict[str, Any] | None = None,
    protect: Any = (),
) -> Path:
    """Save HxWx3 / HxWx4 (or HxW grey) uint8 ``pixels`` to ``path``; the format follows the extension.

    PNG, WebP and TIFF keep alpha; JPEG composites it over white. ``provenance`` (a JSON-able dict) goes
    into a PNG iTXt chunk ``atelier:provenance`` next to a ``Software`` chunk; other formats drop it.
    No EXIF or GPS is ever written. The write is atomic: on any failure the destination is untouched and
    no partial file remains. ``protect`` is an iterable of paths (the opened originals) that must never
    be overwritten. Returns the path written. Raises :class:`ImageSaveError` naming the file.
    """
    target = Path(path)
    fmt = SAVE_EXTENSIONS.get(target.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted({ext for ext in SAVE_EXTENSIONS if ext != ".jpeg"}))
        raise ImageSaveError(target, f"cannot save as '{target.suffix or 'no extension'}'; use {known}")
    _refuse_protected(target, protect)
    if not target.parent.is_dir() and str(target.parent):
        raise ImageSaveError(target, f"the folder {target.parent} does not exist")
    if target.is_dir():
        raise ImageSaveError(target, "is a folder")
    image = _to_pil(target, pixels)
    options = _format_options(fmt, image, provenance, target)
    if fmt == "JPEG" and image.mode == "RGBA":
        image = _flatten_on_white(image)
    try:
        with atomic_writer(target, "wb") as handle:
            # Built from a bare array, the image carries no info dict, so no EXIF can leak through.
            image.save(handle, format=fmt, **options)
    except PermissionError as exc:
        raise ImageSaveError(target, "permission denied (cannot write there)") from exc
    except OSError as exc:
        raise ImageSaveError(target, f"could not write the file ({exc.strerror or exc})") from exc
    except (ValueError, TypeError, KeyError) as exc:
        raise ImageSaveError(target, f"could not encode the image as {fmt} ({exc})") from exc
    return target


def _refuse_protected(target: Path, protect: Any) -> None:
    from atelier_common.outputs import same_file

    if isinstance(protect, str | os.PathLike):
        protect = (protect,)
    for original in protect:
        if same_file(target, original):  # also hard links and case-insensitive folders
            raise ImageSaveError(target, "refusing to overwrite the original image; choose another file name")


def _to_pil(target: Path, pixels: np.ndarray) -> Image.Image:
    if not isinstance(pixels, np.ndarray):
        raise ImageSaveError(target, f"expected a numpy array of pixels, got {type(pixels).__name__}")
    if pixels.dtype != np.uint8:
        raise ImageSaveError(target, f"expected uint8 pixels, got {pixels.dtype}")
    if pixels.ndim == 3 and pixels.shape[2] == 1:
        pixels = pixels[:, :, 0]
    if not (pixels.ndim == 2 or (pixels.ndim == 3 and pixels.shape[2] in (3, 4))):
        raise ImageSaveError(target, f"expected HxW, HxWx3 or HxWx4 pixels, got shape {pixels.shape}")
    if pixels.shape[0] < 1 or pixels.shape[1] < 1:
        raise ImageSaveError(target, "the image has no pixels")
    return Image.fromarray(np.ascontiguousarray(pixels))


def _flatten_on_white(image: Image.Image) -> Image.Image:
    background = Image.new("RGB", image.size, (255, 255, 255))
    background.paste(image, mask=image.getchannel("A"))
    return background


def _format_options(
    fmt: str, image: Image.Image, provenance: dict[str, Any] | None, target: Path
) -> dict[str, Any]:
    if fmt == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_text("Software", f"Atelier {__version__}")
        if provenance is not None:
            info.add_itxt(PROVENANCE_KEY, _provenance_json(target, provenance))
        return {"pnginfo": info, "compress_level": 6}
    # Every format carries a small "written by Atelier" mark, so that a later save knows the file is ours.
    if fmt == "JPEG":
        return {"quality": 95, "subsampling": 0, "optimize": True, "comment": _MARK.encode()}
    if fmt == "WEBP":
        return {"quality": 95, "method": 4, "exact": image.mode == "RGBA", "xmp": _xmp_mark()}
    return {"compression": "tiff_lzw", "tiffinfo": {_TIFF_SOFTWARE: _MARK}}


_MARK = f"Atelier {__version__}"
_TIFF_SOFTWARE = 305


def _xmp_mark() -> bytes:
    return (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="Atelier"/>'
        b"</rdf:RDF></x:xmpmeta>"
    )


def written_by_atelier(path: str | os.PathLike[str]) -> bool:
    """True when the image file at ``path`` carries the mark :func:`save_image` writes (any format)."""
    try:
        with Image.open(path) as im:
            if im.format == "PNG":
                return str(im.info.get("Software", "")).startswith("Atelier") or PROVENANCE_KEY in im.info
            if im.format in ("JPEG", "GIF"):
                return bytes(im.info.get("comment", b"") or b"").startswith(b"Atelier")
            if im.format == "WEBP":
                return b'CreatorTool="Atelier"' in bytes(im.info.get("xmp", b"") or b"")
            if im.format == "TIFF":
                return str(im.tag_v2.get(_TIFF_SOFTWARE, "")).startswith("Atelier")  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - unreadable or not an image: not ours
        return False
    return False


def _provenance_json(target: Path, provenance: dict[str, Any]) -> str:
    if not isinstance(provenance, dict):
        raise ImageSaveError(target, f"provenance must be a dict, got {type(provenance).__name__}")
    try:
        # default=str keeps Paths, enums and numpy scalars readable instead of failing the export.
        return json.dumps(provenance, ensure_ascii=False, sort_keys=True, default=str)
    except (TypeError, ValueError) as exc:
        raise ImageSaveError(target, f"provenance cannot be stored as JSON ({exc})") from exc


def read_provenance(path: str | os.PathLike[str]) -> dict[str, Any] | None:
    """Return the provenance dict an Atelier PNG export carries, or None when there is none.

    Files that are not PNG, or whose chunk is missing or not a JSON object, give None.
    """
    source = Path(path)
    try:
        with open(source, "rb") as handle:
            with Image.open(handle, formats=("PNG",)) as im:
                text = im.info.get(PROVENANCE_KEY)
                if text is None:
                    text = getattr(im, "text", {}).get(PROVENANCE_KEY)  # chunk after the pixels
    except FileNotFoundError as exc:
        raise ImageLoadError(source, "file not found") from exc
    except (IsADirectoryError, PermissionError) as exc:
        raise ImageLoadError(source, f"cannot read the file ({exc.strerror})") from exc
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError):
        return None  # not a PNG, damaged, or absurdly large: no provenance we can trust
    if not isinstance(text, str):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
