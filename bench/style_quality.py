"""Backbone-independent quality statistics of stylizations, and the side-by-side sheet.

For photo/painting pairs, measures the result against the painting and the photo with statistics that
use no neural network, so backbones can be compared fairly:

- ``colour``: sliced Wasserstein distance between the RGB pixel distributions of result and painting
  (0 = same palette; lower is more stylized).
- ``texture``: distance between multi-scale oriented-texture statistics (log Gabor energy histograms,
  3 scales x 4 orientations, on luminance) of result and painting (lower is more stylized).
- ``edges``: correlation of the result's edge-strength map with the photo's at a coarse scale
  (1 = the layout is intact; higher keeps the content recognisable).
- ``band 1 / ½ / ¼``: local contrast (mean absolute Laplacian of the luminance at the result's size, and
  after Lanczos downscaling to 1/2 and 1/4) as a ratio to the painting's own at the same size: how crisp
  the strokes are. Targets at 512 px: 0.5–1.5, 0.8–1.25 and 0.85–1.2.

Each pair is stylized three times with the default settings: ``before`` with the first version's
smoothing (an average of iterates and TV on RGB), ``previous`` with the second's (the last iterate, TV on
chroma only, and the covariance of fixed derivative filters at full, 1/2 and 1/4 size matched to the
painting's) and ``after`` with today's (those filters' absolute values matched too, so the detail is as
sparse as the painting's: strokes and flat areas rather than grain; and the paintings reduced per scale
with Lanczos, as the photo is, where the first two versions' bilinear resize softened them; and the
palette matched as a statistic all along, not only at the start). ``--held-out PHOTO:PAINTING ...``
measures pairs the settings were not tuned on in a second table. ``--crops`` writes a sheet of 1:1 crops
(photo | painting | before | previous | after per pair): strokes vanish when an image is shrunk, so look
at this one, not at the thumbnails.

Reference rows, same run: the photo itself (no style) and a pure colour transfer of the photo (palette
only, no texture): a stylization should beat both on texture, and the photo on colour. With VGG19 weights
present (``torch.hub`` checkpoints folder), the classic backbone is measured too.

    .venv/bin/python bench/style_quality.py [--size 512] [--quality balanced] [--sheet docs/style_sheet.png]
        [--crops docs/style_crops.png] [--no-before] [--no-previous] [--pairs 1,3]
        [--held-out PHOTO:PAINTING ...]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402
from scipy.ndimage import laplace  # noqa: E402
from scipy.signal import fftconvolve  # noqa: E402

from models.backbones import backbone_available  # noqa: E402
from models.progress import drive  # noqa: E402
from models.style import StyleConfig, stylize, transfer  # noqa: E402
from studio.io.images import load_image  # noqa: E402
from studio.resources import EXAMPLES, STYLES  # noqa: E402

PAIRS = [
    ("chelsea.png", "hokusai_great_wave.jpg"),
    ("coffee.png", "matisse_woman_with_a_hat.jpg"),
    ("astronaut.png", "picabia_udnie.jpg"),
    ("rocket.png", "turner_the_shipwreck.jpg"),
    ("camera_gray.png", "turner_shipwreck_of_the_minotaur.jpg"),
]


def _rgb(a: np.ndarray) -> np.ndarray:
    if a.ndim == 2:
        a = np.repeat(a[..., None], 3, 2)
    return a[..., :3].astype(np.float64) / 255.0


def _luma(a: np.ndarray) -> np.ndarray:
    return _rgb(a) @ np.array([0.299, 0.587, 0.114])


def _fit(a: np.ndarray, long_side: int) -> np.ndarray:
    im = Image.fromarray(a)
    s = long_side / max(im.size)
    return np.asarray(
        im.resize((max(1, round(im.width * s)), max(1, round(im.height * s))), Image.Resampling.LANCZOS)
    )


def colour_distance(a: np.ndarray, b: np.ndarray, n_proj: int = 64, n_pix: int = 8192) -> float:
    """Sliced Wasserstein-1 distance between the RGB distributions (in [0, 1] units)."""
    rng = np.random.default_rng(0)
    pa = _rgb(a).reshape(-1, 3)
    pb = _rgb(b).reshape(-1, 3)
    pa = pa[rng.integers(0, len(pa), n_pix)]
    pb = pb[rng.integers(0, len(pb), n_pix)]
    dirs = rng.normal(size=(3, n_proj))
    dirs /= np.linalg.norm(dirs, axis=0)
    return float(np.abs(np.sort(pa @ dirs, 0) - np.sort(pb @ dirs, 0)).mean())


def _gabor(wavelength: float, theta: float) -> np.ndarray:
    sigma = 0.56 * wavelength
    half = int(np.ceil(3 * sigma))
    y, x = np.mgrid[-half : half + 1, -half : half + 1]
    xr = x * np.cos(theta) + y * np.sin(theta)
    g = np.exp(-(x**2 + y**2) / (2 * sigma**2)) * np.exp(2j * np.pi * xr / wavelength)
    return g - g.mean()


def texture_stats(a: np.ndarray, bins: int = 16) -> np.ndarray:
    """Histograms of log Gabor energy, 3 scales x 4 orientations, normalised per filter."""
    lum = _luma(a)
    feats = []
    for wavelength in (4.0, 8.0, 16.0):
        for theta in np.arange(4) * np.pi / 4:
            energy = np.abs(fftconvolve(lum, _gabor(wavelength, theta), mode="same"))
            hist, _ = np.histogram(np.log10(energy + 1e-4), bins=bins, range=(-4.0, 1.5))
            feats.append(hist / max(1, hist.sum()))
    return np.concatenate(feats)


def texture_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Mean L1 distance between per-filter Gabor-energy histograms (0..2)."""
    return float(np.abs(texture_stats(a) - texture_stats(b)).sum() / 12)


