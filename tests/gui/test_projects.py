"""Projects in the window: Save / Save As / Open .ora, the title's marker after each step, Save / Discard /
Cancel before work is dropped, undo per stack, and Send to canvas adding a layer."""

import numpy as np
import pytest
from PySide6.QtWidgets import QMessageBox

from tests.gui.conftest import open_and_wait

pytestmark = pytest.mark.gui
Answer = QMessageBox.StandardButton


def _wait_jobs(qtbot, window):
    qtbot.waitUntil(lambda: not any(job.is_running for job in window.ctx.runner.jobs), timeout=15000)


def _opened(qtbot, window, path):
    open_and_wait(qtbot, window, path)
    _wait_jobs(qtbot, window)  # the palette extraction that follows an open


def _marked(window):
    return "•" in window.windowTitle()


def _layer(window, name="Wash", value=(0, 0, 255)):
    doc = window.ctx.document()
    pixels = np.zeros((doc.size[1], doc.size[0], 3), np.uint8)
    pixels[...] = value
    window.ctx.add_result_layer(name, pixels, {"tool": "test"})


def _save_as(qtbot, window, path):
    window.ask_save_path = lambda *_a: str(path)
    job = window.save_as()
    with qtbot.waitSignal(job.finished, timeout=10000):
        pass
    return job


def test_marker_after_open_edit_undo_save_and_reopen(qtbot, window, photo, tmp_path):
    _opened(qtbot, window, photo)
    assert window.windowTitle() == "photo.png — Atelier"  # the palette extraction is not an edit
    assert not window.ctx.palette_undo_stack.count() and not window.undo_action.isEnabled()
    _layer(window)
    assert _marked(window)
    assert window.undo_action.text().replace("&", "") == "Undo Add layer “Wash”"
    window.undo_action.trigger()
    assert not _marked(window)  # back to the state on disk
    window.redo_action.trigger()
    assert _marked(window)
    _save_as(qtbot, window, tmp_path / "work.ora")
    assert window.windowTitle() == "work.ora — Atelier"
    window.ctx.set_layer_opacity(0, 0.4)
    assert _marked(window)
    window.undo_action.trigger()
    assert not _marked(window)
    window.undo_action.trigger()  # past the saved state: modified again
    assert _marked(window)
    window.redo_action.trigger()
    job = window.save()  # Save writes to the open project without asking
    with qtbot.waitSignal(job.finished, timeout=10000):
        pass
    assert not _marked(window)

    window.ctx.open_path(tmp_path / "work.ora")
    _wait_jobs(qtbot, window)
    doc = window.ctx.document()
    assert doc.path == tmp_path / "work.ora" and [la.name for la in doc.layers] == ["Wash"]
    assert window.windowTitle() == "work.ora — Atelier"
    assert doc.layers[0].provenance == {"tool": "test"}


def test_export_clears_the_marker_only_when_the_file_holds_everything(qtbot, window, photo, tmp_path):
    _opened(qtbot, window, photo)
    _layer(window)
    job = window.ctx.export(tmp_path / "flat.png")
    with qtbot.waitSignal(job.finished, timeout=10000):
        pass
    assert _marked(window)  # the layers are not in a flat PNG
    assert "File ▸ Save" in window.statusBar().currentMessage()
    window.ask_save_path = lambda *_a: str(tmp_path / "layers")
    window.export_psd_action.trigger()  # the layers are all in a PSD
    _wait_jobs(qtbot, window)
    assert not _marked(window) and (tmp_path / "layers.psd").exists()
    window.ctx.set_layer_opacity(0, 0.5)
    assert _marked(window)
    window.ctx.crop((0, 0, 30, 20))
    window.ctx.remove_layer(0)
    job = window.ctx.export(tmp_path / "cropped.png")
    with qtbot.waitSignal(job.finished, timeout=10000):
        pass
    assert not _marked(window)


def test_palette_and_picture_have_their_own_undo(qtbot, window, photo):
    _opened(qtbot, window, photo)
    palette = window.panels["Palette"]
    _layer(window)
    palette.swatch_list.swatch_clicked.emit(0)
    palette.swatch_list.set_selected(0)
    palette.remove_button.click()
    assert window.ctx.undo_group.activeStack() is window.ctx.palette_undo_stack
    assert window.undo_action.text().replace("&", "").startswith("Undo Remove colour #")
    before = len(palette.state)
    window.undo_action.trigger()
    assert len(palette.state) == before + 1 and len(window.ctx.document().layers) == 1
    window.ctx.set_layer_visible(0, False)  # the picture again
    assert window.undo_action.text().replace("&", "") == "Undo Hide layer “Wash”"
    window.undo_action.trigger()
    assert window.ctx.document().layers[0].visible


