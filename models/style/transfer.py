"""Neural style transfer by optimisation (Gatys et al.), made fast enough for a CPU.

The image is optimised coarse to fine over a pyramid of sizes; at each size Adam updates the pixels to
keep the photo's deep features (content) while matching the painting's activation statistics (style),
with a little total-variation smoothing. The output and previews are an exponential moving average of
the iterates, which removes most of Adam's high-frequency jitter. Backbones are padded by replication so
the borders are painted like the rest.
"""

from __future__ import annotations

import time
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from models.device import configure_threads, resolve_device
from models.progress import SETUP, Progress
from models.style.adam import PixelAdam
from models.style.config import LAYER_PLANS, MAX_SIZE, PRESETS, StyleConfig, scale_plan
from models.style.images import fit_long_side, reduce_steps, resize, rgb_for_engine, split_alpha

PREVIEW_INTERVAL_S = 0.5
PREVIEW_SIDE = 1024  # previews of the coarse scales are at most this long (the output size if smaller)
EMA_DECAY = 0.85
_MIN_STYLE_SIDE = 32
_MIN_CONTENT_SIDE = 16


@dataclass(frozen=True)
class StyleResult:
    """A finished (or stopped) stylization: ``image`` is HxWx3 uint8, HxWx4 when the content had alpha."""

    image: np.ndarray = field(repr=False)
    provenance: dict[str, Any]
    seconds: float
    steps: int


def stylize(
    content: np.ndarray,
    styles: Sequence[np.ndarray],
    config: StyleConfig | None = None,
) -> Generator[Progress, None, StyleResult]:
    """Stylize ``content`` (greyscale/RGB/RGBA uint8) after one or more ``styles`` (uint8 images).

    Yields :class:`~models.progress.Progress` after every optimiser step, with a ``preview`` (alpha
    restored; at the output size in the last scale, before it at the working size or ``PREVIEW_SIDE`` if
    that is more) about every half second and an ETA; returns a :class:`StyleResult`.
    Raises ``ValueError`` with a readable message for bad inputs or settings, before any heavy work.
    Closing the generator stops at once; its last preview is the image so far.
    """
    config = config or StyleConfig()
    if isinstance(styles, np.ndarray):
        styles = [styles]
    config.validate(len(styles))
    rgb, alpha = split_alpha(content, "content image")
    style_rgbs = [rgb_for_engine(s, f"style image {i + 1}") for i, s in enumerate(styles)]
    out_w, out_h = fit_long_side(rgb.shape[1], rgb.shape[0], config.size)
    if min(out_w, out_h) < _MIN_CONTENT_SIDE:  # a 1×5000 strip: say so, rather than diverge later
        raise ValueError(
            f"the content image is {rgb.shape[1]}×{rgb.shape[0]} px, too thin to stylize: at {config.size} px "
            f"its short side would be {min(out_w, out_h)} px, and at least {_MIN_CONTENT_SIDE} px are needed"
        )
    if config.device == "cuda":
        resolve_device(config.device)  # no GPU: say so at once, before the first report

    def preparing() -> Progress:
        return Progress(0, 1, SETUP + "preparing the photo")

    yield preparing()  # set-up is long: every stage below is a place to stop
    if alpha is not None:
        alpha = resize((yield from reduce_steps(alpha, max(out_w, out_h), preparing)), (out_w, out_h))
    # A huge photo is reduced band by band, then once more, in uint8, before torch sees it.
    rgb = resize((yield from reduce_steps(rgb, max(out_w, out_h), preparing)), (out_w, out_h))
    weights = config.normalized_weights(len(style_rgbs))
    return (yield from _optimise(rgb, alpha, style_rgbs, weights, config))


def _to_tensor(pixels: np.ndarray, device: str) -> Any:
    import torch

    return torch.from_numpy(np.array(pixels, copy=True)).to(device).permute(2, 0, 1)[None].float() / 255.0


def _resized(x: Any, h: int, w: int) -> Any:
    import torch.nn.functional as F

    if x.shape[-2:] == (h, w):
        return x
    return F.interpolate(x, size=(h, w), mode="bilinear", align_corners=False, antialias=True).clamp(0, 1)


