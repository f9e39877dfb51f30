"""The palette being edited (Qt-free).

The Palette panel's QUndoCommands call these methods; ``changed`` (a :class:`studio.state.events.Event`)
tells the panel to redraw. The shelf of saved palettes on disk is ``studio.io.saved_palettes``.
"""

from __future__ import annotations

from collections.abc import Sequence

from studio.state.events import Event
from studio.state.swatches import PaletteDocument, Swatch


class PaletteState:
    """An ordered list of swatches with a name; every mutation emits ``changed()``."""

    def __init__(self, name: str = "Untitled palette", swatches: Sequence[Swatch] = ()) -> None:
        self.name = name
        self._swatches: list[Swatch] = list(swatches)
        self.changed = Event()

    # -- reading ----------------------------------------------------------------------------------
    @property
    def swatches(self) -> tuple[Swatch, ...]:
        return tuple(self._swatches)

    def __len__(self) -> int:
        return len(self._swatches)

    def to_document(self) -> PaletteDocument:
        return PaletteDocument(self.name, tuple(self._swatches))

    # -- edits (each is undone by another call; see studio.panels.palette.commands) ---------------
    def set_swatches(
        self, swatches: Sequence[Swatch], name: str | None = None
    ) -> tuple[tuple[Swatch, ...], str]:
        """Replace all swatches (and optionally the name); returns the previous ones for undo."""
        previous = (tuple(self._swatches), self.name)
        self._swatches = list(swatches)
        if name is not None:
            self.name = name
        self.changed.emit()
        return previous

    def insert(self, swatch: Swatch, index: int | None = None) -> int:
        """Insert a swatch (at the end by default); returns its index."""
        index = len(self._swatches) if index is None else max(0, min(index, len(self._swatches)))
        self._swatches.insert(index, swatch)
        self.changed.emit()
        return index

    def remove(self, index: int) -> Swatch:
        swatch = self._swatches.pop(index)
        self.changed.emit()
        return swatch

    def contains_rgb(self, rgb: tuple[int, int, int]) -> bool:
        return any(s.rgb == rgb for s in self._swatches)
