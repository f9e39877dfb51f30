"""The panel base: one way to run jobs (fixed hooks, stale jobs by key), settings saved with a debounce,
bad saved settings repaired, messages that go stale with the document."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest
from PySide6.QtWidgets import QVBoxLayout

from models.progress import Progress
from studio.panels.base import Panel
from studio.state import preferences as prefs_mod
from studio.state.panel_settings import Setting, SettingsSpec, between

pytestmark = pytest.mark.gui


class CountPanel(Panel):
    """A minimal panel, as a newcomer would write one."""

    SETTINGS = SettingsSpec("count", 1, (Setting("steps", 3, between(1, 100)),))

    def __init__(self, ctx):
        super().__init__(ctx)
        QVBoxLayout(self).addWidget(self.message)
        self.calls: list[tuple[str, object]] = []

    def count(self, steps: int, delay: float = 0.0):
        def work():
            for i in range(steps):
                time.sleep(delay)
                yield Progress(i, steps, "counting", preview=np.full((2, 2, 3), i, np.uint8))
            return steps

        return self.start_job(
            "Count",
            work,
            key="count",
            progress=lambda r: self.calls.append(("progress", r.step)),
            preview=lambda p: self.calls.append(("preview", int(p[0, 0, 0]))),
            done=lambda r: self.calls.append(("done", r)),
            cancelled=lambda latest: self.calls.append(("cancelled", latest is not None)),
            finished=lambda: self.calls.append(("finished", None)),
        )


def _idle(qtbot, ctx):
    qtbot.waitUntil(lambda: not any(j.is_running for j in ctx.runner.jobs), timeout=10000)


def test_hooks_run_in_order_and_a_superseded_job_is_silent(qtbot, ctx):
    panel = CountPanel(ctx)
    qtbot.addWidget(panel)
    first = panel.count(1000, 0.01)
    second = panel.count(2)  # same key: the first is cancelled and its hooks never run
    _idle(qtbot, ctx)
    assert first.state.value == "cancelled" and second.state.value == "succeeded"
    names = [name for name, _ in panel.calls]
    assert names[-2:] == ["done", "finished"] and "cancelled" not in names
    assert ("done", 2) in panel.calls and panel.running_job("count") is None


def test_stop_calls_the_cancelled_hook_wherever_it_is_pressed(qtbot, ctx):
    from studio.widgets.jobs_area import JobsArea

    area = JobsArea(ctx.runner)
    qtbot.addWidget(area)
    panel = CountPanel(ctx)
    qtbot.addWidget(panel)
    job = panel.count(10_000, 0.01)
    qtbot.waitUntil(lambda: job.latest_preview is not None, timeout=10000)
    area.rows()[0].stop.click()  # the jobs area's Stop, not the panel's
    _idle(qtbot, ctx)
    assert ("cancelled", True) in panel.calls and panel.calls[-1] == ("finished", None)


def test_settings_are_written_once_for_a_burst_of_changes(qtbot, ctx, monkeypatch):
    from studio.panels.palette_panel import PalettePanel

    writes = []
    real = prefs_mod.save_preferences

    def counting(prefs, path=None):
        if prefs is ctx.preferences:
            writes.append(1)
        real(prefs, path)

    monkeypatch.setattr(prefs_mod, "save_preferences", counting)
    panel = PalettePanel(ctx)
    qtbot.addWidget(panel)
    for value in [*range(2, 17), *range(16, 1, -1), 7]:  # a slider dragged up, down, then let go
        panel.count_slider.setValue(value)
    assert writes == []  # nothing on the ticks themselves
    qtbot.waitUntil(lambda: bool(writes), timeout=5000)
    qtbot.wait(600)
    assert writes == [1]
    assert json.loads(prefs_mod.preferences_path().read_text())["sections"]["palette"]["colors"] == 7
    panel.auto_box.setChecked(True)
    ctx.flush_preferences()  # closing the window writes a pending change at once
    assert writes == [1, 1] and prefs_mod.load_preferences()[0].sections["palette"]["auto"] is True


def test_bad_saved_fields_fall_back_to_defaults_with_a_note_and_are_not_written_back(qtbot, tmp_path):
    from studio.canvas.view import CanvasView
    from studio.context import AppContext
    from studio.panels.palette_panel import PalettePanel

    path = prefs_mod.preferences_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    sections = {"palette": {"colors": "lots", "mood": "muted", "sort": 5, "version": 1}}
    path.write_text(json.dumps({"version": 1, "sections": sections}))
    canvas = CanvasView()
    qtbot.addWidget(canvas)
    ctx = AppContext(canvas)
    notes = []
    ctx.status_message.connect(notes.append)
    panel = PalettePanel(ctx)
    qtbot.addWidget(panel)
    assert (panel.count_slider.value(), panel.mood_combo.currentText(), panel.sort_combo.currentText()) == (
        8,
        "muted",
        "share",
    )
    assert notes and "palette.colors" in notes[0] and "palette.sort" in notes[0]
    ctx.save_preferences()
    saved = json.loads(path.read_text())["sections"]["palette"]
    assert (saved["colors"], saved["mood"], saved["sort"]) == (8, "muted", "share")
    ctx.runner.shutdown(5000)


def test_the_panel_message_goes_when_the_document_changes(qtbot, ctx):
    panel = CountPanel(ctx)
    qtbot.addWidget(panel)
    shown = []
    ctx.status_message.connect(shown.append)
    ctx.open_array(np.zeros((8, 8, 3), np.uint8))
    panel.say("Counted to three")
    assert panel.message.text() == "Counted to three" and shown == ["Counted to three"]
    ctx.add_result_layer("layer", np.zeros((8, 8, 3), np.uint8))
    assert panel.message.text() == ""
