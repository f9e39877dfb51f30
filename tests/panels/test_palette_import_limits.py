"""Case 4 of issue 14: importing a palette of 100k (or 5M) colours neither stalls nor floods the window:
a clear message past a cap, parsing in a worker thread, and a swatch list that paints only what is seen."""

from __future__ import annotations

import json
import threading

import pytest

from studio.io.palette_files import PaletteDocument, PaletteFileError, Swatch, decode_palette, encode_palette


def _many(n):
    return PaletteDocument("many", tuple(Swatch((i % 256, (i // 256) % 256, 7), "") for i in range(n)))


@pytest.mark.parametrize("suffix", [".gpl", ".ase", ".kpl", ".json"])
def test_case4_a_palette_past_the_cap_is_one_clear_error(suffix):
    from studio.io._palette_error import MAX_IMPORT_COLOURS

    assert decode_palette(encode_palette(_many(MAX_IMPORT_COLOURS), suffix), suffix).swatches
    with pytest.raises(PaletteFileError, match=f"more than {MAX_IMPORT_COLOURS} colours"):
        decode_palette(encode_palette(_many(MAX_IMPORT_COLOURS + 1), suffix), suffix)


def test_case4_a_hundred_thousand_colours_stop_at_the_cap():
    doc = {"colors": ["#123456"] * 100_000}
    with pytest.raises(PaletteFileError, match="more than"):
        decode_palette(json.dumps(doc).encode(), ".json")
    text = "GIMP Palette\n" + "1 2 3 x\n" * 100_000
    with pytest.raises(PaletteFileError, match="more than"):
        decode_palette(text.encode(), ".gpl")


@pytest.mark.gui
def test_case4_import_reads_the_file_off_the_ui_thread(qtbot, ctx, tmp_path, monkeypatch):
    import studio.panels.palette.files as files_mod
    from studio.panels.palette_panel import PalettePanel

    panel = PalettePanel(ctx)
    qtbot.addWidget(panel)
    path = tmp_path / "p.gpl"
    path.write_bytes(encode_palette(_many(12), ".gpl"))
    threads = []
    real = files_mod.import_palette
    monkeypatch.setattr(
        files_mod, "import_palette", lambda p: threads.append(threading.current_thread()) or real(p)
    )
    job = panel.files.import_from(path)
    with qtbot.waitSignal(job.finished, timeout=10000):
        pass
    assert threads and threads[0] is not threading.main_thread()
    assert len(panel.state.swatches) == 12


@pytest.mark.gui
def test_case4_the_swatch_list_paints_only_the_rows_in_view(qtbot):
    from PySide6.QtWidgets import QScrollArea

    from studio.panels.palette.swatches import ROW, SwatchList

    area = QScrollArea()
    area.setWidgetResizable(True)
    swatches = SwatchList()
    swatches.set_swatches(list(_many(4000).swatches))
    area.setWidget(swatches)
    area.resize(260, 300)
    qtbot.addWidget(area)
    area.show()
    qtbot.waitExposed(area)
    area.verticalScrollBar().setValue(50_000)
    swatches.repaint()
    qtbot.waitUntil(lambda: len(swatches.painted_rows) > 0, timeout=5000)
    rows = swatches.painted_rows
    assert len(rows) <= 300 // ROW + 2
    assert rows.start >= 50_000 // ROW - 2  # the rows in view, not the first ones
