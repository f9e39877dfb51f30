"""Stylize's "subject" / "background" regions follow the composition analysis: on a portrait the subject is
the person (the whole hand-marked face with full weight, and the figure below it), not the most salient
detail (the astronaut's badges); without a face it is the salient object; the edge is soft."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from models.progress import Progress
from studio.state.style_mask import StyleMask, subject_map, subject_map_steps

ROOT = Path(__file__).resolve().parents[2]
FACES = {
    k: v for k, v in json.loads((ROOT / "tests/data/portraits/faces.json").read_text()).items() if k[0] != "_"
}


def _pixels(rel: str) -> np.ndarray:
    return np.asarray(Image.open(ROOT / rel).convert("RGB"))


def _stretched(weights: np.ndarray, pixels: np.ndarray) -> np.ndarray:
    """The map over the picture, as the Stylize panel's mask stretches it."""
    mask = StyleMask(pixels.shape[1], pixels.shape[0])
    mask.set_map(weights)
    return mask.pixels.astype(np.float32) / 255.0


@pytest.fixture(scope="module")
def maps():
    out = {}
    for rel in [*FACES, "resources/examples/coffee.png"]:
        pixels = _pixels(rel)
        steps = subject_map_steps(pixels)
        reports = []
        try:
            while True:
                reports.append(next(steps))
        except StopIteration as stop:
            out[rel] = (pixels, stop.value, reports)
    return out


@pytest.mark.parametrize("rel", sorted(FACES))
def test_the_subject_is_the_person(maps, rel):
    pixels, weights, reports = maps[rel]
    assert reports and all(isinstance(r, Progress) for r in reports)  # a job: every yield can stop it
    subject = _stretched(weights, pixels)
    background = _stretched(1.0 - weights, pixels)
    x0, y0, x1, y1 = FACES[rel]
    face = subject[y0:y1, x0:x1]
    assert (face >= 0.8).mean() >= 0.95, (face >= 0.8).mean()
    assert (background[y0:y1, x0:x1] <= 0.2).mean() >= 0.95
    # The figure below the face (a face-height band under the chin, the middle half of its width) is in too.
    below = subject[y1 : y1 + (y1 - y0), x0 + (x1 - x0) // 4 : x1 - (x1 - x0) // 4]
    assert below.mean() > 0.8, below.mean()
    # ... but not the whole picture.
    assert subject.mean() < 0.75


def test_the_astronaut_is_the_woman_not_her_badges(maps):
    pixels, weights, _ = maps["resources/examples/astronaut.png"]
    subject = _stretched(weights, pixels)
    assert subject[60:120, 330:350].max() < 0.2  # the wall between her head and the shuttle
    assert subject[330:400, 140:200].mean() > 0.8  # the mission badge is part of her, not all there is
    assert subject[60:160, 180:260].mean() > 0.95  # her face


def test_the_background_is_the_rest(maps):
    pixels, weights, _ = maps["resources/examples/astronaut.png"]
    assert np.allclose(subject_map(pixels, background=True), 1.0 - weights)


@pytest.mark.parametrize("rel", ["resources/examples/astronaut.png", "resources/examples/coffee.png"])
def test_the_edge_is_soft(maps, rel):
    _, weights, _ = maps[rel]
    between = (weights > 0.05) & (weights < 0.95)
    assert between.mean() > 0.02  # a band of partial weights around the subject
    # no step between neighbouring map pixels: a hard mask would jump from 0 to 1
    assert np.abs(np.diff(weights, axis=0)).max() < 0.5
    assert np.abs(np.diff(weights, axis=1)).max() < 0.5


def test_without_a_face_the_subject_is_the_salient_object(maps):
    pixels, weights, _ = maps["resources/examples/coffee.png"]
    subject = _stretched(weights, pixels)
    cup = np.zeros(subject.shape, bool)
    cup[15:300, 172:410] = True  # rim, handle and the cup's foot, marked by eye
    assert subject[cup].mean() > 0.45
    assert subject[cup].mean() > 2.5 * subject[~cup].mean()
    assert subject[:60, 500:].max() < 0.1  # the table's far corner


def test_a_flat_picture_has_no_subject():
    weights = subject_map(np.full((64, 96, 3), 128, np.uint8))
    assert weights.shape[1] > weights.shape[0] and float(weights.max()) == 0.0
