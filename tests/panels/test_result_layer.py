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


def test_a_large_picture_opens_with_its_display_made_in_a_worker(qtbot, ctx, monkeypatch, tmp_path):
    """Opening a large image: the display pyramid is made in the job runner and the canvas wraps the
    document's own pixels; the UI thread neither converts (array_to_qimage, ~150 ms of GIL on 24 MP)
    nor halves the picture."""
    from PIL import Image

    import studio.canvas.view as view_mod
    import studio.context as context_mod

    monkeypatch.setattr(context_mod, "FIT_IN_WORKER_PIXELS", 100)  # this 600×400 picture counts as large
    threads: list[str] = []
    real_pyramid = context_mod.pyramid_arrays
    monkeypatch.setattr(
        context_mod,
        "pyramid_arrays",
        lambda p: threads.append(threading.current_thread().name) or real_pyramid(p),
    )
    on_ui: list[str] = []
    real_convert, real_half = view_mod.array_to_qimage, view_mod.half_level
    monkeypatch.setattr(view_mod, "array_to_qimage", lambda p: on_ui.append("convert") or real_convert(p))
    monkeypatch.setattr(view_mod, "half_level", lambda i: on_ui.append("halve") or real_half(i))
    pixels = np.zeros((400, 600, 3), np.uint8)
    pixels[...] = (30, 160, 90)
    path = tmp_path / "big.png"
    Image.fromarray(pixels).save(path)
    ctx.canvas.resize(160, 160)
    job = ctx.open_path(path)
    with qtbot.waitSignal(job.finished, timeout=10000):
        pass
    assert ctx.document() is not None and ctx.document().size == (600, 400)
    assert threads and threads[0] != threading.main_thread().name
    assert ctx.canvas.scale < 0.5  # fitted: drawn from a level made in the worker
    colour = ctx.canvas.grab().toImage().pixelColor(80, 80)
    assert on_ui == []
    assert abs(colour.red() - 30) <= 3 and abs(colour.green() - 160) <= 3 and abs(colour.blue() - 90) <= 3
