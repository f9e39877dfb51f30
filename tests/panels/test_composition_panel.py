"""The Composition panel: guide settings persist, O / Shift+O, analysis in the runner, crop Apply/Undo."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QMenu, QToolBar

pytestmark = pytest.mark.gui


@pytest.fixture
def panel(qtbot, ctx):
    from studio.panels.composition_panel import CompositionPanel

    p = CompositionPanel(ctx)
    qtbot.addWidget(p)
    return p


def _picture() -> np.ndarray:
    rng = np.random.default_rng(0)
    img = np.repeat(rng.normal(110, 5, (120, 180, 1)).clip(0, 255), 3, axis=2).astype(np.uint8)
    yy, xx = np.mgrid[:120, :180]
    img[(xx - 90) ** 2 + (yy - 60) ** 2 <= 100] = (230, 40, 30)
    return img


def test_registered_in_panels():
    from studio.panels import PANELS

    assert ("Composition", "studio.panels.composition_panel", "CompositionPanel") in PANELS


def test_settings_persist_in_preferences(qtbot, ctx, panel):
    from studio.panels.composition_panel import CompositionPanel
    from studio.state import preferences as prefs_mod

    panel.guide.update(kind="golden-spiral", flip_h=True, colour="#ff8800", visible=True)
    # Written a moment later (debounced). waitUntil treats a None result as success: return a real bool.
    qtbot.waitUntil(
        lambda: bool(
            prefs_mod.load_preferences()[0].sections.get("composition", {}).get("guide", {}).get("flip_h")
        )
    )
    saved, _problem = prefs_mod.load_preferences()
    assert saved.sections["composition"]["guide"]["kind"] == "golden-spiral"
    again = CompositionPanel(ctx)
    qtbot.addWidget(again)
    assert (again.guide.kind, again.guide.flip_h, again.guide.colour) == ("golden-spiral", True, "#ff8800")


def test_menu_toolbar_and_shortcuts(qtbot, panel):
    menu, toolbar = QMenu(), QToolBar()
    panel.contribute_actions(menu, toolbar)
    guides_menu = next(a.menu() for a in menu.actions() if a.text() == "Guides")
    titles = [a.text() for a in guides_menu.actions()]
    assert "Golden spiral" in titles and "Dynamic symmetry" in titles
    assert panel.actions.cycle_action.shortcut().toString() == "O"
    assert panel.actions.flip_action.shortcut().toString() == "Shift+O"
    panel.guide.update(kind="thirds", visible=False)
    panel.actions.cycle_action.trigger()
    assert panel.guide.visible and panel.guide.kind == "thirds"
    panel.actions.cycle_action.trigger()
    assert panel.guide.kind == "fifths"
    assert panel.actions.kind_actions["fifths"].isChecked()
    panel.actions.kind_actions["golden-spiral"].trigger()
    assert panel.guide.kind == "golden-spiral"
    panel.actions.flip_action.trigger()
    assert (panel.guide.flip_h, panel.guide.flip_v) == (True, False)
    panel.actions.show_action.trigger()
    assert not panel.guide.visible


def test_form_follows_the_model(panel):
    panel.guide.update(kind="grid", grid_cols=7)
    from studio.panels.composition.guide_form import GuideForm

    form = panel.findChild(GuideForm)
    assert form.kind_combo.currentData() == "grid" and form.cols_spin.value() == 7
    form.opacity_slider.setValue(40)
    assert panel.guide.opacity == pytest.approx(0.4)


def test_analysis_crop_apply_and_undo(qtbot, ctx, panel):
    ctx.open_array(_picture(), "blob")
    job = panel.start_analysis()
    with qtbot.waitSignal(job.finished, timeout=20000):
        pass
    assert panel.analysis is not None and panel.analysis.subject is not None
    assert "•" in panel.message.text()
    panel.heatmap_box.setChecked(True)
    assert panel.heatmap.visible and panel.heatmap.saliency is not None
    panel.crop_combo.setCurrentText("1:1")
    panel.propose_button.click()
    x, y, w, h = panel.crop.rect
    assert w == h and panel.apply_button.isEnabled()
    panel.apply_button.click()
    assert ctx.document().size == (w, h)
    assert panel.crop.rect is None and panel.analysis is None  # stale results are dropped
    ctx.undo_stack.undo()
    assert ctx.document().size == (180, 120)


def test_dismiss_clears_the_proposal(qtbot, ctx, panel):
    ctx.open_array(_picture(), "blob")
    job = panel.start_analysis()
    with qtbot.waitSignal(job.finished, timeout=20000):
        pass
    panel.propose_button.click()
    assert panel.crop.rect is not None
    panel.dismiss_button.click()
    assert panel.crop.rect is None and not panel.apply_button.isEnabled()


def test_without_a_document_nothing_runs(panel, ctx):
    assert panel.start_analysis() is None
    assert not panel.analyse_button.isEnabled()


def test_the_proposed_frame_can_be_dragged_before_apply(qtbot, ctx, panel):
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    ctx.open_array(_picture(), "blob")
    job = panel.start_analysis()
    with qtbot.waitSignal(job.finished, timeout=20000):
        pass
    panel.crop_combo.setCurrentText("1:1")
    panel.propose_button.click()
    canvas = ctx.canvas
    canvas.fit_to_window()
    x, y, w, h = panel.crop.rect
    small = (x, y, w // 2, h // 2)
    panel.crop.propose(small, "1:1")
    r = canvas.image_rect()
    s = canvas.scale

    def at(ix, iy):
        return QPoint(round(r.x() + ix * s), round(r.y() + iy * s))

    # Grab inside the frame and drag it right: it moves, the canvas does not pan.
    view_before = canvas.view
    start = at(small[0] + small[2] / 2, small[1] + small[3] / 2)
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(canvas, start + QPoint(round(20 * s), 0))
    QTest.mouseRelease(
        canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start + QPoint(round(20 * s), 0)
    )
    moved = panel.crop.rect
    assert moved[0] == pytest.approx(small[0] + 20, abs=2) and moved[2:] == small[2:]
    assert canvas.view == view_before
    # Grab the bottom-right corner and pull it out: it grows, still square.
    corner = at(moved[0] + moved[2], moved[1] + moved[3])
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, corner)
    QTest.mouseMove(canvas, corner + QPoint(round(10 * s), round(10 * s)))
    QTest.mouseRelease(
        canvas,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        corner + QPoint(round(10 * s), round(10 * s)),
    )
    grown = panel.crop.rect
    assert grown[2] == grown[3] and grown[2] > moved[2]
    panel.apply_button.click()
    assert ctx.document().size == (grown[2], grown[3])
    # After the crop the view shows the whole (smaller) picture again, centred.
    r2 = canvas.image_rect()
    assert r2.center().x() == pytest.approx(canvas.width() / 2, abs=2)
    assert r2.center().y() == pytest.approx(canvas.height() / 2, abs=2)
