"""Headless runs on every core, and across processes started by ``torchrun`` (no Qt; torch lazily).

``torchrun --nproc_per_node N -m studio stylize FOLDER STYLE -o OUTDIR`` (and torchrun's multi-node
options) starts N processes with RANK, WORLD_SIZE, LOCAL_RANK and LOCAL_WORLD_SIZE in their environment:
rank r takes every world-size-th file, GPUs go by local rank, the cores of a machine are shared by the
processes on it, and rank 0 prints the summary of all of them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True)
class Workers:
    rank: int = 0
    world: int = 1
    local_rank: int = 0
    local_world: int = 1

    @classmethod
    def from_env(cls) -> Workers:
        world = max(1, _env_int("WORLD_SIZE", 1))
        rank = min(max(0, _env_int("RANK", 0)), world - 1)
        local_world = max(1, _env_int("LOCAL_WORLD_SIZE", world if world > 1 else 1))
        local_rank = max(0, _env_int("LOCAL_RANK", 0))
        return cls(rank, world, local_rank, local_world)

    @property
    def distributed(self) -> bool:
        return self.world > 1

    def share(self, items: list[Any]) -> list[Any]:
        """This process's share: every world-size-th item, starting at its rank."""
        return items[self.rank :: self.world]

    def threads(self) -> int:
        """Headless, torch may use every core; processes on one machine split its cores. OMP_NUM_THREADS,
        when set (torchrun sets 1 unless told otherwise), is the user's word and wins."""
        wanted = _env_int("OMP_NUM_THREADS", 0)
        if wanted > 0:
            return wanted
        return max(1, (os.cpu_count() or 1) // self.local_world)

    def pick_gpu(self, device: str) -> None:
        """With CUDA in use, each process on a machine takes the GPU of its local rank."""
        if device == "cpu":
            return
        import torch

        if torch.cuda.is_available():
            torch.cuda.set_device(self.local_rank % torch.cuda.device_count())

    def gather(self, counts: dict[str, int]) -> dict[str, int]:
        """The counts of all processes added up (every process must call this; a one-process run
        returns its own). Uses torch.distributed over gloo, set up from torchrun's environment."""
        if not self.distributed:
            return dict(counts)
        import torch.distributed as dist

        if not dist.is_initialized():
            dist.init_process_group("gloo", rank=self.rank, world_size=self.world)
        parts: list[Any] = [None] * self.world
        dist.all_gather_object(parts, counts)
        dist.destroy_process_group()
        total: dict[str, int] = {}
        for part in parts:
            for key, value in part.items():
                total[key] = total.get(key, 0) + value
        return total
