"""The memory-saving pieces of EfficientNet-Lite0 give the same values and gradients as plain autograd."""

from __future__ import annotations

import pytest
import torch

from models.backbones.efficientnet_lite import load_efficientnet_lite0


@pytest.fixture(scope="module")
def model():
    net = load_efficientnet_lite0()
    net.set_padding("replicate")
    return net


def test_reduce_replaces_each_activation(model):
    x = torch.rand(1, 3, 40, 36)
    layers = ["stem", "b1.expand", "b3.dw"]
    plain = model.features(x, layers)
    reduced = model.features(x, layers, reduce=lambda name, f: (name, f.sum()))
    assert reduced.keys() == plain.keys()
    for name in layers:
        assert reduced[name][0] == name
        torch.testing.assert_close(reduced[name][1], plain[name].sum())
