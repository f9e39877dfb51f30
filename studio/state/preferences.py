"""User preferences: one typed, versioned JSON file in the platform config dir.

Window geometry, dock layout and recent files live in QSettings instead (Qt layer).
"""

from __future__ import annotations

import json
import math
import os
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from studio.io.atomic import atomic_write_text

PREFERENCES_VERSION = 1
DEVICES = ("auto", "cpu", "cuda")
QUALITIES = ("draft", "balanced", "fine")
APP_DIR_NAME = "Atelier"


def config_dir() -> Path:
    """The platform config dir; ``ATELIER_CONFIG_DIR`` overrides it (tests, portable installs)."""
    override = os.environ.get("ATELIER_CONFIG_DIR")
    if override:
        return Path(override)
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming")) / APP_DIR_NAME
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP_DIR_NAME
    return Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config")) / APP_DIR_NAME.lower()


def data_dir() -> Path:
    """The platform data dir for user data (styles, palettes, models); ``ATELIER_DATA_DIR`` overrides it."""
    override = os.environ.get("ATELIER_DATA_DIR")
    if override:
        return Path(override)
    if sys.platform in ("win32", "darwin"):
        return config_dir()
    return Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / APP_DIR_NAME.lower()


@dataclass
class Preferences:
    version: int = PREFERENCES_VERSION
    device: str = "auto"
    quality: str = "balanced"
    vgg19_weights: str = ""
    autosave_minutes: int = 2  # 0: only after each finished job
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)

    def validated(self) -> Preferences:
        if self.device not in DEVICES:
            self.device = "auto"
        if self.quality not in QUALITIES:
            self.quality = "balanced"
        if not isinstance(self.vgg19_weights, str):
            self.vgg19_weights = ""
        minutes = self.autosave_minutes
        if isinstance(minutes, bool) or not isinstance(minutes, int | float) or not math.isfinite(minutes):
            self.autosave_minutes = 2
        self.autosave_minutes = int(min(60, max(0, self.autosave_minutes)))
        if not isinstance(self.sections, dict):
            self.sections = {}
        self.sections = {str(k): v for k, v in self.sections.items() if isinstance(v, dict)}
        self.version = PREFERENCES_VERSION
        return self


def preferences_path() -> Path:
    return config_dir() / "preferences.json"


def load_preferences(path: Path | None = None) -> tuple[Preferences, str | None]:
    """Read preferences; a missing, corrupt or foreign file gives defaults and a message saying why."""
    path = path or preferences_path()
    if not path.exists():
        return Preferences(), None
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError) as exc:
        return Preferences(), f"Preferences file {path} could not be read ({exc}); using defaults."
    known = {
        k: raw[k] for k in ("device", "quality", "vgg19_weights", "autosave_minutes", "sections") if k in raw
    }
    # Version 1 is the first; later versions migrate here, field by field.
    return Preferences(**known).validated(), None


def save_preferences(prefs: Preferences, path: Path | None = None) -> None:
    path = path or preferences_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, json.dumps(asdict(prefs.validated()), indent=2, sort_keys=True))
