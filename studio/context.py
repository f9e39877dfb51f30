"""AppContext: what every panel receives — the document, job runner, undo stack, canvas, preferences.

It is also the document controller: opening files (off the UI thread), adding result layers, exporting.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from studio.canvas.view import CanvasView
from studio.io.images import load_image_steps, save_image
from studio.jobs import ErrorReporter, Job, JobRunner
from studio.state import preferences as prefs_mod
from studio.state.document import Document, Layer
from studio.undo import (
    AddLayerCommand,
    RemoveLayerCommand,
    ReplaceImageCommand,
    SetOpacityCommand,
    SetVisibleCommand,
)

#: Working documents are kept at most this long on their long side; larger files are downscaled on open
#: (off the UI thread) so the canvas and the engines stay responsive.
MAX_WORKING_SIDE = 8192


class AppContext(QObject):
    document_changed = Signal()
    document_opened = Signal()
    style_added = Signal(str)
    palette_requested = Signal(object)
    status_message = Signal(str)
    opened_path = Signal(str)  # for the recent-files list

    def __init__(self, canvas: CanvasView, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.reporter = ErrorReporter(self)
        self.runner = JobRunner(self.reporter, self)
        self.runner.set_pool_initializer("torch", _configure_torch_threads)
        self.undo_stack = QUndoStack(self)
        self.canvas = canvas
        self.preferences, problem = prefs_mod.load_preferences()
        if problem:
            self.reporter.report("Preferences", problem)
        self._document: Document | None = None
        self._open_job: Job | None = None

    # -- document -------------------------------------------------------------------------------
    def document(self) -> Document | None:
        return self._document

    def set_document(self, document: Document | None) -> None:
        if self._document is not None:
            self._document.changed.disconnect(self._on_document_changed)
        self._document = document
        if document is not None:
            document.changed.connect(self._on_document_changed)
        self.undo_stack.clear()  # undo history belongs to one document
        self.canvas.set_document(document)
        self.document_opened.emit()
        self.document_changed.emit()

    def _on_document_changed(self) -> None:
        self.document_changed.emit()

    def open_path(self, path: str | Path) -> Job:
        """Load a file in the job runner; the current document stays until the new one is ready."""
        path = Path(path)
        if self._open_job is not None and self._open_job.is_running:
            self._open_job.cancel()
        job = self.runner.submit(
            f"Open {path.name}", lambda: load_image_steps(path, MAX_WORKING_SIDE), key="open"
        )
        job.succeeded.connect(self._on_open_succeeded)
        self._open_job = job
        return job

    def _on_open_succeeded(self, loaded: Any) -> None:
        self.set_document(Document(loaded.pixels, path=loaded.path))
        w, h = loaded.size
        note = f"Opened {loaded.path.name} ({w}×{h})"
        if loaded.pixels.shape[1] != w:
            note += f", working at {loaded.pixels.shape[1]}×{loaded.pixels.shape[0]}"
        if loaded.notes:
            note += " — " + "; ".join(loaded.notes)
        self.status(note)
        self.opened_path.emit(str(loaded.path))

    def open_array(self, pixels: np.ndarray, name: str = "Untitled") -> None:
        """A new unsaved document from pixels (e.g. a GAN sample sent to the canvas)."""
        self.set_document(Document(np.ascontiguousarray(pixels), path=None, name=name))

    # -- edits (all undoable) ---------------------------------------------------------------------
    def _require_document(self) -> Document:
        if self._document is None:
            raise ValueError("Open an image first.")
        return self._document

    def add_result_layer(
        self, name: str, pixels: np.ndarray, provenance: dict[str, Any] | None = None
    ) -> None:
        doc = self._require_document()
        layer = Layer(name, _fit_to(pixels, doc), provenance=dict(provenance or {}))
        self.undo_stack.push(AddLayerCommand(doc, layer))

    def remove_layer(self, index: int) -> None:
        self.undo_stack.push(RemoveLayerCommand(self._require_document(), index))

    def set_layer_opacity(self, index: int, opacity: float) -> None:
        self.undo_stack.push(SetOpacityCommand(self._require_document(), index, opacity))

    def set_layer_visible(self, index: int, visible: bool) -> None:
        self.undo_stack.push(SetVisibleCommand(self._require_document(), index, visible))

    def replace_image(
        self, pixels: np.ndarray, description: str = "Replace image", layers: list[Layer] | None = None
    ) -> None:
        self.undo_stack.push(ReplaceImageCommand(self._require_document(), pixels, layers, description))

    def crop(self, box: tuple[int, int, int, int]) -> None:
        """Crop the image and its layers to (x, y, w, h), undoable."""
        image, layers = self._require_document().crop_box_pixels(box)
        self.replace_image(image, f"Crop to {image.shape[1]}×{image.shape[0]}", layers)

    # -- export ---------------------------------------------------------------------------------
    def export(self, path: str | Path, allow_overwrite_original: bool = False) -> Job:
        """Flatten and save in the job runner; the opened original is protected unless asked."""
        doc = self._require_document()
        pixels = doc.flatten()
        protect = () if allow_overwrite_original or doc.path is None else (doc.path,)
        provenance = {
            "app": "Atelier",
            "source": doc.path.name if doc.path else doc.name,
            "layers": [
                {"name": lay.name, "opacity": lay.opacity, **lay.provenance}
                for lay in doc.layers
                if lay.visible
            ],
        }

        def steps():
            from models.progress import Progress

            yield Progress(0, 1, f"Saving {Path(path).name}")
            saved = save_image(path, pixels, provenance=provenance, protect=protect)
            yield Progress(1, 1, "Saved")
            return saved

        job = self.runner.submit(f"Export {Path(path).name}", steps)
        job.succeeded.connect(lambda saved: self.status(f"Exported {saved}"))
        return job

    # -- cross-panel requests, misc ---------------------------------------------------------------
    def request_style(self, path: str | Path) -> None:
        self.style_added.emit(str(path))

    def request_palette(self, pixels: np.ndarray) -> None:
        self.palette_requested.emit(pixels)

    def data_dir(self) -> Path:
        path = prefs_mod.data_dir()
        path.mkdir(parents=True, exist_ok=True)
        return path

    def save_preferences(self) -> None:
        try:
            prefs_mod.save_preferences(self.preferences)
        except OSError as exc:
            self.reporter.report("Preferences", f"Could not save preferences: {exc}")

    def status(self, message: str) -> None:
        self.status_message.emit(message)


def _configure_torch_threads() -> None:
    """Before each torch-pool job: torch imported (its libraries mapped without the GIL, under the import
    lock of models/import_order.py, normally already done by the warm-up) and its threads set."""
    from models.torch_preload import ensure_torch

    ensure_torch()


def _fit_to(pixels: np.ndarray, doc: Document) -> np.ndarray:
    """Results made at a working size are resized to the document so layers line up."""
    pixels = np.ascontiguousarray(pixels)
    if pixels.ndim == 2:
        pixels = np.repeat(pixels[..., None], 3, axis=2)
    if pixels.shape[:2] == doc.image.shape[:2]:
        return pixels
    from PIL import Image

    mode = "RGBA" if pixels.shape[2] == 4 else "RGB"
    resized = Image.fromarray(pixels, mode).resize(doc.size, Image.Resampling.LANCZOS)
    return np.asarray(resized).copy()
