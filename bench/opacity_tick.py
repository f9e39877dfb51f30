"""UI time per tick of a layer's opacity slider: a 24 MP photo with 4 result layers, the canvas painted.

One tick = the Layers panel's slider moves one step (the value goes through the undo stack into the
document) and the canvas repaints synchronously at fit-to-window, as the user sees it. Prints the median and
the 90th percentile over the ticks, after a few warm-up ticks (the first paint builds the pyramid levels).
Visibility toggles are timed too. Target: median ≤ 8 ms.

    .venv/bin/python bench/opacity_tick.py [--width 6000 --height 4000] [--layers 4] [--ticks 40]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=6000)
    parser.add_argument("--height", type=int, default=4000)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--ticks", type=int, default=40)
    args = parser.parse_args()

    from studio.canvas.view import CanvasView
    from studio.context import AppContext
    from studio.widgets.layers_panel import LayersPanel

    app = QApplication.instance() or QApplication([])
    canvas = CanvasView()
    canvas.resize(1000, 700)
    canvas.show()
    ctx = AppContext(canvas)
    layers = LayersPanel(ctx)
    layers.show()
    rng = np.random.default_rng(0)
    h, w = args.height, args.width
    base = np.empty((h, w, 3), np.uint8)
    base[...] = rng.integers(0, 256, (1, w, 3), dtype=np.uint8)
    ctx.open_array(base, "photo")
    for i in range(args.layers):
        layer = np.roll(base, 97 * (i + 1), axis=1)
        ctx.add_result_layer(f"layer {i}", layer)  # on a large picture the layer arrives from a job
    while len(ctx.document().layers) < args.layers:
        app.processEvents()
        time.sleep(0.01)
    app.processEvents()
    layers.list.setCurrentRow(0)  # the top layer
    canvas.repaint()

    def timed(action) -> float:
        start = time.perf_counter()
        action()
        canvas.repaint()
        app.processEvents()
        return 1000.0 * (time.perf_counter() - start)

    warm = 3
    ticks = []
    for i in range(args.ticks + warm):
        value = 100 - (i % 50)
        ms = timed(lambda v=value: layers.opacity.setValue(v))
        if i >= warm:
            ticks.append(ms)
    toggles = []
    for i in range(10):
        ms = timed(lambda c=bool(i % 2): layers.visible_box.setChecked(c))
        toggles.append(ms)
    ticks.sort()
    assert layers.opacity.isEnabled() and len(ctx.document().layers) == args.layers
    print(f"{w}×{h} px ({w * h / 1e6:.0f} MP), {args.layers} layers, canvas 1000×700 at fit")
    print(
        f"opacity tick: median {statistics.median(ticks):.1f} ms, "
        f"p90 {ticks[int(0.9 * (len(ticks) - 1))]:.1f} ms, max {ticks[-1]:.1f} ms over {len(ticks)} ticks"
    )
    print(f"visibility toggle: median {statistics.median(toggles):.1f} ms over {len(toggles)}")
    ctx.runner.shutdown(5000)


if __name__ == "__main__":
    main()
