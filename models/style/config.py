"""Settings of the style-transfer engine: the user's controls (:class:`StyleConfig`), the quality presets
and, per backbone, which layers carry content and style. Torch-free, so the UI and CLI can import it.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from models.backbones import BACKBONES, DEFAULT_BACKBONE

MAX_SIZE = 6000  # A3 at 300 dpi is 4961 px; above 2048 px the finest scales run on tiles
MIN_SIZE = 16
QUALITIES = ("draft", "balanced", "fine")
DEVICES = ("auto", "cpu", "cuda")


@dataclass(frozen=True)
class Preset:
    """How much optimisation a quality level buys: a coarse-to-fine pyramid in steps of ``ratio``.

    ``start`` is the long side of the coarsest scale; each scale runs a number of Adam steps interpolated
    from ``iters_coarse`` to ``iters_fine`` (fine scales cost more per step, so they get fewer).
    """

    start: int
    ratio: float
    iters_coarse: int
    iters_fine: int
    lr: float


PRESETS: dict[str, Preset] = {
    "draft": Preset(start=128, ratio=2.0, iters_coarse=40, iters_fine=12, lr=0.03),
    "balanced": Preset(start=128, ratio=math.sqrt(2.0), iters_coarse=80, iters_fine=35, lr=0.025),
    "fine": Preset(start=128, ratio=math.sqrt(2.0), iters_coarse=120, iters_fine=80, lr=0.02),
}


@dataclass(frozen=True)
class LayerPlan:
    """Which activations of a backbone carry content and style, with a weight per style layer."""

    content: tuple[str, ...]
    style: tuple[tuple[str, float], ...]
    content_weight: float
    tv_weight: float


# Chosen by looking at sheets of results on the shared paintings (see bench/style_quality.py).
# EfficientNet taps are the ReLU6 activations inside blocks: bounded, so no single channel swamps the
# statistics the way the linear block outputs do (the "peaky activation" problem SWAG describes).
LAYER_PLANS: dict[str, LayerPlan] = {
    "efficientnet-lite0": LayerPlan(
        content=("b5.expand",),
        style=(("stem", 1.0), ("b1.expand", 1.0), ("b3.expand", 1.0), ("b5.expand", 1.0), ("b9.expand", 1.0)),
        content_weight=1.5,
        tv_weight=0.4,
    ),
    "vgg19": LayerPlan(
        content=("relu4_2",),
        style=(("relu1_1", 1.0), ("relu2_1", 1.0), ("relu3_1", 1.0), ("relu4_1", 1.0), ("relu5_1", 1.0)),
        content_weight=1.0,
        tv_weight=2.0,
    ),
}


def _check_number(name: str, value: float, low: float, high: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a number between {low:g} and {high:g}, got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low:g} and {high:g}, got {value:g}")


@dataclass(frozen=True)
class StyleConfig:
    """The user's controls for one stylization.

    - ``size``: long side of the output in pixels (16..6000).
    - ``quality``: ``"draft"``, ``"balanced"`` (default) or ``"fine"``.
    - ``strength``: 0..1, how far the image's deep statistics move from the photo's towards the painting's.
    - ``balance``: 0..1, content/style balance; 0 keeps the photo's layout strictly, 1 lets style dominate.
    - ``preserve_colors``: keep the photo's colours (style texture on the photo's luminance).
    - ``style_scale``: 0.25..4, size of the painting's brush strokes in the result.
    - ``style_weights``: one non-negative weight per style image (empty: all equal); must not sum to 0.
    - ``backbone``: ``"efficientnet-lite0"`` (default) or ``"vgg19"``; ``vgg19_weights`` a file path or "".
    - ``loss``: ``"meancov"`` (mean + covariance of activations) or ``"gram"``.
    - ``device``: ``"auto"``, ``"cpu"`` or ``"cuda"``; ``seed`` makes CPU runs repeatable.
    - ``region_styles``: two styles, each on its own region of a mask (the first where it is white).
    """

    size: int = 512
    quality: str = "balanced"
    strength: float = 1.0
    balance: float = 0.5
    preserve_colors: bool = False
    style_scale: float = 1.0
    style_weights: tuple[float, ...] = field(default_factory=tuple)
    backbone: str = DEFAULT_BACKBONE
    vgg19_weights: str = ""
    loss: str = "meancov"
    device: str = "auto"
    seed: int = 0
    region_styles: bool = False

    def validate(self, n_styles: int | None = None) -> None:
        """Raise ``ValueError`` with a message a user can act on when a control is out of range."""
        if isinstance(self.size, bool) or not isinstance(self.size, int):
            raise ValueError(f"size must be a whole number of pixels, got {self.size!r}")
        if not MIN_SIZE <= self.size <= MAX_SIZE:
            raise ValueError(f"size must be between {MIN_SIZE} and {MAX_SIZE} pixels, got {self.size}")
        if self.quality not in PRESETS:
            raise ValueError(f"quality must be one of {', '.join(QUALITIES)}, got {self.quality!r}")
        _check_number("strength", self.strength, 0.0, 1.0)
        _check_number("balance", self.balance, 0.0, 1.0)
        _check_number("style_scale", self.style_scale, 0.25, 4.0)
        if self.backbone not in BACKBONES:
            raise ValueError(f"backbone must be one of {', '.join(BACKBONES)}, got {self.backbone!r}")
        if self.loss not in ("meancov", "gram"):
            raise ValueError(f"loss must be 'meancov' or 'gram', got {self.loss!r}")
        if self.device not in DEVICES:
            raise ValueError(f"device must be one of {', '.join(DEVICES)}, got {self.device!r}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise ValueError(f"seed must be a whole number, got {self.seed!r}")
        for w in self.style_weights:
            if isinstance(w, bool) or not isinstance(w, int | float) or not math.isfinite(w) or w < 0:
                raise ValueError(f"style weights must be finite numbers ≥ 0, got {w!r}")
        if self.style_weights and sum(self.style_weights) <= 0:
            raise ValueError("style weights sum to zero: give at least one style a positive weight")
        if n_styles is not None:
            if n_styles < 1:
                raise ValueError("at least one style image is needed")
            if self.region_styles and n_styles != 2:
                raise ValueError(f"region styles take exactly two paintings, got {n_styles}")
            if self.style_weights and len(self.style_weights) != n_styles:
                raise ValueError(f"{len(self.style_weights)} style weights given for {n_styles} style images")

    def normalized_weights(self, n_styles: int) -> list[float]:
        weights = list(self.style_weights) if self.style_weights else [1.0] * n_styles
        total = sum(weights)
        return [w / total for w in weights]

    def describe(self) -> dict[str, Any]:
        """The settings as plain JSON-able data, for provenance."""
        data = asdict(self)
        data["style_weights"] = list(self.style_weights)
        data.pop("vgg19_weights")  # a local path is nobody else's business
        return data


def scale_plan(long_side: int, preset: Preset) -> list[tuple[int, int]]:
    """(long side, Adam steps) per scale, coarse to fine, ending exactly at ``long_side``."""
    sides: list[int] = []
    side = float(min(preset.start, long_side))
    while side < long_side * 0.999:
        sides.append(int(round(side)))
        side *= preset.ratio
    sides.append(long_side)
    if len(sides) > 1 and sides[-1] < sides[-2] * 1.15:  # a last step of a few pixels buys nothing
        sides.pop(-2)
    n = len(sides)
    plan = []
    for i, s in enumerate(sides):
        t = i / (n - 1) if n > 1 else 0.0  # a lone scale is also the coarsest: give it the full run
        plan.append(
            (s, max(2, int(round(preset.iters_coarse + t * (preset.iters_fine - preset.iters_coarse)))))
        )
    return plan
