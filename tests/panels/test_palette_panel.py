"""The Palette panel: extraction in the runner (stale jobs superseded), undo, swatch details and clipboard,
eyedropper, region, cross-panel requests, files, saved palettes across restarts, persisted options."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication

pytestmark = pytest.mark.gui

RED, BLUE, CREAM, GREEN = (220, 30, 30), (30, 60, 200), (240, 235, 220), (40, 160, 60)


@pytest.fixture
def panel(qtbot, ctx):
    from studio.panels.palette_panel import PalettePanel

    p = PalettePanel(ctx)
    qtbot.addWidget(p)
    return p


def _picture() -> np.ndarray:
    img = np.zeros((60, 90, 3), np.uint8)
    img[:, :30], img[:, 30:60], img[:, 60:] = RED, BLUE, CREAM
    img[40:, 60:] = GREEN
    return img


def _wait_colors(qtbot, panel, n):
    qtbot.waitUntil(lambda: len(panel.state) == n and panel.running_job("palette") is None, timeout=10000)


def _open(qtbot, ctx, panel, pixels=None):
    panel.auto_box.setChecked(False)
    ctx.open_array(_picture() if pixels is None else pixels, "test")
    qtbot.waitUntil(lambda: len(panel.state) > 0, timeout=10000)
    qtbot.waitUntil(lambda: panel.running_job("palette") is None, timeout=10000)


def test_registered_in_panels():
    from studio.panels import PANELS

    assert ("Palette", "studio.panels.palette_panel", "PalettePanel") in PANELS


def test_extracts_on_open_with_shares_and_closest_harmony(qtbot, ctx, panel):
    panel.count_slider.setValue(4)
    _open(qtbot, ctx, panel)
    _wait_colors(qtbot, panel, 4)
    got = {s.rgb: s.share for s in panel.state.swatches}
    assert set(got) == {RED, BLUE, CREAM, GREEN}
    assert got[RED] == pytest.approx(1 / 3, abs=1e-3)
    assert panel.harmony.closest_label.text().startswith("Closest harmony: ")


def test_slider_recomputes_live_and_supersedes_stale_jobs(qtbot, ctx, panel):
    _open(qtbot, ctx, panel)
    jobs = []
    for value in (2, 3, 4):
        panel.count_slider.setValue(value)
        jobs.append(panel.running_job("palette"))
    _wait_colors(qtbot, panel, 4)
    assert len({id(j) for j in jobs}) == 3  # each move submitted a job with key "palette"
    assert ctx.preferences.sections["palette"]["colors"] == 4


def test_undo_and_redo_palette_edits(qtbot, ctx, panel):
    panel.count_slider.setValue(3)
    _open(qtbot, ctx, panel)
    _wait_colors(qtbot, panel, 3)
    first = panel.state.swatches
    panel.count_slider.setValue(4)
    _wait_colors(qtbot, panel, 4)
    assert panel.message.text().startswith("Palette: 4 colours")
    ctx.palette_undo_stack.undo()
    assert panel.state.swatches == first
    assert panel.message.text() == ""  # it spoke of the palette that the undo took away
    ctx.palette_undo_stack.redo()
    assert len(panel.state) == 4
    panel.swatch_list.swatch_clicked.emit(0)
    panel.swatch_list.set_selected(0)
    panel.remove_button.click()
    assert len(panel.state) == 3
    ctx.palette_undo_stack.undo()
    assert len(panel.state) == 4


def test_swatch_click_copies_hex_and_shows_rgb_hsv_lab(qtbot, ctx, panel):
    panel.count_slider.setValue(4)
    _open(qtbot, ctx, panel)
    _wait_colors(qtbot, panel, 4)
    index = [s.rgb for s in panel.state.swatches].index(RED)
    panel.swatch_list.swatch_clicked.emit(index)
    assert QGuiApplication.clipboard().text() == "#dc1e1e"
    text = panel.message.text()
    assert "RGB 220, 30, 30" in text and "HSV 0°, 86%, 86%" in text and "Lab 47." in text


def test_eyedropper_adds_a_pixel_undoably(qtbot, ctx, panel):
    panel.count_slider.setValue(2)
    _open(qtbot, ctx, panel)
    _wait_colors(qtbot, panel, 2)
    before = len(panel.state)
    panel.pick_button.setChecked(True)
    assert ctx.canvas.tool == "pick"
    ctx.canvas.pixel_picked.emit(70, 50)  # the green corner
    assert panel.state.swatches[-1].rgb == GREEN and len(panel.state) == before + 1
    ctx.canvas.pixel_picked.emit(70, 50)  # already there: not added twice
    assert len(panel.state) == before + 1
    ctx.palette_undo_stack.undo()
    assert len(panel.state) == before
    panel.pick_button.setChecked(False)
    assert ctx.canvas.tool == "pan"


def test_region_from_the_canvas(qtbot, ctx, panel):
    panel.count_slider.setValue(4)
    _open(qtbot, ctx, panel)
    panel.region_button.setChecked(True)
    assert ctx.canvas.tool == "select_rect"
    ctx.canvas.region_selected.emit(QRect(0, 0, 30, 60))  # the red third only
    _wait_colors(qtbot, panel, 1)
    assert panel.state.swatches[0].rgb == RED


def test_palette_requested_by_another_panel(qtbot, ctx, panel):
    panel.count_slider.setValue(4)
    ctx.request_palette(np.full((10, 10, 3), BLUE, np.uint8))
    _wait_colors(qtbot, panel, 1)
    assert panel.state.swatches[0].rgb == BLUE


def test_export_import_and_bad_file_reported(qtbot, ctx, panel, tmp_path):
    panel.count_slider.setValue(3)
    _open(qtbot, ctx, panel)
    _wait_colors(qtbot, panel, 3)
    colors = [s.rgb for s in panel.state.swatches]
    for ext in (".gpl", ".ase", ".kpl", ".css", ".json", ".png"):
        assert panel.files.export_to(tmp_path / f"p{ext}") is not None
    ctx.palette_undo_stack.push(
        __import__("studio.panels.palette.commands", fromlist=["x"]).SetSwatchesCommand(
            panel.state, [], "clear"
        )
    )
    with qtbot.waitSignal(panel.files.import_from(tmp_path / "p.ase").finished, timeout=10000):
        pass  # read in a worker thread
    assert [s.rgb for s in panel.state.swatches] == colors
    bad = tmp_path / "bad.kpl"
    bad.write_bytes(b"junk")
    with qtbot.waitSignal(ctx.reporter.reported) as blocker:
        panel.files.import_from(bad)
    assert "bad.kpl" in blocker.args[1]
    assert [s.rgb for s in panel.state.swatches] == colors  # nothing lost


def test_saved_palettes_survive_a_restart(qtbot, ctx, panel):
    from studio.panels.palette_panel import PalettePanel

    panel.count_slider.setValue(3)
    _open(qtbot, ctx, panel)
    _wait_colors(qtbot, panel, 3)
    colors = panel.state.swatches
    path = panel.files.save_as("Flag")
    assert path.parent == ctx.data_dir() / "palettes" and path.exists()
    fresh = PalettePanel(ctx)  # a new panel reads the shelf from disk
    qtbot.addWidget(fresh)
    assert fresh.files.saved_combo.findText("Flag") >= 0
    fresh.files.load_saved("Flag")
    assert [s.rgb for s in fresh.state.swatches] == [s.rgb for s in colors]


def test_mood_sort_and_harmony_options_persist(qtbot, ctx, panel):
    panel.count_slider.setValue(4)
    _open(qtbot, ctx, panel)
    _wait_colors(qtbot, panel, 4)
    panel.sort_combo.setCurrentText("lightness")
    lights = [
        __import__("models.palette", fromlist=["x"]).rgb_to_lab(np.array(s.rgb, np.uint8))[0]
        for s in panel.state.swatches
    ]
    assert lights == sorted(lights)
    panel.harmony.harmony_combo.setCurrentText("triadic")
    panel.harmony.wheel_combo.setCurrentText("oklch")
    assert len(panel.harmony.wheel._harmony) == 3
    panel.mood_combo.setCurrentText("muted")
    _wait_colors(qtbot, panel, 4)
    section = ctx.preferences.sections["palette"]
    assert (section["sort"], section["harmony"], section["wheel"], section["mood"]) == (
        "lightness",
        "triadic",
        "oklch",
        "muted",
    )


def test_recolour_preview_goes_to_the_canvas(qtbot, ctx, panel):
    panel.count_slider.setValue(2)
    _open(qtbot, ctx, panel)
    _wait_colors(qtbot, panel, 2)
    panel.recolor_box.setChecked(True)
    qtbot.waitUntil(lambda: ctx.canvas.has_preview, timeout=10000)
    panel.recolor_box.setChecked(False)
    assert not ctx.canvas.has_preview
    qtbot.waitUntil(lambda: not ctx.runner.jobs, timeout=10000)  # a preview job may still be winding down
