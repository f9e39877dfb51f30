"""GAN checkpoints: round trip, sidecar, and clear errors for malformed files (never unpickled)."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pytest
import torch

from models.gan import (
    Checkpoint,
    CheckpointError,
    GanArch,
    GanModel,
    load_checkpoint,
    read_info,
    save_checkpoint,
)
from models.gan.networks import Discriminator, Generator

TINY = GanArch(resolution=32, z_dim=16, ngf=8, ndf=8)


def _save(path, arch=TINY, trainable=True, info=None):
    torch.manual_seed(0)
    g = Generator(arch)
    d = Discriminator(arch)
    ckpt = Checkpoint(
        arch,
        g.state_dict(),
        g.state_dict() if trainable else None,
        d.state_dict() if trainable else None,
        info or {"steps": 12},
    )
    save_checkpoint(path, ckpt)
    return g


def test_round_trip_reproduces_the_generator(tmp_path):
    path = tmp_path / "m.safetensors"
    g = _save(path)
    sidecar = json.loads((tmp_path / "m.json").read_text())
    assert sidecar["format"] == "atelier-gan" and sidecar["steps"] == 12 and sidecar["arch"]["ngf"] == 8
    assert sidecar["trainable"] is True and "date" in sidecar
    model = GanModel.load(path, device="cpu")
    z = np.stack([model.latent(3)])
    with torch.no_grad():
        expected = ((g.eval()(torch.from_numpy(z)).clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)
    assert np.array_equal(model.render(z)[0], expected[0].permute(1, 2, 0).numpy())
    ckpt = load_checkpoint(path, training=True)
    assert ckpt.trainable and ckpt.steps == 12 and ckpt.arch == TINY


def test_missing_sidecar_falls_back_to_the_header(tmp_path):
    path = tmp_path / "m.safetensors"
    _save(path)
    (tmp_path / "m.json").unlink()
    assert read_info(path)["arch"]["resolution"] == 32
    assert GanModel.load(path).resolution == 32


def test_sampling_only_model_cannot_be_resumed(tmp_path):
    path = tmp_path / "s.safetensors"
    _save(path, trainable=False)
    assert GanModel.load(path).resolution == 32
    with pytest.raises(CheckpointError, match="sampling-only"):
        load_checkpoint(path, training=True)


def test_random_bytes_are_refused_clearly(tmp_path):
    path = tmp_path / "noise.safetensors"
    path.write_bytes(np.random.default_rng(0).bytes(4096))
    with pytest.raises(CheckpointError, match="not a valid .safetensors") as info:
        GanModel.load(path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)


def test_renamed_pickle_is_refused_not_unpickled(tmp_path):
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    path = tmp_path / "evil.safetensors"
    path.write_bytes(pickle.dumps({"g_ema.x": Evil()}))
    with pytest.raises(CheckpointError, match="not a valid .safetensors"):
        GanModel.load(path)
    torch_pickle = tmp_path / "torch.safetensors"
    torch.save({"a": torch.zeros(2)}, torch_pickle)
    with pytest.raises(CheckpointError, match="not a valid .safetensors"):
        load_checkpoint(torch_pickle)
    assert not marker.exists()


def test_wrong_tensors_are_refused(tmp_path):
    from safetensors.torch import save_file

    path = tmp_path / "other.safetensors"
    save_file({"conv.weight": torch.zeros(3, 3)}, str(path))
    with pytest.raises(CheckpointError, match="not an Atelier GAN"):
        GanModel.load(path)
    # Right names, wrong shapes: the sidecar claims a wider generator than the tensors hold.
    shaped = tmp_path / "shaped.safetensors"
    _save(shaped)
    info = json.loads((tmp_path / "shaped.json").read_text())
    info["arch"]["ngf"] = 16
    (tmp_path / "shaped.json").write_text(json.dumps(info))
    with pytest.raises(CheckpointError, match="do not fit"):
        GanModel.load(shaped)


def test_bad_sidecar_and_missing_file(tmp_path):
    path = tmp_path / "m.safetensors"
    _save(path)
    (tmp_path / "m.json").write_text("{not json")
    with pytest.raises(CheckpointError, match="sidecar"):
        GanModel.load(path)
    with pytest.raises(CheckpointError, match="no such checkpoint"):
        GanModel.load(tmp_path / "absent.safetensors")
    wrong_suffix = tmp_path / "m.pt"
    wrong_suffix.write_bytes(b"x")
    with pytest.raises(CheckpointError, match=".safetensors"):
        GanModel.load(wrong_suffix)
