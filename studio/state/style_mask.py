"""Where a stylization goes: a mask over the picture painted with a soft brush, an eraser, a rectangle, or
the subject / background found by the composition analysis. Qt-free; the Stylize panel draws it.

The mask is uint8 (255 = stylize, 0 = keep the photo), kept at most ``MASK_SIDE`` px long (the engine
resizes it to the output anyway), with a short undo history of whole snapshots.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from models.progress import Progress

MASK_SIDE = 2048
UNDO_DEPTH = 30


class StyleMask:
    def __init__(self, width: int, height: int) -> None:
        """A mask for a ``width`` x ``height`` picture, all black (nothing stylized yet)."""
        scale = min(1.0, MASK_SIDE / max(width, height))
        self.image_size = (width, height)
        self.scale = scale
        self.pixels = np.zeros((max(1, round(height * scale)), max(1, round(width * scale))), np.uint8)
        self._undo: list[np.ndarray] = []

    # -- history ----------------------------------------------------------------------------------------
    def begin(self) -> None:
        """Remember the mask before an edit (a whole stroke is one step)."""
        self._undo.append(self.pixels.copy())
        del self._undo[:-UNDO_DEPTH]

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    def undo(self) -> bool:
        if not self._undo:
            return False
        self.pixels = self._undo.pop()
        return True

    # -- edits (coordinates and sizes in picture pixels) ------------------------------------------------
    def dab(self, x: float, y: float, radius: float, erase: bool = False) -> None:
        """A soft round dab: full inside half the radius, fading to nothing at the radius."""
        s = self.scale
        cx, cy, r = x * s, y * s, max(0.5, radius * s)
        h, w = self.pixels.shape
        x0, x1 = max(0, int(cx - r - 1)), min(w, int(cx + r + 2))
        y0, y1 = max(0, int(cy - r - 1)), min(h, int(cy + r + 2))
        if x0 >= x1 or y0 >= y1:
            return
        yy, xx = np.mgrid[y0:y1, x0:x1]
        d = np.hypot(xx + 0.5 - cx, yy + 0.5 - cy) / r
        strength = np.clip((1.0 - d) * 2.0, 0.0, 1.0)  # 1 inside half the radius, 0 at the radius
        patch = self.pixels[y0:y1, x0:x1].astype(np.float32)
        if erase:
            patch = patch * (1.0 - strength)
        else:
            patch = patch + (255.0 - patch) * strength
        self.pixels[y0:y1, x0:x1] = np.round(patch).astype(np.uint8)

    def line(
        self, a: tuple[float, float], b: tuple[float, float], radius: float, erase: bool = False
    ) -> None:
        """Dabs from ``a`` to ``b`` a quarter radius apart (a stroke drawn as the mouse moves)."""
        steps = max(1, int(np.hypot(b[0] - a[0], b[1] - a[1]) / max(0.5, radius / 4.0)))
        for t in np.linspace(0.0, 1.0, steps + 1)[1:]:
            self.dab(a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, radius, erase)

    def rectangle(self, x: int, y: int, w: int, h: int) -> None:
        """Stylize inside the rectangle only."""
        s = self.scale
        self.pixels[:] = 0
        self.pixels[round(y * s) : round((y + h) * s), round(x * s) : round((x + w) * s)] = 255

    def set_map(self, weights: np.ndarray) -> None:
        """The mask from a 0..1 map of any size (e.g. the subject), stretched over the picture."""
        from PIL import Image

        h, w = self.pixels.shape
        grey = np.clip(np.round(np.asarray(weights, np.float32) * 255.0), 0, 255).astype(np.uint8)
        self.pixels = np.asarray(Image.fromarray(grey).resize((w, h), Image.Resampling.BILINEAR))

    def clear(self, value: int = 0) -> None:
        self.pixels[:] = value

    @property
    def is_empty(self) -> bool:
        return not self.pixels.any()


def subject_map_steps(pixels: np.ndarray, background: bool = False) -> Generator[Progress, None, np.ndarray]:
    """A soft 0..1 map of the picture's main subject (or, with ``background``, of everything else), from
    the composition analysis: the people when it finds faces (each head and the figure below it), else
    the salient object; the edge fades over a few per cent of the subject's size. A job-runner generator."""
    from models.composition.regions import subject_region

    subject = yield from subject_region(np.asarray(pixels))
    return 1.0 - subject if background else subject


def subject_map(pixels: np.ndarray, background: bool = False) -> np.ndarray:
    """:func:`subject_map_steps` run to the end."""
    from models.progress import drive

    return drive(subject_map_steps(pixels, background))
