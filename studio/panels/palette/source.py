"""Where the Palette panel's colours come from: pixels another panel sent (``ctx.request_palette``), or
else the open document, flattened in the job (seconds on a layered 24 MP picture) from a snapshot taken
when the job starts, so that later edits cannot race it. Qt-free."""

from __future__ import annotations

from collections.abc import Callable, Generator

import numpy as np

from models.progress import Progress
from studio.state.document import Document

PixelSteps = Callable[[], Generator[Progress, None, np.ndarray]]


def _ready(pixels: np.ndarray) -> Generator[Progress, None, np.ndarray]:
    """A job step whose pixels are already at hand."""
    yield from ()
    return pixels


class PixelSource:
    """``requested`` pixels when set, else the document that ``document()`` returns (or None)."""

    def __init__(self, document: Callable[[], Document | None]) -> None:
        self.document = document
        self.requested: np.ndarray | None = None

    def has_pixels(self) -> bool:
        return self.requested is not None or self.document() is not None

    def steps(self) -> PixelSteps | None:
        """What a job reads its pixels with (call it in the worker); None when there is nothing."""
        requested, doc = self.requested, self.document()
        if requested is not None:
            return lambda: _ready(requested)
        return None if doc is None else doc.snapshot().flatten_steps

    def pick(self, x: int, y: int) -> tuple[int, ...] | None:
        """The RGB colour at (x, y) (one pixel composited, not the whole picture); None outside."""
        if self.requested is not None:
            pixels = self.requested
            inside = 0 <= y < pixels.shape[0] and 0 <= x < pixels.shape[1]
            return tuple(int(v) for v in pixels[y, x, :3]) if inside else None
        doc = self.document()
        if doc is None or not (0 <= x < doc.size[0] and 0 <= y < doc.size[1]):
            return None
        return doc.pixel(x, y)[:3]
