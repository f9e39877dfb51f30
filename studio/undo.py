"""QUndoCommands for everything that changes the document; each calls a ``studio.state`` method."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

import numpy as np
from PySide6.QtGui import QUndoCommand

from studio.state.document import Document, Layer

_OPACITY_ID = 1001
T = TypeVar("T")


class InsertCommand(QUndoCommand, Generic[T]):
    """Insert ``item`` into an ordered Qt-free state (a document's layers, a palette's swatches); undo takes
    it out again. ``insert(item, index or None) -> index`` and ``remove(index) -> item`` are the state's
    own methods, so the command holds no copy of the state."""

    def __init__(
        self, text: str, insert: Callable[[T, int | None], int], remove: Callable[[int], T], item: T
    ) -> None:
        super().__init__(text)
        self._insert, self._remove, self._item = insert, remove, item
        self._index: int | None = None

    def redo(self) -> None:
        self._index = self._insert(self._item, self._index)

    def undo(self) -> None:
        assert self._index is not None
        self._remove(self._index)


class RemoveCommand(QUndoCommand, Generic[T]):
    """Take the item at ``index`` out of an ordered Qt-free state; undo puts it back where it was."""

    def __init__(
        self, text: str, insert: Callable[[T, int | None], int], remove: Callable[[int], T], index: int
    ) -> None:
        super().__init__(text)
        self._insert, self._remove, self._index = insert, remove, index
        self._item: T | None = None

    def redo(self) -> None:
        self._item = self._remove(self._index)

    def undo(self) -> None:
        assert self._item is not None
        self._insert(self._item, self._index)


def add_layer_command(document: Document, layer: Layer) -> InsertCommand[Layer]:
    return InsertCommand(f"Add layer “{layer.name}”", document.insert_layer, document.remove_layer, layer)


def remove_layer_command(document: Document, index: int) -> RemoveCommand[Layer]:
    name = document.layers[index].name
    return RemoveCommand(f"Delete layer “{name}”", document.insert_layer, document.remove_layer, index)


class SetOpacityCommand(QUndoCommand):
    """Consecutive changes to one layer's opacity (a slider drag) merge into one undo step."""

    def __init__(self, document: Document, index: int, opacity: float) -> None:
        super().__init__(f"Layer opacity {round(opacity * 100)} %")
        self._document, self._index = document, index
        self._old = document.layers[index].opacity
        self._new = opacity

    def id(self) -> int:
        return _OPACITY_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetOpacityCommand) or other._index != self._index:
            return False
        if other._document is not self._document:
            return False
        self._new = other._new
        self.setText(other.text())
        return True

    def redo(self) -> None:
        self._document.set_opacity(self._index, self._new)

    def undo(self) -> None:
        self._document.set_opacity(self._index, self._old)


class SetVisibleCommand(QUndoCommand):
    """Undo restores the value the layer had (not the opposite of the new one: "show" on a shown layer
    must undo to shown)."""

    def __init__(self, document: Document, index: int, visible: bool) -> None:
        super().__init__(("Show" if visible else "Hide") + f" layer “{document.layers[index].name}”")
        self._document, self._index, self._visible = document, index, visible
        self._old = document.layers[index].visible

    def redo(self) -> None:
        self._document.set_visible(self._index, self._visible)

    def undo(self) -> None:
        self._document.set_visible(self._index, self._old)


class ReplaceImageCommand(QUndoCommand):
    """Swap the base image and layers (e.g. Apply crop); undo restores both."""

    def __init__(self, document: Document, image: np.ndarray, layers: list[Layer] | None, text: str) -> None:
        super().__init__(text)
        self._document = document
        self._new = (image, layers)
        self._old: tuple[np.ndarray, list[Layer]] | None = None

    def redo(self) -> None:
        self._old = self._document.replace_image(self._new[0], self._new[1])

    def undo(self) -> None:
        assert self._old is not None
        self._document.replace_image(*self._old)
