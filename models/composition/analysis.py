"""Read a picture's layout: saliency, subject, balance, horizon, crop proposals and plain-language advice.

:func:`analyse` is a job-runner generator (yields :class:`models.progress.Progress`, returns an
:class:`Analysis`). It works on a downsample and reports everything in pixels of the full-size input.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from models.composition.crop import propose_crop
from models.composition.guides import parse_aspect, power_points
from models.composition.horizon import Horizon, find_horizon
from models.composition.people import Face, find_faces
from models.composition.saliency import (
    ANALYSIS_SIDE,
    downsample_steps,
    find_subjects,
    flatten_alpha,
    saliency_map,
)
from models.composition.suggestions import suggest
from models.progress import Progress

DEFAULT_ASPECTS = ("1:1", "4:5", "3:2", "16:9")


@dataclass(frozen=True)
class AnalysisConfig:
    """``aspects`` are the crop ratios to propose (``"W:H"`` strings); ``side`` the analysis resolution."""

    aspects: tuple[str, ...] = DEFAULT_ASPECTS
    side: int = ANALYSIS_SIDE
    faces: bool = True


@dataclass(frozen=True)
class SubjectInfo:
    """The main subject in full-size pixels: its ``center`` (for a face, between the eyes) and bounding
    ``box`` (x, y, w, h; for a face, the whole head); ``kind`` is "face" or "object" (salient region)."""

    center: tuple[float, float]
    box: tuple[float, float, float, float]
    mass: float
    kind: str = "object"


@dataclass(frozen=True)
class Balance:
    """Shares of the visual (salient) weight on each side; ``centroid`` is its centre in pixels."""

    left: float = 0.5
    right: float = 0.5
    top: float = 0.5
    bottom: float = 0.5
    centroid: tuple[float, float] = (0.0, 0.0)


@dataclass(frozen=True)
class Analysis:
    """Everything :func:`analyse` found, in pixels of the input image of ``size`` (w, h).

    ``saliency`` is the 0..1 map at analysis resolution (stretch it over the image to show it).
    """

    size: tuple[int, int]
    subject: SubjectInfo | None
    subjects: tuple[SubjectInfo, ...]
    balance: Balance
    horizon: Horizon | None
    suggestions: tuple[str, ...]
    crops: dict[str, tuple[int, int, int, int]]
    saliency: np.ndarray = field(repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        """The JSON object of ``atelier compose --json`` (numbers rounded to 0.1 px / 0.001)."""
        subject = None
        if self.subject is not None:
            subject = {
                "kind": self.subject.kind,
                "center": [round(v, 1) for v in self.subject.center],
                "box": [round(v, 1) for v in self.subject.box],
            }
        b = self.balance
        return {
            "subject": subject,
            "balance": {
                "left": round(b.left, 3),
                "right": round(b.right, 3),
                "top": round(b.top, 3),
                "bottom": round(b.bottom, 3),
                "centroid": [round(v, 1) for v in b.centroid],
            },
            "horizon_deg": None if self.horizon is None else round(self.horizon.angle_deg, 2),
            "suggestions": list(self.suggestions),
            "crops": {k: list(v) for k, v in self.crops.items()},
        }


def _balance(sal: np.ndarray, scale: tuple[float, float], size: tuple[int, int]) -> Balance:
    total = float(sal.sum())
    if total <= 0:
        return Balance(centroid=(size[0] / 2, size[1] / 2))
    h, w = sal.shape
    cols = sal.sum(axis=0)
    rows = sal.sum(axis=1)
    xs = np.arange(w) + 0.5
    ys = np.arange(h) + 0.5
    # Weight on the left is the mass left of the vertical centre line (a straddling column is split).
    left = float(np.clip(w / 2 - np.arange(w), 0, 1) @ cols) / total
    top = float(np.clip(h / 2 - np.arange(h), 0, 1) @ rows) / total
    centroid = (float(xs @ cols) / total * scale[0], float(ys @ rows) / total * scale[1])
    return Balance(left=left, right=1 - left, top=top, bottom=1 - top, centroid=centroid)


def _scaled_face(face: Face, k: tuple[float, float]) -> Face:
    def rect(r: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        return (r[0] * k[0], r[1] * k[1], r[2] * k[0], r[3] * k[1])

    return Face(rect(face.box), rect(face.head), (face.eyes[0] * k[0], face.eyes[1] * k[1]), face.profile)


def _inside(point: tuple[float, float], box: tuple[float, float, float, float]) -> bool:
    return box[0] <= point[0] <= box[0] + box[2] and box[1] <= point[1] <= box[1] + box[3]


def _union(boxes: list[tuple[float, float, float, float]]) -> tuple[float, float, float, float]:
    x0 = min(b[0] for b in boxes)
    y0 = min(b[1] for b in boxes)
    x1 = max(b[0] + b[2] for b in boxes)
    y1 = max(b[1] + b[3] for b in boxes)
    return (x0, y0, x1 - x0, y1 - y0)


def _with_faces(sal: np.ndarray, faces: list[Face], scale: tuple[float, float]) -> np.ndarray:
    """Faces draw the eye first: each head is as hot as the hottest spot, fading over a head's size."""
    if not faces:
        return sal
    ys, xs = np.indices(sal.shape, dtype=np.float32)
    out = sal.copy()
    for f in faces:
        hx, hy, hw, hh = f.head
        cx, cy = (hx + hw / 2) / scale[0], (hy + hh / 2) / scale[1]
        rx, ry = max(hw / scale[0] / 2, 1.0), max(hh / scale[1] / 2, 1.0)
        blob = np.exp(-0.5 * (((xs + 0.5 - cx) / rx) ** 2 + ((ys + 0.5 - cy) / ry) ** 2) ** 2)
        out = np.maximum(out, blob.astype(np.float32))
    return out


