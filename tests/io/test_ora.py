"""OpenRaster projects: Atelier's round trip, files made by other programs, and unsafe archives."""

import io
import json
import zipfile

import numpy as np
import pytest
from PIL import Image

from studio.io import ora
from studio.io.ora import ProjectError, read_ora, write_ora
from studio.state.document import Document, Layer


def _document():
    rng = np.random.default_rng(3)
    base = rng.integers(0, 256, (30, 40, 3), dtype=np.uint8)
    full = rng.integers(0, 256, (30, 40, 3), dtype=np.uint8)
    patch = np.zeros((30, 40, 4), np.uint8)  # a stroke in the middle: stored trimmed with an offset
    patch[8:20, 11:25] = rng.integers(0, 256, (12, 14, 4), dtype=np.uint8)
    patch[8:20, 11:25, 3] = np.linspace(1, 255, 14, dtype=np.uint8)[None, :]
    doc = Document(base, name="photo.png")
    doc.insert_layer(Layer("Style: Hokusai", full, 0.6, True, {"tool": "stylize", "seed": 4}))
    doc.insert_layer(Layer("Stroke", patch, 1.0, False, {"tool": "gan", "label": "#12"}))
    return doc


def test_round_trip_keeps_layers_names_opacity_visibility_alpha_offsets_and_provenance(tmp_path):
    doc = _document()
    extras = {"palette": {"name": "warm", "swatches": [[255, 0, 0]]}, "guides": {"kind": "thirds"}}
    path = write_ora(tmp_path / "work.ora", doc, extras)
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        assert names[0] == "mimetype" and z.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
        assert z.read("mimetype") == b"image/openraster"
        assert {"stack.xml", "mergedimage.png", "Thumbnails/thumbnail.png", ora.EXTRAS_NAME} <= set(names)
        stack = z.read("stack.xml").decode()
        assert 'name="Stroke"' in stack and 'x="11"' in stack and 'y="8"' in stack
        assert Image.open(io.BytesIO(z.read("data/layer002.png"))).size == (14, 12)  # trimmed
        merged = np.asarray(Image.open(io.BytesIO(z.read("mergedimage.png"))))
        assert np.array_equal(merged, doc.flatten())
        assert max(Image.open(io.BytesIO(z.read("Thumbnails/thumbnail.png"))).size) <= 256
    project = read_ora(path)
    back = project.document
    assert not project.foreign and project.notes == ()
    assert project.extras == extras
    assert np.array_equal(back.image, doc.image)
    assert [la.name for la in back.layers] == ["Style: Hokusai", "Stroke"]
    for got, want in zip(back.layers, doc.layers, strict=True):
        assert np.array_equal(got.image, want.image)
        assert got.opacity == pytest.approx(want.opacity, abs=1e-4)
        assert got.visible == want.visible
        assert got.provenance == want.provenance
    assert np.array_equal(back.flatten(), doc.flatten())
    assert back.path == path and back.name == "work.ora"


def test_write_is_atomic_and_refuses_originals_and_other_extensions(tmp_path, monkeypatch):
    doc = _document()
    target = tmp_path / "work.ora"
    target.write_bytes(b"yesterday's project")
    with pytest.raises(ProjectError, match="original"):
        write_ora(target, doc, protect=[target])
    with pytest.raises(ProjectError, match=".ora"):
        write_ora(tmp_path / "work.png", doc)

    def broken(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "writestr", broken)
    with pytest.raises(ProjectError, match="No space"):
        write_ora(target, doc)
    assert target.read_bytes() == b"yesterday's project"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["work.ora"]  # no temp file left behind


def _png(pixels):
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


def _foreign(path, stack_xml, files, mimetype=b"image/openraster"):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        if mimetype is not None:
            z.writestr("mimetype", mimetype)
        z.writestr("stack.xml", stack_xml)
        for name, data in files.items():
            z.writestr(name, data)
    return path


def test_foreign_file_with_nested_stacks_offsets_and_odd_modes_opens_with_notes(tmp_path):
    bg = np.full((20, 30, 3), 200, np.uint8)
    dot = np.zeros((4, 5, 4), np.uint8)
    dot[..., 0], dot[..., 3] = 255, 255
    wash = np.full((20, 30, 4), (0, 0, 255, 255), np.uint8)
    xml = """<?xml version="1.0"?>
<image w="30" h="20"><stack>
  <stack name="Group" opacity="0.5" x="2" y="1">
    <layer name="Dot" src="data/dot.png" x="10" y="5" opacity="0.8"/>
  </stack>
  <layer name="Wash" src="data/wash.png" composite-op="svg:multiply" visibility="hidden"/>
  <text name="Title"/>
  <layer name="Paper" src="data/bg.png"/>
</stack></image>"""
    path = _foreign(
        tmp_path / "krita.ora",
        xml,
        {"data/dot.png": _png(dot), "data/wash.png": _png(wash), "data/bg.png": _png(bg)},
    )
    project = read_ora(path)
    doc = project.document
    assert project.foreign
    assert np.array_equal(doc.image, bg)  # the opaque bottom layer is the original
    assert [la.name for la in doc.layers] == ["Wash", "Dot"]
    wash_layer, dot_layer = doc.layers
    assert not wash_layer.visible
    assert dot_layer.opacity == pytest.approx(0.4)  # group opacity × layer opacity
    ys, xs = np.nonzero(dot_layer.image[..., 3])
    assert (xs.min(), ys.min(), xs.max(), ys.max()) == (12, 6, 16, 9)  # group offset + layer offset
    text = " ".join(project.notes)
    assert "Group" in text and "svg:multiply" in text and "<text>" in text


