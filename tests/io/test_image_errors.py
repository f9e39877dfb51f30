"""The image loader's bad-input cases: each is an ImageLoadError whose message names the file and the reason.

All fixtures are generated in tmp_path at test time.
"""

from __future__ import annotations

import io
import os
import struct
import sys
import warnings
import zlib

import numpy as np
import pytest
from PIL import Image

from studio.io.images import ImageLoadError, load_image

RNG = np.random.default_rng(5)


def _png_header_only(width: int, height: int, bit_depth: int, colour_type: int) -> bytes:
    """A PNG that claims a size in its IHDR but holds (almost) no pixel data: tiny on disk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 16)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _noise(h: int, w: int) -> np.ndarray:
    return RNG.integers(0, 256, (h, w, 3), dtype=np.uint8)


# --- bad input: a clear message naming the file ------------------------------------------------------


def _load_error(path) -> str:
    with pytest.raises(ImageLoadError) as caught:
        load_image(path)
    message = str(caught.value)
    assert message.startswith(f"{os.path.basename(path)}: ")
    assert "Traceback" not in message
    return message


@pytest.mark.parametrize("fmt, name", [("PNG", "cut.png"), ("JPEG", "cut.jpg")])
def test_truncated_file(tmp_path, fmt, name):
    buffer = io.BytesIO()
    Image.fromarray(_noise(96, 96)).save(buffer, fmt)
    path = tmp_path / name
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    assert "truncated" in _load_error(path)


def test_random_bytes_named_png(tmp_path):
    path = tmp_path / "noise.png"
    path.write_bytes(RNG.bytes(4000))
    assert "not a PNG, JPEG, WebP, TIFF, BMP or GIF image" in _load_error(path)


def test_text_file_named_jpg(tmp_path):
    path = tmp_path / "notes.jpg"
    path.write_text("shopping list: ultramarine, titanium white\n")
    assert "not a PNG" in _load_error(path)


def test_format_outside_allow_list_is_refused_even_if_pillow_reads_it(tmp_path):
    path = tmp_path / "icon.png"
    Image.new("RGB", (16, 16), "red").save(path, format="ICO")
    assert "not a PNG" in _load_error(path)


def test_empty_file(tmp_path):
    path = tmp_path / "empty.png"
    path.write_bytes(b"")
    assert "empty" in _load_error(path)


def test_decompression_bomb_header_fails_fast(tmp_path):
    # 30000×30000 RGBA would be 3.6 GB; the file itself is a few dozen bytes.
    path = tmp_path / "bomb.png"
    path.write_bytes(_png_header_only(30000, 30000, 8, 6))
    assert path.stat().st_size < 200
    message = _load_error(path)
    assert "too large" in message and "limit is 100 megapixels" in message


def test_image_just_over_the_limit_is_refused_by_our_own_check(tmp_path):
    # 110 MP: above our limit but below Pillow's hard error (2×), where Pillow only warns.
    path = tmp_path / "big.png"
    path.write_bytes(_png_header_only(11000, 10000, 8, 0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        message = _load_error(path)
    assert "too large" in message


def test_missing_file(tmp_path):
    assert "file not found" in _load_error(tmp_path / "gone.png")


def test_directory(tmp_path):
    folder = tmp_path / "photos.png"
    folder.mkdir()
    assert "folder" in _load_error(folder)


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root reads anything")
def test_no_permission(tmp_path):
    path = tmp_path / "locked.png"
    Image.new("RGB", (4, 4)).save(path)
    path.chmod(0)
    try:
        assert "permission denied" in _load_error(path)
    finally:
        path.chmod(0o644)


def test_no_permission_simulated(tmp_path, monkeypatch):
    # The test above is skipped for root (as in many CI containers); this one runs everywhere.
    import studio.io._decode as decode

    path = tmp_path / "locked.png"
    Image.new("RGB", (4, 4)).save(path)

    def refuse(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(decode, "open", refuse, raising=False)
    assert "permission denied" in _load_error(path)
