"""The engines and Qt-free layers must import with PySide6 blocked; start-up must not import torch."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

QT_FREE = ["models", "studio.state", "studio.io", "studio.cli", "studio.commands"]

BLOCK_AND_IMPORT = r"""
import importlib, pkgutil, sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name == "PySide6" or name.startswith("PySide6.") or name == "shiboken6":
            raise ImportError("PySide6 is blocked in this test: " + name)
sys.meta_path.insert(0, Block())
failed = []
for root in sys.argv[1:]:
    pkg = importlib.import_module(root)
    names = [root]
    if hasattr(pkg, "__path__"):
        names += [m.name for m in pkgutil.walk_packages(pkg.__path__, root + ".")]
    for name in names:
        try:
            importlib.import_module(name)
        except ImportError as exc:
            if "blocked" in str(exc):
                failed.append(f"{name}: {exc}")
print("\n".join(failed))
sys.exit(1 if failed else 0)
"""


def test_qt_free_layers_import_without_pyside6():
    proc = subprocess.run(
        [sys.executable, "-c", BLOCK_AND_IMPORT, *QT_FREE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_window_start_does_not_import_torch():
    code = (
        "import sys\n"
        "from studio.app import create_app\n"
        "app = create_app()\n"
        "from studio.main_window import MainWindow\n"
        "w = MainWindow(); w.show(); app.processEvents()\n"
        "heavy = [m for m in ('torch', 'torchvision', 'sklearn') if m in sys.modules]\n"
        "w.close()\n"
        "print(','.join(heavy))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1:] in ([""], []), f"imported at start-up: {proc.stdout}"
