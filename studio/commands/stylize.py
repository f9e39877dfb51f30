"""`atelier stylize`: paint a photo (or a folder of photos) after one or more paintings, headless.

Imports neither Qt nor, until ``run`` needs it, torch.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import Any

from studio.commands._common import CliError, ProgressBar

HELP = "stylize a photo (or every image in a folder) after one or more paintings"

EPILOG = """\
CONTENT may be a folder: every image in it is stylized into the folder OUT (created if needed) as
NAME-stylized.png. Otherwise OUT is the output file (.png keeps the settings as provenance); OUT.ora
(an Atelier/Krita/GIMP project) or OUT.psd keeps the photo and the result as two layers, the result on top.
Several styles are blended; --style-weights gives their shares, e.g. 2,1.
--mask MASK.png says where the style goes (white: stylize, black: keep the photo, greys mix);
--region-styles A.jpg,B.jpg with a mask paints A where it is white and B where it is black (no STYLE then).
--size goes up to 6000 px (A3 at 300 dpi is 4961 px) or 'original'; above 2048 px the finest scales run
on tiles. The memory and time are estimated first, and a size this machine cannot hold is refused.
A folder skips photos whose result is already there, so a rerun resumes. Headless, torch uses every core.
Under torchrun (--nproc_per_node N, multi-node options too) each process takes every N-th photo and
rank 0 prints the summary.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("content", help="the photo or sketch to stylize, or a folder of them")
    parser.add_argument("styles", nargs="*", metavar="STYLE", help="painting(s) whose style to take")
    parser.add_argument("-o", "--output", required=True, metavar="OUT", help="output image (or folder)")
    # values are checked in run() so every bad value gets the same one-line error and exit code 2
    parser.add_argument("--size", default="512", metavar="PX",
                        help="long side of the result, 16..6000 or 'original' (512)")  # fmt: skip
    parser.add_argument("--mask", metavar="MASK", help="where to stylize: white yes, black no, greys mix")
    parser.add_argument(
        "--region-styles", metavar="A,B", help="painting A where the mask is white, B where black"
    )
    parser.add_argument(
        "--quality", default="balanced", metavar="Q", help="draft, balanced (default) or fine"
    )
    parser.add_argument("--strength", default="1.0", metavar="0..1", help="how much style (default 1)")
    parser.add_argument("--balance", default="0.5", metavar="0..1",
                        help="content/style balance: 0 keeps the layout, 1 favours the style (0.5)")  # fmt: skip
    parser.add_argument("--style-weights", metavar="W,W", help="share of each style, e.g. 1,1")
    parser.add_argument("--preserve-colors", "--preserve-colours", dest="preserve_colors", action="store_true",
                        help="keep the photo's colours")  # fmt: skip
    parser.add_argument("--style-scale", default="1.0", metavar="S", help="brush-stroke size, 0.25..4 (1)")
    parser.add_argument("--backbone", default="efficientnet-lite0", metavar="NET",
                        help="efficientnet-lite0 (default) or vgg19 (needs torchvision's weights file)")  # fmt: skip
    parser.add_argument("--vgg19-weights", default="", metavar="FILE", help="torchvision's vgg19-*.pth")
    parser.add_argument("--device", default="auto", metavar="DEV", help="auto (default), cpu or cuda")
    parser.add_argument("--seed", default="0", metavar="N", help="random seed (default 0)")


def _number(name: str, text: str, kind: type = float) -> Any:
    try:
        value = kind(text)
    except ValueError:
        raise CliError(f"--{name} must be a {'whole ' if kind is int else ''}number, not {text!r}") from None
    if kind is float and not math.isfinite(value):
        raise CliError(f"--{name} must be a finite number, not {text!r}")
    return value


def _weights(text: str | None, n_styles: int) -> tuple[float, ...]:
    if text is None:
        return ()
    parts = [p for p in text.replace(" ", "").split(",") if p]
    weights = tuple(_number("style-weights", p) for p in parts)
    if len(weights) != n_styles:
        raise CliError(f"--style-weights has {len(weights)} values for {n_styles} style image(s)")
    return weights


