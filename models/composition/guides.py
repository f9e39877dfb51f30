"""Composition guides as exact geometry in normalised image coordinates.

Every guide is a function of :class:`GuideParams` (the image's aspect ratio, flips, grid counts, frame
aspect) returning a list of primitives (:mod:`models.composition.primitives`). Lines that depend on true
angles (45° diagonals, perpendicular reciprocals) are computed in pixel proportions and then normalised, so
they stay right on any image shape.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from models.composition.primitives import Arc, Line, Polyline, Primitive, transform_all

PHI = (1.0 + math.sqrt(5.0)) / 2.0
#: The golden sections of a unit length: 1/φ² ≈ 0.382 and 1/φ ≈ 0.618.
GOLDEN_SECTIONS = (1.0 / PHI**2, 1.0 / PHI)


@dataclass(frozen=True)
class GuideParams:
    """What a guide needs to know: ``aspect`` is image width / height; the rest are user settings."""

    aspect: float = 1.0
    flip_h: bool = False
    flip_v: bool = False
    grid_cols: int = 4
    grid_rows: int = 4
    grid_subdivisions: int = 1
    frame_aspect: float = 4.0 / 5.0


def parse_aspect(text: str) -> float:
    """Parse an aspect ratio ``"W:H"`` (``"4:5"``, ``"16:9"``, ``"√2:1"``, ``"sqrt2"``) to width / height.

    Raises ValueError with a readable message on bad input.
    """
    raw = text.strip().lower().replace(" ", "")
    if raw in ("√2", "sqrt2", "a4", "paper"):
        return math.sqrt(2.0)
    parts = raw.split(":") if ":" in raw else raw.split("x") if "x" in raw else [raw, "1"]
    if len(parts) != 2:
        raise ValueError(f"aspect ratio {text!r} is not W:H (e.g. 4:5, 16:9, √2:1)")

    def number(part: str) -> float:
        if part.startswith(("√", "sqrt")):
            return math.sqrt(float(part.removeprefix("√").removeprefix("sqrt") or "nan"))
        return float(part)

    try:
        w, h = number(parts[0]), number(parts[1])
    except ValueError:
        raise ValueError(f"aspect ratio {text!r} is not W:H (e.g. 4:5, 16:9, √2:1)") from None
    if not (w > 0 and h > 0 and math.isfinite(w / h)):
        raise ValueError(f"aspect ratio {text!r} must have two positive numbers")
    return w / h


def _vertical(x: float, minor: bool = False) -> Line:
    return Line(x, 0.0, x, 1.0, minor)


def _horizontal(y: float, minor: bool = False) -> Line:
    return Line(0.0, y, 1.0, y, minor)


def _cross(fractions: tuple[float, ...] | list[float], minor: bool = False) -> list[Primitive]:
    out: list[Primitive] = [_vertical(f, minor) for f in fractions]
    return out + [_horizontal(f, minor) for f in fractions]


def _rect(x0: float, y0: float, x1: float, y1: float, minor: bool = False) -> Polyline:
    return Polyline(((x0, y0), (x1, y0), (x1, y1), (x0, y1)), closed=True, minor=minor)


def grid(p: GuideParams) -> list[Primitive]:
    """``grid_cols`` x ``grid_rows`` cells, each split again into ``grid_subdivisions`` (minor lines)."""
    cols, rows, sub = max(1, p.grid_cols), max(1, p.grid_rows), max(1, p.grid_subdivisions)
    out: list[Primitive] = []
    for n, make in ((cols, _vertical), (rows, _horizontal)):
        for k in range(1, n * sub):
            out.append(make(k / (n * sub), minor=k % sub != 0))
    return out


def thirds(p: GuideParams) -> list[Primitive]:
    return _cross((1 / 3, 2 / 3))


def fifths(p: GuideParams) -> list[Primitive]:
    return _cross((0.2, 0.4, 0.6, 0.8))


def golden_sections(p: GuideParams) -> list[Primitive]:
    return _cross(GOLDEN_SECTIONS)


def centre(p: GuideParams) -> list[Primitive]:
    return _cross((0.5,))


def safe_margins(p: GuideParams) -> list[Primitive]:
    """Action-safe (5 % in from each edge) and title-safe (10 %) frames."""
    return [_rect(0.05, 0.05, 0.95, 0.95), _rect(0.1, 0.1, 0.9, 0.9, minor=True)]


def _ray_exit(x: float, y: float, dx: float, dy: float, aspect: float) -> tuple[float, float]:
    """Where a ray from pixel-proportional point (x, y) leaves the box [0, aspect] x [0, 1]; normalised."""
    ts = []
    if dx > 1e-12:
        ts.append((aspect - x) / dx)
    elif dx < -1e-12:
        ts.append(-x / dx)
    if dy > 1e-12:
        ts.append((1.0 - y) / dy)
    elif dy < -1e-12:
        ts.append(-y / dy)
    t = min(ts)
    return ((x + t * dx) / aspect, y + t * dy)


def _corners(aspect: float) -> list[tuple[float, float]]:
    return [(0.0, 0.0), (aspect, 0.0), (aspect, 1.0), (0.0, 1.0)]


def diagonal_method(p: GuideParams) -> list[Primitive]:
    """Edwin Westhoff's diagonal method: a 45° line into the picture from each corner."""
    a = p.aspect
    out: list[Primitive] = []
    for cx, cy in _corners(a):
        dx, dy = (1.0 if cx == 0 else -1.0), (1.0 if cy == 0 else -1.0)
        ex, ey = _ray_exit(cx, cy, dx, dy, a)
        out.append(Line(cx / a, cy, ex, ey))
    return out


