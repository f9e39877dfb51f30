"""View-menu, toolbar and shortcut actions for the composition guides (Lightroom's O / Shift+O)."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu, QToolBar, QToolButton

from models.composition import GUIDES
from studio.state.guides import GuideOverlay


class GuideActions(QObject):
    """Actions that drive a :class:`GuideOverlay` and stay in sync with it."""

    def __init__(self, overlay: GuideOverlay, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.overlay = overlay
        self.show_action = QAction("Show Guides", self, checkable=True)
        self.show_action.setToolTip("Show or hide the composition guide")
        self.show_action.toggled.connect(self._on_show_toggled)
        self.cycle_action = QAction("Next Guide", self)
        self.cycle_action.setShortcut(QKeySequence("O"))
        self.cycle_action.triggered.connect(self._on_cycle_triggered)
        self.flip_action = QAction("Flip Guide Orientation", self)
        self.flip_action.setShortcut(QKeySequence("Shift+O"))
        self.flip_action.triggered.connect(self._on_flip_triggered)
        self.group = QActionGroup(self)
        self.group.setExclusive(True)
        self.kind_actions: dict[str, QAction] = {}
        for name, info in GUIDES.items():
            action = QAction(info.title, self, checkable=True)
            action.setData(name)
            self.group.addAction(action)
            self.kind_actions[name] = action
        self.group.triggered.connect(self._on_kind_triggered)
        overlay.changed.connect(self._on_overlay_changed)
        self._sync()

    def fill_menu(self, menu: QMenu) -> None:
        menu.addAction(self.show_action)
        menu.addAction(self.cycle_action)
        menu.addAction(self.flip_action)
        menu.addSeparator()
        for action in self.kind_actions.values():
            menu.addAction(action)

    def add_to(self, view_menu: QMenu, toolbar: QToolBar) -> QToolButton:
        """A Guides submenu in ``view_menu`` and a toolbar button (click: show/hide; arrow: pick a guide)."""
        submenu = view_menu.addMenu("Guides")
        self.fill_menu(submenu)
        button = QToolButton(toolbar)
        button.setDefaultAction(self.show_action)
        button.setText("Guides")
        popup = QMenu(button)
        self.fill_menu(popup)
        button.setMenu(popup)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        toolbar.addWidget(button)
        return button

    def _sync(self) -> None:
        self.show_action.blockSignals(True)
        self.show_action.setChecked(self.overlay.visible)
        self.show_action.blockSignals(False)
        action = self.kind_actions.get(self.overlay.kind)
        if action is not None:
            action.setChecked(True)
        self.flip_action.setEnabled(GUIDES[self.overlay.kind].flips if self.overlay.kind in GUIDES else False)

    def _on_overlay_changed(self, _names: set[str]) -> None:
        self._sync()

    def _on_show_toggled(self, checked: bool) -> None:
        self.overlay.update(visible=checked)

    def _on_cycle_triggered(self) -> None:
        self.overlay.cycle_kind()

    def _on_flip_triggered(self) -> None:
        self.overlay.cycle_flip()

    def _on_kind_triggered(self, action: QAction) -> None:
        self.overlay.update(kind=action.data(), visible=True)
