"""Guide geometry: exact positions, the spiral's eye, flips, aspect-dependent angles."""

from __future__ import annotations

import math

import pytest

from models.composition import GUIDES, PHI, Arc, GuideParams, Line, Polyline, guide_primitives, parse_aspect
from models.composition.guides import golden_spiral_arcs, golden_spiral_eye
from models.composition.primitives import to_pixel_paths


def _verticals(prims) -> list[float]:
    return sorted(p.x0 for p in prims if isinstance(p, Line) and p.x0 == p.x1 and not p.minor)


def _horizontals(prims) -> list[float]:
    return sorted(p.y0 for p in prims if isinstance(p, Line) and p.y0 == p.y1 and not p.minor)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("thirds", [1 / 3, 2 / 3]),
        ("fifths", [0.2, 0.4, 0.6, 0.8]),
        ("golden-sections", [0.3819660112501051, 0.6180339887498949]),
        ("centre", [0.5]),
    ],
)
def test_section_lines_sit_at_exact_fractions(name, expected):
    prims = guide_primitives(name, GuideParams(aspect=1.5))
    assert _verticals(prims) == pytest.approx(expected, abs=1e-12)
    assert _horizontals(prims) == pytest.approx(expected, abs=1e-12)


def test_golden_sections_are_the_golden_ratio():
    a, b = _verticals(guide_primitives("golden-sections", GuideParams()))
    assert b / a == pytest.approx(PHI)
    assert 1 / b == pytest.approx(PHI)


def test_thirds_land_on_whole_pixels_of_a_300_px_image():
    paths = to_pixel_paths(guide_primitives("thirds", GuideParams(aspect=1.0)), 300, 300)
    xs = sorted({float(p.points[0, 0]) for p in paths if p.points[0, 0] == p.points[1, 0]})
    assert xs == pytest.approx([100.0, 200.0])


def test_grid_counts_and_subdivisions():
    prims = guide_primitives("grid", GuideParams(grid_cols=3, grid_rows=2, grid_subdivisions=2))
    assert _verticals(prims) == pytest.approx([1 / 3, 2 / 3])
    assert _horizontals(prims) == pytest.approx([0.5])
    minor_x = sorted(p.x0 for p in prims if p.minor and p.x0 == p.x1)
    assert minor_x == pytest.approx([1 / 6, 3 / 6, 5 / 6])


@pytest.mark.parametrize("flip_h", [False, True])
@pytest.mark.parametrize("flip_v", [False, True])
@pytest.mark.parametrize("aspect", [PHI, 1 / PHI, 1.5])
def test_spiral_winds_into_its_eye_for_each_orientation(aspect, flip_h, flip_v):
    params = GuideParams(aspect=aspect, flip_h=flip_h, flip_v=flip_v)
    arcs = [p for p in guide_primitives("golden-spiral", params) if isinstance(p, Arc)]
    end = arcs[-1].end
    eye = golden_spiral_eye(params)
    assert end == pytest.approx(eye, abs=2e-3)
    # The spiral is one continuous curve.
    for a, b in zip(arcs, arcs[1:], strict=False):
        assert a.end == pytest.approx(b.start, abs=1e-9)
    # The eye lies in the quadrant the flips point at.
    assert (eye[0] < 0.5) == flip_h and (eye[1] < 0.5) == flip_v


@pytest.mark.parametrize("flip_h", [False, True])
@pytest.mark.parametrize("flip_v", [False, True])
@pytest.mark.parametrize("aspect", [PHI, 1 / PHI])
def test_spiral_eye_is_the_golden_point_the_triangles_mark(aspect, flip_h, flip_v):
    """In a golden rectangle the golden triangles' perpendicular meets the diagonal at the spiral's eye."""
    params = GuideParams(aspect=aspect, flip_h=flip_h, flip_v=flip_v)
    arcs = [p for p in guide_primitives("golden-spiral", params) if isinstance(p, Arc)]
    feet = [(p.x1, p.y1) for p in guide_primitives("golden-triangles", params)[1:]]
    assert min(math.dist(arcs[-1].end, f) for f in feet) < 2e-3