def _perpendicular_foot(
    corner: tuple[float, float], a0: tuple[float, float], a1: tuple[float, float]
) -> tuple[float, float]:
    (px, py), (x0, y0), (x1, y1) = corner, a0, a1
    dx, dy = x1 - x0, y1 - y0
    t = ((px - x0) * dx + (py - y0) * dy) / (dx * dx + dy * dy)
    return (x0 + t * dx, y0 + t * dy)


def golden_triangles(p: GuideParams) -> list[Primitive]:
    """Harmonious triangles: the diagonal from top-left to bottom-right and the perpendiculars to it from
    the other two corners (flip to mirror). In a golden rectangle the feet of the perpendiculars are eyes
    of golden spirals; the one from the top-right corner is the unflipped spiral's eye."""
    a = p.aspect
    d0, d1 = (0.0, 0.0), (a, 1.0)
    out: list[Primitive] = [Line(0.0, 0.0, 1.0, 1.0)]
    for corner in ((a, 0.0), (0.0, 1.0)):
        fx, fy = _perpendicular_foot(corner, d0, d1)
        out.append(Line(corner[0] / a, corner[1], fx / a, fy))
    return transform_all(out, p.flip_h, p.flip_v)


def dynamic_symmetry(p: GuideParams) -> list[Primitive]:
    """Dynamic symmetry: the baroque (rising) and sinister (falling) diagonals and, from each corner, the
    reciprocal perpendicular to the diagonal that misses it; minor lines mark verticals through the eyes."""
    a = p.aspect
    baroque, sinister = ((0.0, 1.0), (a, 0.0)), ((0.0, 0.0), (a, 1.0))
    out: list[Primitive] = [Line(0.0, 1.0, 1.0, 0.0), Line(0.0, 0.0, 1.0, 1.0)]
    for cx, cy in _corners(a):
        on_sinister = (cx == 0) == (cy == 0)
        fx, fy = _perpendicular_foot((cx, cy), *(baroque if on_sinister else sinister))
        # The reciprocal runs from the corner through the eye (the foot) on to the far edge.
        ex, ey = _ray_exit(cx, cy, fx - cx, fy - cy, a)
        out.append(Line(cx / a, cy, ex, ey))
        out.append(_vertical(fx / a, minor=True))
    return transform_all(out, p.flip_h, p.flip_v)


def golden_spiral_arcs(depth_limit: float = 1e-3) -> list[Arc]:
    """The golden spiral of a golden rectangle stretched to the unit square, before any flip.

    Squares are cut off left, top, right, bottom in turn; each holds a quarter arc around its inner
    corner. Arcs stop once a square is smaller than ``depth_limit`` of the rectangle's height.
    """
    x, y, w, h = 0.0, 0.0, PHI, 1.0
    arcs: list[Arc] = []
    side = 0
    while min(w, h) > depth_limit:
        if side == 0:  # square on the left
            s = h
            cx, cy, start = x + s, y + s, 180.0
            x, w = x + s, w - s
        elif side == 1:  # on top
            s = w
            cx, cy, start = x, y + s, 270.0
            y, h = y + s, h - s
        elif side == 2:  # on the right
            s = h
            cx, cy, start = x + w - s, y, 0.0
            w = w - s
        else:  # at the bottom
            s = w
            cx, cy, start = x + w, y + h - s, 90.0
            h = h - s
        arcs.append(Arc(cx / PHI, cy, s / PHI, s, start, 90.0))
        side = (side + 1) % 4
    return arcs


