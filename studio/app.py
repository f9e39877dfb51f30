"""Start the GUI: ``python -m studio``, ``atelier``, ``python main.py`` or ``make run``."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from PySide6.QtWidgets import QApplication

from studio import __version__


def create_app(argv: Sequence[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(list(argv) if argv is not None else [sys.argv[0]])
    app.setApplicationName("Atelier")
    app.setOrganizationName("Atelier")
    app.setApplicationVersion(__version__)
    return app  # type: ignore[return-value]


def main(paths: Sequence[str] | None = None) -> int:
    if paths is None:
        paths = sys.argv[1:]
    app = create_app()
    from studio.main_window import MainWindow

    window = MainWindow()
    window.show()
    window.open_paths([str(p) for p in paths])
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
