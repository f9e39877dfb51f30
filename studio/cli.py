"""Command line of Atelier. Qt-free: the GUI is imported only when no subcommand is given.

``python -m studio`` (or ``atelier``) with no arguments or with image paths opens the window;
``python -m studio SUBCOMMAND ...`` runs a headless command. Every subcommand lives in
``studio/commands/<name>.py`` and exposes ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``;
those modules import nothing heavy at module level, so ``--help`` and the palette command stay fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from studio.commands._common import CliError

COMMANDS: dict[str, str] = {
    "stylize": "studio.commands.stylize",
    "palette": "studio.commands.palette",
    "compose": "studio.commands.compose",
    "gan": "studio.commands.gan",
}


def _available_commands() -> dict[str, object]:
    modules = {}
    for name, module_name in COMMANDS.items():
        try:
            modules[name] = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
    return modules


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="atelier",
        description="Atelier, an offline creative assistant for painters. "
        "Run without a subcommand (optionally with image paths) to open the window.",
    )
    from studio import __version__

    parser.add_argument("--version", action="version", version=f"atelier {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("gui", help="open the window (the default), optionally with images").add_argument(
        "images", nargs="*", help="images to open; the first is shown, the rest go to Open Recent"
    )
    for name, module in _available_commands().items():
        p = sub.add_parser(name, help=module.HELP, description=module.HELP)  # type: ignore[attr-defined]
        module.add_arguments(p)  # type: ignore[attr-defined]
        p.set_defaults(_run=module.run)  # type: ignore[attr-defined]
    return parser


def _wants_cli(argv: Sequence[str]) -> bool:
    return bool(argv) and (argv[0] in COMMANDS or argv[0] in ("gui", "-h", "--help", "--version"))


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not _wants_cli(args_list):
        return _start_gui(args_list)
    # Before torch (and its OpenMP) loads: idle OpenMP threads sleep instead of spinning. On a busy or shared
    # machine a spinning thread takes the core its partner needs: sampling 16 GAN pictures at 512 px on two
    # cores at load ~6.6 took 1.50 s spinning and 0.93 s passive (median of 5). The user's setting wins.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    parser = build_parser()
    args = parser.parse_args(args_list)
    if args.command == "gui":
        return _start_gui(args.images)
    try:
        return int(args._run(args))
    except CliError as exc:
        print(f"atelier {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"atelier {args.command}: interrupted", file=sys.stderr)
        return 130


def _start_gui(paths: Sequence[str]) -> int:
    from studio.app import main as gui_main  # Qt is imported only here

    return gui_main(list(paths))
