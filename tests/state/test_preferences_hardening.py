"""No value in preferences.json can break start-up (issue 14, case 7): field-by-field repair with a note,
an unreadable file kept as preferences.json.bad-<time> before anything is written."""

from __future__ import annotations

import json

import pytest

from studio.state import preferences as prefs_mod
from studio.state.preferences import Preferences, load_preferences, save_preferences


def test_case7_deep_nesting_gives_defaults_and_keeps_the_file(tmp_path):
    path = tmp_path / "preferences.json"
    text = '{"device": "cpu", "sections": ' + "[" * 100_000 + "]" * 100_000 + "}"
    path.write_text(text)
    prefs, problem = load_preferences(path)
    assert prefs == Preferences()
    assert problem and "nested too deeply" in problem and "\n" not in problem
    bad = list(tmp_path.glob("preferences.json.bad-*"))
    assert len(bad) == 1 and bad[0].read_text() == text
    save_preferences(prefs, path)  # the next save cannot touch the kept copy
    assert bad[0].read_text() == text


def test_case7_deep_nesting_inside_a_section_is_cut_not_crashing(tmp_path):
    path = tmp_path / "preferences.json"
    nested: object = 1
    for _ in range(500):  # json.loads copes with this depth, asdict and dumps must too
        nested = {"a": nested}
    path.write_text(json.dumps({"quality": "fine", "sections": {"palette": {"deep": nested, "colors": 5}}}))
    prefs, problem = load_preferences(path)
    assert prefs.quality == "fine" and prefs.sections["palette"]["colors"] == 5
    assert "nested too deeply" in problem
    assert json.dumps(prefs.sections).count("{") <= prefs_mod.MAX_DEPTH
    save_preferences(prefs, path)
    assert load_preferences(path)[0].quality == "fine"


def test_case7_corrupt_file_is_kept_before_defaults_are_written(tmp_path):
    path = tmp_path / "preferences.json"
    path.write_bytes(b'{"device": "cpu", \xff oops')
    prefs, problem = load_preferences(path)
    assert prefs == Preferences() and "bad-" in problem
    save_preferences(prefs, path)
    (bad,) = tmp_path.glob("preferences.json.bad-*")
    assert bad.read_bytes() == b'{"device": "cpu", \xff oops'


def test_case7_a_bad_field_falls_back_and_the_rest_is_kept(tmp_path):
    path = tmp_path / "preferences.json"
    path.write_text(
        json.dumps(
            {
                "device": ["cuda"],
                "quality": "fine",
                "vgg19_weights": 12,
                "sections": {"palette": {"colors": 5, "x": float("nan")}, "gan": "many"},
            }
        ).replace("NaN", "Infinity")
    )
    prefs, problem = load_preferences(path)
    assert prefs.device == "auto" and prefs.quality == "fine" and prefs.vgg19_weights == ""
    assert prefs.sections == {"palette": {"colors": 5}}
    assert "device" in problem and "vgg19_weights" in problem
    assert not list(tmp_path.glob("*.bad-*"))  # a readable file is repaired, not set aside


@pytest.mark.gui
def test_case7_a_wrong_typed_panel_setting_neither_loses_the_panel_nor_is_written_back(qtbot):
    from studio.main_window import MainWindow

    path = prefs_mod.preferences_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"quality": "fine", "sections": {"palette": {"colors": "many"}}}))
    window = MainWindow()
    qtbot.addWidget(window)
    assert "Palette" in window.panels
    window.ctx.save_preferences()
    saved = json.loads(path.read_text())
    assert saved["quality"] == "fine"
    assert saved["sections"].get("palette", {}).get("colors") != "many"
    window.close()


@pytest.mark.gui
def test_case7_deeply_nested_file_still_starts_the_window(qtbot):
    from studio.main_window import MainWindow

    path = prefs_mod.preferences_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("[" * 50_000 + "]" * 50_000)
    window = MainWindow()
    qtbot.addWidget(window)
    assert {"Palette", "Stylize"} <= set(window.panels)
    window.close()
