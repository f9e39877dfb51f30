"""Peak memory and time of one step of a print size's last scale, for a choice of tile cores.

A whole Draft run at 6000 px takes half an hour on 2 cores; this runs only a 512 px scale and then the
print size itself (its tiles prepared, then one Adam step over all of them), each core size in a fresh
subprocess, and prints the peak resident memory (VmHWM), wall time, user and system CPU time and the
minor page faults. It is how the tile core (models/style/tiles.py) was chosen; whole runs
(bench/style_bench.py --memory-child N) are what the memory estimate is calibrated on.

    .venv/bin/python bench/style_tile_probe.py [--size 4096] [--cores 1024,768,640,512] [--thread]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def child(size: int, core: int, in_thread: bool) -> None:
    import numpy as np
    import torch

    import models.style.tiles as tiles
    import models.style.transfer as transfer
    from models.progress import drive
    from models.style import StyleConfig
    from studio.io.images import load_image
    from studio.resources import EXAMPLES, STYLES

    tiles.TILE_CORE = core
    transfer.scale_plan = lambda long_side, preset: [(512, 2), (size, 1)]  # type: ignore[assignment]
    torch.set_num_threads(os.cpu_count() or 1)
    content = np.asarray(load_image(EXAMPLES / "chelsea.png").pixels)
    style = np.asarray(load_image(STYLES / "picabia_udnie.jpg").pixels)
    before = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    threads = max(1, (os.cpu_count() or 1) - (1 if in_thread else 0))  # the window keeps a core for its UI
    config = StyleConfig(size=size, quality="draft")
    if in_thread:  # as the window runs it: on a worker thread (glibc gives it its own malloc arena)
        worker = threading.Thread(
            target=lambda: drive(transfer.stylize(content, [style], config, threads=threads))
        )
        worker.start()
        worker.join()
    else:
        drive(transfer.stylize(content, [style], config, threads=threads))
    after = resource.getrusage(resource.RUSAGE_SELF)
    w, h = transfer.fit_long_side(content.shape[1], content.shape[0], size)
    with open("/proc/self/status") as f:
        hwm = next(int(line.split()[1]) for line in f if line.startswith("VmHWM:")) / 1024**2
    print(
        json.dumps(
            {
                "size": size,
                "core": core,
                "worker_thread": in_thread,
                "tiles": len(tiles.tile_grid(h, w)),
                "peak_gib": round(hwm, 2),
                "wall_s": round(time.perf_counter() - t0, 1),
                "user_s": round(after.ru_utime - before.ru_utime, 1),
                "sys_s": round(after.ru_stime - before.ru_stime, 1),
                "minor_faults_m": round((after.ru_minflt - before.ru_minflt) / 1e6, 1),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=4096)
    parser.add_argument("--cores", default="1024,768,640,512")
    parser.add_argument("--thread", action="store_true", help="run on a worker thread, as the window does")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.size, args.child, args.thread)
        return
    for core in (int(c) for c in args.cores.split(",") if c):
        cmd = [sys.executable, __file__, "--size", str(args.size), "--child", str(core)]
        cmd += ["--thread"] if args.thread else []
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        print(out.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()
