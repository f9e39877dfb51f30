"""Projects in OpenRaster (``.ora``): the layered format that Krita, GIMP and MyPaint read and write.

An ``.ora`` file is a zip: ``mimetype`` (stored first, uncompressed), ``stack.xml`` (the layers, top
first, with name, position, opacity, visibility and blend mode), one PNG per layer under ``data/``,
``mergedimage.png`` (the composite) and ``Thumbnails/thumbnail.png`` (at most 256 px). Atelier's own extras
(provenance of each result layer, palettes, guide settings) live in ``atelier/project.json``, which other
programs ignore.

Writing is atomic (``atelier_common.atomic``). Reading never extracts to disk and refuses unsafe archives
(names with ``..`` or absolute paths, entries or totals past a size limit, too many entries, XML with
entity declarations) with a :class:`ProjectError` naming the file and the reason. Foreign files are read
as well as the model allows: nested stacks are flattened into the layer list, unknown blend modes are
shown as Normal, and each such change is reported in ``notes``.

Qt-free.
"""

from __future__ import annotations

import io
import json
import os
import posixpath
import zipfile
from collections.abc import Callable, Generator, Hashable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import numpy as np
from PIL import Image

from atelier_common.atomic import atomic_writer
from atelier_common.errors import UserError
from models.progress import Progress, drive
from studio import __version__
from studio.io._decode import MAX_PIXELS
from studio.io.encode_cache import EncodeCache
from studio.state.document import Document, Layer

__all__ = [
    "EXTRAS_NAME",
    "MIMETYPE",
    "EncodeCache",
    "OraProject",
    "ProjectError",
    "read_ora",
    "read_ora_steps",
    "write_ora",
    "write_ora_steps",
]

MIMETYPE = "image/openraster"
EXTRAS_NAME = "atelier/project.json"
EXTRAS_FORMAT = "atelier-project"
EXTRAS_VERSION = 1
NORMAL_OPS = ("svg:src-over", "")
THUMBNAIL_SIDE = 256

#: Limits on what a project file may make us read into memory.
MAX_ENTRY_BYTES = 1 << 30  # one uncompressed entry (a 100 MP RGBA PNG is at most ~400 MB)
MAX_TOTAL_BYTES = 4 << 30  # all entries together
MAX_ENTRIES = 4096
MAX_XML_BYTES = 8 << 20


class ProjectError(UserError):
    """A project could not be read or written; ``str(error)`` is ``"<file name>: <reason>"``."""

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path.name}: {reason}")


@dataclass
class OraProject:
    """What :func:`read_ora` returns: the document, Atelier's extras, and notes about the conversion."""

    document: Document
    extras: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    foreign: bool = False  # written by another program


# -- writing ------------------------------------------------------------------------------------------
def _png_bytes(pixels: np.ndarray) -> bytes:
    mode = "RGBA" if pixels.shape[2] == 4 else "RGB"
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(pixels), mode).save(buffer, format="PNG", compress_level=4)
    return buffer.getvalue()


def _encode(
    cache: EncodeCache | None, arrays: tuple[np.ndarray, ...], detail: Hashable, make: Callable[[], Any]
) -> Any:
    return make() if cache is None else cache.get(arrays, detail, make)


def _layer_png(pixels: np.ndarray) -> tuple[bytes, int, int]:
    part, x, y = trimmed(pixels)
    return _png_bytes(part), x, y


def _composite_pngs(document: Document) -> tuple[bytes, bytes]:
    merged = document.flatten()
    return _png_bytes(merged), _png_bytes(_thumbnail(merged))


def trimmed(pixels: np.ndarray) -> tuple[np.ndarray, int, int]:
    """The smallest part of an RGBA layer that holds all its visible pixels, and where it sits."""
    if pixels.shape[2] != 4:
        return pixels, 0, 0
    alpha = pixels[..., 3] > 0
    if alpha.all():
        return pixels, 0, 0
    rows, cols = np.flatnonzero(alpha.any(axis=1)), np.flatnonzero(alpha.any(axis=0))
    if rows.size == 0:
        return np.zeros((1, 1, 4), np.uint8), 0, 0
    y0, y1, x0, x1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    return pixels[y0:y1, x0:x1], int(x0), int(y0)


