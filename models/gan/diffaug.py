"""Differentiable augmentation (DiffAugment, Zhao et al. 2020), written for Atelier.

The same random colour, translation and cutout transforms are applied to real and generated images before
the discriminator sees them; being differentiable, they let the generator learn through them. This keeps
the discriminator from memorising a small training set (20–500 images).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

POLICIES = ("color", "translation", "cutout")


def diff_augment(x: torch.Tensor, policy: str = "color,translation,cutout") -> torch.Tensor:
    """Augment a batch N×3×H×W in [-1, 1]; ``policy`` is a comma-separated subset of :data:`POLICIES`."""
    for name in (p.strip() for p in policy.split(",")):
        if not name:
            continue
        if name == "color":
            x = _color(x)
        elif name == "translation":
            x = _translation(x)
        elif name == "cutout":
            x = _cutout(x)
        else:
            raise ValueError(f"unknown augmentation {name!r}; choose from {', '.join(POLICIES)}")
    return x


def _rand(x: torch.Tensor) -> torch.Tensor:
    return torch.rand(x.size(0), 1, 1, 1, dtype=x.dtype, device=x.device)


def _color(x: torch.Tensor) -> torch.Tensor:
    x = x + (_rand(x) - 0.5)  # brightness
    mean = x.mean(dim=1, keepdim=True)
    x = (x - mean) * (_rand(x) * 2) + mean  # saturation
    mean = x.mean(dim=[1, 2, 3], keepdim=True)
    return (x - mean) * (_rand(x) + 0.5) + mean  # contrast


def _translation(x: torch.Tensor, ratio: float = 0.125) -> torch.Tensor:
    n, _, h, w = x.shape
    sh, sw = int(h * ratio + 0.5), int(w * ratio + 0.5)
    tx = torch.randint(-sh, sh + 1, (n, 1, 1), device=x.device)
    ty = torch.randint(-sw, sw + 1, (n, 1, 1), device=x.device)
    gb, gx, gy = torch.meshgrid(
        torch.arange(n, device=x.device),
        torch.arange(h, device=x.device),
        torch.arange(w, device=x.device),
        indexing="ij",
    )
    gx = torch.clamp(gx + tx + 1, 0, h + 1)
    gy = torch.clamp(gy + ty + 1, 0, w + 1)
    padded = F.pad(x, [1, 1, 1, 1, 0, 0, 0, 0])  # shifted-in pixels are zero (mid-grey)
    return padded.permute(0, 2, 3, 1).contiguous()[gb, gx, gy].permute(0, 3, 1, 2)


def _cutout(x: torch.Tensor, ratio: float = 0.5) -> torch.Tensor:
    n, _, h, w = x.shape
    ch, cw = int(h * ratio + 0.5), int(w * ratio + 0.5)
    ox = torch.randint(0, h + (1 - ch % 2), (n, 1, 1), device=x.device)
    oy = torch.randint(0, w + (1 - cw % 2), (n, 1, 1), device=x.device)
    gb, gx, gy = torch.meshgrid(
        torch.arange(n, device=x.device),
        torch.arange(ch, device=x.device),
        torch.arange(cw, device=x.device),
        indexing="ij",
    )
    gx = torch.clamp(gx + ox - ch // 2, min=0, max=h - 1)
    gy = torch.clamp(gy + oy - cw // 2, min=0, max=w - 1)
    mask = torch.ones(n, h, w, dtype=x.dtype, device=x.device)
    mask[gb, gx, gy] = 0
    return x * mask.unsqueeze(1)
