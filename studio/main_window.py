"""The main window: menus, canvas, docked panels, status bar with the jobs area."""

from __future__ import annotations

import importlib
import sys
import threading
from pathlib import Path

import shiboken6
from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QFrame,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QScrollArea,
    QToolBar,
    QWidget,
)

from atelier_common.images import IMAGE_EXTENSIONS
from studio import __version__
from studio.about import about_html
from studio.autosave import Autosaver
from studio.canvas.view import CanvasView
from studio.context import AppContext
from studio.io.autosave import Recovery, find_orphans
from studio.io.ora import ProjectError, read_ora
from studio.panels import PANELS
from studio.preferences_dialog import PreferencesDialog
from studio.settings import add_recent, app_settings, recent_files
from studio.widgets import wheel_guard
from studio.widgets.jobs_area import JobsArea
from studio.widgets.layers_panel import LayersPanel

OPEN_FILTER = (
    "Images and projects (*.ora "
    + " ".join(f"*{ext}" for ext in sorted(IMAGE_EXTENSIONS))
    + ");;Atelier projects (*.ora);;All files (*)"
)
PROJECT_FILTER = "OpenRaster project (*.ora)"
Answer = QMessageBox.StandardButton
EXPORT_FILTER = (
    "PNG image (*.png);;JPEG image (*.jpg);;WebP image (*.webp);;TIFF image (*.tif);;"
    "Photoshop with layers (*.psd)"
)


def collapse_details(box: QMessageBox) -> None:
    """Hide a message box's details (the traceback) behind its "Show Details…" button."""
    from PySide6.QtWidgets import QTextEdit

    if any(edit.isVisible() for edit in box.findChildren(QTextEdit)):
        for button in box.buttons():
            if box.buttonRole(button) == QMessageBox.ButtonRole.ActionRole:
                button.click()
                break