def test_hidden_bottom_layer_and_layers_past_the_edge(tmp_path):
    a = np.full((10, 10, 4), 255, np.uint8)
    xml = """<image w="8" h="6"><stack>
      <layer name="Edge" src="a.png" x="-4" y="3"/>
      <layer name="Hidden" src="a.png" visibility="hidden"/>
    </stack></image>"""
    project = read_ora(_foreign(tmp_path / "x.ora", xml, {"a.png": _png(a)}))
    doc = project.document
    assert doc.image.shape == (6, 8, 4) and not doc.image.any()  # transparent canvas under both
    assert [la.name for la in doc.layers] == ["Hidden", "Edge"]
    edge = doc.layers[1].image
    assert edge[3:, :6, 3].all() and not edge[:3].any() and not edge[:, 6:].any()


@pytest.mark.parametrize(
    ("xml", "files", "message"),
    [
        ('<image w="4" h="4"><stack><layer name="L" src="data/gone.png"/></stack></image>', {}, "missing"),
        ('<image w="4" h="4"><stack><layer src="../../evil.png"/></stack></image>', {}, "missing"),
        ('<image w="4" h="4"><stack/></image>', {}, "no layers"),
        ("<image><stack/></image>", {}, "size"),
        ('<image w="100000" h="100000"><stack/></image>', {}, "too large"),
        ("not xml <", {}, "not valid XML"),
        (
            '<!DOCTYPE x [<!ENTITY a "aaaa">]><image w="4" h="4"><stack/></image>',
            {},
            "entities",
        ),
        (
            '<image w="4" h="4"><stack><layer name="L" src="l.png"/></stack></image>',
            {"l.png": b"\x89PNG but not really"},
            "not a readable image",
        ),
    ],
)
def test_broken_foreign_files_give_a_clear_error(tmp_path, xml, files, message):
    path = _foreign(tmp_path / "bad.ora", xml, files)
    with pytest.raises(ProjectError, match=message) as err:
        read_ora(path)
    assert str(err.value).startswith("bad.ora: ")


def test_not_a_zip_and_a_foreign_mimetype(tmp_path):
    notes = tmp_path / "notes.ora"
    notes.write_text("my notes")
    with pytest.raises(ProjectError, match="not an OpenRaster project"):
        read_ora(notes)
    path = _foreign(tmp_path / "doc.ora", "<image/>", {}, mimetype=b"application/vnd.oasis.opendocument.text")
    with pytest.raises(ProjectError, match="not an OpenRaster image"):
        read_ora(path)


def test_unsafe_names_and_huge_entries_are_refused_and_nothing_is_written(tmp_path, monkeypatch):
    inside = tmp_path / "inside"
    inside.mkdir()
    ok = '<image w="2" h="2"><stack><layer src="a.png"/></stack></image>'
    png = _png(np.zeros((2, 2, 3), np.uint8))
    for bad_name in ("../escape.png", "/etc/evil.png", "data/../../escape.png"):
        path = _foreign(inside / "bad.ora", ok, {"a.png": png, bad_name: png})
        with pytest.raises(ProjectError, match="unsafe file name"):
            read_ora(path)
    monkeypatch.setattr(ora, "MAX_ENTRY_BYTES", 1 << 20)
    path = _foreign(inside / "bomb.ora", ok, {"a.png": png, "big.bin": b"\0" * (2 << 20)})
    assert path.stat().st_size < 100_000  # a small file that unpacks to far more
    with pytest.raises(ProjectError, match="unpacks to"):
        read_ora(path)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["bad.ora", "bomb.ora", "inside"]


def test_extras_from_a_newer_or_damaged_atelier_are_tolerated(tmp_path):
    doc = _document()
    path = write_ora(tmp_path / "w.ora", doc)
    with zipfile.ZipFile(path) as z:
        files = {n: z.read(n) for n in z.namelist() if n != "mimetype"}
    files[ora.EXTRAS_NAME] = b"{ not json"
    stack = files.pop("stack.xml")
    damaged = _foreign(tmp_path / "d.ora", stack, files)
    project = read_ora(damaged)
    assert len(project.document.layers) == 2 and "extras" in " ".join(project.notes)
    files[ora.EXTRAS_NAME] = json.dumps({"format": "something-else"}).encode()
    assert read_ora(_foreign(tmp_path / "e.ora", stack, files)).extras == {}
