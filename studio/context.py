"""AppContext: what every panel receives — the document, job runner, undo stack, canvas, preferences.

It is also the document controller: opening files (off the UI thread), adding result layers, exporting.
"""

from __future__ import annotations

import sys
from collections.abc import Generator
from pathlib import Path
from typing import Any

import numpy as np
import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoGroup, QUndoStack

from atelier_common.errors import UserError
from models.progress import Progress
from studio.canvas.convert import pyramid_arrays
from studio.canvas.view import CanvasView
from studio.io.images import load_image_steps, save_image
from studio.io.ora import read_ora_steps, write_ora_steps
from studio.io.psd import write_psd_steps
from studio.jobs import ErrorReporter, Job, JobRunner
from studio.state import preferences as prefs_mod
from studio.state.document import Document, DocumentEvents, Layer
from studio.state.panel_settings import PanelSettings, SettingsSpec
from studio.undo import (
    ReplaceImageCommand,
    SetOpacityCommand,
    SetVisibleCommand,
    add_layer_command,
    remove_layer_command,
)

#: Preferences are written at most once per this many milliseconds while a slider moves.
SAVE_DELAY_MS = 400

#: Working documents are kept at most this long on their long side; larger files are downscaled on open
#: (off the UI thread) so the canvas and the engines stay responsive.
MAX_WORKING_SIDE = 8192
#: Pictures larger than this get result layers resized and prepared in the job runner.
FIT_IN_WORKER_PIXELS = 4_000_000


