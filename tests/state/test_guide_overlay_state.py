"""The Qt-free guide overlay model: settings, validation, cycling, change events, persistence."""

from __future__ import annotations

import pytest

from studio.state.guides import GUIDE_NAMES, CropOverlay, GuideOverlay, GuideSettings


def test_cycle_kind_shows_then_steps_through_every_guide():
    overlay = GuideOverlay(GuideSettings(kind="thirds", visible=False))
    assert overlay.cycle_kind() == "thirds" and overlay.visible
    seen = [overlay.cycle_kind() for _ in GUIDE_NAMES]
    assert sorted(seen) == sorted(GUIDE_NAMES)
    assert seen[-1] == "thirds"


def test_cycle_flip_visits_four_orientations():
    overlay = GuideOverlay()
    states = {overlay.cycle_flip() for _ in range(4)}
    assert states == {(False, False), (True, False), (True, True), (False, True)}
    assert (overlay.flip_h, overlay.flip_v) == (False, False)


def test_update_emits_only_real_changes():
    overlay = GuideOverlay()
    events = []
    overlay.changed.connect(events.append)
    assert overlay.update(colour="#ff0000", opacity=overlay.opacity) == {"colour"}
    overlay.update(colour="#ff0000")
    assert events == [{"colour"}]
    with pytest.raises(TypeError):
        overlay.update(bogus=1)


def test_bad_values_are_repaired():
    overlay = GuideOverlay.from_dict(
        {"kind": "nope", "colour": "red", "opacity": 7, "grid_cols": 0, "aspect": "x", "extra": 1}
    )
    assert overlay.kind == "thirds" and overlay.colour == "#ffffff"
    assert overlay.opacity == 1.0 and overlay.grid_cols == 1 and overlay.aspect == "4:5"
    assert GuideOverlay.from_dict({"opacity": "abc"}).opacity == GuideSettings().opacity


def test_round_trip_through_a_dict():
    overlay = GuideOverlay(GuideSettings(kind="golden-spiral", flip_h=True, grid_rows=3, visible=True))
    assert GuideOverlay.from_dict(overlay.to_dict()).to_dict() == overlay.to_dict()


def test_primitives_follow_the_image_shape_and_flips():
    overlay = GuideOverlay(GuideSettings(kind="crop-frame", aspect="1:1"))
    frame = overlay.primitives((200, 100))[0]
    xs = [p[0] for p in frame.points]
    assert max(xs) - min(xs) == pytest.approx(0.5)


def test_crop_overlay_propose_and_dismiss():
    crop = CropOverlay()
    events = []
    crop.changed.connect(events.append)
    crop.propose((1.0, 2.0, 3.0, 4.0), "1:1")
    assert crop.rect == (1, 2, 3, 4)
    crop.dismiss()
    crop.dismiss()
    assert crop.rect is None and len(events) == 2
