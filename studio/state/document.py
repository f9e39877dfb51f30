"""The open document: the original image and result layers stacked over it.

Qt-free. Every change goes through a method here (the Qt undo commands call these) and emits the event of
the field it changed (``events.opacity(index)``, ``events.visible(index)``, ``events.layers()``,
``events.image()``), then ``events.changed()``; a view connects to the fields it draws, so an opacity tick
repaints from cached layer images instead of rebuilding them.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from models.progress import SETUP, Progress, drive
from studio.state.events import Event

#: Rows composited at a time (a band of a 6000 px wide picture: ~12 MB of float temporaries).
COMPOSITE_BAND_ROWS = 128


def _check(pixels: np.ndarray) -> None:
    """Raise unless an HxWx3 or HxWx4 uint8 image (checks only: a 24 MP copy costs a second)."""
    if pixels.ndim != 3 or pixels.shape[2] not in (3, 4) or pixels.dtype != np.uint8:
        raise ValueError(f"expected an HxWx3 or HxWx4 uint8 image, got {pixels.dtype} {pixels.shape}")


def _as_rgba(pixels: np.ndarray) -> np.ndarray:
    _check(pixels)
    if pixels.shape[2] == 4:
        return pixels
    alpha = np.full(pixels.shape[:2] + (1,), 255, np.uint8)
    return np.concatenate([pixels, alpha], axis=2)


@dataclass
class Layer:
    """A result laid over the original; ``opacity`` in [0, 1] lets a painter dial it back."""

    name: str
    image: np.ndarray
    opacity: float = 1.0
    visible: bool = True
    provenance: dict[str, Any] = field(default_factory=dict)


class DocumentEvents:
    """One :class:`Event` per field of a :class:`Document`; ``changed`` follows each of the others."""

    def __init__(self) -> None:
        self.image = Event()  # () the base image (and with it the layers) was replaced, e.g. a crop
        self.layers = Event()  # () a layer was added or removed
        self.opacity = Event()  # (index) a layer's opacity
        self.visible = Event()  # (index) a layer's visibility
        self.changed = Event()  # () anything above


class Document:
    """An image being worked on: the untouched original plus layers (bottom to top)."""

    def __init__(self, image: np.ndarray, path: Path | None = None, name: str | None = None) -> None:
        _check(image)
        self.image = np.ascontiguousarray(image)
        self.path = path
        self.name = name or (path.name if path else "Untitled")
        self.layers: list[Layer] = []
        #: Atelier's per-picture extras read from a project (palette, guides); panels restore from it.
        self.extras: dict[str, Any] = {}
        self.events = DocumentEvents()
        self.changed = self.events.changed  # for listeners that redo everything on any change
        self._flat: np.ndarray | None = None  # flatten() cache, dropped on every change

    def _changed(self, event: Event, *args: Any) -> None:
        self._flat = None
        event.emit(*args)
        self.events.changed.emit()

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) in pixels."""
        return int(self.image.shape[1]), int(self.image.shape[0])

    @property
    def has_alpha(self) -> bool:
        return self.image.shape[2] == 4 or any(layer.image.shape[2] == 4 for layer in self.layers)

    # -- layer edits (called by undo commands) --------------------------------------------------
    def insert_layer(self, layer: Layer, index: int | None = None) -> int:
        if layer.image.shape[:2] != self.image.shape[:2]:
            raise ValueError(
                f"layer '{layer.name}' is {layer.image.shape[1]}×{layer.image.shape[0]}, "
                f"the document is {self.size[0]}×{self.size[1]}"
            )
        _check(layer.image)
        index = len(self.layers) if index is None else index
        self.layers.insert(index, layer)
        self._changed(self.events.layers)
        return index

    def remove_layer(self, index: int) -> Layer:
        layer = self.layers.pop(index)
        self._changed(self.events.layers)
        return layer

    def set_opacity(self, index: int, opacity: float) -> None:
        if not np.isfinite(opacity):
            raise ValueError("opacity must be a number")
        self.layers[index].opacity = float(min(1.0, max(0.0, opacity)))
        self._changed(self.events.opacity, index)

    def set_visible(self, index: int, visible: bool) -> None:
        self.layers[index].visible = bool(visible)
        self._changed(self.events.visible, index)

    def replace_image(
        self, image: np.ndarray, layers: list[Layer] | None = None
    ) -> tuple[np.ndarray, list[Layer]]:
        """Swap the base image (e.g. after a crop) and the layers; returns the old ones for undo."""
        _check(image)
        old = (self.image, self.layers)
        self.image = np.ascontiguousarray(image)
        self.layers = list(layers) if layers is not None else []
        self._changed(self.events.image)
        return old

    def snapshot(self) -> Document:
        """A copy sharing the (never mutated in place) pixel arrays and the flatten cache, for saving or
        flattening in another thread: cheap, and later edits to this document leave it as it was."""
        copy = Document(self.image, self.path, self.name)
        copy.layers = [
            Layer(la.name, la.image, la.opacity, la.visible, dict(la.provenance)) for la in self.layers
        ]
        copy.extras = dict(self.extras)
        copy._flat = self._flat
        return copy

    # -- rendering -----------------------------------------------------------------------------
    def flatten(self, upto: int | None = None) -> np.ndarray:
        """Composite the visible layers over the original (source-over); RGBA if anything has alpha.

        The result is read-only and cached until the next change, so panels may ask for it freely. A panel
        whose job needs it calls :meth:`flatten_steps` on a :meth:`snapshot` in the job instead: on a
        layered 24 MP picture the composite takes seconds.
        """
        if upto is None and self._flat is not None:
            return self._flat
        return drive(self.flatten_steps(upto))

    def flatten_steps(self, upto: int | None = None) -> Generator[Progress, None, np.ndarray]:
        """:meth:`flatten` for a job: it yields between bands of rows (each a cancellation point). Run it
        on a :meth:`snapshot` taken in the UI thread, so an edit made meanwhile cannot race it."""
        if upto is None and self._flat is not None:
            return self._flat
        layers = self.layers if upto is None else self.layers[:upto]
        visible = [layer for layer in layers if layer.visible and layer.opacity > 0]
        if not visible:
            result = self.image.copy()
        else:
            height = self.image.shape[0]
            result = np.empty((height, self.image.shape[1], 4 if self.has_alpha else 3), np.uint8)
            # In bands of rows: float temporaries of a few MB instead of several 400 MB arrays on 24 MP,
            # and short numpy calls, so a composite in a background thread never stalls the window.
            for y0 in range(0, height, COMPOSITE_BAND_ROWS):
                rows = slice(y0, min(height, y0 + COMPOSITE_BAND_ROWS))
                result[rows] = self._composite(visible, rows, slice(None), result.shape[2])
                yield Progress(0, 0, SETUP + "flattening the layers")
        result.flags.writeable = False
        if upto is None:
            self._flat = result
        return result

    def pixel(self, x: int, y: int) -> tuple[int, ...]:
        """The flattened colour at (x, y) (RGB or RGBA), without flattening the whole picture."""
        if self._flat is not None:
            return tuple(int(v) for v in self._flat[y, x])
        visible = [layer for layer in self.layers if layer.visible and layer.opacity > 0]
        channels = 4 if self.has_alpha else 3
        return tuple(
            int(v) for v in self._composite(visible, slice(y, y + 1), slice(x, x + 1), channels)[0, 0]
        )

    def _composite(self, visible: list[Layer], rows: slice, cols: slice, channels: int) -> np.ndarray:
        """The ``visible`` layers over the original in one block of ``rows`` x ``cols``, as uint8."""
        out = _as_rgba(self.image[rows, cols]).astype(np.float32) / 255.0
        for layer in visible:
            src = _as_rgba(layer.image[rows, cols]).astype(np.float32) / 255.0
            a = src[..., 3:4] * layer.opacity
            out_a = a + out[..., 3:4] * (1.0 - a)
            safe = np.where(out_a > 0, out_a, 1.0)
            out[..., :3] = (src[..., :3] * a + out[..., :3] * out[..., 3:4] * (1.0 - a)) / safe
            out[..., 3:4] = out_a
        return np.clip(out * 255.0 + 0.5, 0, 255).astype(np.uint8)[..., :channels]

    def crop_box_pixels(self, box: tuple[int, int, int, int]) -> tuple[np.ndarray, list[Layer]]:
        """The base image and layers cropped to ``box`` = (x, y, w, h), clamped to the image."""
        x, y, w, h = box
        width, height = self.size
        x0, y0 = max(0, int(x)), max(0, int(y))
        x1, y1 = min(width, int(x + w)), min(height, int(y + h))
        if x1 <= x0 or y1 <= y0:
            raise ValueError(f"crop {box} lies outside the {width}×{height} image")
        image = np.ascontiguousarray(self.image[y0:y1, x0:x1])
        layers = [
            Layer(
                lay.name,
                np.ascontiguousarray(lay.image[y0:y1, x0:x1]),
                lay.opacity,
                lay.visible,
                dict(lay.provenance),
            )
            for lay in self.layers
        ]
        return image, layers
