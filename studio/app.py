"""Start the GUI: ``python -m studio``, ``atelier``, ``python main.py`` or ``make run``."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from studio import __version__

WARMUP_DELAY_MS = 1500


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
    if not window.offer_recovery():
        window.open_paths([str(p) for p in paths])
    # Import PyTorch in the background once the window is up, so the first stylization or GAN job does not
    # pay for it, and the UI never stalls on it mid-job (see models/torch_preload.py).
    QTimer.singleShot(WARMUP_DELAY_MS, window.warm_up_torch)
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