def _thumbnail(pixels: np.ndarray) -> np.ndarray:
    h, w = pixels.shape[:2]
    scale = min(1.0, THUMBNAIL_SIDE / max(w, h))
    mode = "RGBA" if pixels.shape[2] == 4 else "RGB"
    image = Image.fromarray(np.ascontiguousarray(pixels), mode)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return np.asarray(image.resize(size, Image.Resampling.LANCZOS) if scale < 1 else image)


def _layer_xml(stack: ET.Element, name: str, src: str, x: int, y: int, opacity: float, visible: bool) -> None:
    ET.SubElement(
        stack,
        "layer",
        {
            "name": name,
            "src": src,
            "x": str(x),
            "y": str(y),
            "opacity": f"{opacity:.4f}",
            "visibility": "visible" if visible else "hidden",
            "composite-op": "svg:src-over",
        },
    )


def check_target(target: Path, suffix: str, protect: Iterable[str | os.PathLike[str]]) -> None:
    """Refuse a wrong extension, an opened original, or a folder that does not exist."""
    if target.suffix.lower() != suffix:
        raise ProjectError(target, f"expected a {suffix} file name")
    if any(Path(p).resolve() == target.resolve() for p in protect):
        raise ProjectError(target, "is one of the opened originals; choose another name")
    if str(target.parent) and not target.parent.is_dir():
        raise ProjectError(target, f"the folder {target.parent} does not exist")


def write_atomically(target: Path, write: Callable[[Any], None]) -> None:
    """``write(handle)`` into a temporary file that replaces ``target`` only when complete."""
    try:
        with atomic_writer(target, "wb") as handle:
            write(handle)
    except PermissionError as exc:
        raise ProjectError(target, "permission denied (cannot write there)") from exc
    except OSError as exc:
        raise ProjectError(target, f"could not write the file ({exc.strerror or exc})") from exc


