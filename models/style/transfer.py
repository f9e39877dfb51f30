"""Neural style transfer by optimisation (Gatys et al.), made fast enough for a CPU.

The image is optimised coarse to fine over a pyramid of sizes; at each size Adam updates the pixels to
keep the photo's deep features (content) while matching the painting's activation statistics (style),
with a little total-variation smoothing of the chroma only (Adam's pixel noise shows as coloured speckle,
while the painting's strokes live in luminance). The output is the last iterate: averaging iterates and
smoothing luminance both blurred the strokes to a third of the painting's local contrast. Backbones are
padded by replication so the borders are painted like the rest.
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
from models.style.budget import check_budget
from models.style.config import LAYER_PLANS, PRESETS, StyleConfig, scale_plan
from models.style.images import (
    fit_long_side,
    mask_weights,
    reduce_steps,
    resize,
    resize_mask,
    rgb_for_engine,
    split_alpha,
)
from models.style.tiles import scale_is_tiled, tile_grid

PREVIEW_INTERVAL_S = 0.5
PREVIEW_SIDE = 1024  # previews of the coarse scales are at most this long (the output size if smaller)
_MIN_STYLE_SIDE = 32
MAX_STYLE_SIDE = 2048  # paintings are matched at most this large; print sizes keep their strokes finer
_MIN_CONTENT_SIDE = 16


@dataclass(frozen=True)
class StyleResult:
    """A finished (or stopped) stylization: ``image`` is HxWx3 uint8, HxWx4 when the content had alpha."""

    image: np.ndarray = field(repr=False)
    provenance: dict[str, Any]
    seconds: float
    steps: int
    notes: tuple[str, ...] = ()  # things the painter should know, e.g. "the mask is all black"


PIXEL_WEIGHT = 1.0
PIXEL_LAYERS = ("px1", "px2", "px4")  # derivative filters (models.style.losses.PIXEL_LAYERS, torch-free here)
COLOUR_LAYER = "rgb4"  # the colours themselves at 1/4 size


@dataclass(frozen=True)
class Smoothing:
    """How Adam's pixel noise is kept down. The first version averaged iterates (``ema_decay=0.85``) and
    smoothed RGB (``tv="rgb"``); the second matched only the covariance of the pixel filters
    (``pixel_sparse=False``); both resized the paintings with torch's antialiased bilinear
    (``painting_filter="bilinear"``) and matched the palette only at the start (``pixel_colours=False``).
    bench/style_quality.py sets those back to measure before against after."""

    ema_decay: float = 0.0  # exponential moving average of the iterates; 0 = the iterate itself
    tv: str = "chroma"  # total variation on "chroma" (Cb, Cr) or on "rgb"
    pixel_weight: float = PIXEL_WEIGHT  # weight of the full-resolution filter statistics (0: none)
    pixel_sparse: bool = True  # those statistics include the filters' absolute values (see losses.py)
    painting_filter: str = "lanczos"  # how paintings are resized per scale: "lanczos" or "bilinear"
    pixel_colours: bool = True  # the palette (RGB mean and covariance) is a statistic too (see losses.py)


SMOOTHING = Smoothing()


def stylize(
    content: np.ndarray,
    styles: Sequence[np.ndarray],
    config: StyleConfig | None = None,
    *,
    mask: np.ndarray | None = None,
    threads: int | None = None,
) -> Generator[Progress, None, StyleResult]:
    """Stylize ``content`` (greyscale/RGB/RGBA uint8) after one or more ``styles`` (uint8 images).

    ``mask`` (greyscale/RGB uint8, any size: it is resized) says where the style goes: white = stylize,
    black = keep the photo, greys in between. With ``config.region_styles`` there are exactly two styles:
    the first where the mask is white, the second where it is black, each matched on its own region.

    Yields :class:`~models.progress.Progress` after every optimiser step (with tiles, after every tile),
    with a ``preview`` (alpha restored; at the output size in the last scale unless it is tiled, before
    it at the working size or ``PREVIEW_SIDE`` if that is more) about every half second and an ETA;
    returns a :class:`StyleResult`. Raises ``ValueError`` with a readable message for bad inputs or
    settings, or when the machine has too little memory for the size, before any heavy work.
    Closing the generator stops at once; its last preview is the image so far.

    On the CPU torch runs ``threads`` threads: by default all cores but one, which the window keeps for
    its UI; headless callers (the CLI, batch runs) pass every core.
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
    if config.region_styles and mask is None:
        raise ValueError("two region styles need a mask (white: the first painting, black: the second)")
    device = resolve_device(config.device)  # no GPU: say so at once, before the first report
    check_budget(rgb.shape[1], rgb.shape[0], config, device)  # before any large buffer is made
    weight_map = None if mask is None else mask_weights(mask, (out_w, out_h))  # a bad mask: say so now

    def preparing() -> Progress:
        return Progress(0, 1, SETUP + "preparing the photo")

    yield preparing()  # set-up is long: every stage below is a place to stop
    if alpha is not None:
        alpha = resize((yield from reduce_steps(alpha, max(out_w, out_h), preparing)), (out_w, out_h))
    # A huge photo is reduced band by band, then once more, in uint8, before torch sees it.
    rgb = resize((yield from reduce_steps(rgb, max(out_w, out_h), preparing)), (out_w, out_h))
    if weight_map is not None and not config.region_styles and weight_map.max() == 0:
        photo = rgb if alpha is None else np.dstack([rgb, alpha])
        provenance = {"engine": "atelier style transfer", **config.describe(), "mask": "all black"}
        return StyleResult(photo, provenance, 0.0, 0, ("the mask is all black: the photo is unchanged",))
    if device == "cpu":
        configure_threads(threads)
    return (yield from _optimise(rgb, alpha, style_rgbs, weight_map, config, device))


