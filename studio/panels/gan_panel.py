"""The GAN panel: a 4×4 grid of samples to react to (refresh, vary, cross, interpolate, keep) and training
on a folder of the painter's own images.

All sampling and training runs in the job runner's torch pool (``studio.panels.gan.jobs``); the grid shows
each sample's seed. torch is never imported here.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models.gan.info import read_info_or_empty
from models.gan.paths import BUNDLED_MODEL, list_models
from studio.context import AppContext
from studio.panels.base import Panel
from studio.panels.gan import jobs
from studio.panels.gan.interp_strip import InterpolationStrip
from studio.panels.gan.sample_actions import SampleActions
from studio.panels.gan.sample_grid import SampleGrid
from studio.panels.gan.train_box import TRAIN_SIZES, TrainBox
from studio.panels.gan.training import TrainController
from studio.state.panel_settings import Setting, SettingsSpec, between, one_of

SEND_SIZES = (256, 512, 1024, 2048)
RENDER_KEY = "gan-render"


def _slider(value: float, lo: int, hi: int) -> QSlider:
    s = QSlider(Qt.Orientation.Horizontal)
    s.setRange(lo, hi)
    s.setValue(int(round(value * 100)))
    return s


#: The first draw waits this long after the panel shows, so a tab shown only while the window was being laid
#: out (then hidden behind another tab) does not start a job nobody sees.
FIRST_DRAW_DELAY_MS = 400


class GanPanel(Panel):
    SETTINGS = SettingsSpec(
        "gan",
        1,
        (
            Setting("model", ""),  # the path of the model chosen last
            Setting("truncation", 0.7, between(0.05, 1.5)),
            Setting("strength", 0.35, between(0.02, 1.5)),
            Setting("seed", 0, between(0, 2**31)),  # the first seed of the page seen last
            Setting("send_size", 0, one_of((0, *SEND_SIZES))),  # 0: the open picture's size
            Setting("frames", 12, between(3, 120)),
            Setting("train_folder", ""),
            Setting("train_size", 96, one_of(TRAIN_SIZES)),
            Setting("train_steps", 3000, between(1, 1_000_000)),
            Setting("train_start", "bundled", one_of(("bundled", "scratch"))),
        ),
    )

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.models = jobs.ModelCache()
        self.page: jobs.PageSpec | None = None
        self.history: list[jobs.PageSpec] = []
        self._variation: tuple[Any, int] | None = None  # (parent sample, variation seed) of the page shown
        self._drawn_once = False  # the first time the panel shows, it draws its samples (no empty grid)
        self._watching_dock = False

        tabs = QTabWidget()
        QVBoxLayout(self).addWidget(tabs)
        samples_tab = QWidget()
        tabs.addTab(samples_tab, "Samples")
        self.train_box = TrainBox()
        tabs.addTab(self.train_box, "Train")
        self.tabs = tabs
        lay = QVBoxLayout(samples_tab)

        row = QHBoxLayout()
        self.model_combo = QComboBox()
        self.model_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        row.addWidget(QLabel("Model"))
        row.addWidget(self.model_combo, 1)
        lay.addLayout(row)

        grid = QGridLayout()
        self.truncation_slider = _slider(self.settings["truncation"], 5, 150)
        self.truncation_label = QLabel()
        self.truncation_slider.setToolTip("Lower is tamer and more typical; higher is wilder")
        grid.addWidget(QLabel("Truncation"), 0, 0)
        grid.addWidget(self.truncation_slider, 0, 1)
        grid.addWidget(self.truncation_label, 0, 2)
        self.strength_slider = _slider(self.settings["strength"], 2, 150)
        self.strength_label = QLabel()
        grid.addWidget(QLabel("Variation"), 1, 0)
        grid.addWidget(self.strength_slider, 1, 1)
        grid.addWidget(self.strength_label, 1, 2)
        lay.addLayout(grid)

        row = QHBoxLayout()
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setToolTip("Sixteen new seeds")
        self.back_button = QPushButton("Back")
        self.back_button.setEnabled(False)  # nothing to go back to yet
        self.page_label = QLabel()
        row.addWidget(self.refresh_button)
        row.addWidget(self.back_button)
        row.addWidget(self.page_label, 1)
        lay.addLayout(row)

        self.grid = SampleGrid()
        lay.addWidget(self.grid)
        self.selection_label = QLabel()
        self.selection_label.setWordWrap(True)
        lay.addWidget(self.selection_label)

        row = QHBoxLayout()
        self.vary_button = QPushButton("Variations")
        self.vary_button.setToolTip("Variations of A (or double-click a sample)")
        self.cross_button = QPushButton("Cross A × B")
        row.addWidget(self.vary_button)
        row.addWidget(self.cross_button)
        lay.addLayout(row)
        row = QHBoxLayout()
        self.send_size_combo = QComboBox()
        self.send_size_combo.addItem("picture size", 0)
        for size in SEND_SIZES:
            self.send_size_combo.addItem(f"{size} px", size)
        self.send_size_combo.setToolTip(
            "The size Send to canvas paints at: the open picture's (a new 1024 px square when none is open) "
            "or a square. Spatial models paint it directly; the older 64 px model is enlarged"
        )
        self.send_size_combo.setCurrentIndex(
            max(0, self.send_size_combo.findData(self.settings["send_size"]))
        )
        self.send_button = QPushButton("Send to canvas")
        row.addWidget(self.send_button, 1)
        row.addWidget(self.send_size_combo)
        lay.addLayout(row)
        row = QHBoxLayout()
        self.style_button = QPushButton("Use as style")
        self.palette_button = QPushButton("Extract palette")
        self.save_button = QPushButton("Save PNG…")
        for b in (self.style_button, self.palette_button, self.save_button):
            row.addWidget(b)
        lay.addLayout(row)
        self.strip = InterpolationStrip()
        self.strip.frames_spin.setValue(self.settings["frames"])
        lay.addWidget(self.strip)
        lay.addWidget(self.message)
        lay.addStretch(1)

        self.actions = SampleActions(self)
        self.trainer = TrainController(self, self.train_box)
        self.trainer.model_saved.connect(self._on_trainer_model_saved)
        self.model_combo.currentIndexChanged.connect(self._on_model_combo_changed)
        self.truncation_slider.valueChanged.connect(self._on_truncation_changed)
        self.strength_slider.valueChanged.connect(self._on_strength_changed)
        self.refresh_button.clicked.connect(lambda: self.refresh())  # clicked passes a bool
        self.back_button.clicked.connect(self.back)
        self.grid.selection_changed.connect(self._on_grid_selection_changed)
        self.grid.variations_requested.connect(self._on_grid_variations_requested)
        self.vary_button.clicked.connect(lambda: self.show_variations(new_seed=True))
        self.cross_button.clicked.connect(self.show_children)
        self.send_button.clicked.connect(self.actions.send_to_canvas)
        self.style_button.clicked.connect(self.actions.use_as_style)
        self.palette_button.clicked.connect(self.actions.extract_palette)
        self.save_button.clicked.connect(self.actions.save_png)
        self.strip.interpolate_requested.connect(self.actions.interpolate)
        self.strip.export_requested.connect(self.actions.export_frames)
        self.reload_models(select=self.settings["model"])
        # Nothing is sampled until asked: the window must start without importing torch.
        self.page_label.setText("Refresh draws 16 samples")
        self._update_labels()
        self._on_grid_selection_changed()

    # -- models ---------------------------------------------------------------------------------
    def model_path(self) -> Path | None:
        data = self.model_combo.currentData()
        return Path(data) if data else None

    def reload_models(self, select: str | None = None) -> None:
        self.model_combo.blockSignals(True)
        self.model_combo.clear()
        for path in list_models(self.trainer.models_dir()):
            self.model_combo.addItem(_model_title(path), str(path))
        index = self.model_combo.findData(select) if select else -1
        self.model_combo.setCurrentIndex(index if index >= 0 else 0)
        self.model_combo.blockSignals(False)
        self._on_model_combo_changed()

    def _on_model_combo_changed(self) -> None:
        path = self.model_path()
        self.settings.update(model=str(path) if path else "")
        self.trainer.set_resume_target(path if path and path != BUNDLED_MODEL and _trainable(path) else None)
        if self.page is not None:  # the same seeds through the newly chosen model (latents may not fit it)
            seeds = [int(r["seed"]) for r in self.page.recipes] if self._seed_page() else None
            self.page = None
            self.refresh(seeds=seeds)
        self.history.clear()

    def _on_trainer_model_saved(self, path: str) -> None:
        self.reload_models(select=path)

    # -- pages ----------------------------------------------------------------------------------
    def truncation(self) -> float:
        return self.truncation_slider.value() / 100.0

    def strength(self) -> float:
        return self.strength_slider.value() / 100.0

    def refresh(self, seeds: list[int] | None = None) -> None:
        """Sixteen samples from new seeds (or the given ones)."""
        path = self.model_path()
        if path is None:
            self.page_label.setText("No model: train one on the Train tab.")
            return
        if seeds is None and self.page is None:  # the first Refresh shows the seeds seen last time
            first = self.settings["seed"]
            seeds = list(range(first, first + 16))
        if seeds is None:
            base = random.randrange(0, 1_000_000)
            seeds = list(range(base, base + 16))
        self.settings.update(seed=seeds[0])
        self._variation = None
        if self.page is not None:
            self.history.append(self.page)
        device, models = self.ctx.preferences.device, self.models
        self._render(lambda: jobs.seed_page(models, path, seeds, device))

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        # In a tabbed dock the panel is "shown" at start-up behind another tab and not shown again when
        # its tab is picked: the dock's visibility says when the painter actually sees it.
        dock = self.parentWidget()
        while dock is not None and not isinstance(dock, QDockWidget):
            dock = dock.parentWidget()
        if dock is not None and not self._watching_dock:
            self._watching_dock = True
            dock.visibilityChanged.connect(self._on_dock_visibility)
        self._on_dock_visibility(True)

    def _on_dock_visibility(self, visible: bool) -> None:
        if visible and not self._drawn_once and self.page is None:
            QTimer.singleShot(FIRST_DRAW_DELAY_MS, self._first_draw)

    def _first_draw(self) -> None:
        if self._drawn_once or self.page is not None or self.visibleRegion().isEmpty():
            return  # behind another tab: the dock's visibility brings us back
        self._drawn_once = True
        if self.running_job(RENDER_KEY) is None:
            self.refresh()

    def back(self) -> None:
        if self.history:
            self._variation = None
            self._render(self.history.pop())

    def show_variations(self, new_seed: bool = True) -> None:
        """Variations of A with a new variation seed, or (``new_seed=False``) the current ones re-made."""
        picked = self.grid.selected()
        path = self.model_path()
        parent = picked[0] if new_seed and picked else (self._variation[0] if self._variation else None)
        if parent is None or path is None:
            return
        # Variation seeds are small (1, 16, 31, …) so that captions such as "5 · v46" fit on a tile.
        seed = (
            15 * random.randrange(0, 200) + 1 if new_seed or self._variation is None else self._variation[1]
        )
        if self.page is not None and new_seed:
            self.history.append(self.page)
        self._variation = (parent, seed)
        strength, device, models = self.strength(), self.ctx.preferences.device, self.models
        self._render(
            lambda: jobs.variation_page(
                models, path, parent.latent, parent.recipe, strength, seed, device=device
            )
        )

    def show_children(self) -> None:
        picked = self.grid.selected()
        path = self.model_path()
        if len(picked) < 2 or path is None:
            return
        a, b = picked
        if self.page is not None:
            self.history.append(self.page)
        self._variation = None
        seed, device, models = random.randrange(1, 1_000_000), self.ctx.preferences.device, self.models
        self._render(lambda: jobs.cross_page(models, path, a, b, seed, device=device))

    def _render(self, spec: Any) -> None:
        path = self.model_path()
        if path is None:
            return
        truncation, device, models = self.truncation(), self.ctx.preferences.device, self.models
        if self.trainer.running:
            self.note("GAN samples will appear when training stops (one torch job at a time).")
        self.start_job(
            "GAN samples",
            lambda: jobs.render_page(models, path, spec, truncation, device),
            key=RENDER_KEY,
            pool="torch",
            done=self._on_render_done,
        )
        self.back_button.setEnabled(bool(self.history))

    def _on_render_done(self, samples: list[Any]) -> None:
        import numpy as np

        keep = (
            self.page is not None
            and len(self.page.recipes) == len(samples)
            and all(a == s.recipe for a, s in zip(self.page.recipes, samples, strict=True))
        )
        last = samples[-1].recipe if samples else {}
        if "cross" in last:
            title = "A, B and their children"
        elif "variation" in last:
            title = "variations of " + samples[0].label
        else:
            title = f"seeds {samples[0].recipe['seed']}–{last['seed']}" if samples else ""
        self.page = jobs.PageSpec(
            np.stack([s.latent for s in samples]), tuple(s.recipe for s in samples), title
        )
        self.grid.set_samples(samples, keep_selection=keep)
        self.page_label.setText(title)
        self.back_button.setEnabled(bool(self.history))

    def _seed_page(self) -> bool:
        return self.page is not None and all("seed" in r for r in self.page.recipes)

    def _on_truncation_changed(self) -> None:
        self.settings.update(truncation=self.truncation())
        self._update_labels()
        if self.page is not None:
            self._render(self.page)

    def _on_strength_changed(self) -> None:
        self.settings.update(strength=self.strength())
        self._update_labels()
        if self._variation is not None:  # live: the same variation seeds, further from or nearer to A
            self.show_variations(new_seed=False)

    def _update_labels(self) -> None:
        self.truncation_label.setText(f"{self.truncation():.2f}")
        self.strength_label.setText(f"{self.strength():.2f}")

    def _on_grid_selection_changed(self) -> None:
        picked = self.grid.selected()
        one, two = bool(picked), len(picked) == 2
        for b in (
            self.vary_button,
            self.send_button,
            self.style_button,
            self.palette_button,
            self.save_button,
        ):
            b.setEnabled(one)
        self.cross_button.setEnabled(two)
        self.strip.set_can_interpolate(two)
        if not picked:
            self.selection_label.setText(
                "Click a sample to select it (A); Ctrl+click another for B to cross them, or to interpolate "
                "A → B further down."
            )
        else:
            text = "  ·  ".join(f"{'AB'[i]}: {s.label}" for i, s in enumerate(picked))
            if two:
                text += "  —  Interpolate A → B is below ↓"
            self.selection_label.setText(text)

    def _on_grid_variations_requested(self, index: int) -> None:
        self.grid.select(index)
        self.show_variations(new_seed=True)


def _model_title(path: Path) -> str:
    info = read_info_or_empty(path)
    arch = info.get("arch") if isinstance(info.get("arch"), dict) else {}
    size = "any size" if arch.get("kind") == "spatial" else f"{info.get('resolution', '?')} px"
    detail = f" ({size}, {info.get('steps', '?')} steps)" if info else ""
    return ("Paintings (bundled)" if path == BUNDLED_MODEL else path.stem) + detail


def _trainable(path: Path) -> bool:
    return bool(read_info_or_empty(path).get("trainable"))
