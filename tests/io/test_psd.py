"""Layered PSD export: psd-tools reads back every layer with its name, opacity, visibility and position."""

import numpy as np
import pytest
from psd_tools import PSDImage

from studio.io.ora import ProjectError
from studio.io.psd import save_layered, write_psd
from tests.io.test_ora import _document


def test_psd_keeps_the_layers(tmp_path):
    doc = _document()
    path = write_psd(tmp_path / "work.psd", doc)
    psd = PSDImage.open(path)
    assert psd.size == (40, 30)
    layers = list(psd)
    assert [la.name for la in layers] == ["Original", "Style: Hokusai", "Stroke"]
    assert [la.opacity for la in layers] == [255, 153, 255]
    assert [la.visible for la in layers] == [True, True, False]
    assert layers[2].offset == (11, 8) and layers[2].size == (14, 12)  # trimmed, placed
    assert np.array_equal(np.asarray(layers[0].topil())[..., :3], doc.image)
    stroke = np.asarray(layers[2].topil())
    assert np.array_equal(stroke, doc.layers[1].image[8:20, 11:25])
    merged = np.asarray(psd.topil().convert("RGB")).astype(int)
    assert np.abs(merged - doc.flatten()[..., :3].astype(int)).max() <= 2  # the composite others show


def test_psd_refuses_originals_and_writes_atomically(tmp_path):
    doc = _document()
    original = tmp_path / "photo.psd"
    original.write_bytes(b"mine")
    with pytest.raises(ProjectError, match="original"):
        write_psd(original, doc, protect=[original])
    assert original.read_bytes() == b"mine"
    with pytest.raises(ProjectError, match=".ora or .psd"):
        save_layered(tmp_path / "x.png", doc)
    assert save_layered(tmp_path / "x.ora", doc).exists() and save_layered(tmp_path / "x.psd", doc).exists()