def write_ora_steps(
    path: str | os.PathLike[str],
    document: Document,
    extras: dict[str, Any] | None = None,
    *,
    protect: Iterable[str | os.PathLike[str]] = (),
    cache: EncodeCache | None = None,
) -> Generator[Progress, None, Path]:
    """Write ``document`` as an OpenRaster file, atomically; a job-runner generator returning the path.

    ``extras`` (JSON-able) goes into ``atelier/project.json`` next to each layer's provenance. The
    document's arrays are only read, so a caller may snapshot a document and write it in another thread.
    ``cache``: a writer that writes the same document again and again (autosave) passes its own
    :class:`EncodeCache`, and layers, original and composite whose arrays are unchanged are not encoded
    again; the file is the same either way.
    """
    target = Path(path)
    check_target(target, ".ora", protect)
    if cache is not None:
        cache.begin()
    layers = list(document.layers)
    total = len(layers) + 3
    width, height = document.size
    root = ET.Element("image", {"w": str(width), "h": str(height), "version": "0.0.5"})
    stack = ET.SubElement(root, "stack")
    entries: list[tuple[str, bytes]] = []
    meta_layers = []
    for number, layer in enumerate(reversed(layers)):  # stack.xml lists the top layer first
        yield Progress(number, total, f"Saving layer “{layer.name}”")
        src = f"data/layer{len(layers) - number:03d}.png"
        png, x, y = _encode(cache, (layer.image,), "layer", lambda image=layer.image: _layer_png(image))
        entries.append((src, png))
        _layer_xml(stack, layer.name, src, x, y, layer.opacity, layer.visible)
        meta_layers.append({"src": src, "provenance": layer.provenance})
    yield Progress(len(layers), total, "Saving the original")
    entries.append(
        (
            "data/original.png",
            _encode(cache, (document.image,), "original", lambda: _png_bytes(document.image)),
        )
    )
    _layer_xml(stack, "Original", "data/original.png", 0, 0, 1.0, True)
    yield Progress(len(layers) + 1, total, "Saving the composite")
    # The composite depends on every array and on each layer's opacity and visibility.
    look = ("composite", tuple((la.opacity, la.visible) for la in layers))
    arrays = (document.image, *(la.image for la in layers))
    merged_png, thumb_png = _encode(cache, arrays, look, lambda: _composite_pngs(document))
    entries.append(("mergedimage.png", merged_png))
    entries.append(("Thumbnails/thumbnail.png", thumb_png))
    meta = {
        "format": EXTRAS_FORMAT,
        "version": EXTRAS_VERSION,
        "app": f"Atelier {__version__}",
        "base": {"src": "data/original.png", "name": document.name},
        "layers": meta_layers[::-1],  # bottom first, like Document.layers
        "extras": extras or {},
    }
    entries.append((EXTRAS_NAME, json.dumps(meta, ensure_ascii=False, indent=1).encode("utf-8")))
    xml = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    yield Progress(len(layers) + 2, total, f"Writing {target.name}")

    def write(handle: Any) -> None:
        with zipfile.ZipFile(handle, "w") as archive:
            # The spec: "mimetype" first, stored, so `file` and other programs recognise the format.
            archive.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE, compress_type=zipfile.ZIP_STORED)
            archive.writestr("stack.xml", xml, compress_type=zipfile.ZIP_DEFLATED)
            for name, data in entries:
                # PNGs are compressed already; JSON is not.
                kind = zipfile.ZIP_DEFLATED if name.endswith(".json") else zipfile.ZIP_STORED
                archive.writestr(name, data, compress_type=kind)

    write_atomically(target, write)
    if cache is not None:
        cache.finish()
    yield Progress(total, total, f"Saved {target.name}")
    return target


def write_ora(
    path: str | os.PathLike[str],
    document: Document,
    extras: dict[str, Any] | None = None,
    *,
    protect: Iterable[str | os.PathLike[str]] = (),
    cache: EncodeCache | None = None,
) -> Path:
    """See :func:`write_ora_steps`."""
    return drive(write_ora_steps(path, document, extras, protect=protect, cache=cache))


# -- reading ------------------------------------------------------------------------------------------
@dataclass
class _Entry:
    name: str
    src: str
    x: int
    y: int
    opacity: float
    visible: bool
    op: str


