"""Moving and resizing a proposed crop frame: it keeps its ratio and stays inside the picture."""

from __future__ import annotations

import pytest

from studio.state.crop_edit import HANDLES, drag, hit_test

SIZE = (600, 400)
RECT = (100, 100, 200, 250)  # 4:5


def test_hit_test_finds_corners_edges_and_inside():
    assert hit_test(RECT, 101, 99, 5) == "top_left"
    assert hit_test(RECT, 300, 350, 5) == "bottom_right"
    assert hit_test(RECT, 200, 102, 5) == "top"
    assert hit_test(RECT, 298, 200, 5) == "right"
    assert hit_test(RECT, 200, 200, 5) == "move"
    assert hit_test(RECT, 20, 20, 5) is None


def test_move_stays_inside_the_picture():
    assert drag(RECT, "move", 30, -20, SIZE, 0.8) == (130, 80, 200, 250)
    assert drag(RECT, "move", 1000, 1000, SIZE, 0.8) == (400, 150, 200, 250)


def test_corner_resize_keeps_the_ratio_and_the_opposite_corner():
    x, y, w, h = drag(RECT, "top_left", -40, -40, SIZE, 0.8)
    assert (x + w, y + h) == (300, 350)
    assert w / h == pytest.approx(0.8, abs=0.01) and w > 200


@pytest.mark.parametrize("handle", HANDLES)
@pytest.mark.parametrize("delta", [(-500, -500), (500, 500), (-37, 81), (90, -12)])
def test_every_drag_stays_inside_and_keeps_the_ratio(handle, delta):
    x, y, w, h = drag(RECT, handle, *delta, SIZE, 0.8)
    assert 0 <= x and 0 <= y and x + w <= SIZE[0] and y + h <= SIZE[1]
    assert w >= 8 and h >= 8
    assert w / h == pytest.approx(0.8, abs=0.02)
