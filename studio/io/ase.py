"""Adobe Swatch Exchange (.ase) reading and writing.

Layout (big-endian throughout): ``b"ASEF"``, version u16 1 + u16 0, block count u32, then blocks of
``type u16, length u32, body``. Types: 0xC001 group start (body: name), 0xC002 group end (empty body),
0x0001 colour (body: name, 4-byte model ``"RGB "``/``"CMYK"``/``"LAB "``/``"Gray"``, that many float32
values, u16 colour type 0 global / 1 spot / 2 normal). A name is u16 length in UTF-16 code units
*including* the terminating NUL, then UTF-16BE text and ``00 00``. LAB is stored as L/100, a, b.
"""

from __future__ import annotations

import struct

import numpy as np

from studio.io._palette_error import PaletteFileError, check_colour_count
from studio.state.swatches import PaletteDocument, Swatch

_GROUP_START, _GROUP_END, _COLOR = 0xC001, 0xC002, 0x0001
_MODEL_VALUES = {b"RGB ": 3, b"CMYK": 4, b"LAB ": 3, b"Gray": 1, b"GRAY": 1}
_NORMAL = 2


def _name_bytes(name: str) -> bytes:
    text = name.encode("utf-16-be")
    return struct.pack(">H", len(text) // 2 + 1) + text + b"\x00\x00"


def encode_ase(palette: PaletteDocument) -> bytes:
    """The palette as one named group of RGB colours (how Adobe Color exports a theme)."""
    blocks = [struct.pack(">HI", _GROUP_START, len(_name_bytes(palette.name))) + _name_bytes(palette.name)]
    for sw in palette.swatches:
        body = _name_bytes(sw.name or sw.hex) + b"RGB " + struct.pack(">3f", *(v / 255.0 for v in sw.rgb))
        body += struct.pack(">H", _NORMAL)
        blocks.append(struct.pack(">HI", _COLOR, len(body)) + body)
    blocks.append(struct.pack(">HI", _GROUP_END, 0))
    return b"ASEF" + struct.pack(">HHI", 1, 0, len(blocks)) + b"".join(blocks)


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def take(self, n: int, what: str) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise PaletteFileError(f"truncated: the file ends inside {what}")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def unpack(self, fmt: str, what: str) -> tuple:
        return struct.unpack(fmt, self.take(struct.calcsize(fmt), what))

    def name(self) -> str:
        (units,) = self.unpack(">H", "a name length")
        raw = self.take(2 * units, "a name")
        text = raw[:-2] if raw.endswith(b"\x00\x00") else raw
        try:
            return text.decode("utf-16-be").strip("\x00").strip()
        except UnicodeDecodeError as exc:
            raise PaletteFileError("a colour name is not valid UTF-16") from exc


def _to_rgb(model: bytes, values: tuple[float, ...]) -> tuple[int, int, int]:
    from models.palette.color import lab_to_rgb, to_uint8

    if not all(np.isfinite(values)):
        raise PaletteFileError("a colour value is not a finite number")
    if model == b"RGB ":
        rgb = np.array(values) * 255.0
    elif model == b"LAB ":
        rgb = lab_to_rgb(np.array([values[0] * 100.0, values[1], values[2]]))
    elif model == b"CMYK":
        c, m, y, k = (min(1.0, max(0.0, v)) for v in values)
        # naive conversion: ASE carries no profile; this is what most non-Adobe readers do
        rgb = np.array([(1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)]) * 255.0
    else:  # Gray
        rgb = np.array([values[0]] * 3) * 255.0
    r, g, b = (int(v) for v in to_uint8(np.clip(rgb, -1e6, 1e6)))
    return r, g, b


def decode_ase(data: bytes) -> PaletteDocument:
    """Read every colour of an .ase file (groups flattened in file order). Raises PaletteFileError."""
    rd = _Reader(data)
    if rd.take(4, "the header") != b"ASEF":
        raise PaletteFileError("not an Adobe Swatch Exchange file (no ASEF signature)")
    major, _minor, count = rd.unpack(">HHI", "the header")
    if major != 1:
        raise PaletteFileError(f"unsupported ASE version {major}")
    swatches: list[Swatch] = []
    group_name = ""
    for _ in range(count):
        if rd.pos == len(data):
            break  # some writers overstate the block count; what was read is complete
        btype, length = rd.unpack(">HI", "a block header")
        body = _Reader(rd.take(length, "a block"))
        if btype == _GROUP_START:
            group_name = group_name or body.name()
        elif btype == _COLOR:
            name = body.name()
            model = body.take(4, "a colour model")
            if model not in _MODEL_VALUES:
                raise PaletteFileError(f"unknown colour model {model!r}")
            values = body.unpack(f">{_MODEL_VALUES[model]}f", "colour values")
            check_colour_count(len(swatches) + 1)
            swatches.append(Swatch(_to_rgb(model, values), name))
        elif btype != _GROUP_END:
            raise PaletteFileError(f"unknown block type 0x{btype:04X}")
    if not swatches:
        raise PaletteFileError("the file contains no colours")
    return PaletteDocument(group_name, tuple(swatches))
