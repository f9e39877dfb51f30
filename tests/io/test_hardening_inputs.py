"""Case 10 of issue 14: stale temp files of a killed save are cleaned up, a degenerate shape gets a message
that says what is wrong, and an image over the pixel limit says what the limit is without any raw
library warning."""

from __future__ import annotations

import os
import struct
import time
import warnings
import zlib

import numpy as np
import pytest

from atelier_common.atomic import TEMP_PREFIX, atomic_write_text, clean_stale_temps


def _temp(folder, name, age_s):
    path = folder / f"{TEMP_PREFIX}{name}.part"
    path.write_bytes(b"half a save")
    old = time.time() - age_s
    os.utime(path, (old, old))
    return path


def test_case10_a_save_cleans_the_stale_temps_of_a_killed_one(tmp_path):
    stale = _temp(tmp_path, "killed", 2 * 3600)
    fresh = _temp(tmp_path, "inflight", 5)  # another save may be writing it right now
    other = tmp_path / ".other-tool.part"
    other.write_text("not ours")
    atomic_write_text(tmp_path / "notes.txt", "hello")
    assert not stale.exists() and fresh.exists() and other.exists()


def test_case10_cleaning_goes_down_the_asked_depth_only(tmp_path):
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    first, second = _temp(tmp_path / "a", "x", 7200), _temp(deep, "y", 7200)
    assert clean_stale_temps(tmp_path, depth=1) == 1
    assert not first.exists() and second.exists()
    assert clean_stale_temps(tmp_path / "missing") == 0


@pytest.mark.gui
def test_case10_start_cleans_the_data_folder_and_recent_folders(qtbot, tmp_path):
    from studio.main_window import MainWindow
    from studio.settings import add_recent, app_settings
    from studio.state.preferences import data_dir

    models = data_dir() / "models"
    models.mkdir(parents=True)
    in_data = _temp(models, "model", 7200)
    photos = tmp_path / "photos"
    photos.mkdir()
    in_photos = _temp(photos, "photo", 7200)
    add_recent(app_settings(), [str(photos / "cat.png")])
    window = MainWindow()
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: not in_data.exists() and not in_photos.exists(), timeout=5000)
    window.close()


def _png_header_only(width, height):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")
    )


def test_case10_a_108_megapixel_photo_is_refused_in_our_words_only(tmp_path):
    from studio.io.images import ImageLoadError, load_image

    path = tmp_path / "huge.png"
    path.write_bytes(_png_header_only(12000, 9000))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ImageLoadError) as info:
            load_image(path)
    assert "108 megapixels" in str(info.value) and "the limit is 100 megapixels" in str(info.value)
    assert [str(w.message) for w in caught] == []


def test_case10_a_one_pixel_strip_says_it_is_too_thin(tmp_path):
    from models.progress import drive
    from models.style import StyleConfig, stylize

    strip = np.full((5000, 1, 3), 128, np.uint8)
    style = np.random.default_rng(0).integers(0, 255, (64, 64, 3), np.uint8)
    with pytest.raises(ValueError, match="1×5000 px, too thin to stylize") as info:
        drive(stylize(strip, [style], StyleConfig(size=512, quality="draft")))
    assert "Draft" not in str(info.value)
