"""numpy ↔ QImage, in one place. QImages built here own a copy of their pixels."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage


def array_to_qimage(pixels: np.ndarray) -> QImage:
    """HxWx3 / HxWx4 uint8 (or HxW grey) → a QImage that owns its buffer."""
    if pixels.dtype != np.uint8:
        raise ValueError(f"expected uint8 pixels, got {pixels.dtype}")
    if pixels.ndim == 2:
        pixels = np.repeat(pixels[..., None], 3, axis=2)
    pixels = np.ascontiguousarray(pixels)
    h, w, c = pixels.shape
    if c == 3:
        fmt = QImage.Format.Format_RGB888
    elif c == 4:
        fmt = QImage.Format.Format_RGBA8888
    else:
        raise ValueError(f"expected 3 or 4 channels, got {c}")
    image = QImage(pixels.data, w, h, w * c, fmt)
    return image.copy()  # detach from the numpy buffer before it leaves this function


def qimage_to_array(image: QImage) -> np.ndarray:
    """A QImage → HxWx4 uint8 RGBA array (a copy)."""
    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    w, h = image.width(), image.height()
    buf = np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes())
    return buf.reshape(h, image.bytesPerLine())[:, : w * 4].reshape(h, w, 4).copy()


def half_level(image: QImage) -> QImage:
    """The next level of a display pyramid: half the size, smooth, premultiplied (what the raster painter
    blends without converting). QImage work only: safe in a worker thread."""
    half = image.scaled(
        max(1, image.width() // 2),
        max(1, image.height() // 2),
        Qt.AspectRatioMode.IgnoreAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )
    return half.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)


def pyramid(image: QImage, min_side: int = 128) -> list[QImage]:
    """``image`` and its half levels down to ``min_side`` (built ahead, e.g. in a worker thread)."""
    levels = [image]
    while min(levels[-1].width(), levels[-1].height()) > 2 * min_side:
        levels.append(half_level(levels[-1]))
    return levels
