"""The memory-saving pieces of EfficientNet-Lite0 give the same values and gradients as plain autograd."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import models.backbones.efficientnet_lite as lite
from models.backbones.efficientnet_lite import SamePad, load_efficientnet_lite0
from models.backbones.memory import release_free_memory


@pytest.fixture(scope="module")
def model():
    net = load_efficientnet_lite0()
    net.set_padding("replicate")
    return net


@pytest.mark.parametrize("mode", ["replicate", "constant"])
@pytest.mark.parametrize(
    ("kernel", "stride", "c_in", "c_out", "groups"), [(3, 2, 5, 5, 5), (5, 1, 4, 4, 4), (3, 2, 3, 8, 1)]
)
@pytest.mark.parametrize("sliced", [False, True])
def test_pad_conv_matches_pad_then_conv(monkeypatch, mode, kernel, stride, c_in, c_out, groups, sliced):
    if sliced:  # depthwise convs then run a channel or two at a time
        monkeypatch.setattr(lite, "_CHUNK_ELEMENTS", 40)
    torch.manual_seed(0)
    pad = SamePad(kernel, stride)
    pad.mode = mode
    conv = nn.Conv2d(c_in, c_out, kernel, stride=stride, groups=groups).double().requires_grad_(False)
    for h, w in [(7, 9), (8, 8), (1, 5), (2, 3)]:
        x1 = torch.rand(1, c_in, h, w, dtype=torch.float64, requires_grad=True)
        x2 = x1.detach().clone().requires_grad_(True)
        plain, ours = conv(pad(x1)), pad.conv(x2, conv)
        weights = torch.rand_like(plain)
        (plain * weights).sum().backward()
        (ours * weights).sum().backward()
        torch.testing.assert_close(ours, plain)
        torch.testing.assert_close(x2.grad, x1.grad)


def test_in_place_relu6_has_relu6_gradient():
    x1 = (torch.randn(2, 3, 4, 5, dtype=torch.float64) * 5).requires_grad_(True)
    x2 = x1.detach().clone().requires_grad_(True)
    weights = torch.randn(2, 3, 4, 5, dtype=torch.float64)
    (F.relu6(x1 * 1.0) * weights).sum().backward()
    out = lite._relu6_(x2 * 1.0)
    (out * weights).sum().backward()
    torch.testing.assert_close(out, F.relu6(x1.detach()))
    torch.testing.assert_close(x2.grad, x1.grad)


def test_reduce_replaces_each_activation(model):
    x = torch.rand(1, 3, 40, 36)
    layers = ["stem", "b1.expand", "b3.dw"]
    plain = model.features(x, layers)
    reduced = model.features(x, layers, reduce=lambda name, f: (name, f.sum()))
    assert reduced.keys() == plain.keys()
    for name in layers:
        assert reduced[name][0] == name
        torch.testing.assert_close(reduced[name][1], plain[name].sum())


def test_checkpointed_loss_with_slices_and_trimming_matches_plain(model, monkeypatch):
    monkeypatch.setattr(lite, "_CHUNK_ELEMENTS", 500)  # depthwise convs in slices
    monkeypatch.setattr(lite, "_TRIM_ELEMENTS", 0)  # and malloc_trim before every recomputation
    layers = ["stem", "b1.expand", "b3.expand", "b5"]

    def loss_fn(name, feat):
        return (feat.reshape(feat.shape[1], -1) @ feat.reshape(feat.shape[1], -1).T).mean() / (len(name) + 1)

    x1 = torch.rand(1, 3, 45, 38, requires_grad=True)
    x2 = x1.detach().clone().requires_grad_(True)
    plain = sum(loss_fn(k, v) for k, v in model.features(x1, layers).items())
    plain.backward()
    checkpointed = model.features_loss(x2, layers, loss_fn)
    checkpointed.backward()
    torch.testing.assert_close(checkpointed, plain)
    torch.testing.assert_close(x2.grad, x1.grad)


def test_release_free_memory_is_safe_to_call():
    assert release_free_memory() in (True, False)
    assert release_free_memory() in (True, False)
