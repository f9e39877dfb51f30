"""The style-transfer controls of the Stylize panel: strength, content ↔ style, brush size, colours, quality,
size and network; ``config()`` turns them into a :class:`StyleConfig`."""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QSlider, QWidget

from models.backbones import VGG19_HELP, backbone_available
from models.style.config import MAX_SIZE, MIN_SIZE, StyleConfig

SIZES = (256, 512, 1024, 1536, 2048)
PRINT_SIZE = 4961  # A3 at 300 dpi, long side
ORIGINAL_SIZE = 0  # the size choice "Original size": the picture's own long side (at most MAX_SIZE)
QUALITY_LABELS = (("Draft", "draft"), ("Balanced", "balanced"), ("Fine", "fine"))
ENGINE_HELP = (
    "How the painting is read: Quick uses the small EfficientNet-Lite0 network bundled with Atelier; "
    "Classic uses VGG19 (the network of the original style-transfer papers), once its weights are added."
)
# Named for what a painter gets, not for the network inside (EfficientNet-Lite0 / VGG19 in the tooltip).
BACKBONE_LABELS = (("Quick — bold strokes", "efficientnet-lite0"), ("Classic — finer, slower", "vgg19"))


def _slider(lo: int, hi: int, value: int, tip: str) -> QSlider:
    s = QSlider(Qt.Orientation.Horizontal)
    s.setRange(lo, hi)
    s.setValue(max(lo, min(hi, value)))
    s.setToolTip(tip)
    return s


class StyleControls(QWidget):
    """Emits ``changed()`` whenever a control moves."""

    changed = Signal()

    def __init__(self, values: dict[str, Any], quality: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vgg19_weights = ""
        self.strength_slider = _slider(0, 100, round(100 * values["strength"]),
                                       "How far the picture moves towards the painting's look")  # fmt: skip
        self.balance_slider = _slider(0, 100, round(100 * values["balance"]),
                                      "Left keeps the photo's layout; right lets the painting take over")  # fmt: skip
        self.scale_slider = _slider(-20, 20, round(10 * math.log2(values["style_scale"])),
                                    "Size of the painting's brush strokes in the result")  # fmt: skip
        self.preserve_check = QCheckBox("Keep the photo's colours")
        self.preserve_check.setChecked(values["preserve_colors"])
        self.quality_combo = QComboBox()
        for label, key in QUALITY_LABELS:
            self.quality_combo.addItem(label, key)
        self.quality_combo.setCurrentIndex(max(0, self.quality_combo.findData(quality)))
        self.quality_combo.setToolTip("Draft is quick; Fine takes several times longer")
        self.size_combo = QComboBox()
        for size in SIZES:
            self.size_combo.addItem(f"{size} px", size)
        self.size_combo.addItem(f"Print (A3 300 dpi, {PRINT_SIZE} px)", PRINT_SIZE)
        self.size_combo.addItem("Original size", ORIGINAL_SIZE)
        self.set_output_size(values["size"])
        self.size_combo.setToolTip(
            "Long side of the stylized image (the layer is fitted to the picture). Print and large original "
            f"sizes (up to {MAX_SIZE} px) run in tiles and take minutes; the memory needed is checked first."
        )
        self.backbone_combo = QComboBox()
        for label, key in BACKBONE_LABELS:
            self.backbone_combo.addItem(label, key)
        self.backbone_combo.setCurrentIndex(max(0, self.backbone_combo.findData(values["backbone"])))
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Strength", self.strength_slider)
        form.addRow("Content ↔ style", self.balance_slider)
        form.addRow("Brush size", self.scale_slider)
        form.addRow("", self.preserve_check)
        form.addRow("Quality", self.quality_combo)
        form.addRow("Size", self.size_combo)
        self.backbone_combo.setToolTip(ENGINE_HELP)
        form.addRow("Engine", self.backbone_combo)
        for slider in (self.strength_slider, self.balance_slider, self.scale_slider):
            slider.valueChanged.connect(self.changed)
        self.preserve_check.toggled.connect(self.changed)
        for combo in (self.quality_combo, self.size_combo, self.backbone_combo):
            combo.currentIndexChanged.connect(self.changed)

    def set_output_size(self, size: int) -> None:
        """Choose the output long side (an unlisted size, e.g. a tiny one for tests, is added)."""
        index = self.size_combo.findData(size)
        if index < 0:
            self.size_combo.addItem(f"{size} px", size)
            index = self.size_combo.count() - 1
        self.size_combo.setCurrentIndex(index)

    def size_choice(self) -> int:
        """The chosen long side, or ``ORIGINAL_SIZE``."""
        return int(self.size_combo.currentData())

    def config(self, device: str, original_side: int = 512) -> StyleConfig:
        """The settings; "Original size" means ``original_side`` (the open picture's long side)."""
        size = self.size_choice()
        if size == ORIGINAL_SIZE:
            size = max(MIN_SIZE, min(MAX_SIZE, original_side))
        return StyleConfig(
            size=size,
            quality=str(self.quality_combo.currentData()),
            strength=self.strength_slider.value() / 100.0,
            balance=self.balance_slider.value() / 100.0,
            preserve_colors=self.preserve_check.isChecked(),
            style_scale=2.0 ** (self.scale_slider.value() / 10.0),
            backbone=str(self.backbone_combo.currentData()),
            vgg19_weights=self.vgg19_weights,
            device=device,
        )

    def refresh_backbones(self, vgg19_weights: str) -> None:
        """Grey out VGG19 (with a tooltip saying how to add it) when its weights file is absent."""
        self.vgg19_weights = vgg19_weights
        model = self.backbone_combo.model()
        index = self.backbone_combo.findData("vgg19")
        available = backbone_available("vgg19", vgg19_weights)
        if isinstance(model, QStandardItemModel) and index >= 0:
            model.item(index).setEnabled(available)
            tip = "Gatys' classic network: slower, the reference look" if available else VGG19_HELP
            self.backbone_combo.setItemData(index, tip, Qt.ItemDataRole.ToolTipRole)
        if not available and self.backbone_combo.currentData() == "vgg19":
            self.backbone_combo.setCurrentIndex(self.backbone_combo.findData("efficientnet-lite0"))
        self.backbone_combo.setToolTip(ENGINE_HELP if available else f"{ENGINE_HELP}\n\n{VGG19_HELP}")
