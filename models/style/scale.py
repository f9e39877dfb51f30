"""One scale of the optimisation: its losses over tiles and regions (torch; imported only by the engine).

Style statistics are taken as weighted *sums* (:class:`~models.style.losses.Sums`): per region (the whole
image, the masked part, or each of two regions with its own painting) and per tile (the tile's core only,
see models/style/tiles.py). A tile's loss combines its own sums with the latest sums of every other tile,
so all tiles are matched to the statistics of the whole image, not each to the painting on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any

import torch
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint

from models.backbones.memory import release_free_memory
from models.style.losses import (
    PIXEL_CHECKPOINT,
    PIXEL_LAYERS,
    Stats,
    Sums,
    chroma_tv_loss,
    content_loss,
    pixel_features,
    style_loss,
    tv_loss,
    weighted_sums,
)
from models.style.tiles import Tile


@dataclass
class Region:
    """Where one set of statistics applies: a weight per pixel at this scale (None: everywhere) and the
    statistics it should reach (filled in by :meth:`ScaleProblem.prepare`)."""

    weight: torch.Tensor | None  # (h, w) in [0, 1]
    area: float  # mean weight: a region's loss counts by its share of the image
    style: dict[str, Stats] | None  # the paintings' statistics per layer; None: content only
    target: dict[str, Stats] = field(default_factory=dict)


@dataclass
class _TileState:
    content: dict[str, torch.Tensor] = field(default_factory=dict)  # content layer targets
    boxes: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)  # where they lie (tiles)
    sums: dict[tuple[str, int], Sums] = field(default_factory=dict)  # latest style sums (layer, region)


class ScaleProblem:
    """Content and style losses of one scale, evaluated tile by tile, gradients added into one image."""

    def __init__(
        self,
        net: Any,
        tiles: list[Tile],
        regions: list[Region],
        content_layers: tuple[str, ...],
        layer_w: dict[str, float],
        content_w: float,
        tv_weight: float,
        tv_kind: str,
        kind: str,
        pixel_sparse: bool = True,
    ) -> None:
        self.net = net
        self.pixel_sparse = pixel_sparse  # the pixel layers also match their absolute values (losses.py)
        self.tiles = tiles
        self.regions = regions
        self.content_layers = content_layers
        self.layer_w = layer_w
        self.content_w = content_w
        self.tv_weight = tv_weight
        self.tv = chroma_tv_loss if tv_kind == "chroma" else tv_loss
        self.kind = kind
        self.pixel_layers = [name for name in layer_w if name in PIXEL_LAYERS]  # computed, not the network's
        self.layers = (set(layer_w) - set(PIXEL_LAYERS)) | set(content_layers)
        self.states = [_TileState() for _ in tiles]
        self.totals: dict[tuple[str, int], Sums] = {}
        self.content_norm: dict[str, float] = {}  # mean square of each content target (cores only)
        self.content_count: dict[str, float] = {}  # positions x channels of each content layer (cores)
        self.whole = len(tiles) == 1

    # -- weights ----------------------------------------------------------------------------------------
    def _pixel_weight(self, tile: Tile, region: Region | None) -> torch.Tensor | None:
        """Weights of a tile's pixels: its core (not its margin) times the region's weight."""
        if self.whole:
            return None if region is None or region.weight is None else region.weight
        h, w = tile.y1 - tile.y0, tile.x1 - tile.x0
        cy0, cy1, cx0, cx1 = tile.core
        core = torch.zeros(h, w)
        core[cy0:cy1, cx0:cx1] = 1.0
        if region is not None and region.weight is not None:
            core = core * region.weight[tile.y0 : tile.y1, tile.x0 : tile.x1].to(core)
        return core

    @staticmethod
    def _at(weight: torch.Tensor | None, feat: torch.Tensor) -> torch.Tensor | None:
        """A pixel weight map averaged down to the positions of an activation, flattened."""
        if weight is None:
            return None
        w = F.adaptive_avg_pool2d(weight[None, None].to(feat), feat.shape[-2:])
        return w.flatten()

    # -- the pass before the steps ----------------------------------------------------------------------
    def prepare(
        self,
        content_tile: Callable[[Tile], torch.Tensor],
        image_tile: Callable[[Tile], torch.Tensor],
        strength: float,
    ) -> Generator[None, None, None]:
        """Content targets and the photo's statistics per region (no gradients); the paintings' targets
        moved from the photo's statistics by ``strength``; with several tiles, every tile's current sums.
        Yields after each tile (a cancellation point)."""
        store = torch.bfloat16 if not self.whole else None  # print sizes: content targets are 100s of MB
        photo: dict[tuple[str, int], Sums] = {}
        norm: dict[str, list[float]] = {}
        with torch.no_grad():
            for tile, state in zip(self.tiles, self.states, strict=True):
                weights = [self._pixel_weight(tile, r) for r in self.regions]
                core = self._pixel_weight(tile, None)

                def reduce(
                    name: str,
                    feat: torch.Tensor,
                    weights: Any = weights,
                    core: Any = core,
                    state: Any = state,
                ) -> None:
                    if name in self.content_layers:
                        wc = self._at(core, feat)
                        if store is None:
                            state.content[name] = feat
                        else:  # only the positions the core weighs: a margin's target is never used
                            box = _support(wc, feat.shape[-2:])
                            state.content[name] = feat[..., box[0] : box[1], box[2] : box[3]].to(store)
                            state.boxes[name] = box
                        sq = feat.square().sum(1).flatten()
                        num = float(sq.sum() if wc is None else (sq * wc).sum())
                        cnt = float(sq.numel() if wc is None else wc.sum()) * feat.shape[1]
                        acc = norm.setdefault(name, [0.0, 0.0])
                        acc[0] += num
                        acc[1] += cnt
                    if name in self.layer_w:
                        for r, wmap in enumerate(weights):
                            s = weighted_sums(feat, self._at(wmap, feat)).detached()
                            photo[(name, r)] = s if (name, r) not in photo else photo[(name, r)] + s

                image = content_tile(tile)
                self.net.features(image, self.layers, reduce=reduce)
                for name in self.pixel_layers:
                    reduce(name, pixel_features(image, name, self.pixel_sparse))
                if not self.whole:
                    release_free_memory()
                    yield
            for name, (num, cnt) in norm.items():
                self.content_norm[name] = num / max(cnt, 1.0)
                self.content_count[name] = max(cnt, 1.0)
            for r, region in enumerate(self.regions):
                if region.style is None:
                    continue
                region.target = {
                    name: photo[(name, r)].stats(self.kind).lerp(_as_float(st), strength)
                    for name, st in region.style.items()
                }
                region.target = {k: Stats(v.mean.float(), v.second.float()) for k, v in region.target.items()}
            if not self.whole:  # the sums of the starting image, so the first step sees the whole
                for i, tile in enumerate(self.tiles):
                    weights = [self._pixel_weight(tile, r) for r in self.regions]

                    def reduce_x(name: str, feat: torch.Tensor, i: int = i, weights: Any = weights) -> None:
                        for r, wmap in enumerate(weights):
                            if self.regions[r].style is not None:
                                self._record(i, name, r, weighted_sums(feat, self._at(wmap, feat)).detached())

                    image = image_tile(tile)
                    self.net.features(image, set(self.layer_w) - set(PIXEL_LAYERS), reduce=reduce_x)
                    for name in self.pixel_layers:
                        reduce_x(name, pixel_features(image, name, self.pixel_sparse))
                    release_free_memory()
                    yield

    def _record(self, i: int, name: str, r: int, sums: Sums) -> None:
        """Tile ``i``'s latest sums, kept in float32 (a tile's are 2.5 MB in float64 and a 6000 px print
        has 70 tiles); the totals stay float64 and add and subtract exactly what is kept."""
        key = (name, r)
        old = self.states[i].sums.get(key)
        kept = Sums(sums.s0.float(), sums.s1.float(), sums.s2.float())
        self.states[i].sums[key] = kept
        new = kept.detached()  # float64
        total = self.totals.get(key)
        if total is None:
            self.totals[key] = new
        else:
            self.totals[key] = total + new if old is None else total - old.detached() + new

    # -- one tile's loss and gradient -------------------------------------------------------------------
    def tile_gradient(self, i: int, x_tile: torch.Tensor, features_loss: Callable[..., Any]) -> torch.Tensor:
        """The gradient of the whole image's loss with respect to tile ``i``'s pixels (its share)."""
        tile, state = self.tiles[i], self.states[i]
        weights = [self._pixel_weight(tile, r) for r in self.regions]
        core = self._pixel_weight(tile, None)
        fresh: dict[tuple[str, int], Sums] = {}

        def layer_loss(name: str, feat: torch.Tensor) -> torch.Tensor:
            total = feat.new_zeros(())
            if name in state.content:
                target = state.content[name].to(feat.dtype)
                if core is None:
                    total = total + self.content_w * content_loss(feat, target)
                else:
                    y0, y1, x0, x1 = state.boxes[name]
                    wc = self._at(core, feat)
                    assert wc is not None
                    wc = wc.view(feat.shape[-2:])[y0:y1, x0:x1].flatten()
                    sq = (feat[..., y0:y1, x0:x1] - target).square().sum(1).flatten()
                    count = self.content_count[name]
                    total = total + self.content_w * (sq * wc).sum() / count / (
                        self.content_norm[name] + 1e-8
                    )
            if name in self.layer_w:
                for r, region in enumerate(self.regions):
                    if region.style is None:
                        continue
                    sums = weighted_sums(feat, self._at(weights[r], feat))
                    fresh[(name, r)] = sums.detached()
                    if not self.whole:
                        others = self.totals[(name, r)] - state.sums[(name, r)].detached()
                        sums = sums + Sums(others.s0.to(feat), others.s1.to(feat), others.s2.to(feat))
                    loss = style_loss(sums.stats(self.kind), region.target[name], self.kind)
                    total = total + self.layer_w[name] * region.area * loss
            return total

        x = x_tile.detach().requires_grad_(True)
        loss = features_loss(self.net, x, self.layers, layer_loss)
        for name in self.pixel_layers:
            if x.shape[-1] * x.shape[-2] > PIXEL_CHECKPOINT:  # keep x only; the features are recomputed
                loss = loss + checkpoint(
                    _pixel_loss, layer_loss, name, x, self.pixel_sparse, use_reentrant=False
                )
            else:
                loss = loss + _pixel_loss(layer_loss, name, x, self.pixel_sparse)
        if core is None:
            loss = loss + self.tv_weight * self.tv(x)
        else:  # the core and one pixel beyond, so each neighbour pair is counted once over all tiles
            cy0, cy1, cx0, cx1 = tile.core
            part = x[..., cy0 : min(cy1 + 1, x.shape[-2]), cx0 : min(cx1 + 1, x.shape[-1])]
            share = (cy1 - cy0) * (cx1 - cx0) / float(self._image_pixels())
            loss = loss + self.tv_weight * share * self.tv(part)
        if not torch.isfinite(loss):
            raise ValueError("the optimisation diverged (non-finite loss); try a lower strength or Draft")
        loss.backward()
        for (name, r), sums in fresh.items():
            self._record(i, name, r, sums)
        assert x.grad is not None
        if not self.whole:
            release_free_memory()
        return x.grad

    def _image_pixels(self) -> int:
        return sum((t.core[1] - t.core[0]) * (t.core[3] - t.core[2]) for t in self.tiles)


def _support(weight: torch.Tensor | None, shape: Any) -> tuple[int, int, int, int]:
    """The rows and columns ``(y0, y1, x0, x1)`` of a flattened position weight that are not all zero."""
    h, w = int(shape[0]), int(shape[1])
    if weight is None:
        return 0, h, 0, w
    nz = weight.view(h, w) > 0
    rows, cols = nz.any(1).nonzero().flatten(), nz.any(0).nonzero().flatten()
    if rows.numel() == 0:
        return 0, 0, 0, 0
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def _pixel_loss(layer_loss: Callable[..., Any], name: str, x: torch.Tensor, sparse: bool) -> Any:
    return layer_loss(name, pixel_features(x, name, sparse))


def _as_float(st: Stats) -> Stats:
    return Stats(st.mean.double(), st.second.double())
