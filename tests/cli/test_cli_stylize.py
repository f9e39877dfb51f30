"""`atelier stylize` end to end on tiny sizes: files, folders, provenance and one-line errors."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import torch
from PIL import Image

from studio.cli import main
from studio.io.images import read_provenance
from studio.resources import EXAMPLES, STYLES

PHOTO = EXAMPLES / "chelsea.png"
STYLE = STYLES / "picabia_udnie.jpg"
STYLE2 = STYLES / "hokusai_great_wave.jpg"
FAST = ["--size", "32", "--quality", "draft"]


def _one_error_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith("atelier stylize: error: ")
    return err[0]


def test_stylizes_a_photo_with_provenance(tmp_path, capsys):
    out = tmp_path / "cat.png"
    code = main(["stylize", str(PHOTO), str(STYLE), str(STYLE2), "-o", str(out), *FAST,
                 "--style-weights", "2,1", "--seed", "3", "--preserve-colors"])  # fmt: skip
    assert code == 0
    with Image.open(out) as im:
        assert im.size == (32, 21) and im.mode == "RGB"
    prov = read_provenance(out)
    assert prov["content"] == "chelsea.png"
    assert prov["styles"] == ["picabia_udnie.jpg", "hokusai_great_wave.jpg"]
    assert prov["style_weights"] == [2.0, 1.0] and prov["seed"] == 3 and prov["preserve_colors"] is True
    assert str(out) in capsys.readouterr().out


def test_rgba_photo_keeps_its_alpha(tmp_path):
    out = tmp_path / "logo.png"
    assert main(["stylize", str(EXAMPLES / "logo_rgba.png"), str(STYLE), "-o", str(out), *FAST]) == 0
    with Image.open(out) as im, Image.open(EXAMPLES / "logo_rgba.png") as src:
        assert im.mode == "RGBA"
        src_alpha = np.asarray(src.convert("RGBA").resize(im.size, Image.Resampling.LANCZOS))[..., 3]
        assert np.abs(np.asarray(im)[..., 3].astype(int) - src_alpha).mean() < 3


def test_folder_mode_skips_unreadable_files_and_exits_2(tmp_path, capsys):
    photos = tmp_path / "photos"
    photos.mkdir()
    for name in ("a.png", "b.jpg"):
        Image.fromarray(np.random.default_rng(0).integers(0, 255, (20, 30, 3), dtype=np.uint8)).save(
            photos / name
        )
    (photos / "broken.png").write_bytes(b"not a png")
    (photos / "notes.txt").write_text("ignored")
    out = tmp_path / "out"
    code = main(["stylize", str(photos), str(STYLE), "-o", str(out), *FAST])
    assert code == 2
    assert sorted(p.name for p in out.iterdir()) == ["a-stylized.png", "b-stylized.png"]
    err = capsys.readouterr().err
    assert "skipped" in err and "broken.png" in err and "1 of 3 images could not be read" in err
    assert "[2/3] b.jpg" in err  # the progress bar names each file


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["--strength", "nan"], "--strength must be a finite number"),
        (["--strength", "1.5"], "strength must be between 0 and 1"),
        (["--style-weights", "0"], "style weights sum to zero"),
        (["--style-weights", "1,1"], "--style-weights has 2 values for 1 style"),
        (["--size", "big"], "--size must be a whole number"),
        (["--size", "7000"], "size must be between 16 and 6000"),
        (["--quality", "ultra"], "quality must be one of"),
        (["--backbone", "resnet"], "backbone must be one of"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(tmp_path, capsys, extra, expected):
    assert main(["stylize", str(PHOTO), str(STYLE), "-o", str(tmp_path / "o.png"), *FAST, *extra]) == 2
    assert expected in _one_error_line(capsys)


def test_unreadable_inputs_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"\xff\xd8 truncated")
    assert main(["stylize", str(PHOTO), str(bad), "-o", str(tmp_path / "o.png"), *FAST]) == 2
    assert "bad.jpg" in _one_error_line(capsys)
    assert main(["stylize", str(tmp_path / "nope.png"), str(STYLE), "-o", str(tmp_path / "o.png")]) == 2
    assert "nope.png: no such file" in _one_error_line(capsys)
    assert main(["stylize", str(PHOTO), str(STYLE), "-o", str(tmp_path / "o.xyz")]) == 2
    assert "cannot save as 'o.xyz'" in _one_error_line(capsys)
    assert main(["stylize", str(PHOTO), str(STYLE), "-o", str(tmp_path / "o.png"), *FAST, "--backbone", "vgg19",
                 "--vgg19-weights", str(bad)]) == 2  # fmt: skip
    assert "VGG19" in _one_error_line(capsys)


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the message shown when CUDA is absent")
def test_cuda_without_gpu_exit_2(tmp_path, capsys):
    assert (
        main(["stylize", str(PHOTO), str(STYLE), "-o", str(tmp_path / "o.png"), *FAST, "--device", "cuda"])
        == 2
    )
    assert "no CUDA GPU" in _one_error_line(capsys)


def test_never_overwrites_an_input(tmp_path, capsys):
    photo = tmp_path / "p.png"
    Image.fromarray(np.zeros((20, 20, 3), np.uint8)).save(photo)
    before = photo.read_bytes()
    assert main(["stylize", str(photo), str(STYLE), "-o", str(photo), *FAST]) == 2
    assert photo.read_bytes() == before
    _one_error_line(capsys)


def test_module_and_help_do_not_import_torch():
    code = "import sys, studio.cli as c, studio.commands.stylize; c.build_parser(); assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("ext", [".ora", ".psd"])
def test_layered_output_has_the_photo_and_the_result_on_top(tmp_path, ext):
    out = tmp_path / f"cat{ext}"
    assert main(["stylize", str(PHOTO), str(STYLE), "-o", str(out), *FAST]) == 0
    if ext == ".ora":
        from studio.io.ora import read_ora

        doc = read_ora(out).document
        assert doc.size == (32, 21) and len(doc.layers) == 1
        top = doc.layers[0]
        assert top.name == "Stylized after picabia_udnie" and top.opacity == 1.0 and top.visible
        assert top.provenance["content"] == "chelsea.png"
        assert not np.array_equal(top.image[..., :3], doc.image[..., :3])
    else:
        from psd_tools import PSDImage

        psd = PSDImage.open(out)
        assert [la.name for la in psd] == ["Original", "Stylized after picabia_udnie"]
        assert psd.size == (32, 21) and list(psd)[1].opacity == 255
