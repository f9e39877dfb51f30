"""The subject as a region: a soft 0..1 map of where the picture's main subject is, for "style the subject"
(or, inverted, the background).

It starts from the composition analysis (:func:`models.composition.analysis.analyse`), so it sees what the
subject finder sees. Where there are faces, the subject is the people: each head and the figure below it (a
head-and-shoulders shape that widens into a torso), refined by OpenCV's GrabCut (bundled in
opencv-python-headless; nothing is downloaded) so the region follows the figure's own outline and may run
on down a standing figure. Without a face it is the salient objects, their outline refined the same way.
The edge is blurred over a few per cent of the subject's size, so a style fades in rather than stopping
at a hard line.
"""

from __future__ import annotations

from collections.abc import Generator

import numpy as np
from scipy import ndimage

from models.composition.analysis import AnalysisConfig, analyse
from models.composition.people import DETECT_SIDE
from models.composition.saliency import ANALYSIS_SIDE, downsample_steps, flatten_alpha
from models.progress import Progress

Rect = tuple[float, float, float, float]

GRABCUT_ITERATIONS = 4


def figure_prior(shape: tuple[int, int], heads: list[Rect], reach: float = 3.0) -> np.ndarray:
    """Where people probably are (a boolean map of ``shape`` h x w) from their ``heads`` (x, y, w, h in the
    map's pixels): an ellipse over each head and, from the chin down, shoulders that widen to about three
    head widths within half a head's height, and a torso ``reach`` head heights long."""
    ys, xs = _centres(shape)
    out = _ellipses(shape, heads, 0.55)
    for hx, hy, hw, hh in heads:
        chin = hy + 0.9 * hh
        below = np.clip((ys - chin) / max(0.6 * hh, 1.0), 0.0, None)
        half = hw * (0.35 + 1.15 * np.minimum(below, 1.0) + 0.15 * np.clip(below - 1.0, 0.0, 2.0))
        out |= (ys >= chin) & (ys <= chin + reach * hh) & (np.abs(xs - hx - hw / 2) <= half)
    return out