def analyse(
    pixels: np.ndarray, config: AnalysisConfig | None = None, full_size: tuple[int, int] | None = None
) -> Generator[Progress, None, Analysis]:
    """Analyse an HxWx3/4 uint8 image (or HxW grey). ``full_size`` (w, h) says which size to report in when
    ``pixels`` is itself a downsample of a bigger original (the CLI loads huge files downsampled)."""
    cfg = config or AnalysisConfig()
    aspects = {name: parse_aspect(name) for name in cfg.aspects}
    arr = np.asarray(pixels)
    h, w = arr.shape[:2]
    size = full_size or (w, h)
    total = 7
    yield Progress(0, total, "downsampling")
    small = yield from downsample_steps(arr, cfg.side, lambda: Progress(0, total, "downsampling"))
    scale = (size[0] / small.shape[1], size[1] / small.shape[0])
    yield Progress(1, total, "saliency")
    sal = saliency_map(small)
    yield Progress(2, total, "faces")
    faces = yield from find_faces(arr) if cfg.faces else []
    to_full = (size[0] / w, size[1] / h)
    faces = [_scaled_face(f, to_full) for f in faces]
    sal = _with_faces(sal, faces, scale)
    yield Progress(3, total, "subject")
    found = [
        SubjectInfo(
            center=(s.center[0] * scale[0], s.center[1] * scale[1]),
            box=(s.box[0] * scale[0], s.box[1] * scale[1], s.box[2] * scale[0], s.box[3] * scale[1]),
            mass=s.mass,
        )
        for s in find_subjects(sal)
    ]
    people = [SubjectInfo(center=f.eyes, box=f.head, mass=1.0, kind="face") for f in faces]
    # A salient region that is a face already found is not a second subject.
    subjects = tuple(people + [s for s in found if not any(_inside(p.center, s.box) for p in people)])
    subject = subjects[0] if subjects else None
    balance = _balance(sal, scale, size)
    yield Progress(4, total, "horizon")
    rgb, alpha = flatten_alpha(small)
    grey = rgb @ np.array([0.299, 0.587, 0.114])
    horizon = find_horizon(grey) if float(alpha.min()) > 0.5 else None
    yield Progress(5, total, "crops")
    keep = _union([p.box for p in people]) if people else None
    # Eyes go on an upper thirds or golden point, and no crop cuts through a head.
    points = [p for p in power_points() if p[1] < 0.5] if people else None
    crops = {
        name: propose_crop(
            size,
            a,
            sal,
            subject.center if subject else None,
            subject.box if subject else None,
            keep=keep,
            points=points,
        )
        for name, a in aspects.items()
    }
    yield Progress(6, total, "suggestions")
    thin = min(small.shape[:2]) < 4
    uniform = float(rgb.reshape(-1, 3).std(axis=0).max()) < 0.5
    advice = suggest(size, subject, balance, horizon, uniform=uniform, thin=thin)
    yield Progress(7, total, "done")
    return Analysis(
        size=size,
        subject=subject,
        subjects=subjects,
        balance=balance,
        horizon=horizon,
        suggestions=tuple(advice),
        crops=crops,
        saliency=sal,
    )
