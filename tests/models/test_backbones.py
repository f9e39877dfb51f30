"""Backbones: the packaged EfficientNet-Lite0 weights classify real photos; VGG19 loads a user file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from models.backbones import BackboneError, backbone_available, find_vgg19_weights, load_backbone
from models.backbones.efficientnet_lite import load_efficientnet_lite0
from models.backbones.vgg import VGG19Features, load_vgg19
from studio.resources import EXAMPLES

CONTENT = EXAMPLES  # the shared photos, shipped in resources/examples
CATS = {281, 282, 285}  # tabby, tiger cat, Egyptian cat
COFFEE = {967, 968, 504}  # espresso, cup, coffee mug


def _center_crop_224(path: Path) -> torch.Tensor:
    im = Image.open(path).convert("RGB")
    w, h = im.size
    s = 256 / min(w, h)
    im = im.resize((round(w * s), round(h * s)), Image.BICUBIC)
    w, h = im.size
    left, top = (w - 224) // 2, (h - 224) // 2
    arr = np.array(im.crop((left, top, left + 224, top + 224)), dtype=np.float32) / 255.0
    return torch.from_numpy(arr).permute(2, 0, 1)[None]


@pytest.fixture(scope="module")
def lite0():
    model = load_efficientnet_lite0()
    model.set_padding("constant")
    return model


@pytest.mark.parametrize(("name", "classes"), [("chelsea.png", CATS), ("coffee.png", COFFEE)])
def test_lite0_classifies_photos(lite0, name, classes):
    with torch.no_grad():
        top5 = lite0(_center_crop_224(CONTENT / name)).topk(5).indices[0].tolist()
    assert classes & set(top5), top5
    assert top5[0] in classes  # the weights are right, not merely plausible


def test_lite0_features_shapes_and_names(lite0):
    x = torch.rand(1, 3, 64, 48)
    feats = lite0.features(x, ["stem", "b1.expand", "b5.dw", "b15"])
    assert feats["stem"].shape == (1, 32, 32, 24)
    assert feats["b1.expand"].shape == (1, 96, 32, 24)
    assert feats["b5.dw"].shape[-2:] == (4, 3)
    assert feats["b15"].shape == (1, 320, 2, 2)
    with pytest.raises(KeyError, match="nope"):
        lite0.features(x, ["nope"])


def test_lite0_replicate_padding_changes_borders_only(lite0):
    x = torch.rand(1, 3, 32, 32)
    a = lite0.features(x, ["stem"])["stem"]
    lite0.set_padding("replicate")
    try:
        b = lite0.features(x, ["stem"])["stem"]
    finally:
        lite0.set_padding("constant")
    assert not torch.equal(a, b)
    torch.testing.assert_close(a[..., :-1, :-1], b[..., :-1, :-1])  # TF "same": stride 2 pads bottom/right


def _random_vgg_file(tmp_path: Path) -> Path:
    torch.manual_seed(0)
    model = VGG19Features()
    state = {f"features.{k}": v for k, v in model.body.state_dict().items()}
    state["classifier.0.weight"] = torch.zeros(2, 2)  # torchvision files carry the classifier too
    path = tmp_path / "vgg19-test.pth"
    torch.save(state, path)
    return path


def test_vgg19_loads_user_file(tmp_path):
    path = _random_vgg_file(tmp_path)
    model = load_vgg19(path)
    feats = model.features(torch.rand(1, 3, 32, 32), ["relu1_1", "relu3_1", "relu5_1"])
    assert feats["relu1_1"].shape == (1, 64, 32, 32)
    assert feats["relu3_1"].shape == (1, 256, 8, 8)
    assert feats["relu5_1"].shape == (1, 512, 2, 2)
    state = torch.load(path, weights_only=True)
    torch.testing.assert_close(model.body[0].weight, state["features.0.weight"])


def test_vgg19_found_in_hub_folder_and_by_preference(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "th"))
    assert find_vgg19_weights("") is None
    assert not backbone_available("vgg19")
    hub = tmp_path / "th" / "hub" / "checkpoints"
    hub.mkdir(parents=True)
    path = _random_vgg_file(tmp_path)
    path.rename(hub / "vgg19-dcbb9e9d.pth")
    assert find_vgg19_weights("") == hub / "vgg19-dcbb9e9d.pth"
    assert backbone_available("vgg19")
    assert load_backbone("vgg19").name == "vgg19"
    assert find_vgg19_weights(str(tmp_path / "missing.pth")) is None
    with pytest.raises(BackboneError, match="missing.pth does not exist"):
        load_backbone("vgg19", vgg19_weights=str(tmp_path / "missing.pth"))


def test_vgg19_corrupt_or_wrong_file_is_a_clear_error_and_default_still_works(tmp_path):
    corrupt = tmp_path / "vgg19-corrupt.pth"
    corrupt.write_bytes(b"\x80\x02 this is not a checkpoint")
    with pytest.raises(BackboneError, match="cannot read VGG19 weights vgg19-corrupt.pth"):
        load_backbone("vgg19", vgg19_weights=str(corrupt))
    wrong = tmp_path / "resnet.pth"
    torch.save({"conv1.weight": torch.zeros(64, 3, 7, 7)}, wrong)
    with pytest.raises(BackboneError, match="does not hold torchvision VGG19 weights"):
        load_backbone("vgg19", vgg19_weights=str(wrong))
    shaped = tmp_path / "vgg16ish.pth"
    torch.save({"features.0.weight": torch.zeros(32, 3, 3, 3)}, shaped)
    with pytest.raises(BackboneError, match=r"features.0.weight is \(32, 3, 3, 3\)"):
        load_backbone("vgg19", vgg19_weights=str(shaped))
    model = load_backbone("efficientnet-lite0")
    assert model.features(torch.rand(1, 3, 32, 32), ["b2"])["b2"].shape == (1, 24, 8, 8)


def test_unknown_backbone():
    with pytest.raises(BackboneError, match="unknown backbone 'resnet'"):
        load_backbone("resnet")


def test_fused_batchnorm_gives_the_same_features():
    unfused = load_efficientnet_lite0(fuse=False)
    fused = load_efficientnet_lite0()
    x = torch.rand(1, 3, 40, 56)
    layers = ["stem", "b1.expand", "b5.dw", "b15", "head"]
    a, b = unfused.features(x, layers), fused.features(x, layers)
    for name in layers:
        torch.testing.assert_close(a[name], b[name], rtol=1e-4, atol=1e-4)


def test_checkpointed_features_loss_matches_plain_features():
    model = load_efficientnet_lite0()
    layers = ["stem", "b1.expand", "b3.dw", "b5"]

    def loss_fn(name, feat):
        return feat.square().mean() * (len(name) + 1)

    x1 = torch.rand(1, 3, 48, 40, requires_grad=True)
    x2 = x1.detach().clone().requires_grad_(True)
    plain = sum(loss_fn(k, v) for k, v in model.features(x1, layers).items())
    plain.backward()
    checkpointed = model.features_loss(x2, layers, loss_fn)
    checkpointed.backward()
    torch.testing.assert_close(plain, checkpointed)
    torch.testing.assert_close(x1.grad, x2.grad)
