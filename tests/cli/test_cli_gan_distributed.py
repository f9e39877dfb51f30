"""`torchrun --nproc_per_node 2 -m studio gan train …`: two CPU processes (gloo) train one model, only rank 0
writes, and the run sees exactly the data a single process sees."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from studio.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_two_processes_agree_with_one_on_the_data_seen(tmp_path):
    folder = tmp_path / "imgs"
    folder.mkdir()
    rng = np.random.default_rng(3)
    for i in range(5):
        Image.fromarray(rng.integers(0, 256, (48, 64, 3), dtype=np.uint8)).save(folder / f"{i}.png")
    common = [
        "--size",
        "32",
        "--steps",
        "3",
        "--batch",
        "4",
        "--r1-every",
        "2",
        "--threads",
        "1",
        "--device",
        "cpu",
    ]
    common += ["--crop", "0.5,0.9", "--seed", "5"]

    one = tmp_path / "one" / "m.safetensors"
    assert main(["gan", "train", str(folder), "-o", str(one), *common]) == 0

    two = tmp_path / "two" / "m.safetensors"
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1")
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2"]
    cmd += [
        "-m",
        "studio",
        "gan",
        "train",
        str(folder),
        "-o",
        str(two),
        *common,
        "--preview",
        str(two.parent / "p.png"),
    ]
    proc = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, "\n".join(
        line for line in proc.stderr.replace("\r", "\n").splitlines() if not line.startswith("train [")
    )[:3000]
    assert proc.stdout.count("wrote ") == 1  # rank 0 reports; rank 1 stays quiet

    a = json.loads(one.with_suffix(".json").read_text())
    b = json.loads(two.with_suffix(".json").read_text())
    assert a["train"]["world_size"] == 1 and b["train"]["world_size"] == 2
    assert b["train"]["batch_per_process"] == 2 and b["train"]["batch_size"] == 4
    assert a["images_seen"] == b["images_seen"] == 12
    assert a["data_digest"] == b["data_digest"]  # the same crops, split over the processes
    assert sorted(p.name for p in two.parent.iterdir()) == ["m.json", "m.safetensors", "p.png"]
    assert len(b["loss_history"]) == 3
