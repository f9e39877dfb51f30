"""QSettings for window geometry, dock layout and recent files (nothing else lives here)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

MAX_RECENT = 12


def app_settings() -> QSettings:
    """``ATELIER_SETTINGS_DIR`` redirects settings to an INI file (tests, portable use)."""
    override = os.environ.get("ATELIER_SETTINGS_DIR")
    if override:
        Path(override).mkdir(parents=True, exist_ok=True)
        return QSettings(str(Path(override) / "atelier.ini"), QSettings.Format.IniFormat)
    return QSettings("Atelier", "Atelier")


def recent_files(settings: QSettings) -> list[str]:
    value = settings.value("recent_files", [])
    if isinstance(value, str):
        value = [value]
    return [str(v) for v in (value or [])]


def add_recent(settings: QSettings, paths: list[str]) -> list[str]:
    """Put ``paths`` at the front (the first one first), without duplicates, capped."""
    current = recent_files(settings)
    fresh = [str(Path(p)) for p in paths]
    merged = fresh + [p for p in current if p not in fresh]
    merged = merged[:MAX_RECENT]
    settings.setValue("recent_files", merged)
    return merged
