"""`atelier gan sample|interpolate|train`: sample the bundled or a trained GAN, or train one on a folder."""

from __future__ import annotations

import argparse
import math
import signal
import sys
import threading
from pathlib import Path

from studio.commands._common import CliError, ProgressBar

HELP = "sample, interpolate or train a GAN of painted textures"

IMAGE_SUFFIXES = (".png",)


class _Defaults:  # TrainConfig's defaults without importing torch at start-up (kept equal by a test)
    steps = 3000
    batch_size = 8
    crop_scale = (0.16, 0.24)
    ema_decay = 0.995
    augment = "color,translation,cutout"
    resolution = 96


_D = _Defaults


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="gan_command", metavar="ACTION", required=True)

    p = sub.add_parser("sample", help="generate samples from seeds: a grid PNG or one PNG per sample")
    _model_args(p)
    p.add_argument("--count", type=int, default=16, help="how many samples (default 16)")
    p.add_argument("--seed", type=int, default=7, help="first seed; samples use seed, seed+1, … (default 7)")
    p.add_argument("--truncation", type=float, default=0.7, help="0–1, lower is tamer (default 0.7)")
    p.add_argument(
        "--size",
        default=None,
        help="sample side in px, or WIDTHxHEIGHT (default 512; 16–4096). The first engine's 64 px models "
        "are Lanczos-enlarged to it instead",
    )
    p.add_argument(
        "--tileable", action="store_true", help="seamlessly tileable samples (sides a multiple of 16 px)"
    )
    p.add_argument(
        "-o", "--output", required=True, help="GRID.png, or a folder for one PNG + JSON per sample"
    )

    p = sub.add_parser("interpolate", help="an animation between seeds (GIF) or its frames (PNG folder)")
    _model_args(p)
    p.add_argument("--seeds", required=True, help="two or more seeds, e.g. 3,9")
    p.add_argument("--frames", type=int, default=24, help="frames per pair of seeds (default 24)")
    p.add_argument("--truncation", type=float, default=0.7, help="0–1 (default 0.7)")
    p.add_argument("--frame-ms", type=int, default=80, help="GIF frame duration in ms (default 80)")
    p.add_argument("--size", default="256", help="frame side in px, or WIDTHxHEIGHT (default 256)")
    p.add_argument("-o", "--output", required=True, help="ANIM.gif, STRIP.png, or a folder for PNG frames")

    p = sub.add_parser(
        "train",
        help="train a GAN on a folder of images (several processes: torchrun --nproc_per_node N -m studio gan train …)",
    )
    p.add_argument("folder", help="folder of training images (searched recursively)")
    p.add_argument(
        "-o", "--output", required=True, help="MODEL.safetensors (a MODEL.json sidecar is written too)"
    )
    p.add_argument(
        "--size",
        type=int,
        choices=(32, 64, 96, 128),
        default=None,
        help="side of the training crops in px (default 96); samples can be any size",
    )
    p.add_argument("--steps", type=int, default=None, help=f"training steps in this run (default {_D.steps})")
    start = p.add_mutually_exclusive_group()
    start.add_argument("--resume", default=None, help="continue this checkpoint's run exactly")
    start.add_argument(
        "--init",
        default=None,
        help="start from this model's weights (fine-tune; 'bundled' for the bundled painting model)",
    )
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    p.add_argument(
        "--batch",
        type=int,
        default=_D.batch_size,
        help=f"global batch, split over torchrun's processes (default {_D.batch_size})",
    )
    p.add_argument(
        "--crop",
        default=",".join(str(v) for v in _D.crop_scale),
        help="random square crops, side as MIN,MAX fraction of each image's short side "
        f"(default {_D.crop_scale[0]},{_D.crop_scale[1]})",
    )
    p.add_argument(
        "--holdout",
        type=float,
        default=0.0,
        help="share of each image's width (its right strip) kept out of training for measuring (default 0)",
    )
    p.add_argument(
        "--eval-every",
        type=int,
        default=0,
        help="measure samples against real crops every N steps and keep the best as MODEL.best.safetensors",
    )
    p.add_argument("--r1", type=float, default=0.1, help="R1 penalty weight γ (default 0.1; 0: none)")
    p.add_argument(
        "--r1-every", type=int, default=16, help="steps between lazy R1 penalties (default 16; 0: none)"
    )
    p.add_argument("--seed", type=int, default=0, help="random seed of the run (default 0)")
    p.add_argument(
        "--ema",
        type=float,
        default=_D.ema_decay,
        help=f"EMA decay of the sampling generator (default {_D.ema_decay})",
    )
    p.add_argument(
        "--augment",
        default=_D.augment,
        help="augmentations applied with the adaptive probability, from color, translation, cutout "
        f"(default {_D.augment}; 'none' for none)",
    )
    p.add_argument(
        "--threads", type=int, default=None, help="CPU threads for torch (default: torch's choice)"
    )
    p.add_argument(
        "--checkpoint-every", type=float, default=180.0, help="seconds between checkpoints (default 180)"
    )
    p.add_argument(
        "--preview", default=None, help="write the latest 4×4 preview grid to this PNG as it trains"
    )
    p.add_argument("--min-images", type=int, default=5, help="refuse to train on fewer images (default 5)")


