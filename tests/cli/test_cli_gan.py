"""`atelier gan sample|interpolate|train`: outputs, determinism, and one-line errors (exit 2) on bad input."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pytest
import torch
from PIL import Image

from models.gan import Checkpoint, GanArch, save_checkpoint
from models.gan.networks import Discriminator, Generator
from studio.cli import main

TINY = GanArch(resolution=32, z_dim=16, ngf=8, ndf=8)


@pytest.fixture(scope="module")
def ckpt(tmp_path_factory):
    torch.manual_seed(0)
    g = Generator(TINY)
    with torch.no_grad():  # spread the BN statistics so that seeds give different pictures
        for _ in range(3):
            g(torch.randn(8, TINY.z_dim))
    path = tmp_path_factory.mktemp("ckpt") / "tiny.safetensors"
    save_checkpoint(
        path, Checkpoint(TINY, g.state_dict(), g.state_dict(), Discriminator(TINY).state_dict(), {"steps": 1})
    )
    return path


def _png(path):
    return np.asarray(Image.open(path).convert("RGB"))


def _fails_with_one_line(capsys, argv, match):
    capsys.readouterr()  # drop what earlier commands printed
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    # A training progress bar may precede it; the error itself is one line and there is no traceback.
    assert "Traceback" not in err, err
    last = err.splitlines()[-1]
    assert last.startswith("atelier gan: error:") and match in last, err


def test_sample_grid_is_deterministic(tmp_path, ckpt, capsys):
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    args = ["gan", "sample", "--checkpoint", str(ckpt), "--count", "4", "--seed", "3", "--truncation", "0.8"]
    assert main([*args, "-o", str(a)]) == 0
    assert main([*args, "-o", str(b)]) == 0
    assert "4 samples" in capsys.readouterr().out
    grid = _png(a)
    assert grid.shape == (2 * 32 + 6, 2 * 32 + 6, 3)
    assert np.array_equal(grid, _png(b))
    assert json.loads(a.with_suffix(".json").read_text())["seeds"] == [3, 4, 5, 6]
    assert (
        main(["gan", "sample", "--checkpoint", str(ckpt), "--count", "4", "--seed", "30", "-o", str(b)]) == 0
    )
    assert not np.array_equal(grid, _png(b))


def test_sample_to_folder_writes_png_and_sidecar_each(tmp_path, ckpt):
    out = tmp_path / "samples"
    assert (
        main(
            [
                "gan",
                "sample",
                "--checkpoint",
                str(ckpt),
                "--count",
                "2",
                "--seed",
                "9",
                "--size",
                "48",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    assert sorted(p.name for p in out.iterdir()) == [
        "seed_10.json",
        "seed_10.png",
        "seed_9.json",
        "seed_9.png",
    ]
    meta = json.loads((out / "seed_9.json").read_text())
    assert meta["seed"] == 9 and meta["truncation"] == 0.7 and meta["model"]["name"] == "tiny"
    assert _png(out / "seed_9.png").shape == (48, 48, 3)


def test_interpolate_gif_and_frames(tmp_path, ckpt):
    gif = tmp_path / "anim.gif"
    assert (
        main(
            [
                "gan",
                "interpolate",
                "--checkpoint",
                str(ckpt),
                "--seeds",
                "3,9",
                "--frames",
                "5",
                "-o",
                str(gif),
            ]
        )
        == 0
    )
    with Image.open(gif) as im:
        # Pillow merges identical neighbouring frames, so with a tiny model count at least the two ends.
        assert im.format == "GIF" and im.n_frames >= 2 and im.info.get("loop") == 0
    frames = tmp_path / "frames"
    assert (
        main(
            [
                "gan",
                "interpolate",
                "--checkpoint",
                str(ckpt),
                "--seeds",
                "3,9,4",
                "--frames",
                "4",
                "-o",
                str(frames),
            ]
        )
        == 0
    )
    assert len(list(frames.glob("frame_*.png"))) == 7


def test_train_tiny_run_and_resume(tmp_path, capsys):
    folder = tmp_path / "imgs"
    folder.mkdir()
    rng = np.random.default_rng(1)
    for i in range(5):
        Image.fromarray(rng.integers(0, 256, (70, 70, 3), dtype=np.uint8)).save(folder / f"{i}.png")
    (folder / "junk.png").write_bytes(b"junk")
    out = tmp_path / "mine.safetensors"
    argv = [
        "gan",
        "train",
        str(folder),
        "-o",
        str(out),
        "--size",
        "64",
        "--steps",
        "1",
        "--batch",
        "2",
        "--threads",
        "1",
    ]
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "trained on 5 images" in text and "skipped 1 file" in text and "junk.png" in text
    assert (
        main(
            [
                "gan",
                "train",
                str(folder),
                "-o",
                str(out),
                "--steps",
                "1",
                "--batch",
                "2",
                "--resume",
                str(out),
            ]
        )
        == 0
    )
    assert json.loads(out.with_suffix(".json").read_text())["steps"] == 2
    _fails_with_one_line(capsys, [*argv[:5], "--size", "128", "--resume", str(out)], "differs")


def test_bad_checkpoints_exit_2_with_one_line(tmp_path, capsys):
    noise = tmp_path / "noise.safetensors"
    noise.write_bytes(np.random.default_rng(0).bytes(2048))
    _fails_with_one_line(
        capsys, ["gan", "sample", "--checkpoint", str(noise), "-o", str(tmp_path / "x.png")], "not a valid"
    )
    pickled = tmp_path / "model.safetensors"
    pickled.write_bytes(pickle.dumps({"weights": [1, 2, 3]}))
    _fails_with_one_line(
        capsys,
        ["gan", "interpolate", "--checkpoint", str(pickled), "--seeds", "1,2", "-o", str(tmp_path / "a.gif")],
        "not a valid",
    )
    _fails_with_one_line(
        capsys,
        ["gan", "sample", "--checkpoint", str(tmp_path / "none.safetensors"), "-o", str(tmp_path / "x.png")],
        "no such",
    )
    assert not (tmp_path / "x.png").exists()


def test_bad_arguments_exit_2(tmp_path, ckpt, capsys):
    c = ["--checkpoint", str(ckpt)]
    _fails_with_one_line(
        capsys, ["gan", "interpolate", *c, "--seeds", "3", "-o", str(tmp_path / "a.gif")], "at least two"
    )
    _fails_with_one_line(
        capsys, ["gan", "interpolate", *c, "--seeds", "3,x", "-o", str(tmp_path / "a.gif")], "integers"
    )
    _fails_with_one_line(
        capsys, ["gan", "sample", *c, "--truncation", "5", "-o", str(tmp_path / "a.png")], "truncation"
    )
    _fails_with_one_line(
        capsys, ["gan", "sample", *c, "-o", str(tmp_path / "a.jpg")], ".png grid or a folder"
    )
    _fails_with_one_line(
        capsys,
        ["gan", "train", str(tmp_path / "nope"), "-o", str(tmp_path / "m.safetensors")],
        "not a folder",
    )
    _fails_with_one_line(
        capsys, ["gan", "train", str(tmp_path), "-o", str(tmp_path / "m.pt")], ".safetensors"
    )
    _fails_with_one_line(
        capsys,
        ["gan", "train", str(tmp_path), "-o", str(tmp_path / "m.safetensors"), "--augment", "blur"],
        "blur",
    )
    (tmp_path / "only.png").write_bytes(b"")
    _fails_with_one_line(
        capsys, ["gan", "train", str(tmp_path), "-o", str(tmp_path / "m.safetensors")], "usable image"
    )


def test_bundled_model_is_small_paints_any_size_and_can_be_fine_tuned(tmp_path):
    from models.gan import load_checkpoint
    from models.gan.paths import BUNDLED_MODEL

    assert BUNDLED_MODEL.is_file() and BUNDLED_MODEL.stat().st_size < 20 * 1024 * 1024
    info = json.loads(BUNDLED_MODEL.with_suffix(".json").read_text())
    assert info["arch"]["kind"] == "spatial" and info["data"]["holdout"] > 0 and info["trainable"]
    assert load_checkpoint(BUNDLED_MODEL, training=True).state is not None  # Adam and RNG: --init, resume
    out = tmp_path / "bundled.png"
    assert main(["gan", "sample", "--count", "2", "--seed", "7", "--size", "80x48", "-o", str(out)]) == 0
    assert _png(out).shape == (48 + 4, 2 * 80 + 6, 3)


def test_first_bundled_model_still_loads_and_is_enlarged_on_request(tmp_path):
    from models.gan.paths import LEGACY_MODEL

    out = tmp_path / "old.png"
    argv = ["gan", "sample", "--checkpoint", str(LEGACY_MODEL), "--count", "4", "--seed", "7", "-o", str(out)]
    assert main(argv) == 0
    assert _png(out).shape == (2 * 64 + 6, 2 * 64 + 6, 3)  # its native 64 px
    assert main([*argv[:-2], "--size", "96", "-o", str(out)]) == 0
    assert _png(out).shape == (2 * 96 + 6, 2 * 96 + 6, 3)  # Lanczos-enlarged, as it always was


def test_gif_encoder_plays_forward_then_back():
    import io

    from models.gan.export import encode_gif

    frames = np.stack([np.full((8, 8, 3), v, np.uint8) for v in (0, 60, 120, 180, 240)])
    with Image.open(io.BytesIO(encode_gif(frames, frame_ms=50))) as im:
        assert im.n_frames == 8  # 5 forward, 3 back: a seamless loop
        im.seek(6)
        assert abs(int(np.asarray(im.convert("RGB"))[0, 0, 0]) - 120) <= 2


def test_cli_and_panel_defaults_are_the_tested_recipe():
    from models.gan import TrainConfig
    from studio.commands.gan import _Defaults
    from studio.panels.gan_panel import GanPanel

    recipe = TrainConfig()
    assert _Defaults.steps == recipe.steps and _Defaults.batch_size == recipe.batch_size
    assert _Defaults.crop_scale == recipe.crop_scale and _Defaults.augment == recipe.augment
    assert _Defaults.ema_decay == recipe.ema_decay and _Defaults.resolution == recipe.arch.resolution
    panel = {s.name: s.default for s in GanPanel.SETTINGS.fields}
    assert panel["train_steps"] == recipe.steps and panel["train_size"] == recipe.arch.resolution
