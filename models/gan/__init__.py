"""GAN engine: a compact FastGAN-like generator trained with DiffAugment on a few images, and sampling.

Importing this package imports torch; the Qt panel and the CLI import it only inside their functions.

- :class:`GanModel` — load a checkpoint and sample (seeds, truncation, variations, interpolation, crossing).
- :func:`train` — a job generator that trains on a folder and writes ``.safetensors`` + JSON sidecar.
- :func:`load_checkpoint`, :class:`CheckpointError` — checkpoint reading with clear errors.
"""

from models.gan.checkpoint import Checkpoint, CheckpointError, load_checkpoint, read_info, save_checkpoint
from models.gan.config import GanArch, TrainConfig
from models.gan.sampling import GanModel, Sample, make_grid, resolve_device
from models.gan.train import GanTrainError, TrainProgress, TrainResult, default_arch, train

__all__ = [
    "Checkpoint",
    "CheckpointError",
    "GanArch",
    "GanModel",
    "GanTrainError",
    "Sample",
    "TrainConfig",
    "TrainProgress",
    "TrainResult",
    "default_arch",
    "load_checkpoint",
    "make_grid",
    "read_info",
    "resolve_device",
    "save_checkpoint",
    "train",
]
