"""The "Train on a folder" form: folder, resolution, steps; Train / Stop / Resume; progress, ETA, a preview
grid and a small loss plot. The panel owns the job; this widget only shows it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio.canvas.convert import array_to_qimage

TRAIN_SIZES = (64, 96, 128)  # crop sides; the spatial generator paints any size
D_COLOUR, G_COLOUR = QColor(230, 120, 40), QColor(70, 150, 230)

GUIDE_FINE_TUNE = (
    "Fine-tuning starts from the bundled model, which learnt painted textures from five paintings. "
    "10–50 of your own images are enough to pull its colours and marks toward yours; 3000 steps take "
    "about an hour on a laptop's CPU (minutes on a GPU), and Stop keeps what it has learnt so far. "
    "It paints surfaces and brushwork, not compositions: expect textures in your palette, not pictures."
)
GUIDE_SCRATCH = (
    "From scratch the model knows nothing yet: give it at least 20 images (5 is the minimum; 50–500 is "
    "better) and expect 10,000 steps or more, hours on a CPU, before its samples stop looking like "
    "coloured noise. It paints surfaces and brushwork at the crop size's scale, not compositions."
)


class LossPlot(QWidget):
    """Discriminator and generator losses against steps (a moving average, so the trend shows)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: list[tuple[int, float, float]] = []
        self.setMinimumHeight(70)

    def clear(self) -> None:
        self.points = []
        self.update()

    def add(self, step: int, d: float, g: float) -> None:
        self.points.append((step, d, g))
        if len(self.points) > 4000:  # plenty for a small plot; keep memory bounded on long runs
            self.points = self.points[::2]
        self.update()

    def paintEvent(self, event: Any) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(35, 35, 35))
        p.setPen(QColor(200, 200, 200))
        p.drawText(
            self.rect().adjusted(4, 2, -4, -2), Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft, "loss"
        )
        if len(self.points) >= 2:
            steps = [s for s, _, _ in self.points]
            series = [_smooth([d for _, d, _ in self.points]), _smooth([g for _, _, g in self.points])]
            lo = min(min(s) for s in series)
            hi = max(max(s) for s in series)
            span = max(hi - lo, 1e-6)
            x0, x1 = steps[0], max(steps[-1], steps[0] + 1)
            w, h = self.width() - 8, self.height() - 20
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            for values, colour in zip(series, (D_COLOUR, G_COLOUR), strict=True):
                path = QPainterPath()
                for i, (s, v) in enumerate(zip(steps, values, strict=True)):
                    pt = QPointF(4 + (s - x0) / (x1 - x0) * w, 16 + (1 - (v - lo) / span) * h)
                    path.moveTo(pt) if i == 0 else path.lineTo(pt)
                p.setPen(QPen(colour, 1.5))
                p.drawPath(path)
            p.setPen(QColor(150, 150, 150))
            p.drawText(4, 26, f"{hi:.2f}")
            p.drawText(4, self.height() - 4, f"{lo:.2f}")
            p.drawText(
                self.rect().adjusted(0, 0, -4, -4),
                Qt.AlignmentFlag.AlignBottom | Qt.AlignmentFlag.AlignRight,
                f"step {steps[-1]}",
            )
        p.setPen(D_COLOUR)
        p.drawText(
            self.rect().adjusted(0, 2, -40, 0), Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignRight, "D"
        )
        p.setPen(G_COLOUR)
        p.drawText(
            self.rect().adjusted(0, 2, -24, 0), Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignRight, "G"
        )
        p.end()


def _smooth(values: list[float], k: int = 20) -> list[float]:
    out, acc = [], 0.0
    for i, v in enumerate(values):
        acc = v if i == 0 else acc + (v - acc) / min(i + 1, k)
        out.append(acc)
    return out


