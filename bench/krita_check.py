"""Check that Krita opens Atelier's projects (.ora) and layered exports (.psd) with the same composite.

Needs Krita and a virtual screen (Debian: ``apt-get install -y --no-install-recommends krita xvfb``).
Builds a project with layers at several opacities (a hidden one, one with soft alpha at an offset), writes
it as .ora and .psd, has Krita flatten each headless (``xvfb-run krita --export``), compares with Atelier's
own composite, prints the largest difference per channel, and writes a side-by-side image:
Krita's render of the .ora | Atelier's composite | Krita's render of the .psd.

    .venv/bin/python bench/krita_check.py [--project FILE.ora] [--out docs/krita_check.png]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def build_project():
    from studio.io.images import load_image
    from studio.resources import EXAMPLES
    from studio.state.document import Document, Layer

    photo = load_image(EXAMPLES / "chelsea.png").pixels
    h, w = photo.shape[:2]
    doc = Document(photo, name="chelsea.png")
    poster = (photo // 64 * 64 + 32).astype(np.uint8)[..., ::-1]  # a stand-in result: posterised, swapped
    doc.insert_layer(Layer("Result", np.ascontiguousarray(poster), 0.6, True, {"tool": "krita_check"}))
    yy, xx = np.mgrid[:h, :w]
    glow = np.zeros((h, w, 4), np.uint8)
    glow[..., :3] = (255, 180, 40)
    fall = 1 - ((xx - w * 0.7) ** 2 + (yy - h * 0.3) ** 2) / (0.25 * w) ** 2
    glow[..., 3] = (np.clip(fall, 0, 1) * 200).astype(np.uint8)
    doc.insert_layer(Layer("Warm glow", glow, 0.8, True))
    doc.insert_layer(Layer("Hidden sketch", np.full((h, w, 3), 20, np.uint8), 1.0, False))
    return doc


def krita_render(source: Path, target: Path) -> float:
    start = time.monotonic()
    subprocess.run(
        ["xvfb-run", "-a", "krita", "--export", "--export-filename", str(target), str(source)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return time.monotonic() - start


def labelled(pixels: np.ndarray, text: str) -> Image.Image:
    image = Image.fromarray(pixels).convert("RGB")
    canvas = Image.new("RGB", (image.width, image.height + 24), (32, 32, 32))
    canvas.paste(image, (0, 24))
    ImageDraw.Draw(canvas).text((6, 6), text, fill=(235, 235, 235))
    return canvas


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--project", help="an .ora to check instead of the built one")
    parser.add_argument("--out", default=str(ROOT / "docs" / "krita_check.png"))
    args = parser.parse_args()
    if not shutil.which("krita") or not shutil.which("xvfb-run"):
        print("needs krita and xvfb-run (apt-get install -y --no-install-recommends krita xvfb)")
        return 2
    from studio.io.ora import read_ora, write_ora
    from studio.io.psd import write_psd

    doc = read_ora(args.project).document if args.project else build_project()
    ours = np.asarray(Image.fromarray(doc.flatten()).convert("RGBA")).astype(int)
    work = Path(tempfile.mkdtemp(prefix="atelier-krita-"))
    renders = {}
    for ext, write in ((".ora", write_ora), (".psd", write_psd)):
        source = write(work / f"project{ext}", doc)
        target = work / f"krita{ext.replace('.', '_')}.png"
        seconds = krita_render(source, target)
        theirs = np.asarray(Image.open(target).convert("RGBA")).astype(int)
        diff = np.abs(theirs - ours)
        print(
            f"{ext}: Krita {theirs.shape[1]}×{theirs.shape[0]} in {seconds:.0f} s; largest difference per "
            f"channel (R, G, B, A) {tuple(int(v) for v in diff.max(axis=(0, 1)))}; "
            f"pixels off by more than 1: {int((diff > 1).any(axis=2).sum())}"
        )
        renders[ext] = theirs.astype(np.uint8)
    panels = [
        labelled(renders[".ora"], "Krita: project.ora"),
        labelled(ours.astype(np.uint8), "Atelier: composite"),
        labelled(renders[".psd"], "Krita: project.psd"),
    ]
    sheet = Image.new("RGB", (sum(p.width for p in panels) + 8 * 2, panels[0].height), (32, 32, 32))
    x = 0
    for panel in panels:
        sheet.paste(panel, (x, 0))
        x += panel.width + 8
    sheet.save(args.out)
    print(f"wrote {args.out} (files in {work})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
