"""Measures of what a GAN paints, against real crops: used to keep the best checkpoint and by the bench.

All take uint8 images N×H×W×3 (or float tensors N×3×H×W in [-1, 1] where noted) and are deterministic.

- :func:`patch_swd` — sliced Wasserstein distance between the 7×7 patches of two image sets, at full and
  half resolution (ProGAN's texture statistic): lower is closer. The training criterion.
- :func:`high_frequency_share` — the share of an image's (zero-mean) energy above a quarter of Nyquist.
- :func:`pairwise_diversity` — mean L1 distance (0–1) between the images of a set, pair by pair.
- :func:`position_lock` — how much each image's high-pass pattern correlates with the mean high-pass
  pattern of the others: near 0 when motifs fall anywhere, high when a motif sits at fixed places.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F


def _as_tensor(images: np.ndarray | torch.Tensor) -> torch.Tensor:
    if isinstance(images, torch.Tensor):
        return images.detach().float().cpu()
    x = torch.from_numpy(np.ascontiguousarray(images[..., :3])).float()
    return x.permute(0, 3, 1, 2) / 127.5 - 1.0


def _patches(x: torch.Tensor, count: int, gen: torch.Generator, size: int = 7) -> torch.Tensor:
    p = F.unfold(x, size)  # N × (3·size²) × L
    p = p.permute(0, 2, 1).reshape(-1, p.shape[1])
    idx = torch.randint(0, p.shape[0], (count,), generator=gen)
    p = p[idx]
    return p - p.mean(dim=1, keepdim=True)  # texture, not brightness: the colour statistics are separate


def patch_swd(
    a: np.ndarray | torch.Tensor,
    b: np.ndarray | torch.Tensor,
    patches: int = 4096,
    projections: int = 128,
    seed: int = 0,
) -> float:
    """Sliced Wasserstein distance between two sets' 7×7 patches (two scales) plus their colour
    histograms' distance; lower means ``a`` paints more like ``b``."""
    xa, xb = _as_tensor(a), _as_tensor(b)
    gen = torch.Generator().manual_seed(seed)
    total = 0.0
    for _level in range(2):
        pa, pb = _patches(xa, patches, gen), _patches(xb, patches, gen)
        dirs = torch.randn(pa.shape[1], projections, generator=gen)
        dirs /= dirs.norm(dim=0, keepdim=True)
        total += float((torch.sort(pa @ dirs, 0)[0] - torch.sort(pb @ dirs, 0)[0]).abs().mean())
        xa, xb = F.avg_pool2d(xa, 2), F.avg_pool2d(xb, 2)
    # Colour: sorted per-channel pixel values (a 1-D Wasserstein distance per channel).
    ca = xa.permute(1, 0, 2, 3).reshape(3, -1)
    cb = xb.permute(1, 0, 2, 3).reshape(3, -1)
    n = min(ca.shape[1], cb.shape[1], 65536)
    ia = torch.randint(0, ca.shape[1], (n,), generator=gen)
    ib = torch.randint(0, cb.shape[1], (n,), generator=gen)
    total += float((torch.sort(ca[:, ia], 1)[0] - torch.sort(cb[:, ib], 1)[0]).abs().mean())
    return total


def _gray(images: np.ndarray) -> np.ndarray:
    x = images[..., :3].astype(np.float64) / 255.0
    return x @ np.array([0.299, 0.587, 0.114])


def high_frequency_share(images: np.ndarray, cutoff: float = 0.25) -> float:
    """Mean share of spectral energy at radial frequencies above ``cutoff`` × Nyquist (DC removed)."""
    shares = []
    for g in _gray(images):
        g = g - g.mean()
        power = np.abs(np.fft.fft2(g)) ** 2
        fy = np.fft.fftfreq(g.shape[0])[:, None]
        fx = np.fft.fftfreq(g.shape[1])[None, :]
        radius = np.sqrt(fx**2 + fy**2) / 0.5
        total = power.sum()
        shares.append(float(power[radius > cutoff].sum() / total) if total > 0 else 0.0)
    return float(np.mean(shares))


def pairwise_diversity(images: np.ndarray) -> float:
    """Mean absolute difference (0–1) over all pairs of images of one set."""
    x = images[..., :3].astype(np.float32) / 255.0
    n = len(x)
    if n < 2:
        return 0.0
    total, pairs = 0.0, 0
    for i in range(n):
        total += float(np.abs(x[i + 1 :] - x[i]).mean(axis=(1, 2, 3)).sum())
        pairs += n - i - 1
    return total / pairs


def _high_pass(images: np.ndarray) -> np.ndarray:
    g = torch.from_numpy(_gray(images)).float()[:, None]
    blur = F.avg_pool2d(F.pad(g, (3, 3, 3, 3), mode="reflect"), 7, stride=1)
    return (g - blur)[:, 0].numpy()


def position_lock(images: np.ndarray) -> tuple[float, float]:
    """(mean, max) over images of corr(high-pass of image i, mean high-pass of all the others)."""
    hp = _high_pass(images)
    n = len(hp)
    total = hp.sum(axis=0)
    corrs = []
    for i in range(n):
        others = (total - hp[i]) / (n - 1)
        a, b = hp[i].ravel() - hp[i].mean(), others.ravel() - others.mean()
        denom = np.linalg.norm(a) * np.linalg.norm(b)
        corrs.append(float(a @ b / denom) if denom > 0 else 0.0)
    return float(np.mean(corrs)), float(np.max(corrs))
