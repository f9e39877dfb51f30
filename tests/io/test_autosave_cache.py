"""Autosave re-encodes only what changed: the PNGs of an unchanged original and of unchanged layers are
kept from the last autosave (by the identity of their pixel arrays, which an edit replaces), and the file
is the same as one written from scratch."""

import zipfile

import numpy as np
import pytest

from studio.io import ora
from studio.io.autosave import AutosaveSlot
from studio.io.ora import read_ora, write_ora
from studio.state.document import Document, Layer


def _document():
    rng = np.random.default_rng(7)
    doc = Document(rng.integers(0, 256, (40, 60, 3), dtype=np.uint8), name="photo.png")
    doc.insert_layer(Layer("Style", rng.integers(0, 256, (40, 60, 3), dtype=np.uint8), 0.7, True, {"a": 1}))
    stroke = np.zeros((40, 60, 4), np.uint8)
    stroke[5:20, 10:30] = rng.integers(1, 256, (15, 20, 4), dtype=np.uint8)
    doc.insert_layer(Layer("Stroke", stroke, 1.0, True, {"b": 2}))
    return doc


@pytest.fixture
def encoded(monkeypatch):
    """The arrays handed to the PNG encoder, in order."""
    calls: list[np.ndarray] = []
    real = ora._png_bytes

    def counting(pixels):
        calls.append(pixels)
        return real(pixels)

    monkeypatch.setattr(ora, "_png_bytes", counting)
    return calls


def _entries(path):
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def _same_as_fresh(path, doc, tmp_path):
    """The autosave's entries are byte for byte those of an uncached write of the same document."""
    fresh = write_ora(tmp_path / "fresh.ora", doc)
    assert _entries(path) == _entries(fresh)


def test_a_second_autosave_of_an_unchanged_document_encodes_nothing(tmp_path, encoded):
    doc = _document()
    slot = AutosaveSlot(tmp_path / "autosave")
    first = _entries(slot.write(doc.snapshot()))
    assert len(encoded) == 5  # two layers, the original, the composite and its thumbnail
    encoded.clear()
    slot.write(doc.snapshot())  # a new snapshot shares the arrays: nothing to encode again
    assert encoded == []
    assert _entries(slot.work_path) == first
    back = read_ora(slot.work_path).document
    assert np.array_equal(back.image, doc.image)
    for got, want in zip(back.layers, doc.layers, strict=True):
        assert np.array_equal(got.image, want.image)
        assert (got.name, got.visible, got.provenance) == (want.name, want.visible, want.provenance)
        assert got.opacity == pytest.approx(want.opacity, abs=1e-4)


def test_an_edit_re_encodes_what_it_changed_and_nothing_else(tmp_path, encoded):
    doc = _document()
    slot = AutosaveSlot(tmp_path / "autosave")
    slot.write(doc.snapshot())

    encoded.clear()
    doc.set_opacity(0, 0.3)  # the layers' pixels are the same: only the composite changes
    slot.write(doc.snapshot())
    assert len(encoded) == 2 and encoded[0].shape == (40, 60, 4)  # composite (RGBA) and thumbnail
    _same_as_fresh(slot.work_path, doc, tmp_path)

    encoded.clear()
    old = doc.remove_layer(1)  # the stroke painted again: a new array in a new layer
    repainted = old.image.copy()
    repainted[25:35, 40:50] = 200
    doc.insert_layer(Layer(old.name, repainted, old.opacity, old.visible, old.provenance))
    slot.write(doc.snapshot())
    assert len(encoded) == 3  # that layer (trimmed), the composite and its thumbnail
    assert encoded[0].shape == (30, 40, 4)  # the repainted stroke, trimmed to its pixels
    assert not any(a is doc.image or a is doc.layers[0].image for a in encoded)
    _same_as_fresh(slot.work_path, doc, tmp_path)

    encoded.clear()
    doc.replace_image(*doc.crop_box_pixels((0, 0, 30, 20)))  # a crop: every array is new
    slot.write(doc.snapshot())
    assert len(encoded) == 5
    _same_as_fresh(slot.work_path, doc, tmp_path)


def test_the_cache_keeps_only_the_last_write_and_forgets_on_close(tmp_path):
    doc = _document()
    slot = AutosaveSlot(tmp_path / "autosave")
    slot.write(doc.snapshot())
    doc.replace_image(*doc.crop_box_pixels((0, 0, 30, 20)))
    slot.write(doc.snapshot())
    assert len(slot._cache._entries) == 4  # two layers, the original, the composite: none of the old ones
    slot.remove()
    assert slot._cache._entries == {}
