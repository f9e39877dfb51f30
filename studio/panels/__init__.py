"""Dock panels of the main window. Each entry: (title, module, class name); the class is built as Cls(ctx).

The main window imports each module when it builds the window; a panel module must import nothing heavy
(torch) at import time.
"""

PANELS: list[tuple[str, str, str]] = [
    ("Stylize", "studio.panels.stylize_panel", "StylizePanel"),
    ("Composition", "studio.panels.composition_panel", "CompositionPanel"),
    ("Palette", "studio.panels.palette_panel", "PalettePanel"),
    ("GAN", "studio.panels.gan_panel", "GanPanel"),
]
