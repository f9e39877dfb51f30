"""Swatch list: one row per colour with its hex code and a bar for its share of the image."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from studio.state.swatches import Swatch

ROW = 22


class SwatchList(QWidget):
    """Draws swatches; clicking a row emits ``swatch_clicked(index)``."""

    swatch_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._swatches: tuple[Swatch, ...] = ()
        self._top_share = 0.0
        self._selected = -1
        self.painted_rows = range(0)  # the rows the last paint drew: only those in view
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)
        self.setToolTip("Click a colour to copy its hex code")

    def set_swatches(self, swatches: Sequence[Swatch]) -> None:
        self._swatches = tuple(swatches)
        shares = [s.share for s in self._swatches if s.share is not None]
        self._top_share = max(shares) if shares else 0.0
        if self._selected >= len(self._swatches):
            self._selected = -1
        self.setFixedHeight(max(ROW, ROW * len(self._swatches)) + 2)
        self.updateGeometry()
        self.update()

    def set_selected(self, index: int) -> None:
        self._selected = index
        self.update()

    @property
    def selected(self) -> int:
        return self._selected

    def sizeHint(self) -> QSize:
        return QSize(220, max(ROW, ROW * len(self._swatches)) + 2)

    def row_rect(self, index: int) -> QRectF:
        return QRectF(0, 1 + index * ROW, self.width(), ROW)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = int((event.position().y() - 1) // ROW)
        if 0 <= index < len(self._swatches):
            self._selected = index
            self.update()
            self.swatch_clicked.emit(index)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        text_color = pal.color(pal.ColorRole.WindowText)
        if not self._swatches:
            p.setPen(text_color)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No colours yet")
            return
        top = self._top_share
        # Only the rows in the exposed part (the scroll area's view) are drawn: a palette of thousands of
        # colours paints as fast as one of eight.
        exposed = event.rect()
        first = max(0, (exposed.top() - 1) // ROW)
        last = min(len(self._swatches), (exposed.bottom() - 1) // ROW + 1)
        self.painted_rows = range(first, last)
        for i in self.painted_rows:
            sw = self._swatches[i]
            r = self.row_rect(i)
            chip = QRectF(r.left() + 2, r.top() + 2, 34, r.height() - 4)
            p.setPen(QPen(QColor(0, 0, 0, 90), 1))
            p.setBrush(QColor(*sw.rgb))
            p.drawRoundedRect(chip, 3, 3)
            p.setPen(text_color)
            p.drawText(
                QRectF(chip.right() + 6, r.top(), 64, r.height()), Qt.AlignmentFlag.AlignVCenter, sw.hex
            )
            bar_left = chip.right() + 74
            bar_w = max(0.0, r.right() - bar_left - 48)
            if sw.share is not None and top > 0:
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(pal.color(pal.ColorRole.Mid))
                p.drawRect(QRectF(bar_left, r.center().y() - 3, bar_w, 6))
                p.setBrush(QColor(*sw.rgb))
                p.drawRect(QRectF(bar_left, r.center().y() - 3, bar_w * sw.share / top, 6))
                p.setPen(text_color)
                p.drawText(
                    QRectF(r.right() - 46, r.top(), 44, r.height()),
                    Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                    f"{100 * sw.share:.1f}%",
                )
            elif sw.name and sw.name != sw.hex:
                p.drawText(
                    QRectF(bar_left, r.top(), bar_w + 46, r.height()), Qt.AlignmentFlag.AlignVCenter, sw.name
                )
            if i == self._selected:
                p.setPen(QPen(pal.color(pal.ColorRole.Highlight), 2))
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawRoundedRect(r.adjusted(1, 1, -1, -1), 4, 4)
        p.end()
