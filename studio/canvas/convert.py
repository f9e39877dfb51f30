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


def wrap_array(pixels: np.ndarray) -> QImage:
    """A QImage over ``pixels``' own buffer, no copy: O(1) on the UI thread. The caller keeps ``pixels``
    alive (and unchanged) as long as the image is used. HxWx3 RGB, HxWx4 RGBA, or HxWx4 premultiplied
    BGRA from :func:`pyramid_arrays`."""
    h, w, c = pixels.shape
    if not pixels.flags.c_contiguous:
        raise ValueError("wrap_array needs a C-contiguous array")
    fmt = QImage.Format.Format_RGB888 if c == 3 else QImage.Format.Format_RGBA8888
    return QImage(pixels.data, w, h, w * c, fmt)


def pyramid_arrays(pixels: np.ndarray, min_side: int = 128) -> list[np.ndarray]:
    """The half-size levels of ``pixels`` down to ``min_side``, each as premultiplied BGRA bytes (what the
    raster painter blends without converting; wrap with :func:`wrap_premultiplied`). numpy and Pillow only,
    which release the GIL on big arrays: made in a worker, they never stall the UI thread (QImage.scaled
    there would hold the GIL for half a second on 24 MP)."""
    from PIL import Image

    rgba = pixels if pixels.shape[2] == 4 else None
    level = Image.fromarray(np.ascontiguousarray(pixels), "RGBA" if rgba is not None else "RGB")
    out: list[np.ndarray] = []
    while min(level.size) > 2 * min_side:
        level = level.reduce(2)  # a 2×2 box filter, as smooth as QImage's for a halving
        arr = np.asarray(level)
        bgra = np.empty(arr.shape[:2] + (4,), np.uint8)
        if arr.shape[2] == 4:
            alpha = arr[..., 3:4].astype(np.uint16)
            bgra[..., :3] = ((arr[..., 2::-1].astype(np.uint16) * alpha + 127) // 255).astype(np.uint8)
            bgra[..., 3] = arr[..., 3]
        else:
            bgra[..., :3] = arr[..., 2::-1]
            bgra[..., 3] = 255
        out.append(bgra)
    return out


def wrap_premultiplied(bgra: np.ndarray) -> QImage:
    """A QImage over a premultiplied BGRA array from :func:`pyramid_arrays`, no copy (keep the array)."""
    h, w, _ = bgra.shape
    return QImage(bgra.data, w, h, w * 4, QImage.Format.Format_ARGB32_Premultiplied)
