"""The guide painter draws at the right pixels at two zoom levels, directly and through the canvas."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from studio.canvas.guide_painter import CropPainter, GuidePainter, HeatmapPainter, contrast_colour
from studio.state.guides import CropOverlay, GuideOverlay, GuideSettings, HeatmapOverlay

pytestmark = pytest.mark.gui


def _qimage_to_array(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    ptr = image.constBits()
    arr = np.frombuffer(ptr, np.uint8).reshape(image.height(), image.bytesPerLine())
    return arr[:, : image.width() * 3].reshape(image.height(), image.width(), 3).copy()


def _paint(painter_obj, size=(420, 300), rect=None, scale=1.0, fill=(128, 128, 128)):
    rect = rect if rect is not None else QRectF(10, 20, 300, 200)
    image = QImage(size[0], size[1], QImage.Format.Format_RGB32)
    image.fill(QColor(*fill))
    qp = QPainter(image)
    painter_obj.paint(qp, rect, scale)
    qp.end()
    return _qimage_to_array(image)


def _changed_columns(arr: np.ndarray, row: int, fill=(128, 128, 128)) -> list[int]:
    return [int(x) for x in np.nonzero(np.abs(arr[row].astype(int) - fill).sum(axis=1) > 30)[0]]


def _clusters(cols: list[int]) -> list[float]:
    groups: list[list[int]] = []
    for c in cols:
        if groups and c - groups[-1][-1] <= 1:
            groups[-1].append(c)
        else:
            groups.append([c])
    return [sum(g) / len(g) for g in groups]


@pytest.mark.parametrize("scale", [1.0, 2.5])
def test_thirds_are_drawn_at_the_right_pixels_at_two_zooms(qapp, scale):
    overlay = GuideOverlay(GuideSettings(kind="thirds", visible=True, line_width=1.0))
    rect = QRectF(10, 20, 120 * scale, 90 * scale)
    arr = _paint(
        GuidePainter(overlay), size=(int(20 + 120 * scale), int(40 + 90 * scale)), rect=rect, scale=scale
    )
    row = int(20 + 10 * scale)  # a row crossed only by the vertical lines
    centres = _clusters(_changed_columns(arr, row))
    expected = [10 + 40 * scale, 10 + 80 * scale]
    assert centres == pytest.approx(expected, abs=1.5)
    col = int(10 + 10 * scale)
    rows = _clusters([int(y) for y in np.nonzero(np.abs(arr[:, col].astype(int) - 128).sum(axis=1) > 30)[0]])
    assert rows == pytest.approx([20 + 30 * scale, 20 + 60 * scale], abs=1.5)
    # Outside the image nothing is drawn.
    assert _changed_columns(arr, 5) == []


def test_lines_read_on_white_and_on_black(qapp):
    overlay = GuideOverlay(GuideSettings(kind="centre", visible=True, colour="#ffffff", opacity=1.0))
    for fill in ((255, 255, 255), (0, 0, 0)):
        arr = _paint(GuidePainter(overlay), fill=fill)
        # Along the vertical centre line (x = 160) both the dark under-line and the light dashes show.
        column = arr[30:210, 159:162].astype(int)
        assert column.min() < 60 and column.max() > 200


def test_hidden_guide_draws_nothing(qapp):
    overlay = GuideOverlay(GuideSettings(kind="thirds", visible=False))
    arr = _paint(GuidePainter(overlay))
    assert (arr == 128).all()


def test_spiral_passes_through_its_first_arc(qapp):
    overlay = GuideOverlay(GuideSettings(kind="golden-spiral", visible=True, opacity=1.0))
    from models.composition import Arc

    rect = QRectF(0, 0, 323.6, 200)
    arc = next(p for p in overlay.primitives((324, 200)) if isinstance(p, Arc))
    mx, my = arc.point_at(arc.start_deg + 45)
    arr = _paint(GuidePainter(overlay), size=(330, 210), rect=rect)
    x, y = int(mx * rect.width()), int(my * rect.height())
    patch = arr[y - 2 : y + 3, x - 2 : x + 3].astype(int)
    assert np.abs(patch - 128).sum(axis=2).max() > 60


def test_painter_repaints_when_the_model_changes(qapp):
    calls = []
    overlay = GuideOverlay()
    painter = GuidePainter(overlay, repaint=lambda: calls.append(1))
    overlay.update(kind="fifths")
    overlay.update(kind="fifths")  # no change, no repaint
    assert calls == [1]
    painter.detach()
    overlay.update(kind="grid")
    assert calls == [1]


def test_contrast_colour():
    assert contrast_colour(QColor("#ffffff")) == QColor(0, 0, 0)
    assert contrast_colour(QColor("#202020")) == QColor(255, 255, 255)


def test_crop_painter_dims_the_outside_only(qapp):
    overlay = CropOverlay()
    overlay.propose((50, 40, 100, 100), "1:1")
    arr = _paint(CropPainter(overlay), rect=QRectF(10, 20, 300, 200), scale=1.0)
    assert arr[30, 30].max() < 110  # outside the crop: dimmed
    assert (arr[20 + 80, 10 + 75] == 128).all()  # inside, away from the thirds: untouched
    overlay.dismiss()
    assert (_paint(CropPainter(overlay)) == 128).all()


def test_heatmap_painter_tints_the_salient_part(qapp):
    overlay = HeatmapOverlay()
    painter = HeatmapPainter(overlay)
    sal = np.zeros((20, 30), np.float32)
    sal[:, 15:] = 1.0
    overlay.set_map(sal)
    overlay.set_visible(True)
    overlay.set_opacity(1.0)
    arr = _paint(painter, rect=QRectF(0, 0, 300, 200), fill=(0, 0, 0))
    assert arr[100, 250, 0] > 200  # red where salient
    assert arr[100, 50].max() < 10  # transparent where not


def test_through_the_canvas_at_two_zooms(qtbot):
    from studio.canvas.view import CanvasView
    from studio.state.document import Document

    canvas = CanvasView()
    qtbot.addWidget(canvas)
    canvas.resize(400, 300)
    canvas.set_document(Document(np.full((90, 120, 3), 128, np.uint8)))
    overlay = GuideOverlay(GuideSettings(kind="thirds", visible=True))
    canvas.add_overlay(GuidePainter(overlay, repaint=canvas.update))
    for zoom in ("actual", "double"):
        canvas.actual_size()
        if zoom == "double":
            canvas.zoom_by(2.0)
        rect, scale = canvas.image_rect(), canvas.scale
        arr = _qimage_to_array(canvas.grab().toImage())
        row = int(rect.y() + 10 * scale)
        inside = [c for c in _changed_columns(arr, row) if rect.left() + 2 < c < rect.right() - 2]
        centres = _clusters(inside)
        expected = [rect.x() + 40 * scale, rect.x() + 80 * scale]
        assert centres == pytest.approx(expected, abs=1.5), zoom


def test_heatmap_is_red_and_strong_where_hot_and_faint_where_cold():
    from studio.canvas.guide_painter import heatmap_image

    sal = np.zeros((20, 20), np.float32)
    sal[5:10, 5:10] = 0.6  # the hottest region after the stretch, though the map never reaches 1
    image = heatmap_image(sal)
    warm = np.zeros((20, 20), np.float32)
    warm[:, :10] = np.linspace(0, 1, 10)[None, :]
    hot, cold = image.pixelColor(7, 7), image.pixelColor(15, 15)
    assert hot.red() > 200 and hot.green() < 80 and hot.alpha() > 200
    assert cold.alpha() == 0
    cool = heatmap_image(warm).pixelColor(3, 5)  # a third of the way up: blue, and already visible
    assert cool.blue() > cool.red() and cool.alpha() > 60
