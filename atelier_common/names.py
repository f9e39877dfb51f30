"""File-name stems made from any text (a folder name, a palette name, a sample label)."""

from __future__ import annotations

import re

_UNSAFE = re.compile(r"[^\w-]+")


def safe_stem(text: str, fallback: str = "untitled", max_length: int = 80) -> str:
    """Letters, digits, ``_`` and ``-`` only: each run of anything else becomes one ``_``; no leading or
    trailing ``_``; at most ``max_length`` characters; ``fallback`` when nothing is left."""
    stem = _UNSAFE.sub("_", text).strip("_")[:max_length].rstrip("_")
    return stem or fallback
