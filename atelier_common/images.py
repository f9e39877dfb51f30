"""The one list of image file extensions Atelier reads (the loader in ``studio.io`` decodes them)."""

from __future__ import annotations

import os
from pathlib import Path

#: File name extensions (lower case, with the dot) that Atelier offers to open.
IMAGE_EXTENSIONS: frozenset[str] = frozenset(
    {".png", ".jpg", ".jpeg", ".jpe", ".jfif", ".webp", ".tif", ".tiff", ".bmp", ".gif"}
)

#: The file-dialog filter for them.
IMAGE_FILTER = "Images (" + " ".join(f"*{ext}" for ext in sorted(IMAGE_EXTENSIONS)) + ")"


def is_image_path(path: str | os.PathLike[str]) -> bool:
    """True when ``path`` has an extension Atelier opens (case-insensitive; the file is not read)."""
    return Path(path).suffix.lower() in IMAGE_EXTENSIONS
