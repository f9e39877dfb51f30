"""The main window: the canvas, status bar, title, error boxes, preferences and closing. Its menus, docks,
file commands and recovery are mixins in this package (see ``studio/main_window/__init__.py``)."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QMessageBox, QWidget

from studio import __version__
from studio.about import about_html
from studio.autosave import Autosaver
from studio.canvas.view import CanvasView
from studio.context import AppContext
from studio.main_window.actions import ActionsMixin
from studio.main_window.docks import DocksMixin
from studio.main_window.documents import DocumentsMixin
from studio.main_window.recovery import RecoveryMixin
from studio.preferences_dialog import PreferencesDialog
from studio.settings import app_settings, recent_files
from studio.widgets import wheel_guard


def collapse_details(box: QMessageBox) -> None:
    """Hide a message box's details (the traceback) behind its "Show Details…" button."""
    from PySide6.QtWidgets import QTextEdit

    if any(edit.isVisible() for edit in box.findChildren(QTextEdit)):
        for button in box.buttons():
            if box.buttonRole(button) == QMessageBox.ButtonRole.ActionRole:
                button.click()
                break


class MainWindow(ActionsMixin, DocksMixin, DocumentsMixin, RecoveryMixin, QMainWindow):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Atelier")
        self.setObjectName("MainWindow")
        self.qsettings = app_settings()  # geometry, dock layout, recent files; preferences live in ctx
        self.canvas = CanvasView(self)
        self.setCentralWidget(self.canvas)
        self.ctx = AppContext(self.canvas, self)
        self.autosaver = Autosaver(self.ctx, self)
        self.panels: dict[str, QWidget] = {}
        self._error_box: QMessageBox | None = None
        self._closed = False

        wheel_guard.install(QApplication.instance())
        self._build_status_bar()
        self._build_actions()
        self._build_menus()
        self._build_docks()

        self.ctx.reporter.reported.connect(self._on_reporter_reported)
        self.ctx.status_message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.ctx.document_changed.connect(self._on_ctx_document_changed)
        self.ctx.opened_path.connect(lambda path: self._remember_recent([path]))
        self.canvas.files_dropped.connect(self._on_canvas_files_dropped)
        self.canvas.zoom_changed.connect(self._update_status)
        self.canvas.compare_changed.connect(self.compare_action.setChecked)
        self.canvas.content_changed.connect(lambda: self.compare_action.setEnabled(self.canvas.can_compare))
        self.ctx.modified_changed.connect(self._on_modified_changed)
        # An outcome in the status bar speaks of the picture as it was: an undo or redo makes it stale.
        self.ctx.undo_group.indexChanged.connect(self._on_undo_index_changed)

        self.compare_action.setEnabled(self.canvas.can_compare)  # nothing to compare before an image
        self._restore_window_state()
        self._on_ctx_document_changed()
        self._clean_stale_temps()

    def _clean_stale_temps(self) -> None:
        """Hidden ``.atelier-tmp-*.part`` files that a killed save left behind go, in a background thread:
        in the config and data folders and the folders of the recent files (every later save into a
        folder cleans that folder too)."""
        from studio.state.preferences import config_dir, data_dir

        folders = [(config_dir(), 1), (data_dir(), 3)]
        folders += [(Path(p).parent, 0) for p in recent_files(self.qsettings)]
        threading.Thread(target=_clean_folders, args=(folders,), name="clean-temps", daemon=True).start()

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.jobs_area = None  # set below, needs ctx
        self.size_label = QLabel("No image")
        self.zoom_label = QLabel("")
        status.addPermanentWidget(self.size_label)
        status.addPermanentWidget(self.zoom_label)

    # -- title and status bar ---------------------------------------------------------------------
    def _on_modified_changed(self, _modified: bool) -> None:
        if shiboken6.isValid(self.ctx.undo_stack):  # also emitted while the window is torn down
            self._update_title()

    def _on_undo_index_changed(self, _index: int) -> None:
        self.statusBar().clearMessage()

    def _update_title(self) -> None:
        doc = self.ctx.document()
        dirty = " •" if self.ctx.is_modified() else ""
        self.setWindowTitle(f"{doc.name}{dirty} — Atelier" if doc else "Atelier")

    def _update_status(self, *_args) -> None:
        doc = self.ctx.document()
        if doc is None:
            self.size_label.setText("No image")
            self.zoom_label.setText("")
        else:
            w, h = doc.size
            layers = len(doc.layers)
            self.size_label.setText(
                f"{w} × {h} px" + (f", {layers} layer{'s' * (layers != 1)}" if layers else "")
            )
            self.zoom_label.setText(f"{self.canvas.scale * 100:.0f} %")

    # -- slots ----------------------------------------------------------------------------------
    def _on_ctx_document_changed(self) -> None:
        has_doc = self.ctx.document() is not None
        for action in (self.export_action, self.export_psd_action, self.save_action, self.save_as_action):
            action.setEnabled(has_doc)
        self._update_title()
        self._update_status()

    def _on_reporter_reported(self, title: str, message: str, details: str) -> None:
        self.statusBar().showMessage(f"{title}: {message}", 15000)
        if self._error_box is not None:
            self._error_box.close()  # a fresh box: one left expanded must not open the next one expanded
            self._error_box.deleteLater()
        box = QMessageBox(QMessageBox.Icon.Warning, "Atelier", "", QMessageBox.StandardButton.Close, self)
        box.setWindowModality(Qt.WindowModality.NonModal)
        self._error_box = box
        box.setText(f"<b>{title}</b>")
        box.setInformativeText(message)
        box.setDetailedText(details)  # behind "Show Details…": the painter reads the message first
        box.show()
        collapse_details(box)

    # -- dialogs and commands -------------------------------------------------------------------
    def preferences_dialog(self) -> None:
        dialog = PreferencesDialog(self.ctx.preferences, self)
        if dialog.exec():
            dialog.apply()
            self.ctx.save_preferences()
            self.autosaver.set_interval(self.ctx.preferences.autosave_minutes)

    def about_dialog(self) -> None:
        QMessageBox.about(self, "About Atelier", about_html(__version__))

    def stop_newest_job(self) -> None:
        """Esc: stop the most recently started job still running (its cancelled hook decides what stays)."""
        running = [job for job in self.ctx.runner.jobs if job.is_running]
        if running:
            running[-1].cancel()
            self.statusBar().showMessage(f"Stopping {running[-1].name}…", 4000)

    def warm_up_torch(self) -> None:
        """Load PyTorch in the torch pool (no-op when already loaded or while closing)."""
        from models.torch_preload import preload_torch

        if "torch" not in sys.modules and not self._closed:
            self.ctx.runner.submit("Preparing the style engine", preload_torch, pool="torch")

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closed:
            super().closeEvent(event)
            return
        if not self.confirm_unsaved(self.close):
            event.ignore()
            return
        self._closed = True
        self._save_window_state()
        self.ctx.flush_preferences()
        self.ctx.runner.shutdown(10000)
        self.autosaver.close()  # saved or discarded: nothing to recover
        self.ctx.modified_changed.disconnect(self._on_modified_changed)
        self.ctx.undo_group.indexChanged.disconnect(self._on_undo_index_changed)
        super().closeEvent(event)


def _clean_folders(folders: list[tuple[Path, int]]) -> None:
    from atelier_common.atomic import clean_stale_temps

    for folder, depth in dict.fromkeys(folders):
        clean_stale_temps(folder, depth=depth)
