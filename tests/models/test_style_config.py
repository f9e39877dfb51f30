"""Style settings: the pyramid plan, presets and the VGG19 layer plan (no torch work)."""

from __future__ import annotations

import pytest

from models.style.config import PRESETS, StyleConfig, scale_plan


@pytest.mark.parametrize("size", [16, 32, 100, 512, 777, 2048])
@pytest.mark.parametrize("quality", ["draft", "balanced", "fine"])
def test_scale_plan_goes_coarse_to_fine_and_ends_at_the_size(size, quality):
    plan = scale_plan(size, PRESETS[quality])
    sides = [s for s, _ in plan]
    assert sides[-1] == size
    assert sides == sorted(set(sides))
    assert all(n >= 2 for _, n in plan)


def test_presets_cost_more_as_quality_rises():
    def cost(q: str) -> int:
        return sum(n * s * s for s, n in scale_plan(512, PRESETS[q]))

    assert cost("draft") < cost("balanced") < cost("fine")


def test_weights_normalise_and_describe_hides_paths():
    cfg = StyleConfig(style_weights=(3, 1), vgg19_weights="/home/me/secret/vgg19.pth")
    assert cfg.normalized_weights(2) == [0.75, 0.25]
    assert StyleConfig().normalized_weights(3) == pytest.approx([1 / 3] * 3)
    assert "vgg19_weights" not in cfg.describe()
    assert cfg.describe()["style_weights"] == [3, 1]
    with pytest.raises(ValueError, match="seed must be a whole number"):
        StyleConfig(seed=1.5).validate()  # type: ignore[arg-type]
