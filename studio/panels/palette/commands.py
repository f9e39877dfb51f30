"""QUndoCommands for palette edits; each calls a method of the Qt-free ``PaletteState`` (adding and
removing a colour use the same commands as adding and removing a layer, ``studio.undo``)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QUndoCommand

from studio.state.palette import PaletteState
from studio.state.swatches import Swatch
from studio.undo import InsertCommand, RemoveCommand


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


def add_swatch_command(state: PaletteState, swatch: Swatch) -> InsertCommand[Swatch]:
    return InsertCommand(f"Add colour {swatch.hex}", state.insert, state.remove, swatch)


def remove_swatch_command(state: PaletteState, index: int) -> RemoveCommand[Swatch]:
    return RemoveCommand(f"Remove colour {state.swatches[index].hex}", state.insert, state.remove, index)