class TrainBox(QWidget):
    browse_requested = Signal()
    train_requested = Signal(str, int, int)  # folder, resolution, steps
    resume_requested = Signal(int)  # steps
    stop_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        row = QHBoxLayout()
        self.folder_edit = QLineEdit()
        self.folder_edit.setPlaceholderText("a folder of your paintings (20–500 images)")
        self.browse_button = QPushButton("Browse…")
        row.addWidget(self.folder_edit, 1)
        row.addWidget(self.browse_button)
        form.addRow("Folder", row)
        self.start_combo = QComboBox()
        self.start_combo.addItem("the bundled painting model (fine-tune)", "bundled")
        self.start_combo.addItem("scratch", "scratch")
        form.addRow("Start from", self.start_combo)
        self.size_combo = QComboBox()
        for res in TRAIN_SIZES:
            self.size_combo.addItem(f"{res} px", res)
        self.size_combo.setToolTip(
            "Side of the training crops (the texture's scale); samples are painted at any size"
        )
        form.addRow("Crop size", self.size_combo)
        self.steps_spin = QSpinBox()
        self.steps_spin.setRange(1, 1_000_000)
        self.steps_spin.setSingleStep(500)
        self.steps_spin.setValue(3000)
        form.addRow("Steps", self.steps_spin)
        layout.addLayout(form)
        self.guide_label = QLabel()
        self.guide_label.setWordWrap(True)
        layout.addWidget(self.guide_label)
        self.start_combo.currentIndexChanged.connect(self._on_start_changed)
        self._on_start_changed()
        row = QHBoxLayout()
        self.train_button = QPushButton("Train")
        self.stop_button = QPushButton("Stop")
        self.resume_button = QPushButton("Resume")
        self.stop_button.setToolTip("Stop keeps a usable checkpoint")
        for b in (self.train_button, self.stop_button, self.resume_button):
            row.addWidget(b)
        layout.addLayout(row)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status_label = QLabel("Not training.")
        self.status_label.setWordWrap(True)
        layout.addWidget(self.progress)
        layout.addWidget(self.status_label)
        self.preview = QLabel()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumHeight(120)
        layout.addWidget(self.preview)
        self.plot = LossPlot()
        layout.addWidget(self.plot)
        layout.addStretch(1)
        self.browse_button.clicked.connect(self.browse_requested)
        self.train_button.clicked.connect(
            lambda: self.train_requested.emit(
                self.folder_edit.text().strip(), self.size_combo.currentData(), self.steps_spin.value()
            )
        )
        self.resume_button.clicked.connect(lambda: self.resume_requested.emit(self.steps_spin.value()))
        self.stop_button.clicked.connect(self.stop_requested)
        self.set_running(False, can_resume=False)

    def fine_tune(self) -> bool:
        return self.start_combo.currentData() == "bundled"

    def _on_start_changed(self, *_: Any) -> None:
        self.guide_label.setText(GUIDE_FINE_TUNE if self.fine_tune() else GUIDE_SCRATCH)
        self.size_combo.setEnabled(not self.fine_tune() and self.train_button.isEnabled())

    def set_running(self, running: bool, can_resume: bool) -> None:
        self.train_button.setEnabled(not running)
        self.resume_button.setEnabled(not running and can_resume)
        self.stop_button.setEnabled(running)
        for w in (self.folder_edit, self.browse_button, self.start_combo, self.steps_spin):
            w.setEnabled(not running)
        self.size_combo.setEnabled(not running and not self.fine_tune())

    def show_progress(self, report: Any) -> None:
        self.progress.setRange(0, max(1, report.total))
        self.progress.setValue(report.step)
        eta = f" — about {_duration(report.eta_s)} left" if report.eta_s else ""
        self.status_label.setText(f"{report.message}{eta}")
        d, g = getattr(report, "d_loss", None), getattr(report, "g_loss", None)
        if d is not None and g is not None:
            self.plot.add(getattr(report, "total_steps", report.step), d, g)

    def show_preview(self, pixels: Any) -> None:
        pix = QPixmap.fromImage(array_to_qimage(pixels))
        side = max(120, min(self.width() - 20, 256))
        self.preview.setPixmap(
            pix.scaled(
                side, side, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
        )


def _duration(seconds: float) -> str:
    s = int(seconds)
    if s >= 3600:
        return f"{s // 3600} h {s % 3600 // 60:02d} min"
    if s >= 60:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s} s"