def test_visibility_undo_restores_the_old_value(qtbot, window, photo):
    _opened(qtbot, window, photo)
    _layer(window)
    window.ctx.set_layer_visible(0, True)  # "show" an already shown layer
    window.ctx.undo_stack.undo()
    assert window.ctx.document().layers[0].visible  # not flipped to hidden


def _answers(window, answer):
    asked = []

    def ask():
        asked.append(True)
        return answer

    window.ask_unsaved = ask
    return asked


def test_close_asks_and_cancel_keeps_the_window(qtbot, window, photo):
    _opened(qtbot, window, photo)
    _layer(window)
    asked = _answers(window, Answer.Cancel)
    assert not window.close()
    assert asked and window.isVisible() and len(window.ctx.document().layers) == 1
    asked = _answers(window, Answer.Discard)
    assert window.close() and asked


def test_close_with_save_writes_the_project_then_closes(qtbot, window, photo, tmp_path):
    from studio.io.ora import read_ora

    _opened(qtbot, window, photo)
    _layer(window)
    _answers(window, Answer.Save)
    window.ask_save_path = lambda *_a: str(tmp_path / "kept")
    assert not window.close()  # saving first
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10000)
    assert [la.name for la in read_ora(tmp_path / "kept.ora").document.layers] == ["Wash"]


def test_close_with_save_but_no_name_chosen_stays_open(qtbot, window, photo):
    _opened(qtbot, window, photo)
    _layer(window)
    _answers(window, Answer.Save)
    window.ask_save_path = lambda *_a: ""
    assert not window.close()
    assert window.isVisible()
    _answers(window, Answer.Discard)  # for the fixture's close


def test_nothing_to_save_closes_without_asking(qtbot, window, photo):
    _opened(qtbot, window, photo)
    asked = _answers(window, Answer.Cancel)
    assert window.close() and not asked


def test_opening_another_asks_first(qtbot, window, photo, tmp_path):
    _opened(qtbot, window, photo)
    _layer(window)
    first = window.ctx.document()
    asked = _answers(window, Answer.Cancel)
    window.open_path(str(photo))
    assert asked and not any(job.is_running for job in window.ctx.runner.jobs)
    assert window.ctx.document() is first
    _answers(window, Answer.Save)
    window.ask_save_path = lambda *_a: str(tmp_path / "first.ora")
    window.open_path(str(photo))
    qtbot.waitUntil(lambda: window.ctx.document() is not first, timeout=15000)
    _wait_jobs(qtbot, window)
    assert (tmp_path / "first.ora").exists() and not window.ctx.document().layers
    assert not _marked(window)


def test_send_to_canvas_adds_a_covering_layer_or_opens_a_new_document(qtbot, window, photo):
    study = np.zeros((64, 64, 3), np.uint8)
    study[:, :32] = (255, 0, 0)
    window.ctx.send_to_canvas(study, "GAN #3")  # nothing open: a new, unsaved document
    assert window.ctx.document().name == "GAN #3" and _marked(window)
    _answers(window, Answer.Discard)
    _opened(qtbot, window, photo)
    _layer(window)
    window.ctx.send_to_canvas(study, "GAN #4", {"tool": "gan"})
    doc = window.ctx.document()
    assert doc.name == "photo.png" and [la.name for la in doc.layers] == ["Wash", "GAN #4"]
    layer = doc.layers[1].image
    assert layer.shape[:2] == (40, 60)  # 64² covers 60×40: scaled to 60, the middle 40 rows kept
    assert tuple(layer[20, 5]) == (255, 0, 0) and tuple(layer[20, 55]) == (0, 0, 0)
    assert window.ctx.undo_stack.count() == 2  # the history was kept
    window.undo_action.trigger()
    assert [la.name for la in doc.layers] == ["Wash"]