def _model_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--checkpoint", default=None, help="a .safetensors GAN (default: the bundled painting model)"
    )
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")


def run(args: argparse.Namespace) -> int:
    return {"sample": _sample, "interpolate": _interpolate, "train": _train}[args.gan_command](args)


def _load_model(args: argparse.Namespace):  # -> GanModel (torch imported lazily)
    from models.device import configure_threads
    from models.gan import CheckpointError, GanModel
    from models.gan.paths import BUNDLED_MODEL
    from studio.commands._workers import Workers

    # Headless sampling takes every core (the window keeps one for the UI; the shell needs none).
    configure_threads(Workers.from_env().threads())
    path = Path(args.checkpoint) if args.checkpoint else BUNDLED_MODEL
    if not args.checkpoint and not path.is_file():
        raise CliError(f"the bundled model is missing ({path}); pass --checkpoint")
    try:
        return GanModel.load(path, device=args.device)
    except CheckpointError as exc:
        raise CliError(str(exc)) from None
    except ValueError as exc:  # device
        raise CliError(str(exc)) from None


def _check_truncation(value: float) -> None:
    if not 0.0 <= value <= 2.0:
        raise CliError(f"--truncation must be between 0 and 2, not {value}")


def _check_sample_memory(args: argparse.Namespace, size: tuple[int, int] | None, resolution: int) -> None:
    """Before sampling: the samples (and a grid of them) must fit in memory and under the pixel limit."""
    from models.memory import MemoryLimitError, check_fits
    from studio.io.images import MAX_PIXELS

    w, h = size or (resolution, resolution)
    px = w * h
    label = f"{args.count} samples of {w}×{h} px"
    grid = Path(args.output).suffix.lower() in IMAGE_SUFFIXES
    # All samples are kept as pixels (twice when enlarged, and once more as the grid); the generator's
    # float activations for one batch (about 4 MP, or one sample when it is larger) come on top.
    kept = args.count * px * 3 * (3 if grid else 2)
    activations = max(px, min(args.count * px, 1 << 22)) * 256
    if grid and args.count * px > MAX_PIXELS:
        raise CliError(
            f"a grid of {label} would be {args.count * px / 1e6:.0f} MP, "
            f"over the {MAX_PIXELS / 1e6:.0f} MP limit; use fewer samples, a smaller --size, or a folder"
        )
    try:
        check_fits(kept + activations, label, "use fewer samples or a smaller --size")
    except MemoryLimitError as exc:
        raise CliError(str(exc)) from None
    if not grid:  # one PNG per sample: up to 3 bytes a pixel on disk
        import shutil

        from models.memory import format_bytes

        probe = Path(args.output).absolute()
        while not probe.exists() and probe != probe.parent:
            probe = probe.parent
        try:
            free = shutil.disk_usage(probe).free
        except OSError:
            return
        need = args.count * px * 3
        if need > free:
            raise CliError(
                f"{label} may need {format_bytes(need)} on disk and {probe} has "
                f"{format_bytes(free)} free; use fewer samples or a smaller --size"
            )


