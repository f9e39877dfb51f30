"""Layers panel: the result layers over the original, each with visibility, opacity and delete."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from studio.context import AppContext
from studio.state.document import Layer

#: The most rows the list shows before it scrolls.
MAX_ROWS = 5


def _show_layer(item: QListWidgetItem, layer: Layer) -> None:
    item.setText(f"{layer.name}  ({round(layer.opacity * 100)} %)")
    item.setData(Qt.ItemDataRole.ForegroundRole, None if layer.visible else Qt.GlobalColor.gray)


class LayersPanel(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        self.list = QListWidget()
        # Sized to its rows (2 to MAX_ROWS), so a near-empty list leaves the column to the panels.
        self.list.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.list.currentRowChanged.connect(self._on_list_row_changed)
        layout.addWidget(self.list)
        row = QHBoxLayout()
        self.visible_box = QCheckBox("Visible")
        self.visible_box.toggled.connect(self._on_visible_toggled)
        row.addWidget(self.visible_box)
        self.delete_button = QPushButton("Delete layer")
        self.delete_button.clicked.connect(self._on_delete_clicked)
        row.addWidget(self.delete_button)
        layout.addLayout(row)
        op = QHBoxLayout()
        op.addWidget(QLabel("Opacity"))
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(0, 100)
        self.opacity.valueChanged.connect(self._on_opacity_changed)
        op.addWidget(self.opacity)
        self.opacity_label = QLabel("100 %")
        self.opacity_label.setMinimumWidth(40)
        op.addWidget(self.opacity_label)
        layout.addLayout(op)
        self.hint = QLabel("Results arrive here as layers over the original.")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self._updating = False
        ctx.layers_changed.connect(self.refresh)
        ctx.layer_look_changed.connect(self._on_ctx_layer_look_changed)
        self.refresh()

    def _fit_list(self, count: int) -> None:
        row = self.list.sizeHintForRow(0) if count else self.list.fontMetrics().height() + 4
        rows = min(max(count, 2), MAX_ROWS)
        self.list.setFixedHeight(rows * max(row, 1) + 2 * self.list.frameWidth() + 2)
        self.hint.setVisible(count <= 1)  # once there are layers the hint has done its job
        # Never taller than its content: the dock below (the panels) gets the rest of the column.
        self.setMaximumHeight(self.layout().sizeHint().height())

    def _layer_index(self, row: int) -> int:
        doc = self.ctx.document()
        return (len(doc.layers) - 1 - row) if doc else -1  # the list shows the top layer first

    def refresh(self) -> None:
        self._updating = True
        doc = self.ctx.document()
        current = self.list.currentRow()
        self.list.clear()
        if doc is not None:
            for layer in reversed(doc.layers):
                item = QListWidgetItem()
                _show_layer(item, layer)
                self.list.addItem(item)
            self.list.addItem(QListWidgetItem("Original" + (f" — {doc.name}" if doc.name else "")))
        count = self.list.count()
        if count:
            self.list.setCurrentRow(min(max(current, 0), count - 1))
        self._fit_list(count)
        self._updating = False
        self._sync_controls()

    def _on_ctx_layer_look_changed(self, index: int) -> None:
        """One layer's opacity or visibility: only its row and the controls follow."""
        doc = self.ctx.document()
        item = self.list.item(len(doc.layers) - 1 - index) if doc is not None else None
        if item is None or not 0 <= index < len(doc.layers):
            self.refresh()
            return
        _show_layer(item, doc.layers[index])
        if index == self._selected():
            self._sync_controls()

    def _selected(self) -> int:
        doc = self.ctx.document()
        row = self.list.currentRow()
        if doc is None or row < 0 or row >= len(doc.layers):
            return -1
        return self._layer_index(row)

    def _sync_controls(self) -> None:
        index = self._selected()
        doc = self.ctx.document()
        enabled = index >= 0 and doc is not None
        for w in (self.visible_box, self.delete_button, self.opacity):
            w.setEnabled(enabled)
        self._updating = True
        if enabled and doc is not None:
            layer = doc.layers[index]
            self.opacity.setValue(round(layer.opacity * 100))
            self.opacity_label.setText(f"{round(layer.opacity * 100)} %")
            self.visible_box.setChecked(layer.visible)
        else:
            self.opacity.setValue(100)
            self.opacity_label.setText("")
        self._updating = False

    def _on_list_row_changed(self, row: int) -> None:
        if not self._updating:
            self._sync_controls()

    def _on_opacity_changed(self, value: int) -> None:
        self.opacity_label.setText(f"{value} %")
        index = self._selected()
        if not self._updating and index >= 0:
            self.ctx.set_layer_opacity(index, value / 100.0)

    def _on_visible_toggled(self, checked: bool) -> None:
        index = self._selected()
        if not self._updating and index >= 0:
            self.ctx.set_layer_visible(index, checked)

    def _on_delete_clicked(self) -> None:
        index = self._selected()
        if index >= 0:
            self.ctx.remove_layer(index)
