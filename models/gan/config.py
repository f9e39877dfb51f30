"""Configuration records of the GAN engine: the architecture (stored in every checkpoint's sidecar) and a
training run."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

RESOLUTIONS = (32, 64, 96, 128, 256)  # training crop sides; 32 is for tests
KINDS = ("spatial", "fastgan")  # fastgan: the first bundled model's fixed-size generator (sampling only)
_INT_FIELDS = ("resolution", "z_dim", "ngf", "ndf", "levels", "local_dim", "global_dim", "periodic_dim")


@dataclass(frozen=True)
class GanArch:
    """Shape of a generator/discriminator pair. Everything needed to rebuild the networks.

    ``kind="spatial"`` (the current engine): ``resolution`` is the side of the training crops; the
    generator samples any size, one latent cell per ``2**levels`` pixels. ``kind="fastgan"``: the older
    fixed-size generator (one ``z_dim`` vector → one ``resolution`` square), kept so its models still load.
    """

    resolution: int = 64
    z_dim: int = 128
    ngf: int = 32  # generator width multiplier
    ndf: int = 32  # discriminator width multiplier
    kind: str = "fastgan"
    levels: int = 4  # spatial: upsampling blocks; a latent cell is 2**levels pixels
    local_dim: int = 16
    global_dim: int = 32
    periodic_dim: int = 8

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {self.kind!r}")
        if self.resolution not in RESOLUTIONS:
            raise ValueError(f"resolution must be one of {RESOLUTIONS}, not {self.resolution}")
        if self.z_dim < 2 or self.ngf < 2 or self.ndf < 2:
            raise ValueError("z_dim, ngf and ndf must be at least 2")
        if self.kind == "spatial":
            if not 2 <= self.levels <= 5 or self.resolution % (2**self.levels) or self.resolution < 16:
                raise ValueError("a spatial generator needs 2–5 levels and crops a multiple of 2**levels")
            if self.local_dim < 1 or self.global_dim < 1 or self.periodic_dim < 0 or self.periodic_dim % 2:
                raise ValueError("local and global latents need ≥ 1 channel; periodic ones an even count")

    @property
    def spatial(self) -> bool:
        return self.kind == "spatial"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GanArch:
        known: dict[str, Any] = {k: int(data[k]) for k in _INT_FIELDS if k in data}
        if "kind" in data:
            known["kind"] = str(data["kind"])
        return cls(**known)


@dataclass(frozen=True)
class TrainConfig:
    """One training run: the tested recipe (the bundled model's, see ``resources/gan/TRAINING.md``) is
    the default. ``steps`` counts generator updates in this run; ``batch_size`` is the global batch (split
    over the processes of a distributed run)."""

    arch: GanArch = field(default_factory=lambda: GanArch(kind="spatial", resolution=96))
    steps: int = 3000
    batch_size: int = 8
    lr_g: float = 2e-4
    lr_d: float = 2e-4
    betas: tuple[float, float] = (0.5, 0.99)
    ema_decay: float = 0.995  # a short window: small-data GANs wander, and a long average blurs them
    augment: str = "color,translation,cutout"  # applied with the adaptive probability (ADA)
    ada_target: float = 0.6
    ada_speed_images: float = 20_000.0
    r1_gamma: float = (
        0.1  # lazy R1 gradient penalty on real images (mild: the D is spectrally normalised) ...
    )
    r1_every: int = 16  # ... every this many steps (scaled up by it)
    recon_weight: float = 1.0  # the self-supervised discriminator's reconstruction loss
    crop_scale: tuple[float, float] = (0.16, 0.24)  # side of a random crop, as a fraction of the short side
    holdout: float = 0.0  # share of each image's width (the right strip) kept out of training
    seed: int = 0
    device: str = "auto"
    preview_every_s: float = 20.0  # a preview grid at most this often (and at the end)
    checkpoint_every_s: float = 180.0  # write the checkpoint at least this often (and at the end)
    eval_every: int = 0  # steps between quality measurements (patch SWD); the best is kept; 0: never
    min_images: int = 5
    threads: int | None = None  # torch.set_num_threads for the run; None leaves it alone
