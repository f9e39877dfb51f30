"""Style statistics: the one-tensor backward of the moments equals autograd's own."""

from __future__ import annotations

import pytest
import torch

from models.style.losses import _Moments, layer_stats


def test_moments_gradient_is_exact():
    feat = torch.rand(1, 5, 4, 6, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(_Moments.apply, (feat,))


@pytest.mark.parametrize("kind", ["meancov", "gram"])
def test_layer_stats_match_the_plain_formula(kind):
    feat1 = torch.rand(1, 4, 5, 3, dtype=torch.float64, requires_grad=True)
    feat2 = feat1.detach().clone().requires_grad_(True)
    f = feat1.flatten(2)[0]
    mean = f.mean(1)
    second = f @ f.T / f.shape[1]
    if kind == "meancov":
        second = second - mean[:, None] * mean[None, :]
    stats = layer_stats(feat2, kind)
    torch.testing.assert_close(stats.mean, mean)
    torch.testing.assert_close(stats.second, second)
    w = torch.rand(4, 4, dtype=torch.float64)
    (second * w).sum().add(mean.sum()).backward()
    (stats.second * w).sum().add(stats.mean.sum()).backward()
    torch.testing.assert_close(feat2.grad, feat1.grad)
