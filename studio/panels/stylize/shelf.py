"""The style shelf: thumbnails of the paintings to stylize after; a drop target for photos and styles."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QIcon, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListView, QListWidget, QListWidgetItem, QWidget

from atelier_common.images import is_image_path
from studio.canvas.convert import array_to_qimage
from studio.panels.stylize.library import THUMB_SIDE, display_name

PATH_ROLE = Qt.ItemDataRole.UserRole
BUNDLED_ROLE = Qt.ItemDataRole.UserRole + 1


def _image_paths(event: QDropEvent | QDragEnterEvent | QDragMoveEvent) -> list[str]:
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [u.toLocalFile() for u in mime.urls() if u.isLocalFile() and is_image_path(u.toLocalFile())]


class StyleShelf(QListWidget):
    """Icon grid of styles. Drop a photo on a thumbnail to stylize it; drop images elsewhere to add styles."""

    photo_dropped_on_style = Signal(str, str)  # photo path, style path
    styles_dropped = Signal(list)  # image paths to add to the library

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setIconSize(QSize(THUMB_SIDE, THUMB_SIDE))
        self.setGridSize(QSize(THUMB_SIDE + 16, THUMB_SIDE + 34))
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setWordWrap(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.viewport().setAcceptDrops(True)  # setMovement(Static) turned it off on the viewport
        self.setMinimumHeight(THUMB_SIDE + 50)
        self.setToolTip(
            "Click a painting to stylize the open image (Ctrl-click to blend several).\n"
            "Drop a photo on a painting to open and stylize it; drop a painting here to add it."
        )

    # -- content ------------------------------------------------------------------------------------
    def add_style(self, path: Path, bundled: bool) -> QListWidgetItem:
        for item in self.items():
            if item.data(PATH_ROLE) == str(path):
                return item
        item = QListWidgetItem(display_name(path))
        item.setData(PATH_ROLE, str(path))
        item.setData(BUNDLED_ROLE, bundled)
        item.setToolTip(
            f"{display_name(path)}\n{'bundled painting' if bundled else 'your style'}: {path.name}"
        )
        blank = QPixmap(THUMB_SIDE, THUMB_SIDE)
        blank.fill(Qt.GlobalColor.lightGray)
        item.setIcon(QIcon(blank))
        self.addItem(item)
        return item

    def set_thumbnail(self, path: Path, pixels: np.ndarray | None) -> None:
        if pixels is None:
            return
        for item in self.items():
            if item.data(PATH_ROLE) == str(path):
                item.setIcon(QIcon(QPixmap.fromImage(array_to_qimage(pixels[..., :3]))))

    def items(self) -> list[QListWidgetItem]:
        return [self.item(i) for i in range(self.count())]

    def paths(self) -> list[str]:
        return [item.data(PATH_ROLE) for item in self.items()]

    def selected_paths(self) -> list[str]:
        rows = sorted(self.row(item) for item in self.selectedItems())
        return [self.item(r).data(PATH_ROLE) for r in rows]

    def select_paths(self, paths: list[str]) -> None:
        self.clearSelection()
        for item in self.items():
            if item.data(PATH_ROLE) in paths:
                item.setSelected(True)

    # -- drag and drop ------------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _image_paths(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if _image_paths(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = _image_paths(event)
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        target = self.itemAt(event.position().toPoint())
        if target is not None and len(paths) == 1:
            self.photo_dropped_on_style.emit(paths[0], target.data(PATH_ROLE))
        else:
            self.styles_dropped.emit(paths)
