"""The error of the palette file formats."""

from __future__ import annotations

from atelier_common.errors import UserError


class PaletteFileError(UserError, ValueError):
    """A palette file could not be read or written; the message says why (and names the file)."""


#: The most colours an imported palette may hold (real palettes have tens to a few thousand); the readers
#: stop as soon as a file goes past it, before its colours fill the memory.
MAX_IMPORT_COLOURS = 4096


def check_colour_count(count: int) -> None:
    """Raise :class:`PaletteFileError` when ``count`` colours are more than a palette may import."""
    if count > MAX_IMPORT_COLOURS:
        raise PaletteFileError(
            f"the palette has more than {MAX_IMPORT_COLOURS} colours; Atelier imports up to {MAX_IMPORT_COLOURS}"
        )
