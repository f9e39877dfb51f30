"""The subject finder sees people: faces on photos and painted portraits, crops that never cut a face,
and the salient object (the coffee cup) when there is no one."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from models.composition import people
from models.composition.analysis import analyse
from models.composition.crop import largest_fit, propose_crop
from models.progress import drive

ROOT = Path(__file__).resolve().parents[2]
FACES = {
    k: v for k, v in json.loads((ROOT / "tests/data/portraits/faces.json").read_text()).items() if k[0] != "_"
}
THIRDS = [(u, v) for u in (1 / 3, 2 / 3) for v in (1 / 3, 2 / 3)]


def _pixels(rel: str) -> np.ndarray:
    return np.asarray(Image.open(ROOT / rel).convert("RGB"))


def _share_inside(face, rect) -> float:
    x0, y0, x1, y1 = face
    x, y, w, h = rect
    iw = max(0.0, min(x1, x + w) - max(x0, x))
    ih = max(0.0, min(y1, y + h) - max(y0, y))
    return iw * ih / ((x1 - x0) * (y1 - y0))


@pytest.fixture(scope="module")
def analyses():
    return {rel: drive(analyse(_pixels(rel))) for rel in FACES}


@pytest.mark.parametrize("rel", sorted(FACES))
def test_the_subject_is_the_face_and_crops_keep_all_of_it(analyses, rel):
    result = analyses[rel]
    face = FACES[rel]
    assert result.subject is not None and result.subject.kind == "face"
    assert _share_inside(face, result.subject.box) > 0.97
    for aspect in ("1:1", "4:5"):
        assert _share_inside(face, result.crops[aspect]) > 0.97, aspect


def test_the_astronauts_face_sits_near_a_thirds_point(analyses):
    result = analyses["resources/examples/astronaut.png"]
    ex, ey = result.subject.center
    assert "face" in result.suggestions[0]
    for aspect in ("1:1", "4:5"):
        x, y, w, h = result.crops[aspect]
        u, v = (ex - x) / w, (ey - y) / h
        assert min(max(abs(u - a), abs(v - b)) for a, b in THIRDS) < 0.05, (aspect, u, v)


def test_the_coffee_crops_keep_the_cup():
    result = drive(analyse(_pixels("resources/examples/coffee.png")))
    cup = (172, 15, 410, 300)  # rim, handle and the cup's foot, marked by eye
    assert result.subject is not None and result.subject.kind == "object"
    assert _share_inside(cup, result.subject.box) > 0.95
    for aspect in ("1:1", "4:5", "3:2"):
        assert _share_inside(cup, result.crops[aspect]) > 0.95, aspect


@pytest.mark.parametrize(
    "rel",
    [
        "resources/examples/coffee.png",
        "resources/examples/chelsea.png",
        "resources/styles/hokusai_great_wave.jpg",
        "resources/examples/rocket.png",
    ],
)
def test_no_faces_where_there_are_none(rel):
    assert drive(people.find_faces(_pixels(rel))) == []


def test_faces_are_found_alike_at_any_image_size():
    big = _pixels("tests/data/portraits/af_klint_photo.jpg")
    small = np.asarray(Image.fromarray(big).resize((big.shape[1] // 2, big.shape[0] // 2)))
    (a,) = drive(people.find_faces(big))
    (b,) = drive(people.find_faces(small))
    assert np.allclose(np.array(a.box) / 2, b.box, atol=6)


def test_without_opencv_there_are_no_faces_and_the_analysis_still_works(monkeypatch):
    def missing():
        raise ImportError("no cv2")

    monkeypatch.setattr(people, "_cascades", missing)
    assert drive(people.find_faces(_pixels("resources/examples/astronaut.png"))) == []
    result = drive(analyse(_pixels("resources/examples/astronaut.png")))
    assert result.subject is None or result.subject.kind == "object"


@pytest.mark.parametrize("seed", range(40))
def test_a_crop_never_cuts_the_box_it_must_keep(seed):
    rng = np.random.default_rng(seed)
    fw, fh = int(rng.integers(80, 900)), int(rng.integers(80, 900))
    aspect = float(rng.choice([1.0, 0.8, 1.5, 16 / 9, 2 / 3]))
    lw, lh = largest_fit((fw, fh), aspect)
    kw, kh = rng.uniform(0.05, 1.0) * lw, rng.uniform(0.05, 1.0) * lh
    kx, ky = rng.uniform(0, fw - kw), rng.uniform(0, fh - kh)
    centre = (kx + rng.uniform(0, kw), ky + rng.uniform(0, kh))
    sal = rng.random((32, 32)).astype(np.float32)
    x, y, w, h = propose_crop((fw, fh), aspect, sal, centre, (kx, ky, kw, kh))
    assert 0 <= x and 0 <= y and x + w <= fw and y + h <= fh
    assert x <= kx + 1e-6 and y <= ky + 1e-6 and x + w >= kx + kw - 1e-6 and y + h >= ky + kh - 1e-6
