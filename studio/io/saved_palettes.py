"""The shelf of saved palettes: one ``<name>.json`` per palette in a folder of the user's data dir."""

from __future__ import annotations

from pathlib import Path

from atelier_common.names import safe_stem
from studio.io.palette_files import PaletteDocument, PaletteFileError, export_palette, import_palette


class SavedPalettes:
    """Palettes kept across restarts: one ``<name>.json`` per palette in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def _path(self, name: str) -> Path:
        return self.folder / f"{safe_stem(name, 'palette')}.json"

    def names(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        names = []
        for path in sorted(self.folder.glob("*.json")):
            try:
                names.append(import_palette(path).name or path.stem)
            except PaletteFileError:
                continue  # a damaged file is skipped, not fatal; it stays on disk for the user
        return names

    def save(self, palette: PaletteDocument) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        return export_palette(self._path(palette.name), palette)

    def load(self, name: str) -> PaletteDocument:
        for path in sorted(self.folder.glob("*.json")) if self.folder.is_dir() else []:
            try:
                doc = import_palette(path)
            except PaletteFileError:
                continue
            if (doc.name or path.stem) == name:
                return doc
        raise PaletteFileError(f"no saved palette named {name!r}")

    def delete(self, name: str) -> None:
        path = self._path(name)
        if path.exists():
            path.unlink()