def _style_paths(args: argparse.Namespace) -> list[str]:
    if args.region_styles is None:
        if not args.styles:
            raise CliError("give at least one STYLE painting (or --region-styles A,B with --mask)")
        return list(args.styles)
    if args.styles:
        raise CliError("give either STYLE paintings or --region-styles A,B, not both")
    paths = [p.strip() for p in args.region_styles.split(",") if p.strip()]
    if len(paths) != 2:
        raise CliError(f"--region-styles takes two paintings, A,B; got {len(paths)}")
    if args.mask is None:
        raise CliError("--region-styles needs --mask (A goes where the mask is white, B where it is black)")
    return paths


def _config(args: argparse.Namespace, n_styles: int) -> Any:
    from models.style import StyleConfig
    from models.style.config import MAX_SIZE

    original = args.size.strip().lower() == "original"
    config = StyleConfig(
        size=MAX_SIZE if original else _number("size", args.size, int),
        region_styles=args.region_styles is not None,
        quality=args.quality.lower(),
        strength=_number("strength", args.strength),
        balance=_number("balance", args.balance),
        preserve_colors=args.preserve_colors,
        style_scale=_number("style-scale", args.style_scale),
        style_weights=_weights(args.style_weights, n_styles),
        backbone=args.backbone.lower(),
        vgg19_weights=args.vgg19_weights,
        device=args.device.lower(),
        seed=_number("seed", args.seed, int),
    )
    try:
        config.validate(n_styles)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    return config


def _jobs(content: Path, output: Path) -> list[tuple[Path, Path]]:
    from atelier_common.images import is_image_path
    from studio.io.guard import OutputRefused, check_folder, check_output_dir
    from studio.io.images import SAVE_EXTENSIONS
    from studio.io.psd import LAYERED_EXTENSIONS

    if content.is_dir():
        if output.exists() and not output.is_dir():
            raise CliError(f"{output} is a file; with a folder of photos, OUT must be a folder")
        try:
            check_output_dir(output)
        except OutputRefused as exc:
            raise CliError(str(exc)) from None
        photos = sorted(p for p in content.iterdir() if p.is_file() and is_image_path(p))
        if not photos:
            raise CliError(f"no images in the folder {content}")
        return [(p, output / f"{p.stem}-stylized.png") for p in photos]
    if not content.exists():
        raise CliError(f"{content}: no such file or folder")
    known = sorted({*SAVE_EXTENSIONS, *LAYERED_EXTENSIONS})
    if output.suffix.lower() not in known:
        raise CliError(f"cannot save as {output.name!r}; use one of {', '.join(known)}")
    if output.is_dir():
        raise CliError(f"{output} is a folder; give a file name like {output / 'result.png'}")
    try:  # a missing folder, a path under a file or a read-only place fails now, not after the job
        check_folder(output)
    except OutputRefused as exc:
        raise CliError(str(exc)) from None
    return [(content, output)]


def _check_destination(dst: Path, inputs: list[Path]) -> None:
    from studio.io.guard import OutputRefused, check_output, is_layered_image, is_ours_image, same_file
    from studio.io.psd import LAYERED_EXTENSIONS

    if any(same_file(dst, p) for p in inputs):
        raise CliError(f"{dst} is one of the input images; originals are never overwritten")
    if not dst.parent.exists():
        return  # folder mode: the output folder is made (and was checked) before the first save
    layered = dst.suffix.lower() in LAYERED_EXTENSIONS
    try:
        check_output(dst, replaceable=is_layered_image if layered else is_ours_image, what="image")
    except OutputRefused as exc:
        raise CliError(str(exc)) from None


def _load(path: str | Path, what: str, max_side: int | None = None) -> Any:
    from studio.io.images import ImageLoadError, load_image

    try:
        return load_image(path, max_side=max_side)
    except ImageLoadError as exc:
        raise CliError(f"{what}: {exc}" if what else str(exc)) from None


