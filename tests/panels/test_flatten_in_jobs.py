"""Palette Extract, its recolour preview and Composition Analyse flatten a layered picture in the job, not
in the UI thread (seconds on 24 MP), from a snapshot taken when clicked: the result is the one the UI-thread
flatten gave, and an edit made meanwhile does not leak in. The eyedropper composites one pixel."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from models.progress import drive
from studio.state.document import Document, Layer

pytestmark = pytest.mark.gui


def _picture() -> np.ndarray:
    rng = np.random.default_rng(3)
    img = np.repeat(rng.normal(110, 5, (150, 200, 1)).clip(0, 255), 3, axis=2).astype(np.uint8)
    yy, xx = np.mgrid[:150, :200]
    img[(xx - 60) ** 2 + (yy - 70) ** 2 <= 400] = (230, 40, 30)
    return img


def _layer() -> np.ndarray:
    """A half-transparent blue block and a green bar: the composite differs from the base."""
    layer = np.zeros((150, 200, 4), np.uint8)
    layer[20:90, 110:190] = (30, 60, 200, 160)
    layer[110:140, :] = (40, 160, 60, 255)
    return layer


@pytest.fixture
def composites(monkeypatch):
    """Every block the documents composite: (thread, rows)."""
    calls: list[tuple[threading.Thread, int]] = []
    original = Document._composite

    def recording(self, visible, rows, cols, channels):
        calls.append((threading.current_thread(), len(range(*rows.indices(self.image.shape[0])))))
        return original(self, visible, rows, cols, channels)

    monkeypatch.setattr(Document, "_composite", recording)
    return calls


def _panel_over_layers(qtbot, ctx, composites, panel_class):
    """``panel_class(ctx)`` over a picture with a layer, nothing running, no composite recorded yet."""
    panel = panel_class(ctx)
    qtbot.addWidget(panel)
    ctx.open_array(_picture(), "layered")
    _wait_idle(qtbot, ctx)
    ctx.add_result_layer("study", _layer())
    ctx.document().set_opacity(0, 0.8)
    _wait_idle(qtbot, ctx)
    composites.clear()
    return panel, ctx.document()


def _wait_idle(qtbot, ctx):
    qtbot.waitUntil(lambda: not any(j.is_running for j in ctx.runner.jobs), timeout=30000)


def _off_the_ui_thread(composites) -> bool:
    return bool(composites) and threading.main_thread() not in {thread for thread, _ in composites}


def test_palette_extract_flattens_in_the_job(qtbot, ctx, composites):
    from models.palette import extract_palette_steps
    from studio.panels.palette_panel import PalettePanel

    panel, doc = _panel_over_layers(qtbot, ctx, composites, PalettePanel)
    panel.extract_button.click()
    doc.set_visible(0, False)  # an edit right after the click: the job reads the picture as it was
    _wait_idle(qtbot, ctx)
    assert _off_the_ui_thread(composites)
    doc.set_visible(0, True)
    expected = drive(extract_palette_steps(doc.flatten(), panel.config()))
    assert [(s.rgb, round(s.share, 6)) for s in panel.state.swatches] == [
        (c.rgb, round(c.share, 6)) for c in expected.colors
    ]

    # The recolour preview flattens in its job too.
    composites.clear()
    doc.set_opacity(0, 0.7)  # a change drops the cached composite
    previews = []
    ctx.canvas.set_preview = previews.append
    panel.recolor_box.setChecked(True)
    _wait_idle(qtbot, ctx)
    assert previews and previews[-1] is not None
    assert _off_the_ui_thread(composites)
    panel.recolor_box.setChecked(False)


def test_the_eyedropper_composites_one_pixel(qtbot, ctx, composites):
    from studio.panels.palette_panel import PalettePanel

    panel, doc = _panel_over_layers(qtbot, ctx, composites, PalettePanel)
    panel.pick_button.setChecked(True)
    ctx.canvas.pixel_picked.emit(150, 50)  # under the half-transparent blue
    assert composites and all(rows == 1 for _, rows in composites)
    assert panel.state.swatches[-1].rgb == tuple(int(v) for v in doc.flatten()[50, 150, :3])
    panel.pick_button.setChecked(False)


def test_composition_analyse_flattens_in_the_job(qtbot, ctx, composites):
    from models.composition.analysis import AnalysisConfig, analyse
    from studio.panels.composition_panel import CompositionPanel
    from studio.state.guides import FRAME_ASPECTS

    panel, doc = _panel_over_layers(qtbot, ctx, composites, CompositionPanel)
    panel.start_analysis()
    _wait_idle(qtbot, ctx)
    assert _off_the_ui_thread(composites)
    expected = drive(analyse(doc.flatten(), AnalysisConfig(aspects=FRAME_ASPECTS)))
    assert panel.analysis is not None and panel.analysis.to_json() == expected.to_json()


def test_a_snapshot_flattens_the_picture_as_it_was():
    doc = Document(_picture())
    doc.insert_layer(Layer("study", _layer(), opacity=0.6))
    before = doc.flatten().copy()
    doc.set_opacity(0, 0.6)  # drops the cache
    snapshot = doc.snapshot()
    doc.set_visible(0, False)
    doc.insert_layer(Layer("more", np.zeros((150, 200, 4), np.uint8) + 255))
    reports = []
    flat = drive(snapshot.flatten_steps(), reports.append)
    assert np.array_equal(flat, before)
    assert len(reports) >= 2  # a yield between bands: a job can stop a long flatten
    assert all(r.setting_up for r in reports)


def test_one_pixel_composites_as_the_whole():
    base = _picture()
    doc = Document(np.concatenate([base, np.full(base.shape[:2] + (1,), 200, np.uint8)], axis=2))
    doc.insert_layer(Layer("study", _layer(), opacity=0.55))
    doc.insert_layer(Layer("hidden", np.full((150, 200, 4), 255, np.uint8), visible=False))
    points = [(0, 0), (150, 50), (10, 120), (199, 149), (60, 70)]
    got = [doc.pixel(x, y) for x, y in points]
    flat = doc.flatten()
    assert got == [tuple(int(v) for v in flat[y, x]) for x, y in points]
    assert len(got[0]) == 4
