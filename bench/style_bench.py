"""Speed of style transfer against the cost of one classic (VGG19) iteration, in the same run.

For each size, times one VGG19 forward+backward pass through the classic Gatys layers (a randomly
initialised network: the cost does not depend on the weights) and a full Draft and Balanced stylization
with the default backbone, and prints them as multiples of the VGG19 iteration. Both run on every core,
as the CLI does (``--threads`` to change). Target: Balanced at 512 px (the CLI's default) within 10 VGG19
iterations. ``--memory`` also measures the peak resident memory and the time of whole Draft runs at
2048 px (a 3:2 and a square photo) and at the print sizes in ``--print-sizes`` (3:2; tiled), each in a
subprocess (target < 3 GB); a print size whose estimated time is over ``--max-minutes`` is not run, and its
estimate is printed instead.

    .venv/bin/python bench/style_bench.py [--sizes 256,512,1024] [--device auto] [--memory]
        [--print-sizes 4096,6000] [--max-minutes 30] [--threads N]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from models.device import resolve_device  # noqa: E402
from models.progress import drive  # noqa: E402
from models.style import StyleConfig, stylize  # noqa: E402
from studio.io.images import load_image  # noqa: E402
from studio.resources import EXAMPLES, STYLES  # noqa: E402

CONTENT = EXAMPLES / "chelsea.png"
STYLE = STYLES / "picabia_udnie.jpg"


def _sync(device: str) -> None:
    import torch

    if device == "cuda":
        torch.cuda.synchronize()


def vgg_iteration_s(size: int, device: str, repeats: int = 3) -> float:
    """Median seconds of one VGG19 forward+backward at ``size`` (long side, chelsea's aspect)."""
    import torch

    from models.backbones.vgg import VGG19Features

    net = VGG19Features().to(device).eval().requires_grad_(False)
    net.set_padding("replicate")
    layers = ["relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu4_2", "relu5_1"]
    h = int(round(size * 300 / 451))
    times = []
    for _ in range(repeats):
        x = torch.rand(1, 3, h, size, device=device, requires_grad=True)
        _sync(device)
        t0 = time.perf_counter()
        feats = net.features(x, layers)
        grams = [
            (f.flatten(2)[0] @ f.flatten(2)[0].T / f[0, 0].numel()).square().mean() for f in feats.values()
        ]
        torch.stack(grams).sum().backward()
        _sync(device)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def stylize_s(size: int, quality: str, device: str, threads: int) -> tuple[float, float]:
    """(seconds of a whole stylization, seconds to the first preview)."""
    content = load_image(CONTENT).pixels
    style = load_image(STYLE).pixels
    t0 = time.perf_counter()
    first: list[float] = []

    def on_progress(report: object) -> None:
        if not first and getattr(report, "preview", None) is not None:
            first.append(time.perf_counter() - t0)

    config = StyleConfig(size=size, quality=quality, device=device)
    drive(stylize(content, [style], config, threads=threads), on_progress)
    _sync(device)
    return time.perf_counter() - t0, first[0]


def peak_rss_gb() -> float:
    """Peak resident memory of this process so far: everything, torch's own libraries included.

    VmHWM where there is a /proc (it starts afresh at exec); not ru_maxrss, which on Linux a subprocess
    inherits from its parent (after the speed runs above that is several GB that are not the child's).
    """
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024**2
    except OSError:
        pass
    scale = 1024**3 if sys.platform == "darwin" else 1024**2  # bytes on macOS, KiB elsewhere
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def peak_memory_child(size: int, device: str, content_name: str, threads: int) -> None:
    """Run a whole Draft stylization at ``size`` and print, as JSON, the peak resident memory of the
    process, the floor before any image work (torch imported, backbone loaded), the CPU time in user and
    system mode with the minor page faults of the run (the kernel's share: freed memory faulted in again),
    and CUDA's peak where there is one. The engine's own estimate is printed first, before any work."""
    from models.backbones import load_backbone
    from models.style.budget import estimate

    content = np.asarray(load_image(EXAMPLES / content_name).pixels)
    config = StyleConfig(size=size, quality="draft", device=device)
    est = estimate(content.shape[1], content.shape[0], config, device, threads)
    print(f"Draft at {size} px, estimate {est.describe()} ({threads} threads)", flush=True)
    load_backbone(device=device)
    floor = peak_rss_gb()
    style = load_image(STYLE).pixels
    usage = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    gen = stylize(content, [style], config, threads=threads)
    full_size_steps = 0
    for report in gen:  # to the end: every full-size step and the final image, not just the first step
        full_size_steps += f"({size}×" in report.message or f"×{size})" in report.message
    out = {
        "content": content_name,
        "full_size_steps": full_size_steps,
        "floor_gb": round(floor, 2),
        "rss_gb": round(peak_rss_gb(), 2),
        "seconds": round(time.perf_counter() - t0, 1),
    }
    after = resource.getrusage(resource.RUSAGE_SELF)
    out["user_s"] = round(after.ru_utime - usage.ru_utime, 1)
    out["sys_s"] = round(after.ru_stime - usage.ru_stime, 1)
    out["minor_faults_m"] = round((after.ru_minflt - usage.ru_minflt) / 1e6, 2)
    if device == "cuda":
        import torch

        out["cuda_gb"] = round(torch.cuda.max_memory_allocated() / 1024**3, 2)
    print(json.dumps(out))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="256,512,1024")
    parser.add_argument("--device", default="auto")
    parser.add_argument(
        "--threads", type=int, default=0, help="torch threads (default: every core, as the CLI)"
    )
    parser.add_argument(
        "--memory", action="store_true", help="also measure peak memory at 2048 px and print sizes"
    )
    parser.add_argument("--print-sizes", default="4096,6000")
    parser.add_argument("--max-minutes", type=float, default=30.0)
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--memory-content", default=CONTENT.name, help=argparse.SUPPRESS)
    args = parser.parse_args()
    import torch

    device = resolve_device(args.device)
    threads = args.threads or (os.cpu_count() or 1)  # what the CLI uses: every core
    torch.set_num_threads(threads)
    if args.memory_child:
        peak_memory_child(args.memory_child, device, args.memory_content, threads)
        return
    print(f"device={device} cpu_count={os.cpu_count()} torch_threads={threads} torch={torch.__version__}")
    print(f"{'size':>5} {'VGG19 it s':>10} {'draft s':>8} {'= VGG its':>9} {'balanced s':>10} {'= VGG its':>9} "
          f"{'1st preview s':>13}")  # fmt: skip
    for size in (int(s) for s in args.sizes.split(",") if s):  # --sizes '' with --memory: memory only
        vgg = vgg_iteration_s(size, device)
        draft, _ = stylize_s(size, "draft", device, threads)
        balanced, first = stylize_s(size, "balanced", device, threads)
        print(f"{size:>5} {vgg:>10.2f} {draft:>8.1f} {draft / vgg:>9.1f} {balanced:>10.1f} {balanced / vgg:>9.1f} "
              f"{first:>13.2f}", flush=True)  # fmt: skip
    if args.memory:
        from models.style.budget import estimate

        runs = [(2048, CONTENT.name), (2048, "astronaut.png")]
        runs += [(int(s), CONTENT.name) for s in args.print_sizes.split(",") if s]
        for size, content in runs:
            w, h = load_image(EXAMPLES / content).size
            est = estimate(w, h, StyleConfig(size=size, quality="draft", device=device), device, threads)
            if est.seconds > args.max_minutes * 60:
                print(
                    f"Draft at {size} px: not run, estimate {est.describe()} (over --max-minutes)", flush=True
                )
                continue
            cmd = [sys.executable, __file__, "--device", device, "--memory-child", str(size)]
            cmd += ["--memory-content", content, "--threads", str(threads)]
            result = subprocess.run(cmd, capture_output=True, text=True, check=True)
            print(
                f"Draft at {size} px (estimate {est.describe()}):",
                result.stdout.strip().splitlines()[-1],
                flush=True,
            )


if __name__ == "__main__":
    main()
