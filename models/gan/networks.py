"""The generator and discriminator: a compact FastGAN-like pair for small data and modest hardware.

Generator: z → 4×4 → … → resolution with nearest-upsample + conv + BN + GLU blocks, and skip-layer
excitation (FastGAN, Liu et al. 2021): low-resolution features gate the channels of high-resolution ones,
which both speeds learning on few images and lets ``style_z`` borrow the look of another sample.
Discriminator: strided convolutions under spectral normalisation, one logit per image (hinge loss).
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils import spectral_norm

from models.gan.config import GanArch


def _channels(res: int, width: int) -> int:
    # Wide at low resolution where the maps are small, narrow at high resolution where they are costly.
    mult = {4: 8, 8: 8, 16: 4, 32: 2, 64: 1, 128: 0.5, 256: 0.25}[res]
    return max(8, int(width * mult))


class _UpBlock(nn.Module):
    def __init__(self, c_in: int, c_out: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Upsample(scale_factor=2, mode="nearest"),
            nn.Conv2d(c_in, c_out * 2, 3, 1, 1, bias=False),
            nn.BatchNorm2d(c_out * 2),
            nn.GLU(dim=1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)


class _Excitation(nn.Module):
    """Skip-layer excitation: a channel gate for a high-resolution map computed from a low-resolution one."""

    def __init__(self, c_low: int, c_high: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.AdaptiveAvgPool2d(4),
            nn.Conv2d(c_low, c_high, 4, 1, 0, bias=False),
            nn.LeakyReLU(0.1),
            nn.Conv2d(c_high, c_high, 1, 1, 0, bias=False),
            nn.Sigmoid(),
        )

    def forward(self, low: torch.Tensor, high: torch.Tensor) -> torch.Tensor:
        return high * self.body(low)


class Generator(nn.Module):
    """Maps latents (N×z_dim) to images (N×3×R×R in [-1, 1])."""

    def __init__(self, arch: GanArch) -> None:
        super().__init__()
        self.arch = arch
        c4 = _channels(4, arch.ngf)
        self.init = nn.Sequential(
            nn.ConvTranspose2d(arch.z_dim, c4 * 2, 4, 1, 0, bias=False),
            nn.BatchNorm2d(c4 * 2),
            nn.GLU(dim=1),
        )
        self.resolutions = [8 * 2**i for i in range(arch.resolution.bit_length() - 3)]
        self.blocks = nn.ModuleDict()
        prev = c4
        for res in self.resolutions:
            c = _channels(res, arch.ngf)
            self.blocks[str(res)] = _UpBlock(prev, c)
            prev = c
        # Excite each map of side ≥ 32 from the map eight times smaller (4→32, 8→64, 16→128, 32→256).
        self.excite = nn.ModuleDict()
        for res in self.resolutions:
            if res >= 32:
                self.excite[str(res)] = _Excitation(_channels(res // 8, arch.ngf), _channels(res, arch.ngf))
        self.to_rgb = nn.Sequential(nn.Conv2d(prev, 3, 3, 1, 1), nn.Tanh())

    def _features(self, z: torch.Tensor) -> dict[int, torch.Tensor]:
        feats = {4: self.init(z[:, :, None, None])}
        x = feats[4]
        for res in self.resolutions:
            x = self.blocks[str(res)](x)
            if str(res) in self.excite:
                x = self.excite[str(res)](feats[res // 8], x)
            feats[res] = x
        return feats

    def forward(self, z: torch.Tensor, style_z: torch.Tensor | None = None) -> torch.Tensor:
        """Images for ``z``; with ``style_z`` the excitations (colour and texture) come from those latents."""
        if style_z is None:
            feats = self._features(z)
            return self.to_rgb(feats[self.arch.resolution])
        style = self._features(style_z)
        feats = {4: self.init(z[:, :, None, None])}
        x = feats[4]
        for res in self.resolutions:
            x = self.blocks[str(res)](x)
            if str(res) in self.excite:
                # The content's own low-resolution maps for layout, the style's for the gates.
                x = self.excite[str(res)](style[res // 8], x)
            feats[res] = x
        return self.to_rgb(x)


class Discriminator(nn.Module):
    """Scores images (N×3×R×R) with one unbounded logit each; every conv is spectrally normalised."""

    def __init__(self, arch: GanArch) -> None:
        super().__init__()
        self.arch = arch
        layers: list[nn.Module] = []
        res, c_prev = arch.resolution, 3
        while res > 4:
            c = _channels(res // 2, arch.ndf) if res // 2 >= 8 else _channels(8, arch.ndf)
            c = min(c, arch.ndf * 8)
            layers += [spectral_norm(nn.Conv2d(c_prev, c, 4, 2, 1)), nn.LeakyReLU(0.2)]
            c_prev, res = c, res // 2
        layers.append(spectral_norm(nn.Conv2d(c_prev, 1, 4, 1, 0)))
        self.body = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x).flatten(1).mean(1)


def parameter_count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())
