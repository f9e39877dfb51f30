"""Palette files: exact layouts of GPL/ASE/KPL as GIMP, Adobe and Krita read them, round trips, errors."""

from __future__ import annotations

import json
import struct
import zipfile
from io import BytesIO

import numpy as np
import pytest
from PIL import Image

from studio.io.palette_files import (
    PaletteDocument,
    PaletteFileError,
    Swatch,
    decode_palette,
    encode_palette,
    export_palette,
    import_palette,
)

PALETTE = PaletteDocument(
    "Sunset ✓",
    (Swatch((255, 0, 0), "Red"), Swatch((0, 128, 255), ""), Swatch((1, 2, 3), "Ink 𝄞", 0.25)),
)


@pytest.mark.parametrize("suffix", [".gpl", ".ase", ".kpl", ".json"])
def test_round_trip_keeps_colours_and_names(tmp_path, suffix):
    path = export_palette(tmp_path / f"p{suffix}", PALETTE)
    back = import_palette(path)
    assert [s.rgb for s in back.swatches] == [s.rgb for s in PALETTE.swatches]
    assert [s.name for s in back.swatches][0] == "Red"
    assert back.name == "Sunset ✓"


def test_gpl_layout_is_gimps():
    text = encode_palette(PALETTE, ".gpl").decode("utf-8")
    lines = text.splitlines()
    assert lines[:4] == ["GIMP Palette", "Name: Sunset ✓", "Columns: 3", "#"]
    assert lines[4] == "255   0   0\tRed"
    assert lines[5] == "  0 128 255\t#0080ff"  # unnamed swatches get their hex code as name
    assert text.endswith("\n")


