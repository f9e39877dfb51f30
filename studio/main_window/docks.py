"""The Layers dock, the tabbed dock of capability panels, and the saved window layout (a mixin of
``MainWindow``)."""

from __future__ import annotations

import importlib
import sys

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QFrame, QMenu, QScrollArea, QWidget

from studio.panels import PANELS
from studio.widgets.jobs_area import JobsArea
from studio.widgets.layers_panel import LayersPanel


class DocksMixin:
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

    def _save_window_state(self) -> None:
        self.qsettings.setValue("geometry", self.saveGeometry())
        self.qsettings.setValue("window_state", self.saveState())
        self.qsettings.sync()
