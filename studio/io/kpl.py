"""Krita palette (.kpl) reading and writing, as Krita's ``KoColorSet::saveKpl`` writes it.

A .kpl is a zip: ``mimetype`` first and stored uncompressed (``application/x-krita-palette``), then
``colorset.xml`` (root ``ColorSet`` version 2.0 with name, comment, columns, rows; one ``ColorSetEntry``
per swatch holding a colour element and a ``Position``) and ``profiles.xml`` (the ICC profiles embedded
in the zip; we embed none and name Krita's built-in sRGB profile, which Krita resolves by name).
"""

from __future__ import annotations

import io
import math
import xml.etree.ElementTree as ET
import zipfile

import numpy as np

from studio.io._palette_error import PaletteFileError, check_colour_count
from studio.state.swatches import PaletteDocument, Swatch

MIMETYPE = b"application/x-krita-palette"
_ACCEPTED_MIMETYPES = (MIMETYPE, b"krita/x-colorset")
SRGB_PROFILE = "sRGB-elle-V2-srgbtrc.icc"
_MAX_XML = 16 * 1024 * 1024  # refuse zip bombs: no real palette comes near this
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # reproducible archives


def _fmt(v: float) -> str:
    return repr(round(v, 6))


def encode_kpl(palette: PaletteDocument, columns: int = 8) -> bytes:
    columns = max(1, min(columns, len(palette.swatches) or 1))
    rows = math.ceil(len(palette.swatches) / columns)
    root = ET.Element(
        "ColorSet",
        {"version": "2.0", "name": palette.name, "comment": "", "columns": str(columns), "rows": str(rows)},
    )
    for i, sw in enumerate(palette.swatches):
        entry = ET.SubElement(
            root,
            "ColorSetEntry",
            {"name": sw.name or sw.hex, "id": sw.hex, "spot": "false", "bitdepth": "U8"},
        )
        r, g, b = (v / 255.0 for v in sw.rgb)
        ET.SubElement(entry, "RGB", {"space": SRGB_PROFILE, "r": _fmt(r), "g": _fmt(g), "b": _fmt(b)})
        ET.SubElement(entry, "Position", {"row": str(i // columns), "column": str(i % columns)})
    ET.indent(root, space=" ")
    colorset = ET.tostring(root, encoding="utf-8", xml_declaration=False) + b"\n"
    profiles = b"<Profiles/>\n"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        # the mimetype must be the first entry and stored, so readers can sniff it at a fixed offset
        zf.writestr(zipfile.ZipInfo("mimetype", _FIXED_TIME), MIMETYPE, compress_type=zipfile.ZIP_STORED)
        zf.writestr(
            zipfile.ZipInfo("colorset.xml", _FIXED_TIME), colorset, compress_type=zipfile.ZIP_DEFLATED
        )
        zf.writestr(
            zipfile.ZipInfo("profiles.xml", _FIXED_TIME), profiles, compress_type=zipfile.ZIP_DEFLATED
        )
    return buf.getvalue()


def _read_member(zf: zipfile.ZipFile, name: str) -> bytes:
    try:
        info = zf.getinfo(name)
    except KeyError:
        raise PaletteFileError(f"not a Krita palette: the archive has no {name}") from None
    if info.file_size > _MAX_XML:
        raise PaletteFileError(f"{name} is unreasonably large ({info.file_size} bytes)")
    with zf.open(info) as fh:
        data = fh.read(_MAX_XML + 1)
    if len(data) > _MAX_XML:
        raise PaletteFileError(f"{name} is unreasonably large")
    return data


def _float(el: ET.Element, key: str) -> float:
    try:
        v = float(el.attrib[key])
    except (KeyError, ValueError):
        raise PaletteFileError(f"<{el.tag}> has no valid '{key}' value") from None
    if not math.isfinite(v):
        raise PaletteFileError(f"<{el.tag}> has a non-finite '{key}' value")
    return min(1e6, max(-1e6, v))  # absurd values clip to the gamut edge instead of overflowing


def _entry_rgb(entry: ET.Element, version: str) -> tuple[int, int, int] | None:
    from models.palette.color import lab_to_rgb, to_uint8, xyz_to_rgb

    for el in entry:
        tag = el.tag
        if tag in ("RGB", "sRGB"):
            rgb = np.array([_float(el, "r"), _float(el, "g"), _float(el, "b")]) * 255.0
        elif tag == "Lab":
            lab = np.array([_float(el, "L"), _float(el, "a"), _float(el, "b")])
            if version == "1.0":  # Krita 4.0 stored Lab scaled to 0..1 (see KoColorSet::loadKplGroup)
                lab = np.array(
                    [lab[0] * 100.0, *((v - 0.5) * 2 * (128.0 if v <= 0.5 else 127.0) for v in lab[1:])]
                )
            rgb = lab_to_rgb(lab)
        elif tag == "Gray":
            rgb = np.array([_float(el, "g")] * 3) * 255.0
        elif tag == "CMYK":
            c, m, y, k = (min(1.0, max(0.0, _float(el, ch))) for ch in "cmyk")
            rgb = np.array([(1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)]) * 255.0
        elif tag == "XYZ":
            rgb = xyz_to_rgb(np.array([_float(el, "x"), _float(el, "y"), _float(el, "z")]))
        else:
            continue
        r, g, b = (int(v) for v in to_uint8(np.clip(rgb, -1e6, 1e6)))
        return r, g, b
    return None


def decode_kpl(data: bytes) -> PaletteDocument:
    """Read the colours of a .kpl (ungrouped first, then each group, each in grid order)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError) as exc:
        raise PaletteFileError(f"not a Krita palette (not a zip archive: {exc})") from None
    with zf:
        try:
            names = zf.namelist()
            if "mimetype" in names and _read_member(zf, "mimetype").strip() not in _ACCEPTED_MIMETYPES:
                raise PaletteFileError("not a Krita palette (wrong mimetype)")
            xml = _read_member(zf, "colorset.xml")
        except (zipfile.BadZipFile, zlib_error(), EOFError, RuntimeError, NotImplementedError) as exc:
            raise PaletteFileError(f"damaged archive: {exc}") from None
    if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
        raise PaletteFileError("colorset.xml declares a DTD or entities, which palettes never need")
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        raise PaletteFileError(f"colorset.xml is not valid XML ({exc})") from None
    if root.tag not in ("ColorSet", "Colorset"):
        raise PaletteFileError(f"colorset.xml has root <{root.tag}>, expected <ColorSet>")
    version = root.attrib.get("version", "2.0")
    swatches: list[Swatch] = []
    groups = [root] + [g for g in root if g.tag == "Group"]
    for group in groups:
        placed = []
        for n, entry in enumerate(e for e in group if e.tag == "ColorSetEntry"):
            rgb = _entry_rgb(entry, version)
            if rgb is None:
                continue
            pos = entry.find("Position")
            try:
                key = (int(pos.attrib["row"]), int(pos.attrib["column"])) if pos is not None else (1 << 30, n)
            except (KeyError, ValueError):
                key = (1 << 30, n)
            check_colour_count(len(swatches) + len(placed) + 1)
            placed.append((key, n, Swatch(rgb, entry.attrib.get("name", ""))))
        swatches.extend(sw for _, _, sw in sorted(placed, key=lambda t: (t[0], t[1])))
    if not swatches:
        raise PaletteFileError("the palette contains no colours Atelier can read")
    return PaletteDocument(root.attrib.get("name", ""), tuple(swatches))


def zlib_error() -> type[Exception]:
    import zlib

    return zlib.error
