"""Palette extraction benchmark: quality (CIEDE2000 from each pixel to its nearest palette colour) and
speed of Atelier's extractor against Pillow median cut, Pillow fast octree and KMeans in plain RGB
(Pylette's default), all measured in the same run.

    .venv/bin/python bench/palette_bench.py [--quick] [--no-big]

Prints one row per image and k, then the averages over images and k = 5, 8, 12 and the relative gain,
then median extraction times on a 24-megapixel photo (decode excluded).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.palette.color import rgb_to_lab  # noqa: E402
from models.palette.delta_e import nearest  # noqa: E402
from models.palette.extract import PaletteConfig, extract_palette  # noqa: E402

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
KS = (5, 8, 12)
EVAL_PIXELS = 120_000


def load(path: Path) -> np.ndarray:
    im = Image.open(path)
    im = im.convert("RGBA" if im.mode in ("RGBA", "LA", "P") else "RGB")
    return np.asarray(im)


def eval_pixels(img: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lab of (at most EVAL_PIXELS) opaque pixels, and their alpha weights."""
    h, w = img.shape[:2]
    step = max(1, int(np.ceil(np.sqrt(h * w / EVAL_PIXELS))))
    flat = img[::step, ::step].reshape(-1, img.shape[2])
    weight = flat[:, 3] / 255.0 if img.shape[2] == 4 else np.ones(len(flat))
    keep = weight > 0
    return rgb_to_lab(flat[keep, :3]), weight[keep]


def score(lab: np.ndarray, weight: np.ndarray, palette: np.ndarray) -> tuple[float, float]:
    _, d = nearest(lab, rgb_to_lab(np.asarray(palette, dtype=np.uint8)))
    order = np.argsort(d)
    cw = np.cumsum(weight[order]) / weight.sum()
    p95 = float(d[order][np.searchsorted(cw, 0.95)])
    return float(np.sum(d * weight) / weight.sum()), p95


def ours(img: np.ndarray, k: int) -> np.ndarray:
    return np.array([c.rgb for c in extract_palette(img, PaletteConfig(colors=k)).colors])


def _pil_quant(img: np.ndarray, k: int, method: Image.Quantize) -> np.ndarray:
    rgb = Image.fromarray(np.ascontiguousarray(img[..., :3]))
    q = rgb.quantize(colors=k, method=method)
    used = sorted(set(np.asarray(q).ravel().tolist()))
    pal = np.array(q.getpalette()[: 3 * 256]).reshape(-1, 3)
    return pal[used]


def median_cut(img: np.ndarray, k: int) -> np.ndarray:
    return _pil_quant(img, k, Image.Quantize.MEDIANCUT)


def fast_octree(img: np.ndarray, k: int) -> np.ndarray:
    return _pil_quant(img, k, Image.Quantize.FASTOCTREE)


def kmeans_rgb(img: np.ndarray, k: int) -> np.ndarray:
    """Pylette's default: KMeans on RGB pixels of the image resized to 256×256."""
    from sklearn.cluster import KMeans

    small = np.asarray(Image.fromarray(np.ascontiguousarray(img[..., :3])).resize((256, 256), Image.BILINEAR))
    px = small.reshape(-1, 3).astype(np.float64)
    if img.shape[2] == 4:
        alpha = np.asarray(Image.fromarray(img[..., 3]).resize((256, 256), Image.NEAREST)).ravel()
        px = px[alpha > 0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        km = KMeans(n_clusters=k, n_init=4, random_state=0).fit(px)
    return np.clip(np.rint(km.cluster_centers_), 0, 255).astype(np.uint8)


METHODS = {"atelier": ours, "median_cut": median_cut, "fast_octree": fast_octree, "kmeans_rgb": kmeans_rgb}


def big_photo() -> np.ndarray:
    """A 24-megapixel (6000×4000) photo: the shared coffee photo upscaled ten times (bicubic)."""
    src = Image.open(RESOURCES / "examples" / "coffee.png").convert("RGB")
    return np.asarray(src.resize((6000, 4000), Image.BICUBIC))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="three images only")
    ap.add_argument("--no-big", action="store_true", help="skip the 24-MP photo")
    args = ap.parse_args()
    paths = sorted((RESOURCES / "styles").glob("*.jpg")) + sorted((RESOURCES / "examples").glob("*.png"))
    if args.quick:
        paths = paths[:3]
    images = [(p.name, load(p)) for p in paths]
    if not args.no_big:
        images.append(("coffee_24mp (6000x4000)", big_photo()))
    means: dict[str, list[float]] = {m: [] for m in METHODS}
    p95s: dict[str, list[float]] = {m: [] for m in METHODS}
    print(f"{'image':34s} {'k':>3s} " + " ".join(f"{m:>20s}" for m in METHODS))
    print(f"{'':34s} {'':>3s} " + " ".join(f"{'mean/p95/n':>20s}" for _ in METHODS))
    for name, img in images:
        lab, w = eval_pixels(img)
        for k in KS:
            cells = []
            for m, fn in METHODS.items():
                pal = fn(img, k)
                mean, p95 = score(lab, w, pal)
                means[m].append(mean)
                p95s[m].append(p95)
                n = len({tuple(c) for c in np.asarray(pal).tolist()})
                cells.append(f"{mean:6.2f}/{p95:6.2f}/{n:3d}")
            print(f"{name[:34]:34s} {k:3d} " + " ".join(f"{c:>20s}" for c in cells), flush=True)
    print("\naverage over images and k = 5, 8, 12 (ΔE00, lower is better)")
    base = statistics.fmean(means["atelier"])
    for m in METHODS:
        mm, pp = statistics.fmean(means[m]), statistics.fmean(p95s[m])
        gain = "" if m == "atelier" else f"  atelier is {100 * (1 - base / mm):5.1f} % lower"
        print(f"  {m:12s} mean {mm:6.3f}  p95 {pp:6.3f}{gain}")
    if not args.no_big:
        img = images[-1][1]
        print(
            "\nextraction time on the 24-MP photo (decode excluded), median of 5 runs after one warm-up;"
            f" load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall suffers when shared)"
        )
        for m, fn in METHODS.items():
            if m == "kmeans_rgb":
                continue  # includes a full-image resize like Pylette; not comparable work
            fn(img, 8)
            walls, cpus = [], []
            for _ in range(5):
                t, c = time.perf_counter(), time.process_time()
                fn(img, 8)
                walls.append(time.perf_counter() - t)
                cpus.append(time.process_time() - c)
            print(
                f"  {m:12s} k=8  wall {1000 * statistics.median(walls):7.1f} ms"
                f"   cpu {1000 * statistics.median(cpus):7.1f} ms"
            )


if __name__ == "__main__":
    main()
