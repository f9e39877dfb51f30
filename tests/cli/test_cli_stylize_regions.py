"""`atelier stylize` with masks, two region styles, print-size refusal, every core, resume and torchrun."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from studio.cli import main
from studio.io.images import load_image
from studio.resources import EXAMPLES, STYLES

ROOT = Path(__file__).resolve().parents[2]
PHOTO = EXAMPLES / "chelsea.png"
STYLE = STYLES / "picabia_udnie.jpg"
FAST = ["--size", "32", "--quality", "draft"]


def _error(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


def _mask(path: Path, w: int = 32, h: int = 21, value_left: int = 255) -> Path:
    mask = np.zeros((h, w), np.uint8)
    mask[:, : w // 2] = value_left
    Image.fromarray(mask).save(path)
    return path


def _solid(path: Path, rgb: tuple[int, int, int]) -> Path:
    img = np.zeros((40, 40, 3), np.uint8) + np.array(rgb, np.uint8)
    img[::4] = np.clip(img[::4].astype(int) + 30, 0, 255)
    Image.fromarray(img).save(path)
    return path


def test_mask_keeps_the_photo_where_black(tmp_path):
    out = tmp_path / "o.png"
    mask = _mask(tmp_path / "m.png", 64, 42)  # another size: resized
    assert main(["stylize", str(PHOTO), str(STYLE), "-o", str(out), "--mask", str(mask), *FAST]) == 0
    result = np.asarray(Image.open(out).convert("RGB")).astype(int)
    photo = load_image(PHOTO, max_side=32).pixels[..., :3].astype(int)
    assert np.array_equal(result[:, 18:], photo[:, 18:])
    assert np.abs(result[:, :14] - photo[:, :14]).mean() > 10


def test_region_styles_paint_each_region_after_its_painting(tmp_path):
    red, blue = _solid(tmp_path / "red.png", (220, 40, 30)), _solid(tmp_path / "blue.png", (30, 50, 220))
    out = tmp_path / "o.png"
    args = ["stylize", str(PHOTO), "-o", str(out), "--mask", str(_mask(tmp_path / "m.png"))]
    assert main([*args, "--region-styles", f"{red},{blue}", *FAST]) == 0
    result = np.asarray(Image.open(out).convert("RGB")).astype(float)
    left, right = result[:, :12], result[:, 20:]
    assert left[..., 0].mean() > left[..., 2].mean() + 40
    assert right[..., 2].mean() > right[..., 0].mean() + 40


def test_an_all_black_mask_gives_the_photo_with_a_note(tmp_path, capsys):
    out = tmp_path / "o.png"
    mask = _mask(tmp_path / "m.png", value_left=0)
    assert main(["stylize", str(PHOTO), str(STYLE), "-o", str(out), "--mask", str(mask), *FAST]) == 0
    assert "the mask is all black: the photo is unchanged" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["--mask", "NOTIMG"], "the mask: "),
        (["--region-styles", "A.jpg,B.jpg"], "give either STYLE paintings or --region-styles"),
    ],
)
def test_bad_masks_and_region_arguments_exit_2(tmp_path, capsys, extra, expected):
    notimg = tmp_path / "notes.png"
    notimg.write_text("not an image")
    extra = [str(notimg) if e == "NOTIMG" else e for e in extra]
    assert main(["stylize", str(PHOTO), str(STYLE), "-o", str(tmp_path / "o.png"), *extra, *FAST]) == 2
    assert expected in _error(capsys)


def test_region_styles_need_two_paintings_and_a_mask(tmp_path, capsys):
    base = ["stylize", str(PHOTO), "-o", str(tmp_path / "o.png"), *FAST]
    assert main([*base, "--region-styles", f"{STYLE}"]) == 2
    assert "--region-styles takes two paintings" in _error(capsys)
    assert main([*base, "--region-styles", f"{STYLE},{STYLE}"]) == 2
    assert "--region-styles needs --mask" in _error(capsys)
    assert main(base) == 2
    assert "give at least one STYLE" in _error(capsys)


def test_a_print_size_this_machine_cannot_hold_is_refused_before_work(tmp_path, capsys, monkeypatch):
    import models.style.budget as budget

    monkeypatch.setattr(budget, "available_bytes", lambda device="cpu": 256 * 1024**2)
    out = tmp_path / "o.png"
    assert (
        main(["stylize", str(PHOTO), str(STYLE), "-o", str(out), "--size", "6000", "--quality", "draft"]) == 2
    )
    err = capsys.readouterr().err
    assert "at 6000×3991: about" in err  # the estimate comes first
    assert "needs about" in err and "has 0.2 GB free" in err and not out.exists()


def test_headless_uses_every_core_unless_omp_num_threads_says(tmp_path, monkeypatch):
    import models.style
    from models.style import StyleResult

    seen: list[int | None] = []

    def fake(content, styles, config, *, mask=None, threads=None):
        seen.append(threads)
        return StyleResult(content, {}, 0.0, 0)
        yield  # a generator, like the engine

    monkeypatch.setattr(models.style, "stylize", fake)
    args = ["stylize", str(PHOTO), str(STYLE), "-o", str(tmp_path / "o.png"), *FAST]
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    assert main(args) == 0
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert main(args) == 0
    assert seen == [os.cpu_count(), 3]


def test_a_folder_rerun_resumes(tmp_path, capsys):
    photos = tmp_path / "photos"
    photos.mkdir()
    for name in ("a.png", "b.png"):
        Image.open(PHOTO).convert("RGB").resize((30, 20)).save(photos / name)
    out = tmp_path / "out"
    assert main(["stylize", str(photos), str(STYLE), "-o", str(out), *FAST]) == 0
    first = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    assert sorted(first) == ["a-stylized.png", "b-stylized.png"]
    (out / "b-stylized.png").unlink()
    capsys.readouterr()
    assert main(["stylize", str(photos), str(STYLE), "-o", str(out), *FAST]) == 0
    assert "1 already done" in capsys.readouterr().err
    assert (out / "a-stylized.png").stat().st_mtime_ns == first["a-stylized.png"]  # not redone
    assert (out / "b-stylized.png").is_file()


def test_torchrun_two_cpu_processes_share_a_folder(tmp_path):
    photos = tmp_path / "photos"
    photos.mkdir()
    for name in ("a.png", "b.png", "c.png"):
        Image.open(PHOTO).convert("RGB").resize((24, 16)).save(photos / name)
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2"]
    cmd += [
        "-m",
        "studio",
        "stylize",
        str(photos),
        str(STYLE),
        "-o",
        str(out),
        "--size",
        "24",
        "--quality",
        "draft",
    ]
    run = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    assert sorted(p.name for p in out.iterdir()) == ["a-stylized.png", "b-stylized.png", "c-stylized.png"]
    summaries = [line for line in run.stdout.splitlines() if "processes:" in line]
    assert summaries == ["atelier stylize: 2 processes: 3 stylized, 0 already done, 0 could not be read"]
