"""The GAN panel: grid with seeds, variations, truncation, A/B interpolation and export, per-sample actions,
model chooser, and training on a folder with Stop (keeps a checkpoint) and Resume."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from PIL import Image
from PySide6.QtCore import Qt

from models.gan import Checkpoint, GanArch, save_checkpoint
from models.gan.networks import Discriminator, Generator

pytestmark = pytest.mark.gui

TINY = GanArch(resolution=32, z_dim=16, ngf=8, ndf=8)
SPATIAL = GanArch(
    kind="spatial", resolution=32, ngf=4, ndf=4, levels=3, local_dim=4, global_dim=8, periodic_dim=2
)


@pytest.fixture
def tiny_model(ctx):
    torch.manual_seed(0)
    g = Generator(TINY)
    with torch.no_grad():  # spread the BN statistics so that seeds give different pictures
        for _ in range(3):
            g(torch.randn(8, TINY.z_dim))
    path = ctx.data_dir() / "gan" / "tiny.safetensors"
    save_checkpoint(
        path, Checkpoint(TINY, g.state_dict(), g.state_dict(), Discriminator(TINY).state_dict(), {"steps": 3})
    )
    return path


@pytest.fixture
def panel(qtbot, ctx, tiny_model):
    from studio.panels.gan_panel import GanPanel

    p = GanPanel(ctx)
    qtbot.addWidget(p)
    p.model_combo.setCurrentIndex(p.model_combo.findData(str(tiny_model)))
    p.refresh(seeds=list(range(16)))
    qtbot.waitUntil(lambda: len(p.grid.samples) == 16, timeout=20000)
    _wait_idle(qtbot, ctx)  # a superseded sample job may still be winding down
    return p


def _wait_idle(qtbot, ctx):
    qtbot.waitUntil(lambda: not any(j.is_running for j in ctx.runner.jobs), timeout=30000)


def test_registered_and_lists_models(panel, tiny_model):
    from models.gan.paths import BUNDLED_MODEL
    from studio.panels import PANELS

    assert ("GAN", "studio.panels.gan_panel", "GanPanel") in PANELS
    paths = [panel.model_combo.itemData(i) for i in range(panel.model_combo.count())]
    assert str(tiny_model) in paths
    assert (str(BUNDLED_MODEL) in paths) == BUNDLED_MODEL.is_file()
    assert "32 px, 3 steps" in panel.model_combo.currentText()


def test_grid_shows_seeds_and_truncation_rerenders(qtbot, ctx, panel):
    assert [t.caption for t in panel.grid.tiles[:3]] == ["seed 0", "seed 1", "seed 2"]
    before = panel.grid.samples[1].pixels.copy()
    panel.truncation_slider.setValue(20)
    qtbot.waitUntil(lambda: panel.grid.samples[1].truncation == pytest.approx(0.2), timeout=20000)
    assert panel.grid.samples[1].recipe == {"seed": 1}
    assert not np.array_equal(before, panel.grid.samples[1].pixels)
    assert ctx.preferences.sections["gan"]["truncation"] == pytest.approx(0.2)
    from studio.state import preferences as prefs_mod

    qtbot.waitUntil(
        lambda: (
            prefs_mod.load_preferences()[0].sections.get("gan", {}).get("truncation") == pytest.approx(0.2)
        ),
        timeout=5000,
    )
    _wait_idle(qtbot, ctx)


def test_click_then_variations_and_back(qtbot, ctx, panel):
    from PySide6.QtCore import Qt

    qtbot.mouseClick(panel.grid.tiles[5], Qt.MouseButton.LeftButton)
    assert (
        panel.grid.selection == [5] and panel.vary_button.isEnabled() and not panel.cross_button.isEnabled()
    )
    panel.vary_button.click()
    qtbot.waitUntil(lambda: "variation" in panel.grid.samples[1].recipe, timeout=20000)
    assert panel.grid.samples[0].recipe == {"seed": 5}
    assert panel.grid.samples[3].recipe["of"] == {"seed": 5}
    first = panel.grid.samples[3].latent.copy()
    panel.strength_slider.setValue(120)  # live: same variation seeds, further away
    qtbot.waitUntil(lambda: panel.grid.samples[3].recipe["strength"] == pytest.approx(1.2), timeout=20000)
    parent = panel.grid.samples[0].latent
    assert np.linalg.norm(panel.grid.samples[3].latent - parent) > np.linalg.norm(first - parent)
    panel.back_button.click()
    qtbot.waitUntil(lambda: panel.grid.samples[0].recipe == {"seed": 0}, timeout=20000)
    _wait_idle(qtbot, ctx)


def test_pick_two_interpolate_cross_and_export(qtbot, ctx, panel, tmp_path):
    from PySide6.QtCore import Qt

    qtbot.mouseClick(panel.grid.tiles[2], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.grid.tiles[7], Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier)
    assert panel.grid.selection == [2, 7] and panel.cross_button.isEnabled()
    assert "A: seed 2" in panel.selection_label.text() and "B: seed 7" in panel.selection_label.text()
    panel.strip.frames_spin.setValue(6)
    panel.strip.interpolate_button.click()
    qtbot.waitUntil(lambda: panel.strip.frames is not None, timeout=20000)
    assert panel.strip.frames.shape == (6, 32, 32, 3)
    assert np.array_equal(panel.strip.frames[0], panel.grid.samples[2].pixels)
    gif = tmp_path / "anim.gif"
    panel.actions.ask_save_path = lambda *a: str(gif)
    panel.strip.gif_button.click()
    qtbot.waitUntil(gif.exists, timeout=20000)
    folder = tmp_path / "frames"
    panel.actions.ask_folder = lambda *a: str(folder)
    panel.strip.png_button.click()
    qtbot.waitUntil(lambda: len(list(folder.glob("*.png"))) == 6, timeout=20000)
    panel.cross_button.click()
    qtbot.waitUntil(lambda: "cross" in panel.grid.samples[-1].recipe, timeout=20000)
    assert panel.grid.samples[0].recipe == {"seed": 2} and panel.grid.samples[1].recipe == {"seed": 7}
    _wait_idle(qtbot, ctx)


def test_send_style_palette_and_save(qtbot, ctx, panel, tmp_path):
    from PySide6.QtCore import Qt

    qtbot.mouseClick(panel.grid.tiles[3], Qt.MouseButton.LeftButton)
    panel.send_size_combo.setCurrentIndex(panel.send_size_combo.findData(256))
    panel.send_button.click()
    qtbot.waitUntil(lambda: ctx.document() is not None, timeout=20000)
    assert ctx.document().image.shape == (256, 256, 3)
    with qtbot.waitSignal(ctx.style_added, timeout=20000) as styled:
        panel.style_button.click()
    style_path = styled.args[0]
    assert style_path.endswith(".png") and "styles" in style_path
    with qtbot.waitSignal(ctx.palette_requested, timeout=5000) as pal:
        panel.palette_button.click()
    assert np.array_equal(pal.args[0], panel.grid.samples[3].pixels)
    target = tmp_path / "keep.png"
    panel.actions.ask_save_path = lambda *a: str(target)
    panel.save_button.click()
    qtbot.waitUntil(lambda: target.with_suffix(".json").exists(), timeout=20000)
    meta = json.loads(target.with_suffix(".json").read_text())
    assert meta["seed"] == 3 and meta["model"]["name"] == "tiny" and "truncation" in meta
    _wait_idle(qtbot, ctx)


def test_train_stop_keeps_checkpoint_then_resume(qtbot, ctx, panel, tmp_path, monkeypatch):
    import models.gan

    # The panel trains the app's architecture; a narrow one keeps this test quick.
    monkeypatch.setattr(models.gan, "default_arch", lambda res: SPATIAL)
    folder = tmp_path / "mine"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for i in range(5):
        Image.fromarray(rng.integers(0, 256, (48, 48, 3), dtype=np.uint8)).save(folder / f"p{i}.png")
    (folder / "broken.jpg").write_bytes(b"not a jpeg")
    box = panel.train_box
    panel.trainer.ask_folder = lambda: str(folder)
    box.browse_button.click()
    assert box.folder_edit.text() == str(folder)
    box.steps_spin.setValue(100000)
    box.start_combo.setCurrentIndex(box.start_combo.findData("scratch"))
    assert "at least 20 images" in box.guide_label.text() and box.size_combo.isEnabled()
    box.train_button.click()
    assert box.stop_button.isEnabled() and not box.train_button.isEnabled()
    qtbot.waitUntil(lambda: len(box.plot.points) >= 2, timeout=30000)
    box.stop_button.click()
    qtbot.waitUntil(lambda: box.train_button.isEnabled(), timeout=30000)
    out = ctx.data_dir() / "gan" / "mine-96px.safetensors"
    info = json.loads(out.with_suffix(".json").read_text())
    assert info["steps"] >= 2 and info["data"]["skipped"] == 1
    assert panel.model_path() == out and box.resume_button.isEnabled()
    assert "stopped" in box.status_label.text()
    box.steps_spin.setValue(2)
    box.resume_button.click()
    qtbot.waitUntil(lambda: box.train_button.isEnabled() and "Done" in box.status_label.text(), timeout=30000)
    assert json.loads(out.with_suffix(".json").read_text())["steps"] == info["steps"] + 2
    _wait_idle(qtbot, ctx)


def test_too_few_images_is_reported(qtbot, ctx, panel, tmp_path):
    folder = tmp_path / "few"
    folder.mkdir()
    Image.fromarray(np.zeros((40, 40, 3), np.uint8)).save(folder / "only.png")
    panel.train_box.folder_edit.setText(str(folder))
    panel.train_box.start_combo.setCurrentIndex(panel.train_box.start_combo.findData("scratch"))
    with qtbot.waitSignal(ctx.reporter.reported, timeout=30000) as reported:
        panel.train_box.train_button.click()
    assert "found 1 usable image" in reported.args[1]
    qtbot.waitUntil(lambda: panel.train_box.train_button.isEnabled(), timeout=10000)
    assert "failed" in panel.train_box.status_label.text()


def test_malformed_user_model_is_reported_not_crashing(qtbot, ctx, panel):
    bad = ctx.data_dir() / "gan" / "broken.safetensors"
    bad.write_bytes(b"\x80\x04 this is a pickle, renamed")
    panel.reload_models(select=str(bad))
    assert panel.model_path() == bad
    with qtbot.waitSignal(ctx.reporter.reported, timeout=20000) as reported:
        panel.refresh(seeds=[1, 2])
    assert "not a valid .safetensors" in reported.args[1]
    _wait_idle(qtbot, ctx)


def test_refresh_button_draws_sixteen_new_seeds(qtbot, ctx, panel):
    _wait_idle(qtbot, ctx)
    before = [s.recipe for s in panel.grid.samples]
    qtbot.mouseClick(panel.refresh_button, Qt.MouseButton.LeftButton)  # clicked(bool) must not become seeds
    qtbot.waitUntil(lambda: [s.recipe for s in panel.grid.samples] != before, timeout=20000)
    seeds = [s.recipe["seed"] for s in panel.grid.samples]
    assert len(set(seeds)) == 16 and seeds == list(range(seeds[0], seeds[0] + 16))
    _wait_idle(qtbot, ctx)


@pytest.fixture
def spatial_model(ctx):
    from models.gan.spatial import SpatialDiscriminator, SpatialGenerator

    torch.manual_seed(0)
    g = SpatialGenerator(SPATIAL)
    with torch.no_grad():
        for _ in range(3):
            g(g.random_grid(8, 4, 4))
    path = ctx.data_dir() / "gan" / "spatial.safetensors"
    d = SpatialDiscriminator(SPATIAL).state_dict()
    save_checkpoint(path, Checkpoint(SPATIAL, g.state_dict(), g.state_dict(), d, {"steps": 3}))
    return path


def test_spatial_model_sends_a_sample_painted_at_the_picture_size(qtbot, ctx, panel, spatial_model):
    panel.reload_models(select=str(spatial_model))
    panel.refresh(seeds=list(range(16)))
    qtbot.waitUntil(
        lambda: len(panel.grid.samples) == 16 and panel.grid.samples[0].pixels.shape[0] == 256, timeout=30000
    )
    ctx.open_array(np.zeros((200, 300, 3), np.uint8), "picture")
    qtbot.mouseClick(panel.grid.tiles[2], Qt.MouseButton.LeftButton)
    panel.send_size_combo.setCurrentIndex(panel.send_size_combo.findData(0))  # "picture size"
    doc = ctx.document()
    layers = len(doc.layers)
    panel.send_button.click()
    qtbot.waitUntil(lambda: len(doc.layers) == layers + 1, timeout=30000)
    sent = doc.layers[-1].image[..., :3]
    assert sent.shape == (200, 300, 3) and doc.layers[-1].provenance["size"] == [300, 200]
    # Painted at that size, not enlarged: its top-left 256 px region is the grid's sample itself.
    grid_px = panel.grid.samples[2].pixels.astype(float)
    assert np.abs(sent[40:160, 40:200].astype(float) - grid_px[40:160, 40:200]).mean() < 12
    _wait_idle(qtbot, ctx)


def test_fine_tune_starts_from_the_bundled_model(qtbot, ctx, panel, spatial_model, tmp_path, monkeypatch):
    folder = tmp_path / "mine"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for i in range(5):
        Image.fromarray(rng.integers(0, 256, (48, 48, 3), dtype=np.uint8)).save(folder / f"p{i}.png")
    box = panel.train_box
    monkeypatch.setattr(panel.trainer, "bundled_model", lambda: spatial_model)
    box.start_combo.setCurrentIndex(box.start_combo.findData("bundled"))
    assert "10–50 of your own images" in box.guide_label.text() and not box.size_combo.isEnabled()
    box.folder_edit.setText(str(folder))
    box.steps_spin.setValue(2)
    box.train_button.click()
    qtbot.waitUntil(lambda: box.train_button.isEnabled() and "Done" in box.status_label.text(), timeout=60000)
    out = ctx.data_dir() / "gan" / "mine-tuned.safetensors"
    info = json.loads(out.with_suffix(".json").read_text())
    assert info["init"]["from"] == str(spatial_model) and info["steps"] == 2
    _wait_idle(qtbot, ctx)


def test_first_show_draws_the_grid_and_back_waits_for_a_history(qtbot, ctx, tiny_model):
    from studio.panels.gan_panel import GanPanel

    p = GanPanel(ctx)
    qtbot.addWidget(p)
    p.model_combo.setCurrentIndex(p.model_combo.findData(str(tiny_model)))
    assert not p.back_button.isEnabled()  # nothing to go back to
    assert p.page is None
    p.show()  # the first time the tab is seen: sixteen samples, no empty squares
    qtbot.waitUntil(lambda: len(p.grid.samples) == 16, timeout=20000)
    _wait_idle(qtbot, ctx)
    assert not p.back_button.isEnabled()
    p.refresh_button.click()
    assert p.back_button.isEnabled()
    _wait_idle(qtbot, ctx)


def _seam(pixels):
    """The step across the wrap-around edges (left|right and top|bottom), relative to the steps inside."""
    p = pixels.astype(float)
    inside = (np.abs(np.diff(p, axis=1)).mean() + np.abs(np.diff(p, axis=0)).mean()) / 2
    wrap = (np.abs(p[:, 0] - p[:, -1]).mean() + np.abs(p[0] - p[-1]).mean()) / 2
    return wrap / inside


def test_tileable_toggle_makes_the_samples_periodic(qtbot, ctx, panel, spatial_model):
    from models.gan import GanModel

    assert not panel.tileable_box.isChecked() and ctx.preferences.sections["gan"]["tileable"] is False
    assert not panel.tileable_box.isEnabled()  # the tiny first-engine model paints fixed squares
    panel.reload_models(select=str(spatial_model))
    assert panel.tileable_box.isEnabled()
    panel.refresh(seeds=list(range(16)))
    qtbot.waitUntil(
        lambda: len(panel.grid.samples) == 16 and panel.grid.samples[0].pixels.shape[0] == 256, timeout=30000
    )
    _wait_idle(qtbot, ctx)
    plain = [s.pixels.copy() for s in panel.grid.samples[:4]]
    assert not any(s.tileable for s in panel.grid.samples)

    panel.tileable_box.setChecked(True)
    qtbot.waitUntil(lambda: all(s.tileable for s in panel.grid.samples), timeout=30000)
    _wait_idle(qtbot, ctx)
    assert ctx.preferences.sections["gan"]["tileable"] is True
    engine = GanModel.load(spatial_model, device="cpu")
    for seed in range(4):
        sample = panel.grid.samples[seed]
        assert sample.recipe == {"seed": seed}
        # What the CLI's `gan sample --tileable` paints for this seed, pixel for pixel.
        expected = engine.sample([seed], panel.truncation(), size=256, tileable=True)[0].pixels
        assert np.array_equal(sample.pixels, expected)
        # Tiled 2×2 it shows no seam: the wrap-around steps are like the steps inside; the plain one's are not.
        assert _seam(sample.pixels) < 1.5
        assert _seam(sample.pixels) < _seam(plain[seed])
        tiled = np.tile(sample.pixels, (2, 2, 1)).astype(float)
        rows = np.abs(np.diff(tiled, axis=0)).mean(axis=(1, 2))
        assert rows[255] < 1.5 * np.median(rows)  # the row where the copies meet is not a seam

    panel.tileable_box.setChecked(False)  # and back: the plain samples again
    qtbot.waitUntil(lambda: not any(s.tileable for s in panel.grid.samples), timeout=30000)
    assert np.array_equal(panel.grid.samples[0].pixels, plain[0])
    _wait_idle(qtbot, ctx)