def _parse_size(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    try:
        parts = [int(v) for v in str(text).lower().replace("×", "x").split("x")]
    except ValueError:
        raise CliError(f"--size must be PX or WIDTHxHEIGHT, like 512 or 768x512 (got {text!r})") from None
    if len(parts) == 1:
        parts = parts * 2
    if len(parts) != 2 or not all(16 <= v <= 4096 for v in parts):
        raise CliError("--size must be between 16 and 4096 px a side")
    return parts[0], parts[1]


def _sample(args: argparse.Namespace) -> int:
    if args.count < 1 or args.count > 1024:
        raise CliError("--count must be between 1 and 1024")
    size = _parse_size(args.size)
    _check_truncation(args.truncation)
    if args.tileable and size is not None and (size[0] % 16 or size[1] % 16):
        raise CliError("--tileable needs sides that are multiples of 16 px")
    model = _load_model(args)
    _check_sample_memory(args, size, model.resolution)
    import numpy as np

    from models.gan import make_grid
    from models.gan.export import model_summary, upsample
    from studio.io.gan_files import check_sample_target, save_sample, write_sample_sidecar
    from studio.io.guard import OutputRefused, check_output_dir
    from studio.io.images import ImageSaveError, save_image

    if args.tileable and not model.spatial:
        raise CliError("--tileable needs a spatial model; this one paints fixed squares")
    seeds = list(range(args.seed, args.seed + args.count))
    out = Path(args.output)
    try:  # every destination is checked before the samples are made
        if out.suffix.lower() in IMAGE_SUFFIXES:
            check_sample_target(out, model, png_must_be_ours=True)
        elif not out.suffix:
            check_output_dir(out)
            for seed in seeds if out.is_dir() else ():
                check_sample_target(out / f"seed_{seed}.png", model, png_must_be_ours=True)
    except OutputRefused as exc:
        raise CliError(str(exc)) from None
    if model.spatial:
        samples = model.sample(seeds, args.truncation, size=size, tileable=args.tileable)
        enlarge = None
    else:  # the first engine paints its fixed square; enlarge it when a size is asked for
        samples = model.sample(seeds, args.truncation)
        enlarge = size
    try:
        if out.suffix.lower() in IMAGE_SUFFIXES:
            pixels = [upsample(s.pixels, enlarge) if enlarge else s.pixels for s in samples]
            grid = make_grid(np.stack(pixels))
            h, w = pixels[0].shape[:2]
            meta = {
                "tool": "atelier gan sample",
                "seeds": seeds,
                "truncation": args.truncation,
                "size": [w, h],
                "tileable": bool(args.tileable),
                "model": model_summary(model),
                "layout": "rows of ceil(sqrt(count)), left to right",
            }
            save_image(out, grid, provenance=meta)
            write_sample_sidecar(out, meta)
            print(f"wrote {out} ({len(samples)} samples of {w}×{h} px, seeds {seeds[0]}–{seeds[-1]})")
        else:
            if out.suffix:
                raise CliError(f"{out}: -o must be a .png grid or a folder")
            out.mkdir(parents=True, exist_ok=True)
            for s in samples:
                save_sample(out / f"seed_{s.recipe['seed']}.png", s, model, enlarge)
            print(f"wrote {len(samples)} samples with sidecars to {out}/")
    except (ImageSaveError, OutputRefused, OSError) as exc:
        raise CliError(f"cannot write {out}: {exc}") from None
    return 0


def _interpolate(args: argparse.Namespace) -> int:
    try:
        seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    except ValueError:
        raise CliError(f"--seeds must be comma-separated integers, like 3,9 (got {args.seeds!r})") from None
    if len(seeds) < 2:
        raise CliError("--seeds needs at least two seeds, like 3,9")
    if not 2 <= args.frames <= 1000:
        raise CliError("--frames must be between 2 and 1000")
    if not 10 <= args.frame_ms <= 10000:
        raise CliError("--frame-ms must be between 10 and 10000")
    if len(seeds) > 64:
        raise CliError("--seeds takes at most 64 seeds")
    _check_truncation(args.truncation)
    model = _load_model(args)
    import numpy as np

    from models.gan import make_grid
    from models.gan.export import model_summary
    from models.gan.info import sidecar_path
    from studio.io.gan_files import save_frames, save_gif
    from studio.io.guard import OutputRefused, check_output, check_output_dir, is_ours_image
    from studio.io.images import ImageSaveError, save_image

    out = Path(args.output)
    inputs = (model.path, sidecar_path(model.path)) if model.path else ()
    try:
        if out.suffix:
            check_output(out, inputs=inputs, replaceable=is_ours_image, what="image")
        else:
            check_output_dir(out)
    except OutputRefused as exc:
        raise CliError(str(exc)) from None

    samples = model.sample(seeds, args.truncation)
    size = _parse_size(args.size)
    parts = [
        model.interpolate(a, b, args.frames, size=size) for a, b in zip(samples, samples[1:], strict=False)
    ]
    frames = np.concatenate([parts[0]] + [p[1:] for p in parts[1:]])  # shared end frames once
    meta = {
        "tool": "atelier gan interpolate",
        "seeds": seeds,
        "frames_per_pair": args.frames,
        "truncation": args.truncation,
        "model": model_summary(model),
    }
    try:
        suffix = out.suffix.lower()
        if suffix == ".gif":
            save_gif(out, frames, args.frame_ms, bounce=True)
        elif suffix == ".png":
            save_image(out, make_grid(frames, cols=len(frames)), provenance=meta)
        elif not suffix:
            save_frames(out, frames, meta)
        else:
            raise CliError(f"{out}: -o must be a .gif, a .png strip or a folder for PNG frames")
    except (ImageSaveError, OSError) as exc:
        raise CliError(f"cannot write {out}: {exc}") from None
    print(f"wrote {out} ({len(frames)} frames, seeds {','.join(map(str, seeds))})")
    return 0


def _parse_crop(text: str) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in text.split(","))
    except ValueError:
        raise CliError(f"--crop must be MIN,MAX like 0.5,1.0 (got {text!r})") from None
    if not 0 < lo <= hi <= 1:
        raise CliError("--crop needs 0 < MIN ≤ MAX ≤ 1")
    return lo, hi


