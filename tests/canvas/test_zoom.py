import pytest

from studio.canvas import zoom


def test_fit_centres_and_shrinks_a_large_image():
    v = zoom.fit(2000, 1000, 1016, 516, margin=8)
    assert v.scale == pytest.approx(0.5)
    assert v.to_widget(0, 0) == pytest.approx((8.0, 8.0))
    assert v.to_widget(2000, 1000) == pytest.approx((1008.0, 508.0))


def test_fit_uses_whole_number_zoom_for_small_images():
    v = zoom.fit(30, 20, 400, 300, margin=0)
    assert v.scale == 13.0  # min(400/30, 300/20)=13.33 → 13: square pixels
    x0, y0 = v.to_widget(0, 0)
    assert x0 == pytest.approx((400 - 30 * 13) / 2) and y0 == pytest.approx((300 - 20 * 13) / 2)


def test_fit_enlarges_a_small_image_to_the_window():
    v = zoom.fit(512, 512, 1000, 700, margin=8)
    assert v.scale == pytest.approx(684 / 512)  # not held at 100 %


@pytest.mark.parametrize("factor", [2.0, 0.5, zoom.ZOOM_STEP, 1 / 3])
def test_zoom_about_keeps_the_point_under_the_cursor(factor):
    v = zoom.ViewTransform(0.75, 13.0, -40.0)
    anchor = (211.0, 97.0)
    before = v.to_image(*anchor)
    after = zoom.zoom_about(v, factor, *anchor)
    assert after.scale == pytest.approx(0.75 * factor)
    assert after.to_image(*anchor) == pytest.approx(before)


def test_zoom_is_clamped():
    v = zoom.zoom_about(zoom.ViewTransform(), 1e9, 0, 0)
    assert v.scale == zoom.MAX_SCALE
    v = zoom.zoom_about(zoom.ViewTransform(), 1e-9, 0, 0)
    assert v.scale == zoom.MIN_SCALE
    assert zoom.clamp_scale(float("nan")) == 1.0


def test_wheel_factor_four_notches_double():
    assert zoom.wheel_factor(120 * 4) == pytest.approx(2.0)
    assert zoom.wheel_factor(-120) == pytest.approx(1 / zoom.ZOOM_STEP)


def test_pan_and_round_trip():
    v = zoom.pan(zoom.ViewTransform(2.0, 10, 20), 5, -5)
    assert (v.offset_x, v.offset_y) == (15, 15)
    assert v.to_image(*v.to_widget(3.5, 7.25)) == pytest.approx((3.5, 7.25))


def test_visible_rect_is_clamped_to_the_image():
    v = zoom.ViewTransform(2.0, -100, -50)
    assert zoom.visible_image_rect(v, 1000, 1000, 400, 300) == (50, 25, 250, 175)
    assert zoom.visible_image_rect(zoom.ViewTransform(1.0, 500, 0), 100, 100, 400, 300) == (
        0,
        0,
        0,
        100,
    )  # scrolled off to the right: empty
