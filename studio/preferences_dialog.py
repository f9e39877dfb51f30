"""Edit ▸ Preferences: device, default quality, the optional VGG19 weights file, autosave interval."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from studio.state.preferences import DEVICES, QUALITIES, Preferences


class PreferencesDialog(QDialog):
    def __init__(self, prefs: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.prefs = prefs
        form = QFormLayout(self)
        self.device = QComboBox()
        self.device.addItems(list(DEVICES))
        self.device.setCurrentText(prefs.device)
        self.device.setToolTip("auto uses a CUDA GPU when one is present, else the CPU")
        form.addRow("Device", self.device)
        self.quality = QComboBox()
        self.quality.addItems(list(QUALITIES))
        self.quality.setCurrentText(prefs.quality)
        form.addRow("Default quality", self.quality)
        row = QHBoxLayout()
        self.vgg = QLineEdit(prefs.vgg19_weights)
        self.vgg.setPlaceholderText("torchvision vgg19-*.pth (optional)")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._on_browse_clicked)
        row.addWidget(self.vgg)
        row.addWidget(browse)
        form.addRow("VGG19 weights", row)
        self.autosave = QSpinBox()
        self.autosave.setRange(0, 60)
        self.autosave.setSuffix(" min")
        self.autosave.setSpecialValueText("after jobs only")
        self.autosave.setValue(prefs.autosave_minutes)
        self.autosave.setToolTip("How often unsaved work is copied to the data folder for crash recovery")
        form.addRow("Autosave every", self.autosave)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _on_browse_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "VGG19 weights", "", "PyTorch weights (*.pth *.pt)")
        if path:
            self.vgg.setText(path)

    def apply(self) -> None:
        self.prefs.device = self.device.currentText()
        self.prefs.quality = self.quality.currentText()
        self.prefs.vgg19_weights = self.vgg.text().strip()
        self.prefs.autosave_minutes = self.autosave.value()
