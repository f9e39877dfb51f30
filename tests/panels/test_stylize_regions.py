"""The Stylize panel's regions: paint, erase and undo a mask on the canvas, a rectangle, the subject, and a
stylization that keeps the photo outside the mask."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QRect, Qt

from studio.resources import STYLES

pytestmark = pytest.mark.gui


def _wait_idle(qtbot, ctx, timeout=60000):
    qtbot.waitUntil(lambda: not any(j.is_running for j in ctx.runner.jobs), timeout=timeout)


def _photo(ctx, h=24, w=32):
    yy, xx = np.mgrid[0:h, 0:w]
    img = np.stack([xx * 8, yy * 10, np.full_like(xx, 90)], -1).astype(np.uint8)
    ctx.open_array(img, "photo")
    return img


def _where(panel, key):
    panel.region.where_combo.setCurrentIndex(panel.region.where_combo.findData(key))


def test_brush_eraser_and_undo_paint_the_mask_on_the_canvas(qtbot, ctx, stylize_panel):
    panel = stylize_panel
    _photo(ctx, 60, 80)
    canvas = ctx.canvas
    _where(panel, "paint")
    assert canvas.tool == "paint"
    panel.region.size_slider.setValue(10)
    # a real drag on the canvas, from the picture's left edge to its middle, at mid height
    rect = canvas.image_rect()
    y = rect.top() + rect.height() * 0.5
    start, end = QPointF(rect.left() + 2, y), QPointF(rect.left() + rect.width() * 0.5, y)
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=start.toPoint())
    qtbot.mouseMove(canvas, pos=end.toPoint())
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=end.toPoint())
    mask = panel.region_editor.mask.pixels
    assert mask[30, 5] == 255 and mask[30, 35] == 255  # under the stroke
    assert mask[5, 70] == 0 and mask[55, 5] == 0  # away from it
    assert 0 < mask[30 - 8, 20] < 255  # the soft edge
    panel.region.eraser_button.click()
    ctx.canvas.stroke_point.emit(20.0, 30.0, True)
    assert panel.region_editor.mask.pixels[30, 20] == 0
    panel.region.undo_button.click()  # the eraser dab goes
    assert panel.region_editor.mask.pixels[30, 20] == 255
    panel.region.undo_button.click()  # then the stroke
    assert panel.region_editor.mask.is_empty


def test_rectangle_mask_keeps_the_photo_outside(qtbot, ctx, stylize_panel):
    panel = stylize_panel
    photo = _photo(ctx)
    _where(panel, "rect")
    assert ctx.canvas.tool == "select_rect"
    assert panel.start([str(STYLES / "picabia_udnie.jpg")]) is None  # nothing chosen yet
    assert "The mask is empty" in panel.message.text()
    ctx.canvas.region_selected.emit(QRect(0, 0, 16, 24))
    assert (
        panel.region_editor.mask.pixels[:, :16].min() == 255
        and panel.region_editor.mask.pixels[:, 16:].max() == 0
    )
    assert panel.start([str(STYLES / "picabia_udnie.jpg")]) is not None
    _wait_idle(qtbot, ctx)
    layer = ctx.document().layers[0].image
    assert np.array_equal(layer[:, 18:], photo[:, 18:])
    assert np.abs(layer[:, :14].astype(int) - photo[:, :14]).mean() > 10
    assert ctx.document().layers[0].provenance["mask"] == "stylize where white"


def test_subject_and_two_paintings(qtbot, ctx, stylize_panel):
    panel = stylize_panel
    img = np.full((48, 64, 3), 120, np.uint8)
    img[16:32, 24:40] = (240, 30, 30)  # a red square: the subject
    ctx.open_array(img, "subject")
    _where(panel, "subject")
    _wait_idle(qtbot, ctx)
    mask = panel.region_editor.mask.pixels
    assert mask[24, 32] > 200 and mask[2, 2] < 50
    _where(panel, "background")
    _wait_idle(qtbot, ctx)
    assert panel.region_editor.mask.pixels[24, 32] < 50 and panel.region_editor.mask.pixels[2, 2] > 200
    panel.region.second_check.setChecked(True)
    assert panel.start([str(STYLES / "picabia_udnie.jpg")]) is None  # needs two paintings
    assert "select exactly two paintings" in panel.message.text()
    two = [str(STYLES / "picabia_udnie.jpg"), str(STYLES / "hokusai_great_wave.jpg")]
    assert panel.start(two) is not None
    _wait_idle(qtbot, ctx)
    assert ctx.document().layers[0].provenance["mask"] == "regions"


def test_only_a_drawn_mask_shows_the_undo_and_clear_row(stylize_panel):
    region = stylize_panel.region
    shown = set()
    for key in ("whole", "paint", "rect", "subject", "background"):
        _where(stylize_panel, key)
        if region.form.isRowVisible(1):
            shown.add(key)
    assert shown == {"paint", "rect"}  # a found subject has no strokes to undo
