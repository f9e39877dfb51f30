"""`atelier palette`: JSON schema, exports, one-line errors with exit code 2, no torch imported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from studio.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def image(tmp_path):
    img = np.zeros((40, 60, 3), np.uint8)
    img[:, :20] = (220, 30, 30)
    img[:, 20:40] = (30, 200, 60)
    img[:, 40:] = (240, 240, 235)
    path = tmp_path / "stripes.png"
    Image.fromarray(img).save(path)
    return path


def _run_json(capsys, argv):
    capsys.readouterr()
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1  # exactly one JSON object on one line
    return json.loads(out)


def test_json_schema(capsys, image):
    doc = _run_json(capsys, ["palette", str(image), "--colors", "3", "--json"])
    assert set(doc) == {"colors", "closest_harmony"}
    assert {c["hex"] for c in doc["colors"]} == {"#dc1e1e", "#1ec83c", "#f0f0eb"}
    for c in doc["colors"]:
        assert set(c) == {"hex", "share", "lab"} and len(c["lab"]) == 3
        assert c["share"] == pytest.approx(1 / 3, abs=1e-3)
    assert isinstance(doc["closest_harmony"], str)


def test_harmony_with_base_and_region_and_sort(capsys, image):
    doc = _run_json(
        capsys,
        ["palette", str(image), "--json", "--region", "0,0,30,40", "--sort", "lightness",
         "--harmony", "complementary", "--base", "#FF0000"],
    )  # fmt: skip
    assert [c["hex"] for c in doc["colors"]] == ["#dc1e1e", "#1ec83c"]  # darker first
    assert [h["hex"] for h in doc["harmony"]] == ["#ff0000", "#00ff00"]  # RYB: red ↔ green


def test_auto_and_mood(capsys, image):
    assert len(_run_json(capsys, ["palette", str(image), "--colors", "auto", "--json"])["colors"]) == 3
    doc = _run_json(capsys, ["palette", str(image), "--colors", "2", "--mood", "muted", "--json"])
    assert len(doc["colors"]) == 2


@pytest.mark.parametrize("suffix", [".gpl", ".ase", ".kpl", ".css", ".json", ".png"])
def test_export(capsys, image, tmp_path, suffix):
    out = tmp_path / f"pal{suffix}"
    assert main(["palette", str(image), "--colors", "3", "--export", str(out)]) == 0
    assert out.stat().st_size > 0
    assert f"wrote {out}" in capsys.readouterr().out
    if suffix in (".gpl", ".ase", ".kpl", ".json"):
        from studio.io.palette_files import import_palette

        assert len(import_palette(out).swatches) == 3


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--colors", "0"], "--colors must be 1..16"),
        (["--colors", "lots"], "--colors must be a number"),
        (["--mood", "sad"], "--mood 'sad' is not one of"),
        (["--sort", "size"], "--sort 'size' is not one of"),
        (["--region", "1,2,3"], "--region must be X,Y,W,H"),
        (["--region", "500,500,10,10"], "outside the 60x40 image"),
        (["--harmony", "pentadic"], "unknown harmony 'pentadic'"),
        (["--base", "#ff0000"], "--base needs --harmony"),
        (["--harmony", "triadic", "--base", "red"], "--base: not a colour code"),
        (["--export", "out.txt"], "--export out.txt: use one of"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, image, extra, message):
    capsys.readouterr()
    assert main(["palette", str(image), *extra]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_missing_and_transparent_images(capsys, tmp_path):
    assert main(["palette", str(tmp_path / "nope.png")]) == 2
    assert "no such file" in capsys.readouterr().err
    clear = tmp_path / "clear.png"
    Image.fromarray(np.zeros((8, 8, 4), np.uint8)).save(clear)
    assert main(["palette", str(clear)]) == 2
    assert "fully transparent" in capsys.readouterr().err


def test_palette_command_does_not_import_torch_or_qt(image):
    code = (
        "import sys, io, contextlib\n"
        "from studio.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    rc = main(['palette', {str(image)!r}, '--json', '--harmony', 'triadic'])\n"
        "bad = [m for m in ('torch', 'PySide6') if m in sys.modules]\n"
        "print(rc, bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "0 []", out.stderr
