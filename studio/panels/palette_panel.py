"""The Palette panel: colours of the document (or a rectangle) with share bars, live colour count, mood and
sort, a colour wheel with the chosen harmony, swatch details, eyedropper, export/import, saved palettes,
recolour preview. Edits go through ``ctx.palette_undo_stack`` (commands call ``studio.state.palette``);
the extraction made when a picture opens is not an edit and pushes no undo step.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from models.palette import (
    HARMONIES,
    MOODS,
    SORTS,
    WHEELS,
    PaletteConfig,
    extract_palette_steps,
    sort_colors,
)
from models.palette.color import rgb_to_hsv, rgb_to_lab
from models.palette.extract import PaletteColor
from models.palette.recolor import posterize_steps
from models.progress import Progress
from studio.context import AppContext
from studio.io.saved_palettes import SavedPalettes
from studio.jobs import Job
from studio.panels.base import Panel
from studio.panels.palette.commands import SetSwatchesCommand, add_swatch_command, remove_swatch_command
from studio.panels.palette.files import PaletteFiles
from studio.panels.palette.harmony_box import HarmonyBox
from studio.panels.palette.swatches import SwatchList
from studio.state.palette import PaletteState
from studio.state.panel_settings import Setting, SettingsSpec, between, one_of
from studio.state.swatches import Swatch

EXTRACT_KEY, RECOLOUR_KEY = "palette", "palette-recolour"


def _ready(pixels: np.ndarray) -> Generator[Progress, None, np.ndarray]:
    """A job step whose pixels are already at hand."""
    yield from ()
    return pixels


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
        self._source: np.ndarray | None = None  # pixels sent by ctx.request_palette, else the document
        self.files = PaletteFiles(ctx, self.state, SavedPalettes(Path(ctx.data_dir()) / "palettes"))
        self._build()
        self.state.changed.connect(self.message.clear)  # a note about the palette as it was goes stale
        self.state.changed.connect(self._on_state_changed)
        ctx.document_opened.connect(self._on_document_opened)
        ctx.palette_requested.connect(self._on_palette_requested)
        ctx.canvas.region_selected.connect(self._on_canvas_region_selected)
        ctx.canvas.pixel_picked.connect(self._on_canvas_pixel_picked)
        ctx.canvas.tool_changed.connect(self._on_canvas_tool_changed)
        ctx.project_extras[self.SETTINGS.section] = self.project_state
        self._on_state_changed()

    # -- layout -----------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        source = QHBoxLayout()
        self.extract_button = QPushButton("Extract")
        self.extract_button.setToolTip("Take the colours of the whole image")
        self.region_button = QPushButton("Region")
        self.region_button.setCheckable(True)
        self.region_button.setToolTip("Drag a rectangle on the canvas to take its colours")
        self.pick_button = QPushButton("Eyedropper")
        self.pick_button.setCheckable(True)
        self.pick_button.setToolTip("Click the canvas to add that pixel's colour")
        for w in (self.extract_button, self.region_button, self.pick_button):
            source.addWidget(w)
        layout.addLayout(source)

        grid = QGridLayout()
        self.count_slider = QSlider(Qt.Orientation.Horizontal)
        self.count_slider.setRange(2, 16)
        self.count_slider.setValue(int(self.settings["colors"]))
        self.count_label = QLabel()
        self.auto_box = QCheckBox("Auto")
        self.auto_box.setChecked(bool(self.settings["auto"]))
        self.mood_combo = QComboBox()
        self.mood_combo.addItems(["any mood", *MOODS])
        self.mood_combo.setCurrentText(self.settings["mood"] or "any mood")
        self.sort_combo = QComboBox()
        self.sort_combo.addItems(list(SORTS))
        self.sort_combo.setCurrentText(self.settings["sort"])
        grid.addWidget(QLabel("Colours"), 0, 0)
        grid.addWidget(self.count_slider, 0, 1)
        grid.addWidget(self.count_label, 0, 2)
        grid.addWidget(self.auto_box, 0, 3)
        grid.addWidget(QLabel("Mood"), 1, 0)
        grid.addWidget(self.mood_combo, 1, 1)
        grid.addWidget(QLabel("Sort"), 1, 2)
        grid.addWidget(self.sort_combo, 1, 3)
        layout.addLayout(grid)

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
        self.region_button.toggled.connect(self._on_region_toggled)
        self.pick_button.toggled.connect(self._on_pick_toggled)
        self.count_slider.valueChanged.connect(self._on_count_changed)
        self.auto_box.toggled.connect(self._on_auto_toggled)
        self.mood_combo.currentTextChanged.connect(self._on_option_changed)
        self.sort_combo.currentTextChanged.connect(self._on_sort_changed)
        self.swatch_list.swatch_clicked.connect(self._on_swatch_clicked)
        self.remove_button.clicked.connect(self._on_remove_clicked)
        self.recolor_box.toggled.connect(self._on_recolor_toggled)
        self.harmony.changed.connect(self._on_harmony_changed)
        self._update_count_label()

    # -- extraction -------------------------------------------------------------------------------
    def config(self) -> PaletteConfig:
        mood = self.mood_combo.currentText()
        return PaletteConfig(
            colors=None if self.auto_box.isChecked() else self.count_slider.value(),
            mood=None if mood == "any mood" else mood,
            region=self.region,
            sort=self.sort_combo.currentText(),
        )

    def _has_pixels(self) -> bool:
        return self._source is not None or self.ctx.document() is not None

    def _pixels_steps(self) -> Callable[[], Generator[Progress, None, np.ndarray]] | None:
        """What a job reads its pixels with: the pixels sent by a request, or the document flattened in
        the job (seconds on a layered 24 MP picture) from a snapshot taken now, so that later edits cannot
        race it. None without either."""
        source, doc = self._source, self.ctx.document()
        if source is not None:
            return lambda: _ready(source)
        return None if doc is None else doc.snapshot().flatten_steps

    def extract(self, auto: bool = False) -> Job | None:
        """Recompute the palette in the job runner; a newer request cancels a stale one.

        ``auto`` (a picture was opened) replaces the palette without an undo step."""
        pixels = self._pixels_steps()
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

    def _update_count_label(self) -> None:
        self.count_label.setText("auto" if self.auto_box.isChecked() else str(self.count_slider.value()))
        self.count_slider.setEnabled(not self.auto_box.isChecked())

    # -- option slots -----------------------------------------------------------------------------
    def _on_extract_clicked(self) -> None:
        self.region = None
        self.extract()

    def _on_count_changed(self, value: int) -> None:
        self._update_count_label()
        self.settings.update(colors=value)
        if self._has_pixels():
            self.extract()

    def _on_auto_toggled(self, checked: bool) -> None:
        self._update_count_label()
        self.settings.update(auto=checked)
        if self._has_pixels():
            self.extract()

    def _on_option_changed(self, _text: str) -> None:
        mood = self.mood_combo.currentText()
        self.settings.update(mood="" if mood == "any mood" else mood)
        if self._has_pixels():
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
    def _on_region_toggled(self, checked: bool) -> None:
        self._take_tool("select_rect", checked, other=self.pick_button)

    def _on_pick_toggled(self, checked: bool) -> None:
        self._take_tool("pick", checked, other=self.region_button)

    def _take_tool(self, tool: str, checked: bool, other: QPushButton) -> None:
        """A tool button on: the canvas takes that tool (the other button goes off); off: back to pan."""
        if checked:
            other.setChecked(False)
            self.ctx.canvas.set_tool(tool)
        elif self.ctx.canvas.tool == tool:
            self.ctx.canvas.set_tool("pan")

    def _on_canvas_tool_changed(self, tool: str) -> None:
        # another panel took the canvas tool: our buttons follow
        self.region_button.setChecked(tool == "select_rect" and self.region_button.isChecked())
        self.pick_button.setChecked(tool == "pick" and self.pick_button.isChecked())

    def _on_canvas_region_selected(self, rect: QRect) -> None:
        if not self.region_button.isChecked() or rect.width() <= 0 or rect.height() <= 0:
            return
        self.region = (rect.x(), rect.y(), rect.width(), rect.height())
        self._source = None
        self.extract()

    def _on_canvas_pixel_picked(self, x: int, y: int) -> None:
        rgb = self._pick(x, y) if self.pick_button.isChecked() else None
        if rgb is None:
            return
        if self.state.contains_rgb(rgb):  # type: ignore[arg-type]
            self.ctx.status(f"{describe(rgb)} is already in the palette")  # type: ignore[arg-type]
            return
        self.ctx.palette_undo_stack.push(add_swatch_command(self.state, Swatch(rgb)))  # type: ignore[arg-type]
        self.note(describe(rgb) + "   (added)")  # type: ignore[arg-type]

    def _pick(self, x: int, y: int) -> tuple[int, ...] | None:
        """The colour at (x, y) of the requested pixels or the flattened document (one pixel composited,
        not the whole picture); None outside."""
        if self._source is not None:
            pixels = self._source
            inside = 0 <= y < pixels.shape[0] and 0 <= x < pixels.shape[1]
            return tuple(int(v) for v in pixels[y, x, :3]) if inside else None
        doc = self.ctx.document()
        if doc is None or not (0 <= x < doc.size[0] and 0 <= y < doc.size[1]):
            return None
        return doc.pixel(x, y)[:3]

    # -- documents and requests -------------------------------------------------------------------
    def _on_document_opened(self) -> None:
        self._source = None
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
        self._source = np.ascontiguousarray(pixels)
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
