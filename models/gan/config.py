"""Configuration records of the GAN engine: the architecture (stored in every checkpoint's sidecar) and a
training run."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

RESOLUTIONS = (32, 64, 128, 256)  # 32 is for tests; the product offers 64, 128 and 256.


@dataclass(frozen=True)
class GanArch:
    """Shape of a generator/discriminator pair. Everything needed to rebuild the networks."""

    resolution: int = 64
    z_dim: int = 128
    ngf: int = 32  # generator width multiplier
    ndf: int = 32  # discriminator width multiplier

    def __post_init__(self) -> None:
        if self.resolution not in RESOLUTIONS:
            raise ValueError(f"resolution must be one of {RESOLUTIONS}, not {self.resolution}")
        if self.z_dim < 2 or self.ngf < 2 or self.ndf < 2:
            raise ValueError("z_dim, ngf and ndf must be at least 2")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GanArch:
        known = {k: int(data[k]) for k in ("resolution", "z_dim", "ngf", "ndf") if k in data}
        return cls(**known)


@dataclass(frozen=True)
class TrainConfig:
    """One training run. ``steps`` counts generator updates in total, including any resumed ones."""

    arch: GanArch = field(default_factory=GanArch)
    steps: int = 2000
    batch_size: int = 8
    lr_g: float = 2e-4
    lr_d: float = 2e-4
    betas: tuple[float, float] = (0.5, 0.999)
    ema_decay: float = 0.995  # a short window: small-data GANs wander, and a long average blurs them
    augment: str = "color,translation,cutout"
    crop_scale: tuple[float, float] = (0.15, 0.6)  # side of a random crop, as a fraction of the short side
    seed: int = 0
    device: str = "auto"
    preview_every_s: float = 20.0  # a preview grid at most this often (and at the end)
    checkpoint_every_s: float = 180.0  # write the checkpoint at least this often (and at the end)
    min_images: int = 5
    threads: int | None = None  # torch.set_num_threads for the run; None leaves it alone
