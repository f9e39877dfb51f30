"""A result on a large picture is resized and made ready for display in the job runner, not on the UI
thread (issue 13: a 4 s freeze at the end of a stylization of an 8000×6000 photo)."""

from __future__ import annotations

import threading

import numpy as np
import pytest

pytestmark = pytest.mark.gui


def test_large_picture_fits_the_result_in_a_worker(qtbot, ctx, monkeypatch):
    import studio.context as context_mod

    monkeypatch.setattr(context_mod, "FIT_IN_WORKER_PIXELS", 100)  # this 60×40 picture counts as large
    threads: list[str] = []
    real_fit = context_mod._fit_to
    monkeypatch.setattr(
        context_mod, "_fit_to", lambda p, d: threads.append(threading.current_thread().name) or real_fit(p, d)
    )
    ctx.open_array(np.zeros((40, 60, 3), np.uint8), "big")
    job = ctx.add_result_layer("Stylized", np.full((20, 30, 3), 200, np.uint8), {"style": "x"})
    assert job is not None and ctx.document().layers == []  # not yet: the UI thread did no resize
    with qtbot.waitSignal(job.finished, timeout=10000):
        pass
    (layer,) = ctx.document().layers
    assert layer.image.shape[:2] == (40, 60) and layer.provenance == {"style": "x"}
    assert threads and threads[0] != threading.main_thread().name
    # The canvas took the worker's display image and pyramid instead of converting on the UI thread.
    (image,) = [img for _layer, img in ctx.canvas._layers]
    assert image.cacheKey() in ctx.canvas._pyramids
    ctx.undo_stack.undo()
    assert ctx.document().layers == []


def test_small_picture_adds_the_layer_at_once(ctx):
    ctx.open_array(np.zeros((40, 60, 3), np.uint8), "small")
    assert ctx.add_result_layer("Stylized", np.full((20, 30, 3), 200, np.uint8)) is None
    assert ctx.document().layers[0].image.shape[:2] == (40, 60)


@pytest.mark.parametrize("channels", [3, 4])
def test_the_prepared_display_images_draw_the_right_colours(qtbot, ctx, monkeypatch, channels):
    import studio.context as context_mod

    monkeypatch.setattr(context_mod, "FIT_IN_WORKER_PIXELS", 100)
    ctx.canvas.resize(160, 160)
    ctx.open_array(np.zeros((600, 600, 3), np.uint8), "big")
    result = np.zeros((300, 300, channels), np.uint8)
    result[..., :3] = (200, 60, 20)
    if channels == 4:
        result[..., 3] = 128  # half transparent over black: premultiplied levels must not darken it twice
    job = ctx.add_result_layer("Stylized", result)
    with qtbot.waitSignal(job.finished, timeout=10000):
        pass
    ctx.canvas.fit_to_window()
    assert ctx.canvas.scale < 0.5  # drawn from a pyramid level made in the worker
    (image,) = [img for _layer, img in ctx.canvas._layers]
    assert len(ctx.canvas._pyramids[image.cacheKey()]) > 1
    colour = ctx.canvas.grab().toImage().pixelColor(80, 80)
    want = (200, 60, 20) if channels == 3 else (100, 30, 10)
    assert (
        abs(colour.red() - want[0]) <= 3
        and abs(colour.green() - want[1]) <= 3
        and abs(colour.blue() - want[2]) <= 3
    )