def _centres(shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    ys, xs = np.indices(shape, dtype=np.float32)
    return ys + 0.5, xs + 0.5


def _ellipses(shape: tuple[int, int], boxes: list[Rect], radius: float) -> np.ndarray:
    """Ellipses centred on ``boxes``, with semi-axes ``radius`` times each box's width and height."""
    ys, xs = _centres(shape)
    out = np.zeros(shape, bool)
    for x, y, w, h in boxes:
        rx, ry = max(w * radius, 1.0), max(h * radius, 1.0)
        out |= ((xs - x - w / 2) / rx) ** 2 + ((ys - y - h / 2) / ry) ** 2 <= 1.0
    return out


def _grabcut(
    rgb: np.ndarray, prior: np.ndarray, maybe: np.ndarray, sure: np.ndarray
) -> Generator[Progress, None, np.ndarray | None]:
    """GrabCut's foreground, started from ``prior`` (probable foreground), ``maybe`` (probable background,
    where the subject may go on) and ``sure`` foreground; the rest is background. None when the cut
    fails. One iteration per yield (about 0.15 s each at 256 px)."""
    import cv2

    near = ndimage.binary_dilation(prior, iterations=max(2, round(0.08 * max(prior.shape))))
    mask = np.full(prior.shape, cv2.GC_BGD, np.uint8)
    mask[near | maybe] = cv2.GC_PR_BGD
    mask[prior] = cv2.GC_PR_FGD
    mask[sure] = cv2.GC_FGD
    img = np.ascontiguousarray(np.clip(rgb, 0, 255).astype(np.uint8))
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    cv2.setRNGSeed(0)  # GrabCut seeds its colour models with k-means: the same picture, the same region
    for i in range(GRABCUT_ITERATIONS):
        yield Progress(i, GRABCUT_ITERATIONS, "outlining the subject")
        try:
            cv2.grabCut(img, mask, None, bgd, fgd, 1, cv2.GC_EVAL if i else cv2.GC_INIT_WITH_MASK)
        except cv2.error:
            return None
    return (mask == cv2.GC_FGD) | (mask == cv2.GC_PR_FGD)


def _salient_objects(
    rgb: np.ndarray, sal: np.ndarray, boxes: list[Rect]
) -> Generator[Progress, None, np.ndarray]:
    """The salient objects in ``boxes`` (the subject finder's, without the specks it drops as noise): the
    map above the finder's level, closed as the finder closes it (a cup's rim joins its handle) and
    refined by GrabCut, with the pixels near it undecided."""
    ys, xs = _centres(sal.shape)
    inside = np.zeros(sal.shape, bool)
    for x, y, w, h in boxes:
        inside |= (xs >= x) & (xs <= x + w) & (ys >= y) & (ys <= y + h)
    threshold = float(sal.mean()) + 0.4 * (float(sal.max()) - float(sal.mean()))  # as find_subjects
    salient = (sal >= threshold) & inside
    if not salient.any():
        return np.zeros(sal.shape, np.float32)
    r = max(1, round(0.06 * max(sal.shape)))
    closed = ndimage.binary_closing(np.pad(salient, r), iterations=r)[r:-r, r:-r]
    none = np.zeros_like(closed)
    cut = yield from _grabcut(rgb, closed, none, none)
    region = salient if cut is None else _joined(cut | salient, salient)
    return _soften(region, 1.5)


def _people(rgb: np.ndarray, heads: list[Rect]) -> Generator[Progress, None, np.ndarray]:
    """Each head and the figure below it: the figure prior, refined by GrabCut; the middle of each head is
    surely the subject, and below the shoulders the figure may go on (a standing figure, a long coat)."""
    h, w = rgb.shape[:2]
    prior = figure_prior((h, w), heads)
    # Surely the subject: the middle of each head, and the neck and the middle of the chest below it.
    cores = _ellipses((h, w), heads, 0.4) | _ellipses(
        (h, w), [(x + 0.3 * hw, y + 0.9 * hh, 0.4 * hw, 1.2 * hh) for x, y, hw, hh in heads], 0.5
    )
    maybe = figure_prior((h, w), heads, reach=float(h))
    maybe = ndimage.binary_dilation(maybe, iterations=max(2, round(0.1 * max(h, w))))
    cut = yield from _grabcut(rgb, prior, maybe, cores)
    region = _joined((prior if cut is None else cut) | cores, cores)
    sigma = max(1.5, 0.06 * max(hw for _, _, hw, _ in heads))
    return np.maximum(_soften(region, sigma), _soften(cores, sigma))


def _joined(region: np.ndarray, seeds: np.ndarray) -> np.ndarray:
    """The parts of ``region`` that touch ``seeds``, holes filled (GrabCut may pick up a patch of a similar
    colour elsewhere, or leave out a cup's dark coffee)."""
    labels, _ = ndimage.label(region)
    keep = np.unique(labels[seeds & region])
    return ndimage.binary_fill_holes(np.isin(labels, keep[keep > 0]))


def _soften(region: np.ndarray, sigma: float) -> np.ndarray:
    """A soft edge: blurred over ``sigma`` px and steepened, so the inside stays at 1 and the outside at 0."""
    return np.clip(ndimage.gaussian_filter(region.astype(np.float32), sigma) * 1.5, 0.0, 1.0)


def subject_region(pixels: np.ndarray, side: int = ANALYSIS_SIDE) -> Generator[Progress, None, np.ndarray]:
    """A soft 0..1 map (at most ``side`` px long, the picture's aspect) of the main subject of an
    HxW(x3/4) uint8 picture: the people when there are faces, else the salient objects."""
    arr = np.asarray(pixels)
    # The face detectors work at DETECT_SIDE whatever the input: a bigger picture is reduced to that once,
    # band by band, and analysed there.
    small = yield from downsample_steps(arr, DETECT_SIDE, lambda: Progress(0, 1, "reducing the picture"))
    small = np.clip(np.round(small), 0, 255).astype(np.uint8)
    if small.shape[2] == 1:
        small = np.repeat(small, 3, axis=2)
    analysis = yield from analyse(small, AnalysisConfig(aspects=(), side=side))
    # The outline is found at ``side`` on the long side whatever the picture's size (the analysis map's
    # own size steps with whole reduction factors), so a picture gets the same region at any size.
    k = side / max(small.shape[:2])
    size = (max(1, round(small.shape[1] * k)), max(1, round(small.shape[0] * k)))
    rgb, _ = flatten_alpha(_resized(small, size))
    boxes = {
        kind: [
            (s.box[0] * k, s.box[1] * k, s.box[2] * k, s.box[3] * k)
            for s in analysis.subjects
            if s.kind == kind
        ]
        for kind in ("face", "object")
    }
    if boxes["face"]:
        return (yield from _people(rgb, boxes["face"]))
    sal = _resized(analysis.saliency, size)
    return (yield from _salient_objects(rgb, sal, boxes["object"]))


def _resized(arr: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """``arr`` (HxW or HxWxC) resized to ``size`` (w, h) as float32: area-averaged down, bilinear up."""
    import cv2

    a = np.ascontiguousarray(arr, dtype=np.float32)
    how = cv2.INTER_AREA if size[0] < a.shape[1] else cv2.INTER_LINEAR
    out = cv2.resize(a, size, interpolation=how)
    return out.reshape(size[1], size[0], *a.shape[2:])
