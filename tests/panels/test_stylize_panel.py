"""The Stylize panel: shelf, click-to-stylize with live preview, Stop keeps the preview, drops, persistence."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from studio.resources import EXAMPLES, STYLES

pytestmark = pytest.mark.gui


def _wait_idle(qtbot, ctx, timeout=60000):
    qtbot.waitUntil(lambda: not any(j.is_running for j in ctx.runner.jobs), timeout=timeout)


@pytest.fixture
def panel(stylize_panel):
    return stylize_panel


def _item(panel, name):
    return next(i for i in panel.shelf.items() if i.data(Qt.ItemDataRole.UserRole).endswith(name))


def _click(qtbot, panel, name):
    rect = panel.shelf.visualItemRect(_item(panel, name))
    qtbot.mouseClick(panel.shelf.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _drop(widget, paths, pos):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    enter = QDragEnterEvent(
        pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(pos),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, drop)


def _photo(ctx, h=24, w=32):
    rng = np.random.default_rng(1)
    ctx.open_array(rng.integers(0, 255, (h, w, 3), dtype=np.uint8), "photo")


def test_registered_shelf_has_bundled_paintings_and_vgg_is_greyed(panel):
    from studio.panels import PANELS

    assert ("Stylize", "studio.panels.stylize_panel", "StylizePanel") in PANELS
    names = sorted(p.rsplit("/", 1)[-1] for p in panel.shelf.paths())
    assert names == sorted(p.name for p in STYLES.glob("*.jpg")) and len(names) == 5
    icon = _item(panel, "picabia_udnie.jpg").icon().pixmap(96, 96).toImage()
    colours = {
        icon.pixelColor(x, y).name() for x in range(0, icon.width(), 8) for y in range(0, icon.height(), 8)
    }
    assert len(colours) > 5  # the painting's thumbnail, not the grey placeholder
    combo = panel.controls.backbone_combo
    index = combo.findData("vgg19")
    assert not combo.model().item(index).isEnabled()
    assert "vgg19-dcbb9e9d.pth" in combo.itemData(index, Qt.ItemDataRole.ToolTipRole)
    assert combo.currentData() == "efficientnet-lite0"


def test_click_with_an_image_open_stylizes_into_an_undoable_layer(qtbot, ctx, panel):
    previews = []
    ctx.canvas.set_preview = lambda px, orig=ctx.canvas.set_preview: (previews.append(px), orig(px))
    _click(qtbot, panel, "picabia_udnie.jpg")  # nothing open: a hint, no job
    assert panel.job is None and "Open an image" in panel.message.text()
    _photo(ctx)
    _click(qtbot, panel, "picabia_udnie.jpg")
    assert panel.stylize_button.text() == "Stop"
    _wait_idle(qtbot, ctx)
    layers = ctx.document().layers
    assert [lay.name for lay in layers] == ["Stylized: Picabia udnie"]
    assert layers[0].image.shape == (24, 32, 3)
    assert (
        layers[0].provenance["styles"] == ["picabia_udnie.jpg"] and layers[0].provenance["quality"] == "draft"
    )
    assert any(p is not None for p in previews) and previews[-1] is None  # live preview, then cleared
    assert panel.stylize_button.text() == "Stylize"
    ctx.undo_stack.undo()
    assert ctx.document().layers == []


def test_stop_keeps_the_latest_preview_as_the_result(qtbot, ctx, panel):
    _photo(ctx, 48, 64)
    panel.set_output_size(64)
    panel.controls.quality_combo.setCurrentIndex(panel.controls.quality_combo.findData("fine"))
    panel.shelf.select_paths([str(STYLES / "hokusai_great_wave.jpg")])
    qtbot.mouseClick(panel.stylize_button, Qt.MouseButton.LeftButton)
    job = panel.job
    qtbot.waitUntil(lambda: job.latest_preview is not None, timeout=60000)
    qtbot.mouseClick(panel.stylize_button, Qt.MouseButton.LeftButton)  # Stop
    _wait_idle(qtbot, ctx)
    layers = ctx.document().layers
    assert [lay.name for lay in layers] == ["Stylized: Hokusai great wave (stopped)"]
    assert layers[0].provenance["stopped"] is True
    assert layers[0].image.shape == (48, 64, 3)


def test_drop_a_photo_on_a_painting_opens_and_stylizes_it(qtbot, ctx, panel, tmp_path):
    photo = tmp_path / "snap.png"
    Image.open(EXAMPLES / "coffee.png").convert("RGB").resize((30, 20)).save(photo)
    rect = panel.shelf.visualItemRect(_item(panel, "matisse_woman_with_a_hat.jpg"))
    _drop(panel.shelf.viewport(), [photo], rect.center())
    qtbot.waitUntil(lambda: ctx.document() is not None and len(ctx.document().layers) == 1, timeout=60000)
    _wait_idle(qtbot, ctx)
    assert ctx.document().path == photo
    assert ctx.document().layers[0].name == "Stylized: Matisse woman with a hat"


def test_dropped_and_requested_styles_are_kept_across_restarts(qtbot, ctx, panel, tmp_path):
    from studio.panels.stylize_panel import StylizePanel

    mine = tmp_path / "my sketch.png"
    Image.fromarray(np.full((40, 40, 3), 90, np.uint8)).save(mine)
    other = tmp_path / "other.jpg"
    Image.fromarray(np.full((40, 40, 3), 200, np.uint8)).save(other)
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"nope")
    reported = []
    ctx.reporter.reported.connect(lambda *a: reported.append(a))
    last = panel.shelf.visualItemRect(panel.shelf.items()[-1])
    _drop(panel.shelf.viewport(), [mine, broken], last.bottomRight() + last.bottomRight() / 4)
    _wait_idle(qtbot, ctx)
    ctx.request_style(str(other))
    _wait_idle(qtbot, ctx)
    kept = sorted(p.name for p in panel.styles_dir().iterdir())
    assert kept == ["my_sketch.png", "other.jpg"]
    assert reported and "broken.png" in reported[0][1]
    assert panel.shelf.selected_paths() == [str(panel.styles_dir() / "other.jpg")]
    again = StylizePanel(ctx)
    qtbot.addWidget(again)
    _wait_idle(qtbot, ctx)
    assert str(panel.styles_dir() / "my_sketch.png") in again.shelf.paths()
    assert len(again.shelf.paths()) == 7


def test_controls_persist_in_preferences(qtbot, ctx, panel):
    from studio.panels.stylize_panel import StylizePanel

    panel.controls.strength_slider.setValue(40)
    panel.controls.preserve_check.setChecked(True)
    panel.controls.scale_slider.setValue(10)
    cfg = panel.config()
    assert cfg.strength == 0.4 and cfg.preserve_colors and cfg.style_scale == pytest.approx(2.0)
    again = StylizePanel(ctx)
    qtbot.addWidget(again)
    _wait_idle(qtbot, ctx)
    assert again.config().strength == 0.4 and again.config().preserve_colors
    assert ctx.preferences.quality == "draft"


def test_print_and_original_sizes(qtbot, ctx, panel):
    from studio.panels.stylize.controls import ORIGINAL_SIZE, PRINT_SIZE
    from studio.panels.stylize_panel import StylizePanel

    combo = panel.controls.size_combo
    assert combo.findData(PRINT_SIZE) >= 0 and combo.findData(ORIGINAL_SIZE) >= 0
    _photo(ctx, 24, 40)
    combo.setCurrentIndex(combo.findData(ORIGINAL_SIZE))
    assert panel.config().size == 40  # the picture's own long side
    again = StylizePanel(ctx)  # the choice persists as "original", not as this picture's size
    qtbot.addWidget(again)
    _wait_idle(qtbot, ctx)
    assert again.controls.size_choice() == ORIGINAL_SIZE
    combo.setCurrentIndex(combo.findData(PRINT_SIZE))
    assert panel.config().size == PRINT_SIZE
    assert panel.start([str(STYLES / "picabia_udnie.jpg")]) is None  # a print larger than the picture
    assert "needs a picture at least that large" in panel.message.text()
    assert panel.job is None


def test_a_result_smaller_than_the_picture_says_it_was_enlarged(ctx, panel):
    from types import SimpleNamespace

    ctx.open_array(np.zeros((300, 400, 3), np.uint8), "big photo")
    panel._job_document, panel._job_styles = ctx.document(), [str(STYLES / "picabia_udnie.jpg")]
    small = SimpleNamespace(image=np.zeros((60, 80, 3), np.uint8), provenance={}, seconds=3.0)
    panel._on_job_done(small)
    assert "80×60 px and enlarged" in panel.message.text() and "400×300" in panel.message.text()
    same = SimpleNamespace(image=np.zeros((300, 400, 3), np.uint8), provenance={}, seconds=3.0)
    panel._on_job_done(same)
    assert "enlarged" not in panel.message.text() and "Stylized in 3 s" in panel.message.text()


def test_the_engine_choice_speaks_a_painters_language(panel):
    combo = panel.controls.backbone_combo
    texts = [combo.itemText(i) for i in range(combo.count())]
    assert texts and not any("EfficientNet" in t or "VGG" in t or "Lite0" in t for t in texts)
    assert "EfficientNet-Lite0" in combo.toolTip()  # the technical name is one hover away
