"""The image loader: every odd format, mode, profile and orientation becomes sRGB uint8.

Bad input is covered in test_image_errors.py. All fixtures are generated in tmp_path at test time (Pillow, numpy, or bytes written by hand).
"""

from __future__ import annotations

import struct
import zlib

import numpy as np
import pytest
from PIL import Image, ImageCms

from atelier_common.images import IMAGE_EXTENSIONS, is_image_path
from models.progress import Progress
from studio.io.images import LoadedImage, load_image, load_image_steps

RNG = np.random.default_rng(7)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_by_hand(
    width, height, bit_depth, colour_type, rows: bytes = b"", trns: bytes | None = None
) -> bytes:
    """A PNG from raw scanlines (each already prefixed by its filter byte), written without Pillow."""
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + (_png_chunk(b"tRNS", trns) if trns is not None else b"")
        + _png_chunk(b"IDAT", zlib.compress(rows))
        + _png_chunk(b"IEND", b"")
    )


def _save(tmp_path, name, image: Image.Image, **options) -> str:
    path = tmp_path / name
    image.save(path, **options)
    return path


def _noise(h=48, w=64, c=3) -> np.ndarray:
    return RNG.integers(0, 256, (h, w, c), dtype=np.uint8)


def _assert_clean(img: LoadedImage) -> None:
    assert img.pixels.dtype == np.uint8
    assert img.pixels.flags.c_contiguous and img.pixels.flags.writeable
    assert img.pixels.ndim == 3 and img.pixels.shape[2] == (4 if img.has_alpha else 3)


# --- formats and modes ---------------------------------------------------------------------------------


def test_rgb_png_round_trips_exactly(tmp_path):
    pixels = _noise()
    img = load_image(_save(tmp_path, "rgb.png", Image.fromarray(pixels)))
    _assert_clean(img)
    assert img.format == "PNG" and img.size == (64, 48) and not img.has_alpha
    np.testing.assert_array_equal(img.pixels, pixels)


@pytest.mark.parametrize("name", ["grey16.png", "grey16.tif"])
def test_16_bit_grey_is_scaled_not_clipped(tmp_path, name):
    values = np.array([[0, 257, 32768, 65535]], dtype=np.uint16)
    img = load_image(_save(tmp_path, name, Image.fromarray(values)))
    _assert_clean(img)
    np.testing.assert_array_equal(img.pixels[0, :, 0], [0, 1, 128, 255])
    assert any("16-bit" in note for note in img.notes)


def test_big_endian_16_bit_tiff_is_scaled(tmp_path):
    values = np.array([[0, 257, 32768, 65535]], dtype=">u2")
    im = Image.frombytes("I;16B", (4, 1), values.tobytes())
    img = load_image(_save(tmp_path, "be16.tif", im))
    np.testing.assert_array_equal(img.pixels[0, :, 0], [0, 1, 128, 255])


def test_32_bit_integer_tiff_holding_16_bit_values_is_scaled(tmp_path):
    values = np.array([[0, 257, 32768, 65535]], dtype=np.int32)
    img = load_image(_save(tmp_path, "int32.tif", Image.fromarray(values)))
    np.testing.assert_array_equal(img.pixels[0, :, 0], [0, 1, 128, 255])


@pytest.mark.parametrize(
    "values, expected",
    [([0.0, 0.25, 0.5, 1.0], [0, 64, 128, 255]), ([-1.0, 0.0, 1.0, 3.0], [0, 64, 128, 255])],
)
def test_float_tiff_is_scaled_or_stretched(tmp_path, values, expected):
    img = load_image(_save(tmp_path, "float.tif", Image.fromarray(np.array([values], np.float32))))
    np.testing.assert_array_equal(img.pixels[0, :, 0], expected)