def _to_tensor(pixels: np.ndarray, device: str) -> Any:
    import torch

    return torch.from_numpy(np.array(pixels, copy=True)).to(device).permute(2, 0, 1)[None].float() / 255.0


def painting_at(pixels: np.ndarray, long_side: int, device: str, bilinear: bool = False) -> Any:
    """A painting (HxWx3 uint8) as a (1, 3, h, w) tensor at ``long_side``, resized with the photo's Lanczos
    filter: torch's antialiased bilinear (``bilinear``, the first versions) kept only 0.7 of a detailed
    painting's local contrast, and that blur was what the pixel statistics then matched (results had 0.7
    of the painting's detail; bench/style_quality.py)."""
    w, h = fit_long_side(pixels.shape[1], pixels.shape[0], long_side)
    if bilinear:
        return _resized(_to_tensor(pixels, device), h, w)
    return _to_tensor(resize(pixels, (w, h)), device)


def _to_pixels(x: Any) -> np.ndarray:
    """A (1, 3, H, W) tensor in [0, 1] as HxWx3 uint8."""
    return (x[0].permute(1, 2, 0).clamp(0, 1) * 255.0).round().byte().cpu().numpy()


def _resized(x: Any, h: int, w: int) -> Any:
    import torch.nn.functional as F

    if x.shape[-2:] == (h, w):
        return x
    return F.interpolate(x, size=(h, w), mode="bilinear", align_corners=False, antialias=True).clamp(0, 1)


# Above this many pixels the backbone runs in checkpointed segments: about 30 % more compute for a
# fraction of the memory (a 2048 px image would otherwise need several GB for the backward pass).
CHECKPOINT_PIXELS = 1024 * 768
_FINISH_ROWS = 256  # the output is converted to uint8 in bands of rows: at 6000 px a whole copy is 0.4 GB


def _features_loss(net: Any, x: Any, layers: set[str], layer_loss: Any) -> Any:
    if x.shape[-1] * x.shape[-2] > CHECKPOINT_PIXELS and hasattr(net, "features_loss"):
        return net.features_loss(x, layers, layer_loss)
    feats = net.features(x, layers)
    return sum(layer_loss(name, feat) for name, feat in feats.items())


