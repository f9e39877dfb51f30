"""Palette files: export GIMP .gpl, Adobe .ase, Krita .kpl, CSS custom properties, JSON and a PNG swatch
strip; import .gpl, .ase, .kpl and our JSON. Every write is atomic; every read error is a
:class:`PaletteFileError` whose message names the file and the reason.
"""

from __future__ import annotations

import io
import json
import math
import os
import re
from pathlib import Path

from atelier_common.atomic import atomic_write_bytes
from studio.io._palette_error import PaletteFileError, check_colour_count
from studio.io.ase import decode_ase, encode_ase
from studio.io.kpl import decode_kpl, encode_kpl
from studio.state.swatches import PaletteDocument, Swatch

__all__ = [
    "EXPORT_FORMATS",
    "IMPORT_FORMATS",
    "PaletteDocument",
    "PaletteFileError",
    "Swatch",
    "decode_palette",
    "encode_palette",
    "export_palette",
    "import_palette",
]

EXPORT_FORMATS = {
    ".gpl": "GIMP palette",
    ".ase": "Adobe Swatch Exchange",
    ".kpl": "Krita palette",
    ".css": "CSS custom properties",
    ".json": "JSON",
    ".png": "PNG swatch strip",
}
IMPORT_FORMATS = {
    ".gpl": "GIMP palette",
    ".ase": "Adobe Swatch Exchange",
    ".kpl": "Krita palette",
    ".json": "JSON",
}
MAX_IMPORT_BYTES = 32 * 1024 * 1024
JSON_FORMAT = "atelier-palette"


# --- GIMP --------------------------------------------------------------------------------------------


def _one_line(text: str) -> str:
    return " ".join(text.split())


def encode_gpl(palette: PaletteDocument) -> bytes:
    """GIMP palette text, as GIMP writes it (right-aligned channels, tab, name)."""
    columns = max(1, min(16, len(palette.swatches)))
    lines = [
        "GIMP Palette",
        f"Name: {_one_line(palette.name) or 'Atelier palette'}",
        f"Columns: {columns}",
        "#",
    ]
    for sw in palette.swatches:
        r, g, b = sw.rgb
        lines.append(f"{r:3d} {g:3d} {b:3d}\t{_one_line(sw.name) or sw.hex}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def decode_gpl(data: bytes) -> PaletteDocument:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")  # old palettes were written in the local 8-bit encoding
    lines = text.splitlines()
    if not lines or lines[0].strip() != "GIMP Palette":
        raise PaletteFileError("not a GIMP palette (the first line is not 'GIMP Palette')")
    name, swatches = "", []
    for number, raw in enumerate(lines[1:], start=2):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        low = line.lower()
        if low.startswith("name:"):
            name = line[5:].strip()
            continue
        if low.startswith("columns:"):
            continue
        parts = line.split(None, 3)
        try:
            r, g, b = (int(p) for p in parts[:3])
        except ValueError:
            raise PaletteFileError(f"line {number}: expected 'R G B name', got {line[:40]!r}") from None
        if len(parts) < 3:
            raise PaletteFileError(f"line {number}: expected 'R G B name', got {line[:40]!r}")
        if not all(0 <= v <= 255 for v in (r, g, b)):
            raise PaletteFileError(f"line {number}: colour values must be 0..255, got {r} {g} {b}")
        check_colour_count(len(swatches) + 1)
        swatches.append(Swatch((r, g, b), parts[3].strip() if len(parts) > 3 else ""))
    if not swatches:
        raise PaletteFileError("the palette contains no colours")
    return PaletteDocument(name, tuple(swatches))


# --- CSS, JSON, PNG ------------------------------------------------------------------------------------


