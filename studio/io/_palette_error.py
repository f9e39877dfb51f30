"""The error of the palette file formats."""

from __future__ import annotations

from atelier_common.errors import UserError


class PaletteFileError(UserError, ValueError):
    """A palette file could not be read or written; the message says why (and names the file)."""
