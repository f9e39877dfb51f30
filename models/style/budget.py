"""What a stylization will cost before it starts: peak memory and time, and a refusal when the machine
cannot hold it (torch-free, so the panel and the CLI can ask before a job starts).

The figures are models fitted to runs measured with bench/style_bench.py (2 CPU cores; see its
docstring): memory grows with the pixels of the largest scale (whole up to ``TILE_PIXELS``; above it a
fixed part, one tile's passes among them, plus per-pixel buffers of the whole image), and it is never
less than the largest scale run whole before it needs (models/style/tiles.py: ``scale_is_tiled``); time
grows with steps x pixels summed over the scales.
Calibration points, Draft on 2 quiet cores (peak resident memory, wall time): 2048 px 2.14 GiB;
4096x2725 2.17 GiB, 552 s; 6000x3991 2.61 GiB, 1552 s (640 px tile cores, Adam's moments and the summed
gradient in bfloat16; with 1024 px cores and float32 they were 2.62 GiB, 672 s and 3.60 GiB, 2028 s).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from models.style.config import PRESETS, StyleConfig, scale_plan
from models.style.images import fit_long_side
from models.style.tiles import TILE_CORE, TILE_MARGIN, is_tiled, scale_is_tiled

GB = 1024**3
FLOOR_GB = 0.6  # torch, the backbone, the paintings' statistics
WHOLE_GB_PER_MPX = 0.56  # activations and gradients of a whole image (checkpointed), per megapixel
# Tiled: torch, the backbone, the paintings' statistics, one tile's passes and what the heap keeps of them
TILED_FIXED_GB = 1.78
TILED_BYTES_PER_PX = 37  # the image, Adam's moments and the summed gradient, content targets, the photo
# Tiled scales cost more per pixel-step than whole ones, besides their margins (counted apart): a tile's
# tensors are mapped and faulted in afresh after each tile hands its memory back (system time).
TILED_TIME_FACTOR = 1.35
CPU_S_PER_MPX_STEP = 2.4  # one thread, one step over a megapixel (forward + backward), EfficientNet-Lite0
CUDA_SPEEDUP = 40.0
VGG19_COST = 6.0  # VGG19 steps cost about this many EfficientNet-Lite0 steps


@dataclass(frozen=True)
class Estimate:
    width: int
    height: int
    peak_bytes: int
    seconds: float
    tiled: bool

    def describe(self) -> str:
        minutes = self.seconds / 60.0
        when = f"about {self.seconds:.0f} s" if minutes < 2 else f"about {minutes:.0f} min"
        return f"{self.width}×{self.height}: {when}, about {self.peak_bytes / GB:.1f} GB of memory"


def estimate(width: int, height: int, config: StyleConfig, device: str = "cpu", threads: int = 0) -> Estimate:
    """Peak memory and time of stylizing a ``width`` x ``height`` photo with ``config`` (output size from
    ``config.size``) on ``device`` with ``threads`` torch threads (0: the cores of this machine)."""
    out_w, out_h = fit_long_side(width, height, config.size)
    tiled = is_tiled(out_h, out_w)
    overlap = ((TILE_CORE + 2 * TILE_MARGIN) / TILE_CORE) ** 2
    work = 0.0
    whole_mpx = 0.0  # the largest scale that runs whole
    for side, steps in scale_plan(max(out_w, out_h), PRESETS[config.quality]):
        w, h = fit_long_side(out_w, out_h, side)
        if scale_is_tiled(h, w, out_h, out_w):
            work += steps * w * h / 1e6 * overlap * TILED_TIME_FACTOR
        else:
            work += steps * w * h / 1e6
            whole_mpx = max(whole_mpx, w * h / 1e6)
    peak = (FLOOR_GB + WHOLE_GB_PER_MPX * whole_mpx) * GB
    if tiled:
        peak = max(peak, TILED_FIXED_GB * GB + TILED_BYTES_PER_PX * out_w * out_h)
    seconds = work * CPU_S_PER_MPX_STEP
    if config.backbone == "vgg19":
        seconds *= VGG19_COST
        peak *= 3.0
    if device == "cuda":
        seconds /= CUDA_SPEEDUP
    else:
        seconds /= max(1, threads or os.cpu_count() or 1) ** 0.8  # threads do not scale perfectly
    return Estimate(out_w, out_h, int(peak), seconds, tiled)


def available_bytes(device: str = "cpu") -> int | None:
    """Memory free for a new job on ``device`` (None when it cannot be told)."""
    if device == "cuda":
        try:
            import torch

            free, _total = torch.cuda.mem_get_info()
            return int(free)
        except Exception:  # noqa: BLE001 - no CUDA, or a driver that cannot tell
            return None
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return None


def check_budget(width: int, height: int, config: StyleConfig, device: str = "cpu") -> Estimate:
    """The estimate, or ``ValueError`` with a message a painter can act on when memory is too short."""
    est = estimate(width, height, config, device)
    free = available_bytes(device)
    if free is not None and est.peak_bytes > free:
        where = "the GPU" if device == "cuda" else "this machine"
        raise ValueError(
            f"a {est.width}×{est.height} result needs about {est.peak_bytes / GB:.1f} GB of memory and "
            f"{where} has {free / GB:.1f} GB free; choose a smaller size or close other programs"
        )
    return est