class MainWindow(QMainWindow):
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

    # -- construction ---------------------------------------------------------------------------
    def _action(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            if isinstance(shortcut, list):
                action.setShortcuts(shortcut)
            else:
                action.setShortcut(shortcut)
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        c = self.canvas
        seq = QKeySequence
        self.open_action = self._action(
            "&Open…", self.open_dialog, seq.StandardKey.Open, "Open an image or a project (.ora)"
        )
        self.save_action = self._action(
            "&Save", self.save, seq("Ctrl+S"), "Save the picture with its layers as a project (.ora)"
        )
        self.save_as_action = self._action(
            "Save &As…", self.save_as, seq("Ctrl+Shift+S"), "Save the project under a new name"
        )
        self.export_action = self._action(
            "&Export…",
            self.export_dialog,
            seq("Ctrl+E"),
            "Save the image with its layers flattened (never over your original unless you ask)",
        )
        self.export_psd_action = self._action(
            "Export with &Layers (PSD)…",
            self.export_psd_dialog,
            tip="A layered Photoshop file (Photoshop, Affinity, Krita and GIMP open it)",
        )
        self.quit_action = self._action("&Quit", self.close, seq.StandardKey.Quit)
        # The group's actions follow the stack last used and name the step: "Undo Add layer “…”".
        self.undo_action = self.ctx.undo_group.createUndoAction(self, "&Undo")
        self.undo_action.setShortcuts([seq("Ctrl+Z")])
        self.redo_action = self.ctx.undo_group.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts([seq("Ctrl+Shift+Z"), seq("Ctrl+Y")])
        self.prefs_action = self._action("&Preferences…", self.preferences_dialog, seq("Ctrl+,"))
        self.zoom_in_action = self._action("Zoom &In", c.zoom_in, [seq("Ctrl+="), seq("Ctrl++")])
        self.zoom_out_action = self._action("Zoom &Out", c.zoom_out, seq("Ctrl+-"))
        self.fit_action = self._action("&Fit to Window", c.fit_to_window, seq("Ctrl+0"))
        self.actual_action = self._action("&100 %", c.actual_size, seq("Ctrl+1"))
        self.compare_action = self._action(
            "&Compare Before/After",
            c.set_compare,
            seq("\\"),
            "Split view: the original on the left, the result on the right",
        )
        self.compare_action.setCheckable(True)
        self.stop_action = self._action(
            "&Stop",
            self.stop_newest_job,
            seq("Esc"),
            "Stop the newest job, as its Stop button would (a stylization keeps its latest preview)",
        )
        self.about_action = self._action("&About Atelier", self.about_dialog)
        for action in (
            self.zoom_in_action,
            self.zoom_out_action,
            self.fit_action,
            self.actual_action,
            self.compare_action,
            self.undo_action,
            self.redo_action,
            self.stop_action,
        ):
            self.addAction(action)  # shortcuts work wherever the focus is

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.open_action)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self._fill_recent_menu()
        file_menu.addSeparator()
        file_menu.addAction(self.save_action)
        file_menu.addAction(self.save_as_action)
        file_menu.addAction(self.export_action)
        file_menu.addAction(self.export_psd_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addAction(self.stop_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.prefs_action)
        self.view_menu = bar.addMenu("&View")
        for action in (self.zoom_in_action, self.zoom_out_action, self.fit_action, self.actual_action):
            self.view_menu.addAction(action)
        self.view_menu.addSeparator()
        self.view_menu.addAction(self.compare_action)
        self.view_menu.addSeparator()
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.about_action)
        self.toolbar = QToolBar("Main", self)
        self.toolbar.setObjectName("MainToolbar")
        for action in (
            self.open_action,
            self.save_action,
            self.export_action,
            None,
            self.fit_action,
            self.actual_action,
            self.compare_action,
            None,
        ):
            if action is None:
                self.toolbar.addSeparator()
            else:
                self.toolbar.addAction(action)
        self.addToolBar(self.toolbar)

    def _build_docks(self) -> None:
        self.panels_menu = QMenu("&Panels", self)
        self._first_panel_dock: QDockWidget | None = None
        self._add_dock("Layers", LayersPanel(self.ctx))
        for title, module_name, class_name in PANELS:
            panel = self._make_panel(title, module_name, class_name)
            if panel is None:
                continue
            self._add_dock(title, panel)
            contribute = getattr(panel, "contribute_actions", None)
            if callable(contribute):
                contribute(self.view_menu, self.toolbar)
        if self._first_panel_dock is not None:
            self._first_panel_dock.raise_()
            # Before the window shows, raise_() does not take: the last tab (GAN) came first on a fresh start.
            QTimer.singleShot(0, self._raise_first_panel)
        self.view_menu.addSeparator()
        self.view_menu.addMenu(self.panels_menu)

    def _raise_first_panel(self) -> None:
        if self._first_panel_dock is not None and not self.qsettings.value("window_state"):
            self._first_panel_dock.raise_()  # a fresh start opens on Stylize; a saved layout keeps its tab

    def _make_panel(self, title: str, module_name: str, class_name: str) -> QWidget | None:
        """Build one panel; one that fails on its saved settings is built again from its defaults (the bad
        settings are dropped, never written back), and one that still fails is left out with a report."""
        try:
            module = importlib.import_module(module_name)
            cls = getattr(module, class_name)
            return cls(self.ctx)
        except Exception as exc:  # noqa: BLE001 - one broken panel must not take the window down
            section = getattr(sys.modules.get(module_name), "SECTION", None)
            saved = self.ctx.preferences.sections.get(section) if isinstance(section, str) else None
            if not saved:
                self.ctx.reporter.report_exception(f"The {title} panel could not start", exc)
                return None
        self.ctx.preferences.sections[section] = {}
        try:
            panel = cls(self.ctx)
        except Exception as exc:  # noqa: BLE001
            self.ctx.preferences.sections[section] = saved  # not our settings' fault: keep them
            self.ctx.reporter.report_exception(f"The {title} panel could not start", exc)
            return None
        self.ctx.status(f"The {title} panel's saved settings could not be used; it starts from its defaults")
        return panel

    def _add_dock(self, title: str, panel: QWidget) -> QDockWidget:
        """Layers sits on top at the right; the capability panels share one tabbed dock below it."""
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{title}")
        if title == "Layers":
            dock.setWidget(panel)  # sized to its content, so the panels below get the rest of the column
        else:
            # Panels scroll rather than force a tall window (laptop screens are 768 px high).
            scroller = QScrollArea()
            scroller.setWidgetResizable(True)
            scroller.setFrameShape(QFrame.Shape.NoFrame)
            scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            scroller.setWidget(panel)
            dock.setWidget(scroller)
        dock.setAllowedAreas(Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        if title != "Layers":
            if self._first_panel_dock is None:
                self._first_panel_dock = dock
            else:
                self.tabifyDockWidget(self._first_panel_dock, dock)
        self.panels[title] = panel
        self.panels_menu.addAction(dock.toggleViewAction())
        return dock

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.jobs_area = None  # set below, needs ctx
        self.size_label = QLabel("No image")
        self.zoom_label = QLabel("")
        status.addPermanentWidget(self.size_label)
        status.addPermanentWidget(self.zoom_label)

    # -- state ----------------------------------------------------------------------------------
    def _restore_window_state(self) -> None:
        self.jobs_area = JobsArea(self.ctx.runner, self)
        self.statusBar().insertPermanentWidget(0, self.jobs_area, 1)
        geometry = self.qsettings.value("geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            # 1280×820 where it fits; on a smaller screen (a 1280×800 laptop) the screen's free area.
            free = self.screen().availableGeometry() if self.screen() is not None else None
            width = min(1280, free.width()) if free is not None and free.width() > 0 else 1280
            height = min(820, free.height() - 40) if free is not None and free.height() > 200 else 820
            self.resize(width, height)
        state = self.qsettings.value("window_state")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)

    def _remember_recent(self, paths: list[str]) -> None:
        add_recent(self.qsettings, paths)
        self._fill_recent_menu()

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        paths = recent_files(self.qsettings)
        for path in paths:
            action = self.recent_menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.setStatusTip(path)
            action.triggered.connect(lambda _checked=False, p=path: self.open_path(p))
        self.recent_menu.setEnabled(bool(paths))

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

    def _on_canvas_files_dropped(self, paths: list[str]) -> None:
        self.open_paths(paths)

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

    # -- recovery -------------------------------------------------------------------------------
    def ask_recover(self, recovery: Recovery) -> QMessageBox.StandardButton:  # tests replace this
        box = self.recovery_box(recovery)
        box.exec()
        clicked = box.clickedButton()
        name = clicked.objectName() if clicked is not None else "later"
        return {"recover": Answer.Open, "discard": Answer.Discard}.get(name, Answer.Cancel)

    def recovery_box(self, recovery: Recovery) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Question, "Recover unsaved work?", "", Answer.NoButton, self)
        box.setText("Atelier did not close normally last time. Recover the work it autosaved?")
        box.setInformativeText(
            recovery.describe() + "\n\nIt opens as a new untitled picture; your own files are not touched."
        )
        box.addButton("Recover", QMessageBox.ButtonRole.AcceptRole).setObjectName("recover")
        box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole).setObjectName("discard")
        box.addButton("Later", QMessageBox.ButtonRole.RejectRole).setObjectName("later")
        return box

    def offer_recovery(self) -> bool:
        """At start: offer the newest autosave left by a crash or a kill. True if one was recovered."""
        for recovery in find_orphans(self.autosaver.slot.root):
            answer = self.ask_recover(recovery)
            if answer == Answer.Discard:
                recovery.discard()
                continue
            if answer != Answer.Open:
                return False  # Later: kept for the next start
            try:
                project = read_ora(recovery.work_path)
            except ProjectError as exc:
                self.ctx.reporter.report("Recovery", f"The autosaved work could not be read: {exc}")
                return False
            doc = project.document
            doc.extras = dict(project.extras)
            doc.path = None  # never written back over the user's file: Save asks for a name
            doc.name = f"{Path(str(recovery.info.get('name') or 'Untitled')).stem} (recovered)"
            self.autosaver.slot.adopt(recovery)
            self.ctx.set_document(doc, unsaved=True)
            self.ctx.status(f"Recovered {recovery.describe()}")
            return True
        return False

    # -- commands -------------------------------------------------------------------------------
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

    def open_dialog(self) -> None:
        start = str(Path(recent_files(self.qsettings)[0]).parent) if recent_files(self.qsettings) else ""
        path, _ = QFileDialog.getOpenFileName(self, "Open image", start, OPEN_FILTER)
        if path:
            self.open_path(path)

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
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
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
        import sys

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
        self.qsettings.setValue("geometry", self.saveGeometry())
        self.qsettings.setValue("window_state", self.saveState())
        self.qsettings.sync()
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
