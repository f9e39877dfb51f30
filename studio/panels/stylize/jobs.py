"""Job generators of the Stylize panel (run in the job runner's threads; torch only inside the engine)."""

from __future__ import annotations

from collections.abc import Generator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from models.progress import Progress
from studio.io.images import ImageLoadError, load_image
from studio.panels.stylize.library import THUMB_SIDE, display_name, import_style

STYLE_MAX_SIDE = 1024  # the engine never looks at a painting larger than the output; this bounds memory


def stylize_steps(
    content: np.ndarray, style_paths: Sequence[str], config: Any, mask: np.ndarray | None = None
) -> Generator[Progress, None, Any]:
    """Load the paintings, then run :func:`models.style.stylize` (with ``mask``: where the style goes);
    the result's provenance names them."""
    from models.style import stylize

    styles = []
    for i, path in enumerate(style_paths):
        yield Progress(0, 1, f"Reading {Path(path).name} ({i + 1}/{len(style_paths)})")
        styles.append(load_image(path, max_side=STYLE_MAX_SIDE).pixels)
    yield Progress(0, 1, "Loading the network")
    result = yield from stylize(content, styles, config, mask=mask)
    result.provenance["styles"] = [Path(p).name for p in style_paths]
    return result


def import_steps(
    sources: Sequence[str], folder: Path
) -> Generator[Progress, None, tuple[list[tuple[Path, np.ndarray]], list[str]]]:
    """Copy dropped paintings into the user's style folder; returns (added with thumbnails, problems)."""
    added: list[tuple[Path, np.ndarray]] = []
    problems: list[str] = []
    for i, source in enumerate(sources):
        yield Progress(i, len(sources), f"Adding {Path(source).name}")
        try:
            target = import_style(source, folder)
            added.append((target, load_image(target, max_side=THUMB_SIDE).pixels))
        except (ImageLoadError, OSError) as exc:
            problems.append(str(exc))
    yield Progress(len(sources), len(sources), "Styles added")
    return added, problems


def result_name(style_paths: Sequence[str], stopped: bool = False) -> str:
    names = " + ".join(display_name(Path(p)) for p in style_paths)
    return f"Stylized: {names}" + (" (stopped)" if stopped else "")
