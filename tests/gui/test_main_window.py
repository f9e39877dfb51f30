import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QApplication

from tests.gui.conftest import open_and_wait

pytestmark = pytest.mark.gui


def test_menus_and_standard_shortcuts(window):
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&File", "&Edit", "&View", "&Help"]
    shortcuts = {
        window.open_action: "Ctrl+O",
        window.save_action: "Ctrl+S",
        window.save_as_action: "Ctrl+Shift+S",
        window.export_action: "Ctrl+E",
        window.undo_action: "Ctrl+Z",
        window.redo_action: "Ctrl+Shift+Z",
        window.fit_action: "Ctrl+0",
        window.actual_action: "Ctrl+1",
        window.zoom_in_action: "Ctrl+=",
        window.zoom_out_action: "Ctrl+-",
    }
    for action, key in shortcuts.items():
        assert QKeySequence(key) in action.shortcuts(), (action.text(), key)


def test_open_shows_image_fitted_with_size_and_zoom_in_status(qtbot, window, photo):
    open_and_wait(qtbot, window, photo)
    doc = window.ctx.document()
    assert doc is not None and doc.size == (60, 40)
    assert window.size_label.text() == "60 × 40 px"
    assert window.zoom_label.text().endswith("%")
    assert window.canvas.scale >= 1.0
    assert window.windowTitle() == "photo.png — Atelier"


def test_bad_file_gives_a_clear_message_and_keeps_the_document(qtbot, window, photo, tmp_path):
    open_and_wait(qtbot, window, photo)
    before = window.ctx.document()
    bad = tmp_path / "notes.png"
    bad.write_text("these are my notes, not a picture")
    reports = []
    window.ctx.reporter.reported.connect(lambda title, msg, details: reports.append((title, msg)))
    open_and_wait(qtbot, window, bad)
    assert window.ctx.document() is before
    assert reports and "notes.png" in reports[0][1]
    assert "notes.png" in window.statusBar().currentMessage()


