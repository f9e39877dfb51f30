"""`atelier gan sample|interpolate|train`: sample the bundled or a trained GAN, or train one on a folder."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from studio.commands._common import CliError, ProgressBar

HELP = "sample, interpolate or train a GAN of painted textures"

IMAGE_SUFFIXES = (".png",)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="gan_command", metavar="ACTION", required=True)

    p = sub.add_parser("sample", help="generate samples from seeds: a grid PNG or one PNG per sample")
    _model_args(p)
    p.add_argument("--count", type=int, default=16, help="how many samples (default 16)")
    p.add_argument("--seed", type=int, default=7, help="first seed; samples use seed, seed+1, … (default 7)")
    p.add_argument("--truncation", type=float, default=0.7, help="0–1, lower is tamer (default 0.7)")
    p.add_argument("--size", type=int, default=None, help="upsample each sample to SIZE px (default: native)")
    p.add_argument(
        "-o", "--output", required=True, help="GRID.png, or a folder for one PNG + JSON per sample"
    )

    p = sub.add_parser("interpolate", help="an animation between seeds (GIF) or its frames (PNG folder)")
    _model_args(p)
    p.add_argument("--seeds", required=True, help="two or more seeds, e.g. 3,9")
    p.add_argument("--frames", type=int, default=24, help="frames per pair of seeds (default 24)")
    p.add_argument("--truncation", type=float, default=0.7, help="0–1 (default 0.7)")
    p.add_argument("--frame-ms", type=int, default=80, help="GIF frame duration in ms (default 80)")
    p.add_argument("-o", "--output", required=True, help="ANIM.gif, STRIP.png, or a folder for PNG frames")

    p = sub.add_parser("train", help="train a GAN on a folder of images")
    p.add_argument("folder", help="folder of training images (searched recursively)")
    p.add_argument(
        "-o", "--output", required=True, help="MODEL.safetensors (a MODEL.json sidecar is written too)"
    )
    p.add_argument("--size", type=int, choices=(64, 128, 256), default=None, help="resolution (default 64)")
    p.add_argument("--steps", type=int, default=2000, help="training steps in this run (default 2000)")
    p.add_argument("--resume", default=None, help="continue training this checkpoint")
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    p.add_argument("--batch", type=int, default=8, help="batch size (default 8)")
    p.add_argument(
        "--crop",
        default="0.5,1.0",
        help="random square crops, side as MIN,MAX fraction of each image's short side (default 0.5,1.0)",
    )
    p.add_argument("--seed", type=int, default=0, help="random seed of the run (default 0)")
    p.add_argument(
        "--ema", type=float, default=0.995, help="EMA decay of the sampling generator (default 0.995)"
    )
    p.add_argument(
        "--augment",
        default="color,translation,cutout",
        help="DiffAugment policies, comma-separated from color, translation, cutout (default: all three)",
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
    from models.gan import CheckpointError, GanModel
    from models.gan.paths import BUNDLED_MODEL

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


def _sample(args: argparse.Namespace) -> int:
    if args.count < 1 or args.count > 1024:
        raise CliError("--count must be between 1 and 1024")
    if args.size is not None and not 16 <= args.size <= 4096:
        raise CliError("--size must be between 16 and 4096")
    _check_truncation(args.truncation)
    model = _load_model(args)
    from models.gan import make_grid
    from models.gan.export import model_summary, upsample
    from studio.io.gan_files import check_sample_target, save_sample, write_sample_sidecar
    from studio.io.guard import OutputRefused, check_output_dir
    from studio.io.images import ImageSaveError, save_image

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
    samples = model.sample(seeds, args.truncation)
    try:
        if out.suffix.lower() in IMAGE_SUFFIXES:
            pixels = [upsample(s.pixels, args.size) if args.size else s.pixels for s in samples]
            import numpy as np

            grid = make_grid(np.stack(pixels))
            meta = {
                "tool": "atelier gan sample",
                "seeds": seeds,
                "truncation": args.truncation,
                "model": model_summary(model),
                "layout": "rows of ceil(sqrt(count)), left to right",
            }
            save_image(out, grid, provenance=meta)
            write_sample_sidecar(out, meta)
            print(f"wrote {out} ({len(samples)} samples, seeds {seeds[0]}–{seeds[-1]})")
        else:
            if out.suffix:
                raise CliError(f"{out}: -o must be a .png grid or a folder")
            out.mkdir(parents=True, exist_ok=True)
            for s in samples:
                save_sample(out / f"seed_{s.recipe['seed']}.png", s, model, args.size)
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
    _check_truncation(args.truncation)
    model = _load_model(args)
    import numpy as np

    from models.gan import make_grid
    from models.gan.export import model_summary
    from studio.io.gan_files import save_frames, save_gif
    from studio.io.guard import OutputRefused, check_output, check_output_dir, is_ours_image
    from studio.io.images import ImageSaveError, save_image

    out = Path(args.output)
    inputs = (model.path, model.path.with_suffix(".json")) if model.path else ()
    try:
        if out.suffix:
            check_output(out, inputs=inputs, replaceable=is_ours_image, what="image")
        else:
            check_output_dir(out)
    except OutputRefused as exc:
        raise CliError(str(exc)) from None

    samples = model.sample(seeds, args.truncation)
    parts = [model.interpolate(a, b, args.frames) for a, b in zip(samples, samples[1:], strict=False)]
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
    if args.steps < 1:
        raise CliError("--steps must be at least 1")
    if args.batch < 1:
        raise CliError("--batch must be at least 1")
    crop = _parse_crop(args.crop)
    if not 0.0 <= args.ema < 1.0:
        raise CliError("--ema must be in [0, 1)")
    unknown = {a.strip() for a in args.augment.split(",") if a.strip()} - {"color", "translation", "cutout"}
    if unknown:
        raise CliError(
            f"--augment: unknown {', '.join(sorted(unknown))}; choose from color, translation, cutout"
        )
    folder = Path(args.folder)
    if not folder.is_dir():
        raise CliError(f"{folder}: not a folder")

    from models.gan import CheckpointError, GanTrainError, TrainConfig, default_arch, load_checkpoint, train
    from models.gan.checkpoint import check_checkpoint_target
    from models.gan.training import TrainProgress
    from models.progress import drive
    from studio.io.images import read_pixels

    try:  # before minutes of training, not at the first checkpoint
        check_checkpoint_target(out)
    except CheckpointError as exc:
        raise CliError(str(exc)) from None

    if args.resume:
        try:
            ckpt_res = load_checkpoint(args.resume, training=True).arch.resolution
        except CheckpointError as exc:
            raise CliError(str(exc)) from None
        if args.size is not None and args.size != ckpt_res:
            raise CliError(f"--size {args.size} differs from the resumed model's {ckpt_res} px")
    arch = default_arch(args.size or 64)
    config = TrainConfig(
        arch=arch,
        steps=args.steps,
        batch_size=args.batch,
        crop_scale=crop,
        seed=args.seed,
        augment=args.augment,
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
    bar = ProgressBar("train ")
    preview_path = Path(args.preview) if args.preview else None

    def on_progress(report) -> None:  # type: ignore[no-untyped-def]
        if isinstance(report, TrainProgress) and report.preview is not None and preview_path is not None:
            from studio.io.images import save_image

            save_image(
                preview_path,
                report.preview,
                provenance={"tool": "atelier gan train", "step": report.total_steps},
            )
        bar(report)

    previous = _stop_on_sigterm()
    try:
        result = drive(
            train(
                folder,
                out,
                config,
                resume=args.resume,
                extra_info={"cli_args": cli_args},
                read_image=read_pixels,
            ),
            on_progress,
        )
    except KeyboardInterrupt:
        bar.close()
        print(f"stopped; the checkpoint so far is in {out}", file=sys.stderr)
        return 130
    except (GanTrainError, CheckpointError) as exc:
        bar.close()
        raise CliError(str(exc)) from None
    except ValueError as exc:
        bar.close()
        raise CliError(str(exc)) from None
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    bar.close()
    skipped = f"; skipped {len(result.skipped)} file(s)" if result.skipped else ""
    print(f"trained on {result.images} images for {args.steps} steps (model at step {result.steps}){skipped}")
    for path, reason in result.skipped[:20]:
        print(f"  skipped {path}: {reason}")
    print(f"wrote {out} and {out.with_suffix('.json')}")
    return 0


def _stop_on_sigterm():  # type: ignore[no-untyped-def]
    """Make SIGTERM (``kill``) stop training like Ctrl-C does, so the checkpoint so far is saved."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def _raise(signum, frame):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, _raise)