class AppContext(QObject):
    document_changed = Signal()  # any change: a new document, its image, its layers or a layer's look
    layers_changed = Signal()  # a new document, its base image replaced, a layer added or removed
    layer_look_changed = Signal(int)  # the opacity or visibility of the layer at this index
    document_opened = Signal()
    style_added = Signal(str)
    palette_requested = Signal(object)
    status_message = Signal(str)
    opened_path = Signal(str)  # for the recent-files list
    modified_changed = Signal(bool)  # the document differs from every file written since it was opened
    saved = Signal(str)  # a project (.ora) was written

    def __init__(self, canvas: CanvasView, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.reporter = ErrorReporter(self)
        self.runner = JobRunner(self.reporter, self)
        self.runner.set_pool_initializer("torch", _configure_torch_threads)
        # One undo stack per concern; Undo acts on the one last used (see _activate_on_change).
        self.undo_group = QUndoGroup(self)
        self.undo_stack = QUndoStack(self)  # the picture: layers, crops
        self.palette_undo_stack = QUndoStack(self)  # the palette made for this picture
        for stack in self.undo_stacks():
            self.undo_group.addStack(stack)
            stack.indexChanged.connect(lambda _i, s=stack: self._activate(s))
            stack.cleanChanged.connect(self._on_clean_changed)
        self.undo_group.setActiveStack(self.undo_stack)
        #: Panels register ``name -> callable() -> JSON-able`` to have their per-picture state saved in
        #: projects (``Document.extras[name]`` holds it again when the project is opened).
        self.project_extras: dict[str, Any] = {}
        self._unsaved_new = False  # a document made here (GAN sample, recovery) exists in no file yet
        self._foreign_path: Path | None = None  # an .ora written by another program
        self.canvas = canvas
        self.preferences, problem = prefs_mod.load_preferences()
        if problem:
            self.reporter.report("Preferences", problem)
        # Not restarted by each change: a slider held in motion still saves every SAVE_DELAY_MS.
        self._save_timer = QTimer(self, singleShot=True, interval=SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_preferences)
        self._document: Document | None = None
        self._open_job: Job | None = None

    # -- document -------------------------------------------------------------------------------
    def document(self) -> Document | None:
        return self._document

    def set_document(self, document: Document | None, *, unsaved: bool = False) -> None:
        """Show ``document``; ``unsaved`` marks one that exists in no file (a GAN sample, a recovery)."""
        if self._document is not None:
            self._hook(self._document.events, False)
        self._document = document
        if document is not None:
            self._hook(document.events, True)
        for stack in self.undo_stacks():
            stack.clear()  # undo history belongs to one document
        self.undo_group.setActiveStack(self.undo_stack)
        self._unsaved_new = unsaved and document is not None
        self._foreign_path = None
        self.canvas.set_document(document)
        self.document_opened.emit()
        self.layers_changed.emit()
        self.document_changed.emit()
        self.modified_changed.emit(self.is_modified())

    # -- undo and the modified marker -------------------------------------------------------------
    def undo_stacks(self) -> tuple[QUndoStack, ...]:
        return (self.undo_stack, self.palette_undo_stack)

    def _alive(self) -> bool:  # stacks also signal while the context is torn down
        return all(shiboken6.isValid(o) for o in (self.undo_group, *self.undo_stacks()))

    def _activate(self, stack: QUndoStack) -> None:
        """A stack that just changed (a push, an undo) becomes the one Edit ▸ Undo acts on."""
        if self._alive() and self.undo_group.activeStack() is not stack:
            self.undo_group.setActiveStack(stack)

    def _on_clean_changed(self, _clean: bool) -> None:
        if self._alive():
            self.modified_changed.emit(self.is_modified())

    def is_modified(self) -> bool:
        if self._document is None:
            return False
        return self._unsaved_new or not all(stack.isClean() for stack in self.undo_stacks())

    def mark_saved(self, indices: tuple[int, ...] | None = None, stacks: tuple[QUndoStack, ...] = ()) -> None:
        """The current state is in a file. With ``indices`` (taken when the save began), only stacks still
        at that index become clean: an edit made while the file was written keeps the marker."""
        stacks = stacks or self.undo_stacks()
        all_stacks = self.undo_stacks()
        for stack in stacks:
            at_start = indices[all_stacks.index(stack)] if indices is not None else stack.index()
            if stack.index() == at_start:
                stack.setClean()
        if indices is None or indices == tuple(s.index() for s in all_stacks):
            self._unsaved_new = False
        self.modified_changed.emit(self.is_modified())

    def undo_indices(self) -> tuple[int, ...]:
        return tuple(stack.index() for stack in self.undo_stacks())

    def _hook(self, events: DocumentEvents, on: bool) -> None:
        pairs = [
            (events.image, self._on_document_layers),
            (events.layers, self._on_document_layers),
            (events.opacity, self._on_document_layer_look),
            (events.visible, self._on_document_layer_look),
            (events.changed, self._on_document_changed),
        ]
        for event, slot in pairs:
            event.connect(slot) if on else event.disconnect(slot)

    def _on_document_layers(self) -> None:
        self.layers_changed.emit()

    def _on_document_layer_look(self, index: int) -> None:
        self.layer_look_changed.emit(index)

    def _on_document_changed(self) -> None:
        self.document_changed.emit()

    def open_path(self, path: str | Path) -> Job:
        """Load a file in the job runner; the current document stays until the new one is ready."""
        path = Path(path)
        if self._open_job is not None and self._open_job.is_running:
            self._open_job.cancel()
        if path.suffix.lower() == ".ora":
            job = self.runner.submit(f"Open {path.name}", lambda: read_ora_steps(path), key="open")
            job.succeeded.connect(self._on_project_opened)
        else:
            job = self.runner.submit(f"Open {path.name}", lambda: _open_image_steps(path), key="open")
            job.succeeded.connect(self._on_open_succeeded)
        self._open_job = job
        return job

    def _on_project_opened(self, project: Any) -> None:
        project.document.extras = dict(project.extras)
        self.set_document(project.document)
        # Another program's file is not overwritten by Save (we may not keep all it holds): Save asks.
        self._foreign_path = project.document.path if project.foreign else None
        doc = project.document
        w, h = doc.size
        layers = len(doc.layers)
        note = f"Opened {doc.name} ({w}×{h}, {layers} layer{'s' * (layers != 1)})"
        if project.notes:
            note += " — " + "; ".join(project.notes)
            text = "; ".join(project.notes)
            self.reporter.report(f"Opened {doc.name} with changes", text[:1].upper() + text[1:] + ".")
        self.status(note)
        self.opened_path.emit(str(doc.path))

    def _on_open_succeeded(self, result: Any) -> None:
        loaded, levels = result
        if levels is not None:  # the display pyramid made in the worker: the canvas converts nothing
            self.canvas.prepare_image(loaded.pixels, levels)
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
        self.set_document(Document(np.ascontiguousarray(pixels), path=None, name=name), unsaved=True)

    def send_to_canvas(self, pixels: np.ndarray, name: str, provenance: dict[str, Any] | None = None) -> None:
        """A study arrives as a layer over the open picture (scaled to cover it, centred), undoable;
        only with no picture open does it become a new document."""
        doc = self._document
        if doc is None:
            self.open_array(pixels, name)
            return
        layer = Layer(name, _cover(pixels, doc.size), provenance=dict(provenance or {}))
        self.undo_stack.push(add_layer_command(doc, layer))
        self.status(f"Added “{name}” as a layer")

    # -- projects -----------------------------------------------------------------------------------
    def project_path(self) -> Path | None:
        """Where Save writes: the open ``.ora`` that Atelier wrote, or None (Save asks for a name)."""
        doc = self._document
        if doc is None or doc.path is None or doc.path.suffix.lower() != ".ora":
            return None
        return None if doc.path == self._foreign_path else doc.path

    def collect_extras(self) -> dict[str, Any]:
        doc = self._document
        extras = dict(doc.extras) if doc is not None else {}
        for name, provide in self.project_extras.items():
            try:
                extras[name] = provide()
            except Exception as exc:  # noqa: BLE001 - a panel's extras must never stop a save
                self.reporter.report_exception(f"Saving the {name} with the project", exc)
        return extras

    def save_project(self, path: str | Path) -> Job:
        """Write the document as an OpenRaster project in the job runner; the marker clears when it is
        written, unless the document was changed meanwhile."""
        doc = self._require_document()
        target = Path(path)
        if target.suffix.lower() != ".ora":
            target = target.with_name(target.name + ".ora")
        snapshot, extras, indices = doc.snapshot(), self.collect_extras(), self.undo_indices()
        protect = () if doc.path is None or doc.path == target else (doc.path,)
        job = self.runner.submit(
            f"Save {target.name}", lambda: write_ora_steps(target, snapshot, extras, protect=protect)
        )

        def done(saved: Any) -> None:
            if self._document is doc:
                doc.path, doc.name = Path(saved), Path(saved).name
                self.mark_saved(indices)
                self.document_changed.emit()
            self.status(f"Saved {saved}")
            self.saved.emit(str(saved))
            self.opened_path.emit(str(saved))

        job.succeeded.connect(done)
        return job

    # -- edits (all undoable) ---------------------------------------------------------------------
    def _require_document(self) -> Document:
        if self._document is None:
            raise UserError("Open an image first.")
        return self._document

    def add_result_layer(
        self, name: str, pixels: np.ndarray, provenance: dict[str, Any] | None = None
    ) -> Job | None:
        """Lay ``pixels`` over the document as a new layer (undoable), resized to the document.

        On a large picture (over :data:`FIT_IN_WORKER_PIXELS`) the resize and the canvas's display images
        are made in the job runner and the layer arrives when they are ready (the returned job); the UI
        thread never spends seconds on a 24 MP resample at the end of a job."""
        doc = self._require_document()
        provenance = dict(provenance or {})
        if doc.size[0] * doc.size[1] <= FIT_IN_WORKER_PIXELS:
            self.undo_stack.push(
                add_layer_command(doc, Layer(name, _fit_to(pixels, doc), provenance=provenance))
            )
            return None

        def steps():
            yield Progress(0, 2, "Fitting the result to the picture")
            fitted = np.ascontiguousarray(_fit_to(pixels, doc))
            yield Progress(1, 2, "Preparing the display")
            levels = pyramid_arrays(fitted)  # numpy and Pillow: the GIL stays free for the UI thread
            yield Progress(2, 2, "Ready")
            return fitted, levels

        def done(result: Any) -> None:
            fitted, levels = result
            if self._document is not doc:
                return  # another picture was opened meanwhile
            self.canvas.prepare_image(fitted, levels)
            self.undo_stack.push(add_layer_command(doc, Layer(name, fitted, provenance=provenance)))

        job = self.runner.submit(f"Adding {name}", steps)
        job.succeeded.connect(done)
        return job

    def remove_layer(self, index: int) -> None:
        self.undo_stack.push(remove_layer_command(self._require_document(), index))

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
        """Flatten and save in the job runner; the opened original is protected unless asked.
        A ``.psd`` keeps the layers (for Photoshop, Affinity, Krita)."""
        doc = self._require_document()
        if Path(path).suffix.lower() == ".psd":
            return self._export_psd(Path(path), doc)
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
        indices, has_layers = self.undo_indices(), bool(doc.layers)

        def done(saved: Any) -> None:
            if has_layers:  # a flat file loses the layers: the marker stays until the project is saved
                self.status(f"Exported {saved} (flattened; File ▸ Save keeps the layers)")
                return
            if self._document is doc:  # the file holds the whole picture
                self.mark_saved(indices, stacks=(self.undo_stack,))
            self.status(f"Exported {saved}")

        job.succeeded.connect(done)
        return job

    def _export_psd(self, path: Path, doc: Document) -> Job:
        snapshot, indices = doc.snapshot(), self.undo_indices()
        protect = () if doc.path is None else (doc.path,)
        job = self.runner.submit(
            f"Export {path.name}", lambda: write_psd_steps(path, snapshot, protect=protect)
        )

        def done(saved: Any) -> None:
            if self._document is doc:  # the layers are all in the file
                self.mark_saved(indices, stacks=(self.undo_stack,))
            self.status(f"Exported {saved} with {len(snapshot.layers) + 1} layers")

        job.succeeded.connect(done)
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

    def panel_settings(self, spec: SettingsSpec) -> PanelSettings:
        """A panel's declared settings, read from the preferences (bad fields fall back to their defaults,
        with a note in the status bar) and saved a moment after each change."""
        settings = PanelSettings(spec, self.preferences.sections, self.save_preferences_soon)
        for note in settings.notes:
            print(f"atelier: preferences: {note}", file=sys.stderr)
        if settings.notes:
            self.status("Some saved settings were not valid and were reset: " + "; ".join(settings.notes))
        return settings

    def save_preferences_soon(self) -> None:
        """Save within SAVE_DELAY_MS; any further changes until then go into the same write."""
        if not self._save_timer.isActive():
            self._save_timer.start()

    def flush_preferences(self) -> None:
        """Write a pending save now (the window is closing)."""
        if self._save_timer.isActive():
            self._save_timer.stop()
            self.save_preferences()

    def save_preferences(self) -> None:
        self._save_timer.stop()
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


def _cover(pixels: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Scale ``pixels`` to cover ``size`` (w, h) keeping its proportions, then crop the middle."""
    from PIL import Image

    pixels = np.ascontiguousarray(pixels)
    if pixels.ndim == 2:
        pixels = np.repeat(pixels[..., None], 3, axis=2)
    w, h = size
    sh, sw = pixels.shape[:2]
    if (sw, sh) == (w, h):
        return pixels
    scale = max(w / sw, h / sh)
    cw, ch = max(w, round(sw * scale)), max(h, round(sh * scale))
    mode = "RGBA" if pixels.shape[2] == 4 else "RGB"
    resized = np.asarray(Image.fromarray(pixels, mode).resize((cw, ch), Image.Resampling.LANCZOS))
    x0, y0 = (cw - w) // 2, (ch - h) // 2
    return np.ascontiguousarray(resized[y0 : y0 + h, x0 : x0 + w])


def _open_image_steps(path: Path) -> Generator[Progress, None, tuple[Any, list[np.ndarray] | None]]:
    """Load an image; on a large one, also make the canvas's display pyramid here in the job runner
    (numpy and Pillow, GIL-friendly), so the UI thread neither converts nor scales 24 MP when it shows it."""
    loaded = yield from load_image_steps(path, MAX_WORKING_SIDE)
    pixels = loaded.pixels
    if pixels.shape[0] * pixels.shape[1] <= FIT_IN_WORKER_PIXELS or not pixels.flags.c_contiguous:
        return loaded, None
    yield Progress(0, 1, "Preparing the display")
    return loaded, pyramid_arrays(pixels)


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
