"""The style library: bundled paintings plus the user's own styles in ``data_dir/styles`` (Qt-free).

Thumbnails are decoded by :func:`thumbnail_steps`, an engine-style generator run in the job runner, so
the UI thread never decodes images.
"""

from __future__ import annotations

import shutil
from collections.abc import Generator, Iterable
from pathlib import Path

import numpy as np

from atelier_common.images import is_image_path
from atelier_common.names import safe_stem
from models.progress import Progress
from studio.io.images import load_image
from studio.resources import STYLES

THUMB_SIDE = 96


def bundled_styles() -> list[Path]:
    return sorted(p for p in STYLES.glob("*") if p.is_file() and is_image_path(p))


def user_styles(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        (p for p in folder.iterdir() if p.is_file() and is_image_path(p)), key=lambda p: p.name.lower()
    )


def import_style(source: str | Path, folder: Path) -> Path:
    """Copy ``source`` into the user's style folder (a unique name; the same file twice is not duplicated).

    Raises ``ImageLoadError`` (checked by loading) or ``OSError``; the copy is what the shelf keeps across
    restarts, so a style survives the original being moved.
    """
    source = Path(source)
    load_image(source, max_side=64)  # refuse what we cannot read, with the loader's message
    folder.mkdir(parents=True, exist_ok=True)
    data = source.read_bytes()
    for existing in user_styles(folder):
        if existing.stat().st_size == len(data) and existing.read_bytes() == data:
            return existing
    stem = safe_stem(source.stem, "style", 60)
    target = folder / f"{stem}{source.suffix.lower()}"
    n = 2
    while target.exists():
        target = folder / f"{stem}-{n}{source.suffix.lower()}"
        n += 1
    tmp = target.with_name(target.name + ".part")
    shutil.copyfile(source, tmp)
    tmp.replace(target)
    return target


def display_name(path: Path) -> str:
    return path.stem.replace("_", " ").replace("-", " ").strip().capitalize()


def thumbnail_steps(paths: Iterable[Path]) -> Generator[Progress, None, list[tuple[Path, np.ndarray | None]]]:
    """Decode small thumbnails (None for an unreadable file) as a job-runner generator."""
    paths = list(paths)
    out: list[tuple[Path, np.ndarray | None]] = []
    for i, path in enumerate(paths):
        yield Progress(i, len(paths), f"Thumbnail {path.name}")
        try:
            pixels: np.ndarray | None = load_image(path, max_side=THUMB_SIDE).pixels
        except Exception:  # noqa: BLE001 - a broken user file shows as a blank tile, not an error box
            pixels = None
        out.append((path, pixels))
    yield Progress(len(paths), len(paths), "Thumbnails ready")
    return out
