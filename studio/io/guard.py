"""Where a writer may write (see :mod:`atelier_common.outputs`), plus the ownership checks that read
images, palettes and layered files: an existing file is replaced only when Atelier wrote it."""

from __future__ import annotations

from pathlib import Path

from atelier_common import outputs as _outputs
from atelier_common.outputs import *  # noqa: F403 - this module extends it
from atelier_common.outputs import read_small_json

__all__ = [*_outputs.__all__, "is_layered_image", "is_ours_image", "is_palette_file"]


def is_ours_image(path: Path) -> bool:
    """An image (any format we save) that carries the mark Atelier writes."""
    from studio.io._encode import written_by_atelier

    return path.is_file() and written_by_atelier(path)


def is_layered_image(path: Path) -> bool:
    """An OpenRaster or Photoshop file (a layered output a later export may replace)."""
    with open(path, "rb") as fh:
        head = fh.read(64)
    if path.suffix.lower() == ".psd":
        return head.startswith(b"8BPS")
    return head.startswith(b"PK") and b"mimetypeimage/openraster" in head


def is_palette_file(path: Path) -> bool:
    """A palette Atelier could have written for this extension: a palette file, our JSON, our PNG strip,
    our CSS."""
    suffix = path.suffix.lower()
    if suffix == ".png":
        return is_ours_image(path)
    if suffix == ".json":
        doc = read_small_json(path)
        return isinstance(doc, dict) and doc.get("format") == "atelier-palette"
    if suffix == ".css":
        head = path.read_bytes()[:4096].decode("utf-8", "replace")
        return "exported by Atelier" in head
    from studio.io.palette_files import PaletteFileError, import_palette

    try:
        import_palette(path)
    except PaletteFileError:
        return False
    return True
