"""`atelier compose`: composition analysis as JSON or text, and guides drawn onto a copy of the image."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from studio.commands._common import CliError

HELP = "analyse a picture's composition (subject, balance, horizon, crops) or draw a guide on it"

#: Analysis of huge files runs on a downsample of this long side; results are in full-size pixels.
ANALYSIS_LOAD_SIDE = 2048
#: Widest guide line in pixels.
MAX_WIDTH = 1000.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("image", nargs="?", help="the picture to analyse or draw on")
    parser.add_argument("--json", action="store_true", help="print the analysis as one JSON object")
    parser.add_argument("--list-guides", action="store_true", help="list the guide names, one per line")
    parser.add_argument("--guide", metavar="NAME", help="guide to draw with -o (see --list-guides)")
    parser.add_argument("--flip", choices=["h", "v", "hv", "vh"], help="mirror the guide")
    parser.add_argument(
        "--aspect", metavar="W:H", help="crop-frame ratio (e.g. 4:5, 16:9, √2:1); also added to the crops"
    )
    parser.add_argument("--grid", metavar="COLSxROWS", default="4x4", help="grid guide cells (default 4x4)")
    parser.add_argument("--colour", "--color", dest="colour", default="#ffffff", help="guide colour #rrggbb")
    parser.add_argument("--opacity", type=float, default=0.85, help="guide opacity 0..1 (default 0.85)")
    parser.add_argument(
        "--width", type=float, default=0.0, help="line width in pixels (default: by image size)"
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="write the image with the guide drawn on it (OUT.ora or OUT.psd: the guide on a layer of its own)",
    )


def _grid(text: str) -> tuple[int, int]:
    try:
        cols, rows = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise CliError(f"--grid {text!r} is not COLSxROWS (e.g. 4x3)") from None
    if not (1 <= cols <= 24 and 1 <= rows <= 24):
        raise CliError("--grid counts must be between 1 and 24")
    return cols, rows


def _load(path: str, max_side: int | None = None) -> Any:
    from studio.io.images import ImageLoadError, load_image

    if not Path(path).exists():
        raise CliError(f"{path}: no such file")
    try:
        return load_image(path, max_side=max_side)
    except ImageLoadError as exc:
        raise CliError(str(exc)) from None


def _aspect(text: str | None) -> float | None:
    from models.composition import parse_aspect

    if text is None:
        return None
    try:
        return parse_aspect(text)
    except ValueError as exc:
        raise CliError(str(exc)) from None


def run(args: argparse.Namespace) -> int:
    from models.composition import GUIDES

    if args.list_guides:
        print("\n".join(GUIDES))
        return 0
    if not args.image:
        raise CliError("give an IMAGE (or --list-guides)")
    if args.guide and args.guide not in GUIDES:
        raise CliError(f"unknown guide {args.guide!r}; known: {', '.join(GUIDES)}")
    if args.guide and not args.output:
        raise CliError("--guide draws onto a copy: add -o OUT.png")
    if not 0.0 <= args.opacity <= 1.0:
        raise CliError("--opacity must be between 0 and 1")
    if not 0.0 <= args.width <= MAX_WIDTH:  # also refuses nan; inf and 1e9 would hang the drawing
        raise CliError(f"--width must be between 0 and {MAX_WIDTH:.0f} pixels (0: by image size)")
    frame_aspect = _aspect(args.aspect)
    grid = _grid(args.grid)
    if args.output:
        _check_output(args.output, args.image)
        _draw(args, frame_aspect, grid)
    if args.json or not args.output:
        _analyse(args)
    return 0


def _check_output(output: str, image: str) -> None:
    from studio.io.guard import OutputRefused, check_output, is_layered_image, is_ours_image, same_file
    from studio.io.images import SAVE_EXTENSIONS
    from studio.io.psd import LAYERED_EXTENSIONS

    suffix = Path(output).suffix.lower()
    if suffix not in SAVE_EXTENSIONS and suffix not in LAYERED_EXTENSIONS:
        known = sorted({*SAVE_EXTENSIONS, *LAYERED_EXTENSIONS})
        raise CliError(f"-o {output}: use one of {', '.join(known)}")
    if same_file(output, image):
        raise CliError(f"{output}: is the input image; originals are never overwritten")
    ours = is_layered_image if suffix in LAYERED_EXTENSIONS else is_ours_image
    try:
        check_output(output, replaceable=ours, what="image")
    except OutputRefused as exc:
        raise CliError(str(exc)) from None


def _analyse(args: argparse.Namespace) -> None:
    from models.composition.analysis import DEFAULT_ASPECTS, AnalysisConfig, analyse
    from models.progress import drive

    loaded = _load(args.image, ANALYSIS_LOAD_SIDE)
    aspects = DEFAULT_ASPECTS
    if args.aspect and args.aspect not in aspects:
        aspects = (*aspects, args.aspect)
    result = drive(analyse(loaded.pixels, AnalysisConfig(aspects=aspects), full_size=loaded.size))
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
        return
    w, h = result.size
    print(f"{Path(args.image).name}: {w}×{h}")
    if result.subject is not None:
        (cx, cy), (bx, by, bw, bh) = result.subject.center, result.subject.box
        what = "face     " if result.subject.kind == "face" else "subject  "
        print(f"  {what} centre ({cx:.0f}, {cy:.0f}), box {bw:.0f}×{bh:.0f} at ({bx:.0f}, {by:.0f})")
    else:
        print("  subject   none")
    b = result.balance
    print(f"  balance   left {b.left:.0%} / right {b.right:.0%}, top {b.top:.0%} / bottom {b.bottom:.0%}")
    if result.horizon is not None:
        print(f"  horizon   {result.horizon.angle_deg:+.1f}° (positive rises to the right)")
    for name, (x, y, cw, ch) in result.crops.items():
        print(f"  crop {name:<5} {cw}×{ch} at ({x}, {y})")
    for line in result.suggestions:
        print(f"  - {line}")


def _draw(args: argparse.Namespace, frame_aspect: float | None, grid: tuple[int, int]) -> None:
    import numpy as np

    from models.composition import GuideParams, guide_primitives
    from models.composition.draw import draw_guides
    from studio.io.images import ImageSaveError, save_image

    loaded = _load(args.image)
    h, w = loaded.pixels.shape[:2]
    flip = args.flip or ""
    params = GuideParams(
        aspect=w / h,
        flip_h="h" in flip,
        flip_v="v" in flip,
        grid_cols=grid[0],
        grid_rows=grid[1],
        frame_aspect=frame_aspect or 4 / 5,
    )
    guide = args.guide or "thirds"
    width = args.width if args.width > 0 else max(1.0, round(min(w, h) / 500))
    layered = Path(args.output).suffix.lower() in (".ora", ".psd")
    # Layered: the guide is drawn on a transparent layer of its own, over the untouched picture.
    canvas = np.zeros((h, w, 4), np.uint8) if layered else loaded.pixels
    try:
        pixels = draw_guides(canvas, guide_primitives(guide, params), args.colour, args.opacity, width)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    provenance = {
        "tool": "atelier compose",
        "guide": guide,
        "flip": flip or None,
        "aspect": args.aspect,
        "source": Path(args.image).name,
    }
    try:
        if layered:
            out = _save_guide_layer(args.output, loaded, pixels, provenance)
        else:
            out = save_image(args.output, pixels, provenance=provenance, protect=(loaded.path,))
    except ImageSaveError as exc:
        raise CliError(str(exc)) from None
    print(f"wrote {out}", file=sys.stderr)


def _save_guide_layer(output: str, loaded: Any, guide_pixels: Any, provenance: dict) -> Path:
    from studio.io.ora import ProjectError
    from studio.io.psd import save_layered
    from studio.state.document import Document, Layer

    doc = Document(loaded.pixels, name=loaded.path.name)
    doc.insert_layer(Layer(f"Guide: {provenance['guide']}", guide_pixels, provenance=provenance))
    try:
        return save_layered(output, doc, protect=(loaded.path,))
    except ProjectError as exc:
        raise CliError(str(exc)) from None
