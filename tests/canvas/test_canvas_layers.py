"""The canvas follows the document field by field: a layer's opacity or visibility repaints from the cached
layer images; only a new layer is converted, and a new base image rebuilds everything."""

import numpy as np
import pytest

from studio.state.document import Document, Layer

pytestmark = pytest.mark.gui


def _keys(canvas):
    return [image.cacheKey() for _layer, image in canvas._layers]


def test_opacity_and_visibility_reuse_the_layer_images(qtbot):
    from studio.canvas.view import CanvasView

    canvas = CanvasView()
    qtbot.addWidget(canvas)
    canvas.resize(200, 150)
    doc = Document(np.zeros((300, 400, 3), np.uint8))
    doc.insert_layer(Layer("a", np.full((300, 400, 3), 90, np.uint8)))
    canvas.set_document(doc)
    canvas.grab()  # a paint builds the pyramid levels
    before, pyramids = _keys(canvas), dict(canvas._pyramids)
    assert pyramids
    doc.set_opacity(0, 0.3)
    doc.set_visible(0, False)
    assert _keys(canvas) == before and canvas._pyramids == pyramids
    assert not canvas.can_compare  # the only layer is hidden
    doc.set_visible(0, True)
    doc.insert_layer(Layer("b", np.full((300, 400, 3), 200, np.uint8)))
    after = _keys(canvas)
    assert after[0] == before[0] and len(after) == 2 and after[1] != before[0]
    doc.replace_image(np.ones((300, 400, 3), np.uint8))  # a crop: everything is new
    assert canvas._layers == [] and canvas._pyramids == {}
