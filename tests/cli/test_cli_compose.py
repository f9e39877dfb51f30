"""`atelier compose`: JSON analysis in input pixels, guides drawn on a copy, one-line errors (exit 2)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from studio.cli import main
from studio.io.images import read_provenance

REQUIRED_GUIDES = {
    "grid", "thirds", "fifths", "golden-sections", "golden-spiral", "golden-triangles",
    "diagonal-method", "dynamic-symmetry", "centre", "safe-margins",
}  # fmt: skip


def _blob_png(path, w=300, h=200, cx=220, cy=60, r=14, mode="RGB"):
    rng = np.random.default_rng(0)
    img = np.repeat(rng.normal(110, 5, (h, w, 1)).clip(0, 255), 3, axis=2).astype(np.uint8)
    yy, xx = np.mgrid[:h, :w]
    img[(xx - cx) ** 2 + (yy - cy) ** 2 <= r * r] = (230, 40, 30)
    if mode == "RGBA":
        img = np.dstack([img, np.full((h, w), 255, np.uint8)])
    Image.fromarray(img).save(path)
    return path


def _json(capsys, argv):
    capsys.readouterr()
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_list_guides(capsys):
    assert main(["compose", "--list-guides"]) == 0
    names = capsys.readouterr().out.split()
    assert REQUIRED_GUIDES <= set(names)


def test_json_in_input_pixels(tmp_path, capsys):
    data = _json(capsys, ["compose", str(_blob_png(tmp_path / "a.png")), "--json"])
    assert data["subject"]["center"] == pytest.approx([220, 60], abs=5)
    x, y, w, h = data["subject"]["box"]
    assert x <= 220 <= x + w and y <= 60 <= y + h
    assert set(data["crops"]) == {"1:1", "4:5", "3:2", "16:9"}
    assert data["crops"]["1:1"][2] == data["crops"]["1:1"][3]
    assert data["horizon_deg"] is None
    assert data["balance"]["right"] > 0.6
    assert data["suggestions"] and all(isinstance(s, str) for s in data["suggestions"])


def test_json_of_a_huge_image_is_in_full_size_pixels(tmp_path, capsys):
    path = _blob_png(tmp_path / "big.png", w=2600, h=700, cx=2000, cy=350, r=80)
    data = _json(capsys, ["compose", str(path), "--json", "--aspect", "2:1"])
    assert data["subject"]["center"] == pytest.approx([2000, 350], abs=30)
    x, y, w, h = data["crops"]["2:1"]
    assert w == 2 * h and x + w <= 2600 and y + h <= 700


def test_uniform_thin_and_transparent_images(tmp_path, capsys):
    Image.new("RGB", (80, 50), (90, 90, 90)).save(tmp_path / "flat.png")
    data = _json(capsys, ["compose", str(tmp_path / "flat.png"), "--json"])
    assert data["subject"] is None and "uniform" in data["suggestions"][0]
    Image.new("RGB", (1, 40), (10, 200, 30)).save(tmp_path / "thin.png")
    data = _json(capsys, ["compose", str(tmp_path / "thin.png"), "--json"])
    assert data["crops"]["1:1"][2:] == [1, 1]
    data = _json(capsys, ["compose", str(_blob_png(tmp_path / "rgba.png", mode="RGBA")), "--json"])
    assert data["subject"] is not None


def test_text_report(tmp_path, capsys):
    assert main(["compose", str(_blob_png(tmp_path / "a.png"))]) == 0
    out = capsys.readouterr().out
    assert "subject" in out and "crop 16:9" in out


def test_draws_the_guide_on_a_copy(tmp_path):
    src = tmp_path / "grey.png"
    Image.new("RGB", (300, 150), (128, 128, 128)).save(src)
    out = tmp_path / "out.png"
    assert main(["compose", str(src), "--guide", "thirds", "-o", str(out)]) == 0
    drawn = np.asarray(Image.open(out).convert("RGB")).astype(int)
    assert drawn.shape == (150, 300, 3)
    changed = np.nonzero(np.abs(drawn[20] - 128).sum(axis=1) > 30)[0]
    assert set(changed) <= {99, 100, 101, 199, 200, 201} and {100, 200} <= set(changed)
    assert (np.asarray(Image.open(src)) == 128).all()  # the original is untouched
    assert read_provenance(out)["guide"] == "thirds"


def test_flip_mirrors_the_spiral(tmp_path):
    src = tmp_path / "grey.png"
    Image.new("RGB", (162, 100), (128, 128, 128)).save(src)
    plain, flipped = tmp_path / "p.png", tmp_path / "f.png"
    assert main(["compose", str(src), "--guide", "golden-spiral", "-o", str(plain)]) == 0
    assert main(["compose", str(src), "--guide", "golden-spiral", "--flip", "h", "-o", str(flipped)]) == 0
    a = np.asarray(Image.open(plain).convert("L")).astype(int)
    b = np.asarray(Image.open(flipped).convert("L")).astype(int)
    assert not np.array_equal(a, b)
    # Mirrored geometry: the dark under-lines match up to a pixel of rounding.
    dark_a, dark_b = a < 90, b[:, ::-1] < 90
    assert (dark_a & dark_b).sum() > 0.6 * dark_a.sum()


def _fails_with_one_line(capsys, argv, match):
    capsys.readouterr()
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and match in err, err


def test_bad_input_exits_2_with_one_line(tmp_path, capsys):
    good = str(_blob_png(tmp_path / "a.png"))
    (tmp_path / "bad.png").write_bytes(b"not a png")
    _fails_with_one_line(capsys, ["compose", str(tmp_path / "missing.png"), "--json"], "missing.png")
    _fails_with_one_line(capsys, ["compose", str(tmp_path / "bad.png"), "--json"], "bad.png")
    _fails_with_one_line(
        capsys, ["compose", good, "--guide", "nope", "-o", str(tmp_path / "o.png")], "unknown guide"
    )
    _fails_with_one_line(capsys, ["compose", good, "--guide", "thirds"], "-o")
    _fails_with_one_line(capsys, ["compose", good, "--aspect", "4:x", "--json"], "aspect")
    _fails_with_one_line(capsys, ["compose", good, "--grid", "3", "-o", str(tmp_path / "o.png")], "--grid")
    _fails_with_one_line(
        capsys, ["compose", good, "--colour", "red", "-o", str(tmp_path / "o.png")], "colour"
    )
    _fails_with_one_line(capsys, ["compose", good, "--guide", "thirds", "-o", good], "a.png")
    _fails_with_one_line(capsys, ["compose"], "IMAGE")


def test_layered_output_puts_the_guide_on_its_own_layer(tmp_path):
    from studio.io.ora import read_ora

    src = tmp_path / "grey.png"
    Image.new("RGB", (300, 150), (128, 128, 128)).save(src)
    out = tmp_path / "out.ora"
    assert main(["compose", str(src), "--guide", "thirds", "-o", str(out)]) == 0
    doc = read_ora(out).document
    assert (doc.image == 128).all()  # the picture untouched
    (guide,) = doc.layers
    assert guide.name == "Guide: thirds" and guide.provenance["guide"] == "thirds"
    drawn = np.nonzero(guide.image[20, :, 3])[0]
    assert {100, 200} <= set(drawn) and set(drawn) <= {99, 100, 101, 199, 200, 201}
