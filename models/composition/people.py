"""Faces in a picture, found with the cascade detectors that ship inside OpenCV (no weights downloaded).

Measured on the example photos, the style paintings and held-out portraits (photos and painted
self-portraits, ``tests/data/portraits``) at 300 to 800 px: OpenCV's ``frontalface_alt2`` cascade, always
run at 512 px, finds every face but the Fauvist Matisse, and has no false alarm once a candidate is
confirmed by a second cascade (``frontalface_default``) or two eyes inside it; the profile cascade, tried in both directions only when
no frontal face is found, finds the cameraman. A detection covers brows to mouth; :func:`head_box` grows
it to the whole head (hair, forehead, chin), which is what a crop must never cut.

Without OpenCV (it is a dependency, but an install may lack it) the finder reports no faces and the
analysis falls back on saliency alone.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Generator
from dataclasses import dataclass

import numpy as np

from models.progress import Progress

#: Long side of the image the detectors look at: faces from ~4 % of it (20 px) are found.
DETECT_SIDE = 512
MIN_FACE = 20

Rect = tuple[float, float, float, float]

_local = threading.local()


@dataclass(frozen=True)
class Face:
    """A face in input pixels: ``box`` the detection (brows to mouth), ``head`` the whole head around it,
    ``eyes`` the point between the eyes, ``profile`` True for a side view."""

    box: Rect
    head: Rect
    eyes: tuple[float, float]
    profile: bool = False


def _cascades():
    """The classifiers, loaded once per thread (a CascadeClassifier is not safe to share between threads)."""
    cached = getattr(_local, "cascades", None)
    if cached is None:
        import cv2

        cv2.setNumThreads(max(1, (os.cpu_count() or 2) - 1))  # the UI keeps a core
        base = cv2.data.haarcascades

        def load(name: str):
            classifier = cv2.CascadeClassifier(base + name)
            if classifier.empty():
                raise ImportError(f"OpenCV's {name} is missing")
            return classifier

        cached = {
            "frontal": load("haarcascade_frontalface_alt2.xml"),
            "confirm": load("haarcascade_frontalface_default.xml"),
            "eyes": load("haarcascade_eye.xml"),
            "profile": load("haarcascade_profileface.xml"),
        }
        _local.cascades = cached
    return cached


def head_box(box: Rect, size: tuple[int, int]) -> Rect:
    """The whole head around a brows-to-mouth detection ``box``, clipped to the image ``size`` (w, h)."""
    x, y, w, h = box
    x0, y0 = max(0.0, x - 0.18 * w), max(0.0, y - 0.32 * h)
    x1, y1 = min(float(size[0]), x + 1.18 * w), min(float(size[1]), y + 1.22 * h)
    return (x0, y0, x1 - x0, y1 - y0)


def _iou(a: Rect, b: Rect) -> float:
    iw = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = iw * ih
    return inter / max(a[2] * a[3] + b[2] * b[3] - inter, 1e-9)


def _grey(pixels: np.ndarray, side: int) -> tuple[np.ndarray, float]:
    """An equalised 8-bit grey image at most ``side`` on the long side, and its scale to the input."""
    import cv2

    arr = np.asarray(pixels)
    h, w = arr.shape[:2]
    if side / max(h, w) < 0.5 and arr.dtype == np.uint8 and (arr.ndim == 2 or arr.shape[2] in (1, 3, 4)):
        # A huge photo is reduced in uint8 first (one fast C pass) rather than converted whole to float:
        # a 99 MP image would otherwise hold the job for seconds between two yields.
        step = side / max(h, w) * 2  # twice the working size: the area filter below still does the last step
        arr = cv2.resize(
            arr, (max(1, round(w * step)), max(1, round(h * step))), interpolation=cv2.INTER_AREA
        )
        arr = arr.reshape(arr.shape[0], arr.shape[1], -1)
    if arr.ndim == 3 and arr.shape[2] >= 3:
        rgb = arr[..., :3].astype(np.float32)
        if arr.shape[2] == 4:  # transparent pixels over mid-grey, as the saliency sees them
            alpha = arr[..., 3:4].astype(np.float32) / 255.0
            rgb = rgb * alpha + 128.0 * (1.0 - alpha)
        grey = rgb @ np.array([0.299, 0.587, 0.114], np.float32)
    else:
        grey = arr.reshape(arr.shape[0], arr.shape[1], -1)[..., 0].astype(np.float32)
    gh, gw = grey.shape
    scale = side / max(h, w)  # always the same working size, so a face is found alike at any image size
    grey8 = np.clip(grey, 0, 255).astype(np.uint8)
    if (gw, gh) != (max(1, round(w * scale)), max(1, round(h * scale))):
        how = cv2.INTER_AREA if scale < 1.0 else cv2.INTER_LINEAR
        grey8 = cv2.resize(grey8, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=how)
    return cv2.equalizeHist(grey8), scale


def _opinions(grey: np.ndarray, box: np.ndarray, cascades) -> tuple[bool, bool]:
    """Second opinions inside a candidate: does the other frontal cascade agree, and are there two eyes
    in its upper part?"""
    x, y, w, h = (int(v) for v in box)
    m = w // 2
    roi = grey[max(0, y - m) : y + h + m, max(0, x - m) : x + w + m]
    size = (max(1, int(w * 0.6)), max(1, int(h * 0.6)))
    agrees = (
        len(cascades["confirm"].detectMultiScale(roi, scaleFactor=1.05, minNeighbors=3, minSize=size)) > 0
    )
    upper = grey[y : y + (2 * h) // 3, x : x + w]
    eye = (max(1, w // 10), max(1, w // 10))
    eyes = len(cascades["eyes"].detectMultiScale(upper, scaleFactor=1.05, minNeighbors=2, minSize=eye)) >= 2
    return agrees, eyes


def _confirmed(grey: np.ndarray, boxes: np.ndarray, cascades) -> list[np.ndarray]:
    """The largest candidate needs one second opinion; any other needs both and half its size (a painted
    background or a pattern can fool one cascade, rarely two)."""
    out: list[np.ndarray] = []
    for box in sorted((np.asarray(b, float) for b in boxes), key=lambda b: -b[2] * b[3]):
        agrees, eyes = _opinions(grey, box, cascades)
        if not out and (agrees or eyes):
            out.append(box)
        elif out and agrees and eyes and box[2] >= 0.5 * out[0][2]:
            out.append(box)
    return out


def find_faces(pixels: np.ndarray, side: int = DETECT_SIDE) -> Generator[Progress, None, list[Face]]:
    """Faces in an HxW(xC) uint8 image, largest first, in its pixels; [] when none (or no OpenCV).

    A generator (yields :class:`Progress` between the detector passes, each a few hundred ms)."""
    arr = np.asarray(pixels)
    h, w = arr.shape[:2]
    if min(h, w) < MIN_FACE:
        return []
    try:
        cascades = _cascades()
        grey, scale = _grey(arr, side)
    except ImportError:
        return []
    yield Progress(0, 3, "looking for faces")
    found: list[tuple[np.ndarray, bool]] = []
    frontal = cascades["frontal"].detectMultiScale(
        grey, scaleFactor=1.1, minNeighbors=3, minSize=(MIN_FACE, MIN_FACE)
    )
    yield Progress(1, 3, "checking faces")
    found += [(b, False) for b in _confirmed(grey, frontal, cascades)]
    if not found:
        yield Progress(2, 3, "looking for faces in profile")
        for flip in (False, True):
            img = np.ascontiguousarray(grey[:, ::-1]) if flip else grey
            for b in cascades["profile"].detectMultiScale(
                img, scaleFactor=1.1, minNeighbors=3, minSize=(MIN_FACE, MIN_FACE)
            ):
                b = np.asarray(b, float)
                if flip:
                    b[0] = grey.shape[1] - b[0] - b[2]
                found.append((b, True))
    yield Progress(3, 3, "faces")
    faces: list[Face] = []
    for b, profile in sorted(found, key=lambda f: -f[0][2] * f[0][3]):
        box = (b[0] / scale, b[1] / scale, b[2] / scale, b[3] / scale)
        if any(_iou(box, other.box) > 0.3 for other in faces):
            continue
        eyes = (box[0] + box[2] / 2, box[1] + 0.42 * box[3])
        faces.append(Face(box=box, head=head_box(box, (w, h)), eyes=eyes, profile=profile))
    return faces
