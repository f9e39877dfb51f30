"""save_image / read_provenance: atomic, never onto a protected original, provenance in, EXIF out."""

from __future__ import annotations

import os

import numpy as np
import pytest
from PIL import Image

from atelier_common.atomic import TEMP_PREFIX
from studio.io.images import (
    PROVENANCE_KEY,
    ImageLoadError,
    ImageSaveError,
    load_image,
    read_provenance,
    save_image,
)

RNG = np.random.default_rng(11)


def _rgba(h=24, w=32) -> np.ndarray:
    pixels = RNG.integers(0, 256, (h, w, 4), dtype=np.uint8)
    pixels[0, 0, 3] = 0
    pixels[0, 1, 3] = 255
    return pixels


def _no_leftovers(folder) -> bool:
    return not any(p.name.startswith(TEMP_PREFIX) for p in folder.iterdir())


@pytest.mark.parametrize("name", ["out.png", "out.tif", "out.tiff"])
def test_rgba_round_trip_keeps_alpha_exactly(tmp_path, name):
    pixels = _rgba()
    written = save_image(tmp_path / name, pixels)
    assert written == tmp_path / name
    img = load_image(written)
    assert img.has_alpha
    np.testing.assert_array_equal(img.pixels, pixels)


def test_webp_keeps_alpha(tmp_path):
    pixels = _rgba()
    img = load_image(save_image(tmp_path / "out.webp", pixels))
    assert img.has_alpha
    np.testing.assert_array_equal(img.pixels[..., 3], pixels[..., 3])  # WebP stores alpha losslessly


def test_jpeg_composites_alpha_on_white(tmp_path):
    pixels = np.zeros((16, 16, 4), np.uint8)
    pixels[:, :8] = (0, 0, 0, 255)  # opaque black on the left, fully transparent on the right
    img = load_image(save_image(tmp_path / "flat.JPG", pixels))
    assert not img.has_alpha and img.pixels.shape == (16, 16, 3)
    assert img.pixels[8, 2].max() < 20 and img.pixels[8, 13].min() > 235


def test_greyscale_array_saves(tmp_path):
    grey = np.arange(64, dtype=np.uint8).reshape(8, 8)
    img = load_image(save_image(tmp_path / "grey.png", grey))
    np.testing.assert_array_equal(img.pixels[..., 1], grey)


def test_provenance_round_trip_with_software_chunk(tmp_path):
    provenance = {
        "engine": "stylize",
        "style": "Hokusai – The Great Wave",
        "steps": 40,
        "weights": [1.0, 0.5],
    }
    path = save_image(tmp_path / "styled.png", _rgba(), provenance=provenance)
    assert read_provenance(path) == provenance
    with Image.open(path) as im:
        assert im.info["Software"].startswith("Atelier ")
        assert PROVENANCE_KEY in im.info


def test_read_provenance_none_when_absent_or_not_png(tmp_path):
    assert read_provenance(save_image(tmp_path / "plain.png", _rgba())) is None
    assert read_provenance(save_image(tmp_path / "x.jpg", _rgba(), provenance={"a": 1})) is None
    (tmp_path / "junk.png").write_bytes(b"junk")
    assert read_provenance(tmp_path / "junk.png") is None
    with pytest.raises(ImageLoadError, match="gone.png: file not found"):
        read_provenance(tmp_path / "gone.png")


def test_provenance_values_that_are_not_json_become_strings(tmp_path):
    path = save_image(tmp_path / "p.png", _rgba(), provenance={"source": tmp_path / "in.jpg"})
    assert read_provenance(path) == {"source": str(tmp_path / "in.jpg")}


def _original(tmp_path):
    path = tmp_path / "original.png"
    Image.new("RGB", (4, 4), "green").save(path)
    return path, path.read_bytes()


def test_refuses_to_overwrite_protected_original(tmp_path):
    original, before = _original(tmp_path)
    spellings = [original, str(original), tmp_path / "sub" / ".." / "original.png"]
    (tmp_path / "sub").mkdir()
    for spelling in spellings:
        with pytest.raises(ImageSaveError, match="original.png: refusing to overwrite the original"):
            save_image(spelling, _rgba(), protect=[original])
    assert original.read_bytes() == before
    assert _no_leftovers(tmp_path)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_refuses_a_link_to_the_protected_original(tmp_path):
    original, before = _original(tmp_path)
    link = tmp_path / "link.png"
    link.symlink_to(original)
    with pytest.raises(ImageSaveError, match="link.png: refusing"):
        save_image(link, _rgba(), protect=(str(original),))
    assert original.read_bytes() == before


def test_protect_allows_other_paths_and_a_single_path(tmp_path):
    original, _ = _original(tmp_path)
    assert save_image(tmp_path / "copy.png", _rgba(), protect=original).exists()


def test_unknown_extension_refused_and_nothing_written(tmp_path):
    with pytest.raises(ImageSaveError, match=r"out.gif: cannot save as '.gif'; use .jpg, .png"):
        save_image(tmp_path / "out.gif", _rgba())
    with pytest.raises(ImageSaveError, match="no extension"):
        save_image(tmp_path / "out", _rgba())
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "pixels, reason",
    [
        (np.zeros((4, 4, 3), np.float32), "uint8"),
        (np.zeros((4, 4, 2), np.uint8), "shape"),
        (np.zeros((0, 4, 3), np.uint8), "no pixels"),
        ([[0, 1]], "numpy array"),
    ],
)
def test_bad_pixels_refused(tmp_path, pixels, reason):
    with pytest.raises(ImageSaveError, match=reason):
        save_image(tmp_path / "bad.png", pixels)
    assert list(tmp_path.iterdir()) == []


def test_missing_folder(tmp_path):
    with pytest.raises(ImageSaveError, match="does not exist"):
        save_image(tmp_path / "nope" / "x.png", _rgba())


def test_failed_encode_keeps_old_file_and_leaves_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "export.png"
    target.write_bytes(b"previous export")

    def broken_save(self, fp, *args, **kwargs):
        fp.write(b"\x89PNG half an image")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Image.Image, "save", broken_save)
    with pytest.raises(ImageSaveError, match="export.png: could not write the file \\(No space left"):
        save_image(target, _rgba())
    assert target.read_bytes() == b"previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.png"]


def test_successful_save_replaces_old_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "export.png"
    target.write_bytes(b"previous export")
    save_image(target, _rgba())
    assert target.read_bytes().startswith(b"\x89PNG")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.png"]


@pytest.mark.parametrize("name", ["out.jpg", "out.png", "out.webp", "out.tif"])
def test_no_exif_or_gps_copied_from_input(tmp_path, name):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif.get_ifd(0x8825)[2] = (48.0, 51.0, 30.0)  # GPSLatitude
    source = tmp_path / "photo.jpg"
    Image.new("RGB", (8, 8), "white").save(source, exif=exif)
    with Image.open(source) as check:
        assert check.getexif().get(0x010F) == "PhoneMaker"  # the input really carries EXIF

    written = save_image(tmp_path / name, load_image(source).pixels, provenance={"from": "photo.jpg"})
    with Image.open(written) as out:
        assert "exif" not in out.info
        tags = out.getexif()  # a TIFF's own structure tags show up here too, so look for ours
        assert 0x010F not in tags and 0x8825 not in tags
    assert b"PhoneMaker" not in written.read_bytes()