def run(args: argparse.Namespace) -> int:
    import dataclasses

    from models.progress import drive
    from models.style import stylize
    from models.style.budget import estimate
    from studio.commands._workers import Workers
    from studio.io.guard import is_ours_image
    from studio.io.images import ImageLoadError, ImageSaveError, load_image, save_image
    from studio.io.psd import LAYERED_EXTENSIONS

    style_paths = _style_paths(args)
    config = _config(args, len(style_paths))
    original = args.size.strip().lower() == "original"
    content, output = Path(args.content), Path(args.output)
    workers = Workers.from_env()
    jobs = _jobs(content, output)
    styles = [_load(name, "", 2048) for name in style_paths]
    mask = _load(args.mask, "the mask").pixels if args.mask else None
    protect = [p for p, _ in jobs] + [s.path for s in styles]
    done = [(src, dst) for src, dst in jobs if content.is_dir() and dst.is_file() and is_ours_image(dst)]
    jobs = [job for job in jobs if job not in done]
    mine = workers.share(jobs)
    for _, dst in mine:  # refuse before minutes of work, not after
        _check_destination(dst, protect)
    if content.is_dir():
        try:
            output.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CliError(f"{output}: cannot make the folder ({exc.strerror or exc})") from None
        if done and workers.rank == 0:
            print(
                f"atelier stylize: {len(done)} already done in {output} (delete them to redo)",
                file=sys.stderr,
            )
    workers.pick_gpu(config.device)
    counts = {"stylized": 0, "unreadable": 0, "already done": len(done) if workers.rank == 0 else 0}
    for index, (src, dst) in enumerate(mine, 1):
        try:
            photo = load_image(src, max_side=config.size)
        except ImageLoadError as exc:
            if len(jobs) == 1:
                raise CliError(str(exc)) from None
            print(f"atelier stylize: skipped: {exc}", file=sys.stderr)
            counts["unreadable"] += 1
            continue
        job_config = config
        if original:
            job_config = dataclasses.replace(config, size=min(config.size, max(photo.pixels.shape[:2])))
        if job_config.size > 2048:  # print sizes take minutes: say how long, and how much memory
            est = estimate(
                photo.pixels.shape[1], photo.pixels.shape[0], job_config, threads=workers.threads()
            )
            print(f"atelier stylize: {src.name} at {est.describe()} (estimate)", file=sys.stderr)
        label = f"[{index}/{len(mine)}] {src.name} " if len(mine) > 1 else f"{src.name} "
        bar = ProgressBar(label)
        try:
            engine = stylize(
                photo.pixels, [s.pixels for s in styles], job_config, mask=mask, threads=workers.threads()
            )
            result = drive(engine, bar)
        except ValueError as exc:  # bad settings for this machine (no CUDA, bad VGG19 file, memory...)
            raise CliError(str(exc)) from None
        finally:
            bar.close()
        for note in result.notes:
            print(f"atelier stylize: {src.name}: {note}", file=sys.stderr)
        provenance = {**result.provenance, "content": src.name, "styles": [s.path.name for s in styles]}
        try:
            if dst.suffix.lower() in LAYERED_EXTENSIONS:
                _save_layers(dst, src, photo.pixels, result.image, provenance, protect)
            else:
                save_image(dst, result.image, provenance=provenance, protect=protect)
        except ImageSaveError as exc:
            raise CliError(str(exc)) from None
        counts["stylized"] += 1
        print(f"{dst} ({result.image.shape[1]}×{result.image.shape[0]}, {result.seconds:.1f} s)")
    total = workers.gather(counts)
    if workers.distributed and workers.rank == 0:
        print(
            f"atelier stylize: {workers.world} processes: {total['stylized']} stylized, "
            f"{total['already done']} already done, {total['unreadable']} could not be read"
        )
    if total["unreadable"]:
        if workers.rank == 0:
            print(
                f"atelier stylize: {total['unreadable']} of {len(jobs)} images could not be read",
                file=sys.stderr,
            )
        return 2
    return 0


def _save_layers(dst: Path, src: Path, photo: Any, result: Any, provenance: dict, protect: list) -> None:
    """The photo with the result as a layer over it, full opacity, in an .ora or .psd."""
    import numpy as np
    from PIL import Image

    from studio.io.ora import ProjectError
    from studio.io.psd import save_layered
    from studio.state.document import Document, Layer

    if result.shape[:2] != photo.shape[:2]:
        mode = "RGBA" if result.shape[2] == 4 else "RGB"
        size = (photo.shape[1], photo.shape[0])
        result = np.asarray(Image.fromarray(result, mode).resize(size, Image.Resampling.LANCZOS))
    doc = Document(np.ascontiguousarray(photo), name=src.name)
    styles = ", ".join(Path(s).stem for s in provenance.get("styles", [])) or "style"
    doc.insert_layer(Layer(f"Stylized after {styles}", np.ascontiguousarray(result), provenance=provenance))
    try:
        save_layered(dst, doc, protect=protect)
    except ProjectError as exc:
        raise CliError(str(exc)) from None
