"""Composition: guide geometry (normalised coordinates) and picture analysis (saliency, subject, balance,
horizon, suggestions, crop proposals). numpy/scipy only; no Qt, no torch."""

from models.composition.guides import (
    GOLDEN_SECTIONS,
    GUIDES,
    PHI,
    GuideInfo,
    GuideParams,
    golden_spiral_eye,
    guide_primitives,
    parse_aspect,
    power_points,
)
from models.composition.primitives import Arc, Line, PixelPath, Polyline, Primitive, to_pixel_paths

__all__ = [
    "GOLDEN_SECTIONS",
    "GUIDES",
    "PHI",
    "Arc",
    "GuideInfo",
    "GuideParams",
    "Line",
    "PixelPath",
    "Polyline",
    "Primitive",
    "golden_spiral_eye",
    "guide_primitives",
    "parse_aspect",
    "power_points",
    "to_pixel_paths",
]