class _Reader:
    def __init__(self, path: Path, archive: zipfile.ZipFile) -> None:
        self.path = path
        self.archive = archive
        self.notes: list[str] = []
        self.infos = self._check_names()

    def fail(self, reason: str) -> ProjectError:
        return ProjectError(self.path, reason)

    def _check_names(self) -> dict[str, zipfile.ZipInfo]:
        infos = self.archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise self.fail(f"holds {len(infos)} files, more than a project ever needs")
        total = 0
        by_name: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = info.filename
            parts = name.replace("\\", "/").split("/")
            if name.startswith(("/", "\\")) or ".." in parts or (len(name) > 1 and name[1] == ":"):
                raise self.fail(f"contains an unsafe file name {name!r}; not opened")
            if info.file_size > MAX_ENTRY_BYTES:
                raise self.fail(f"{name} unpacks to {info.file_size / 2**20:.0f} MB, more than allowed")
            total += info.file_size
            by_name[posixpath.normpath(name)] = info
        if total > MAX_TOTAL_BYTES:
            raise self.fail(f"unpacks to {total / 2**30:.1f} GB, more than allowed")
        return by_name

    def read(self, name: str, limit: int = MAX_ENTRY_BYTES) -> bytes:
        info = self.infos.get(posixpath.normpath(name))
        if info is None:
            raise self.fail(f"the layer file {name} is missing from the archive")
        if info.file_size > limit:
            raise self.fail(f"{name} is too large ({info.file_size} bytes)")
        try:
            with self.archive.open(info) as handle:
                data = handle.read(limit + 1)  # zipfile stops at the declared size and checks the CRC
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
            raise self.fail(f"{name} is damaged ({exc})") from None
        if len(data) > limit:
            raise self.fail(f"{name} is too large")
        return data

    def png(self, name: str) -> np.ndarray:
        data = self.read(name)
        try:
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise self.fail(f"{name} is {image.width}×{image.height}, too large to open")
                image.load()
                mode = "RGBA" if ("A" in image.getbands() or "transparency" in image.info) else "RGB"
                return np.asarray(image.convert(mode)).copy()
        except ProjectError:
            raise
        except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError) as exc:
            raise self.fail(f"{name} is not a readable image ({exc})") from None

    def stack(self) -> tuple[int, int, list[_Entry]]:
        data = self.read("stack.xml", MAX_XML_BYTES)
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            raise self.fail("stack.xml declares entities; not opened")
        try:
            root = ET.fromstring(data)
        except ET.ParseError as exc:
            raise self.fail(f"stack.xml is not valid XML ({exc})") from None
        if root.tag != "image":
            raise self.fail("stack.xml has no <image> element")
        width, height = self._int(root, "w", None), self._int(root, "h", None)
        if width is None or height is None or width < 1 or height < 1:
            raise self.fail("stack.xml gives no image size")
        if width * height > MAX_PIXELS:
            raise self.fail(f"the image is {width}×{height}, too large to open")
        top = root.find("stack")
        if top is None:
            raise self.fail("stack.xml has no layer stack")
        entries: list[_Entry] = []
        self._walk(top, 0, 0, 1.0, True, entries, depth=0)
        return width, height, entries[::-1]  # bottom first

    def _int(self, el: ET.Element, key: str, default: int | None) -> int | None:
        text = el.get(key)
        if text is None:
            return default
        try:
            return int(float(text))
        except ValueError:
            raise self.fail(f"stack.xml: {key}={text!r} is not a number") from None

    def _float(self, el: ET.Element, key: str) -> float:
        try:
            value = float(el.get(key, "1"))
        except ValueError:
            raise self.fail(f"stack.xml: {key}={el.get(key)!r} is not a number") from None
        return min(1.0, max(0.0, value)) if np.isfinite(value) else 1.0

    def _walk(
        self, stack: ET.Element, x: int, y: int, opacity: float, visible: bool, out: list[_Entry], depth: int
    ) -> None:
        if depth > 32:
            raise self.fail("stack.xml nests groups too deeply")
        for child in stack:
            cx = x + (self._int(child, "x", 0) or 0)
            cy = y + (self._int(child, "y", 0) or 0)
            alpha = opacity * self._float(child, "opacity")
            shown = visible and child.get("visibility", "visible") != "hidden"
            name = child.get("name", "") or child.get("src", "") or "Layer"
            op = child.get("composite-op", "svg:src-over")
            if child.tag == "stack":
                self.notes.append(f"the group “{name}” was flattened into its layers")
                if op not in NORMAL_OPS and op != "svg:src-atop":
                    self.notes.append(f"the group “{name}” blends as '{op}'; its layers are shown as Normal")
                self._walk(child, cx, cy, alpha, shown, out, depth + 1)
            elif child.tag == "layer":
                src = child.get("src")
                if not src:
                    raise self.fail(f"the layer “{name}” names no image file")
                if op not in NORMAL_OPS:
                    self.notes.append(f"the layer “{name}” blends as '{op}'; shown as Normal")
                out.append(_Entry(name, src, cx, cy, alpha, shown, op))
            else:
                self.notes.append(f"a <{child.tag}> element was skipped (not a pixel layer)")

    def place(self, entry: _Entry, width: int, height: int) -> np.ndarray:
        pixels = self.png(entry.src)
        h, w = pixels.shape[:2]
        if (entry.x, entry.y, w, h) == (0, 0, width, height):
            return pixels
        canvas = np.zeros((height, width, 4), np.uint8)
        x0, y0 = max(0, entry.x), max(0, entry.y)
        x1, y1 = min(width, entry.x + w), min(height, entry.y + h)
        if x1 > x0 and y1 > y0:
            part = pixels[y0 - entry.y : y1 - entry.y, x0 - entry.x : x1 - entry.x]
            if part.shape[2] == 3:
                part = np.concatenate([part, np.full(part.shape[:2] + (1,), 255, np.uint8)], axis=2)
            canvas[y0:y1, x0:x1] = part
        return canvas


