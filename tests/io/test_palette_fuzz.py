"""Fuzzing the palette importers with Hypothesis: any bytes give a palette or a PaletteFileError, never
another exception. Hazards the fuzzers are meant to reach (non-finite floats, broken UTF-16, overflow) are
also pinned as explicit tests below; add any input a future fuzz run finds there."""

from __future__ import annotations

import struct
import zipfile
from io import BytesIO

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio.io.palette_files import PaletteDocument, PaletteFileError, Swatch, decode_palette, encode_palette

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SEED = PaletteDocument("seed", (Swatch((10, 20, 30), "a"), Swatch((200, 100, 0), "b")))


def _decode_or_clean_error(data: bytes, suffix: str) -> None:
    try:
        doc = decode_palette(data, suffix)
    except PaletteFileError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert doc.swatches and all(0 <= v <= 255 for s in doc.swatches for v in s.rgb)


@pytest.mark.parametrize("suffix", [".gpl", ".ase", ".kpl", ".json"])
@FUZZ
@given(data=st.binary(max_size=300))
def test_random_bytes(suffix, data):
    _decode_or_clean_error(data, suffix)


@pytest.mark.parametrize("suffix", [".gpl", ".ase", ".kpl", ".json"])
@FUZZ
@given(data=st.data())
def test_mutated_valid_files(suffix, data):
    """Flip, cut and insert bytes in a valid file: the structure-aware case random bytes rarely reach."""
    raw = bytearray(encode_palette(SEED, suffix))
    for _ in range(data.draw(st.integers(1, 4))):
        op = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        i = data.draw(st.integers(0, max(0, len(raw) - 1)))
        if op == "flip" and raw:
            raw[i] ^= data.draw(st.integers(1, 255))
        elif op == "cut":
            del raw[i:]
        else:
            raw[i:i] = data.draw(st.binary(min_size=1, max_size=8))
    _decode_or_clean_error(bytes(raw), suffix)


@FUZZ
@given(text=st.text(max_size=200))
def test_gpl_text(text):
    _decode_or_clean_error(("GIMP Palette\n" + text).encode("utf-8", "surrogatepass"), ".gpl")


# --- pinned hazards (and seeds from fuzz runs) ----------------------------------------------------------


def test_ase_nan_colour_value_is_an_error_not_a_crash():
    n = "x".encode("utf-16-be")
    body = struct.pack(">H", 2) + n + b"\0\0" + b"RGB " + struct.pack(">3f", float("nan"), 0, 0) + b"\0\2"
    data = b"ASEF" + struct.pack(">HHI", 1, 0, 1) + struct.pack(">HI", 1, len(body)) + body
    with pytest.raises(PaletteFileError, match="finite"):
        decode_palette(data, ".ase")


def test_ase_odd_byte_name_is_an_error():
    body = struct.pack(">H", 2) + b"\xd8\x00\0\0" + b"RGB " + struct.pack(">3f", 0, 0, 0) + b"\0\2"
    data = b"ASEF" + struct.pack(">HHI", 1, 0, 1) + struct.pack(">HI", 1, len(body)) + body
    with pytest.raises(PaletteFileError, match="UTF-16"):
        decode_palette(data, ".ase")


def test_kpl_huge_float_is_clipped_not_overflowing():
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(
            "colorset.xml",
            '<ColorSet><ColorSetEntry><sRGB r="1e308" g="0" b="-1e308"/></ColorSetEntry></ColorSet>',
        )
    assert decode_palette(buf.getvalue(), ".kpl").swatches[0].rgb == (255, 0, 0)


def test_kpl_from_a_future_zip_version_is_an_error():
    # Found by the fuzzer: a central directory asking for zip version 8.4 raised NotImplementedError.
    data = bytearray(encode_palette(SEED, ".kpl"))
    central = data.rfind(b"PK\x01\x02")
    data[central + 6] = 84  # "version needed to extract"
    with pytest.raises(PaletteFileError):
        decode_palette(bytes(data), ".kpl")