def drop(widget, paths):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    pos = QPointF(widget.width() / 2, widget.height() / 2)
    enter = QDragEnterEvent(
        pos.toPoint(),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, enter)
    accepted = enter.isAccepted()
    ev = QDropEvent(
        pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(widget, ev)
    return accepted


def test_dropping_several_files_opens_the_first_and_lists_the_rest(qtbot, window, photo, tmp_path):
    from PIL import Image

    second = tmp_path / "second.jpg"
    Image.new("RGB", (10, 10), "blue").save(second)
    third = tmp_path / "third.png"
    Image.new("RGB", (12, 10), "red").save(third)
    with qtbot.waitSignal(window.ctx.document_opened, timeout=10000):
        assert drop(window.canvas, [photo, second, third])
    assert window.ctx.document().path == photo
    qtbot.waitUntil(lambda: not window.ctx.runner.jobs, timeout=5000)
    recent = [a.toolTip() for a in window.recent_menu.actions()]
    assert recent[:3] == [str(photo), str(second), str(third)]


def test_dropping_non_images_is_refused(window, tmp_path):
    text = tmp_path / "readme.txt"
    text.write_text("hi")
    assert not drop(window.canvas, [text])
    assert window.ctx.document() is None


def test_result_layer_undo_redo_opacity_and_delete(qtbot, window, photo):
    open_and_wait(qtbot, window, photo)
    doc = window.ctx.document()
    result = np.full((40, 60, 3), 200, np.uint8)
    window.ctx.add_result_layer("Stylized", result, {"style": "test"})
    assert len(doc.layers) == 1 and window.compare_action.isEnabled()
    panel = window.panels["Layers"]
    panel.list.setCurrentRow(0)
    panel.opacity.setValue(40)
    panel.opacity.setValue(30)  # a drag: merged into one undo step
    assert doc.layers[0].opacity == pytest.approx(0.3)
    window.undo_action.trigger()
    assert doc.layers[0].opacity == pytest.approx(1.0)
    window.redo_action.trigger()
    assert doc.layers[0].opacity == pytest.approx(0.3)
    panel.delete_button.click()
    assert doc.layers == []
    window.undo_action.trigger()
    assert len(doc.layers) == 1 and doc.layers[0].name == "Stylized"
    window.undo_action.trigger()  # opacity
    window.undo_action.trigger()  # the layer itself
    assert doc.layers == []
    window.redo_action.trigger()
    assert len(doc.layers) == 1


def test_results_of_another_size_are_fitted_to_the_document(qtbot, window, photo):
    open_and_wait(qtbot, window, photo)
    window.ctx.add_result_layer("small", np.zeros((20, 30, 3), np.uint8))
    assert window.ctx.document().layers[0].image.shape[:2] == (40, 60)


def test_export_flattens_and_protects_the_original(qtbot, window, photo, tmp_path):
    from studio.io.images import load_image, read_provenance

    open_and_wait(qtbot, window, photo)
    original_bytes = photo.read_bytes()
    window.ctx.add_result_layer("white", np.full((40, 60, 3), 255, np.uint8))
    window.ctx.set_layer_opacity(0, 0.5)
    out = tmp_path / "out.png"
    job = window.ctx.export(out)
    with qtbot.waitSignal(job.finished, timeout=10000):
        pass
    flat = load_image(out).pixels
    assert flat[0, 0, 0] == 255 and abs(int(flat[0, 0, 1]) - 128) <= 1
    prov = read_provenance(out)
    assert prov["source"] == "photo.png" and prov["layers"][0]["name"] == "white"
    reports = []
    window.ctx.reporter.reported.connect(lambda *a: reports.append(a[1]))
    job = window.ctx.export(photo)
    with qtbot.waitSignal(job.finished, timeout=10000):
        pass
    assert photo.read_bytes() == original_bytes
    assert reports and "photo.png" in reports[0]


def test_zoom_actions_and_wheel_zoom_about_cursor(qtbot, window, photo):
    open_and_wait(qtbot, window, photo)
    canvas = window.canvas
    window.actual_action.trigger()
    assert canvas.scale == 1.0
    window.zoom_in_action.trigger()
    assert canvas.scale == pytest.approx(2**0.5)
    anchor = QPointF(canvas.width() / 2 + 13, canvas.height() / 2 - 7)
    before = canvas.widget_to_image(anchor)
    canvas.zoom_by(2.0, anchor)
    assert canvas.widget_to_image(anchor) == pytest.approx(before)
    window.fit_action.trigger()
    assert canvas.image_rect().width() <= canvas.width()


def test_canvas_draws_crisp_pixels_at_high_zoom(qtbot, window, photo):
    open_and_wait(qtbot, window, photo)
    canvas = window.canvas
    canvas.zoom_by(8 / canvas.scale)  # exactly 800 %
    rect = canvas.image_rect()
    grab = canvas.grab().toImage()
    # the red top-left pixel covers an 8×8 block with hard edges
    x, y = int(rect.left()), int(rect.top())
    if 0 <= x < grab.width() - 8 and 0 <= y < grab.height() - 8:
        assert grab.pixelColor(x + 1, y + 1).red() == 255
        assert grab.pixelColor(x + 6, y + 6).red() == 255
        assert grab.pixelColor(x + 9, y + 1).red() < 50


def test_compare_split_shows_original_left_and_result_right(qtbot, window, photo):
    open_and_wait(qtbot, window, photo)
    window.ctx.add_result_layer("white", np.full((40, 60, 3), 255, np.uint8))
    canvas = window.canvas
    canvas.fit_to_window()
    window.compare_action.trigger()
    assert canvas.compare
    canvas.set_split(0.5)
    rect = canvas.image_rect()
    grab = canvas.grab().toImage()
    left = grab.pixelColor(int(rect.left() + rect.width() * 0.1), int(rect.center().y()))
    right = grab.pixelColor(int(rect.left() + rect.width() * 0.9), int(rect.center().y()))
    assert right.red() == 255 and right.blue() == 255
    assert left.red() == 0  # the original's pixels (green ramp, no red)


def test_select_rect_and_pick_tools_emit_image_coordinates(qtbot, window, photo):
    open_and_wait(qtbot, window, photo)
    canvas = window.canvas
    canvas.zoom_by(4 / canvas.scale)
    rect = canvas.image_rect()
    canvas.set_tool("pick")
    with qtbot.waitSignal(canvas.pixel_picked) as blocker:
        qtbot.mouseClick(
            canvas,
            Qt.MouseButton.LeftButton,
            pos=QPoint(int(rect.left() + 4 * 10 + 2), int(rect.top() + 4 * 5 + 2)),
        )
    assert blocker.args == [10, 5]
    canvas.set_tool("select_rect")
    start = QPoint(int(rect.left() + 4 * 2), int(rect.top() + 4 * 3))
    end = QPoint(int(rect.left() + 4 * 12), int(rect.top() + 4 * 9))
    with qtbot.waitSignal(canvas.region_selected) as blocker:
        qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=start)
        qtbot.mouseMove(canvas, end)
        qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=end)
    r = blocker.args[0]
    assert (r.x(), r.y(), r.width(), r.height()) == (2, 3, 10, 6)


def test_geometry_and_recent_files_persist(qtbot, photo):
    from studio.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(700, 500)
    w.show()
    w._remember_recent([str(photo)])
    w.close()
    w2 = MainWindow()
    qtbot.addWidget(w2)
    assert (w2.width(), w2.height()) == (700, 500)
    assert [a.toolTip() for a in w2.recent_menu.actions()] == [str(photo)]
    w2.close()


