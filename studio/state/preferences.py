"""User preferences: one typed, versioned JSON file in the platform config dir.

Window geometry, dock layout and recent files live in QSettings instead (Qt layer).
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from atelier_common.atomic import atomic_write_text

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


#: Limits on what a preferences file may hold; anything past them is dropped with a note.
MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 8  # sections → panel → value: real settings nest two or three levels
MAX_ITEMS = 1000  # per dict or list
MAX_TEXT = 4096  # characters in one string (paths included)


@dataclass
class Preferences:
    version: int = PREFERENCES_VERSION
    device: str = "auto"
    quality: str = "balanced"
    vgg19_weights: str = ""
    autosave_minutes: int = 2  # 0: only after each finished job
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)

    def validated(self, notes: list[str] | None = None) -> Preferences:
        """Repair every field in place (a bad one falls back to its default); ``notes`` collects why."""
        notes = notes if notes is not None else []
        if not (isinstance(self.device, str) and self.device in DEVICES):
            notes.append(f"device {_show(self.device)} is not one of {', '.join(DEVICES)}; using auto")
            self.device = "auto"
        if not (isinstance(self.quality, str) and self.quality in QUALITIES):
            notes.append(
                f"quality {_show(self.quality)} is not one of {', '.join(QUALITIES)}; using balanced"
            )
            self.quality = "balanced"
        if not (isinstance(self.vgg19_weights, str) and _clean_text(self.vgg19_weights)):
            notes.append("vgg19_weights is not a file path; cleared")
            self.vgg19_weights = ""
        minutes = self.autosave_minutes
        if isinstance(minutes, bool) or not isinstance(minutes, int | float) or not math.isfinite(minutes):
            notes.append(f"autosave_minutes {_show(minutes)} is not a number; using 2")
            self.autosave_minutes = 2
        self.autosave_minutes = int(min(60, max(0, self.autosave_minutes)))
        if not isinstance(self.sections, dict):
            notes.append("sections is not an object; panel settings start from their defaults")
            self.sections = {}
        sections: dict[str, dict[str, Any]] = {}
        for key, value in list(self.sections.items())[:MAX_ITEMS]:
            if not isinstance(value, dict):
                notes.append(f"settings of {_show(key)} are not an object; dropped")
                continue
            sections[str(key)] = _clean_dict(value, f"sections.{key}", 2, notes)
        self.sections = sections
        self.version = PREFERENCES_VERSION
        return self


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, dict | list) else type(value).__name__
    return text if len(text) <= 40 else text[:37] + "…"


def _clean_text(text: str) -> bool:
    return len(text) <= MAX_TEXT and "\x00" not in text


_DROP = object()


def _clean(value: Any, where: str, depth: int, notes: list[str]) -> Any:
    """A JSON value within the limits, or ``_DROP`` (with a note) when it is not."""
    if value is None or isinstance(value, bool | int):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
            notes.append(f"{where} is too large a number; dropped")
            return _DROP
        return value
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        notes.append(f"{where} is not a finite number; dropped")
        return _DROP
    if isinstance(value, str):
        if _clean_text(value):
            return value
        notes.append(f"{where} is too long a text; dropped")
        return _DROP
    if depth >= MAX_DEPTH and isinstance(value, dict | list | tuple):
        notes.append(f"{where} is nested too deeply; dropped")
        return _DROP
    if isinstance(value, dict):
        return _clean_dict(value, where, depth + 1, notes)
    if isinstance(value, list | tuple):
        if len(value) > MAX_ITEMS:
            notes.append(f"{where} has more than {MAX_ITEMS} items; dropped")
            return _DROP
        items = [_clean(v, f"{where}[{i}]", depth + 1, notes) for i, v in enumerate(value)]
        return [v for v in items if v is not _DROP]
    notes.append(f"{where} has an unknown type; dropped")
    return _DROP


def _clean_dict(value: dict[Any, Any], where: str, depth: int, notes: list[str]) -> dict[str, Any]:
    if len(value) > MAX_ITEMS:
        notes.append(f"{where} has more than {MAX_ITEMS} entries; dropped")
        return {}
    out = {}
    for key, item in value.items():
        cleaned = _clean(item, f"{where}.{key}", depth, notes)
        if cleaned is not _DROP:
            out[str(key)] = cleaned
    return out


def preferences_path() -> Path:
    return config_dir() / "preferences.json"


def load_preferences(path: Path | None = None) -> tuple[Preferences, str | None]:
    """Read preferences field by field: a bad field falls back to its default and the rest is kept; a
    file that cannot be read at all gives defaults and is first kept as ``preferences.json.bad-<time>``.
    The message (or None) says what was repaired. Never raises for anything inside the file."""
    path = path or preferences_path()
    try:
        if not path.exists():
            return Preferences(), None
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ValueError(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
        raw = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError, RecursionError, MemoryError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else _one_line(exc)
        kept = _keep_bad_copy(path)
        where = f"; the old file is kept as {kept.name}" if kept else ""
        return Preferences(), f"Preferences file {path} could not be read ({reason}); using defaults{where}."
    notes: list[str] = []
    known = {
        k: raw[k] for k in ("device", "quality", "vgg19_weights", "autosave_minutes", "sections") if k in raw
    }
    # Version 1 is the first; later versions migrate here, field by field.
    prefs = Preferences(**known).validated(notes)
    if not notes:
        return prefs, None
    more = f" (and {len(notes) - 3} more)" if len(notes) > 3 else ""
    return prefs, f"Preferences {path.name}: " + "; ".join(notes[:3]) + more + "."


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:160]


def _keep_bad_copy(path: Path) -> Path | None:
    """Rename an unreadable preferences file out of the way (``preferences.json.bad-<time>``) so that the
    next save cannot replace it. Returns the new name, or None when it could not be kept."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.bad-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.bad-{stamp}-{n}")
    try:
        os.replace(path, target)
    except OSError:
        return None
    return target


def save_preferences(prefs: Preferences, path: Path | None = None) -> None:
    path = path or preferences_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    # A repaired copy is written: the panels hold their own section dicts, which must stay the live ones.
    clean = replace(prefs).validated()
    atomic_write_text(path, json.dumps(asdict(clean), indent=2, sort_keys=True))
