"""A palette as data: named sRGB swatches, optionally with their share of an image (Qt-free, no files)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Swatch:
    rgb: tuple[int, int, int]
    name: str = ""
    share: float | None = None

    def __post_init__(self) -> None:
        if len(self.rgb) != 3 or not all(isinstance(v, int) and 0 <= v <= 255 for v in self.rgb):
            raise ValueError(f"swatch colour must be three ints 0..255, got {self.rgb!r}")

    @property
    def hex(self) -> str:
        r, g, b = self.rgb
        return f"#{r:02x}{g:02x}{b:02x}"


@dataclass(frozen=True)
class PaletteDocument:
    name: str
    swatches: tuple[Swatch, ...]
