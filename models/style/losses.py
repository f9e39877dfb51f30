"""Losses and colour helpers of the style optimiser (torch; imported only by the engine).

Every style layer's loss is divided by the size of its target statistics, so each layer contributes on
the same scale whatever its activation magnitude: the deep-layer rebalancing that lets a non-VGG
backbone (whose deep activations are "peaky", Wang et al., CVPR 2021) transfer texture instead of being
dominated by one layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F

_EPS = 1e-8


@dataclass
class Stats:
    """Statistics of one layer's activations: channel means and the (centred) covariance or Gram matrix."""

    mean: torch.Tensor  # (C,)
    second: torch.Tensor  # (C, C)

    def lerp(self, other: Stats, t: float) -> Stats:
        return Stats(self.mean + t * (other.mean - self.mean), self.second + t * (other.second - self.second))

    def scaled(self, w: float) -> Stats:
        return Stats(self.mean * w, self.second * w)

    def __add__(self, other: Stats) -> Stats:
        return Stats(self.mean + other.mean, self.second + other.second)


class _Moments(torch.autograd.Function):
    """Channel means and E[ffᵀ] of a (1, C, H, W) activation, seen as a C x N matrix ``f``.

    Autograd's own backward of ``f @ f.T`` makes two C x N gradients (one per operand) and their sum, and
    the gradient of a reshaped view cannot be added in place to the activation's other gradient; this
    backward makes one plain tensor of the activation's shape. At 2048 px such a map of block 1 is 256 MB.
    """

    @staticmethod
    def forward(ctx: Any, feat: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:  # type: ignore[override]
        ctx.save_for_backward(feat)
        f = feat.reshape(feat.shape[1], -1)
        return f.mean(1), f @ f.T / f.shape[1]

    @staticmethod
    def backward(ctx: Any, g_mean: torch.Tensor, g_gram: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        (feat,) = ctx.saved_tensors
        f = feat.reshape(feat.shape[1], -1)
        n = f.shape[1]
        grad = torch.empty_like(feat, memory_format=torch.contiguous_format)
        torch.addmm((g_mean / n)[:, None], (g_gram + g_gram.T) / n, f, out=grad.view(f.shape))
        return grad


def layer_stats(feat: torch.Tensor, kind: str) -> Stats:
    """Mean + covariance (``kind="meancov"``) or mean + Gram (``"gram"``) of a (1, C, H, W) activation."""
    mean, gram = _Moments.apply(feat)
    if kind == "gram":
        return Stats(mean, gram)
    # E[ffᵀ] - μμᵀ rather than centring a copy: the copy is the largest tensor at 2048 px
    return Stats(mean, gram - mean[:, None] * mean[None, :])


def style_loss(current: Stats, target: Stats, kind: str) -> torch.Tensor:
    """Squared distance of statistics, relative to the target's own size (see the module docstring)."""
    second = (current.second - target.second).square().sum() / (target.second.square().sum() + _EPS)
    if kind == "gram":
        return second
    mean = (current.mean - target.mean).square().sum() / (target.mean.square().sum() + _EPS)
    return second + mean


def content_loss(feat: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return (feat - target).square().mean() / (target.square().mean() + _EPS)


def tv_loss(x: torch.Tensor) -> torch.Tensor:
    """Total variation (squared differences of neighbours) of a (1, C, H, W) image in [0, 1]."""
    dy = (x[..., 1:, :] - x[..., :-1, :]).square().mean()
    dx = (x[..., :, 1:] - x[..., :, :-1]).square().mean()
    return dx + dy


def chroma_tv_loss(x: torch.Tensor) -> torch.Tensor:
    """Total variation of the chroma (Cb, Cr) of a (1, 3, H, W) RGB image only, scaled like :func:`tv_loss`.

    Adam's per-pixel noise shows as coloured speckle; the painting's strokes live mostly in luminance.
    Smoothing chroma alone removes the speckle and leaves the strokes crisp (TV on RGB blurred them to a
    third of the painting's local contrast; see bench/style_quality.py).
    """
    return 3.0 * tv_loss(rgb_to_ycc(x)[:, 1:])


# ITU-R BT.601 YCbCr (full range) on [0, 1] RGB; the luminance row is what "preserve colours" keeps.
_YCC = torch.tensor([[0.299, 0.587, 0.114], [-0.168736, -0.331264, 0.5], [0.5, -0.418688, -0.081312]])


def rgb_to_ycc(x: torch.Tensor) -> torch.Tensor:
    return torch.einsum("ij,bjhw->bihw", _YCC.to(x), x)


def ycc_to_rgb(x: torch.Tensor) -> torch.Tensor:
    return torch.einsum("ij,bjhw->bihw", torch.linalg.inv(_YCC).to(x), x)


def keep_luminance(result: torch.Tensor, content: torch.Tensor) -> torch.Tensor:
    """The result's luminance with the content's chroma: style texture in the photo's colours."""
    y = rgb_to_ycc(result)[:, :1]
    cc = rgb_to_ycc(content)[:, 1:]
    return ycc_to_rgb(torch.cat([y, cc], 1)).clamp(0, 1)


def color_stats(images: list[torch.Tensor], weights: list[float]) -> tuple[torch.Tensor, torch.Tensor]:
    """RGB mean (3x1) and covariance (3x3) of the weighted mixture of the pixels of ``images``."""
    mean = torch.zeros(3, 1, dtype=torch.float64)
    moment = torch.zeros(3, 3, dtype=torch.float64)
    for image, w in zip(images, weights, strict=True):
        f = image.flatten(2)[0].double().cpu()
        mean += w * f.mean(1, keepdim=True)
        moment += w * (f @ f.T) / f.shape[1]
    return mean, moment - mean @ mean.T


def _sqrtm(c: torch.Tensor, inverse: bool = False) -> torch.Tensor:
    vals, vecs = torch.linalg.eigh(c + 1e-5 * torch.eye(3, dtype=c.dtype))
    vals = vals.clamp_min(1e-8).sqrt()
    if inverse:
        vals = 1.0 / vals
    return vecs @ torch.diag(vals) @ vecs.T


def match_colors(source: torch.Tensor, reference: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
    """Recolour ``source`` (1, 3, H, W) so its RGB mean and covariance are ``reference`` (see color_stats).

    Uses the symmetric (PCA-aligned) square roots of the covariances, which keeps hues from rotating.
    """
    mu_s, c_s = color_stats([source], [1.0])
    mu_r, c_r = reference
    transform = _sqrtm(c_r) @ _sqrtm(c_s, inverse=True)
    f = source.flatten(2)[0].double().cpu()
    out = transform @ (f - mu_s) + mu_r
    return out.reshape(source.shape).to(source).clamp(0, 1)


@dataclass
class Sums:
    """Sums over positions of a layer's activations ``f`` with weights ``w``: Σw, Σwf and Σwffᵀ.

    Sums (unlike means) add up over tiles and regions, so a tile's statistics can be combined with the
    rest of the image's (see models/style/tiles.py) and a region's taken over its own pixels only.
    """

    s0: torch.Tensor  # ()
    s1: torch.Tensor  # (C,)
    s2: torch.Tensor  # (C, C)

    def __add__(self, other: Sums) -> Sums:
        return Sums(self.s0 + other.s0, self.s1 + other.s1, self.s2 + other.s2)

    def __sub__(self, other: Sums) -> Sums:
        return Sums(self.s0 - other.s0, self.s1 - other.s1, self.s2 - other.s2)

    def detached(self) -> Sums:
        return Sums(self.s0.detach().double(), self.s1.detach().double(), self.s2.detach().double())

    def stats(self, kind: str) -> Stats:
        """Mean and covariance (or Gram) of the weighted activations, as :func:`layer_stats` gives."""
        n = self.s0.clamp_min(_EPS)
        mean, gram = self.s1 / n, self.s2 / n
        if kind == "gram":
            return Stats(mean, gram)
        return Stats(mean, gram - mean[:, None] * mean[None, :])


class _WeightedSums(torch.autograd.Function):
    """Σw, Σwf, Σwffᵀ of a (1, C, H, W) activation with a weight per position (H*W,), or all ones."""

    @staticmethod
    def forward(ctx: Any, feat: torch.Tensor, weight: torch.Tensor | None) -> Any:  # type: ignore[override]
        ctx.save_for_backward(feat, weight)
        f = feat.reshape(feat.shape[1], -1)
        if weight is None:
            s0 = f.new_tensor(float(f.shape[1]))
            return s0, f.sum(1), f @ f.T
        fw = f * weight
        s1, s2 = fw.sum(1), fw @ f.T
        return weight.sum(), s1, s2

    @staticmethod
    def backward(ctx: Any, _g0: Any, g1: torch.Tensor, g2: torch.Tensor) -> Any:  # type: ignore[override]
        feat, weight = ctx.saved_tensors
        f = feat.reshape(feat.shape[1], -1)
        grad = torch.empty_like(feat, memory_format=torch.contiguous_format)
        g = grad.view(f.shape)
        torch.mm(g2 + g2.T, f, out=g)
        g.add_(g1[:, None])
        if weight is not None:
            g.mul_(weight)
        return grad, None


def weighted_sums(feat: torch.Tensor, weight: torch.Tensor | None = None) -> Sums:
    """:class:`Sums` of a (1, C, H, W) activation; ``weight`` is (H*W,) or None (every position 1)."""
    s0, s1, s2 = _WeightedSums.apply(feat, weight)
    return Sums(s0, s1, s2)


# Pixel-level statistics. Full-resolution texture: the backbone's finest tap has stride 2, so nothing it
# sees constrains the image's pixel-level detail, which Adam then leaves as noise (or TV smooths away).
# Fixed derivative filters on each RGB channel at full, 1/2 and 1/4 size give statistics of that detail to match: their
# covariance (how much detail, in which directions and colours) and the means and covariance of their
# absolute values (how it is spread). Covariance alone is met as well by Gaussian noise as by a
# painting's flat areas and sharp edges; a painting's responses are sparse (heavy-tailed, as in the
# marginal statistics of Portilla & Simoncelli's texture model), so E|d| is well below the RMS, and
# matching it puts the detail into strokes and edges instead of grain. Without it a smooth painting
# (Udnie) came out at 1.6x its mean absolute Laplacian with the RMS matched (bench/style_quality.py).
# Palette: "rgb4" is the colours themselves at 1/4 size. The start is recoloured to the painting's RGB
# mean and covariance, but the deep statistics then drift it (the mean by ~0.05); matching them all along
# keeps the palette.
PIXEL_LAYERS = {"px1": 1, "px2": 2, "px4": 4, "rgb4": 4}
PIXEL_CHECKPOINT = 1024 * 768  # above this many pixels the 18 feature maps are recomputed for backward
_DERIVATIVES = torch.tensor(
    [
        [[0.0, 0.0, 0.0], [-0.5, 0.0, 0.5], [0.0, 0.0, 0.0]],  # d/dx
        [[0.0, -0.5, 0.0], [0.0, 0.0, 0.0], [0.0, 0.5, 0.0]],  # d/dy
        [[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]],  # Laplacian
    ]
)


def pixel_features(x: torch.Tensor, name: str, sparse: bool = True) -> torch.Tensor:
    """Derivatives (x, y, Laplacian) of each RGB channel of ``x`` (1, 3, H, W), box-averaged down by the
    layer's factor first, and (``sparse``) their absolute values: a (1, 18, H', W') activation (9
    without), scaled so its covariance is comparable to a network layer's. For ``"rgb4"``, the box-averaged
    colours themselves (1, 3, H', W')."""
    k = PIXEL_LAYERS[name]
    if k > 1 and min(x.shape[-2:]) >= 2 * k:
        x = F.avg_pool2d(x, k)
    if name == "rgb4":
        return x
    weight = _DERIVATIVES.to(x)[:, None].repeat(3, 1, 1, 1) * 8.0
    d = F.conv2d(F.pad(x, (1, 1, 1, 1), mode="replicate"), weight, groups=3)
    return torch.cat([d, d.abs()], 1) if sparse else d