def test_16_bit_grey_transparent_key_matches_only_its_16_bit_value(tmp_path):
    # 1000 and 1001 both scale to 4; only 1000 is the transparent key.
    samples = np.array([0, 1000, 1001, 65535], dtype=">u2")
    path = tmp_path / "key16.png"
    path.write_bytes(_png_by_hand(4, 1, 16, 0, b"\x00" + samples.tobytes(), trns=struct.pack(">H", 1000)))
    img = load_image(path)
    assert img.has_alpha
    np.testing.assert_array_equal(img.pixels[0, :, 3], [255, 0, 255, 255])
    np.testing.assert_array_equal(img.pixels[0, :, 0], [0, 4, 4, 255])


def test_rgb_transparent_key_becomes_alpha(tmp_path):
    pixels = np.array([[[1, 2, 3], [4, 5, 6]]], np.uint8)
    img = load_image(_save(tmp_path, "key.png", Image.fromarray(pixels), transparency=(4, 5, 6)))
    np.testing.assert_array_equal(img.pixels[0], [[1, 2, 3, 255], [4, 5, 6, 0]])


def test_16_bit_rgb_png_is_scaled(tmp_path):
    samples = np.array([[[65535, 32768, 0], [257, 65535, 32768]]], dtype=">u2")
    rows = b"\x00" + samples.tobytes()
    path = tmp_path / "rgb16.png"
    path.write_bytes(_png_by_hand(2, 1, 16, 2, rows))
    img = load_image(path)
    _assert_clean(img)
    np.testing.assert_allclose(img.pixels[0].astype(int), [[255, 128, 0], [1, 255, 128]], atol=1)


def test_16_bit_rgb_tiff_is_scaled(tmp_path):
    path = tmp_path / "rgb16.tif"
    path.write_bytes(_tiff_rgb16(np.array([[[65535, 32768, 0], [0, 65535, 32768]]], dtype="<u2")))
    img = load_image(path)
    _assert_clean(img)
    np.testing.assert_allclose(img.pixels[0].astype(int), [[255, 128, 0], [0, 255, 128]], atol=1)


def _tiff_rgb16(samples: np.ndarray) -> bytes:
    """A little-endian, uncompressed, chunky 16-bit RGB TIFF (Pillow cannot write one)."""
    h, w, _ = samples.shape
    data = samples.tobytes()
    entries = [
        (256, 3, 1, w), (257, 3, 1, h), (258, 3, 3, None), (259, 3, 1, 1), (262, 3, 1, 2),
        (273, 4, 1, None), (277, 3, 1, 3), (278, 3, 1, h), (279, 4, 1, len(data)), (284, 3, 1, 1),
    ]  # fmt: skip
    ifd_size = 2 + 12 * len(entries) + 4
    bits_at = 8 + ifd_size
    data_at = bits_at + 6
    out = struct.pack("<2sHI", b"II", 42, 8) + struct.pack("<H", len(entries))
    for tag, kind, count, value in entries:
        if tag == 258:
            value = bits_at
        elif tag == 273:
            value = data_at
        packed = struct.pack("<HI", value, 0)[:4] if kind == 3 and count == 1 else struct.pack("<I", value)
        out += struct.pack("<HHI", tag, kind, count) + packed
    return out + struct.pack("<I", 0) + struct.pack("<3H", 16, 16, 16) + data


def test_cmyk_jpeg_becomes_rgb(tmp_path):
    # Pillow writes CMYK JPEGs Adobe-style (inverted, with an APP14 marker), like Photoshop does.
    path = _save(tmp_path, "cmyk.jpg", Image.new("CMYK", (16, 16), (0, 255, 255, 0)))
    img = load_image(path)
    _assert_clean(img)
    assert not img.has_alpha
    r, g, b = img.pixels[8, 8].astype(int)
    assert r > 230 and g < 25 and b < 25
    assert any("CMYK" in note for note in img.notes)


