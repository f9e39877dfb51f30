"""Render the main window offscreen to docs/screenshot.png: a photo stylized after a bundled painting,
shown as a before/after split, with the rule-of-thirds guide and the Stylize panel.

    .venv/bin/python bench/screenshot.py [--out docs/screenshot.png] [--quality draft]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from _profile import use_throwaway_profile  # noqa: E402  (bench/ is on the path when run as a script)

use_throwaway_profile("atelier-shot-")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshot.png"))
    parser.add_argument("--quality", default="draft")
    parser.add_argument("--photo", default="chelsea.png")
    parser.add_argument("--style", default="hokusai_great_wave.jpg")
    args = parser.parse_args()

    from studio.app import create_app
    from studio.resources import EXAMPLES, STYLES

    app = create_app()
    from studio.main_window import MainWindow

    window = MainWindow()
    window.resize(1440, 900)
    window.show()

    def pump(seconds: float, until=None) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end and not (until and until()):
            app.processEvents()
            time.sleep(0.02)

    window.open_paths([str(EXAMPLES / args.photo)])
    pump(10, lambda: window.ctx.document() is not None)
    panel = window.panels["Stylize"]
    panel.controls.quality_combo.setCurrentIndex(panel.controls.quality_combo.findData(args.quality))
    job = panel.start([str(STYLES / args.style)])
    pump(600, lambda: not job.is_running)
    pump(0.5)
    window.canvas.set_compare(True)
    window.canvas.set_split(0.45)
    window.panels["Composition"].guide.update(kind="thirds", visible=True)
    pump(0.5)
    window.grab().save(args.out)
    print(f"wrote {args.out}")
    from PySide6.QtWidgets import QMessageBox

    window.ask_unsaved = lambda: QMessageBox.StandardButton.Discard  # a benchmark keeps nothing
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