def test_ase_layout_is_adobes_big_endian_utf16():
    data = encode_palette(PALETTE, ".ase")
    assert data[:4] == b"ASEF"
    assert struct.unpack(">HHI", data[4:12]) == (1, 0, 5)  # group start, 3 colours, group end
    btype, length = struct.unpack(">HI", data[12:18])
    assert btype == 0xC001
    name = "Sunset ✓".encode("utf-16-be")
    assert data[18:20] == struct.pack(">H", len(name) // 2 + 1)  # code units incl. the NUL
    assert data[20 : 20 + len(name) + 2] == name + b"\x00\x00"
    pos = 18 + length
    btype, length = struct.unpack(">HI", data[pos : pos + 6])
    body = data[pos + 6 : pos + 6 + length]
    assert btype == 0x0001
    assert body[:2] == struct.pack(">H", 4) and body[2:10] == "Red".encode("utf-16-be") + b"\x00\x00"
    assert body[10:14] == b"RGB "
    assert struct.unpack(">3f", body[14:26]) == (1.0, 0.0, 0.0)
    assert struct.unpack(">H", body[26:28]) == (2,)  # normal (not global, not spot)
    assert len(body) == 28
    assert data[-6:] == struct.pack(">HI", 0xC002, 0)
    # a name outside the BMP takes two UTF-16 code units
    assert "Ink 𝄞".encode("utf-16-be") in data


def test_ase_reads_lab_cmyk_and_gray_and_ungrouped_colours():
    def color(name, model, values):
        n = name.encode("utf-16-be")
        body = (
            struct.pack(">H", len(n) // 2 + 1)
            + n
            + b"\0\0"
            + model
            + struct.pack(f">{len(values)}f", *values)
        )
        body += struct.pack(">H", 0)
        return struct.pack(">HI", 1, len(body)) + body

    blocks = [
        color("white", b"LAB ", (1.0, 0.0, 0.0)),
        color("k", b"CMYK", (0, 0, 0, 1)),
        color("g", b"Gray", (0.5,)),
    ]
    data = b"ASEF" + struct.pack(">HHI", 1, 0, 3) + b"".join(blocks)
    doc = decode_palette(data, ".ase")
    assert [s.rgb for s in doc.swatches] == [(255, 255, 255), (0, 0, 0), (128, 128, 128)]
    assert [s.name for s in doc.swatches] == ["white", "k", "g"]


def test_kpl_is_a_zip_with_a_stored_mimetype_first_as_krita_writes_it():
    data = encode_palette(PALETTE, ".kpl")
    assert data[:4] == b"PK\x03\x04"
    assert data[30:38] == b"mimetype" and data[38:65] == b"application/x-krita-palette"  # sniffable
    with zipfile.ZipFile(BytesIO(data)) as zf:
        infos = zf.infolist()
        assert [i.filename for i in infos] == ["mimetype", "colorset.xml", "profiles.xml"]
        assert infos[0].compress_type == zipfile.ZIP_STORED
        xml = zf.read("colorset.xml").decode()
    assert xml.startswith('<ColorSet version="2.0" name="Sunset ✓" comment="" columns="3" rows="1">')
    assert '<RGB space="sRGB-elle-V2-srgbtrc.icc" r="1.0" g="0.0" b="0.0" />' in xml
    assert '<Position row="0" column="2" />' in xml
    assert 'bitdepth="U8"' in xml and 'spot="false"' in xml


def test_kpl_import_orders_by_position_and_reads_groups_and_old_lab():
    xml = b"""<ColorSet version="1.0" name="Old" columns="2" rows="1">
      <ColorSetEntry name="b"><sRGB r="0" g="0" b="1"/><Position row="0" column="1"/></ColorSetEntry>
      <ColorSetEntry name="a"><sRGB r="1" g="0" b="0"/><Position row="0" column="0"/></ColorSetEntry>
      <Group name="G" rows="1"><ColorSetEntry name="w"><Lab L="1" a="0.5" b="0.5"/></ColorSetEntry></Group>
    </ColorSet>"""
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mimetype", "krita/x-colorset")
        zf.writestr("colorset.xml", xml)
    doc = decode_palette(buf.getvalue(), ".kpl")
    assert [s.name for s in doc.swatches] == ["a", "b", "w"]
    assert doc.swatches[2].rgb == (255, 255, 255)


def test_css_json_and_png_exports(tmp_path):
    css = encode_palette(PALETTE, ".css").decode()
    assert ":root {" in css and "  --sunset-1: #ff0000;" in css and "  --sunset-3: #010203;" in css
    doc = json.loads(encode_palette(PALETTE, ".json"))
    assert doc["format"] == "atelier-palette" and doc["colors"][2]["share"] == 0.25
    assert doc["colors"][0]["hex"] == "#ff0000" and len(doc["colors"][0]["lab"]) == 3
    png = export_palette(tmp_path / "strip.png", PALETTE)
    with Image.open(png) as im:
        arr = np.asarray(im.convert("RGB"))
        assert "atelier:provenance" in im.text
    assert arr.shape == (64, 192, 3)
    assert tuple(arr[10, 10]) == (255, 0, 0) and tuple(arr[10, 150]) == (1, 2, 3)


@pytest.mark.parametrize(
    ("suffix", "data", "message"),
    [
        (".gpl", b"JASC-PAL\n0100\n", "not a GIMP palette"),
        (".gpl", b"GIMP Palette\nName: x\n#\n", "no colours"),
        (".gpl", b"GIMP Palette\n1 2 300 big\n", "line 2: colour values must be 0..255"),
        (".gpl", b"GIMP Palette\n1 two 3 x\n", "line 2: expected 'R G B name'"),
        (".ase", b"ASEX\0\1\0\0\0\0\0\0", "not an Adobe Swatch Exchange file"),
        (".ase", b"ASEF\0\1\0\0\0\0\0\1\0\1\0\0\0\x40", "truncated"),
        (".ase", b"ASEF\0\2\0\0\0\0\0\0", "unsupported ASE version 2"),
        (".kpl", b"PK\3\4 not really", "not a Krita palette"),
        (".json", b"{}", "'colors' list"),
        (".json", b'{"colors": ["#12"]}', "colour 1: expected a hex code"),
    ],
)
def test_malformed_files_give_clear_errors(suffix, data, message):
    with pytest.raises(PaletteFileError, match=message):
        decode_palette(data, suffix)


def test_import_names_the_file_and_rejects_unknown_formats(tmp_path):
    bad = tmp_path / "broken.ase"
    bad.write_bytes(b"nope")
    with pytest.raises(PaletteFileError, match=r"^broken\.ase: "):
        import_palette(bad)
    with pytest.raises(PaletteFileError, match="cannot import .aco"):
        import_palette(tmp_path / "x.aco")
    with pytest.raises(PaletteFileError, match="cannot export .txt"):
        export_palette(tmp_path / "x.txt", PALETTE)
    assert not (tmp_path / "x.txt").exists()


def test_kpl_rejects_entity_declarations():
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mimetype", "application/x-krita-palette")
        zf.writestr("colorset.xml", '<!DOCTYPE x [<!ENTITY a "aaaa">]><ColorSet name="&a;"/>')
    with pytest.raises(PaletteFileError, match="DTD"):
        decode_palette(buf.getvalue(), ".kpl")
