"""Layered export for Photoshop users (``.psd``, written with psd-tools); Photoshop, Affinity, Krita and
GIMP open it. Each layer keeps its name, opacity, visibility and position (trimmed to its visible pixels);
the file's composite is psd-tools' own. Provenance, palettes and guides are only in ``.ora`` projects.

Also :func:`save_layered`, which writes ``.ora`` or ``.psd`` by the extension (the command line).

Qt-free; psd-tools is imported when a PSD is written.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterable
from pathlib import Path
from typing import Any

import numpy as np

from models.progress import Progress, drive
from studio.io.ora import ProjectError, check_target, trimmed, write_atomically, write_ora
from studio.state.document import Document

LAYERED_EXTENSIONS = (".ora", ".psd")


def write_psd_steps(
    path: str | os.PathLike[str], document: Document, *, protect: Iterable[str | os.PathLike[str]] = ()
) -> Generator[Progress, None, Path]:
    """Write ``document`` as a layered PSD, atomically; a job-runner generator returning the path."""
    from PIL import Image
    from psd_tools import PSDImage
    from psd_tools.api.layers import PixelLayer

    target = Path(path)
    check_target(target, ".psd", protect)
    width, height = document.size
    total = len(document.layers) + 2
    # RGBA: layers keep their alpha as transparency (in an RGB document psd-tools turns it into a mask).
    psd = PSDImage.new("RGBA", (width, height))
    yield Progress(0, total, "Saving the original")
    base = document.image
    PixelLayer.frompil(Image.fromarray(base, "RGBA" if base.shape[2] == 4 else "RGB"), psd, "Original")
    for number, layer in enumerate(document.layers, 1):
        yield Progress(number, total, f"Saving layer “{layer.name}”")
        part, x, y = trimmed(layer.image)
        mode = "RGBA" if part.shape[2] == 4 else "RGB"
        pixel_layer = PixelLayer.frompil(  # appended to psd by psd-tools
            Image.fromarray(np.ascontiguousarray(part), mode), psd, layer.name, top=y, left=x
        )
        pixel_layer.opacity = round(layer.opacity * 255)
        pixel_layer.visible = layer.visible
    yield Progress(total - 1, total, f"Writing {target.name}")
    write_atomically(target, psd.save)
    yield Progress(total, total, f"Saved {target.name}")
    return target


def write_psd(
    path: str | os.PathLike[str], document: Document, *, protect: Iterable[str | os.PathLike[str]] = ()
) -> Path:
    return drive(write_psd_steps(path, document, protect=protect))


def save_layered(
    path: str | os.PathLike[str],
    document: Document,
    extras: dict[str, Any] | None = None,
    *,
    protect: Iterable[str | os.PathLike[str]] = (),
) -> Path:
    """Write ``.ora`` (with ``extras`` and provenance) or ``.psd`` by the extension."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix == ".psd":
        return write_psd(target, document, protect=protect)
    if suffix == ".ora":
        return write_ora(target, document, extras, protect=protect)
    raise ProjectError(target, "layered files are .ora or .psd")
