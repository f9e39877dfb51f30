"""The window at a 1280×800 laptop's size: each panel's main action in view, the Layers dock no taller than
its content, and the wheel never changes a control that does not have the focus."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QDockWidget

pytestmark = pytest.mark.gui

MAIN_ACTIONS = {
    "Stylize": "stylize_button",
    "GAN": "refresh_button",
    "Palette": "extract_button",
    "Composition": "analyse_button",
}


def _wheel(widget, dy=-120):
    pos = QPointF(widget.rect().center())
    event = QWheelEvent(
        pos,
        QPointF(widget.mapToGlobal(pos.toPoint())),
        QPoint(0, 0),
        QPoint(0, dy),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def test_each_panels_main_action_is_in_view_at_1280_by_760(qtbot, window):
    window.resize(1280, 760)
    window.ctx.open_array(np.zeros((400, 600, 3), np.uint8), "photo")
    docks = {d.windowTitle(): d for d in window.findChildren(QDockWidget)}
    assert docks["Layers"].height() < 200
    for title, attr in MAIN_ACTIONS.items():
        docks[title].raise_()
        qtbot.wait(30)
        button = getattr(window.panels[title], attr)
        viewport = docks[title].widget().viewport()
        top = button.mapTo(viewport, QPoint(0, 0)).y()
        assert button.isVisible() and 0 <= top and top + button.height() <= viewport.height(), title


def test_layers_list_grows_with_its_layers(qtbot, window):
    layers = window.panels["Layers"]
    window.ctx.open_array(np.zeros((40, 60, 3), np.uint8), "photo")
    empty = layers.list.height()
    for i in range(3):
        window.ctx.add_result_layer(f"layer {i}", np.zeros((40, 60, 3), np.uint8))
    assert layers.list.height() > empty
    assert layers.height() <= layers.layout().sizeHint().height() + 2


def test_the_wheel_scrolls_the_panel_instead_of_changing_an_unfocused_control(qtbot, window):
    window.resize(1280, 600)
    docks = {d.windowTitle(): d for d in window.findChildren(QDockWidget)}
    docks["Stylize"].raise_()
    qtbot.wait(30)
    panel = window.panels["Stylize"]
    combo = panel.controls.quality_combo
    before = combo.currentIndex()
    window.canvas.setFocus()
    _wheel(combo)
    assert combo.currentIndex() == before  # not focused: untouched
    assert combo.focusPolicy() == Qt.FocusPolicy.StrongFocus
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    _wheel(combo, dy=120 if before > 0 else -120)
    assert combo.currentIndex() != before  # focused: the wheel adjusts it


def test_a_fresh_start_opens_on_stylize_and_gan_draws_when_its_tab_is_picked(qtbot, window):
    qtbot.wait(600)  # longer than the GAN's first-draw delay
    stylize, gan = window.panels["Stylize"], window.panels["GAN"]
    assert not stylize.visibleRegion().isEmpty() and gan.visibleRegion().isEmpty()
    assert not any(j.is_running for j in window.ctx.runner.jobs)  # no samples drawn for nobody
    assert gan.page is None and not gan.back_button.isEnabled()
