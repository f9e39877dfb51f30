"""Starts of the window as ``studio.app.main`` does them, with the torch warm-up racing the first palette.

    python tests/startup/race_start.py IMAGE [STARTS]

The Qt, numpy and app modules are imported once; then each start is a forked child that builds the
application and the window, submits the warm-up at once (instead of after ``WARMUP_DELAY_MS``) and opens
the image, whose automatic palette extraction is the first use of scikit-learn and SciPy. Each child
reports OK (a palette, torch imported, nothing reported) or FAIL with what was reported. Prints one line
per start and a summary ``N passed, M failed``; exits 0 only when every start passed.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

# What a start imports before it can race; scikit-learn, SciPy's stats and torch stay for the child.
import numpy  # noqa: E402, F401
from PySide6 import QtCore, QtGui, QtWidgets  # noqa: E402, F401

import studio.main_window  # noqa: E402, F401
from studio.app import create_app  # noqa: E402

assert "sklearn" not in sys.modules and "torch" not in sys.modules and "scipy.stats" not in sys.modules


def one_start(image: str) -> int:
    app = create_app()
    from studio.main_window import MainWindow

    window = MainWindow()
    reports: list[str] = []
    window.ctx.reporter.reported.connect(
        lambda title, message, _details: reports.append(f"{title}: {message}")
    )
    window.show()
    window.warm_up_torch()
    window.open_paths([image])
    palette = window.panels["Palette"]
    deadline = time.monotonic() + 60
    app.processEvents()
    while time.monotonic() < deadline and not reports:
        app.processEvents()
        if palette.state.swatches and not any(job.is_running for job in window.ctx.runner.jobs):
            break
        time.sleep(0.005)
    imported = "torch" in sys.modules and hasattr(sys.modules["torch"], "Tensor")
    swatches = len(palette.state.swatches)
    window.close()
    if reports or not swatches or not imported:
        print(f"FAIL swatches={swatches} torch={imported} reports={reports}", flush=True)
        return 1
    print(f"OK {swatches} colours", flush=True)
    return 0


def main(image: str, starts: int) -> int:
    passed = failed = 0
    for _ in range(starts):
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:  # the child: one whole start, then out without running the parent's clean-up
            code = 1
            try:
                code = one_start(image)
            finally:
                sys.stdout.flush()
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) == 0:
            passed += 1
        else:
            failed += 1
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1))
