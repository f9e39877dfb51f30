"""The GAN panel's pages: which sixteen samples the grid shows (seeds, variations of A, children of A × B),
the history Back returns through, and the first draw when the panel is first seen (a mixin of
``GanPanel``). Every page is rendered by one job with the key ``RENDER_KEY``: a newer request supersedes
it."""

from __future__ import annotations

import random
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDockWidget

from studio.panels.gan import jobs

RENDER_KEY = "gan-render"

#: The first draw waits this long after the panel shows, so a tab shown only while the window was being laid
#: out (then hidden behind another tab) does not start a job nobody sees.
FIRST_DRAW_DELAY_MS = 400


class PagesMixin:
    page: jobs.PageSpec | None
    history: list[jobs.PageSpec]
    _variation: tuple[Any, int] | None  # (parent sample, variation seed) of the page shown
    _drawn_once: bool  # the first time the panel shows, it draws its samples (no empty grid)
    _watching_dock: bool

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
        tileable = self.tileable_box.isChecked()
        if self.trainer.running:
            self.note("GAN samples will appear when training stops (one torch job at a time).")
        self.start_job(
            "GAN samples",
            lambda: jobs.render_page(models, path, spec, truncation, device, tileable=tileable),
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

    # -- the first draw -------------------------------------------------------------------------
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
