"""Export, import and saved palettes: the Palette panel's file row (buttons and the saved-palette list)."""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.progress import Progress
from studio.context import AppContext
from studio.io.palette_files import (
    EXPORT_FORMATS,
    IMPORT_FORMATS,
    PaletteFileError,
    export_palette,
    import_palette,
)
from studio.io.saved_palettes import SavedPalettes
from studio.jobs import Job
from studio.panels.palette.commands import SetSwatchesCommand
from studio.state.palette import PaletteState


def _import_steps(path: Path) -> Generator[Progress, None, Any]:
    yield Progress(0, 1, f"reading {path.name}")
    doc = import_palette(path)
    yield Progress(1, 1, f"{len(doc.swatches)} colours")
    return doc


class PaletteFiles(QWidget):
    """Import…, Export…, Save… and the saved palettes of one :class:`PaletteState` (edits are undoable)."""

    def __init__(
        self, ctx: AppContext, state: PaletteState, saved: SavedPalettes, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.state, self.saved = ctx, state, saved
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.import_button = QPushButton("Import…")
        self.export_button = QPushButton("Export…")
        self.save_button = QPushButton("Save…")
        for w in (self.import_button, self.export_button, self.save_button):
            row.addWidget(w)
        layout.addLayout(row)
        self.saved_combo = QComboBox()
        self.saved_combo.setToolTip("Saved palettes: pick one to load it")
        layout.addWidget(self.saved_combo)
        self.import_button.clicked.connect(self._on_import_clicked)
        self.export_button.clicked.connect(self._on_export_clicked)
        self.save_button.clicked.connect(self._on_save_clicked)
        self.saved_combo.activated.connect(self._on_saved_activated)
        state.changed.connect(self._on_state_changed)
        self._refresh_saved()
        self._on_state_changed()

    # -- files ------------------------------------------------------------------------------------
    def export_to(self, path: str | Path) -> Path | None:
        try:
            out = export_palette(path, self.state.to_document())
        except PaletteFileError as exc:
            self.ctx.reporter.report("Export palette", str(exc))
            return None
        self.ctx.status(f"Exported palette to {out}")
        return out

    def import_from(self, path: str | Path) -> Job:
        """Read the palette in a worker thread (a big file never stalls the window); the colours arrive
        as one undoable step. A bad file is reported by the job runner."""
        path = Path(path)

        def done(doc: Any) -> None:
            self.ctx.palette_undo_stack.push(
                SetSwatchesCommand(self.state, doc.swatches, f"Import {path.name}", doc.name)
            )

        job = self.ctx.runner.submit(f"Import {path.name}", lambda: _import_steps(path), key="palette-import")
        job.succeeded.connect(done)
        return job

    def save_as(self, name: str) -> Path:
        self.state.name = name
        path = self.saved.save(self.state.to_document())
        self._refresh_saved(select=name)
        self.ctx.status(f"Saved palette “{name}”")
        return path

    def load_saved(self, name: str) -> None:
        try:
            doc = self.saved.load(name)
        except PaletteFileError as exc:
            self.ctx.reporter.report("Saved palettes", str(exc))
            return
        self.ctx.palette_undo_stack.push(
            SetSwatchesCommand(self.state, doc.swatches, f"Load palette “{name}”", doc.name)
        )

    # -- slots ------------------------------------------------------------------------------------
    def _on_state_changed(self) -> None:
        self.export_button.setEnabled(len(self.state) > 0)
        self.save_button.setEnabled(len(self.state) > 0)

    def _refresh_saved(self, select: str | None = None) -> None:
        self.saved_combo.clear()
        names = self.saved.names()
        self.saved_combo.addItems(names or ["(no saved palettes)"])
        self.saved_combo.setEnabled(bool(names))
        if select in names:
            self.saved_combo.setCurrentText(select)

    def _on_saved_activated(self, index: int) -> None:
        if self.saved_combo.isEnabled():
            self.load_saved(self.saved_combo.itemText(index))

    def start_folder(self) -> Path:
        """Where the file dialogs open: the picture's folder, else the Pictures folder, else home (never the
        folder the program was started from)."""
        doc = self.ctx.document()
        if doc is not None and doc.path is not None and Path(doc.path).parent.is_dir():
            return Path(doc.path).parent
        pictures = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
        return Path(pictures) if pictures and Path(pictures).is_dir() else Path.home()

    def _on_export_clicked(self) -> None:
        filters = ";;".join(f"{label} (*{ext})" for ext, label in EXPORT_FORMATS.items())
        start = str(self.start_folder() / f"{self.state.name}.gpl")
        path, _ = QFileDialog.getSaveFileName(self, "Export palette", start, filters)
        if path:
            self.export_to(path)

    def _on_import_clicked(self) -> None:
        pattern = " ".join(f"*{ext}" for ext in IMPORT_FORMATS)
        start = str(self.start_folder())
        path, _ = QFileDialog.getOpenFileName(self, "Import palette", start, f"Palettes ({pattern})")
        if path:
            self.import_from(path)

    def _on_save_clicked(self) -> None:
        name, ok = QInputDialog.getText(self, "Save palette", "Name:", text=self.state.name)
        if ok and name.strip():
            self.save_as(name.strip())
