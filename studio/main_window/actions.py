"""The window's actions, menus and toolbar, and the Open Recent list (a mixin of ``MainWindow``)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QToolBar

from studio.settings import add_recent, recent_files


class ActionsMixin:
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
        for action in (self.save_action, self.save_as_action, self.export_action, self.export_psd_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = bar.addMenu("&Edit")
        for action in (self.undo_action, self.redo_action, self.stop_action):
            edit_menu.addAction(action)
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
