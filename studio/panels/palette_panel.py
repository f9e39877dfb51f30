"""The Palette panel: colours of the document (or a rectangle) with share bars, live colour count, mood and
sort, a colour wheel with the chosen harmony, swatch details, eyedropper, export/import, saved palettes,
recolour preview. Edits go through ``ctx.palette_undo_stack`` (commands call ``studio.state.palette``);
the extraction made when a picture opens is not an edit and pushes no undo step.
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from models.palette import HARMONIES, MOODS, SORTS, WHEELS, PaletteConfig, extract_palette_steps, sort_colors
from models.palette.color import rgb_to_hsv, rgb_to_lab
from models.palette.extract import PaletteColor
from models.palette.recolor import posterize_steps
from models.progress import Progress
from studio.context import AppContext
from studio.io.saved_palettes import SavedPalettes
from studio.jobs import Job
from studio.panels.base import Panel
from studio.panels.palette.canvas_tools import CanvasTools
from studio.panels.palette.commands import SetSwatchesCommand, add_swatch_command, remove_swatch_command
from studio.panels.palette.files import PaletteFiles
from studio.panels.palette.harmony_box import HarmonyBox
from studio.panels.palette.options import ExtractOptions
from studio.panels.palette.source import PixelSource
from studio.panels.palette.swatches import SwatchList
from studio.state.palette import PaletteState
from studio.state.panel_settings import Setting, SettingsSpec, between, one_of
from studio.state.swatches import Swatch

EXTRACT_KEY, RECOLOUR_KEY = "palette", "palette-recolour"


def describe(rgb: tuple[int, int, int]) -> str:
    """One line with a colour in hex, RGB, HSV and CIELAB."""
    h, s, v = rgb_to_hsv(np.array(rgb, dtype=np.float64))
    L, a, b = rgb_to_lab(np.array(rgb, dtype=np.uint8))
    hexcode = "#{:02x}{:02x}{:02x}".format(*rgb)
    return (f"{hexcode}   RGB {rgb[0]}, {rgb[1]}, {rgb[2]}   HSV {h:.0f}°, {100 * s:.0f}%, {100 * v:.0f}%   "
            f"Lab {L:.1f}, {a:.1f}, {b:.1f}")  # fmt: skip


class PalettePanel(Panel):
    SETTINGS = SettingsSpec(
        "palette",
        1,
        (
            Setting("colors", 8, between(2, 16)),
            Setting("auto", False),
            Setting("mood", "", one_of(("", *MOODS))),
            Setting("sort", "share", one_of(SORTS)),
            Setting("harmony", "complementary", one_of(HARMONIES)),
            Setting("wheel", "ryb", one_of(WHEELS)),
        ),
    )

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.state = PaletteState()
        self.region: tuple[int, int, int, int] | None = None
        self.source = PixelSource(ctx.document)
        self.files = PaletteFiles(ctx, self.state, SavedPalettes(Path(ctx.data_dir()) / "palettes"))
        self._build()
        self.state.changed.connect(self.message.clear)  # a note about the palette as it was goes stale
        self.state.changed.connect(self._on_state_changed)
        ctx.document_opened.connect(self._on_document_opened)
        ctx.palette_requested.connect(self._on_palette_requested)
        ctx.project_extras[self.SETTINGS.section] = self.project_state
        self._on_state_changed()

    # -- layout -----------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        source = QHBoxLayout()
        self.extract_button = QPushButton("Extract")
        self.extract_button.setToolTip("Take the colours of the whole image")
        self.tools = CanvasTools(self.ctx.canvas, self)
        self.region_button, self.pick_button = self.tools.region_button, self.tools.pick_button
        for w in (self.extract_button, self.region_button, self.pick_button):
            source.addWidget(w)
        layout.addLayout(source)
        self.options = ExtractOptions(self.settings.as_dict())
        self.count_slider, self.auto_box = self.options.count_slider, self.options.auto_box
        self.mood_combo, self.sort_combo = self.options.mood_combo, self.options.sort_combo
        layout.addWidget(self.options)

        self.swatch_list = SwatchList()
        layout.addWidget(self.swatch_list)
        self.note("Open an image, then Extract.")
        layout.addWidget(self.message)
        edit_row = QHBoxLayout()
        self.remove_button = QPushButton("Remove colour")
        self.recolor_box = QCheckBox("Recolour preview")
        self.recolor_box.setToolTip("Show the image painted with only these colours")
        edit_row.addWidget(self.remove_button)
        edit_row.addWidget(self.recolor_box)
        layout.addLayout(edit_row)

        self.harmony = HarmonyBox(self.settings["harmony"], self.settings["wheel"])
        layout.addWidget(self.harmony, 1)

        layout.addWidget(self.files)

        self.extract_button.clicked.connect(self._on_extract_clicked)
        self.tools.region_chosen.connect(self._on_region_chosen)
        self.tools.pixel_chosen.connect(self._on_pixel_chosen)
        self.count_slider.valueChanged.connect(self._on_count_changed)
        self.auto_box.toggled.connect(self._on_auto_toggled)
        self.mood_combo.currentTextChanged.connect(self._on_option_changed)
        self.sort_combo.currentTextChanged.connect(self._on_sort_changed)
        self.swatch_list.swatch_clicked.connect(self._on_swatch_clicked)
        self.remove_button.clicked.connect(self._on_remove_clicked)
        self.recolor_box.toggled.connect(self._on_recolor_toggled)
        self.harmony.changed.connect(self._on_harmony_changed)

    # -- extraction -------------------------------------------------------------------------------
    def config(self) -> PaletteConfig:
        return self.options.config(self.region)

    def extract(self, auto: bool = False) -> Job | None:
        """Recompute the palette in the job runner; a newer request cancels a stale one.

        ``auto`` (a picture was opened) replaces the palette without an undo step."""
        pixels = self.source.steps()
        if pixels is None:
            self.note("Open an image first.")
            return None
        config = self.config()

        def steps() -> Generator[Progress, None, Any]:
            return (yield from extract_palette_steps((yield from pixels()), config))

        return self.start_job(
            "Palette",
            steps,
            key=EXTRACT_KEY,
            done=lambda result: self._on_extract_done(result, auto),
            failed=lambda message: self.note(f"Extraction failed ({message}); press Extract to try again."),
        )

    def _on_extract_done(self, result: Any, auto: bool) -> None:
        swatches = [Swatch(c.rgb, "", c.share) for c in result.colors]
        where = "region" if self.region else "image"
        if auto:
            self.state.set_swatches(swatches)
        else:
            text = f"Extract {len(swatches)} colours"
            self.ctx.palette_undo_stack.push(SetSwatchesCommand(self.state, swatches, text))
        self.say(
            f"Palette: {len(swatches)} colours from the {where}; "
            f"mean ΔE00 to the nearest colour {result.mean_delta_e:.1f}"
        )

    # -- state → widgets --------------------------------------------------------------------------
    def _on_state_changed(self) -> None:
        swatches = self.state.swatches
        self.swatch_list.set_swatches(swatches)
        self.harmony.show_palette(swatches, self._base_color())
        self.remove_button.setEnabled(self.swatch_list.selected >= 0)
        if self.recolor_box.isChecked():
            self._start_recolor()

    def _base_color(self) -> tuple[int, int, int] | None:
        swatches = self.state.swatches
        if not swatches:
            return None
        i = self.swatch_list.selected
        return swatches[i].rgb if 0 <= i < len(swatches) else swatches[0].rgb

    # -- option slots -----------------------------------------------------------------------------
    def _on_extract_clicked(self) -> None:
        self.region = None
        self.extract()

    def _on_count_changed(self, value: int) -> None:
        self.options.update_count_label()
        self.settings.update(colors=value)
        if self.source.has_pixels():
            self.extract()

    def _on_auto_toggled(self, checked: bool) -> None:
        self.options.update_count_label()
        self.settings.update(auto=checked)
        if self.source.has_pixels():
            self.extract()

    def _on_option_changed(self, _text: str) -> None:
        self.settings.update(mood=self.options.mood())
        if self.source.has_pixels():
            self.extract()

    def _on_sort_changed(self, key: str) -> None:
        self.settings.update(sort=key)
        colors = [PaletteColor.from_rgb(s.rgb, s.share or 0.0) for s in self.state.swatches]
        by_rgb = {s.rgb: s for s in self.state.swatches}
        ordered = [by_rgb[c.rgb] for c in sort_colors(colors, key)]
        if ordered != list(self.state.swatches):
            self.ctx.palette_undo_stack.push(SetSwatchesCommand(self.state, ordered, f"Sort by {key}"))

    def _on_harmony_changed(self, harmony: str, wheel: str) -> None:
        self.settings.update(harmony=harmony, wheel=wheel)
        self._on_state_changed()

    def _on_swatch_clicked(self, index: int) -> None:
        rgb = self.state.swatches[index].rgb
        QGuiApplication.clipboard().setText("#{:02x}{:02x}{:02x}".format(*rgb))
        self.note(describe(rgb) + "   (hex copied)")
        self.remove_button.setEnabled(True)
        self.harmony.show_base(self._base_color())

    def _on_remove_clicked(self) -> None:
        i = self.swatch_list.selected
        if 0 <= i < len(self.state):
            self.ctx.palette_undo_stack.push(remove_swatch_command(self.state, i))
            self.swatch_list.set_selected(-1)
            self.remove_button.setEnabled(False)

    # -- canvas tools -----------------------------------------------------------------------------
    def _on_region_chosen(self, x: int, y: int, w: int, h: int) -> None:
        self.region = (x, y, w, h)
        self.source.requested = None
        self.extract()

    def _on_pixel_chosen(self, x: int, y: int) -> None:
        rgb = self.source.pick(x, y)
        if rgb is None:
            return
        if self.state.contains_rgb(rgb):  # type: ignore[arg-type]
            self.ctx.status(f"{describe(rgb)} is already in the palette")  # type: ignore[arg-type]
            return
        self.ctx.palette_undo_stack.push(add_swatch_command(self.state, Swatch(rgb)))  # type: ignore[arg-type]
        self.note(describe(rgb) + "   (added)")  # type: ignore[arg-type]

    # -- documents and requests -------------------------------------------------------------------
    def _on_document_opened(self) -> None:
        self.source.requested = None
        self.region = None
        doc = self.ctx.document()
        if doc is None:
            return
        saved = doc.extras.get(self.SETTINGS.section)
        if isinstance(saved, dict) and self._restore(saved):
            return
        self.extract(auto=True)

    def project_state(self) -> dict[str, Any]:
        """The palette saved with a project (``Document.extras["palette"]``)."""
        return {
            "name": self.state.name,
            "swatches": [{"rgb": list(s.rgb), "name": s.name, "share": s.share} for s in self.state.swatches],
        }

    def _restore(self, saved: dict[str, Any]) -> bool:
        try:
            swatches = [
                Swatch(tuple(int(v) for v in item["rgb"]), str(item.get("name", "")), item.get("share"))
                for item in saved.get("swatches", [])
            ]
        except (KeyError, TypeError, ValueError):
            return False  # a damaged entry: extract afresh
        self.state.set_swatches(swatches, str(saved.get("name", self.state.name)))
        self.note(f"{len(swatches)} colours saved with the project")
        return True

    def _on_palette_requested(self, pixels: Any) -> None:
        self.source.requested = np.ascontiguousarray(pixels)
        self.region = None
        self.extract()

    # -- recolour preview -------------------------------------------------------------------------
    def _on_recolor_toggled(self, checked: bool) -> None:
        if checked:
            self._start_recolor()
        else:
            self.stop_job(RECOLOUR_KEY)
            self.ctx.canvas.set_preview(None)

    def _start_recolor(self) -> None:
        doc = self.ctx.document()
        if doc is None or not len(self.state):
            return
        snapshot, pal = doc.snapshot(), [s.rgb for s in self.state.swatches]

        def steps() -> Generator[Progress, None, Any]:
            return (yield from posterize_steps((yield from snapshot.flatten_steps()), pal))

        self.start_job(
            "Recolour preview",
            steps,
            key=RECOLOUR_KEY,
            done=self._on_recolor_done,
        )

    def _on_recolor_done(self, pixels: Any) -> None:
        if self.recolor_box.isChecked():
            self.ctx.canvas.set_preview(pixels)
