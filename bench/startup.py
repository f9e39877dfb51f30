"""Time from a fresh interpreter to the main window shown (offscreen), median of several runs.

.venv/bin/python bench/startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = r"""
import time, sys
t0 = time.perf_counter()
from studio.app import create_app
app = create_app()
from studio.main_window import MainWindow
w = MainWindow(); w.show(); app.processEvents()
t1 = time.perf_counter()
print(f"{t1 - t0:.4f} {'torch' in sys.modules}")
w.close()
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    shown, total = [], []
    for _ in range(args.runs):
        import time

        t = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
        )
        total.append(time.perf_counter() - t)
        secs, torch_loaded = out.stdout.split()[-2:]
        shown.append(float(secs))
    print(
        f"window shown after imports+build: median {statistics.median(shown) * 1000:.0f} ms "
        f"(min {min(shown) * 1000:.0f}, max {max(shown) * 1000:.0f}); torch imported at start-up: {torch_loaded}"
    )
    print(f"whole process incl. interpreter start and exit: median {statistics.median(total) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
