"""`atelier palette`: the colours of an image with their shares, the closest harmony, harmonies from a
base colour, and export to palette files. Imports neither Qt nor torch."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from studio.commands._common import CliError

HELP = "extract a colour palette from an image, suggest harmonies, export .gpl/.ase/.kpl/.css/.json/.png"

EPILOG = """\
With --json, prints one object:
  {"colors": [{"hex": "#rrggbb", "share": 0.23, "lab": [L, a, b]}, ...],
   "closest_harmony": "analogous", "harmony": [{"hex": "#rrggbb", "lab": [L, a, b]}, ...]}
("harmony" only with --harmony). Harmonies: complementary, analogous, triadic, split-complementary,
square, rectangle (alias tetradic), monochromatic. Without --base the harmony starts from the first
palette colour.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("image", help="the image to take colours from")
    # values are checked in run() so that every bad input gets the same one-line error and exit code 2
    parser.add_argument("--colors", "--colours", dest="colors", default="8", metavar="N|auto",
                        help="number of colours, 1..16, or auto (default 8)")  # fmt: skip
    parser.add_argument("--mood", metavar="MOOD", help="colorful, bright, muted, deep or dark")
    parser.add_argument("--region", metavar="X,Y,W,H", help="take colours from this rectangle (pixels)")
    parser.add_argument("--sort", default="share", metavar="KEY", help="share (default), hue or lightness")
    parser.add_argument("--harmony", metavar="KIND", help="also print this harmony (see below)")
    parser.add_argument("--base", metavar="#RRGGBB", help="base colour of the harmony")
    parser.add_argument(
        "--wheel", default="ryb", metavar="WHEEL", help="harmony wheel: ryb (default) or oklch"
    )
    parser.add_argument("--export", metavar="FILE", help="write the palette (.gpl .ase .kpl .css .json .png)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")


def _colors(text: str) -> int | None:
    from models.palette import MAX_COLORS

    if text.strip().lower() == "auto":
        return None
    try:
        n = int(text)
    except ValueError:
        raise CliError(f"--colors must be a number 1..{MAX_COLORS} or auto, not {text!r}") from None
    if not 1 <= n <= MAX_COLORS:
        raise CliError(f"--colors must be 1..{MAX_COLORS} or auto, not {n}")
    return n


def _region(text: str | None) -> tuple[int, int, int, int] | None:
    if text is None:
        return None
    try:
        x, y, w, h = (int(v) for v in text.replace(" ", "").split(","))
    except ValueError:
        raise CliError(f"--region must be X,Y,W,H in whole pixels, not {text!r}") from None
    if w <= 0 or h <= 0:
        raise CliError(f"--region {text}: width and height must be positive")
    return x, y, w, h


def _choice(name: str, value: str | None, allowed: tuple[str, ...]) -> str | None:
    if value is not None and value.lower() not in allowed:
        raise CliError(f"--{name} {value!r} is not one of: {', '.join(allowed)}")
    return value.lower() if value is not None else None


def _check_export(path: str | None, image: str) -> Path | None:
    from studio.io.guard import OutputRefused, check_output, is_palette_file
    from studio.io.palette_files import EXPORT_FORMATS

    if path is None:
        return None
    out = Path(path)
    if out.suffix.lower() not in EXPORT_FORMATS:
        raise CliError(f"--export {path}: use one of {', '.join(EXPORT_FORMATS)}")
    try:
        return check_output(out, inputs=(image,), replaceable=is_palette_file, what="palette")
    except OutputRefused as exc:
        raise CliError(f"--export {exc}") from None


def _load(path: str) -> Any:
    from studio.io.images import ImageLoadError, load_image

    if not Path(path).exists():
        raise CliError(f"{path}: no such file")
    try:
        return load_image(path)
    except ImageLoadError as exc:
        raise CliError(str(exc)) from None


def run(args: argparse.Namespace) -> int:
    from models.palette import (
        MOODS,
        SORTS,
        WHEELS,
        PaletteConfig,
        PaletteError,
        extract_palette,
        harmony,
        hex_to_rgb,
        normalize_harmony,
        rgb_to_lab,
    )

    colors = _colors(args.colors)
    mood = _choice("mood", args.mood, MOODS)
    sort = _choice("sort", args.sort, SORTS) or "share"
    wheel = _choice("wheel", args.wheel, WHEELS) or "ryb"
    region = _region(args.region)
    kind = None
    if args.harmony is not None:
        try:
            kind = normalize_harmony(args.harmony)
        except ValueError as exc:
            raise CliError(str(exc)) from None
    elif args.base is not None:
        raise CliError("--base needs --harmony KIND")
    base = None
    if args.base is not None:
        try:
            base = hex_to_rgb(args.base)
        except ValueError as exc:
            raise CliError(f"--base: {exc}") from None
    export = _check_export(args.export, args.image)

    loaded = _load(args.image)
    try:
        result = extract_palette(
            loaded.pixels, PaletteConfig(colors=colors, mood=mood, region=region, sort=sort)
        )
    except PaletteError as exc:
        raise CliError(f"{Path(args.image).name}: {exc}") from None

    doc: dict[str, Any] = {
        "colors": [
            {"hex": c.hex, "share": round(c.share, 4), "lab": [round(v, 2) for v in c.lab]}
            for c in result.colors
        ],
        "closest_harmony": result.closest_harmony,
    }
    if kind is not None:
        import numpy as np

        start = base if base is not None else result.colors[0].rgb
        doc["harmony"] = [
            {
                "hex": "#{:02x}{:02x}{:02x}".format(*rgb),
                "lab": [round(float(v), 2) for v in rgb_to_lab(np.array(rgb, np.uint8))],
            }
            for rgb in harmony(start, kind, wheel)
        ]
    if export is not None:
        _export(export, Path(args.image).stem, result.colors)

    if args.json:
        print(json.dumps(doc))
    else:
        for c in doc["colors"]:
            L, a, b = c["lab"]
            print(f"{c['hex']}  {100 * c['share']:5.1f} %   L {L:6.2f}  a {a:7.2f}  b {b:7.2f}")
        print(f"closest harmony: {result.closest_harmony}")
        if "harmony" in doc:
            print(f"{kind} ({wheel}): " + " ".join(h["hex"] for h in doc["harmony"]))
        if export is not None:
            print(f"wrote {export}")
    return 0


def _export(path: Path, name: str, colors: Any) -> None:
    from studio.io.palette_files import PaletteDocument, PaletteFileError, Swatch, export_palette

    palette = PaletteDocument(name, tuple(Swatch(c.rgb, "", c.share) for c in colors))
    try:
        export_palette(path, palette)
    except PaletteFileError as exc:
        raise CliError(str(exc)) from None