def test_unflipped_spiral_eye_value():
    k = PHI**2 / (1 + PHI**2)
    assert golden_spiral_arcs()[-1].end == pytest.approx((k, k), abs=2e-3)


def test_diagonal_method_runs_at_45_degrees_in_pixels():
    aspect = 16 / 9
    for line in guide_primitives("diagonal-method", GuideParams(aspect=aspect)):
        dx, dy = (line.x1 - line.x0) * aspect, line.y1 - line.y0
        assert abs(dx) == pytest.approx(abs(dy))
        assert {line.y0, line.y1} == {0.0, 1.0}


@pytest.mark.parametrize("aspect", [1.5, 0.7])
def test_dynamic_symmetry_reciprocals_are_perpendicular_to_a_diagonal(aspect):
    lines = [p for p in guide_primitives("dynamic-symmetry", GuideParams(aspect=aspect)) if not p.minor]
    diagonals, reciprocals = lines[:2], lines[2:]
    assert len(reciprocals) == 4
    for r in reciprocals:
        rv = ((r.x1 - r.x0) * aspect, r.y1 - r.y0)
        dots = [abs(rv[0] * (d.x1 - d.x0) * aspect + rv[1] * (d.y1 - d.y0)) for d in diagonals]
        assert min(dots) == pytest.approx(0.0, abs=1e-9)
        # Each runs from a corner to the opposite edge.
        assert (r.x0, r.y0) in {(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)}
        assert min(abs(r.x1), abs(r.x1 - 1), abs(r.y1), abs(r.y1 - 1)) < 1e-9


def test_crop_frame_has_the_asked_aspect_in_pixels():
    frame = guide_primitives("crop-frame", GuideParams(aspect=1.5, frame_aspect=4 / 5))[0]
    assert isinstance(frame, Polyline) and frame.closed
    xs = [p[0] for p in frame.points]
    ys = [p[1] for p in frame.points]
    assert (max(xs) - min(xs)) * 1.5 / (max(ys) - min(ys)) == pytest.approx(0.8)
    assert max(ys) - min(ys) == pytest.approx(1.0)


def test_flips_mirror_asymmetric_guides():
    base = guide_primitives("golden-triangles", GuideParams(aspect=1.5))
    flipped = guide_primitives("golden-triangles", GuideParams(aspect=1.5, flip_h=True))
    assert flipped[0] == Line(1.0, 0.0, 0.0, 1.0)
    assert base[0] == Line(0.0, 0.0, 1.0, 1.0)


def test_every_guide_stays_inside_the_image():
    for name in GUIDES:
        for aspect in (0.5, 1.0, 2.0):
            paths = to_pixel_paths(guide_primitives(name, GuideParams(aspect=aspect)), 200 * aspect, 200)
            for path in paths:
                assert path.points.min() >= -1e-6
                assert (path.points[:, 0] <= 200 * aspect + 1e-6).all()
                assert (path.points[:, 1] <= 200 + 1e-6).all()


@pytest.mark.parametrize(
    ("text", "value"),
    [("4:5", 0.8), ("16:9", 16 / 9), ("1:1", 1.0), ("√2", math.sqrt(2)), ("1:√2", 1 / math.sqrt(2))],
)
def test_parse_aspect(text, value):
    assert parse_aspect(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["", "4:", "a:b", "0:1", "1:2:3", "-1:2"])
def test_parse_aspect_rejects_nonsense(text):
    with pytest.raises(ValueError, match="aspect"):
        parse_aspect(text)


def test_unknown_guide_names_the_known_ones():
    with pytest.raises(KeyError, match="thirds"):
        guide_primitives("nope", GuideParams())