def test_closing_with_a_job_running_waits_for_it(qtbot, window):
    import time

    from models.progress import Progress

    def endless():
        while True:
            time.sleep(0.02)
            yield Progress(0, 0, "working")

    job = window.ctx.runner.submit("endless", endless)
    with qtbot.waitSignal(job.started, timeout=5000):
        pass
    assert window.jobs_area.isVisible() and len(window.jobs_area.rows()) == 1
    window.jobs_area.rows()[0].stop.click()
    with qtbot.waitSignal(job.finished, timeout=2000):
        pass
    job2 = window.ctx.runner.submit("endless 2", endless)
    with qtbot.waitSignal(job2.started, timeout=5000):
        pass
    window.close()
    assert window.ctx.runner.shutdown(100)


def test_minified_large_image_draws_from_a_pyramid_level(qtbot, window):
    pixels = np.zeros((1600, 2400, 3), np.uint8)
    pixels[:, :1200] = (255, 0, 0)
    pixels[:, 1200:] = (0, 0, 255)
    window.ctx.open_array(pixels, "big")
    canvas = window.canvas
    canvas.zoom_by(0.1 / canvas.scale)
    rect = canvas.image_rect()
    grab = canvas.grab().toImage()
    y = int(rect.center().y())
    left = grab.pixelColor(int(rect.left() + rect.width() * 0.25), y)
    right = grab.pixelColor(int(rect.left() + rect.width() * 0.75), y)
    assert (left.red(), left.blue()) == (255, 0) and (right.red(), right.blue()) == (0, 255)
    levels = next(iter(canvas._pyramids.values()))
    assert 3 <= len(levels) <= 5  # 2400 → 1200 → 600 → 300 px wide, enough for 240 px on screen


def test_o_cycles_guides_and_shift_o_flips_in_the_window(qtbot, window, photo):
    open_and_wait(qtbot, window, photo)
    guide = window.panels["Composition"].guide
    window.activateWindow()
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_O)
    assert guide.visible
    first = guide.kind
    qtbot.keyClick(window.canvas, Qt.Key.Key_O)
    assert guide.kind != first
    guide.update(kind="golden-spiral")  # Shift+O flips the guides that have an orientation
    qtbot.keyClick(window.canvas, Qt.Key.Key_O, Qt.KeyboardModifier.ShiftModifier)
    assert (guide.flip_h, guide.flip_v) == (True, False)


def test_esc_stops_the_newest_job_and_undo_clears_a_stale_outcome(qtbot, window):
    import time

    from models.progress import Progress

    def slow():
        for i in range(10_000):
            time.sleep(0.01)
            yield Progress(i, 10_000, "waiting")

    window.ctx.open_array(np.zeros((8, 8, 3), np.uint8))
    job = window.ctx.runner.submit("Slow", slow)
    window.stop_action.trigger()  # what Esc does
    qtbot.waitUntil(lambda: not job.is_running, timeout=10000)
    assert job.state.value == "cancelled"
    window.ctx.add_result_layer("layer", np.zeros((8, 8, 3), np.uint8))
    window.ctx.status("Added a layer; Undo removes it.")
    assert window.statusBar().currentMessage().startswith("Added")
    window.undo_action.trigger()
    assert window.statusBar().currentMessage() == ""


def test_error_box_opens_with_the_details_folded(qtbot, window):
    from PySide6.QtWidgets import QTextEdit

    window.ctx.reporter.report("Palette", "Something failed", "Traceback (most recent call last): …")
    box = window._error_box
    qtbot.waitUntil(box.isVisible)
    details = box.findChildren(QTextEdit)
    assert details and not any(d.isVisible() for d in details)
    # Unfolded once by the painter, the next report still opens folded.
    next(b for b in box.buttons() if box.buttonRole(b) == box.ButtonRole.ActionRole).click()
    assert any(d.isVisible() for d in details)
    window.ctx.reporter.report("Palette", "Failed again", "Traceback …")
    box = window._error_box
    qtbot.waitUntil(box.isVisible)
    assert not any(d.isVisible() for d in box.findChildren(QTextEdit))


def test_compare_is_off_without_an_image(window):
    assert window.ctx.document() is None
    assert not window.compare_action.isEnabled()


def test_before_after_labels_are_large_and_on_a_dark_backdrop(qtbot, window):
    window.ctx.open_array(np.full((300, 400, 3), 255, np.uint8), "light sky")  # white: old labels vanished
    window.resize(900, 600)
    window.ctx.add_result_layer("white", np.full((300, 400, 3), 250, np.uint8))
    window.canvas.actual_size()
    window.compare_action.trigger()
    shot = window.canvas.grab().toImage()
    r = window.canvas.image_rect()
    x = int(r.left() + r.width() * window.canvas.split)
    y = int(max(r.top(), 0) + 10 + 8)
    # Left of the split line, just past the handle's gap: the label's dark backdrop, not the picture.
    dark = shot.pixelColor(x - 20, y)
    assert dark.red() < 90 and dark.green() < 90 and dark.blue() < 90
