"""The main window, split by concern; each part is a mixin of :class:`MainWindow`:

- ``window.py``: the window itself (canvas, status bar, title, error boxes, preferences, close);
- ``actions.py``: the actions, menus, toolbar and the Open Recent list;
- ``docks.py``: the Layers dock and the tabbed capability panels, and the saved layout;
- ``documents.py``: open, save, export and the unsaved-changes question;
- ``recovery.py``: offering the work autosaved before a crash.
"""

from studio.main_window.window import MainWindow, collapse_details

__all__ = ["MainWindow", "collapse_details"]
