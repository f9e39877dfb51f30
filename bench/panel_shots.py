"""Screenshots of the main window with each panel in front, at laptop and desktop sizes, to check that
every panel's main action is in view without scrolling.

    .venv/bin/python bench/panel_shots.py [--out DIR] [--sizes 1280x760,1920x1040] [--photo astronaut.png]

The sizes are the window's (a 1280×800 screen leaves about 1280×760 under a title bar). Renders offscreen;
writes DIR/<size>-<panel>.png and prints, for each panel, whether its main button is fully visible.
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

use_throwaway_profile("atelier-shots-")

#: The button each panel exists for (attribute names on the panel).
MAIN_ACTIONS = {
    "Stylize": "stylize_button",
    "GAN": "refresh_button",
    "Palette": "extract_button",
    "Composition": "analyse_button",
}


def settle(app, window, seconds: float = 0.3) -> None:
    start = time.monotonic() + 0.8  # let what the raise started (the GAN's first samples) begin
    while time.monotonic() < start:
        app.processEvents()
        time.sleep(0.01)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and any(j.is_running for j in window.ctx.runner.jobs):
        app.processEvents()
        time.sleep(0.01)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "docs" / "shots"))
    parser.add_argument("--sizes", default="1280x760,1920x1040")
    parser.add_argument("--photo", default="astronaut.png")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtWidgets import QDockWidget, QMessageBox

    from studio.app import create_app
    from studio.resources import EXAMPLES

    app = create_app()
    from studio.main_window import MainWindow

    window = MainWindow()
    window.ask_unsaved = lambda: QMessageBox.StandardButton.Discard
    window.show()
    window.open_paths([str(EXAMPLES / args.photo)])
    settle(app, window)
    docks = {d.windowTitle(): d for d in window.findChildren(QDockWidget)}
    for size in args.sizes.split(","):
        w, h = (int(v) for v in size.split("x"))
        window.resize(w, h)
        settle(app, window)
        for title, attr in MAIN_ACTIONS.items():
            if title not in docks:
                continue
            docks[title].raise_()
            settle(app, window)
            panel = window.panels[title]
            button = getattr(panel, attr, None)
            visible = "?"
            if button is not None:
                scroller = docks[title].widget()
                viewport = scroller.viewport() if hasattr(scroller, "viewport") else scroller
                top_left = button.mapTo(viewport, button.rect().topLeft())
                bottom = top_left.y() + button.height()
                visible = "in view" if 0 <= top_left.y() and bottom <= viewport.height() else "NOT in view"
            path = out / f"{w}x{h}-{title.lower()}.png"
            window.grab().save(str(path))
            print(f"{w}x{h} {title:<12} main action {attr}: {visible}  → {path}")
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
