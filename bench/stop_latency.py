"""Stop latency on the slow paths: the longest stretch between two yields (a Stop waits at most that long)
while a stylization sets up on a big photo (up to its first optimiser step) and while a ~99 MP image is
analysed (all of it).

    python bench/stop_latency.py [--repeats 3]

Prints, for each path, the median over the repeats of the longest gap between yields and of the time to
the first yield, in seconds. docs/architecture.md promises about 0.25 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402


def gaps(gen, limit_s: float, setup_only: bool) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(time to the first yield, longest gap between yields) for up to ``limit_s`` seconds, then Stop.
    ``setup_only``: stop at the first report of real progress (the set-up, up to the first step)."""
    start = last = time.perf_counter()
    first = None
    longest = 0.0
    try:
        for report in gen:
            now = time.perf_counter()
            if first is None:
                first = now - start
            longest = max(longest, now - last)
            last = now
            if now - start > limit_s or (setup_only and not report.message.startswith("setting up")):
                break
    finally:
        gen.close()
    return first or 0.0, longest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    from models.composition.analysis import analyse
    from models.style import StyleConfig, stylize

    rng = np.random.default_rng(0)
    photo = rng.integers(0, 255, (8100, 12200, 3), np.uint8)  # 98.8 MP
    style = rng.integers(0, 255, (1024, 768, 3), np.uint8)
    import torch  # noqa: F401 - imported once, as the window pre-loads it

    paths = {
        "stylize set-up to step 1 (99 MP photo, 1024 px)": lambda: stylize(
            photo, [style], StyleConfig(size=1024, quality="draft")
        ),
        "composition analysis (99 MP)": lambda: analyse(photo),
    }
    print(f"{'path':<48} {'first yield s':>13} {'longest gap s':>13}")
    for name, make in paths.items():
        rows = [gaps(make(), 60.0, setup_only=name.startswith("stylize")) for _ in range(args.repeats)]
        first = statistics.median(r[0] for r in rows)
        longest = statistics.median(r[1] for r in rows)
        print(f"{name:<48} {first:13.2f} {longest:13.2f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