def test_a_bad_project_gives_a_message_and_keeps_the_document(qtbot, window, photo, tmp_path):
    _opened(qtbot, window, photo)
    bad = tmp_path / "broken.ora"
    bad.write_bytes(b"PK\x03\x04 not really")
    before = window.ctx.document()
    reports = []
    window.ctx.reporter.reported.connect(lambda title, msg, details: reports.append(msg))
    open_and_wait(qtbot, window, bad)
    assert window.ctx.document() is before
    assert reports and "broken.ora" in reports[0]


def test_project_keeps_the_palette_and_guides(qtbot, window, photo, tmp_path):
    _opened(qtbot, window, photo)
    palette, composition = window.panels["Palette"], window.panels["Composition"]
    palette.swatch_list.swatch_clicked.emit(0)
    palette.swatch_list.set_selected(0)
    palette.remove_button.click()
    kept = palette.state.swatches
    composition.guide.update(kind="golden-spiral", flip_h=True)
    _save_as(qtbot, window, tmp_path / "p.ora")
    composition.guide.update(kind="thirds", flip_h=False)
    window.ctx.open_path(tmp_path / "p.ora")
    _wait_jobs(qtbot, window)
    assert palette.state.swatches == kept  # restored, not extracted afresh
    assert (composition.guide.kind, composition.guide.flip_h) == ("golden-spiral", True)
    assert not _marked(window)


def test_quit_asks_too_and_a_failed_save_keeps_the_work_open(qtbot, window, photo, tmp_path):
    _opened(qtbot, window, photo)
    _layer(window)
    asked = _answers(window, Answer.Cancel)
    window.quit_action.trigger()
    assert asked and window.isVisible()
    _answers(window, Answer.Save)
    window.ask_save_path = lambda *_a: str(tmp_path / "no such folder" / "work.ora")
    reports = []
    window.ctx.reporter.reported.connect(lambda title, msg, details: reports.append(msg))
    window.quit_action.trigger()
    _wait_jobs(qtbot, window)
    qtbot.wait(50)
    assert window.isVisible() and _marked(window) and len(window.ctx.document().layers) == 1
    assert reports and "does not exist" in reports[-1]
    _answers(window, Answer.Discard)  # for the fixture's close


def test_another_programs_ora_is_not_overwritten_by_save(qtbot, window, tmp_path):
    import zipfile

    from tests.io.test_ora import _png

    krita = tmp_path / "painting.ora"
    with zipfile.ZipFile(krita, "w") as z:
        z.writestr("mimetype", "image/openraster")
        z.writestr("stack.xml", '<image w="6" h="4"><stack><layer name="Paint" src="p.png"/></stack></image>')
        z.writestr("p.png", _png(np.full((4, 6, 3), 90, np.uint8)))
    before = krita.read_bytes()
    window.ctx.open_path(krita)
    _wait_jobs(qtbot, window)
    assert window.ctx.document().path == krita and window.ctx.project_path() is None
    _layer(window)
    offered = []
    window.ask_save_path = lambda _title, start, _filters: offered.append(start) or ""
    assert window.save() is None  # Save asked for a name (and was cancelled)
    assert offered == [str(tmp_path / "painting-atelier.ora")]
    assert krita.read_bytes() == before
    _save_as(qtbot, window, tmp_path / "painting-atelier.ora")
    assert window.ctx.project_path() == tmp_path / "painting-atelier.ora"  # ours now: Save writes there


def test_what_a_foreign_file_lost_is_said_once_opened(qtbot, window, tmp_path):
    import zipfile

    from tests.io.test_ora import _png

    path = tmp_path / "gimp.ora"
    xml = (
        '<image w="6" h="4"><stack><stack name="Inks"><layer name="Ink" src="p.png" '
        'composite-op="svg:multiply"/></stack><layer name="Paper" src="p.png"/></stack></image>'
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("stack.xml", xml)
        z.writestr("p.png", _png(np.full((4, 6, 3), 90, np.uint8)))
    reports = []
    window.ctx.reporter.reported.connect(lambda title, msg, details: reports.append((title, msg)))
    window.ctx.open_path(path)
    _wait_jobs(qtbot, window)
    assert [la.name for la in window.ctx.document().layers] == ["Ink"]
    title, message = reports[-1]
    assert title == "Opened gimp.ora with changes"
    assert (
        message.startswith("The group “Inks” was flattened") and "“Ink” blends as 'svg:multiply'" in message
    )