def test_palette_png_with_transparency_becomes_rgba(tmp_path):
    im = Image.new("P", (4, 2), 0)
    im.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    im.putpixel((3, 1), 1)
    path = _save(tmp_path, "pal.png", im, transparency=1)
    img = load_image(path)
    _assert_clean(img)
    assert img.has_alpha and img.pixels.shape == (2, 4, 4)
    assert tuple(img.pixels[0, 0]) == (255, 0, 0, 255)
    assert img.pixels[1, 3, 3] == 0


def test_palette_without_transparency_is_rgb(tmp_path):
    im = Image.new("P", (4, 2), 0)
    im.putpalette([10, 200, 30] + [0] * 765)
    img = load_image(_save(tmp_path, "pal.gif", im))
    assert not img.has_alpha and tuple(img.pixels[0, 0]) == (10, 200, 30)


@pytest.mark.parametrize("mode", ["L", "1"])
def test_greyscale_becomes_rgb(tmp_path, mode):
    im = Image.fromarray(np.array([[0, 255], [128, 64]], dtype=np.uint8)).convert(mode)
    img = load_image(_save(tmp_path, f"grey_{mode}.png", im))
    _assert_clean(img)
    assert img.pixels.shape == (2, 2, 3)
    assert (img.pixels[..., 0] == img.pixels[..., 2]).all()
    assert img.pixels[0, 1, 0] == 255


def test_la_becomes_rgba(tmp_path):
    grey = np.array([[10, 20]], dtype=np.uint8)
    alpha = np.array([[255, 0]], dtype=np.uint8)
    img = load_image(_save(tmp_path, "la.png", Image.fromarray(np.dstack([grey, alpha]), mode="LA")))
    assert img.has_alpha
    np.testing.assert_array_equal(img.pixels[0], [[10, 10, 10, 255], [20, 20, 20, 0]])


def test_rgba_kept_rgba(tmp_path):
    pixels = _noise(c=4)
    img = load_image(_save(tmp_path, "rgba.webp", Image.fromarray(pixels), lossless=True, exact=True))
    _assert_clean(img)
    assert img.has_alpha and img.format == "WEBP"
    np.testing.assert_array_equal(img.pixels, pixels)


@pytest.mark.parametrize("fmt", ["BMP", "TIFF"])
def test_other_allowed_formats(tmp_path, fmt):
    pixels = _noise(8, 8)
    img = load_image(_save(tmp_path, f"x.{fmt.lower()}", Image.fromarray(pixels)))
    assert img.format == fmt
    np.testing.assert_array_equal(img.pixels, pixels)


def test_decoded_format_wins_over_extension(tmp_path):
    path = tmp_path / "really_a_png.jpg"
    Image.new("RGB", (4, 4), "blue").save(path, format="PNG")
    img = load_image(path)
    assert img.format == "PNG"
    assert any("PNG image despite its .jpg name" in note for note in img.notes)


def test_exif_orientation_6_rotates_upright(tmp_path):
    # Stored 40 wide × 20 high, red block in the stored top-left; orientation 6 means "rotate 90° CW
    # to display", so the picture is 20 wide × 40 high with the red block in its top-right corner.
    pixels = np.zeros((20, 40, 3), np.uint8)
    pixels[:6, :6] = (255, 0, 0)
    exif = Image.Exif()
    exif[0x0112] = 6
    path = _save(tmp_path, "phone.jpg", Image.fromarray(pixels), exif=exif, quality=95)
    img = load_image(path)
    assert img.size == (20, 40) and img.pixels.shape == (40, 20, 3)
    assert img.pixels[2, 17, 0] > 200 and img.pixels[2, 2, 0] < 50
    assert img.pixels[37, 17, 0] < 50


