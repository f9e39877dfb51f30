"""Spin boxes, combo boxes and sliders take the mouse wheel only when they have the focus.

Scrolling a panel with the wheel otherwise lands on whatever control passes under the pointer and silently
changes it (issue 13: the Size box went from 512 to 2048 px). With the guard, an unfocused control passes
the wheel on to the panel's scroll area; a click (or Tab) focuses it, and then the wheel adjusts it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractSlider, QAbstractSpinBox, QApplication, QComboBox, QScrollBar, QWidget

GUARDED = (QAbstractSpinBox, QComboBox, QAbstractSlider)


class WheelGuard(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        guarded = isinstance(watched, GUARDED) and not isinstance(watched, QScrollBar)  # scroll bars scroll
        if kind == QEvent.Type.Wheel and guarded and not watched.hasFocus():
            # Not for this control: hand the wheel to the nearest scrollable parent instead.
            parent = watched.parentWidget()
            while parent is not None and not hasattr(parent, "verticalScrollBar"):
                parent = parent.parentWidget()
            if parent is not None:
                QApplication.sendEvent(parent.viewport() if hasattr(parent, "viewport") else parent, event)
            return True
        if kind == QEvent.Type.Polish and guarded and isinstance(watched, QWidget):
            if watched.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                watched.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the wheel must not focus it either
        return False


def install(app: QApplication) -> WheelGuard:
    """Guard every spin box, combo box and slider of ``app`` (call once; keep the returned object)."""
    guard = app.findChild(WheelGuard)
    if guard is None:
        guard = WheelGuard(app)
        app.installEventFilter(guard)
    return guard
