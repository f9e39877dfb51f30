import numpy as np
import pytest
from PIL import Image
from PySide6.QtWidgets import QMessageBox


@pytest.fixture
def window(qtbot):
    from studio.main_window import MainWindow

    w = MainWindow()
    w.ask_unsaved = lambda: QMessageBox.StandardButton.Discard  # tests that check the prompt replace it
    qtbot.addWidget(w)
    w.resize(1000, 700)
    w.show()
    qtbot.waitExposed(w)
    yield w
    running = [job.name for job in w.ctx.runner.jobs if job.is_running]
    w.close()
    assert not running, f"test left jobs running: {running}"


@pytest.fixture
def photo(tmp_path):
    """A 60×40 RGB PNG with a red top-left pixel."""
    pixels = np.zeros((40, 60, 3), np.uint8)
    pixels[..., 1] = np.linspace(0, 255, 60, dtype=np.uint8)[None, :]
    pixels[0, 0] = (255, 0, 0)
    path = tmp_path / "photo.png"
    Image.fromarray(pixels).save(path)
    return path


def open_and_wait(qtbot, window, path):
    job = window.ctx.open_path(path)
    with qtbot.waitSignal(job.finished, timeout=10000):
        pass
    return job
