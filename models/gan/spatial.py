"""The spatial-latent GAN: a fully convolutional generator that paints at any size, and its discriminator.

Generator (after PSGAN, Bergmann et al. 2017): the input is a grid of latent vectors, one cell per
``2**levels`` output pixels. Each cell holds

- a *local* latent (drawn independently per cell: what varies from place to place),
- the sample's *global* latent (the same in every cell: palette and kind of texture),
- *periodic* channels ``sin(k·p + φ)`` whose wave vectors ``k`` come from the global latent (regular
  structure such as stripes, waves and brick-like strokes) and whose phases ``φ`` are drawn per sample.

The grid goes through blocks of bilinear upsampling and two 3×3 convolutions, each followed by
noise injection (per-pixel noise with a learnt per-channel strength), batch normalisation and a leaky ReLU.
A grid of any shape gives an image of that shape × ``2**levels``: samples at canvas size need no
upscaling. With ``tileable`` every convolution pads circularly and the wave vectors are rounded to whole
periods of the grid, so the picture wraps seamlessly on a torus.

Discriminator (after FastGAN, Liu et al. 2021): spectrally normalised strided convolutions to a map of patch
logits, plus a small
decoder that reconstructs the (downscaled) input from the last feature map. The reconstruction loss on
real images makes the discriminator describe its input instead of memorising it, which is what keeps a
few-shot run from collapsing.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils import spectral_norm

from models.gan.config import GanArch


def _plan(arch: GanArch) -> list[tuple[int, int]]:
    """(channels, convolutions) at the grid and after each upsampling but the last, which is a bilinear
    doubling and one convolution to RGB. Wide and doubled where maps are small; narrow and single at the
    two finest levels, where nearly all of the sampling time goes."""
    mult = [2.0, 1.5, 1.0, 0.5, 0.5, 0.5][: arch.levels]
    plan = [(max(8, int(arch.ngf * m)), 2) for m in mult]
    for i in range(max(0, len(plan) - 2), len(plan)):
        if i > 0:
            plan[i] = (plan[i][0], 1)
    return plan


class NoiseInjection(nn.Module):
    """Adds per-pixel Gaussian noise scaled by a learnt per-channel weight (StyleGAN)."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(1, channels, 1, 1))

    def forward(self, x: torch.Tensor, noise: torch.Tensor | None) -> torch.Tensor:
        if noise is None:
            noise = torch.randn(x.shape[0], 1, x.shape[2], x.shape[3], device=x.device, dtype=x.dtype)
        return x + self.weight * noise


class _Conv(nn.Module):
    """3×3 conv → noise → BN → leaky ReLU; padding zero or circular (tileable) per call.

    In eval mode without autograd the batch norm is folded into the convolution and the rest runs in
    place: the same function, about half the memory traffic (sampling at canvas size is memory-bound)."""

    def __init__(self, c_in: int, c_out: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, 3, 1, 1, bias=False)
        self.noise = NoiseInjection(c_out)
        self.norm = nn.BatchNorm2d(c_out)

    def forward(self, x: torch.Tensor, noise: torch.Tensor | None, circular: bool) -> torch.Tensor:
        if not self.training and not torch.is_grad_enabled():
            return self._fused(x, noise, circular)
        x = self._conv(x, self.conv.weight, None, circular)
        x = self.noise(x, noise)
        return F.leaky_relu(self.norm(x), 0.2)

    @staticmethod
    def _conv(
        x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, circular: bool
    ) -> torch.Tensor:
        if circular:
            return F.conv2d(F.pad(x, (1, 1, 1, 1), mode="circular"), weight, bias)
        return F.conv2d(x, weight, bias, padding=1)

    def _fused(self, x: torch.Tensor, noise: torch.Tensor | None, circular: bool) -> torch.Tensor:
        norm = self.norm
        assert norm.running_var is not None and norm.running_mean is not None
        scale = norm.weight / torch.sqrt(norm.running_var + norm.eps)
        bias = norm.bias - norm.running_mean * scale
        x = self._conv(x, self.conv.weight * scale[:, None, None, None], bias, circular)
        if noise is None:
            noise = torch.randn(x.shape[0], 1, x.shape[2], x.shape[3], device=x.device, dtype=x.dtype)
        x.addcmul_(noise, (self.noise.weight * scale[None, :, None, None]).to(x.dtype))
        return F.leaky_relu_(x, 0.2)