def _train(args: argparse.Namespace) -> int:
    out = Path(args.output)
    if out.suffix.lower() != ".safetensors":
        raise CliError(f"{out}: -o must end in .safetensors")
    steps = args.steps if args.steps is not None else _D.steps
    if steps < 1:
        raise CliError("--steps must be at least 1")
    if not 1 <= args.batch <= 256:
        raise CliError("--batch must be between 1 and 256")
    if args.threads is not None and not 1 <= args.threads <= 256:
        raise CliError("--threads must be between 1 and 256")
    if not math.isfinite(args.checkpoint_every) or not 0 < args.checkpoint_every <= 86400:
        raise CliError("--checkpoint-every must be a number of seconds, more than 0 and at most 86400")
    if args.min_images < 1:
        raise CliError("--min-images must be at least 1")
    crop = _parse_crop(args.crop)
    if not 0.0 <= args.ema < 1.0:
        raise CliError("--ema must be in [0, 1)")
    if not 0.0 <= args.holdout < 0.9:
        raise CliError("--holdout must be in [0, 0.9)")
    if args.eval_every < 0 or args.r1_every < 0 or args.r1 < 0:
        raise CliError("--eval-every and --r1-every must be 0 or more")
    augment = "" if args.augment.strip() == "none" else args.augment
    unknown = {a.strip() for a in augment.split(",") if a.strip()} - {"color", "translation", "cutout"}
    if unknown:
        raise CliError(
            f"--augment: unknown {', '.join(sorted(unknown))}; choose from color, translation, cutout, or none"
        )
    folder = Path(args.folder)
    if not folder.is_dir():
        raise CliError(f"{folder}: not a folder")

    from models.gan import CheckpointError, GanTrainError, TrainConfig, default_arch, load_checkpoint, train
    from models.gan.checkpoint import check_checkpoint_target
    from models.gan.distributed import from_environment
    from models.gan.paths import BUNDLED_MODEL
    from models.gan.training import TrainProgress
    from models.progress import drive
    from studio.io.images import read_pixels

    try:  # before minutes of training, not at the first checkpoint
        check_checkpoint_target(out)
    except CheckpointError as exc:
        raise CliError(str(exc)) from None

    init = str(BUNDLED_MODEL) if args.init == "bundled" else args.init
    source = args.resume or init
    if source:
        try:
            src_res = load_checkpoint(source, training=True).arch.resolution
        except CheckpointError as exc:
            raise CliError(str(exc)) from None
        if args.size is not None and args.size != src_res:
            raise CliError(f"--size {args.size} differs from that model's {src_res} px crops")
    world = from_environment()
    if args.batch % world.world_size:
        raise CliError(f"--batch {args.batch} must be a multiple of the {world.world_size} processes")
    config = TrainConfig(
        arch=default_arch(args.size or _D.resolution),
        steps=steps,
        batch_size=args.batch,
        crop_scale=crop,
        holdout=args.holdout,
        eval_every=args.eval_every,
        r1_every=args.r1_every,
        r1_gamma=args.r1,
        seed=args.seed,
        augment=augment,
        ema_decay=args.ema,
        device=args.device,
        checkpoint_every_s=args.checkpoint_every,
        min_images=args.min_images,
        threads=args.threads,
        preview_every_s=30.0,
    )
    cli_args = {
        k: v for k, v in vars(args).items() if not k.startswith("_") and k not in ("command", "gan_command")
    }
    main = world.is_main
    bar = ProgressBar("train ") if main else (lambda report: None)
    preview_path = Path(args.preview) if args.preview and main else None
    try:
        for where in (out.parent, preview_path.parent if preview_path else None):
            if where is not None:
                where.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CliError(f"cannot create the output folder: {exc}") from None

    def on_progress(report) -> None:  # type: ignore[no-untyped-def]
        if isinstance(report, TrainProgress) and report.preview is not None and preview_path is not None:
            from studio.io.images import save_image

            save_image(
                preview_path,
                report.preview,
                provenance={"tool": "atelier gan train", "step": report.total_steps},
            )
        bar(report)

    def close_bar() -> None:
        if main:
            bar.close()  # type: ignore[attr-defined]

    previous = _stop_on_sigterm()
    try:
        result = drive(
            train(
                folder,
                out,
                config,
                resume=args.resume,
                init=init,
                extra_info={"cli_args": cli_args},
                read_image=read_pixels,
            ),
            on_progress,
        )
    except KeyboardInterrupt:
        close_bar()
        print(f"stopped; the checkpoint so far is in {out}", file=sys.stderr)
        return 130
    except (GanTrainError, CheckpointError, ValueError) as exc:
        close_bar()
        raise CliError(str(exc)) from None
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        _leave_process_group()
    close_bar()
    if not main:
        return 0
    skipped = f"; skipped {len(result.skipped)} file(s)" if result.skipped else ""
    print(f"trained on {result.images} images for {steps} steps (model at step {result.steps}){skipped}")
    for path, reason in result.skipped[:20]:
        print(f"  skipped {path}: {reason}")
    print(
        f"images seen {result.images_seen} (data digest {result.data_digest}), {world.world_size} process(es)"
    )
    if result.best is not None:
        from models.gan.training import best_path

        print(f"best: step {result.best[0]} (patch SWD {result.best[1]:.4f}) in {best_path(out)}")
    print(f"wrote {out} and {out.with_suffix('.json')}")
    return 0


def _leave_process_group() -> None:
    import torch.distributed as td

    if td.is_available() and td.is_initialized():
        td.destroy_process_group()


def _stop_on_sigterm():  # type: ignore[no-untyped-def]
    """Make SIGTERM (``kill``) stop training like Ctrl-C does, so the checkpoint so far is saved."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def _raise(signum, frame):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, _raise)
