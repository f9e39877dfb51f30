"""Open, save, export and the unsaved-changes question (a mixin of ``MainWindow``).

Opening anything (menu, recent list, drop) first asks about unsaved work: Save / Discard / Cancel; a save
that fails keeps the work open. Exports never write over the opened original without asking.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from atelier_common.images import IMAGE_EXTENSIONS
from studio.settings import recent_files

OPEN_FILTER = (
    "Images and projects (*.ora "
    + " ".join(f"*{ext}" for ext in sorted(IMAGE_EXTENSIONS))
    + ");;Atelier projects (*.ora);;All files (*)"
)
PROJECT_FILTER = "OpenRaster project (*.ora)"
EXPORT_FILTER = (
    "PNG image (*.png);;JPEG image (*.jpg);;WebP image (*.webp);;TIFF image (*.tif);;"
    "Photoshop with layers (*.psd)"
)
Answer = QMessageBox.StandardButton


class DocumentsMixin:
    # -- unsaved work ---------------------------------------------------------------------------
    def ask_unsaved(self) -> QMessageBox.StandardButton:  # tests replace this
        doc = self.ctx.document()
        name = doc.name if doc is not None else "the picture"
        return QMessageBox.warning(
            self,
            "Unsaved changes",
            f"Save the changes to {name}?\nIf you don't, its layers and changes are lost.",
            Answer.Save | Answer.Discard | Answer.Cancel,
            Answer.Save,
        )

    def ask_save_path(self, title: str, start: str, filters: str) -> str:  # tests replace this
        path, _ = QFileDialog.getSaveFileName(self, title, start, filters)
        return path

    def confirm_unsaved(self, then) -> bool:
        """True: go ahead now (nothing unsaved, or Discard). False: Cancel, or a save has started that
        calls ``then()`` once the file is written (never, if it fails: the work stays open)."""
        if not self.ctx.is_modified():
            return True
        answer = self.ask_unsaved()
        if answer == Answer.Discard:
            return True
        if answer == Answer.Save:
            job = self.save()
            if job is not None:
                job.succeeded.connect(lambda _saved: then())
        return False

    # -- save -----------------------------------------------------------------------------------
    def save(self):
        """Save the project (.ora); asks for a name the first time. Returns the job, or None if cancelled."""
        if self.ctx.document() is None:
            return None
        path = self.ctx.project_path()
        return self.ctx.save_project(path) if path is not None else self.save_as()

    def suggested_project_path(self) -> str:
        doc = self.ctx.document()
        if doc is None:
            return ""
        if doc.path is None:
            return str(Path.home() / f"{Path(doc.name).stem}.ora")
        if doc.path.suffix.lower() == ".ora" and self.ctx.project_path() is None:  # another program's file
            return str(doc.path.with_name(f"{doc.path.stem}-atelier.ora"))
        return str(doc.path.with_suffix(".ora"))

    def save_as(self):
        if self.ctx.document() is None:
            return None
        path = self.ask_save_path("Save project", self.suggested_project_path(), PROJECT_FILTER)
        if not path:
            return None
        return self.ctx.save_project(path)

    # -- open -----------------------------------------------------------------------------------
    def open_path(self, path: str) -> None:
        """Open an image or project; unsaved changes to the open one are asked about first."""
        if self.confirm_unsaved(lambda: self.ctx.open_path(path)):
            self.ctx.open_path(path)

    def open_paths(self, paths: list[str]) -> None:
        """The first opens; the rest go to the recent list, so they are one click away."""
        if not paths:
            return
        if len(paths) > 1:
            self._remember_recent(paths[1:])
        self.open_path(paths[0])

    def _on_canvas_files_dropped(self, paths: list[str]) -> None:
        self.open_paths(paths)

    def open_dialog(self) -> None:
        start = str(Path(recent_files(self.qsettings)[0]).parent) if recent_files(self.qsettings) else ""
        path, _ = QFileDialog.getOpenFileName(self, "Open image", start, OPEN_FILTER)
        if path:
            self.open_path(path)

    # -- export ---------------------------------------------------------------------------------
    def suggested_export_path(self) -> str:
        doc = self.ctx.document()
        if doc is None:
            return ""
        if doc.path is None:
            return str(Path.home() / f"{doc.name}.png")
        return str(doc.path.with_name(f"{doc.path.stem}-atelier.png"))

    def export_dialog(self) -> None:
        if self.ctx.document() is None:
            return
        path, chosen = QFileDialog.getSaveFileName(
            self, "Export image", self.suggested_export_path(), EXPORT_FILTER
        )
        if not path:
            return
        if not Path(path).suffix and "(*." in chosen:  # the dialog does not always add it
            path += chosen[chosen.index("(*.") + 2 : -1]
        doc = self.ctx.document()
        overwrite = False
        if doc is not None and doc.path is not None and Path(path).resolve() == doc.path.resolve():
            answer = QMessageBox.question(
                self,
                "Overwrite the original?",
                f"{doc.path.name} is the original you opened. Replace it with the flattened result?",
                Answer.Yes | Answer.No,
                Answer.No,
            )
            if answer != Answer.Yes:
                return
            overwrite = True
        self.ctx.export(path, allow_overwrite_original=overwrite)

    def export_psd_dialog(self) -> None:
        if self.ctx.document() is None:
            return
        start = str(Path(self.suggested_export_path()).with_suffix(".psd"))
        path = self.ask_save_path("Export with layers", start, "Photoshop with layers (*.psd)")
        if path:
            self.ctx.export(str(Path(path).with_suffix(".psd")))
