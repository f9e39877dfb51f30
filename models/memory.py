"""How much memory the machine can give a job, and a check to run before a large allocation (torch-free).

Every size a user controls (a sample count, an upsampling size, a line width, an architecture in a
sidecar) is estimated in bytes and compared with what the machine has, so that a request that cannot fit
gets one clear line instead of minutes of swapping and a MemoryError.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["MemoryLimitError", "available_bytes", "check_fits", "format_bytes"]

#: Share of the available memory one request may plan to use (the app, the OS and other jobs keep the rest).
SHARE = 0.8


class MemoryLimitError(ValueError):
    """A request that would need more memory than the machine has; the message says how much of each."""


def available_bytes() -> int | None:
    """Memory available to new allocations now (Linux ``MemAvailable``), else physical memory, else None."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return None


def format_bytes(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if abs(n) < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"


def check_fits(needed: float, what: str, hint: str = "") -> None:
    """Raise :class:`MemoryLimitError` when ``needed`` bytes exceed the share of memory a request may use."""
    have = available_bytes()
    if have is None:
        return
    if needed > SHARE * have:
        tail = f"; {hint}" if hint else ""
        raise MemoryLimitError(
            f"{what} needs about {format_bytes(needed)} of memory, more than this machine has free "
            f"({format_bytes(have)}){tail}"
        )
