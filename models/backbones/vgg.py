"""VGG19 (torchvision's architecture, convolutional part only) loaded from a user's weights file.

We never download: the user puts torchvision's ``vgg19-*.pth`` into torch's hub checkpoint folder or names
a file in the preferences. Only ``features.*`` tensors are read; the 400 MB classifier is never built.
Import this module only where torch is wanted: it imports torch at module level.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import torch
from torch import nn

from models.backbones.errors import BackboneError

# torchvision's configuration "E" (VGG19): channels per conv, "M" for max-pool.
_CFG: tuple[int | str, ...] = (64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M",
                               512, 512, 512, 512, "M", 512, 512, 512, 512, "M")  # fmt: skip
_MEAN = (0.485, 0.456, 0.406)
_STD = (0.229, 0.224, 0.225)


def _layer_names() -> list[str]:
    """Names of the modules of ``features`` in torchvision order: conv1_1, relu1_1, ..., pool5."""
    names, block, index = [], 1, 1
    for item in _CFG:
        if item == "M":
            names.append(f"pool{block}")
            block, index = block + 1, 1
        else:
            names += [f"conv{block}_{index}", f"relu{block}_{index}"]
            index += 1
    return names


class VGG19Features(nn.Module):
    """The 16 conv layers of VGG19 with named taps (``relu1_1`` ... ``relu5_4``, ``conv4_2`` ...).

    Inputs are RGB in [0, 1], NCHW; ImageNet mean/std normalisation happens inside.
    """

    name = "vgg19"

    def __init__(self) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        c_in = 3
        for item in _CFG:
            if item == "M":
                layers.append(nn.MaxPool2d(2, 2))
            else:
                layers += [nn.Conv2d(c_in, int(item), 3, padding=1), nn.ReLU(inplace=False)]
                c_in = int(item)
        self.body = nn.Sequential(*layers)
        self.names = _layer_names()
        self.register_buffer("mean", torch.tensor(_MEAN).view(1, 3, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(_STD).view(1, 3, 1, 1), persistent=False)

    def set_padding(self, mode: str) -> None:
        """``"constant"`` (zeros, as trained) or ``"replicate"`` (no dark frame in stylized images)."""
        if mode not in ("constant", "replicate", "reflect"):
            raise ValueError(f"unknown padding mode {mode!r}")
        for module in self.body:
            if isinstance(module, nn.Conv2d):
                module.padding_mode = "zeros" if mode == "constant" else mode

    def features(
        self, x: torch.Tensor, layers: Iterable[str], reduce: Callable[[str, torch.Tensor], Any] | None = None
    ) -> dict[str, Any]:
        """Activations named in ``layers`` for an image batch ``x`` in [0, 1]; stops at the deepest one.

        With ``reduce``, each activation is replaced by ``reduce(name, activation)`` as soon as it is made.
        """
        wanted = set(layers)
        unknown = wanted - set(self.names)
        if unknown:
            raise KeyError(f"unknown layers for vgg19: {sorted(unknown)}")
        out: dict[str, Any] = {}
        h = (x - self.mean) / self.std
        for name, module in zip(self.names, self.body, strict=True):
            h = module(h)
            if name in wanted:
                out[name] = h if reduce is None else reduce(name, h)
                if len(out) == len(wanted):
                    break
        return out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body((x - self.mean) / self.std)


def load_vgg19(path: str | Path) -> VGG19Features:
    """VGG19 conv layers from torchvision's ``vgg19`` state dict at ``path`` (eval mode, no grads).

    Raises :class:`BackboneError` naming the file when it cannot be read or is not VGG19 weights.
    """
    path = Path(path)
    try:
        state = torch.load(path, map_location="cpu", weights_only=True, mmap=True)
    except Exception:
        try:  # mmap needs the zip format; older files are still fine to read whole
            state = torch.load(path, map_location="cpu", weights_only=True)
        except Exception as exc:
            raise BackboneError(f"cannot read VGG19 weights {path.name}: {exc.__class__.__name__}") from exc
    if not isinstance(state, dict):
        raise BackboneError(f"{path.name} is not a VGG19 state dict")
    model = VGG19Features()
    wanted = model.body.state_dict()
    for key, tensor in wanted.items():
        got = state.get(f"features.{key}")
        if not isinstance(got, torch.Tensor):
            raise BackboneError(f"{path.name} does not hold torchvision VGG19 weights (no features.{key})")
        if tuple(got.shape) != tuple(tensor.shape):
            raise BackboneError(
                f"{path.name} does not hold torchvision VGG19 weights "
                f"(features.{key} is {tuple(got.shape)}, expected {tuple(tensor.shape)})"
            )
        if not torch.isfinite(got).all():
            raise BackboneError(f"{path.name} holds non-finite values in features.{key}")
    model.body.load_state_dict({k: state[f"features.{k}"].clone() for k in wanted})
    return model.eval().requires_grad_(False)
