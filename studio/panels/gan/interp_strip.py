"""The interpolation strip: the frames from sample A to sample B in a row, exported as GIF or PNG frames."""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QScrollArea, QSpinBox, QVBoxLayout, QWidget

from studio.canvas.convert import array_to_qimage

THUMB = 44


class InterpolationStrip(QWidget):
    interpolate_requested = Signal(int)  # frames
    export_requested = Signal(bool)  # True: GIF, False: PNG frames

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.frames: np.ndarray | None = None
        self.meta: dict[str, Any] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.interpolate_button = QPushButton("Interpolate A → B")
        self.interpolate_button.setToolTip("Ctrl+click a second sample to pick B")
        self.frames_spin = QSpinBox()
        self.frames_spin.setRange(3, 120)
        self.frames_spin.setValue(12)
        self.frames_spin.setSuffix(" frames")
        row.addWidget(self.interpolate_button, 1)
        row.addWidget(self.frames_spin)
        layout.addLayout(row)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFixedHeight(THUMB + 22)
        self.scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.row_widget = QWidget()
        self.row_layout = QHBoxLayout(self.row_widget)
        self.row_layout.setContentsMargins(2, 2, 2, 2)
        self.row_layout.setSpacing(2)
        self.placeholder = QLabel("Pick A and B (Ctrl+click) to see the way between them.")
        self.placeholder.setWordWrap(True)
        self.row_layout.addWidget(self.placeholder)
        self.scroll.setWidget(self.row_widget)
        layout.addWidget(self.scroll)
        row = QHBoxLayout()
        self.gif_button = QPushButton("Export GIF…")
        self.png_button = QPushButton("Export PNG frames…")
        row.addWidget(self.gif_button)
        row.addWidget(self.png_button)
        layout.addLayout(row)
        self.interpolate_button.clicked.connect(
            lambda: self.interpolate_requested.emit(self.frames_spin.value())
        )
        self.gif_button.clicked.connect(lambda: self.export_requested.emit(True))
        self.png_button.clicked.connect(lambda: self.export_requested.emit(False))
        self.set_frames(None)

    def set_frames(self, frames: np.ndarray | None, meta: dict[str, Any] | None = None) -> None:
        self.frames = frames
        self.meta = dict(meta or {})
        while self.row_layout.count() > 1:
            item = self.row_layout.takeAt(1)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.placeholder.setVisible(frames is None)
        if frames is not None:
            for frame in frames:
                thumb = QLabel()
                pix = QPixmap.fromImage(array_to_qimage(frame)).scaled(
                    THUMB,
                    THUMB,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
                thumb.setPixmap(pix)
                self.row_layout.addWidget(thumb)
            self.row_layout.addStretch(1)
        self.gif_button.setEnabled(frames is not None)
        self.png_button.setEnabled(frames is not None)

    def set_can_interpolate(self, ok: bool) -> None:
        self.interpolate_button.setEnabled(ok)
