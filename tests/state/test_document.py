import numpy as np
import pytest

from studio.state.document import Document, Layer


def img(w=4, h=3, value=0, c=3):
    return np.full((h, w, c), value, np.uint8)


def test_flatten_without_layers_is_the_original():
    doc = Document(img(value=10))
    out = doc.flatten()
    assert out.shape == (3, 4, 3) and (out == 10).all()


def test_layer_opacity_blends():
    doc = Document(img(value=0))
    doc.insert_layer(Layer("result", img(value=200)))
    doc.set_opacity(0, 0.25)
    assert abs(int(doc.flatten()[0, 0, 0]) - 50) <= 1
    doc.set_visible(0, False)
    assert (doc.flatten() == 0).all()


def test_alpha_is_kept_through_flatten():
    base = img(c=4, value=100)
    base[..., 3] = 0
    base[0, 0, 3] = 255
    doc = Document(base)
    doc.insert_layer(Layer("half", img(value=200), opacity=0.5))
    out = doc.flatten()
    assert out.shape[2] == 4
    assert out[0, 0, 3] == 255
    assert out[1, 1, 3] == 128 and out[1, 1, 0] == 200  # transparent base: the layer's colour, half alpha


def test_changed_is_emitted_and_bad_layers_refused():
    doc = Document(img())
    seen = []
    doc.changed.connect(lambda: seen.append(1))
    doc.insert_layer(Layer("a", img()))
    doc.set_opacity(0, 2.0)
    assert doc.layers[0].opacity == 1.0
    with pytest.raises(ValueError, match="4×3"):
        doc.insert_layer(Layer("wrong size", img(w=5)))
    with pytest.raises(ValueError):
        doc.set_opacity(0, float("nan"))
    assert len(seen) == 2


def test_crop_box_crops_layers_too_and_rejects_outside():
    doc = Document(np.arange(5 * 6 * 3, dtype=np.uint8).reshape(5, 6, 3))
    doc.insert_layer(Layer("l", doc.image.copy()))
    image, layers = doc.crop_box_pixels((1, 2, 3, 2))
    assert image.shape == (2, 3, 3) and (image == doc.image[2:4, 1:4]).all()
    assert layers[0].image.shape == (2, 3, 3)
    with pytest.raises(ValueError, match="outside"):
        doc.crop_box_pixels((10, 10, 5, 5))


def test_flatten_is_cached_read_only_and_refreshed_on_change():
    doc = Document(img(value=0))
    doc.insert_layer(Layer("result", img(value=200)))
    first = doc.flatten()
    assert doc.flatten() is first
    assert not first.flags.writeable
    doc.set_opacity(0, 0.5)
    second = doc.flatten()
    assert second is not first and abs(int(second[0, 0, 0]) - 100) <= 1


def test_each_edit_emits_the_event_of_its_field_then_changed():
    doc = Document(img())
    seen = []
    for name in ("image", "layers", "opacity", "visible", "changed"):
        getattr(doc.events, name).connect(lambda *args, name=name: seen.append((name, *args)))
    doc.insert_layer(Layer("a", img()))
    doc.set_opacity(0, 0.5)
    doc.set_visible(0, False)
    doc.replace_image(img(value=9))
    assert seen == [
        ("layers",),
        ("changed",),
        ("opacity", 0),
        ("changed",),
        ("visible", 0),
        ("changed",),
        ("image",),
        ("changed",),
    ]


def test_snapshot_is_unaffected_by_later_edits():
    import numpy as np

    from studio.state.document import Document, Layer

    doc = Document(np.zeros((4, 4, 3), np.uint8), name="a")
    doc.insert_layer(Layer("L", np.full((4, 4, 3), 200, np.uint8), 0.5, True, {"k": 1}))
    doc.extras["palette"] = {"name": "p"}
    snap = doc.snapshot()
    doc.set_opacity(0, 1.0)
    doc.set_visible(0, False)
    doc.layers[0].provenance["k"] = 2
    doc.remove_layer(0)
    assert [(la.opacity, la.visible, la.provenance) for la in snap.layers] == [(0.5, True, {"k": 1})]
    assert snap.extras == {"palette": {"name": "p"}} and snap.flatten()[0, 0, 0] == 100


def _one_shot_composite(base: np.ndarray, layers: list[Layer], keep_alpha: bool) -> np.ndarray:
    """The source-over formula on whole arrays (the composite before it went in bands of rows)."""

    def rgba(p):
        return p if p.shape[2] == 4 else np.concatenate([p, np.full(p.shape[:2] + (1,), 255, np.uint8)], 2)

    out = rgba(base).astype(np.float32) / 255.0
    for layer in layers:
        src = rgba(layer.image).astype(np.float32) / 255.0
        a = src[..., 3:4] * layer.opacity
        out_a = a + out[..., 3:4] * (1.0 - a)
        safe = np.where(out_a > 0, out_a, 1.0)
        out[..., :3] = (src[..., :3] * a + out[..., :3] * out[..., 3:4] * (1.0 - a)) / safe
        out[..., 3:4] = out_a
    result = np.clip(out * 255.0 + 0.5, 0, 255).astype(np.uint8)
    return result if keep_alpha else result[..., :3]


@pytest.mark.parametrize("alpha", [False, True])
def test_flatten_in_bands_matches_the_whole_image_formula(alpha):
    """Flatten works in bands of rows (short numpy calls, small temporaries); every band, including a
    short last one, gives exactly what the formula gives on the whole picture."""
    from studio.state.document import COMPOSITE_BAND_ROWS

    rng = np.random.default_rng(3)
    h = 2 * COMPOSITE_BAND_ROWS + 37
    base = rng.integers(0, 256, (h, 50, 3), np.uint8)
    doc = Document(base)
    top = rng.integers(0, 256, (h, 50, 4 if alpha else 3), np.uint8)
    doc.insert_layer(Layer("a", rng.integers(0, 256, (h, 50, 3), np.uint8), opacity=0.6))
    doc.insert_layer(Layer("b", top, opacity=0.8))
    out = doc.flatten()
    assert out.shape == (h, 50, 4 if alpha else 3)
    np.testing.assert_array_equal(out, _one_shot_composite(base, doc.layers, alpha))