# Above this many pixels the backbone runs in checkpointed segments: about 30 % more compute for a
# fraction of the memory (a 2048 px image would otherwise need several GB for the backward pass).
CHECKPOINT_PIXELS = 1024 * 768


def _features_loss(net: Any, x: Any, layers: set[str], layer_loss: Any) -> Any:
    if x.shape[-1] * x.shape[-2] > CHECKPOINT_PIXELS and hasattr(net, "features_loss"):
        return net.features_loss(x, layers, layer_loss)
    feats = net.features(x, layers)
    return sum(layer_loss(name, feat) for name, feat in feats.items())


def _optimise(
    rgb: np.ndarray,
    alpha: np.ndarray | None,
    style_rgbs: list[np.ndarray],
    weights: list[float],
    config: StyleConfig,
) -> Generator[Progress, None, StyleResult]:
    yield Progress(0, 1, SETUP + "loading the network")
    import torch

    from models.backbones import load_backbone
    from models.backbones.memory import release_free_memory
    from models.style.losses import (
        color_stats,
        content_loss,
        keep_luminance,
        layer_stats,
        match_colors,
        style_loss,
        tv_loss,
    )

    started = time.perf_counter()
    device = resolve_device(config.device)
    if device == "cpu":
        configure_threads()
    net = load_backbone(config.backbone, vgg19_weights=config.vgg19_weights, device=device)
    net.set_padding("replicate")
    yield Progress(0, 1, SETUP + "matching the colours")
    plan = LAYER_PLANS[config.backbone]
    preset = PRESETS[config.quality]
    out_h, out_w = rgb.shape[:2]
    scales = scale_plan(max(out_h, out_w), preset)
    total_steps = sum(n for _, n in scales)
    work = [n * s * s for s, n in scales]  # cost of a scale ~ steps x pixels
    total_work = float(sum(work))
    style_names = [name for name, _ in plan.style]
    layer_w = dict(plan.style)
    # balance 0..1 maps to a content weight from x10 to x0.1 around the layer plan's default
    content_w = plan.content_weight * 10.0 ** (1.0 - 2.0 * config.balance)
    kind = config.loss

    gen = torch.Generator(device="cpu").manual_seed(config.seed)
    content_full = _to_tensor(rgb, device)
    styles_full = [_to_tensor(s, device) for s in style_rgbs]
    if config.preserve_colors:  # the painting recoloured to the photo, so style and colours don't fight
        photo_colors = color_stats([content_full], [1.0])
        styles_full = [match_colors(s, photo_colors) for s in styles_full]
        start_full = content_full
    else:
        # Start from the photo recoloured to the paintings' palette: pixel-wise Adam moves global colour
        # slowly, so this saves many steps and the optimiser spends them on texture.
        start_full = match_colors(content_full, color_stats(styles_full, weights))
        start_full = content_full + config.strength * (start_full - content_full)

    yield Progress(0, total_steps, SETUP + "reading the photo")

    def finish(x: torch.Tensor, long_side: int | None = None) -> np.ndarray:
        """The image as uint8 pixels at the output size, or at ``long_side`` (a preview)."""
        w, h = (out_w, out_h) if long_side is None else fit_long_side(out_w, out_h, long_side)
        x = _resized(x, h, w)
        if config.preserve_colors:
            x = keep_luminance(x, _resized(content_full, h, w))
        pixels = (x[0].permute(1, 2, 0).clamp(0, 1) * 255.0).round().byte().cpu().numpy()
        if alpha is not None:
            pixels = np.dstack([pixels, alpha if (w, h) == (out_w, out_h) else resize(alpha, (w, h))])
        return pixels

    def result(x: torch.Tensor, steps: int) -> StyleResult:
        provenance = {"engine": "atelier style transfer", **config.describe(), "device": device}
        return StyleResult(finish(x), provenance, time.perf_counter() - started, steps)

    if config.strength == 0.0:  # nothing to transfer: the photo itself (colour-space round trip free)
        return result(content_full, 0)

    def content_reduce(name: str, feat: torch.Tensor) -> tuple[Any, Any]:
        """A content layer is kept whole; a style layer is reduced to its statistics."""
        return (feat if name in plan.content else None, layer_stats(feat, kind) if name in layer_w else None)

    step = 0
    done_work = 0.0
    last_preview = -1e9  # the first preview comes after the first step, well within 3 s
    ema: torch.Tensor | None = None
    for scale_index, (side, n_steps) in enumerate(scales):
        w, h = fit_long_side(out_w, out_h, side)
        content = _resized(content_full, h, w)
        release_free_memory()  # what the last scale's passes left in the heap (see backbones.memory)
        with torch.no_grad():
            # Statistics are taken as each activation is made and the activation dropped: at 2048 px the
            # feature maps of one image are about a GB.
            pairs = net.features(content, set(style_names) | set(plan.content), reduce=content_reduce)
            c_targets = {k: f for k, (f, _) in pairs.items() if f is not None}
            c_stats = {k: st for k, (_, st) in pairs.items() if st is not None}
            target: dict[str, Any] = {}
            for s_img, s_w in zip(styles_full, weights, strict=True):
                yield Progress(step, total_steps, SETUP + "reading the painting")
                s_long = min(MAX_SIZE, max(_MIN_STYLE_SIDE, int(round(side * config.style_scale))))
                sw, sh = fit_long_side(s_img.shape[-1], s_img.shape[-2], s_long)
                s_stats = net.features(
                    _resized(s_img, sh, sw), style_names, reduce=lambda _n, f: layer_stats(f, kind)
                )
                for name in style_names:
                    st = s_stats[name].scaled(s_w)
                    target[name] = st if name not in target else target[name] + st
            # strength: how far the statistics move from the photo's own towards the painting's
            target = {k: c_stats[k].lerp(v, config.strength) for k, v in target.items()}
        if ema is None:
            noise = torch.randn(content.shape, generator=gen).to(device) * 0.02
            x0 = (_resized(start_full, h, w) + noise).clamp(0, 1)
            del noise, start_full  # the start is needed once; at 2048 px each image copy is 33 MB
        else:
            x0 = _resized(ema, h, w)

        def layer_loss(
            name: str, feat: torch.Tensor, c_targets: Any = c_targets, target: Any = target
        ) -> Any:
            total = feat.new_zeros(())
            if name in c_targets:
                total = total + content_w * content_loss(feat, c_targets[name])
            if name in target:
                total = total + layer_w[name] * style_loss(layer_stats(feat, kind), target[name], kind)
            return total

        x = x0.clone().requires_grad_(True)
        ema = x0  # a tensor of its own (made above), averaged in place from here on
        del x0
        opt = PixelAdam(x, lr=preset.lr if scale_index == 0 else preset.lr * 0.6)
        for _ in range(n_steps):
            opt.zero_grad()
            loss = _features_loss(net, x, set(style_names) | set(plan.content), layer_loss)
            loss = loss + plan.tv_weight * tv_loss(x) * float(side)  # per-pixel TV shrinks with size
            if not torch.isfinite(loss):
                raise ValueError("the optimisation diverged (non-finite loss); try a lower strength or Draft")
            loss.backward()
            opt.step()
            with torch.no_grad():
                x.clamp_(0, 1)
                ema.mul_(EMA_DECAY).add_(x.detach(), alpha=1.0 - EMA_DECAY)
            step += 1
            done_work += side * side
            elapsed = time.perf_counter() - started
            eta = elapsed / done_work * (total_work - done_work)
            preview = None
            now = time.perf_counter()
            if now - last_preview >= PREVIEW_INTERVAL_S or step == total_steps:
                with torch.no_grad():
                    # Before the last scale, at the working size but at least PREVIEW_SIDE: upsampling a
                    # coarse scale to 2048 px for every preview cost ~0.1 s and showed nothing more
                    # (the canvas stretches it; a stopped run's layer is resized to the image anyway).
                    last = scale_index == len(scales) - 1
                    preview = finish(ema, None if last else min(max(out_w, out_h), max(PREVIEW_SIDE, side)))
                last_preview = now
            yield Progress(
                step, total_steps, f"scale {scale_index + 1}/{len(scales)} ({w}×{h})", preview, eta
            )
    assert ema is not None
    with torch.no_grad():
        return result(ema, step)