def _load_meta(reader: _Reader) -> dict[str, Any] | None:
    if EXTRAS_NAME not in reader.infos:
        return None
    try:
        meta = json.loads(reader.read(EXTRAS_NAME, MAX_XML_BYTES).decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        reader.notes.append("Atelier's extras could not be read; the layers were opened without them")
        return None
    if not isinstance(meta, dict) or meta.get("format") != EXTRAS_FORMAT:
        return None
    return meta


def read_ora_steps(path: str | os.PathLike[str]) -> Generator[Progress, None, OraProject]:
    """Read an OpenRaster file as a job-runner generator; returns an :class:`OraProject`."""
    source = Path(path)
    yield Progress(0, 1, f"Opening {source.name}")
    try:
        archive = zipfile.ZipFile(source)
    except FileNotFoundError:
        raise ProjectError(source, "no such file") from None
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ProjectError(source, f"is not an OpenRaster project (not a zip archive: {exc})") from None
    with archive:
        reader = _Reader(source, archive)
        if "mimetype" in reader.infos:
            mimetype = reader.read("mimetype", 256).decode("ascii", "replace").strip()
            if mimetype != MIMETYPE:
                raise reader.fail(f"is a '{mimetype}' archive, not an OpenRaster image")
        width, height, entries = reader.stack()
        if not entries:
            raise reader.fail("holds no layers")
        meta = _load_meta(reader)
        result = yield from _build(reader, width, height, entries, meta)
    return result


def _build(
    reader: _Reader, width: int, height: int, entries: list[_Entry], meta: dict[str, Any] | None
) -> Generator[Progress, None, OraProject]:
    total = len(entries) + 1
    images = []
    for number, entry in enumerate(entries):
        yield Progress(number + 1, total, f"Reading layer “{entry.name}”")
        images.append(reader.place(entry, width, height))
    base_src = meta.get("base", {}).get("src") if meta else None
    bottom = entries[0]
    ours = meta is not None and bottom.src == base_src
    if ours or (bottom.visible and bottom.opacity >= 1.0 and bottom.op in NORMAL_OPS):
        base, rest, rest_images = images[0], entries[1:], images[1:]
    else:  # a hidden or faded bottom layer stays a layer, over a transparent canvas
        base, rest, rest_images = np.zeros((height, width, 4), np.uint8), entries, images
    provenance: dict[str, Any] = {}
    if meta is not None:
        for item in meta.get("layers", []):
            if isinstance(item, dict) and isinstance(item.get("provenance"), dict):
                provenance[str(item.get("src"))] = item["provenance"]
    document = Document(base, path=reader.path)
    for entry, pixels in zip(rest, rest_images, strict=True):
        document.insert_layer(
            Layer(entry.name, pixels, entry.opacity, entry.visible, dict(provenance.get(entry.src, {})))
        )
    extras = meta.get("extras", {}) if meta else {}
    return OraProject(document, extras if isinstance(extras, dict) else {}, tuple(reader.notes), meta is None)


def read_ora(path: str | os.PathLike[str]) -> OraProject:
    """Read an OpenRaster file; see :func:`read_ora_steps`. Raises :class:`ProjectError`."""
    return drive(read_ora_steps(path))
