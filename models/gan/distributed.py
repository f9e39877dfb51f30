"""Several processes training one GAN with torch's DistributedDataParallel (launched by ``torchrun``).

``torchrun --nproc_per_node N -m studio gan train FOLDER ...`` sets ``RANK``, ``LOCAL_RANK`` and
``WORLD_SIZE`` in each process's environment; :func:`setup` joins the process group (gloo on CPU, NCCL on
CUDA, one GPU per process). Several machines join with torchrun's rendezvous options
(``--nnodes 2 --rdzv-backend c10d --rdzv-endpoint HOST:PORT``). Without those variables everything here is
a single-process no-op.

The batch rule: ``--batch`` is the *global* batch; each process takes ``batch / world_size`` of it (the
crop positions are drawn identically everywhere and split, see ``CropSampler``), gradients are averaged
over processes, so one step is the same optimisation step at any process count and the learning rate does
not change with it. To use more hardware for a larger batch, raise ``--batch`` (a multiple of the process
count); we keep Adam's learning rate as it is then too (GAN training is not helped by linear LR scaling).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import torch


@dataclass(frozen=True)
class Dist:
    rank: int = 0
    world_size: int = 1
    local_rank: int = 0

    @property
    def enabled(self) -> bool:
        return self.world_size > 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def from_environment() -> Dist:
    """The rank and world size torchrun gave this process (a single process when none)."""
    try:
        world = int(os.environ.get("WORLD_SIZE", "1"))
        rank = int(os.environ.get("RANK", "0"))
        local = int(os.environ.get("LOCAL_RANK", str(rank)))
    except ValueError:
        return Dist()
    return Dist(rank, world, local) if world > 1 else Dist()


def setup(dist_info: Dist, device: torch.device) -> torch.device:
    """Join the process group (once) and return this process's device."""
    if not dist_info.enabled:
        return device
    import torch.distributed as td

    if device.type == "cuda":
        device = torch.device("cuda", dist_info.local_rank % max(1, torch.cuda.device_count()))
        torch.cuda.set_device(device)
    if not td.is_initialized():
        td.init_process_group("nccl" if device.type == "cuda" else "gloo")
    return device


def all_sum(values: list[float], dist_info: Dist, device: torch.device) -> list[float]:
    """Element-wise sum of ``values`` over all processes."""
    if not dist_info.enabled:
        return values
    import torch.distributed as td

    t = torch.tensor(values, dtype=torch.float64, device=device)
    td.all_reduce(t)
    return t.tolist()


def broadcast_flag(flag: bool, dist_info: Dist, device: torch.device) -> bool:
    """Rank 0's ``flag`` on every process (so all of them save, stop or evaluate at the same step)."""
    if not dist_info.enabled:
        return flag
    import torch.distributed as td

    t = torch.tensor([1 if flag else 0], dtype=torch.int64, device=device)
    td.broadcast(t, 0)
    return bool(t.item())


def gather(obj: Any, dist_info: Dist) -> list[Any]:
    """Every process's ``obj``, in rank order (on every process)."""
    if not dist_info.enabled:
        return [obj]
    import torch.distributed as td

    out: list[Any] = [None] * dist_info.world_size
    td.all_gather_object(out, obj)
    return out


def wrap(module: torch.nn.Module, dist_info: Dist, device: torch.device) -> torch.nn.Module:
    """``module`` under DistributedDataParallel when distributed (parameters broadcast from rank 0)."""
    if not dist_info.enabled:
        return module
    from torch.nn.parallel import DistributedDataParallel

    ids = [device.index] if device.type == "cuda" else None
    return DistributedDataParallel(module, device_ids=ids)
