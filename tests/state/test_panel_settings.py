"""Declared panel settings: defaults, types, checks, version; bad saved fields fall back, the rest stay."""

import pytest

from studio.state.panel_settings import PanelSettings, Setting, SettingsSpec, between, one_of

SPEC = SettingsSpec(
    "demo",
    2,
    (
        Setting("count", 8, between(2, 16)),
        Setting("ratio", 0.5, between(0.0, 1.0)),
        Setting("auto", False),
        Setting("mode", "a", one_of("ab")),
        Setting("paths", []),
    ),
)


def test_missing_section_gives_defaults_and_a_version():
    sections: dict = {}
    settings = PanelSettings(SPEC, sections, lambda: None)
    assert settings.as_dict() == {"count": 8, "ratio": 0.5, "auto": False, "mode": "a", "paths": []}
    assert sections["demo"]["version"] == 2 and settings.notes == []


def test_bad_fields_fall_back_with_a_note_and_the_good_ones_stay():
    raw = {"count": "lots", "ratio": 1, "auto": 1, "mode": "b", "paths": ["x", 3], "stale": 1, "version": 2}
    sections = {"demo": raw}
    settings = PanelSettings(SPEC, sections, lambda: None)
    assert settings.as_dict() == {"count": 8, "ratio": 1.0, "auto": False, "mode": "b", "paths": []}
    assert isinstance(settings["ratio"], float)
    assert sorted(n.split(" ")[0] for n in settings.notes) == ["demo.auto", "demo.count", "demo.paths"]
    assert "stale" not in sections["demo"] and sections["demo"]["count"] == 8  # nothing bad is kept
    for bad in (float("nan"), True, 17, 3.0):
        assert not SPEC.setting("count").accepts(bad)


def test_not_a_table_and_out_of_range_values():
    settings = PanelSettings(SPEC, {"demo": [1, 2]}, lambda: None)
    assert settings["count"] == 8 and settings.notes
    settings = PanelSettings(SPEC, {"demo": {"count": 40, "ratio": float("inf")}}, lambda: None)
    assert (settings["count"], settings["ratio"]) == (8, 0.5) and len(settings.notes) == 2


def test_update_saves_only_real_changes_and_refuses_wrong_types():
    calls = []
    settings = PanelSettings(SPEC, {}, lambda: calls.append(1))
    assert settings.update(count=9) and calls == [1]
    assert not settings.update(count=9) and calls == [1]
    with pytest.raises(ValueError):
        settings.update(count="9")
    with pytest.raises(KeyError):
        settings.update(nope=1)


def test_an_older_version_is_migrated():
    spec = SettingsSpec(
        "demo", 2, (Setting("count", 8),), migrate=lambda old, v: {"count": v.get("colours", 8)}
    )
    assert PanelSettings(spec, {"demo": {"version": 1, "colours": 5}}, lambda: None)["count"] == 5
