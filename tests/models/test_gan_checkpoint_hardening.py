"""Checkpoints are checked before anything is allocated and after loading (issue 14, cases 5 and 8):
sidecar types and ranges, architecture against the weights' shapes, dtype and finiteness of the weights;
and the command line's numbers are range-checked against memory before any work."""

from __future__ import annotations

import json

import pytest
import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file

from models.gan import Checkpoint, CheckpointError, GanArch, GanModel, save_checkpoint
from models.gan.networks import Discriminator, Generator
from studio.cli import main

TINY = GanArch(resolution=32, z_dim=16, ngf=8, ndf=8)


@pytest.fixture
def ckpt(tmp_path):
    torch.manual_seed(0)
    g = Generator(TINY)
    path = tmp_path / "m.safetensors"
    save_checkpoint(path, Checkpoint(TINY, g.state_dict(), g.state_dict(), Discriminator(TINY).state_dict()))
    return path


def _edit_sidecar(path, **changes):
    side = path.with_suffix(".json")
    info = json.loads(side.read_text())
    for key, value in changes.items():
        if key in TINY.to_dict():
            info["arch"][key] = value
        else:
            info[key] = value
    side.write_text(json.dumps(info))  # json writes NaN/Infinity as Python's json reads them


def _rewrite_tensors(path, change):
    with safe_open(str(path), framework="pt") as f:
        meta = f.metadata()
    tensors = load_file(str(path))
    change(tensors)
    save_file(tensors, str(path), metadata=meta)


@pytest.fixture
def no_real_build(monkeypatch):
    """Fail if a network is built anywhere but on torch's meta device (that would allocate its weights)."""
    import models.gan.networks as networks

    built = []
    original = networks.Generator.__init__

    def spy(self, arch, *args, **kwargs):
        built.append(torch.empty(0).device.type)
        if torch.empty(0).device.type != "meta" and arch != TINY:
            raise AssertionError(f"built a {arch} generator for real before checking it")
        original(self, arch, *args, **kwargs)

    monkeypatch.setattr(networks.Generator, "__init__", spy)
    return built


def test_case5_a_sidecar_wider_than_its_weights_is_refused_before_allocation(ckpt, no_real_build):
    _edit_sidecar(ckpt, ngf=600)
    with pytest.raises(CheckpointError, match="do not fit the architecture"):
        GanModel.load(ckpt)
    assert "cpu" not in no_real_build


def test_case5_an_absurd_architecture_is_a_range_error(ckpt, no_real_build):
    _edit_sidecar(ckpt, ngf=200000)
    with pytest.raises(CheckpointError, match="'ngf' is 200000, outside"):
        GanModel.load(ckpt)
    assert no_real_build == []


@pytest.mark.parametrize(
    "value, what", [("many", "steps"), (float("inf"), "steps"), (-1, "steps"), (True, "steps")]
)
def test_case8_sidecar_values_are_typed(ckpt, capsys, value, what):
    _edit_sidecar(ckpt, steps=value)
    with pytest.raises(CheckpointError, match=f"'{what}'"):
        GanModel.load(ckpt)
    assert (
        main(["gan", "sample", "--checkpoint", str(ckpt), "--count", "1", "-o", str(ckpt.parent / "s")]) == 2
    )
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.strip().startswith("atelier gan: error:")


@pytest.mark.parametrize("bad", ["nan", "float(inf)", "huge", "list"])
def test_case8_architecture_values_are_typed(ckpt, bad):
    value = {"nan": float("nan"), "float(inf)": float("inf"), "huge": 10**30, "list": [1]}[bad]
    _edit_sidecar(ckpt, z_dim=value)
    with pytest.raises(CheckpointError, match="'z_dim'"):
        GanModel.load(ckpt)


@pytest.mark.parametrize("dtype", [torch.int32, torch.bool])
def test_case8_weights_of_the_wrong_dtype_are_refused(ckpt, dtype):
    def to_dtype(tensors):
        for key in tensors:
            if key.startswith("g_ema.") and "weight" in key:
                tensors[key] = tensors[key].to(dtype)

    _rewrite_tensors(ckpt, to_dtype)
    with pytest.raises(CheckpointError, match="holds (I32|BOOL) values where floating-point weights belong"):
        GanModel.load(ckpt)


def test_case8_nan_weights_are_refused(ckpt, tmp_path, capsys):
    def poison(tensors):
        key = next(k for k in tensors if k.startswith("g_ema.") and k.endswith("weight"))
        tensors[key][0] = float("nan")

    _rewrite_tensors(ckpt, poison)
    with pytest.raises(CheckpointError, match="NaN or infinite"):
        GanModel.load(ckpt)
    out = tmp_path / "garbage.png"
    assert main(["gan", "sample", "--checkpoint", str(ckpt), "--count", "1", "-o", str(out)]) == 2
    assert not out.exists()


# --- CLI numbers (case 5) ------------------------------------------------------------------------------


def test_case5_sample_count_and_size_are_checked_against_memory(ckpt, tmp_path, capsys, monkeypatch):
    import shutil
    from collections import namedtuple

    import models.memory

    monkeypatch.setattr(models.memory, "available_bytes", lambda: 256 * 1024**2)
    base = ["gan", "sample", "--checkpoint", str(ckpt), "--size", "4096"]
    assert main([*base, "--count", "5", "-o", str(tmp_path / "five.png")]) == 2
    assert "memory" in capsys.readouterr().err
    assert main([*base, "--count", "1024", "-o", str(tmp_path / "grid.png")]) == 2
    assert "MP limit" in capsys.readouterr().err
    monkeypatch.setattr(models.memory, "available_bytes", lambda: 1024**4)
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(10**12, 10**12 - 10**9, 10**9))
    assert main([*base, "--count", "1024", "-o", str(tmp_path / "many")]) == 2
    assert "on disk" in capsys.readouterr().err
    assert not list(tmp_path.glob("*.png")) and not (tmp_path / "many").exists()


@pytest.mark.parametrize("width", ["1e9", "inf", "nan", "-1"])
def test_case5_compose_width_is_range_checked(tmp_path, capsys, width):
    from PIL import Image

    photo = tmp_path / "p.png"
    Image.new("RGB", (40, 30), "white").save(photo)
    out = tmp_path / "out.png"
    assert main(["compose", str(photo), "--guide", "thirds", "--width", width, "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("atelier compose: error: --width") and "\n" not in err
    assert not out.exists()
