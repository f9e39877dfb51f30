"""Panels are built as Panel(ctx): a real AppContext over a bare canvas, checked for stray jobs."""

import pytest


@pytest.fixture
def ctx(qtbot, tmp_path, monkeypatch):
    from studio.canvas.view import CanvasView
    from studio.context import AppContext

    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch-home"))  # no VGG19 weights here
    canvas = CanvasView()
    qtbot.addWidget(canvas)
    canvas.resize(400, 300)
    context = AppContext(canvas)
    yield context
    running = [job.name for job in context.runner.jobs if job.is_running]
    context.runner.shutdown(20000)
    context.flush_preferences()  # no save timer left to fire in a later test
    assert not running, f"test left jobs running: {running}"


@pytest.fixture
def stylize_panel(qtbot, ctx):
    """A shown Stylize panel set to tiny Draft results, its thumbnails loaded."""
    from studio.panels.stylize_panel import StylizePanel

    p = StylizePanel(ctx)
    qtbot.addWidget(p)
    p.resize(360, 640)
    p.show()
    p.set_output_size(32)
    p.controls.quality_combo.setCurrentIndex(p.controls.quality_combo.findData("draft"))
    qtbot.waitUntil(lambda: not any(j.is_running for j in ctx.runner.jobs), timeout=60000)  # thumbnails
    return p