def edge_correlation(result: np.ndarray, content: np.ndarray, long_side: int = 128) -> float:
    """Pearson correlation of Sobel edge strength at a coarse scale (layout, not brush strokes)."""

    def edges(a: np.ndarray) -> np.ndarray:
        lum = _luma(_fit(a, long_side))
        kx = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], float)
        gx = fftconvolve(lum, kx, mode="valid")
        gy = fftconvolve(lum, kx.T, mode="valid")
        return np.hypot(gx, gy).ravel()

    e1, e2 = edges(result), edges(content)
    n = min(len(e1), len(e2))
    return float(np.corrcoef(e1[:n], e2[:n])[0, 1])


def band_contrast(a: np.ndarray) -> np.ndarray:
    """Mean absolute Laplacian (0..255 luminance) at full size, 1/2 and 1/4 (Lanczos): local contrast."""
    out = []
    im = Image.fromarray(a if a.ndim == 3 else np.repeat(a[..., None], 3, 2)).convert("RGB")
    for f in (1, 2, 4):
        small = im.resize(
            (max(1, round(im.width / f)), max(1, round(im.height / f))), Image.Resampling.LANCZOS
        )
        lum = _luma(np.asarray(small)) * 255.0
        out.append(float(np.abs(laplace(lum, mode="reflect"))[1:-1, 1:-1].mean()))
    return np.array(out)


