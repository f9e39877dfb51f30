"""QUndoCommands for palette edits; each calls a method of the Qt-free ``PaletteState``."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QUndoCommand

from studio.state.palette import PaletteState
from studio.state.swatches import Swatch


class SetSwatchesCommand(QUndoCommand):
    """Replace the whole palette (a new extraction, an import, a saved palette loaded)."""

    def __init__(
        self, state: PaletteState, swatches: Sequence[Swatch], text: str, name: str | None = None
    ) -> None:
        super().__init__(text)
        self._state, self._new, self._name = state, tuple(swatches), name
        self._old: tuple[tuple[Swatch, ...], str] | None = None

    def redo(self) -> None:
        self._old = self._state.set_swatches(self._new, self._name)

    def undo(self) -> None:
        assert self._old is not None
        self._state.set_swatches(*self._old)


class AddSwatchCommand(QUndoCommand):
    def __init__(self, state: PaletteState, swatch: Swatch) -> None:
        super().__init__(f"Add colour {swatch.hex}")
        self._state, self._swatch = state, swatch
        self._index: int | None = None

    def redo(self) -> None:
        self._index = self._state.insert(self._swatch, self._index)

    def undo(self) -> None:
        assert self._index is not None
        self._state.remove(self._index)


class RemoveSwatchCommand(QUndoCommand):
    def __init__(self, state: PaletteState, index: int) -> None:
        super().__init__(f"Remove colour {state.swatches[index].hex}")
        self._state, self._index = state, index
        self._swatch: Swatch | None = None

    def redo(self) -> None:
        self._swatch = self._state.remove(self._index)

    def undo(self) -> None:
        assert self._swatch is not None
        self._state.insert(self._swatch, self._index)
