"""The GAN panel: a 4×4 grid of samples to react to (refresh, vary, cross, interpolate, keep) and training
on a folder of the painter's own images.

All sampling and training runs in the job runner's torch pool (``studio.panels.gan.jobs``); the grid shows
each sample's seed. torch is never imported here. The parts live in ``studio/panels/gan/``: the Samples
tab's widgets (``samples_tab.py``), its pages and history (``pages.py``), the grid (``sample_grid.py``),
the interpolation strip (``interp_strip.py``), the per-sample actions (``sample_actions.py``) and the Train
tab (``train_box.py``, ``training.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from models.gan.info import read_info_or_empty
from models.gan.paths import BUNDLED_MODEL, list_models
from studio.context import AppContext
from studio.panels.base import Panel
from studio.panels.gan import jobs
from studio.panels.gan.pages import PagesMixin
from studio.panels.gan.sample_actions import SampleActions
from studio.panels.gan.samples_tab import NOT_TILEABLE_TIP, SEND_SIZES, TILEABLE_TIP, SamplesTabMixin
from studio.panels.gan.train_box import TRAIN_SIZES, TrainBox
from studio.panels.gan.training import TrainController
from studio.state.panel_settings import Setting, SettingsSpec, between, one_of


class GanPanel(PagesMixin, SamplesTabMixin, Panel):
    SETTINGS = SettingsSpec(
        "gan",
        1,
        (
            Setting("model", ""),  # the path of the model chosen last
            Setting("truncation", 0.7, between(0.05, 1.5)),
            Setting("strength", 0.35, between(0.02, 1.5)),
            Setting("tileable", False),  # off, as `gan sample` without --tileable
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
        self._variation: tuple[Any, int] | None = None
        self._drawn_once = False
        self._watching_dock = False

        self.tabs = QTabWidget()
        QVBoxLayout(self).addWidget(self.tabs)
        self.tabs.addTab(self._build_samples_tab(), "Samples")
        self.train_box = TrainBox()
        self.tabs.addTab(self.train_box, "Train")

        self.actions = SampleActions(self)
        self.trainer = TrainController(self, self.train_box)
        self.trainer.model_saved.connect(self._on_trainer_model_saved)
        self.model_combo.currentIndexChanged.connect(self._on_model_combo_changed)
        self.truncation_slider.valueChanged.connect(self._on_truncation_changed)
        self.strength_slider.valueChanged.connect(self._on_strength_changed)
        self.tileable_box.toggled.connect(self._on_tileable_toggled)
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
        spatial = path is not None and _spatial(path)
        self.tileable_box.setEnabled(spatial)  # the setting is kept for the next spatial model
        self.tileable_box.setToolTip(TILEABLE_TIP if spatial else NOT_TILEABLE_TIP)
        if self.page is not None:  # the same seeds through the newly chosen model (latents may not fit it)
            seeds = [int(r["seed"]) for r in self.page.recipes] if self._seed_page() else None
            self.page = None
            self.refresh(seeds=seeds)
        self.history.clear()

    def _on_trainer_model_saved(self, path: str) -> None:
        self.reload_models(select=path)

    # -- controls -------------------------------------------------------------------------------
    def _on_truncation_changed(self) -> None:
        self.settings.update(truncation=self.truncation())
        self._update_labels()
        if self.page is not None:
            self._render(self.page)

    def _on_tileable_toggled(self, on: bool) -> None:
        self.settings.update(tileable=on)
        if self.page is not None:  # the same page, now wrapping at its edges (or not)
            self._render(self.page)

    def _on_strength_changed(self) -> None:
        self.settings.update(strength=self.strength())
        self._update_labels()
        if self._variation is not None:  # live: the same variation seeds, further from or nearer to A
            self.show_variations(new_seed=False)

    def _on_grid_variations_requested(self, index: int) -> None:
        self.grid.select(index)
        self.show_variations(new_seed=True)


def _arch(info: dict[str, Any]) -> dict[str, Any]:
    return info["arch"] if isinstance(info.get("arch"), dict) else {}


def _model_title(path: Path) -> str:
    info = read_info_or_empty(path)
    size = "any size" if _arch(info).get("kind") == "spatial" else f"{info.get('resolution', '?')} px"
    detail = f" ({size}, {info.get('steps', '?')} steps)" if info else ""
    return ("Paintings (bundled)" if path == BUNDLED_MODEL else path.stem) + detail


def _trainable(path: Path) -> bool:
    return bool(read_info_or_empty(path).get("trainable"))


def _spatial(path: Path) -> bool:
    """A spatial model paints any size and can tile; the first engine's models paint fixed squares."""
    return _arch(read_info_or_empty(path)).get("kind") == "spatial"