def golden_spiral_eye(p: GuideParams) -> tuple[float, float]:
    """The point the spiral winds into, in normalised coordinates, after the same flips as the spiral.

    For the unflipped landscape spiral this is (φ²/(1+φ²), φ²/(1+φ²)) ≈ (0.724, 0.724): the fixed point of
    the similarity that maps the golden rectangle onto what is left after cutting off its first square.
    Note it is not the 0.618 golden section: a true golden spiral winds into the foot of the
    perpendicular dropped from a corner onto the diagonal (see :func:`golden_triangles`).
    """
    k = PHI**2 / (1.0 + PHI**2)
    x, y = k, k
    if p.aspect < 1.0:
        x, y = y, x
    return (1.0 - x if p.flip_h else x, 1.0 - y if p.flip_v else y)


def golden_spiral(p: GuideParams) -> list[Primitive]:
    """The golden spiral with its squares; laid along the long side, flipped into four orientations."""
    arcs = golden_spiral_arcs()
    squares: list[Primitive] = []
    for arc in arcs[:8]:
        # Each arc's square spans from its centre to its two end points.
        xs = (arc.cx, arc.start[0], arc.end[0])
        ys = (arc.cy, arc.start[1], arc.end[1])
        squares.append(_rect(min(xs), min(ys), max(xs), max(ys), minor=True))
    prims: list[Primitive] = [*squares, *arcs]
    return transform_all(prims, p.flip_h, p.flip_v, transpose=p.aspect < 1.0)


def crop_frame(p: GuideParams) -> list[Primitive]:
    """The largest centred frame of ``frame_aspect`` (width / height), with its thirds as minor lines."""
    fa = max(1e-6, p.frame_aspect)
    if fa >= p.aspect:
        w, h = 1.0, p.aspect / fa
    else:
        w, h = fa / p.aspect, 1.0
    x0, y0 = (1.0 - w) / 2, (1.0 - h) / 2
    out: list[Primitive] = [_rect(x0, y0, x0 + w, y0 + h)]
    for f in (1 / 3, 2 / 3):
        out.append(Line(x0 + f * w, y0, x0 + f * w, y0 + h, minor=True))
        out.append(Line(x0, y0 + f * h, x0 + w, y0 + f * h, minor=True))
    return out


@dataclass(frozen=True)
class GuideInfo:
    """A guide in the registry: ``flips`` says whether flipping changes it (Shift+O only cycles those)."""

    name: str
    title: str
    build: Callable[[GuideParams], list[Primitive]]
    flips: bool = False


GUIDES: dict[str, GuideInfo] = {
    g.name: g
    for g in (
        GuideInfo("grid", "Grid", grid),
        GuideInfo("thirds", "Rule of thirds", thirds),
        GuideInfo("fifths", "Rule of fifths", fifths),
        GuideInfo("golden-sections", "Golden sections", golden_sections),
        GuideInfo("golden-spiral", "Golden spiral", golden_spiral, flips=True),
        GuideInfo("golden-triangles", "Golden triangles", golden_triangles, flips=True),
        GuideInfo("diagonal-method", "Diagonal method", diagonal_method),
        GuideInfo("dynamic-symmetry", "Dynamic symmetry", dynamic_symmetry, flips=True),
        GuideInfo("centre", "Centre lines", centre),
        GuideInfo("safe-margins", "Safe margins", safe_margins),
        GuideInfo("crop-frame", "Crop frame", crop_frame),
    )
}


def guide_primitives(name: str, params: GuideParams) -> list[Primitive]:
    """The primitives of guide ``name`` (a key of :data:`GUIDES`); KeyError names the known guides."""
    try:
        info = GUIDES[name]
    except KeyError:
        raise KeyError(f"unknown guide {name!r}; known: {', '.join(GUIDES)}") from None
    return info.build(params)


def power_points() -> list[tuple[float, float]]:
    """The eight strong points of a frame: the four thirds and the four golden-section intersections."""
    pts = [(x, y) for x in (1 / 3, 2 / 3) for y in (1 / 3, 2 / 3)]
    pts += [(x, y) for x in GOLDEN_SECTIONS for y in GOLDEN_SECTIONS]
    return pts
