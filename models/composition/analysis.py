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
from models.composition.guides import parse_aspect
from models.composition.horizon import Horizon, find_horizon
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


@dataclass(frozen=True)
class SubjectInfo:
    """The main subject in full-size pixels: saliency-weighted ``center`` and bounding ``box`` (x, y, w, h)."""

    center: tuple[float, float]
    box: tuple[float, float, float, float]
    mass: float


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
    total = 6
    yield Progress(0, total, "downsampling")
    small = yield from downsample_steps(arr, cfg.side, lambda: Progress(0, total, "downsampling"))
    scale = (size[0] / small.shape[1], size[1] / small.shape[0])
    yield Progress(1, total, "saliency")
    sal = saliency_map(small)
    yield Progress(2, total, "subject")
    subjects = tuple(
        SubjectInfo(
            center=(s.center[0] * scale[0], s.center[1] * scale[1]),
            box=(s.box[0] * scale[0], s.box[1] * scale[1], s.box[2] * scale[0], s.box[3] * scale[1]),
            mass=s.mass,
        )
        for s in find_subjects(sal)
    )
    subject = subjects[0] if subjects else None
    balance = _balance(sal, scale, size)
    yield Progress(3, total, "horizon")
    rgb, alpha = flatten_alpha(small)
    grey = rgb @ np.array([0.299, 0.587, 0.114])
    horizon = find_horizon(grey) if float(alpha.min()) > 0.5 else None
    yield Progress(4, total, "crops")
    crops = {
        name: propose_crop(
            size, a, sal, subject.center if subject else None, subject.box if subject else None
        )
        for name, a in aspects.items()
    }
    yield Progress(5, total, "suggestions")
    thin = min(small.shape[:2]) < 4
    uniform = float(rgb.reshape(-1, 3).std(axis=0).max()) < 0.5
    advice = suggest(size, subject, balance, horizon, uniform=uniform, thin=thin)
    yield Progress(6, total, "done")
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
