"""QUndoCommands for everything that changes the document; each calls a ``studio.state`` method."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QUndoCommand

from studio.state.document import Document, Layer

_OPACITY_ID = 1001


class AddLayerCommand(QUndoCommand):
    def __init__(self, document: Document, layer: Layer) -> None:
        super().__init__(f"Add layer “{layer.name}”")
        self._document, self._layer = document, layer
        self._index: int | None = None

    def redo(self) -> None:
        self._index = self._document.insert_layer(self._layer, self._index)

    def undo(self) -> None:
        assert self._index is not None
        self._document.remove_layer(self._index)


class RemoveLayerCommand(QUndoCommand):
    def __init__(self, document: Document, index: int) -> None:
        super().__init__(f"Delete layer “{document.layers[index].name}”")
        self._document, self._index = document, index
        self._layer: Layer | None = None

    def redo(self) -> None:
        self._layer = self._document.remove_layer(self._index)

    def undo(self) -> None:
        assert self._layer is not None
        self._document.insert_layer(self._layer, self._index)


class SetOpacityCommand(QUndoCommand):
    """Consecutive changes to one layer's opacity (a slider drag) merge into one undo step."""

    def __init__(self, document: Document, index: int, opacity: float) -> None:
        super().__init__(f"Layer opacity {round(opacity * 100)} %")
        self._document, self._index = document, index
        self._old = document.layers[index].opacity
        self._new = opacity

    def id(self) -> int:
        return _OPACITY_ID

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt override
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
