"""A 4×4 grid of GAN samples: each tile shows its picture and caption (the seed); click selects, Ctrl+click
picks a second sample (for interpolation and crossing), double-click asks for variations."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QGridLayout, QSizePolicy, QWidget

from studio.canvas.convert import array_to_qimage

COLUMNS = 4


class SampleTile(QWidget):
    clicked = Signal(int, bool)  # index, additive (Ctrl/Shift held)
    double_clicked = Signal(int)

    def __init__(self, index: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.index = index
        self.pixmap: QPixmap | None = None
        self.caption = ""
        self.rank = 0  # 0 unselected, 1 first pick, 2 second pick
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(56, 56)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def sizeHint(self) -> QSize:
        return QSize(72, 72)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return width

    def set_sample(self, pixels: Any | None, caption: str) -> None:
        self.pixmap = None if pixels is None else QPixmap.fromImage(array_to_qimage(pixels))
        self.caption = caption
        self.setToolTip(caption)
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.pixmap is not None:
            additive = bool(
                event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
            )
            self.clicked.emit(self.index, additive)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.pixmap is not None:
            self.double_clicked.emit(self.index)

    def paintEvent(self, event: Any) -> None:
        p = QPainter(self)
        side = min(self.width(), self.height())
        rect = QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)
        p.fillRect(rect, QColor(60, 60, 60))
        if self.pixmap is not None:
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            p.drawPixmap(rect.toRect(), self.pixmap)
            # Caption on a dark band so it stays legible on any picture.
            font = QFont(self.font())
            font.setPointSizeF(max(6.5, font.pointSizeF() * 0.8))
            p.setFont(font)
            band = QRectF(
                rect.left(),
                rect.bottom() - p.fontMetrics().height() - 2,
                rect.width(),
                p.fontMetrics().height() + 2,
            )
            p.fillRect(band, QColor(0, 0, 0, 150))
            p.setPen(QColor(240, 240, 240))
            p.drawText(
                band.adjusted(3, 0, -3, 0),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                self.caption,
            )
        if self.rank:
            colour = QColor(255, 170, 0) if self.rank == 1 else QColor(60, 170, 255)
            p.setPen(QPen(colour, 3))
            p.drawRect(rect.adjusted(1.5, 1.5, -1.5, -1.5))
            p.setPen(QColor(255, 255, 255))
            p.fillRect(QRectF(rect.left() + 3, rect.top() + 3, 16, 16), colour)
            p.drawText(
                QRectF(rect.left() + 3, rect.top() + 3, 16, 16),
                Qt.AlignmentFlag.AlignCenter,
                "AB"[self.rank - 1],
            )
        p.end()


class SampleGrid(QWidget):
    """Shows up to 16 samples; keeps a selection of at most two (A then B)."""

    selection_changed = Signal()
    variations_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        self.tiles: list[SampleTile] = []
        for i in range(COLUMNS * COLUMNS):
            tile = SampleTile(i)
            tile.clicked.connect(self._on_tile_clicked)
            tile.double_clicked.connect(self.variations_requested)
            layout.addWidget(tile, i // COLUMNS, i % COLUMNS)
            self.tiles.append(tile)
        self.samples: list[Any] = []
        self.selection: list[int] = []
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)  # stay square: no gaps between rows in a tall dock
        self.setSizePolicy(policy)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return width

    def set_samples(self, samples: list[Any], keep_selection: bool = False) -> None:
        self.samples = list(samples)[: len(self.tiles)]
        for i, tile in enumerate(self.tiles):
            if i < len(self.samples):
                tile.set_sample(self.samples[i].pixels, self.samples[i].label)
            else:
                tile.set_sample(None, "")
        if not keep_selection:
            self.selection = []
        self.selection = [i for i in self.selection if i < len(self.samples)]
        self._show_selection()

    def selected(self) -> list[Any]:
        return [self.samples[i] for i in self.selection]

    def select(self, index: int, additive: bool = False) -> None:
        if additive and self.selection and index not in self.selection:
            self.selection = [self.selection[0], index]
        elif additive and index in self.selection:
            self.selection.remove(index)
        else:
            self.selection = [index]
        self._show_selection()

    def _on_tile_clicked(self, index: int, additive: bool) -> None:
        self.select(index, additive)

    def _show_selection(self) -> None:
        for i, tile in enumerate(self.tiles):
            tile.rank = self.selection.index(i) + 1 if i in self.selection else 0
            tile.update()
        self.selection_changed.emit()
