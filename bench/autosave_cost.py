"""CPU time of one autosave of a large layered picture, without and with the encode cache, in one run.

The document: a 24 MP photo (6000×4000, an example photo enlarged with film grain, so that it compresses
like a photograph), a full-size stylized layer and a partly transparent study over a quarter of it (three
layers in the file). "Before" writes the file from scratch, as every autosave did; "after" is the
autosave slot with its cache warm, (a) after an opacity change (the layers' pixels unchanged: only the
composite is encoded) and (b) after one layer was painted again (that layer and the composite). Every
written file is checked against one written from scratch. Prints the median CPU and wall seconds.

    .venv/bin/python bench/autosave_cost.py [--width 6000 --height 4000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from studio.io.autosave import AutosaveSlot  # noqa: E402
from studio.io.ora import write_ora  # noqa: E402
from studio.state.document import Document, Layer  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[1] / "resources" / "examples" / "chelsea.png"


def document(width: int, height: int) -> Document:
    rng = np.random.default_rng(0)
    photo = Image.open(EXAMPLE).convert("RGB").resize((width, height), Image.Resampling.BICUBIC)
    grain = rng.normal(0, 6, (height, width, 1)).astype(np.float32)
    base = np.clip(np.asarray(photo, np.float32) + grain, 0, 255).astype(np.uint8)
    doc = Document(base, name="photo.png")
    style = np.ascontiguousarray(base[..., ::-1])  # colours swapped: a different full-size picture
    doc.insert_layer(Layer("Style", style, 0.8, True, {"tool": "stylize"}))
    study = np.zeros((height, width, 4), np.uint8)
    h2, w2 = height // 2, width // 2
    study[:h2, :w2, :3] = base[h2:, w2:]
    study[:h2, :w2, 3] = 200
    doc.insert_layer(Layer("Study", study, 1.0, True, {"tool": "gan"}))
    return doc


def timed(action) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    action()
    return time.process_time() - cpu, time.perf_counter() - wall


def entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=6000)
    parser.add_argument("--height", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    doc = document(args.width, args.height)
    results: dict[str, list[tuple[float, float]]] = {"before": [], "opacity": [], "repainted": []}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        slot = AutosaveSlot(folder / "autosave")
        slot.write(doc.snapshot())  # the first autosave fills the cache (it costs what "before" costs)
        for i in range(args.rounds):
            doc.set_opacity(0, 0.5 + 0.1 * (i % 3))
            results["before"].append(timed(lambda: write_ora(folder / "fresh.ora", doc.snapshot())))
            results["opacity"].append(timed(lambda: slot.write(doc.snapshot())))
            assert entries(slot.work_path) == entries(folder / "fresh.ora")
            old = doc.remove_layer(1)
            doc.insert_layer(
                Layer(old.name, np.roll(old.image, 7 + i, axis=1), old.opacity, True, old.provenance)
            )
            results["repainted"].append(timed(lambda: slot.write(doc.snapshot())))
            write_ora(folder / "fresh.ora", doc.snapshot())
            assert entries(slot.work_path) == entries(folder / "fresh.ora")
    mp = args.width * args.height / 1e6
    print(
        f"autosave of a {mp:.0f} MP picture, 3 layers (original, full style, quarter study); "
        f"median of {args.rounds}, CPU s / wall s"
    )
    base_cpu = statistics.median(c for c, _ in results["before"])
    for name, label in (
        ("before", "before: every layer encoded"),
        ("opacity", "after, opacity changed"),
        ("repainted", "after, one layer repainted"),
    ):
        cpu = statistics.median(c for c, _ in results[name])
        wall = statistics.median(w for _, w in results[name])
        print(f"  {label:32s} {cpu:6.2f} CPU s  {wall:6.2f} s  ({cpu / base_cpu:.2f} of before)")


if __name__ == "__main__":
    main()
