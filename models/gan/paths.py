"""Where GAN models live. Imports nothing heavy, so the panel and the CLI can use it at start-up."""

from __future__ import annotations

from pathlib import Path

RESOURCES = Path(__file__).resolve().parents[2] / "resources" / "gan"
BUNDLED_MODEL = RESOURCES / "paintings.safetensors"  # the spatial generator: any size, fine-tunable
LEGACY_MODEL = RESOURCES / "paintings64.safetensors"  # the first, 64 px model: kept for the bench and tests


def list_models(*folders: Path) -> list[Path]:
    """The bundled model (when present) then every ``*.safetensors`` in ``folders``, sorted by name."""
    found = [BUNDLED_MODEL] if BUNDLED_MODEL.is_file() else []
    for folder in folders:
        if folder.is_dir():
            found += sorted(p for p in folder.glob("*.safetensors") if p.is_file() and p != BUNDLED_MODEL)
    return found