def colour_transfer(content: np.ndarray, style: np.ndarray) -> np.ndarray:
    """The photo recoloured to the painting's RGB mean and covariance (palette only)."""
    import torch

    from models.style.losses import color_stats, match_colors

    def t(a: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(_rgb(a)).permute(2, 0, 1)[None].float()

    out = match_colors(t(content), color_stats([t(style)], [1.0]))
    return (out[0].permute(1, 2, 0).numpy() * 255).round().astype(np.uint8)


# the first version
BEFORE = transfer.Smoothing(ema_decay=0.85, tv="rgb", pixel_weight=0.0, painting_filter="bilinear")
# the second: last iterate, TV on chroma, filter covariances only (Gaussian grain met them as well as
# strokes), matched to paintings softened by a bilinear resize; the palette only matched at the start
PREVIOUS = transfer.Smoothing(
    pixel_weight=1.0, pixel_sparse=False, painting_filter="bilinear", pixel_colours=False
)


def _stylized(
    content: np.ndarray, style: np.ndarray, cfg: StyleConfig, smoothing: Any
) -> tuple[np.ndarray, float]:
    saved = transfer.SMOOTHING
    transfer.SMOOTHING = smoothing
    try:
        t0 = time.perf_counter()
        image = drive(stylize(content, [style], cfg)).image[..., :3]
        return image, time.perf_counter() - t0
    finally:
        transfer.SMOOTHING = saved


def _pair_label(content: Path, style: Path) -> str:
    return f"{content.name} × {style.name}"


def measure(
    pairs: list[tuple[Path, Path]], args: argparse.Namespace, backbones: list[str], title: str
) -> list[list[np.ndarray]]:
    """Stylize and measure each pair, print a table with its means; the crop rows (photo, painting,
    results) come back."""
    print(f"{title}:")
    print(f"{'pair':<44} {'method':<22} {'colour↓':>8} {'texture↓':>9} {'edges↑':>7} "
          f"{'band 1':>6} {'½':>5} {'¼':>5} {'s':>6}")  # fmt: skip
    crops, totals = [], {}
    for content_path, style_path in pairs:
        label = _pair_label(content_path, style_path)
        content = _fit(load_image(content_path).pixels, args.size)
        style = load_image(style_path, max_side=1024).pixels
        style_ref = _fit(style, args.size)
        ref_bands = band_contrast(style_ref)
        candidates = {
            "photo (no style)": (_rgb(content) * 255).round().astype(np.uint8),
            "colour transfer only": colour_transfer(content, style),
        }
        timings = {}
        for backbone in backbones:
            cfg = StyleConfig(size=args.size, quality=args.quality, backbone=backbone)
            if backbone == backbones[0]:
                for name, smoothing, skip in (
                    ("before", BEFORE, args.no_before),
                    ("previous", PREVIOUS, args.no_previous),
                ):
                    if not skip:
                        candidates[name], timings[name] = _stylized(content, style, cfg, smoothing)
            name = "after" if backbone == backbones[0] else backbone
            candidates[name], timings[name] = _stylized(content, style, cfg, transfer.SMOOTHING)
        print(f"{label:<44} {'painting (band = abs)':<22} {'':>8} {'':>9} {'':>7} "
              f"{ref_bands[0]:6.1f} {ref_bands[1]:5.1f} {ref_bands[2]:5.1f}")  # fmt: skip
        for method, image in candidates.items():
            c = colour_distance(image, style_ref)
            tx = texture_distance(image, style_ref)
            e = edge_correlation(image, content)
            b = band_contrast(image) / ref_bands
            totals.setdefault(method, []).append((c, tx, e, *b))
            secs = f"{timings[method]:6.1f}" if method in timings else ""
            print(
                f"{label:<44} {method:<22} {c:8.3f} {tx:9.3f} {e:7.3f} "
                f"{b[0]:6.2f} {b[1]:5.2f} {b[2]:5.2f} {secs:>6}",
                flush=True,
            )
        results = [candidates[k] for k in ("before", "previous", "after") if k in candidates]
        crops.append([content, style_ref, *results])
    print("mean over pairs:")
    for method, vals in totals.items():
        c, tx, e, b1, b2, b4 = np.mean(vals, axis=0)
        print(f"{'':<44} {method:<22} {c:8.3f} {tx:9.3f} {e:7.3f} {b1:6.2f} {b2:5.2f} {b4:5.2f}")
    return crops


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--quality", default="balanced")
    parser.add_argument("--sheet", help="write a content | style | result sheet (PNG) here")
    parser.add_argument("--crops", help="write a sheet of 1:1 crops (photo | painting | results) here")
    parser.add_argument("--no-before", action="store_true", help="skip the first version's smoothing")
    parser.add_argument("--no-previous", action="store_true", help="skip the second version's statistics")
    parser.add_argument(
        "--pairs", default="", help="only these shelf pairs (1-based indices, e.g. 1,3; 0: none)"
    )
    parser.add_argument(
        "--held-out",
        nargs="*",
        default=[],
        metavar="PHOTO:PAINTING",
        help="pairs of image files not on the shelf, measured in a second table (the settings were not "
        "tuned on them)",
    )
    args = parser.parse_args()
    import torch

    torch.set_num_threads(max(1, (os.cpu_count() or 2) - 1))
    backbones = ["efficientnet-lite0"] + (["vgg19"] if backbone_available("vgg19") else [])
    if len(backbones) == 1:
        print("(no VGG19 ImageNet weights on this machine: the classic backbone is not measured)")
    print(f"size={args.size} quality={args.quality} torch_threads={torch.get_num_threads()}")
    chosen = [int(i) for i in args.pairs.split(",") if i]
    shelf = [PAIRS[i - 1] for i in chosen if i > 0] if chosen else PAIRS
    crops = []
    if shelf:
        crops = measure([(EXAMPLES / c, STYLES / s) for c, s in shelf], args, backbones, "shelf pairs")
    held = []
    for spec in args.held_out:
        photo, sep, painting = spec.partition(":")
        if not sep:
            parser.error(f"--held-out takes PHOTO:PAINTING, got {spec!r}")
        held.append((Path(photo), Path(painting)))
    if held:
        crops += measure(held, args, backbones, "held-out pairs")
    if args.sheet:
        write_sheet([(row[0], row[1], row[-1]) for row in crops], Path(args.sheet))
        print(f"sheet: {args.sheet}")
    if args.crops:
        write_crops(crops, Path(args.crops))
        print(f"1:1 crops: {args.crops}")


def write_crops(rows: list[list[np.ndarray]], path: Path, side: int = 200) -> None:
    """Per row, the same ``side`` x ``side`` window (at 1:1, never resampled) of each image: the busiest
    window of the photo for the photo and results, the painting's busiest for the painting."""

    def busiest(a: np.ndarray) -> tuple[int, int]:
        lum = _luma(a)
        energy = np.abs(laplace(lum))
        best, at = -1.0, (0, 0)
        for y in range(0, max(1, a.shape[0] - side + 1), side // 4):
            for x in range(0, max(1, a.shape[1] - side + 1), side // 4):
                v = float(energy[y : y + side, x : x + side].mean())
                if v > best:
                    best, at = v, (y, x)
        return at

    def crop(a: np.ndarray, at: tuple[int, int]) -> np.ndarray:
        a = a if a.ndim == 3 else np.repeat(a[..., None], 3, 2)
        y, x = at
        c = a[y : y + side, x : x + side, :3]
        return np.pad(c, ((0, side - c.shape[0]), (0, side - c.shape[1]), (0, 0)), constant_values=255)

    strips = []
    for images in rows:
        photo_at, painting_at = busiest(images[0]), busiest(images[1])
        tiles = [crop(a, painting_at if i == 1 else photo_at) for i, a in enumerate(images)]
        gap = np.full((side, 6, 3), 255, np.uint8)
        strips.append(np.concatenate([t for tile in tiles for t in (tile, gap)][:-1], 1))
    width = max(s.shape[1] for s in strips)
    padded = [np.pad(s, ((0, 6), (0, width - s.shape[1]), (0, 0)), constant_values=255) for s in strips]
    Image.fromarray(np.concatenate(padded, 0)).save(path, optimize=True)


def write_sheet(rows: list[tuple[np.ndarray, np.ndarray, np.ndarray]], path: Path, height: int = 220) -> None:
    """Content | style | result per row, each scaled to ``height``, on white."""
    strips = []
    for triple in rows:
        tiles = []
        for a in triple:
            im = Image.fromarray(a if a.ndim == 3 else np.repeat(a[..., None], 3, 2)).convert("RGB")
            tiles.append(
                np.asarray(
                    im.resize(
                        (max(1, round(im.width * height / im.height)), height), Image.Resampling.LANCZOS
                    )
                )
            )
            tiles.append(np.full((height, 6, 3), 255, np.uint8))
        strips.append(np.concatenate(tiles[:-1], 1))
    width = max(s.shape[1] for s in strips)
    padded = [np.pad(s, ((0, 6), (0, width - s.shape[1]), (0, 0)), constant_values=255) for s in strips]
    Image.fromarray(np.concatenate(padded, 0)).save(path, optimize=True)


if __name__ == "__main__":
    main()
