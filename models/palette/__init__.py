"""Palette engine: colour spaces, CIEDE2000, extraction, moods, harmonies and recolouring (no Qt, no torch)."""

from models.palette.color import hex_to_rgb, rgb_to_hex, rgb_to_hsv, rgb_to_lab
from models.palette.delta_e import ciede2000
from models.palette.extract import (
    MAX_COLORS,
    MOODS,
    SORTS,
    PaletteColor,
    PaletteConfig,
    PaletteResult,
    extract_palette,
    extract_palette_steps,
    sort_colors,
)
from models.palette.harmony import HARMONIES, WHEELS, closest_harmony, harmony, normalize_harmony
from models.palette.recolor import posterize, posterize_steps
from models.palette.sampling import PaletteError

__all__ = [
    "HARMONIES",
    "MAX_COLORS",
    "MOODS",
    "SORTS",
    "WHEELS",
    "PaletteColor",
    "PaletteConfig",
    "PaletteError",
    "PaletteResult",
    "ciede2000",
    "closest_harmony",
    "extract_palette",
    "extract_palette_steps",
    "harmony",
    "hex_to_rgb",
    "normalize_harmony",
    "posterize",
    "posterize_steps",
    "rgb_to_hex",
    "rgb_to_hsv",
    "rgb_to_lab",
    "sort_colors",
]
