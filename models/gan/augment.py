"""Adaptive discriminator augmentation (after ADA, Karras et al. 2020) on top of DiffAugment's transforms.

Each image the discriminator sees (real or generated) is augmented with probability ``p``: every transform
of the policy is applied to it, independently drawn. ``p`` starts at 0 and follows how much the
discriminator overfits: the share of real images it scores as real, ``r = E[sign(D(real))]``, is pushed
toward a target (0.6): above the target ``p`` rises, below it falls. With few images the discriminator
memorises them quickly and ``p`` climbs; with many it stays low and the augmentations never leak into the
samples. The transforms are differentiable, so the generator learns through them.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from models.gan.diffaug import diff_augment


def augment(x: torch.Tensor, p: float, policy: str, generator: torch.Generator | None = None) -> torch.Tensor:
    """Augment each image of N×3×H×W with probability ``p`` (every transform of ``policy``)."""
    if p <= 0 or not policy:
        return x
    mask = (torch.rand(x.shape[0], 1, 1, 1, generator=generator) < p).to(x.device, x.dtype)
    if not bool(mask.any()):
        return x
    return mask * diff_augment(x, policy) + (1 - mask) * x


@dataclass
class AdaptiveP:
    """The adaptive augmentation probability. Call :meth:`observe` with the real logits each step and
    :meth:`adjust` every few steps (with the observations summed over all processes)."""

    p: float = 0.0
    target: float = 0.6
    speed_images: float = 20_000.0  # images over which p may move from 0 to 1
    sum_sign: float = 0.0
    count: float = 0.0

    def observe(self, real_logits: torch.Tensor) -> None:
        per_image = real_logits.detach().flatten(1).mean(1)
        self.sum_sign += float(torch.sign(per_image).sum())
        self.count += per_image.numel()

    def adjust(self, sum_sign: float | None = None, count: float | None = None) -> float | None:
        """Move ``p`` from the observations (or the given totals); returns the measured ``r`` or None."""
        s = self.sum_sign if sum_sign is None else sum_sign
        n = self.count if count is None else count
        self.sum_sign = self.count = 0.0
        if n <= 0:
            return None
        r = s / n
        step = n / self.speed_images
        self.p = float(min(1.0, max(0.0, self.p + (step if r > self.target else -step))))
        return r
