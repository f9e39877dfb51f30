"""Paths of the files Atelier ships in ``resources/`` (Qt-free)."""

from __future__ import annotations

from pathlib import Path

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
EXAMPLES = RESOURCES / "examples"
STYLES = RESOURCES / "styles"
GAN = RESOURCES / "gan"


def example(name: str) -> Path:
    """A bundled example photo (astronaut.png, chelsea.png, coffee.png, rocket.png, camera_gray.png, logo_rgba.png)."""
    return EXAMPLES / name
