"""No command destroys a file: writers refuse their own inputs and files they did not write, and check
output paths before the work starts (issue 14, cases 1, 2 and 9)."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest
import torch
from PIL import Image

from models.gan import Checkpoint, CheckpointError, GanArch, GanModel, save_checkpoint
from models.gan.networks import Discriminator, Generator
from studio.cli import main
from studio.resources import EXAMPLES, STYLES

TINY = GanArch(resolution=32, z_dim=16, ngf=8, ndf=8)


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _error(capsys, command: str) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert err and "Traceback" not in "\n".join(err), err
    assert err[-1].startswith(f"atelier {command}: error: "), err
    return err[-1]


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "photo.png"
    pixels = np.zeros((30, 40, 3), np.uint8)
    pixels[:, :20] = (200, 40, 40)
    pixels[:, 20:] = (40, 60, 220)
    Image.fromarray(pixels).save(path)  # a user's file: no Atelier mark
    return path


@pytest.fixture
def model_dir(tmp_path):
    torch.manual_seed(0)
    g = Generator(TINY)
    path = tmp_path / "models" / "mine.safetensors"
    save_checkpoint(path, Checkpoint(TINY, g.state_dict(), g.state_dict(), Discriminator(TINY).state_dict()))
    return path


# --- case 1: palette exports --------------------------------------------------------------------------


def test_case1_palette_export_refuses_its_own_input_image(photo, capsys):
    before = _digest(photo)
    assert main(["palette", str(photo), "--colors", "2", "--export", str(photo)]) == 2
    assert "inputs" in _error(capsys, "palette")
    assert _digest(photo) == before


def test_case1_palette_export_refuses_a_file_it_did_not_write(photo, tmp_path, capsys):
    other = tmp_path / "holiday.png"
    Image.new("RGB", (9, 9), "green").save(other)
    before = _digest(other)
    assert main(["palette", str(photo), "--export", str(other)]) == 2
    assert "not a palette that Atelier wrote" in _error(capsys, "palette")
    assert _digest(other) == before
    notes = tmp_path / "notes.json"
    notes.write_text('{"shopping": ["eggs"]}')
    assert main(["palette", str(photo), "--export", str(notes)]) == 2
    assert json.loads(notes.read_text()) == {"shopping": ["eggs"]}


def test_case1_palette_export_replaces_its_own_earlier_export(photo, tmp_path):
    for suffix in (".png", ".json", ".gpl", ".css"):
        out = tmp_path / f"swatches{suffix}"
        assert main(["palette", str(photo), "--colors", "2", "--export", str(out)]) == 0
        assert main(["palette", str(photo), "--colors", "3", "--export", str(out)]) == 0


# --- case 2: GAN sample metadata never lands on the model's sidecar ------------------------------------


def test_case2_sample_next_to_the_model_keeps_the_model_loadable(model_dir, capsys):
    sidecar = model_dir.with_suffix(".json")
    before = sidecar.read_text()
    grid = model_dir.with_suffix(".png")
    argv = ["gan", "sample", "--checkpoint", str(model_dir), "--count", "2", "-o", str(grid)]
    assert main(argv) == 2
    assert "mine.json" in _error(capsys, "gan")
    assert sidecar.read_text() == before
    GanModel.load(model_dir)  # still loads
    assert not grid.exists()


def test_case2_sample_sidecar_is_the_samples_own(model_dir, tmp_path):
    grid = tmp_path / "grid.png"
    argv = ["gan", "sample", "--checkpoint", str(model_dir), "--count", "2", "-o", str(grid)]
    assert main(argv) == 0 and main(argv) == 0  # its own grid and sidecar may be replaced
    assert json.loads(grid.with_suffix(".json").read_text())["tool"] == "atelier gan sample"


def test_case2_gui_sample_save_refuses_the_model_sidecar(model_dir):
    from studio.io.gan_files import save_sample
    from studio.io.guard import OutputRefused

    model = GanModel.load(model_dir)
    sample = model.sample([1], 0.7)[0]
    before = model_dir.with_suffix(".json").read_text()
    with pytest.raises(OutputRefused, match="inputs"):
        save_sample(model_dir.with_suffix(".png"), sample, model)
    assert model_dir.with_suffix(".json").read_text() == before


def test_case2_checkpoint_never_replaces_a_foreign_sidecar_or_file(tmp_path):
    g = Generator(TINY)
    notes = tmp_path / "model.json"
    notes.write_text('{"my": "notes"}')
    with pytest.raises(CheckpointError, match="not a GAN sidecar that Atelier wrote"):
        save_checkpoint(tmp_path / "model.safetensors", Checkpoint(TINY, g.state_dict()))
    assert notes.read_text() == '{"my": "notes"}'
    other = tmp_path / "weights.safetensors"
    other.write_bytes(b"someone else's weights")
    with pytest.raises(CheckpointError, match="not a GAN checkpoint that Atelier wrote"):
        save_checkpoint(other, Checkpoint(TINY, g.state_dict()))
    assert other.read_bytes() == b"someone else's weights"


def test_case2_interpolate_refuses_a_gif_it_did_not_write(model_dir, tmp_path, capsys):
    gif = tmp_path / "party.gif"
    Image.new("P", (4, 4)).save(gif)
    before = _digest(gif)
    argv = ["gan", "interpolate", "--checkpoint", str(model_dir), "--seeds", "1,2", "--frames", "2"]
    assert main([*argv, "-o", str(gif)]) == 2
    assert _digest(gif) == before
    ours = tmp_path / "ours.gif"
    assert main([*argv, "-o", str(ours)]) == 0 and main([*argv, "-o", str(ours)]) == 0


# --- other outputs: compose, stylize -------------------------------------------------------------------


def test_compose_refuses_a_photo_it_did_not_write(photo, tmp_path, capsys):
    other = tmp_path / "other.jpg"
    Image.new("RGB", (9, 9), "red").save(other)
    before = _digest(other)
    assert main(["compose", str(photo), "--guide", "thirds", "-o", str(other)]) == 2
    assert "not an image that Atelier wrote" in _error(capsys, "compose")
    assert _digest(other) == before
    for suffix in (".jpg", ".webp", ".tif", ".png"):  # its own outputs (every format) may be replaced
        out = tmp_path / f"guide{suffix}"
        assert main(["compose", str(photo), "--guide", "thirds", "-o", str(out)]) == 0
        assert main(["compose", str(photo), "--guide", "golden-spiral", "-o", str(out)]) == 0


# --- case 9: output paths checked before the work -------------------------------------------------------


@pytest.fixture
def no_stylize(monkeypatch):
    """The engine must not even start: the output path is checked first."""
    import models.style

    def refuse(*args, **kwargs):
        raise AssertionError("stylize ran before the output path was checked")

    monkeypatch.setattr(models.style, "stylize", refuse)


@pytest.mark.parametrize("where", ["missing/out.png", "afile.txt/out.png"])
def test_case9_stylize_checks_the_output_folder_first(tmp_path, capsys, no_stylize, where):
    (tmp_path / "afile.txt").write_text("x")
    out = tmp_path / where
    argv = ["stylize", str(EXAMPLES / "chelsea.png"), str(STYLES / "picabia_udnie.jpg"), "-o", str(out)]
    assert main([*argv, "--size", "32", "--quality", "draft"]) == 2
    line = _error(capsys, "stylize")
    assert "does not exist" in line or "is a file, not a folder" in line


def test_case9_stylize_folder_mode_under_a_file_is_one_line(tmp_path, capsys, no_stylize):
    photos = tmp_path / "photos"
    photos.mkdir()
    Image.new("RGB", (8, 8), "white").save(photos / "a.png")
    (tmp_path / "afile").write_text("x")
    argv = ["stylize", str(photos), str(STYLES / "picabia_udnie.jpg"), "-o", str(tmp_path / "afile" / "out")]
    assert main(argv) == 2
    assert "is a file, not a folder" in _error(capsys, "stylize")


def test_case9_read_only_folder_is_refused(tmp_path, monkeypatch):
    from atelier_common import outputs as guard

    monkeypatch.setattr(guard.os, "access", lambda path, mode: False)  # as a read-only mount answers
    with pytest.raises(guard.OutputRefused, match="read-only"):
        guard.check_output_dir(tmp_path / "new")
    with pytest.raises(guard.OutputRefused, match="read-only"):
        guard.check_folder(tmp_path / "x.png")