@pytest.mark.parametrize("fmt", ["GIF", "WEBP"])
def test_animation_gives_first_frame_with_note(tmp_path, fmt):
    frames = [Image.new("RGB", (8, 8), colour) for colour in ("red", "blue", "lime")]
    path = tmp_path / f"anim.{fmt.lower()}"
    frames[0].save(path, format=fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)
    img = load_image(path)
    r, g, b = img.pixels[4, 4, :3].astype(int)
    assert r > 200 and g < 40 and b < 40
    assert any("first frame" in note for note in img.notes)


def _swapped_red_blue_profile() -> bytes:
    """An RGB ICC profile like sRGB but with the red and blue primaries swapped (surely not sRGB)."""
    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    count = struct.unpack(">I", data[128:132])[0]
    slots = {bytes(data[132 + 12 * i : 136 + 12 * i]): 132 + 12 * i for i in range(count)}
    red, blue = slots[b"rXYZ"], slots[b"bXYZ"]
    data[red + 4 : red + 12], data[blue + 4 : blue + 12] = (
        data[blue + 4 : blue + 12],
        data[red + 4 : red + 12],
    )
    data[84:100] = bytes(16)  # the profile ID (an MD5) no longer matches; zero means "not computed"
    return bytes(data).replace("sRGB".encode("utf-16-be"), "Swap".encode("utf-16-be"))


def test_embedded_icc_profile_converted_to_srgb(tmp_path):
    path = _save(
        tmp_path, "wide.png", Image.new("RGB", (4, 4), (255, 0, 0)), icc_profile=_swapped_red_blue_profile()
    )
    img = load_image(path)
    r, g, b = img.pixels[0, 0].astype(int)
    assert b > 200 and r < 60 and g < 60  # stored "red" means blue under this profile
    assert any("to sRGB" in note for note in img.notes)


def test_broken_icc_profile_keeps_pixels_with_note(tmp_path):
    path = _save(
        tmp_path, "badicc.png", Image.new("RGB", (4, 4), (1, 2, 3)), icc_profile=b"not a profile" * 20
    )
    img = load_image(path)
    assert tuple(img.pixels[0, 0]) == (1, 2, 3)
    assert any("profile" in note for note in img.notes)


# --- downscaling and the job-runner generator -----------------------------------------------------------


@pytest.mark.parametrize("name", ["big.jpg", "big.png"])
def test_max_side_downsamples_and_keeps_stored_size(tmp_path, name):
    img = load_image(_save(tmp_path, name, Image.fromarray(_noise(300, 400))), max_side=50)
    _assert_clean(img)
    assert img.pixels.shape == (38, 50, 3) and img.size == (400, 300)


def test_max_side_larger_than_image_changes_nothing(tmp_path):
    pixels = _noise(10, 12)
    img = load_image(_save(tmp_path, "small.png", Image.fromarray(pixels)), max_side=500)
    np.testing.assert_array_equal(img.pixels, pixels)


def test_steps_yield_progress_and_return_loaded_image(tmp_path):
    path = _save(tmp_path, "steps.png", Image.fromarray(_noise(8, 8)))
    gen = load_image_steps(path, max_side=4)
    reports = []
    with pytest.raises(StopIteration) as done:
        while True:
            reports.append(next(gen))
    assert all(isinstance(r, Progress) for r in reports)
    assert [r.step for r in reports] == sorted(r.step for r in reports) and len(reports) >= 3
    assert isinstance(done.value.value, LoadedImage) and done.value.value.pixels.shape == (4, 4, 3)


def test_steps_closed_early_raise_nothing(tmp_path):
    gen = load_image_steps(_save(tmp_path, "c.png", Image.new("RGB", (4, 4))))
    next(gen)
    next(gen)
    gen.close()  # the job runner's Stop: the file handle is closed in a finally


def test_extensions():
    assert {".png", ".jpg", ".jpeg", ".webp", ".tif", ".tiff", ".bmp", ".gif"} <= IMAGE_EXTENSIONS
    assert is_image_path("A/B/Photo.JPG") and is_image_path("x.tiff")
    assert not is_image_path("palette.gpl") and not is_image_path("noext")