def _optimise(
    rgb: np.ndarray,
    alpha: np.ndarray | None,
    style_rgbs: list[np.ndarray],
    weight_map: np.ndarray | None,
    config: StyleConfig,
    device: str,
) -> Generator[Progress, None, StyleResult]:
    yield Progress(0, 1, SETUP + "loading the network")
    import torch

    from models.backbones import load_backbone
    from models.backbones.memory import release_free_memory
    from models.style.losses import color_stats, keep_luminance, layer_stats, match_colors, pixel_features
    from models.style.scale import Region, ScaleProblem

    started = time.perf_counter()
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
    smoothing = SMOOTHING
    layer_w = dict(plan.style)
    layer_w.update({name: smoothing.pixel_weight for name in PIXEL_LAYERS if smoothing.pixel_weight > 0})
    if smoothing.pixel_colours and smoothing.pixel_weight > 0:
        layer_w[COLOUR_LAYER] = smoothing.pixel_weight
    net_layers = [name for name in layer_w if name not in (*PIXEL_LAYERS, COLOUR_LAYER)]
    # balance 0..1 maps to a content weight from x10 to x0.1 around the layer plan's default
    content_w = plan.content_weight * 10.0 ** (1.0 - 2.0 * config.balance)
    kind = config.loss
    weights = config.normalized_weights(len(style_rgbs))
    # one group of paintings per region: all of them blended, or the first and the second apart
    groups = [[(0, 1.0)], [(1, 1.0)]] if config.region_styles else [list(enumerate(weights))]
    mask_full = None if weight_map is None else (weight_map * 255.0).round().astype(np.uint8)

    gen = torch.Generator(device="cpu").manual_seed(config.seed)
    styles_full = [_to_tensor(s, device) for s in style_rgbs]
    small = _to_tensor(resize(rgb, fit_long_side(out_w, out_h, min(max(out_w, out_h), 1024))), device)
    if config.preserve_colors:  # the paintings recoloured to the photo, so style and colours don't fight
        photo_colors = color_stats([small], [1.0])
        styles_full = [match_colors(s, photo_colors) for s in styles_full]
    group_colors = [color_stats([styles_full[i] for i, _ in g], [w for _, w in g]) for g in groups]
    del small
    style_pixels = [_to_pixels(s) for s in styles_full] if config.preserve_colors else style_rgbs

    def mask_at(w: int, h: int) -> torch.Tensor | None:
        if mask_full is None:
            return None
        return torch.from_numpy(resize_mask(mask_full, (w, h)).astype(np.float32) / 255.0).to(device)

    def start_at(w: int, h: int) -> torch.Tensor:
        """The photo recoloured to each region's palette: pixel-wise Adam moves global colour slowly, so
        this saves many steps and the optimiser spends them on texture."""
        photo = _to_tensor(resize(rgb, (w, h)), device)
        if config.preserve_colors:
            return photo
        looks = [match_colors(photo, colors) for colors in group_colors]
        m = mask_at(w, h)
        if m is None:
            start = looks[0]
        elif config.region_styles:
            start = m * looks[0] + (1.0 - m) * looks[1]
        else:
            start = m * looks[0] + (1.0 - m) * photo
        return photo + config.strength * (start - photo)

    yield Progress(0, total_steps, SETUP + "reading the photo")

    def finish(x: torch.Tensor, long_side: int | None = None) -> np.ndarray:
        """The image as uint8 pixels at the output size, or at ``long_side`` (a preview), in bands of rows:
        the photo's chroma back with "preserve colours", the photo back outside a mask."""
        w, h = (out_w, out_h) if long_side is None else fit_long_side(out_w, out_h, long_side)
        x = _resized(x, h, w)
        photo = rgb if (w, h) == (out_w, out_h) else resize(rgb, (w, h))
        m = mask_at(w, h) if (mask_full is not None and not config.region_styles) else None
        pixels = np.empty((h, w, 3), np.uint8)
        for y in range(0, h, _FINISH_ROWS):
            band = x[..., y : y + _FINISH_ROWS, :]
            if config.preserve_colors or m is not None:
                p = _to_tensor(photo[y : y + _FINISH_ROWS], device)
                if config.preserve_colors:
                    band = keep_luminance(band, p)
                if m is not None:
                    mb = m[y : y + _FINISH_ROWS]
                    band = mb * band + (1.0 - mb) * p
            pixels[y : y + _FINISH_ROWS] = _to_pixels(band)
        if alpha is not None:
            pixels = np.dstack([pixels, alpha if (w, h) == (out_w, out_h) else resize(alpha, (w, h))])
        return pixels

    def result(x: torch.Tensor, steps: int) -> StyleResult:
        provenance = {"engine": "atelier style transfer", **config.describe(), "device": device}
        if mask_full is not None:
            provenance["mask"] = "regions" if config.region_styles else "stylize where white"
        return StyleResult(finish(x), provenance, time.perf_counter() - started, steps)

    if config.strength == 0.0:  # nothing to transfer: the photo itself
        return result(_to_tensor(rgb, device), 0)

    def group_stats(group: list[tuple[int, float]], side: int, step: int) -> Generator[Progress, None, Any]:
        """The paintings' statistics for a region, a place to stop before each painting."""
        target: dict[str, Any] = {}
        for i, s_w in group:
            yield Progress(step, total_steps, SETUP + "reading the painting")
            s_long = min(MAX_STYLE_SIDE, max(_MIN_STYLE_SIDE, int(round(side * config.style_scale))))
            painting = painting_at(style_pixels[i], s_long, device, smoothing.painting_filter == "bilinear")
            with torch.no_grad():
                s_stats = net.features(painting, net_layers, reduce=lambda _n, f: layer_stats(f, kind))
                for name in layer_w.keys() - s_stats.keys():
                    s_stats[name] = layer_stats(pixel_features(painting, name, smoothing.pixel_sparse), kind)
            for name in layer_w:
                st = s_stats[name].scaled(s_w)
                target[name] = st if name not in target else target[name] + st
        return target

    step = 0
    done_work = 0.0
    last_preview = -1e9  # the first preview comes after the first step, well within 3 s
    x: torch.Tensor | None = None
    ema: torch.Tensor | None = None
    for scale_index, (side, n_steps) in enumerate(scales):
        w, h = fit_long_side(out_w, out_h, side)
        tiles = tile_grid(h, w, tiled=scale_is_tiled(h, w, out_h, out_w))
        last = scale_index == len(scales) - 1
        label = f"scale {scale_index + 1}/{len(scales)} ({w}×{h})"
        release_free_memory()  # what the last scale's passes left in the heap (see backbones.memory)
        m = mask_at(w, h)
        maps = [m] if config.region_styles is False and m is not None else [None]
        if config.region_styles:
            assert m is not None
            maps = [m, 1.0 - m]
        regions = []
        for group, wmap in zip(groups, maps, strict=True):
            area = 1.0 if wmap is None else float(wmap.mean())
            if area > 1e-4:
                regions.append(Region(wmap, area, (yield from group_stats(group, side, step))))
        content_np = resize(rgb, (w, h))
        if x is None:
            noise = torch.randn((1, 3, h, w), generator=gen).to(device) * 0.02
            x = (start_at(w, h) + noise).clamp(0, 1)
            del noise
        else:
            x = _resized(x, h, w).contiguous()
            if ema is not None:
                ema = _resized(ema, h, w).contiguous()
        if smoothing.ema_decay > 0 and ema is None:
            ema = x.clone()
        problem = ScaleProblem(
            net,
            tiles,
            regions,
            plan.content,
            layer_w,
            content_w,
            plan.tv_weight * float(side),
            smoothing.tv,
            kind,
            smoothing.pixel_sparse,
        )

        def content_tile(t: Any, content_np: np.ndarray = content_np) -> torch.Tensor:
            return _to_tensor(content_np[t.y0 : t.y1, t.x0 : t.x1], device)

        def image_tile(t: Any, x: torch.Tensor = x) -> torch.Tensor:
            return x[..., t.y0 : t.y1, t.x0 : t.x1]

        for i, _ in enumerate(problem.prepare(content_tile, image_tile, config.strength)):
            yield Progress(step, total_steps, SETUP + f"{label}, tile {i + 1}/{len(tiles)}", None, None)
        del content_np, content_tile  # the photo at this size (3 bytes a pixel): the targets are taken
        # Print sizes keep Adam's moments and the summed gradient in bfloat16: 18 of the 48 bytes per
        # pixel that these buffers and the image take in float32 (models/style/adam.py)
        state = torch.bfloat16 if len(tiles) > 1 else None
        opt = PixelAdam(x, lr=preset.lr if scale_index == 0 else preset.lr * 0.6, state_dtype=state)
        tile_grad: torch.Tensor | None = None
        for _ in range(n_steps):
            if len(tiles) == 1:
                grad = problem.tile_gradient(0, x, _features_loss)
            else:  # one buffer per scale for the summed gradient, not a fresh one per step
                grad = torch.zeros_like(x, dtype=state) if tile_grad is None else tile_grad.zero_()
                tile_grad = grad
                for i, t in enumerate(tiles):
                    sl = (..., slice(t.y0, t.y1), slice(t.x0, t.x1))
                    grad[sl] += problem.tile_gradient(i, x[sl], _features_loss)
                    yield Progress(step, total_steps, f"{label}, tile {i + 1}/{len(tiles)}", None, None)
            opt.step(grad)
            del grad
            with torch.no_grad():
                x.clamp_(0, 1)
                if ema is not None:
                    ema.mul_(smoothing.ema_decay).add_(x, alpha=1.0 - smoothing.ema_decay)
            shown = x if ema is None else ema
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
                    # A tiled (print-size) scale is previewed at PREVIEW_SIDE: a full one is 100s of MB.
                    if len(tiles) > 1:
                        preview = finish(shown, min(max(out_w, out_h), PREVIEW_SIDE))
                    else:
                        preview = finish(
                            shown, None if last else min(max(out_w, out_h), max(PREVIEW_SIDE, side))
                        )
                last_preview = now
            yield Progress(step, total_steps, label, preview, eta)
        # this scale's moments, gradient and targets, and the image the last preview and a closure hold:
        # not held into the next scale (at 4096 px the image is 134 MB)
        del opt, tile_grad, problem, shown, image_tile
    assert x is not None
    with torch.no_grad():
        return result(x if ema is None else ema, step)
