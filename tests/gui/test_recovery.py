"""Autosave and crash recovery: an Atelier killed with SIGKILL leaves its work, which the next start
offers to recover as a new untitled picture; a normal close leaves nothing."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QMessageBox

from studio.io.autosave import AutosaveSlot, autosave_root, find_orphans
from studio.state.document import Document, Layer
from studio.state.preferences import data_dir
from tests.gui.conftest import open_and_wait

pytestmark = pytest.mark.gui
ROOT = Path(__file__).resolve().parents[2]
Answer = QMessageBox.StandardButton

WORK_THEN_WAIT = r"""
import sys
import numpy as np
from studio.app import create_app
app = create_app()
from studio.main_window import MainWindow
w = MainWindow()
w.show()
job = w.ctx.open_path(sys.argv[1])
while w.ctx.document() is None:
    app.processEvents()
doc = w.ctx.document()
h, w_ = doc.image.shape[:2]
w.ctx.add_result_layer("Blue wash", np.full((h, w_, 3), (0, 0, 255), np.uint8), {"tool": "test"})
w.ctx.set_layer_opacity(0, 0.25)
written = []
w.autosaver.written.connect(written.append)
w.autosaver.save_now()
while not written:
    app.processEvents()
print("autosaved", written[0], flush=True)
app.exec()  # working on, until killed
"""


def test_recovery_after_sigkill_in_a_new_process(qtbot, photo):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", WORK_THEN_WAIT, str(photo)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert line.startswith("autosaved"), line + proc.stderr.read() if proc.poll() is not None else line
        root = autosave_root(data_dir())
        assert find_orphans(root) == []  # its owner is alive: not offered to anyone
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(30)
    assert proc.returncode == -signal.SIGKILL
    photo_bytes = photo.read_bytes()

    from studio.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    offered = []

    def ask(recovery):
        offered.append(recovery.describe())
        return Answer.Open

    window.ask_recover = ask
    assert window.offer_recovery()
    assert offered and offered[0].startswith("photo.png, 60×40, 1 layer — autosaved ")
    doc = window.ctx.document()
    assert doc.path is None and doc.name == "photo (recovered)"
    assert [(la.name, round(la.opacity, 2), la.provenance) for la in doc.layers] == [
        ("Blue wash", 0.25, {"tool": "test"})
    ]
    assert "•" in window.windowTitle() and window.ctx.project_path() is None  # Save asks for a name
    assert photo.read_bytes() == photo_bytes
    assert find_orphans(autosave_root(data_dir())) == []  # adopted by this session
    assert window.autosaver.slot.work_path.exists()  # still safe if this one crashes too
    window.ask_unsaved = lambda: Answer.Discard
    window.close()
    assert not window.autosaver.slot.folder.exists()


def _orphan(root, name="sketch.png"):
    slot = AutosaveSlot(root)
    doc = Document(np.zeros((8, 8, 3), np.uint8), name=name)
    doc.insert_layer(Layer("L", np.full((8, 8, 3), 9, np.uint8)))
    slot.write(doc)
    (slot.folder / "owner.json").write_text('{"pid": 999999999}')  # a process that is gone
    return slot


def test_later_keeps_the_autosave_and_discard_removes_it(qtbot, window):
    root = window.autosaver.slot.root
    slot = _orphan(root)
    window.ask_recover = lambda _r: Answer.Cancel
    assert not window.offer_recovery() and slot.work_path.exists()
    window.ask_recover = lambda _r: Answer.Discard
    assert not window.offer_recovery() and not slot.folder.exists()
    assert window.ctx.document() is None


def test_autosave_follows_the_unsaved_state_and_a_normal_close_removes_it(qtbot, window, photo, tmp_path):
    open_and_wait(qtbot, window, photo)
    qtbot.waitUntil(lambda: not any(job.is_running for job in window.ctx.runner.jobs), timeout=10000)
    saver = window.autosaver
    assert not saver.save_now()  # nothing unsaved
    doc = window.ctx.document()
    window.ctx.add_result_layer("Wash", np.zeros((40, 60, 3), np.uint8))
    with qtbot.waitSignal(saver.written, timeout=10000):
        assert saver.save_now()
    assert saver.slot.work_path.exists()
    assert not saver.save_now()  # no change since
    window.ask_save_path = lambda *_a: str(tmp_path / "w.ora")
    job = window.save_as()
    with qtbot.waitSignal(job.finished, timeout=10000):
        pass
    assert not saver.slot.work_path.exists()  # saved: nothing to recover
    window.ctx.set_layer_opacity(0, 0.5)
    with qtbot.waitSignal(saver.written, timeout=10000):
        assert saver.save_now()
    assert doc is window.ctx.document()
    window.ask_unsaved = lambda: Answer.Discard
    window.close()
    assert not saver.slot.folder.exists()
    assert list(saver.slot.root.iterdir()) == []


def test_a_finished_job_triggers_an_autosave(qtbot, window, photo, monkeypatch):
    from models.progress import Progress

    monkeypatch.setattr("studio.autosave.AFTER_JOB_DELAY_MS", 10)
    open_and_wait(qtbot, window, photo)
    window.autosaver._after_job.setInterval(10)
    qtbot.waitUntil(lambda: not any(job.is_running for job in window.ctx.runner.jobs), timeout=10000)
    doc = window.ctx.document()

    def work():
        yield Progress(0, 1, "working")
        return np.full((40, 60, 3), 200, np.uint8)

    job = window.ctx.runner.submit("Stylize test", work)
    job.succeeded.connect(lambda pixels: window.ctx.add_result_layer("Result", pixels))
    with qtbot.waitSignal(window.autosaver.written, timeout=10000):
        pass
    assert doc.layers and window.autosaver.slot.work_path.exists()


def test_the_autosave_interval_follows_the_preference(qtbot, window):
    from studio.preferences_dialog import PreferencesDialog

    assert window.autosaver.timer.isActive() and window.autosaver.timer.interval() == 2 * 60_000
    dialog = PreferencesDialog(window.ctx.preferences, window)
    dialog.autosave.setValue(5)
    dialog.apply()
    window.autosaver.set_interval(window.ctx.preferences.autosave_minutes)
    assert window.autosaver.timer.interval() == 5 * 60_000
    window.autosaver.set_interval(0)  # after jobs only
    assert not window.autosaver.timer.isActive()
