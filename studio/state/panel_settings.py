"""Settings a panel declares: each with a name, a default (whose type is the setting's type), an optional
check, and a version for the whole set. Qt-free; the context saves them (debounced) with the preferences.

A panel's values live in ``Preferences.sections[name]``. Reading them back repairs what it must: a missing
field takes its default, a field of the wrong type or out of range takes its default with a note saying
so, the other fields are kept, and unknown keys are dropped, so nothing bad is ever written back.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

VERSION_KEY = "version"


@dataclass(frozen=True)
class Setting:
    """One field. ``check(value)`` may add a rule to the type check (a range, a list of choices)."""

    name: str
    default: Any
    check: Callable[[Any], bool] | None = None

    def accepts(self, value: Any) -> bool:
        kind = type(self.default)
        if kind is bool:
            ok = isinstance(value, bool)
        elif kind is int:
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif kind is float:
            ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        elif kind is list:
            item = type(self.default[0]) if self.default else str
            ok = isinstance(value, list) and all(isinstance(v, item) for v in value)
        else:
            ok = isinstance(value, kind)
        return ok and (self.check is None or bool(self.check(value)))

    def normal(self, value: Any) -> Any:
        """An accepted value in the setting's own type (an int given for a float becomes a float)."""
        return float(value) if isinstance(self.default, float) else value


def one_of(options: Iterable[Any]) -> Callable[[Any], bool]:
    allowed = tuple(options)
    return lambda value: value in allowed


def between(lo: float, hi: float) -> Callable[[Any], bool]:
    return lambda value: lo <= value <= hi


@dataclass(frozen=True)
class SettingsSpec:
    """The settings of one panel, stored under ``section``. ``migrate(old_version, values)`` maps values
    saved by an older version to this one (fields it leaves bad fall back to their defaults)."""

    section: str
    version: int
    fields: tuple[Setting, ...]
    migrate: Callable[[int, dict[str, Any]], dict[str, Any]] | None = field(default=None, compare=False)

    def setting(self, name: str) -> Setting:
        for setting in self.fields:
            if setting.name == name:
                return setting
        raise KeyError(f"{self.section} has no setting {name!r}")

    def defaults(self) -> dict[str, Any]:
        return {s.name: _copy(s.default) for s in self.fields}

    def read(self, raw: Any) -> tuple[dict[str, Any], list[str]]:
        """Clean values from whatever was saved, and one note per field that fell back to its default."""
        if not isinstance(raw, Mapping):
            notes = [] if raw is None else [f"{self.section} settings were not a table; using defaults"]
            return self.defaults(), notes
        values = dict(raw)
        saved_version = values.pop(VERSION_KEY, self.version)
        if self.migrate is not None and isinstance(saved_version, int) and saved_version < self.version:
            values = self.migrate(saved_version, values)
        clean, notes = {}, []
        for setting in self.fields:
            if setting.name not in values:
                clean[setting.name] = _copy(setting.default)
            elif setting.accepts(values[setting.name]):
                clean[setting.name] = setting.normal(values[setting.name])
            else:
                clean[setting.name] = _copy(setting.default)
                notes.append(
                    f"{self.section}.{setting.name} was {values[setting.name]!r}; "
                    f"using the default {setting.default!r}"
                )
        return clean, notes


class PanelSettings:
    """A panel's live settings: read them as ``settings["name"]``, change them with ``update(name=value)``.

    The values are the section's dict inside the preferences, so saving the preferences saves them;
    ``on_changed()`` is called after each real change (the context saves a moment later).
    """

    def __init__(
        self, spec: SettingsSpec, sections: dict[str, dict[str, Any]], on_changed: Callable[[], None]
    ) -> None:
        self.spec = spec
        values, self.notes = spec.read(sections.get(spec.section))
        values[VERSION_KEY] = spec.version
        sections[spec.section] = values
        self._values = values
        self._on_changed = on_changed

    def __getitem__(self, name: str) -> Any:
        self.spec.setting(name)
        return self._values[name]

    def update(self, **changes: Any) -> bool:
        """Set fields; a value of the wrong type is a programming error (ValueError). True if any changed."""
        changed = False
        for name, value in changes.items():
            setting = self.spec.setting(name)
            if not setting.accepts(value):
                raise ValueError(f"{self.spec.section}.{name} cannot be {value!r}")
            value = setting.normal(value)
            if self._values[name] != value:
                self._values[name] = _copy(value)
                changed = True
        if changed:
            self._on_changed()
        return changed

    def as_dict(self) -> dict[str, Any]:
        return {s.name: _copy(self._values[s.name]) for s in self.spec.fields}


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list) else dict(value) if isinstance(value, dict) else value
