"""Qt-free models of the composition overlays: the guide, the saliency heat-map and the crop proposal.

Each model holds plain settings and emits ``changed(set_of_field_names)`` through a
:class:`studio.state.events.Event`; the Qt painters in ``studio/canvas`` listen and repaint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from models.composition import GUIDES, GuideParams, Primitive, guide_primitives, parse_aspect
from studio.state.events import Event

GUIDE_NAMES: tuple[str, ...] = tuple(GUIDES)
FRAME_ASPECTS: tuple[str, ...] = ("1:1", "4:5", "3:2", "16:9", "√2:1")
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass
class GuideSettings:
    """What the user chose; ``kind`` is a name from :data:`GUIDE_NAMES`, ``colour`` ``"#rrggbb"``."""

    kind: str = "thirds"
    colour: str = "#ffffff"
    opacity: float = 0.8
    line_width: float = 1.0
    flip_h: bool = False
    flip_v: bool = False
    grid_cols: int = 4
    grid_rows: int = 4
    grid_subdivisions: int = 1
    visible: bool = False
    aspect: str = "4:5"

    def validated(self) -> GuideSettings:
        """A copy with every field in range (unknown kinds and bad colours fall back to defaults)."""
        d = GuideSettings()
        return GuideSettings(
            kind=self.kind if self.kind in GUIDES else d.kind,
            colour=self.colour if isinstance(self.colour, str) and _HEX.match(self.colour) else d.colour,
            opacity=min(1.0, max(0.05, float(self.opacity))),
            line_width=min(8.0, max(0.5, float(self.line_width))),
            flip_h=bool(self.flip_h),
            flip_v=bool(self.flip_v),
            grid_cols=min(24, max(1, int(self.grid_cols))),
            grid_rows=min(24, max(1, int(self.grid_rows))),
            grid_subdivisions=min(8, max(1, int(self.grid_subdivisions))),
            visible=bool(self.visible),
            aspect=self.aspect if _valid_aspect(self.aspect) else d.aspect,
        )


def _valid_aspect(text: Any) -> bool:
    try:
        parse_aspect(str(text))
    except ValueError:
        return False
    return True


class GuideOverlay:
    """The guide overlay: settings plus the geometry for an image of a given size.

    ``changed`` is emitted with the set of field names that changed (never empty).
    """

    def __init__(self, settings: GuideSettings | None = None) -> None:
        self._s = (settings or GuideSettings()).validated()
        self.changed = Event()

    @property
    def settings(self) -> GuideSettings:
        return GuideSettings(**self.to_dict())

    def __getattr__(self, name: str) -> Any:
        # Read-only attribute access to each setting (overlay.kind, overlay.colour, ...).
        if name in GuideSettings.__dataclass_fields__:
            return getattr(self.__dict__["_s"], name)
        raise AttributeError(name)

    def update(self, **changes: Any) -> set[str]:
        """Change settings (validated); emits ``changed`` with the names that really changed."""
        unknown = set(changes) - set(GuideSettings.__dataclass_fields__)
        if unknown:
            raise TypeError(f"unknown guide settings: {sorted(unknown)}")
        new = GuideSettings(**{**self.to_dict(), **changes}).validated()
        diff = {f.name for f in fields(GuideSettings) if getattr(new, f.name) != getattr(self._s, f.name)}
        if diff:
            self._s = new
            self.changed.emit(diff)
        return diff

    def cycle_kind(self, step: int = 1) -> str:
        """Show the next guide (Lightroom's O); makes the overlay visible."""
        i = GUIDE_NAMES.index(self._s.kind) if self._s.kind in GUIDE_NAMES else -1
        kind = GUIDE_NAMES[(i + step) % len(GUIDE_NAMES)] if self._s.visible else self._s.kind
        self.update(kind=kind, visible=True)
        return kind

    def cycle_flip(self) -> tuple[bool, bool]:
        """Step through the four orientations none → h → hv → v → none (Lightroom's Shift+O)."""
        order = [(False, False), (True, False), (True, True), (False, True)]
        i = order.index((self._s.flip_h, self._s.flip_v))
        flip_h, flip_v = order[(i + 1) % 4]
        self.update(flip_h=flip_h, flip_v=flip_v, visible=True)
        return flip_h, flip_v

    def params(self, image_size: tuple[int, int]) -> GuideParams:
        w, h = image_size
        return GuideParams(
            aspect=max(w, 1) / max(h, 1),
            flip_h=self._s.flip_h,
            flip_v=self._s.flip_v,
            grid_cols=self._s.grid_cols,
            grid_rows=self._s.grid_rows,
            grid_subdivisions=self._s.grid_subdivisions,
            frame_aspect=parse_aspect(self._s.aspect),
        )

    def primitives(self, image_size: tuple[int, int]) -> list[Primitive]:
        """The current guide for an image of ``image_size`` (w, h), in normalised coordinates."""
        return guide_primitives(self._s.kind, self.params(image_size))

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self._s, f.name) for f in fields(GuideSettings)}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> GuideOverlay:
        """Build from saved preferences, ignoring unknown keys and repairing bad values."""
        known = {k: v for k, v in (data or {}).items() if k in GuideSettings.__dataclass_fields__}
        try:
            return cls(GuideSettings(**known))
        except (TypeError, ValueError):
            return cls()


class HeatmapOverlay:
    """The saliency heat-map: a 0..1 map (any resolution, stretched over the image), opacity, visibility."""

    def __init__(self) -> None:
        self.saliency: np.ndarray | None = None
        self.opacity = 0.5
        self.visible = False
        self.changed = Event()

    def set_map(self, saliency: np.ndarray | None) -> None:
        self.saliency = None if saliency is None else np.asarray(saliency, dtype=np.float32)
        self.changed.emit({"saliency"})

    def set_visible(self, visible: bool) -> None:
        if visible != self.visible:
            self.visible = visible
            self.changed.emit({"visible"})

    def set_opacity(self, opacity: float) -> None:
        self.opacity = min(1.0, max(0.0, float(opacity)))
        self.changed.emit({"opacity"})


class CropOverlay:
    """A proposed crop ``(x, y, w, h)`` in image pixels (``None`` when there is none) and its ratio name."""

    def __init__(self) -> None:
        self.rect: tuple[int, int, int, int] | None = None
        self.aspect = ""
        self.changed = Event()

    def propose(self, rect: tuple[int, int, int, int] | None, aspect: str = "") -> None:
        self.rect = None if rect is None else tuple(int(v) for v in rect)  # type: ignore[assignment]
        self.aspect = aspect
        self.changed.emit({"rect"})

    def dismiss(self) -> None:
        if self.rect is not None:
            self.propose(None)