def _upsample2(x: torch.Tensor, circular: bool = False) -> torch.Tensor:
    """Bilinear ×2. Nearest-neighbour doubling left a fixed 4 px colour lattice in the first runs' samples
    (the convolutions learnt to exploit the blocks); a smooth doubling gives them nothing to exploit. On
    the torus (``circular``) the wrap is padded in first, so the tile stays seamless."""
    if not circular:
        return F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
    x = F.interpolate(F.pad(x, (1, 1, 1, 1), mode="circular"), scale_factor=2, mode="bilinear")
    return x[:, :, 2:-2, 2:-2]


class SpatialGenerator(nn.Module):
    """Latent grid (N×C×h×w) → image (N×3×h·2^L×w·2^L in [-1, 1])."""

    def __init__(self, arch: GanArch) -> None:
        super().__init__()
        self.arch = arch
        self.plan = _plan(arch)
        self.z_channels = arch.local_dim + arch.global_dim + arch.periodic_dim
        self.wave = nn.Linear(arch.global_dim, arch.periodic_dim * 2) if arch.periodic_dim else None
        self.levels = nn.ModuleList()
        c_prev = self.z_channels
        for c, count in self.plan:
            self.levels.append(nn.ModuleList([_Conv(c_prev if j == 0 else c, c) for j in range(count)]))
            c_prev = c
        self.to_rgb = nn.Conv2d(c_prev, 3, 3, 1, 0)  # at full resolution, after a bilinear doubling

    @property
    def cell(self) -> int:
        return 2**self.arch.levels

    def noise_shapes(self, h: int, w: int) -> list[tuple[int, int]]:
        """The (height, width) of each noise map for a grid of h×w cells."""
        return [(h * 2**i, w * 2**i) for i, (_, count) in enumerate(self.plan) for _ in range(count)]

    def waves(self, z_global: torch.Tensor, grid: tuple[int, int] | None = None) -> torch.Tensor:
        """Wave vectors (N×P×2, radians per cell) from the global latent; with ``grid`` rounded to whole
        periods across it (tileable)."""
        assert self.wave is not None
        # At most a quarter turn per cell: periods of 4 cells and more (finer detail is the convolutions').
        k = 0.5 * math.pi * torch.sigmoid(self.wave(z_global)).view(-1, self.arch.periodic_dim, 2)
        sign = torch.tensor([1.0, -1.0], device=k.device).repeat(self.arch.periodic_dim // 2 + 1)[
            : self.arch.periodic_dim
        ]
        k = torch.stack([k[..., 0], k[..., 1] * sign], dim=-1)  # half the waves lean each way
        if grid is not None:
            h, w = grid
            step = torch.tensor([2 * math.pi / w, 2 * math.pi / h], device=k.device)
            k = torch.round(k / step) * step
        return k

    def latent_grid(
        self,
        z_local: torch.Tensor,
        z_global: torch.Tensor,
        phase: torch.Tensor,
        offset: torch.Tensor | None = None,
        tileable: bool = False,
    ) -> torch.Tensor:
        """Assemble the input grid: ``z_local`` N×Dl×h×w, ``z_global`` N×Dg, ``phase`` N×P (radians),
        ``offset`` N×2 cell coordinates of the grid's corner (a training crop's position)."""
        n, _, h, w = z_local.shape
        parts = [z_local, z_global[:, :, None, None].expand(n, -1, h, w)]
        if self.arch.periodic_dim:
            k = self.waves(z_global, (h, w) if tileable else None)
            ys = torch.arange(h, device=z_local.device, dtype=z_local.dtype)
            xs = torch.arange(w, device=z_local.device, dtype=z_local.dtype)
            if offset is None:
                offset = torch.zeros(n, 2, device=z_local.device, dtype=z_local.dtype)
            x = xs[None, None, None, :] + offset[:, 0, None, None, None]
            y = ys[None, None, :, None] + offset[:, 1, None, None, None]
            arg = k[..., 0, None, None] * x + k[..., 1, None, None] * y + phase[:, :, None, None]
            parts.append(torch.sin(arg))
        return torch.cat(parts, dim=1)

    def forward(
        self,
        grid: torch.Tensor,
        noise: list[torch.Tensor] | None = None,
        tileable: bool = False,
    ) -> torch.Tensor:
        x = grid
        k = 0
        for i, level in enumerate(self.levels):
            if i:
                x = _upsample2(x, tileable)
            for conv in level:
                x = conv(x, noise[k] if noise else None, tileable)
                k += 1
        if not self.training and not torch.is_grad_enabled():
            return torch.tanh_(self._to_rgb_polyphase(x, tileable))
        x = F.pad(_upsample2(x, tileable), (1, 1, 1, 1), mode="circular" if tileable else "replicate")
        return torch.tanh(self.to_rgb(x))

    def _to_rgb_polyphase(self, x: torch.Tensor, circular: bool) -> torch.Tensor:
        """The last bilinear doubling, its padding and the 3×3 convolution to RGB as one convolution at
        the lower resolution: each of the four output phases (even/odd row × column) is a 3×3 convolution of
        the padded input, whose kernel is the RGB kernel through the bilinear weights; ``pixel_shuffle``
        interleaves them. The same function (bilinear ×2 with align_corners=False clamps at the edges,
        which is a replicate padding; the tileable path wraps either way), without the full-resolution
        16-channel map that the plain path upsamples, pads and reads: most of the sampling time at canvas
        size went there."""
        w = self.to_rgb.weight
        # taps[phase, high-resolution tap, low-resolution tap]: rows 2i-1, 2i, 2i+1 (even output row 2i)
        # and 2i, 2i+1, 2i+2 (odd row 2i+1) as weights of rows i-1, i, i+1 of the input.
        taps = torch.tensor(
            [
                [[0.75, 0.25, 0.0], [0.25, 0.75, 0.0], [0.0, 0.75, 0.25]],
                [[0.25, 0.75, 0.0], [0.0, 0.75, 0.25], [0.0, 0.25, 0.75]],
            ],
            dtype=w.dtype,
            device=w.device,
        )
        kernel = torch.einsum("pak,qbl,oiab->opqikl", taps, taps, w).reshape(-1, w.shape[1], 3, 3)
        bias = self.to_rgb.bias
        bias = None if bias is None else bias.repeat_interleave(4)
        x = F.pad(x, (1, 1, 1, 1), mode="circular" if circular else "replicate")
        return F.pixel_shuffle(F.conv2d(x, kernel, bias), 2)

    def random_grid(self, n: int, h: int, w: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """A fresh latent grid for training: random local/global latents, phases and crop offsets."""
        a = self.arch
        dev = next(self.parameters()).device
        z_local = torch.randn(n, a.local_dim, h, w, generator=generator).to(dev)
        z_global = torch.randn(n, a.global_dim, generator=generator).to(dev)
        phase = (torch.rand(n, max(a.periodic_dim, 1), generator=generator) * 2 * math.pi)[
            :, : a.periodic_dim
        ]
        offset = torch.rand(n, 2, generator=generator) * 64
        return self.latent_grid(z_local, z_global, phase.to(dev), offset.to(dev))


class SpatialDiscriminator(nn.Module):
    """Image → (patch logits N×1×h×w, reconstruction of the input at a quarter of its side)."""

    def __init__(self, arch: GanArch) -> None:
        super().__init__()
        self.arch = arch
        c = arch.ndf
        chans = [3, c // 2, c, c * 2, c * 4]  # four stride-2 stages: 1/16 of the input side
        layers: list[nn.Module] = []
        for c_in, c_out in zip(chans, chans[1:], strict=False):
            layers += [
                spectral_norm(nn.Conv2d(c_in, c_out, 4, 2, 1)),
                nn.LeakyReLU(0.2),
                spectral_norm(nn.Conv2d(c_out, c_out, 3, 1, 1)),
                nn.LeakyReLU(0.2),
            ]
        self.body = nn.Sequential(*layers)
        self.logits = spectral_norm(nn.Conv2d(chans[-1], 1, 3, 1, 1))
        d = max(8, c // 2)
        self.decoder = nn.Sequential(  # 1/16 → 1/4 of the input side
            nn.Upsample(scale_factor=2, mode="nearest"),
            nn.Conv2d(chans[-1], d * 2, 3, 1, 1),
            nn.LeakyReLU(0.2),
            nn.Upsample(scale_factor=2, mode="nearest"),
            nn.Conv2d(d * 2, d, 3, 1, 1),
            nn.LeakyReLU(0.2),
            nn.Conv2d(d, 3, 3, 1, 1),
            nn.Tanh(),
        )

    def forward(self, x: torch.Tensor, reconstruct: bool = False) -> tuple[torch.Tensor, torch.Tensor | None]:
        feats = self.body(x)
        return self.logits(feats), (self.decoder(feats) if reconstruct else None)


def reconstruction_target(x: torch.Tensor) -> torch.Tensor:
    """What the decoder must rebuild: the input at a quarter of its side (area-averaged)."""
    return F.avg_pool2d(x, 4)
