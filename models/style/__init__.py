"""Neural style transfer: :func:`stylize` (an engine generator), its :class:`StyleConfig` and presets.

Torch is imported only when a stylization runs, so importing this package is cheap.
"""

from models.style.config import PRESETS, QUALITIES, StyleConfig
from models.style.transfer import StyleResult, stylize

__all__ = ["PRESETS", "QUALITIES", "StyleConfig", "StyleResult", "stylize"]