def _slug(text: str, fallback: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s if s and not s[0].isdigit() else fallback


def encode_css(palette: PaletteDocument) -> bytes:
    prefix = _slug(palette.name, "palette")
    title = _one_line(palette.name).replace("*/", "* /") or "palette"
    lines = [f"/* {title} — exported by Atelier */", ":root {"]
    for i, sw in enumerate(palette.swatches, start=1):
        lines.append(f"  --{prefix}-{i}: {sw.hex};")
    lines.append("}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def encode_json(palette: PaletteDocument) -> bytes:
    from models.palette.color import rgb_to_lab

    colors = []
    for sw in palette.swatches:
        lab = rgb_to_lab(__import__("numpy").array(sw.rgb, dtype="uint8"))
        item: dict[str, object] = {"hex": sw.hex, "name": sw.name, "lab": [round(float(v), 2) for v in lab]}
        if sw.share is not None:
            item["share"] = round(float(sw.share), 4)
        colors.append(item)
    doc = {"format": JSON_FORMAT, "version": 1, "name": palette.name, "colors": colors}
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def decode_json(data: bytes) -> PaletteDocument:
    from models.palette.color import hex_to_rgb

    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise PaletteFileError(f"not valid JSON ({exc})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("colors"), list):
        raise PaletteFileError("JSON palette needs an object with a 'colors' list")
    check_colour_count(len(doc["colors"]))
    swatches = []
    for i, item in enumerate(doc["colors"]):
        code = item.get("hex") if isinstance(item, dict) else item
        try:
            rgb = hex_to_rgb(code)  # type: ignore[arg-type]
        except (ValueError, AttributeError, TypeError):
            raise PaletteFileError(
                f"colour {i + 1}: expected a hex code like #RRGGBB, got {code!r}"
            ) from None
        name = item.get("name", "") if isinstance(item, dict) else ""
        share = item.get("share") if isinstance(item, dict) else None
        share = float(share) if isinstance(share, (int, float)) and math.isfinite(share) else None
        swatches.append(Swatch(rgb, name if isinstance(name, str) else "", share))
    if not swatches:
        raise PaletteFileError("the palette contains no colours")
    name = doc.get("name", "")
    return PaletteDocument(name if isinstance(name, str) else "", tuple(swatches))


def encode_png(palette: PaletteDocument, cell: int = 64) -> bytes:
    """A strip of equal square swatches, left to right, with the hex codes in a PNG text chunk."""
    import numpy as np
    from PIL import Image, PngImagePlugin

    n = max(1, len(palette.swatches))
    strip = np.zeros((cell, cell * n, 3), dtype=np.uint8)
    for i, sw in enumerate(palette.swatches):
        strip[:, i * cell : (i + 1) * cell] = sw.rgb
    info = PngImagePlugin.PngInfo()
    info.add_itxt(
        "atelier:provenance",
        json.dumps({"app": "Atelier", "palette": palette.name, "colors": [s.hex for s in palette.swatches]}),
    )
    buf = io.BytesIO()
    Image.fromarray(strip).save(buf, format="PNG", pnginfo=info)
    return buf.getvalue()


_ENCODERS = {".gpl": encode_gpl, ".ase": encode_ase, ".kpl": encode_kpl, ".css": encode_css,
             ".json": encode_json, ".png": encode_png}  # fmt: skip
_DECODERS = {".gpl": decode_gpl, ".ase": decode_ase, ".kpl": decode_kpl, ".json": decode_json}


def encode_palette(palette: PaletteDocument, suffix: str) -> bytes:
    """File bytes of ``palette`` in the format named by ``suffix`` (e.g. ``".gpl"``)."""
    try:
        return _ENCODERS[suffix.lower()](palette)
    except KeyError:
        raise PaletteFileError(
            f"cannot export {suffix or 'files without an extension'}; use one of {', '.join(EXPORT_FORMATS)}"
        ) from None


def decode_palette(data: bytes, suffix: str) -> PaletteDocument:
    """Parse palette file bytes in the format named by ``suffix``; raises PaletteFileError."""
    decoder = _DECODERS.get(suffix.lower())
    if decoder is None:
        raise PaletteFileError(
            f"cannot import {suffix or 'files without an extension'}; use one of {', '.join(IMPORT_FORMATS)}"
        )
    try:
        return decoder(data)
    except PaletteFileError:
        raise
    except (ValueError, TypeError, OverflowError, RecursionError, MemoryError, NotImplementedError) as exc:
        # a last net under the format readers: a malformed file must never escape as a traceback
        raise PaletteFileError(f"malformed file ({type(exc).__name__}: {exc})") from None


def export_palette(path: str | os.PathLike[str], palette: PaletteDocument) -> Path:
    """Write ``palette`` atomically in the format given by the path's extension."""
    path = Path(path)
    data = encode_palette(palette, path.suffix)
    try:
        return atomic_write_bytes(path, data)
    except OSError as exc:
        raise PaletteFileError(f"{path}: cannot write ({exc.strerror or exc})") from None


def import_palette(path: str | os.PathLike[str]) -> PaletteDocument:
    """Read a .gpl, .ase, .kpl or .json palette; the name defaults to the file's stem."""
    path = Path(path)
    if path.suffix.lower() not in _DECODERS:
        raise PaletteFileError(f"{path.name}: cannot import {path.suffix or 'files without an extension'}; "
                               f"use one of {', '.join(IMPORT_FORMATS)}")  # fmt: skip
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_IMPORT_BYTES + 1)
    except OSError as exc:
        raise PaletteFileError(f"{path.name}: cannot read ({exc.strerror or exc})") from None
    if len(data) > MAX_IMPORT_BYTES:
        raise PaletteFileError(f"{path.name}: too large to be a palette")
    try:
        doc = decode_palette(data, path.suffix)
    except PaletteFileError as exc:
        raise PaletteFileError(f"{path.name}: {exc}") from None
    return doc if doc.name else PaletteDocument(path.stem, doc.swatches)
