import json

from studio.state.preferences import Preferences, load_preferences, preferences_path, save_preferences


def test_round_trip_and_version(tmp_path):
    path = tmp_path / "p.json"
    prefs = Preferences(device="cpu", quality="fine")
    prefs.sections["palette"] = {"count": 8}
    save_preferences(prefs, path)
    raw = json.loads(path.read_text())
    assert raw["version"] == 1
    loaded, problem = load_preferences(path)
    assert problem is None
    assert (
        loaded.device == "cpu" and loaded.quality == "fine" and loaded.sections == {"palette": {"count": 8}}
    )


def test_corrupt_file_gives_defaults_and_a_message(tmp_path):
    path = tmp_path / "p.json"
    path.write_text("{not json")
    prefs, problem = load_preferences(path)
    assert prefs == Preferences()
    assert problem and str(path) in problem


def test_unknown_values_are_repaired(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(
        json.dumps({"version": 1, "device": "tpu", "quality": "ultra", "sections": {"a": 3}, "x": 1})
    )
    prefs, _ = load_preferences(path)
    assert prefs.device == "auto" and prefs.quality == "balanced" and prefs.sections == {}


def test_default_location_is_redirected_in_tests(tmp_path):
    assert "userdirs" in str(preferences_path())


def test_autosave_interval_defaults_to_two_minutes_and_is_kept_in_range(tmp_path):
    assert Preferences().autosave_minutes == 2
    path = tmp_path / "p.json"
    for raw, want in (("5", 5), ("-3", 0), ("1e9", 60), ('"soon"', 2), ("true", 2), ("NaN", 2)):
        path.write_text('{"autosave_minutes": ' + raw + "}")
        prefs, problem = load_preferences(path)
        assert prefs.autosave_minutes == want, raw
        assert (problem is None) == (want != 2), raw  # a value that falls back to its default gets a note
    prefs.autosave_minutes = 7
    save_preferences(prefs, path)
    assert load_preferences(path)[0].autosave_minutes == 7
