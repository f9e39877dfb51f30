"""The palette being edited (Qt-free) and the saved-palette shelf on disk.

The Palette panel's QUndoCommands call these methods; ``changed`` (a :class:`studio.state.events.Event`)
tells the panel to redraw. Saved palettes are JSON files (``studio.io.palette_files``) in one folder.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from atelier_common.names import safe_stem
from studio.io.palette_files import PaletteDocument, PaletteFileError, Swatch, export_palette, import_palette
from studio.state.events import Event


class PaletteState:
    """An ordered list of swatches with a name; every mutation emits ``changed()``."""

    def __init__(self, name: str = "Untitled palette", swatches: Sequence[Swatch] = ()) -> None:
        self.name = name
        self._swatches: list[Swatch] = list(swatches)
        self.changed = Event()

    # -- reading ----------------------------------------------------------------------------------
    @property
    def swatches(self) -> tuple[Swatch, ...]:
        return tuple(self._swatches)

    def __len__(self) -> int:
        return len(self._swatches)

    def to_document(self) -> PaletteDocument:
        return PaletteDocument(self.name, tuple(self._swatches))

    # -- edits (each is undone by another call; see studio.panels.palette.commands) ---------------
    def set_swatches(
        self, swatches: Sequence[Swatch], name: str | None = None
    ) -> tuple[tuple[Swatch, ...], str]:
        """Replace all swatches (and optionally the name); returns the previous ones for undo."""
        previous = (tuple(self._swatches), self.name)
        self._swatches = list(swatches)
        if name is not None:
            self.name = name
        self.changed.emit()
        return previous

    def insert(self, swatch: Swatch, index: int | None = None) -> int:
        """Insert a swatch (at the end by default); returns its index."""
        index = len(self._swatches) if index is None else max(0, min(index, len(self._swatches)))
        self._swatches.insert(index, swatch)
        self.changed.emit()
        return index

    def remove(self, index: int) -> Swatch:
        swatch = self._swatches.pop(index)
        self.changed.emit()
        return swatch

    def contains_rgb(self, rgb: tuple[int, int, int]) -> bool:
        return any(s.rgb == rgb for s in self._swatches)


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
